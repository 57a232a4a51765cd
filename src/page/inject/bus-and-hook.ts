// Shared by the scripts CX Lens injects into a page's main world (and that a site may host
// itself): how they reach the Genesys bus and the CX Lens page hook, and how they report status.
// Everything here runs in page code, so nothing may throw out of it.
import type { Copied, InjectRecord } from '../../shared/protocol';
import { hookHandleOf, ownTargetOrigin, sendRecord } from '../../shared/hook-handle';

/** The CXBus deferred a command returns: done/fail chain, its `then` does not. */
export interface BusDeferred {
  done?(fn: (value: unknown) => void): unknown;
  fail?(fn: (reason: unknown) => void): unknown;
}

/** A plugin interface as `registerPlugin` returns it; only what we call. */
export interface BusInterface {
  subscribe(event: string, cb: (e: { data?: unknown }) => void): unknown;
  unsubscribe(event: string): unknown;
  command(name: string, data?: unknown): BusDeferred | undefined;
  publish?(event: string, data?: unknown): unknown;
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

/** A plugin interface the page hook tapped, by plugin name. */
export function tappedInterface(win: PageWindow, name: string): BusInterface | undefined {
  try {
    return hookHandleOf(win)?.interfaces?.get(name) as BusInterface | undefined;
  } catch {
    return undefined;
  }
}

/** The bus's registerPlugin: the global CXBus's, else that of the QuickBus interface
 *  `_genesys.widgets.bus` (Widgets sets up either, depending on how it is loaded). */
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

/**
 * Sends a status record of an injected feature to CX Lens, through the page hook's handle with
 * `reportKey`: the key the service worker passed to the feature's install/uninstall/deliver (the
 * content script's per-document secret). With the right key the record is genuine; without it (a
 * site that hosts the file and calls it itself) the content script records it as page-made.
 * Without a page hook, posted as a window message (page-made too).
 */
export function emitRecord(
  win: PageWindow,
  feature: InjectRecord['feature'],
  state: InjectRecord['state'],
  detail: { [key: string]: Copied },
  reportKey: string | null = null,
): void {
  const record: InjectRecord = { t: 'inject', seq: 0, time: Date.now(), feature, state, detail };
  sendRecord(win, record, reportKey, (batch) => win.postMessage(batch, ownTargetOrigin(win.location.origin)));
}

/** The report key a call passed (its last argument, from the service worker), else the one
 *  kept from an earlier call: once CX Lens gave its key, the feature's own reports stay genuine
 *  even when the page calls the feature itself (they are true reports of CX Lens's own code). */
export function reportKeyOf(arg: unknown, kept: string | null): string | null {
  return typeof arg === 'string' && arg !== '' ? arg : kept;
}

export function randomId(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (c && typeof c.randomUUID === 'function') return c.randomUUID();
  return `${Date.now().toString(16)}-${Math.random().toString(16).slice(2)}`;
}
