// Shared by the scripts CX Lens injects into a page's main world (and that a site may host
// itself): how they reach the Genesys bus and the CX Lens page hook, and how they report status.
// Everything here runs in page code, so nothing may throw out of it.
import { PAGE_SOURCE, PROTOCOL_VERSION, type Copied, type InjectRecord } from '../../shared/protocol';

/** The CXBus deferred (facts §1.5): done/fail chain, `then` does not. */
export interface BusDeferred {
  done?(fn: (value: unknown) => void): unknown;
  fail?(fn: (reason: unknown) => void): unknown;
}

/** A plugin interface as `registerPlugin` returns it (facts §1.4); only what we call. */
export interface BusInterface {
  subscribe(event: string, cb: (e: { data?: unknown }) => void): unknown;
  unsubscribe(event: string): unknown;
  command(name: string, data?: unknown): BusDeferred | undefined;
  publish?(event: string, data?: unknown): unknown;
}

/** What the CX Lens page hook exposes on `window[Symbol.for('cx-lens.hook')]` (HookHandle in
 *  src/page/bus-tap.ts), seen loosely: every member optional, as an older hook may lack some. */
export interface HookHandle {
  emit?(record: InjectRecord): void;
  /** Events published inside fn are recorded with via 'synthetic'. */
  synthetic?<T>(fn: () => T): T;
  /** Plugin interfaces the hook tapped, by plugin name. */
  interfaces?: { get(name: string): BusInterface | undefined };
}

type RegisterPlugin = (name: string) => BusInterface | false;

/** The window properties these scripts read. Loose on purpose: page globals can be anything. */
export interface PageWindow {
  CXBus?: { registerPlugin?: RegisterPlugin };
  _genesys?: { widgets?: { bus?: { registerPlugin?: RegisterPlugin }; webchat?: { transport?: { async?: { enabled?: unknown } } } } };
  location: { origin: string };
  postMessage(message: unknown, targetOrigin: string): void;
  [key: symbol]: unknown;
}

export const HOOK_KEY = Symbol.for('cx-lens.hook');

export function hookHandle(win: PageWindow): HookHandle | undefined {
  const h = win[HOOK_KEY];
  return typeof h === 'object' && h !== null ? (h as HookHandle) : undefined;
}

/** The bus's registerPlugin, from the global CXBus or the QuickBus interface (facts §1.1). */
export function findRegisterPlugin(win: PageWindow): { register: RegisterPlugin; via: 'CXBus' | 'QuickBus' } | null {
  try {
    const cx = win.CXBus;
    if (cx && typeof cx.registerPlugin === 'function') return { register: (n) => cx.registerPlugin!(n), via: 'CXBus' };
    const quick = win._genesys?.widgets?.bus;
    if (quick && typeof quick.registerPlugin === 'function') return { register: (n) => quick.registerPlugin!(n), via: 'QuickBus' };
  } catch {
    /* a hostile getter: treat as no bus yet */
  }
  return null;
}

/** The guide's test: `window._genesys.widgets.webchat.transport.async.enabled`. */
export function isAsyncChat(win: PageWindow): boolean {
  try {
    return Boolean(win._genesys?.widgets?.webchat?.transport?.async?.enabled);
  } catch {
    return false;
  }
}

/** Posts a status record to CX Lens: through the page hook when it is there, else the way the
 *  hook itself posts (the content script accepts it the same). Without CX Lens nobody listens. */
export function emitRecord(
  win: PageWindow,
  feature: InjectRecord['feature'],
  state: InjectRecord['state'],
  detail: { [key: string]: Copied },
): void {
  const record: InjectRecord = { t: 'inject', seq: 0, time: Date.now(), feature, state, detail };
  try {
    const hook = hookHandle(win);
    if (hook && typeof hook.emit === 'function') {
      hook.emit(record);
      return;
    }
  } catch {
    /* fall back to postMessage */
  }
  try {
    const batch = { source: PAGE_SOURCE, v: PROTOCOL_VERSION, type: 'batch', records: [record] };
    // An opaque origin ("null") is not a valid target; a post to our own window reaches only it anyway.
    const origin = win.location.origin;
    win.postMessage(batch, origin && origin !== 'null' ? origin : '*');
  } catch {
    /* never throw into the page */
  }
}

export function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'string') return e;
  try {
    return JSON.stringify(e) ?? String(e);
  } catch {
    return String(e);
  }
}

export function randomId(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (c && typeof c.randomUUID === 'function') return c.randomUUID();
  return `${Date.now().toString(16)}-${Math.random().toString(16).slice(2)}`;
}
