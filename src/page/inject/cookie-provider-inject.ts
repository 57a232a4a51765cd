// dist/cookie-provider-inject.js: a plain classic script (no eval, no code strings, so strict-CSP
// pages take it) that the service worker runs in the inspected page's main world when the panel
// switches the cookie provider on. It defines window.CXLensCookieInjection = {install, uninstall,
// status} once per page (src/page/inject/cookie-injection.ts) and, only where the page has none of its
// own, the guide's globals CookieProvider and initCookieProviderExtension.
import { createCookieInjection, type CookieInjectionApi } from './cookie-injection';
import { createCookieProviderApi } from '../../cookie/provider-core';
import { emitRecord, findRegisterPlugin, type BusInterface, type PageWindow } from './bus-and-hook';

type Win = PageWindow & Window & { CXLensCookieInjection?: CookieInjectionApi } & Record<string, unknown>;
const win = window as unknown as Win;

try {
  const existing = win.CXLensCookieInjection;
  if (!existing || typeof existing.install !== 'function') {
    const api = createCookieProviderApi<HTMLIFrameElement>(window);
    const globals = { CookieProvider: api.CookieProvider, initCookieProviderExtension: api.initCookieProviderExtension, CookieProviderExtension: api.CookieProviderExtension };
    for (const [name, value] of Object.entries(globals)) if (typeof win[name] !== 'function') win[name] = value;
    const { setTimeout, clearTimeout } = window;
    const getCookie = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie')?.get;
    win.CXLensCookieInjection = createCookieInjection({
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
      report: (state, detail) => emitRecord(win, 'cookie-provider', state, detail),
    });
  }
} catch {
  /* never break the page */
}
