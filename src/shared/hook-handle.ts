// How CX Lens's other main-world scripts reach the page hook: the channel hook (once, at
// document_start) and the scripts the worker injects later. Neither finds anything on the window:
// both ask with a synchronously dispatched event that the hook answers. Runs in page code: nothing
// here may throw into the page.
import { PAGE_SOURCE, PROTOCOL_VERSION, type CaptureRecord, type PageBatch } from './protocol';
import { ASK_EVENT, reportEventType } from './hook-link';

/** Event type of a request for the hook's handle: a CustomEvent whose detail object the hook
 *  fills with `handle`. For the scripts the service worker injects. */
export const HANDLE_EVENT = 'cx-lens-hook-handle';
/** Event type of the channel hook's one-time request for the hook's own record sink (detail.emit). */
export const CHANNEL_LINK_EVENT = 'cx-lens-channel-link';


/**
 * What the hook answers to HANDLE_EVENT. The page can ask for it too (it can dispatch the event),
 * so nothing here is trusted: `interfaces` holds the page's own bus objects, `emit` sends a record
 * that the content script records as page-made unless it is an `inject` record with this
 * document's report key (which only the service worker's injections are given), and `synthetic`
 * only labels the page's own publishes.
 */
export interface HookHandle {
  readonly version: number;
  /** Every plugin interface the hook has seen (tapped, or frozen and untapped), by plugin name. */
  readonly interfaces: Map<string, object>;
  /** Sends a record (an object with a string `t`), copied safely, with the caller's report key. */
  emit(record: unknown, key?: string | null): void;
  /** Runs fn; events it publishes (synchronously) are recorded with via 'synthetic'. For the
   *  extension's Simulate, so its messages are marked as such in the bus list too. */
  synthetic<T>(fn: () => T): T;
}

interface EventWindow {
  addEventListener?: unknown;
  dispatchEvent?: unknown;
}

const { apply } = Reflect;
/** Taken at load: a window property named dispatchEvent, added later, is not called with the key. */
const dispatchEventNative = typeof EventTarget === 'function' ? EventTarget.prototype.dispatchEvent : undefined;

/** The hook's side: answers every HANDLE_EVENT with `handle`, and the first CHANNEL_LINK_EVENT
 *  (the channel hook, right after the hook at document_start) with `ownEmit`. Natives are taken
 *  now, before any page script runs. Returns what puts the HANDLE_EVENT listener back after the
 *  page erased it (document.open()); adding it again while it is there does nothing. */
export function answerRequests(win: object, handle: HookHandle, ownEmit: (record: CaptureRecord) => void): () => void {
  const add = (win as EventWindow).addEventListener;
  const remove = (win as { removeEventListener?: unknown }).removeEventListener;
  const detailOf = Object.getOwnPropertyDescriptor(CustomEvent.prototype, 'detail')?.get;
  if (typeof add !== 'function' || !detailOf) return () => {};
  const fill = (event: Event, key: string, value: unknown): void => {
    try {
      const detail: unknown = apply(detailOf, event, []);
      if (typeof detail === 'object' && detail !== null) (detail as Record<string, unknown>)[key] = value;
    } catch {
      /* not a CustomEvent, or a page's detail object that refuses the property */
    }
  };
  const onHandle = (event: Event): void => fill(event, 'handle', handle);
  const answerHandle = (): void => {
    apply(add, win, [HANDLE_EVENT, onHandle, true]);
  };
  answerHandle();
  // The channel hook's link is given once, to the first asker: the channel hook, which the same
  // main-world script runs right after this hook. It is withdrawn then, or at the latest when the
  // content script asks for the hook's port (hook-link.ts ASK_EVENT: after the main-world script,
  // in the same task), so no page script can ask for it. No timer: a page without a chat costs none.
  let linked = false;
  const close = (): void => {
    linked = true;
    if (typeof remove === 'function') {
      apply(remove, win, [CHANNEL_LINK_EVENT, onLink, true]);
      apply(remove, win, [ASK_EVENT, close, true]);
    }
  };
  const onLink = (event: Event): void => {
    if (linked) return;
    fill(event, 'emit', ownEmit);
    close();
  };
  apply(add, win, [CHANNEL_LINK_EVENT, onLink, true]);
  apply(add, win, [ASK_EVENT, close, true]);
  return answerHandle;
}

/** Asks the window's hook for its handle; undefined when no hook answers. Loose: a hook of an
 *  older build may lack members. */
export function hookHandleOf(win: object): Partial<HookHandle> | undefined {
  const handle = ask(win, HANDLE_EVENT, 'handle');
  return typeof handle === 'object' && handle !== null ? (handle as Partial<HookHandle>) : undefined;
}

/** The channel hook's request for the hook's record sink: answered once, at document_start. */
export function takeChannelLink(win: object): ((record: CaptureRecord) => void) | null {
  const emit = ask(win, CHANNEL_LINK_EVENT, 'emit');
  return typeof emit === 'function' ? (emit as (record: CaptureRecord) => void) : null;
}

function ask(win: object, type: string, key: string): unknown {
  try {
    const dispatch = (win as EventWindow).dispatchEvent;
    if (typeof dispatch !== 'function' || typeof CustomEvent !== 'function') return undefined;
    const request: Record<string, unknown> = {};
    apply(dispatch, win, [new CustomEvent(type, { detail: request })]);
    return request[key];
  } catch {
    return undefined;
  }
}

/** The targetOrigin of a post to one's own window: its origin, or '*' for an opaque origin
 *  ('null': sandboxed frames, file: pages), which cannot be named. The post stays in this window
 *  either way; naming the origin keeps it from a document that replaced this one. */
export function ownTargetOrigin(origin: string): string {
  return /^[a-z][a-z\d+.-]*:\/\/[^/]+$/i.test(origin) ? origin : '*';
}

/**
 * Sends one record of an injected script to CX Lens. With the document's report key (given by the
 * service worker): as the detail (a JSON string) of an event named after the key, which only the
 * content script listens to; the key goes through nothing the page can read. Without one (a site
 * calling a file it hosts): through the page hook's handle, else as a window message of its own
 * through `post`; the content script records both as page-made. Without CX Lens nobody listens.
 * Never throws.
 */
export function sendRecord(win: object, record: CaptureRecord, key: string | null, post: (batch: PageBatch) => void): void {
  if (key) {
    try {
      if (dispatchEventNative && typeof CustomEvent === 'function') {
        apply(dispatchEventNative, win, [new CustomEvent(reportEventType(key), { detail: JSON.stringify(record) })]);
        return;
      }
    } catch {
      /* not serialisable, or no event support: sent below, as page-made */
    }
  }
  try {
    const hook = hookHandleOf(win);
    if (hook && typeof hook.emit === 'function') {
      hook.emit(record, null);
      return;
    }
  } catch {
    /* fall back to a batch of its own */
  }
  try {
    post({ source: PAGE_SOURCE, v: PROTOCOL_VERSION, type: 'batch', records: [record] });
  } catch {
    /* never throw into the page */
  }
}
