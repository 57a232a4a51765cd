// The CX Lens message protocol: every shape that crosses a hop (page → content script →
// service worker → panel). Pure types and constants, no chrome.* imports. See docs/ARCHITECTURE.md.
import type { InjectFeature, InjectOptions } from './injection-options';
import type { SiteList, TabAccess } from './site-access';

/** Bumped when any message shape below changes incompatibly. Every hop checks it. */
export const PROTOCOL_VERSION = 1;

/** `source` tag of the page hook's old window messages; a window message with it is page-made. */
export const PAGE_SOURCE = 'cx-lens-page';
/** runtime.connect port names. */
export const CONTENT_PORT = 'cx-lens-content';
export const PANEL_PORT = 'cx-lens-panel';

/** A value copied out of the page by safeCopy: plain JSON, with `$cx` marker objects for what
 *  could not be copied as is (see src/page/safe-copy.ts and CopyMarker). */
export type Copied = null | boolean | number | string | Copied[] | { [key: string]: Copied };

/** Marker objects inside a Copied tree. Real payload keys never start with `$cx`, and the
 *  copier escapes a page object that has a `$cx` key (it becomes `$cx:escaped`). */
export type CopyMarker =
  | { $cx: 'cycle'; path: string }
  | { $cx: 'function'; name: string }
  | { $cx: 'dom'; description: string }
  | { $cx: 'jquery'; length: number; description: string }
  | { $cx: 'window' }
  | { $cx: 'string'; head: string; length: number } // string cut to the cap
  | { $cx: 'array'; items: Copied[]; length: number } // array cut to the cap
  | { $cx: 'object'; entries: { [key: string]: Copied }; keys: number } // object cut to the cap
  | { $cx: 'depth'; type: string } // nesting deeper than the cap
  | { $cx: 'budget' } // node budget of this payload used up
  | { $cx: 'threw'; message: string } // a proxy trap threw
  | { $cx: 'accessor'; get: boolean; set: boolean } // a getter/setter property: never run, so its value is not shown
  | { $cx: 'undefined' }
  | { $cx: 'number'; value: 'NaN' | 'Infinity' | '-Infinity' }
  | { $cx: 'bigint'; value: string }
  | { $cx: 'symbol'; description: string }
  | { $cx: 'date'; iso: string }
  | { $cx: 'regexp'; source: string; flags: string }
  | { $cx: 'error'; name: string; message: string; stack?: string }
  | { $cx: 'map'; entries: Copied[]; size: number }
  | { $cx: 'set'; items: Copied[]; size: number }
  | { $cx: 'escaped'; value: Copied }
  | { $cx: 'too-large'; chars: number }; // a record too large for one extension message: its payload is not sent

/** Where a captured bus event came from. */
export type EventVia = 'publish' | 'publishDirect' | 'republish' | 'replay' | 'data' | 'synthetic';

/** Final state of a command. `pending` is never sent: a command without an outcome is pending. */
export type CommandOutcome = 'resolved' | 'rejected' | 'cancelled';

interface RecordBase {
  /** Sequence number, strictly increasing per document (docId), set by the content script.
   *  Used for replay and dedup. */
  seq: number;
  /** ms since epoch, taken in the page when the call happened. */
  time: number;
  /** true when the copier lost anything of this record's payload: a cap, a function / DOM node /
   *  jQuery object / window replaced by its description, a getter that threw. Lossless markers
   *  (cycle, undefined, NaN, Date, Map...) do not set it. */
  truncated?: boolean;
  /** Set by the content script on a record that did not come over the hook's private channel: the
   *  page made it (or forged it). Shown as page-made; never feeds a verdict, a reaction or a finding. */
  pageMade?: true;
}

/** A published bus event, e.g. WebChat.opened. */
export interface EventRecord extends RecordBase {
  t: 'event';
  /** Full name, `<publisher>.<event>`. */
  name: string;
  publisher: string;
  via: EventVia;
  data: Copied;
  /** For via 'replay': the plugin whose late subscribe received the sticky data. */
  subscriber?: string;
}

/** A bus command call, e.g. WebChat.open. Its outcome arrives later as an OutcomeRecord. */
export interface CommandRecord extends RecordBase {
  t: 'command';
  /** Call id, unique per document; OutcomeRecord.id refers to it. */
  id: number;
  name: string;
  commander: string;
  options: Copied;
}

export interface OutcomeRecord extends RecordBase {
  t: 'outcome';
  id: number;
  outcome: CommandOutcome;
  /** Resolved value, or the rejection reason. */
  value: Copied;
}

/** Registration on the bus: plugins, commands, events, before hooks, subscriptions. */
export interface PluginRecord extends RecordBase {
  t: 'plugin';
  action: 'registerPlugin' | 'registerCommand' | 'registerEvents' | 'before' | 'subscribe' | 'unsubscribe';
  plugin: string;
  /** Command or event names involved (full names where the bus makes them full). */
  names: string[];
  /** false when the bus refused (registerPlugin returned false, subscribe returned false). */
  ok: boolean;
}

/** What the hook knows about its page; sent when it changes. */
export interface HookStatusRecord extends RecordBase {
  t: 'status';
  status: HookStatus;
}

export type HookStatus = {
  /** `CXBus` global seen and tapped. */
  cxbus: 'absent' | 'tapped' | 'untappable';
  /** `_genesys.widgets.bus` (QuickBus) seen. */
  quickBus: boolean;
  /** Plugin interfaces the hook has (seen registering, or reached on a late attach), in order. */
  plugins: string[];
  /** Human-readable problems, e.g. "plugin App interface is frozen: its calls are not captured". */
  problems: string[];
  /** Read from window._genesys.widgets.webchat.transport (async mode decides what the finalize
   *  handler does). */
  transport?: { type?: string; dataURL?: string; asyncEnabled?: boolean };
  /** The page's chat config and poll lock (src/page/chat-facts.ts); only on a page with a webchat config. */
  chat?: ChatFacts;
  /** Records the hook could not make or send in this document since it started: its own code
   *  failed inside the page (caught, so the page's call went on), e.g. the stack was spent, or a
   *  built-in the page replaced got in the way. With the first failure's reason. Omitted while there
   *  is none; the panel then shows that frame's capture as partial. */
  unrecorded?: { count: number; reason: string };
  /** Events of a muted name the hook did not copy (src/shared/mutes.ts), per name, since the
   *  document started; omitted while there is none. Not lost: the panel asked for it. */
  muted?: { name: string; count: number }[];
};

/** What the hook reads of the page's chat for the panel's findings. */
export type ChatFacts = {
  /** typeof webchat.transport.async.getSessionData / setSessionData ('accessor': a getter, not run);
   *  omitted when transport.async is not an object. */
  getSessionData?: string;
  setSessionData?: string;
  /** webchat.async.enabled: the top-level place, which the v3 transport does not read. */
  webchatAsyncEnabled?: boolean;
  /** localStorage `_genesys.widgets.chatPollPending` (null: not set): since when the hook has read
   *  this value, and when it last read it ("true" only; every few seconds at most). */
  pollLock?: { value: string | null; since: number; checkedAt: number };
};

/** Status of code CX Lens injected into the page: the finalize handler (dist/finalize-handler.js),
 *  the interaction-state simulator (dist/simulate-state.js) and the cookie provider
 *  (dist/cookie-provider-inject.js). */
export interface InjectRecord extends RecordBase {
  t: 'inject';
  /** cookie-provider: installed, waiting (no bus yet: saves start when one appears), removed,
   *  failed. */
  feature: 'finalize' | 'simulate' | 'cookie-provider';
  /** finalize: installed → waiting (no bus yet) → installed → fired… → removed; failed on errors.
   *  simulate: delivered or failed. */
  state: 'installed' | 'waiting' | 'fired' | 'delivered' | 'failed' | 'removed';
  /** e.g. {state:'Finalizing', action:'inject', messageId} for fired, {error} for failed. */
  detail: { [key: string]: Copied };
}

/** A cross-frame message the channel hook saw (src/page/channel-tap.ts): a cookie-channel
 *  message (docs/cookie-channel.md) or any cross-origin message between this frame and another.
 *  `in`: a message event delivered to this frame. `out`: a call of this window's own postMessage,
 *  i.e. a post to this window by this frame (or a same-origin frame); Chromium gives page scripts
 *  no way to see posts to cross-origin windows, so those are seen only at their receiver. */
export interface ChannelRecord extends RecordBase {
  t: 'channel';
  direction: 'in' | 'out';
  /** The other window: for `in` the event's source, for `out` this window itself ('self'). */
  peer: 'parent' | 'child' | 'self' | 'other' | 'none';
  /** For a child frame: its <iframe> element's src, when the element is in this document. */
  peerUrl?: string;
  senderOrigin: string;
  receiverOrigin: string;
  /** `out` only: the targetOrigin passed to postMessage. */
  targetOrigin?: string;
  /** `out` only: false when targetOrigin does not match this window, so the browser drops it. */
  delivered?: boolean;
  /** A cookie-channel message (its type starts with cx-lens-cookie/). */
  channel: boolean;
  /** Channel messages: the message type, request id, and for replies ok / error code. */
  type?: string;
  id?: string;
  ok?: boolean;
  errorCode?: string;
  /** Carried a session cookie value (masked in `data`). */
  carriesSession: boolean;
  /** The message, cookie values masked (maskSessionData), copied boundedly. */
  data: Copied;
}

/** Cross-frame messages the channel hook did not record (a flood past its rate limit), counted. */
export interface ChannelGapRecord extends RecordBase {
  t: 'channel-gap';
  /** Messages not recorded since the previous gap record, by kind. */
  channel: number;
  other: number;
  /** When the first and last of them arrived. */
  from: number;
  to: number;
  /** Sender origins of the skipped messages, most frequent first (at most 5). */
  origins: { origin: string; count: number }[];
}

/** One cookie as a frame holds it. Values never leave the frame: only their length and
 *  fingerprints (cookie-values.ts fingerprint). */
export type CookieFactEntry = {
  name: string;
  length: number;
  /** Fingerprint of the raw value. */
  value: string;
  /** Fingerprint of the session the value names: its `token` when the value is Widgets' session
   *  JSON ({messageIndex, token}, maybe URI-encoded), else the raw value's fingerprint. */
  session: string;
  /** ms epoch; null for a session cookie; omitted when the browser cannot tell (no cookieStore). */
  expires?: number | null;
};

/** What a frame knows of the cross-domain cookie sync, sent when it changes. */
export interface CookieFactsRecord extends RecordBase {
  t: 'cookie-facts';
  /** iframe: a frame that declares TRUSTED_DOMAINS or answers channel requests; page: a frame with
   *  a CookieProvider, CX Lens's injected provider, or channel replies from a child. */
  role: 'page' | 'iframe';
  url: string;
  origin: string;
  /** iframe: TRUSTED_DOMAINS (read by descriptor, by name only where no property holds it),
   *  entries as strings (`accessor` for an entry behind a getter); null when not declared; a string
   *  naming the type when it is not an array, `accessor` when it is a getter (never called). */
  trustedDomains?: string[] | null | string;
  /** page: the cookie provider globals found, by descriptor (a getter counts as found, never
   *  called); `injected`: CX Lens's CXLensCookieInjection claimed in this document. */
  provider?: { cookieProvider: boolean; extension: boolean; injected: boolean };
  /** page: its <iframe> elements (src and origin), at most 20. */
  frames?: { url: string; origin: string }[];
  /** The frame's cookies (at most 50, by name), values as fingerprints only. */
  cookies: CookieFactEntry[];
  /** Cookies left out past the cap. */
  cookiesLeftOut?: number;
  /** document.cookie could not be read (a sandboxed frame). */
  cookiesUnreadable?: boolean;
}

/** Every record kind; a feature adds its own `t` values to this union. A record crosses as JSON:
 *  the shapes its fields hold are type aliases, not interfaces, so that every record is also a
 *  `{ [key: string]: Copied }` (the bus list summarizes a record of an unknown kind so). */
export type CaptureRecord =
  | EventRecord | CommandRecord | OutcomeRecord | PluginRecord | HookStatusRecord | InjectRecord
  | ChannelRecord | ChannelGapRecord | CookieFactsRecord;

// ---------------------------------------------------------------------------------------------
// Hop 1: page hook → content script, over a private MessagePort (src/shared/hook-link.ts) handed
// from the main world to the content script at document_start, before any page script runs.

/** What the page hook posts on its private port. The hook leaves seq at 0: the content script
 *  numbers records as they arrive. */
export type HookMessage =
  /** The hook's own records: a JSON array string (it crosses to the content script and on to the
   *  panel without being rebuilt), or objects when the page gave every object a toJSON. */
  | ({ type: 'batch' } & ({ json: string; count: number } | { records: CaptureRecord[] }))
  /** One record handed to the hook's handle (HookHandle.emit), which the page can reach too: always
   *  recorded as page-made (`key` is ignored; the features CX Lens injects report on the report
   *  event instead, hook-link.ts reportEventType). */
  | { type: 'emit'; key: string | null; record: CaptureRecord };

/** What the content script posts back on the hook's private port (the page cannot reach it): the
 *  event names the hook skips from now on, the whole list each time (src/shared/mutes.ts). */
export type HookControl = { type: 'mute'; names: string[] };

/** Name of the content script's object on its isolated world's global (reachable only by CX Lens's
 *  own scripts and a debugger, never by the page): the document's report key, read by the service
 *  worker with scripting.executeScript before it calls an injected feature. */
export const RELAY_GLOBAL = 'cxLensRelay';
/** Set in the relay's isolated world by src/content/panel-open.ts: a panel is open somewhere. */
export const PANEL_OPEN_FLAG = 'cxLensPanelOpen';
/** Set by the worker in the relay's world before it injects the relay into a running page. */
export const LATE_START_FLAG = 'cxLensLateStart';
/** The id and file of that script while it is registered. */
export const PANEL_OPEN_SCRIPT = { id: 'cx-lens-panel-open', file: 'panel-open.js' } as const;

/**
 * The old shape of hop 1, a window message: `{source: PAGE_SOURCE, …}`. CX Lens no longer sends
 * it; a window message in this shape is the page's own (or a forgery), and the content script
 * records its records as page-made (`pageMade: true`) in a budget of their own.
 */
export type PageBatch = {
  source: typeof PAGE_SOURCE;
  v: typeof PROTOCOL_VERSION;
  type: 'batch';
} & ({ json: string; count: number } | { records: CaptureRecord[] });

/** Records numbered firstSeq, firstSeq + 1, ..., as a JSON array string. The content script keeps
 *  and forwards chunks as they are; the panel parses them. */
export interface Chunk {
  firstSeq: number;
  count: number;
  json: string;
}

// ---------------------------------------------------------------------------------------------
// Hop 2: content script ⇄ service worker (port CONTENT_PORT, one per frame).

export type ContentToWorker =
  /** `restored`: the document came back from the back/forward cache (said again, same docId). */
  | { type: 'hello'; v: number; docId: string; url: string; origin: string; top: boolean; timeOrigin: number; restored?: boolean; contested?: string }
  | { type: 'chunks'; docId: string; chunks: Chunk[]; dropped: number; tooLarge?: number; pageMadeDropped?: number; replay: boolean };

export type WorkerToContent =
  /** A panel watches this tab: send every kept record with seq > since (replay: true), then each
   *  new record as it comes. One message, so nothing can slip between the replay and the stream. */
  | { type: 'stream'; since: number }
  /** No panel watches: keep buffering, send nothing. */
  /** Buffer only. `notDelivered`: the records after this seq reached no panel (the worker had none
   *  watching when they came), so the buffer counts them as dropped if it must let them go. */
  | { type: 'hold'; notDelivered?: number }
  /** The tab's muted event names, the whole list: sent after each hello and each change. */
  | { type: 'mute'; names: string[] };

// ---------------------------------------------------------------------------------------------
// Hop 3: panel ⇄ service worker (port PANEL_PORT, one per open panel).

/** One document (frame) of the inspected tab, as the worker knows it. */
export interface FrameInfo {
  docId: string;
  frameId: number;
  url: string;
  origin: string;
  top: boolean;
  /** ms epoch when the worker first heard of it. */
  seenAt: number;
  /** It said hello again after a restore from the back/forward cache. */
  restored?: boolean;
  /** Why another page could have reached the hook's private hand-over in this frame (a same-origin
   *  parent or opener): its records all arrive page-made. */
  contested?: string;
}

export type PanelToWorker =
  /** Watch a tab. cursors: last seq the panel holds per docId; the worker asks each frame to
   *  replay what follows. Sent again after every reconnect. */
  | { type: 'subscribe'; v: number; tabId: number; cursors: Record<string, number> }
  | { type: 'unsubscribe' }
  /** Switch an injected feature on (options) or off (null) for the watched tab. It stays on across
   *  reloads and navigations of that tab until switched off. Only the panel can send this. */
  | { type: 'inject'; feature: InjectFeature; options: InjectOptions[InjectFeature] | null }
  /** Deliver a synthetic InteractionStateChange to the page's messageReceived subscribers. */
  | { type: 'simulate'; state: string }
  /** Mute (or unmute) an event name in the watched tab: its hooks stop copying it, across reloads,
   *  until unmuted. Only the panel can send this. */
  | { type: 'mute'; name: string; muted: boolean }
  /** Site access (src/shared/site-access.ts): switch capture on an origin on or off; `reload`:
   *  then reload the watched tab, so that capture starts from its first event. The worker answers
   *  every site message with `sites`. Only extension pages (the panel) can send it. */
  | { type: 'site'; origin: string; on: boolean; reload?: boolean }
  /** Capture on every site (CX Lens's behaviour before site access) or only on the listed ones. */
  | { type: 'site-all'; on: boolean }
  /** Start capturing the watched tab now, without a reload: the hook and relay are injected into
   *  every frame that lacks them (their records are contested: the page ran first). */
  | { type: 'site-start-now' }
  /** Ask for the site list and the watched tab's access. */
  | { type: 'sites-get' };

export type WorkerToPanel =
  | { type: 'frame'; frame: FrameInfo }
  | { type: 'frame-gone'; docId: string }
  /** dropped: genuine records lost to a full buffer; pageMadeDropped: page-made records lost to
   *  their own, separate budget (they never evict genuine ones). */
  | { type: 'chunks'; docId: string; chunks: Chunk[]; dropped: number; tooLarge?: number; pageMadeDropped?: number; replay: boolean }
  | { type: 'error'; message: string }
  /** The tab's injection settings, sent on subscribe and after every change. */
  | { type: 'injection'; settings: InjectionSettings; error?: { feature: InjectFeature | 'simulate'; message: string } }
  /** The tab's muted event names, sent on subscribe and after every change (or a refused one: error). */
  | { type: 'mutes'; names: string[]; error?: string }
  /** The site list, and the watched tab's access (absent for a port that watches no tab). */
  | { type: 'sites'; list: SiteList; tab?: TabAccess; note?: SiteNote };

/** Why the site list changed, for the panel to say. */
export type SiteNote =
  /** Switching an injected feature on switched its tab's site on too (features report through
   *  CX Lens's page scripts). */
  | { kind: 'by-feature'; origin: string; feature: InjectFeature }
  /** Capture started now without a reload: events before `at` (ms epoch) are missing. */
  | { kind: 'started-now'; at: number; frames: number }
  | { kind: 'failed'; message: string };

// ---------------------------------------------------------------------------------------------
// Injection: packaged files run in the inspected page's main world (chrome.scripting).

// The features, their options and the options' one validator each: src/shared/injection-options.ts.
export type { CookieProviderOptions, FinalizeOptions, InjectFeature, InjectOptions } from './injection-options';

/** What is switched on for one tab. */
export type InjectionSettings = { [F in InjectFeature]?: InjectOptions[F] };

/** The hook flushes a batch at most this often (ms), or sooner when it is full. */
export const BATCH_INTERVAL_MS = 50;
export const BATCH_MAX_RECORDS = 500;
/** Characters of JSON one batch (and one message between the hops) holds at most: Chrome refuses an
 *  extension message over 64 MiB, and a JSON string can grow when it is written again (escapes,
 *  UTF-8), so batches stay far below it. A bigger batch is sent in several. */
export const BATCH_MAX_CHARS = 8_000_000;
/** A single record whose JSON is over this is sent without its payload (a `too-large` marker). The
 *  relay refuses a page's batch over this, counting its records as lost, too large. */
export const RECORD_MAX_CHARS = 24_000_000;

export function isPageBatch(data: unknown): data is PageBatch {
  if (typeof data !== 'object' || data === null) return false;
  const d = data as Record<string, unknown>;
  if (d.source !== PAGE_SOURCE || d.v !== PROTOCOL_VERSION || d.type !== 'batch') return false;
  if (typeof d.json === 'string') return typeof d.count === 'number' && Number.isInteger(d.count) && d.count > 0 && d.count <= 100_000;
  return Array.isArray(d.records);
}

/** A message of the hook's private port, checked loosely (the port is private, but what it
 *  carries is the page's data). */
export function isHookMessage(data: unknown): data is HookMessage {
  if (typeof data !== 'object' || data === null) return false;
  const d = data as Record<string, unknown>;
  if (d.type === 'emit') return (d.key === null || typeof d.key === 'string') && typeof d.record === 'object' && d.record !== null;
  if (d.type !== 'batch') return false;
  if (typeof d.json === 'string') return typeof d.count === 'number' && Number.isInteger(d.count) && d.count > 0 && d.count <= 100_000;
  return Array.isArray(d.records);
}
