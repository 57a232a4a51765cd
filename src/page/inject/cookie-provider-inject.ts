// dist/cookie-provider-inject.js: a plain classic script (no eval, no code strings, so strict-CSP
// pages take it) that the service worker runs in the inspected page's main world when the panel
// switches the cookie provider on. It claims window.CXLensCookieInjection = {install, uninstall,
// status} once per page (src/page/inject/cookie-injection.ts; claim-global.ts: non-configurable,
// frozen, replacing an object the page assigned) and, only where the page has none of its own, the
// guide's globals CookieProvider and initCookieProviderExtension. Its completion value, the
// claim's outcome, tells the service worker whether the global is its own.
import { createCookieInjection, type CookieInjectionApi } from './cookie-injection';
import { createCookieProviderApi } from '../../cookie/provider-core';
import { claimGlobal, type ClaimResult } from './claim-global';
import { emitRecord, findRegisterPlugin, reportKeyOf, type BusInterface, type PageWindow } from './bus-and-hook';

type Win = PageWindow & Window & Record<string, unknown>;
const win = window as unknown as Win;

/** Called only when the name can be claimed: the guide's globals come with CX Lens's own object.
 *  install and uninstall take the service worker's report key as their last argument. */
function createInjection(): CookieInjectionApi {
  let reportKey: string | null = null;
  const api = createProviderInjection(() => reportKey);
  return {
    install: (options: unknown, key?: unknown) => {
      reportKey = reportKeyOf(key, reportKey);
      return api.install(options);
    },
    uninstall: (key?: unknown) => {
      reportKey = reportKeyOf(key, reportKey);
      return api.uninstall();
    },
    status: () => api.status(),
  };
}

function createProviderInjection(reportKey: () => string | null): CookieInjectionApi {
  const api = createCookieProviderApi<HTMLIFrameElement>(window);
  const globals = { CookieProvider: api.CookieProvider, initCookieProviderExtension: api.initCookieProviderExtension, CookieProviderExtension: api.CookieProviderExtension };
  for (const [name, value] of Object.entries(globals)) if (typeof win[name] !== 'function') win[name] = value;
  const { setTimeout, clearTimeout } = window;
  const getCookie = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie')?.get;
  return createCookieInjection({
    createProvider: (cookieName, iframeUrl) => new api.CookieProvider(cookieName, iframeUrl),
    hasIframe: (url) => Array.from(document.getElementsByTagName('iframe')).some((frame) => frame.src === url),
    registerPlugin: () => {
      const found = findRegisterPlugin(win);
      return found ? (name) => found.register(name) as BusInterface | false : null;
    },
    cookie: () => (getCookie ? String(getCookie.call(document)) : document.cookie),
    baseUrl: location.href,
    setTimer: (fn, ms) => setTimeout.call(window, fn, ms),
    clearTimer: (handle) => clearTimeout.call(window, handle as number),
    now: () => Date.now(),
    report: (state, detail) => emitRecord(win, 'cookie-provider', state, detail, reportKey()),
  });
}

// The completion value of dist/cookie-provider-inject.js (scripts/build-standalone.mjs).
export default claimGlobal(win, 'CXLensCookieInjection', createInjection).result satisfies ClaimResult;
