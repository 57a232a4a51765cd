// Channel hook (MAIN world, document_start, every frame, right after the page hook; built as a
// self-contained classic script): records cross-frame messages and the cookie-sync facts of this
// frame (src/page/channel-tap.ts) and hands them to the page hook, which sends them over its
// private port. The hook gives its record sink once, to the first asker, during this task
// (hook-handle.ts takeChannelLink): a second injection gets none and does nothing, and without
// the page hook there is no private channel, so nothing is installed. Everything the page could
// replace later (getters, methods, timers) is taken here, before any page script runs.
import { ChannelTap, type ChannelEnv } from './channel-tap';
import { read } from './page-objects';
import { takeChannelLink } from '../shared/hook-handle';

declare const TRUSTED_DOMAINS: unknown;

type Fn = (...args: unknown[]) => unknown;

function install(win: Window & Record<PropertyKey, unknown>): void {
  const emit = takeChannelLink(win);
  if (!emit) return; // injected twice, or no page hook
  const { apply } = Reflect;
  const getDescriptor = Object.getOwnPropertyDescriptor;
  const now = Date.now;
  const { setTimeout } = win;
  const addEventListener = EventTarget.prototype.addEventListener;
  const getCookie = getDescriptor(Document.prototype, 'cookie')?.get;
  const byTagName = Document.prototype.getElementsByTagName;
  const frameWindow = getDescriptor(HTMLIFrameElement.prototype, 'contentWindow')?.get;
  const frameSrc = getDescriptor(HTMLIFrameElement.prototype, 'src')?.get;
  const doc = win.document;
  const store = (win as { cookieStore?: EventTarget }).cookieStore;
  const getAll = typeof CookieStore !== 'undefined' ? (CookieStore.prototype.getAll as Fn) : undefined;
  const postOriginal = win.postMessage as Fn;
  let origin = 'null';
  try {
    origin = win.location.origin;
  } catch {
    /* opaque */
  }
  const parent = win.parent === win ? null : win.parent;

  const iframes = (): HTMLIFrameElement[] => {
    try {
      return Array.from(apply(byTagName, doc, ['iframe']) as HTMLCollectionOf<HTMLIFrameElement>);
    } catch {
      return [];
    }
  };

  const env: ChannelEnv = {
    now: () => now(),
    setTimer: (fn, ms) => apply(setTimeout, win, [fn, ms]),
    self: win,
    parent,
    origin,
    url: () => {
      try {
        return win.location.href;
      } catch {
        return '';
      }
    },
    emit,
    childFrameUrl: (source) => {
      if (!frameWindow || !frameSrc) return null;
      for (const frame of iframes()) {
        if (apply(frameWindow, frame, []) === source) return String(apply(frameSrc, frame, []));
      }
      return null;
    },
    trustedDomains: () => {
      try {
        // By name: a top-level let/const of another classic script is no window property.
        return typeof TRUSTED_DOMAINS !== 'undefined' ? { declared: true, value: TRUSTED_DOMAINS } : { declared: false };
      } catch {
        return { declared: false }; // read before its declaration ran (temporal dead zone)
      }
    },
    providerGlobals: () => {
      const injection = read(win, 'CXLensCookieInjection');
      const status = typeof read(injection, 'status') === 'function' ? safeCall(() => (injection as { status(): { installed?: boolean } }).status()) : null;
      return {
        cookieProvider: typeof read(win, 'CookieProvider') === 'function',
        extension: typeof read(win, 'initCookieProviderExtension') === 'function',
        injected: read(status, 'installed') === true,
      };
    },
    iframeUrls: () => (frameSrc ? iframes().map((frame) => String(apply(frameSrc, frame, []))) : []),
    cookieString: () => {
      try {
        return getCookie ? String(apply(getCookie, doc, [])) : null;
      } catch {
        return null; // sandboxed: no cookie access
      }
    },
    cookieExpiries: () => {
      if (!store || !getAll) return null;
      return (apply(getAll, store, []) as Promise<{ name: string; expires: number | null }[]>).then((list) => {
        const map = new Map<string, number | null>();
        for (const cookie of list) if (!map.has(cookie.name)) map.set(cookie.name, typeof cookie.expires === 'number' ? cookie.expires : null);
        return map;
      });
    },
  };

  const tap = new ChannelTap(env);
  apply(addEventListener, win, ['message', (event: MessageEvent) => tap.onMessage(event), { capture: true, passive: true }]);
  for (const type of ['DOMContentLoaded', 'load']) apply(addEventListener, win, [type, () => tap.refresh(), true]);
  if (store) apply(addEventListener, store, ['change', () => tap.refresh()]);

  // Wrap this window's own postMessage (an own property of each window in Chromium): the page's
  // call runs unchanged, with its this, arguments, result and exceptions; the tap looks afterwards.
  const descriptor = getDescriptor(win, 'postMessage');
  if (descriptor && 'value' in descriptor && descriptor.configurable && typeof postOriginal === 'function') {
    const wrapper = {
      postMessage(this: unknown, ...args: unknown[]): unknown {
        const result = apply(postOriginal, this, args);
        tap.onPost(args[0], args[1]);
        return result;
      },
    }.postMessage;
    Object.defineProperty(wrapper, 'length', { value: postOriginal.length });
    Object.defineProperty(win, 'postMessage', { ...descriptor, value: wrapper });
  }
}

function safeCall<T>(fn: () => T): T | null {
  try {
    return fn();
  } catch {
    return null;
  }
}

try {
  install(window as unknown as Window & Record<PropertyKey, unknown>);
} catch {
  // Never break the page, whatever it did to its window before we ran.
}
