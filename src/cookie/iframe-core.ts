// The cookie iframe's logic: answers channel requests from its parent page when the page's origin
// is in TRUSTED_DOMAINS, and keeps the session cookie on the iframe's own site. The entry file
// (iframe.ts) passes the real window; tests pass fakes. Protocol: docs/cookie-channel.md.
import {
  CHANNEL_VERSION, MessageType, parseRequest,
  type ParsedRequest, type BlockedReason, type IframeErrorCode, type LoadResult, type SaveResult, type TestResult, type HelloResult,
} from './channel';
import { MAX_COOKIE_BYTES, iframeCookieName, isCookieName, isCookieValue, readCookie } from './cookie-values';
import { isTrustedOrigin, parseTrustedList, type TrustedList } from './origins';

/** How long the iframe keeps a saved session cookie. Async chats may be resumed days later. */
export const IFRAME_COOKIE_MAX_AGE_S = 30 * 24 * 3600;
/** Cross-site cookies must be SameSite=None, which browsers accept only with Secure. */
const CROSS_SITE = 'Path=/; SameSite=None; Secure';
const PROBE_COOKIE = `${iframeCookieName('probe')}=1`;

export interface IncomingMessage {
  data: unknown;
  origin: string;
  source: unknown;
}

interface ReplyTarget {
  postMessage(message: unknown, targetOrigin: string): void;
}

/** The parts of the iframe's window this logic uses. */
export interface IframeHost {
  parent: unknown;
  isSecureContext: boolean;
  document: { cookie: string };
  addEventListener(type: 'message', listener: (event: IncomingMessage) => void): void;
  console: { warn(...args: unknown[]): void };
}

export interface CookieIframe {
  trusted: TrustedList;
}

type Reply = { ok: true; result: unknown } | { ok: false; error: { code: IframeErrorCode; message: string } };

class RequestError extends Error {
  constructor(readonly code: IframeErrorCode, message: string) {
    super(message);
  }
}

export function startCookieIframe(host: IframeHost, trustedDomains: unknown): CookieIframe {
  const trusted = parseTrustedList(trustedDomains);
  if (!Array.isArray(trustedDomains)) {
    host.console.warn('[cookie iframe] TRUSTED_DOMAINS is not defined as an array before iframe.min.js: this iframe answers no one.');
  }
  for (const { entry, reason } of trusted.ignored) {
    host.console.warn(`[cookie iframe] TRUSTED_DOMAINS entry ${JSON.stringify(entry)} is ignored: ${reason}.`);
  }

  const cookieBlocked = (): BlockedReason | null => {
    if (!host.isSecureContext) return 'insecure-context';
    host.document.cookie = `${PROBE_COOKIE}; Max-Age=60; ${CROSS_SITE}`;
    const stuck = readCookie(host.document.cookie, iframeCookieName('probe')) === '1';
    host.document.cookie = `${PROBE_COOKIE}; Max-Age=0; ${CROSS_SITE}`;
    return stuck ? null : 'third-party-cookies';
  };

  const cookieNameOf = (request: Record<string, unknown>): string => {
    if (!isCookieName(request.name)) throw new RequestError('bad-request', 'name must be a cookie name (letters, digits, !#$%&\'*+-.^_`|~)');
    return request.name;
  };

  const handlers = {
    hello: (): HelloResult => ({ protocol: CHANNEL_VERSION, trusted: trusted.origins.length }),
    load: (request: Record<string, unknown>): LoadResult => {
      const value = readCookie(host.document.cookie, iframeCookieName(cookieNameOf(request)));
      return value !== null ? { found: true, value } : { found: false, blocked: cookieBlocked() };
    },
    save: (request: Record<string, unknown>): SaveResult => {
      const stored = iframeCookieName(cookieNameOf(request));
      const value = request.value;
      if (!isCookieValue(value) || stored.length + value.length > MAX_COOKIE_BYTES) {
        throw new RequestError('bad-request', `value must be a cookie value: no ";" or control characters, at most ${MAX_COOKIE_BYTES} bytes with its name`);
      }
      if (!host.isSecureContext) return { saved: false, blocked: 'insecure-context' };
      host.document.cookie = `${stored}=${value}; Max-Age=${IFRAME_COOKIE_MAX_AGE_S}; ${CROSS_SITE}`;
      if (readCookie(host.document.cookie, stored) !== value) return { saved: false, blocked: 'third-party-cookies' };
      return { saved: true, expires: Date.now() + IFRAME_COOKIE_MAX_AGE_S * 1000 };
    },
    test: (): TestResult => {
      const blocked = cookieBlocked();
      return blocked ? { enabled: false, blocked } : { enabled: true };
    },
  };

  const answer = (request: ParsedRequest, origin: string): Reply => {
    try {
      if (!isTrustedOrigin(trusted, origin)) {
        throw new RequestError('untrusted-origin', `${origin} is not in this iframe's TRUSTED_DOMAINS`);
      }
      if (request.v !== CHANNEL_VERSION) {
        throw new RequestError('unsupported-version', `this iframe speaks cookie channel version ${CHANNEL_VERSION}, not ${request.v}`);
      }
      return { ok: true, result: handlers[request.op](request.fields) };
    } catch (error) {
      const known = error instanceof RequestError;
      return {
        ok: false,
        error: { code: known ? error.code : 'internal', message: known ? error.message : 'the iframe failed to handle the request' },
      };
    }
  };

  host.addEventListener('message', (event) => {
    const request = parseRequest(event.data);
    // Only well-formed requests from our own parent page get any answer; the rest is other traffic.
    if (!request || event.source !== host.parent || event.source === null) return;
    // A reply can only be addressed to a real origin; an opaque ("null") sender gets nothing.
    if (event.origin === 'null') return;
    const reply = { type: MessageType.reply, v: CHANNEL_VERSION, id: request.id, ...answer(request, event.origin) };
    try {
      (event.source as ReplyTarget).postMessage(reply, event.origin);
    } catch {
      // The parent navigated away meanwhile: nobody is left to answer.
    }
  });

  return { trusted };
}
