// Content script (isolated world, every frame, document_start): takes the page hook's batches,
// numbers and keeps them (RecordBuffer), and sends them to the service worker while a panel
// watches this tab. Accepts only data from the page, never instructions: the page cannot drive
// the extension through this script.
import { RecordBuffer } from './record-buffer';
import { BUFFER_CAP_KEY, DEFAULT_BUFFER_CAP, bufferCapSetting } from '../shared/buffer-cap';
import {
  CONTENT_PORT, PROTOCOL_VERSION, isPageBatch,
  type Chunk, type ContentToWorker, type WorkerToContent,
} from '../shared/protocol';
import { encodeRecords } from '../shared/chunks';
import { Backoff } from '../shared/backoff';

const docId = crypto.randomUUID();
const buffer = new RecordBuffer(DEFAULT_BUFFER_CAP);
const backoff = new Backoff();
let port: chrome.runtime.Port | null = null;
let streaming = false;

window.addEventListener('message', (event) => {
  if (event.source !== window || !isPageBatch(event.data)) return;
  // Our own traffic: the page's message listeners never see it (this listener is registered at
  // document_start, before any of theirs), so a page that parses every message cannot trip on it.
  event.stopImmediatePropagation();
  // The hook's batches arrive as one JSON string, kept and forwarded as is: records are never
  // rebuilt here, on the page's main thread. Batches of objects (injected scripts) are written once.
  const batch = event.data;
  const { json, count } = 'json' in batch ? batch : encodeRecords(batch.records);
  const chunk = buffer.push(json, count);
  if (streaming) {
    send({ type: 'chunks', docId, chunks: [chunk], dropped: buffer.dropped, replay: false });
    buffer.delivered(buffer.lastSeq);
  }
}, true);

// The worker wakes us when a panel opens on this tab after the worker restarted while idle.
chrome.runtime.onMessage.addListener((message: unknown) => {
  if ((message as { type?: string } | null)?.type === 'cx-lens-wake' && !port) connect();
});

// The panel's buffer setting (chrome.storage.local); until it is read, the default cap applies.
chrome.storage?.local.get(BUFFER_CAP_KEY).then((stored) => buffer.resize(bufferCapSetting(stored[BUFFER_CAP_KEY], DEFAULT_BUFFER_CAP)), () => {});
chrome.storage?.onChanged.addListener((changes, area) => {
  if (area === 'local' && BUFFER_CAP_KEY in changes) buffer.resize(bufferCapSetting(changes[BUFFER_CAP_KEY]!.newValue, DEFAULT_BUFFER_CAP));
});

connect();

function connect(): void {
  if (!chrome.runtime?.id) return; // the extension was reloaded or removed: this script is orphaned
  try {
    port = chrome.runtime.connect({ name: CONTENT_PORT });
  } catch {
    port = null;
    return;
  }
  port.onMessage.addListener(onWorkerMessage);
  port.onDisconnect.addListener(() => {
    port = null;
    // Reconnect only while a panel was watching; an idle tab waits for a wake-up instead, so a
    // stopped worker is not woken again and again by every open tab.
    if (streaming) setTimeout(connect, backoff.next());
    streaming = false;
  });
  send({ type: 'hello', v: PROTOCOL_VERSION, docId, url: location.href, origin: location.origin, top: window === window.top, timeOrigin: performance.timeOrigin });
}

function onWorkerMessage(message: WorkerToContent): void {
  if (message.type === 'stream') {
    backoff.reset();
    streaming = true;
    // A few chunks per message, so that one message stays well below Chrome's per-message limit.
    const chunks = buffer.since(message.since);
    for (const group of groups(chunks)) send({ type: 'chunks', docId, chunks: group, dropped: buffer.dropped, replay: true });
    buffer.delivered(buffer.lastSeq);
  } else if (message.type === 'hold') {
    streaming = false;
  }
}

function send(message: ContentToWorker): void {
  try {
    port?.postMessage(message);
  } catch {
    /* port closed: onDisconnect reconnects */
  }
}

/** Chunks in groups of at most ~8 MB of JSON; always at least one group, so the panel learns the
 *  dropped count even when there is nothing to replay. */
function groups(chunks: Chunk[]): Chunk[][] {
  const out: Chunk[][] = [[]];
  let size = 0;
  for (const chunk of chunks) {
    if (size + chunk.json.length > 8_000_000 && out[out.length - 1]!.length) {
      out.push([]);
      size = 0;
    }
    out[out.length - 1]!.push(chunk);
    size += chunk.json.length;
  }
  return out;
}
