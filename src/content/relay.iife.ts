// Content script (isolated world, every frame, document_start): takes the page hook's records
// from its private port (hook-link.ts), numbers and keeps them (RecordBuffer), and sends them to
// the service worker while a panel watches this tab (RelayCore). Records that arrive any other way
// are the page's own: kept as page-made, in a budget of their own. Accepts only data from the
// page, never instructions: the page cannot drive the extension through this script.
import { RecordBuffer } from './record-buffer';
import { RelayCore, isTooLargeError, randomDocId, type SendResult } from './relay-core';
import { BUFFER_CAP_KEY, DEFAULT_BUFFER_CAP, bufferCapSetting } from '../shared/buffer-cap';
import {
  CONTENT_PORT, PROTOCOL_VERSION, RELAY_GLOBAL, isHookMessage, isPageBatch,
  type ContentToWorker, type WorkerToContent,
} from '../shared/protocol';
import { acceptPort, windowLinkEnv } from '../shared/hook-link';
import { Backoff } from '../shared/backoff';

const docId = randomDocId(crypto);
const backoff = new Backoff();
let port: chrome.runtime.Port | null = null;
// The report key: a secret of this document that the page never sees (it lives in this isolated
// world); the service worker reads it (scripting.executeScript in this world) and gives it to the
// features it injects, whose inject records are genuine only with it.
const relay = new RelayCore(docId, new RecordBuffer(DEFAULT_BUFFER_CAP), send, randomDocId(crypto));

// The hook's private port, taken at document_start before any page script runs.
acceptPort(windowLinkEnv(window), (hookPort) => {
  hookPort.onmessage = (event) => {
    if (isHookMessage(event.data)) relay.takeHookMessage(event.data);
  };
});

// A window message in the hook's old batch shape: the page's own (CX Lens no longer sends it).
// Left to the page's listeners as it is.
window.addEventListener('message', (event) => {
  if (event.source === window && isPageBatch(event.data)) relay.takePageBatch(event.data);
}, true);

// This isolated world's global is reachable only by CX Lens's own scripts and a debugger, never
// by the page: the service worker reads the report key here; browser tests hand records in as the
// hook would and read what is kept.
Object.defineProperty(globalThis, RELAY_GLOBAL, {
  value: Object.freeze({
    reportKey: relay.reportKey,
    takeHookMessage: (message: unknown) => {
      if (isHookMessage(message)) relay.takeHookMessage(message);
    },
    kept: () => relay.kept(),
  }),
});

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
