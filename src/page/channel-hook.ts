// Channel hook (MAIN world, every frame, run by the page hook's entry right after the bus tap, at
// document_start): records cross-frame messages and the cookie-sync facts of this frame
// (src/page/channel-tap.ts) and hands them to the page hook, which sends them over its private
// port. The hook gives its record sink once, to the first asker, during this task
// (hook-handle.ts takeChannelLink): a second injection gets none and does nothing, and without
// the page hook there is no private channel, so nothing is installed. Everything the page could
// replace later (getters, methods, timers) is taken here, before any page script runs.
import { ChannelTap, type ChannelEnv } from './channel-tap';
import { read } from './page-objects';
import { takeChannelLink } from '../shared/hook-handle';

declare const TRUSTED_DOMAINS: unknown;

type Fn = (...args: unknown[]) => unknown;

export function installChannelHook(win: Window & Record<PropertyKey, unknown>): void {
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
  // window.cookieStore is made on its first read (about 0.3 ms a frame): read only in a frame that
  // has a cookie-sync role, when its facts are collected; it then reports cookie changes.
  const cookieStoreGetter = (getDescriptor(win, 'cookieStore') ?? getDescriptor(Window.prototype, 'cookieStore'))?.get;
  let store: EventTarget | null | undefined;
  const cookieStore = (): EventTarget | null => {
    if (store !== undefined) return store;
    store = null;
    try {
      store = (cookieStoreGetter ? apply(cookieStoreGetter, win, []) : null) as EventTarget | null;
        } catch {
      /* no cookie store: expiries stay unknown */
    }
    return store;
  };
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
      const store = cookieStore();
      if (!store || !getAll) return null;
      return (apply(getAll, store, []) as Promise<{ name: string; expires: number | null }[]>).then((list) => {
        const map = new Map<string, number | null>();
        for (const cookie of list) if (!map.has(cookie.name)) map.set(cookie.name, typeof cookie.expires === 'number' ? cookie.expires : null);
        return map;
      });
    },
  };

  const tap = new ChannelTap(env);
  // The event's fields through MessageEvent's own getters, taken now: a page that later redefines
  // them on MessageEvent.prototype does not see the tap read them.
  const messageData = getDescriptor(MessageEvent.prototype, 'data')?.get;
  const messageOrigin = getDescriptor(MessageEvent.prototype, 'origin')?.get;
  const messageSource = getDescriptor(MessageEvent.prototype, 'source')?.get;
  const onMessage = (event: MessageEvent) => {
    if (!messageData || !messageOrigin || !messageSource) return tap.onMessage(event);
    tap.onMessage({
      isTrusted: event.isTrusted, // an own, unforgeable property of each event
      get data() {
        return apply(messageData, event, []);
      },
      get origin() {
        return apply(messageOrigin, event, []) as string;
      },
      get source() {
        return apply(messageSource, event, []);
      },
    });
  };
  apply(addEventListener, win, ['message', onMessage, { capture: true, passive: true }]);
  for (const type of ['DOMContentLoaded', 'load']) apply(addEventListener, win, [type, () => tap.refresh(), true]);

  // Wrap this window's own postMessage (an own property of each window in Chromium): the page's
  // call runs unchanged, with its this, arguments, result and exceptions; the tap looks afterwards.
  // A Proxy with only an apply trap keeps what the page can check of the native function: typeof,
  // name, length, own properties, prototype, not constructible; Function.prototype.toString gives
  // `function () { [native code] }` (the native's is `function postMessage() { [native code] }`).
  const descriptor = getDescriptor(win, 'postMessage');
  if (descriptor && 'value' in descriptor && descriptor.configurable && typeof postOriginal === 'function') {
    const wrapper = new Proxy(postOriginal, {
      apply(target, self, args) {
        const result = apply(target, self, args);
        tap.onPost(args[0], args[1]);
        return result;
      },
    });
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
