// Content script (isolated world, every frame, document_start): takes the page hook's batches,
// numbers and keeps them (RecordBuffer), and sends them to the service worker while a panel
// watches this tab (RelayCore). Accepts only data from the page, never instructions: the page
// cannot drive the extension through this script.
import { RecordBuffer } from './record-buffer';
import { RelayCore, isTooLargeError, randomDocId, type SendResult } from './relay-core';
import { BUFFER_CAP_KEY, DEFAULT_BUFFER_CAP, bufferCapSetting } from '../shared/buffer-cap';
import { CONTENT_PORT, PROTOCOL_VERSION, isPageBatch, type ContentToWorker, type WorkerToContent } from '../shared/protocol';
import { Backoff } from '../shared/backoff';

const docId = randomDocId(crypto);
const backoff = new Backoff();
let port: chrome.runtime.Port | null = null;
const relay = new RelayCore(docId, new RecordBuffer(DEFAULT_BUFFER_CAP), send);

window.addEventListener('message', (event) => {
  if (event.source !== window || !isPageBatch(event.data)) return;
  // Our own traffic: the page's message listeners never see it (this listener is registered at
  // document_start, before any of theirs), so a page that parses every message cannot trip on it.
  event.stopImmediatePropagation();
  relay.takeBatch(event.data);
}, true);

// The worker wakes us when a panel opens on this tab after the worker restarted while idle.
chrome.runtime.onMessage.addListener((message: unknown) => {
  if ((message as { type?: string } | null)?.type === 'cx-lens-wake' && !port) connect();
});

// The panel's buffer setting (chrome.storage.local); until it is read, the default cap applies.
chrome.storage?.local.get(BUFFER_CAP_KEY).then((stored) => relay.buffer.resize(bufferCapSetting(stored[BUFFER_CAP_KEY], DEFAULT_BUFFER_CAP)), () => {});
chrome.storage?.onChanged.addListener((changes, area) => {
  if (area === 'local' && BUFFER_CAP_KEY in changes) relay.buffer.resize(bufferCapSetting(changes[BUFFER_CAP_KEY]!.newValue, DEFAULT_BUFFER_CAP));
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
    if (relay.isStreaming) setTimeout(connect, backoff.next());
    relay.hold();
  });
  send({ type: 'hello', v: PROTOCOL_VERSION, docId, url: location.href, origin: location.origin, top: window === window.top, timeOrigin: performance.timeOrigin });
}

function onWorkerMessage(message: WorkerToContent): void {
  if (message.type === 'stream') {
    backoff.reset();
    relay.stream(message.since);
  } else if (message.type === 'hold') {
    relay.hold(message.notDelivered);
  }
}

function send(message: ContentToWorker): SendResult {
  if (!port) return 'failed';
  try {
    port.postMessage(message);
    return 'sent';
  } catch (error) {
    return isTooLargeError(error) ? 'too-large' : 'failed';
  }
}
