// Content script (isolated world, every frame, document_start): takes the page hook's batches,
// numbers and keeps them (RecordBuffer), and sends them to the service worker while a panel
// watches this tab. Accepts only data from the page, never instructions: the page cannot drive
// the extension through this script.
import { BUFFER_CAP_KEY, RecordBuffer, bufferCapSetting } from '../core/record-buffer';
import {
  CONTENT_PORT, DEFAULT_BUFFER_CAP, PROTOCOL_VERSION, isPageBatch,
  type CaptureRecord, type ContentToWorker, type WorkerToContent,
} from '../core/protocol';
import { Backoff } from '../core/backoff';

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
  const kept = buffer.push(sanitize(event.data.records));
  if (streaming && kept.length) {
    send({ type: 'records', docId, records: kept, dropped: buffer.dropped, replay: false });
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
    const records = buffer.since(message.since);
    // Chunked so that one message stays well below Chrome's per-message limit.
    for (let i = 0; i < records.length || i === 0; i += 500) {
      send({ type: 'records', docId, records: records.slice(i, i + 500), dropped: buffer.dropped, replay: true });
    }
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

/** The page can post anything with our source tag: a record without a string `t` is kept as a
 *  `malformed` record, so the panel marks it instead of losing it. */
function sanitize(records: unknown[]): CaptureRecord[] {
  return records.map((r) => (r && typeof r === 'object' && typeof (r as { t?: unknown }).t === 'string' ? (r as CaptureRecord) : malformed(r)));
}

function malformed(value: unknown): CaptureRecord {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return { t: 'malformed', seq: 0, time: Date.now(), reason: 'a record without a kind (t) in a CX Lens batch', value: text.slice(0, 500) } as unknown as CaptureRecord;
}
