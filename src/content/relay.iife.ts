// Content script (isolated world, every frame, document_start): takes the page hook's records
// from its private port (hook-link.ts), numbers and keeps them (RecordBuffer), and sends them to
// the service worker while a panel watches this tab (RelayCore), over a port opened only once a
// panel asks (RelayLink). Records that arrive any other way are the page's own: kept as page-made,
// in a budget of their own. Accepts only data from the page, never instructions: the page cannot
// drive the extension through this script.
import { RecordBuffer } from './record-buffer';
import { RelayCore, randomDocId } from './relay-core';
import { contestedBy, frameLinksOf } from './hand-over';
import { RelayLink, type LinkPort } from './relay-link';
import { BUFFER_CAP_KEY, DEFAULT_BUFFER_CAP, MAX_BUFFER_CAP, bufferCapSetting } from '../shared/buffer-cap';
import { PANELS_OPEN_KEY, anyPanelOpen } from '../shared/panels-open';
import {
  CONTENT_PORT, LATE_START_FLAG, PANEL_OPEN_FLAG, PROTOCOL_VERSION, RELAY_GLOBAL, isHookMessage, isPageBatch, type HookControl, type WorkerToContent,
} from '../shared/protocol';
import { acceptPort, reportEventType, windowLinkEnv } from '../shared/hook-link';

const docId = randomDocId(crypto);
/** The hook's private port, once taken (the muted names go back on it). */
let hookPortTaken: MessagePort | null = null;
// Whether another page could have reached the hook's hand-over in this frame (hand-over.ts). A
// relay the worker injected after the page's scripts ran (capture started without a reload, the
// worker sets LATE_START_FLAG first) is contested too: the page could have been listening.
// The injected features' reports stay genuine there: their key is as secret as in any page (the
// features always run after the page's scripts).
const lateStart = (globalThis as unknown as Record<string, unknown>)[LATE_START_FLAG] === true;
const handOverContested = contestedBy(frameLinksOf(window));
const contested = handOverContested ?? (lateStart ? 'started after the page\'s own scripts (capture began without a reload)' : null);
const reportsGenuine = lateStart && handOverContested === null;
// The report key: a secret of this document that the page never sees (it lives in this isolated
// world); the service worker reads it (scripting.executeScript in this world) and gives it to the
// features it injects, whose inject records are genuine only with it.
// Until the panel's buffer setting is read (readSettings), the buffer may hold up to the largest
// cap, so that a first burst is not cut to the default before the user's setting is known.
const relay: RelayCore = new RelayCore(docId, new RecordBuffer(MAX_BUFFER_CAP), (message) => link.send(message), randomDocId(crypto), { contested, reportsGenuine });
// No port until a panel asks (see RelayLink): ordinary browsing starts no worker.
const link: RelayLink = new RelayLink(relay, {
  connect: openPort,
  setTimer: (fn, ms) => setTimeout(fn, ms),
  prerendering: () => (document as Document & { prerendering?: boolean }).prerendering === true,
  hello: () => ({
    type: 'hello', v: PROTOCOL_VERSION, docId, url: location.href, origin: location.origin, top: window === window.top, timeOrigin: performance.timeOrigin,
    ...(contested ? { contested } : {}),
  }),
  // The muted names go back to the hook on its private port: only this world holds it.
  mute: (names) => {
    const message: HookControl = { type: 'mute', names };
    try {
      hookPortTaken?.postMessage(message);
    } catch {
      /* the port is gone with its document */
    }
  },
});

// The hook's private port, taken at document_start before any page script runs.
acceptPort(windowLinkEnv(window), (hookPort) => {
  hookPortTaken = hookPort;
  hookPort.onmessage = (event) => {
    if (!isHookMessage(event.data)) return;
    relay.takeHookMessage(event.data);
    // More than the hook's first status (see below); in a contested frame they are kept page-made.
    if (relay.buffer.length + relay.pageMade.length > 1) readSettings();
  };
});

// A window message in the hook's old batch shape: the page's own (CX Lens no longer sends it).
// Left to the page's listeners as it is.
const onWindowMessage = (event: MessageEvent): void => {
  if (event.source === window && isPageBatch(event.data)) relay.takePageBatch(event.data);
};
// The injected features' reports, on the event named after the report key (only they know it).
const reportType = reportEventType(relay.reportKey);
const onReport = (event: Event): void => relay.takeReport((event as CustomEvent).detail);

// This isolated world's global is reachable only by CX Lens's own scripts and a debugger, never
// by the page: the service worker reads the report key here; browser tests hand records in as the
// hook would and read what is kept.
Object.defineProperty(globalThis, RELAY_GLOBAL, {
  value: Object.freeze({
    reportKey: relay.reportKey,
    contested: relay.contested,
    takeHookMessage: (message: unknown) => {
      if (isHookMessage(message)) relay.takeHookMessage(message);
    },
    kept: () => relay.kept(),
    wake,
    panelOpen,
    // Its site was switched off: drop what this document kept (the worker calls it).
    stop: () => relay.stop(),
  }),
});

// The panel's buffer setting, and whether a panel is open (then this document connects at once).
// Read only once this frame has more than the hook's first status, or a panel asks: on a page
// without a chat, chrome.storage would cost every frame its bindings and a round trip to the
// browser (about 10 ms of an ordinary page's load, measured), for nothing.
let settingsRead = false;
function readSettings(): void {
  if (settingsRead) return;
  settingsRead = true;
  chrome.storage?.local.get([BUFFER_CAP_KEY, PANELS_OPEN_KEY]).then((stored) => {
    relay.buffer.resize(bufferCapSetting(stored[BUFFER_CAP_KEY], DEFAULT_BUFFER_CAP));
    if (anyPanelOpen(stored[PANELS_OPEN_KEY])) link.request();
  }, () => relay.buffer.resize(DEFAULT_BUFFER_CAP));
  chrome.storage?.onChanged.addListener((changes, area) => {
    if (area === 'local' && BUFFER_CAP_KEY in changes) relay.buffer.resize(bufferCapSetting(changes[BUFFER_CAP_KEY]!.newValue, DEFAULT_BUFFER_CAP));
  });
}

// A panel asks for this frame's records: the worker calls wake() in this world (executeScript)
// in every frame of a tab when a panel subscribes to it, and panel-open.ts, registered only while
// a panel is open somewhere, at document_start of a top frame (before or after this script ran).
// No chrome.runtime listener: its bindings would cost every frame of every page.
function wake(): void {
  readSettings();
  link.request();
}
/** panel-open.ts ran in this frame: a panel is open. A top frame connects at once (a reload of a
 *  watched tab is seen from its start), and so does a contested frame, so that the panel can say
 *  so even when another page holds the hook's port and nothing else arrives. Other frames connect
 *  once they have more than the hook's first status, as without a panel. */
function panelOpen(): void {
  if (window === window.top || contested) wake();
}
if ((globalThis as unknown as Record<string, unknown>)[PANEL_OPEN_FLAG] === true) panelOpen();

/** A document that becomes the tab's page again (activated after prerendering, restored from the
 *  back/forward cache) was out of reach of the worker's wake-up: it asks whether a panel is open. */
function askIfPanelOpen(): void {
  chrome.storage?.local.get(PANELS_OPEN_KEY).then((stored) => {
    if (anyPanelOpen(stored[PANELS_OPEN_KEY])) link.request();
  }, () => {});
}

// The page's life: the back/forward cache, prerendering, freezing.
const onPageHide = (event: PageTransitionEvent): void => link.hidden(event.persisted);
const onPageShow = (event: PageTransitionEvent): void => {
  link.shown(event.persisted);
  if (event.persisted) askIfPanelOpen();
};
const onPrerenderingChange = (): void => {
  link.activated();
  askIfPanelOpen();
};
const onResume = (): void => link.resumed();

/** Listeners of this isolated world (the page does not see them). Adding one that is there
 *  already does nothing, so this runs again whenever the page may have erased them. */
function armListeners(): void {
  window.addEventListener('message', onWindowMessage, true);
  window.addEventListener(reportType, onReport, true);
  window.addEventListener('pagehide', onPageHide, true);
  window.addEventListener('pageshow', onPageShow, true);
  document.addEventListener('prerenderingchange', onPrerenderingChange, true);
  document.addEventListener('resume', onResume, true);
}
armListeners();
// document.open() erases every listener of the document and the window, of every world (HTML's
// document open steps), and empties the document: whenever the document's own children change
// (its root element parsed, or removed by a rewrite), the listeners are put back. Only the
// document's own children are watched: a record or two per load.
new MutationObserver(armListeners).observe(document, { childList: true });

function openPort(): LinkPort | null {
  if (!chrome.runtime?.id) return null; // the extension was reloaded or removed: this script is orphaned
  const port = chrome.runtime.connect({ name: CONTENT_PORT });
  return {
    postMessage: (message) => port.postMessage(message),
    disconnect: () => port.disconnect(),
    onMessage: (listener) => port.onMessage.addListener((message) => listener(message as WorkerToContent)),
    onDisconnect: (listener) => port.onDisconnect.addListener(() => listener()),
  };
}
