// iframe.min.js: the script of the cookie iframe page (iframe.html). The page declares
// TRUSTED_DOMAINS in a script of its own before this one, with var, let or const. A top-level
// let/const is not a window property, so it is read by name from the global scope.
import { startCookieIframe } from './iframe-core';

declare const TRUSTED_DOMAINS: unknown;

startCookieIframe(window, typeof TRUSTED_DOMAINS !== 'undefined' ? TRUSTED_DOMAINS : undefined);
