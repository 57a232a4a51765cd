// Channel hook (MAIN world, every frame, run by the page hook's entry right after the bus tap, at
// document_start): records cross-frame messages and the cookie-sync facts of this frame
// (src/page/channel-tap.ts) and hands them to the page hook, which sends them over its private
// port. The hook gives its record sink once, to the first asker, during this task
// (hook-handle.ts takeChannelLink): a second injection gets none and does nothing, and without
// the page hook there is no private channel, so nothing is installed. Everything the page could
// replace later (getters, methods, timers) is taken here, before any page script runs.
//
// The page's globals (CookieProvider, initCookieProviderExtension, CXLensCookieInjection,
// TRUSTED_DOMAINS) are read by descriptor only (providerGlobalsOf, trustedDomainsOf): a getter
// there is reported as an accessor and never called. Read through [[Get]] remain only what the
// platform defines unforgeably: `window.location` and its `href` and `origin`, `window.document`
// (own, non-configurable accessors of every window and Location); `document.cookie` and the
// iframes' `contentWindow` and `src` through the prototypes' own getters, taken here.
import { ChannelTap, type ChannelEnv, type TrustedDomains } from './channel-tap';
import { watchDocumentRewrites } from './rewrite-watch';
import { describeProperty, isObjectLike, type PropertyKind } from './page-objects';
import { whenSettled } from './command-outcome';
import { takeChannelLink } from '../shared/hook-handle';

declare const TRUSTED_DOMAINS: unknown;

type Fn = (...args: unknown[]) => unknown;

/**
 * The cookie provider's globals on `win`, by descriptor (no getter runs): CookieProvider and
 * initCookieProviderExtension are there when they are functions, or accessors (not read);
 * `injected` when CXLensCookieInjection is CX Lens's claim (claim-global.ts: an own,
 * non-configurable, read-only data property holding an object), which the hook does not call.
 */
export function providerGlobalsOf(win: object): { cookieProvider: boolean; extension: boolean; injected: boolean } {
  const claim = describeProperty(win, 'CXLensCookieInjection');
  return {
    cookieProvider: present(describeProperty(win, 'CookieProvider')),
    extension: present(describeProperty(win, 'initCookieProviderExtension')),
    injected: claim.kind === 'data' && claim.own && claim.desc.configurable === false && claim.desc.writable === false && isObjectLike(claim.value),
  };
}

function present(found: PropertyKind): boolean {
  return found.kind === 'accessor' || (found.kind === 'data' && typeof found.value === 'function');
}

/**
 * TRUSTED_DOMAINS as the cookie iframe's script sees it, without running page code. A property of
 * the window or of its prototypes (a `var`, an assignment, a defineProperty) is described: its
 * value, or an accessor, never called. Only when there is none along the whole chain is the name
 * read (`byName`: `typeof TRUSTED_DOMAINS`), which can then reach only a top-level let/const of
 * another classic script, which is no property and has no getter. (A let/const that shadows a
 * configurable window property of the same name is not seen: the property is reported.)
 */
export function trustedDomainsOf(win: object, byName: () => TrustedDomains): TrustedDomains {
  const found = describeProperty(win, 'TRUSTED_DOMAINS');
  if (found.kind === 'accessor') return { declared: true, accessor: true };
  if (found.kind === 'data') return { declared: true, value: found.value };
  try {
    return byName();
  } catch {
    return { declared: false }; // read before its declaration ran (temporal dead zone)
  }
}

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
  const collectionLength = getDescriptor(HTMLCollection.prototype, 'length')?.get;
  const frameWindow = getDescriptor(HTMLIFrameElement.prototype, 'contentWindow')?.get;
  const frameSrc = getDescriptor(HTMLIFrameElement.prototype, 'src')?.get;
  const NativeMap = Map;
  const mapHas = Map.prototype.has;
  const mapSet = Map.prototype.set;
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
  const arrayLength = (list: unknown): number => {
    const length = isObjectLike(list) ? getDescriptor(list, 'length') : undefined;
    return length && typeof length.value === 'number' ? length.value : 0;
  };
  const postOriginal = win.postMessage as Fn;
  let origin = 'null';
  try {
    origin = win.location.origin;
  } catch {
    /* opaque */
  }
  const parent = win.parent === win ? null : win.parent;

  // The page's iframes, through the collection's own getters (no Array.from, no iterator).
  const iframes = (): HTMLIFrameElement[] => {
    const out: HTMLIFrameElement[] = [];
    try {
      const list = apply(byTagName, doc, ['iframe']) as HTMLCollectionOf<HTMLIFrameElement>;
      const length = collectionLength ? (apply(collectionLength, list, []) as number) : 0;
      for (let i = 0; i < length; i++) out[i] = list[i]!;
    } catch {
      /* none */
    }
    return out;
  };
  const srcOf = (frame: HTMLIFrameElement): string => apply(frameSrc!, frame, []) as string;

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
      const frames = iframes();
      for (let i = 0; i < frames.length; i++) {
        if (apply(frameWindow, frames[i], []) === source) return srcOf(frames[i]!);
      }
      return null;
    },
    // By name only where no property holds it: a top-level let/const of another classic script.
    trustedDomains: () => trustedDomainsOf(win, () => (typeof TRUSTED_DOMAINS !== 'undefined' ? { declared: true, value: TRUSTED_DOMAINS } : { declared: false })),
    providerGlobals: () => providerGlobalsOf(win),
    iframeUrls: () => {
      const urls: string[] = [];
      if (!frameSrc) return urls;
      const frames = iframes();
      for (let i = 0; i < frames.length; i++) urls[i] = srcOf(frames[i]!);
      return urls;
    },
    cookieString: () => {
      try {
        return getCookie ? (apply(getCookie, doc, []) as string) : null;
      } catch {
        return null; // sandboxed: no cookie access
      }
    },
    cookieExpiries: (done) => {
      const store = cookieStore();
      if (!store || !getAll) return done(null);
      // The platform's list, read by index (its items are plain dictionaries): no iterator, no
      // Promise.prototype method of the page's (whenSettled takes `then` at load).
      const settled = whenSettled(apply(getAll, store, []), (list) => {
        try {
          const map = new NativeMap<string, number | null>();
          const length = arrayLength(list);
          for (let i = 0; i < length; i++) {
            const cookie = (list as { name?: unknown; expires?: unknown }[])[i];
            if (!isObjectLike(cookie) || typeof cookie.name !== 'string' || apply(mapHas, map, [cookie.name])) continue;
            apply(mapSet, map, [cookie.name, typeof cookie.expires === 'number' ? cookie.expires : null]);
          }
          done(map);
        } catch {
          done(null);
        }
      }, () => done(null));
      if (!settled) done(null);
    },
  };

  const tap = new ChannelTap(env);
  // The event's fields through MessageEvent's own getters, taken now: a page that later redefines
  // them on MessageEvent.prototype does not see the tap read them.
  const messageData = getDescriptor(MessageEvent.prototype, 'data')?.get;
  const messageOrigin = getDescriptor(MessageEvent.prototype, 'origin')?.get;
  const messageSource = getDescriptor(MessageEvent.prototype, 'source')?.get;
  const onMessage = (event: MessageEvent): void => {
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
  const listen = (): void => {
    apply(addEventListener, win, ['message', onMessage, { capture: true, passive: true }]);
  };
  listen();
  // document.open() erases every listener (rewrite-watch.ts): the message listener comes back;
  // adding it again while it is there does nothing.
  watchDocumentRewrites(doc, listen);
  for (const type of ['DOMContentLoaded', 'load']) apply(addEventListener, win, [type, () => tap.refresh(), true]);

  // Wrap this window's own postMessage (an own property of each window in Chromium): the page's
  // call runs unchanged, with its this, arguments, result and exceptions; the tap looks afterwards.
  // A Proxy with only an apply trap keeps what the page can check of the native function: typeof,
  // name, length, own properties, prototype, not constructible; Function.prototype.toString gives
  // `function () { [native code] }` (the native's is `function postMessage() { [native code] }`).
  const descriptor = getDescriptor(win, 'postMessage');
  if (descriptor && 'value' in descriptor && descriptor.configurable && typeof postOriginal === 'function') {
    // A handler without a prototype: a page's Object.prototype.get gives the proxy no trap.
    const handler = Object.create(null) as ProxyHandler<Fn>;
    handler.apply = (target, self, args) => {
      const result = apply(target, self, args);
      tap.onPost(args.length > 0 ? args[0] : undefined, args.length > 1 ? args[1] : undefined);
      return result;
    };
    Object.defineProperty(win, 'postMessage', { ...descriptor, value: new Proxy(postOriginal, handler) });
  }
}
