// CookieProvider: copies the chat session cookie between the page and the cookie iframe over the
// cookie channel (docs/cookie-channel.md). Written against a small host interface so it runs on
// the real window (cookie-provider.ts) and on fakes in unit tests.
import {
  CHANNEL_VERSION, MessageType, parseReply,
  type BlockedReason, type IframeErrorCode, type Operation, type ResultOf,
} from './channel';
import { isCookieName, isCookieValue, readCookie } from './cookie-values';
import { parseIframeUrl } from './origins';
import { SAVE_EVENTS, createSessionSaver } from './session-saver';
import type { CookieResult } from './channel';
export type { CookieResult };

/** Time for the iframe to load and answer the hello. */
export const READY_TIMEOUT_MS = 10_000;
/** Time for the iframe to answer one request once it is ready. */
export const REQUEST_TIMEOUT_MS = 5_000;

export interface IframeElement {
  src: string;
  hidden: boolean;
  title: string;
  tabIndex: number;
  contentWindow: { postMessage(message: unknown, targetOrigin: string): void } | null;
  setAttribute(name: string, value: string): void;
  addEventListener(type: 'load', listener: () => void): void;
}

/** The parts of the page's window the provider uses. E is the iframe element type (the real
 *  HTMLIFrameElement, or a fake). */
export interface ProviderHost<E extends IframeElement = IframeElement> {
  location: { href: string; origin: string; protocol: string };
  document: {
    cookie: string;
    body: { appendChild(node: E): unknown } | null;
    documentElement: { appendChild(node: E): unknown };
    createElement(tag: 'iframe'): E;
    getElementsByTagName(tag: 'iframe'): ArrayLike<E>;
  };
  addEventListener(type: 'message', listener: (event: { data: unknown; origin: string; source: unknown }) => void): void;
  setTimeout(callback: () => void, ms: number): number;
  clearTimeout(handle: number): void;
  console: { warn(...args: unknown[]): void; error(...args: unknown[]): void };
}

export type CookieErrorCode = IframeErrorCode | 'timeout' | 'bad-reply' | 'no-iframe';

/** Why a load, save or test did not happen: the promise rejects with this. */
export class CookieChannelError extends Error {
  override name = 'CookieChannelError';
  constructor(readonly code: CookieErrorCode, message: string) {
    super(message);
  }
}

export type CookieTestCallback = (enabled: boolean) => void;

/** The bus as an extension receives it (Widgets passes CXBus). */
export interface ExtensionBus {
  registerPlugin(name: string): { subscribe(event: string, callback: () => void): unknown } | false;
}

interface Pending {
  op: Operation;
  resolve(result: unknown): void;
  reject(error: CookieChannelError): void;
  timer: number;
}

const IFRAME_ERROR_CODES: readonly string[] = ['untrusted-origin', 'unsupported-version', 'bad-request', 'internal'];

/** Does a reply's result have the shape its operation promises? */
function isResult(op: Operation, r: unknown): boolean {
  if (typeof r !== 'object' || r === null) return false;
  const o = r as Record<string, unknown>;
  const blocked = o.blocked === 'third-party-cookies' || o.blocked === 'insecure-context';
  switch (op) {
    case 'hello': return typeof o.protocol === 'number' && typeof o.trusted === 'number';
    case 'load': return o.found === true ? isCookieValue(o.value) : o.found === false && (blocked || o.blocked === null);
    case 'save': return o.saved === true ? typeof o.expires === 'number' : o.saved === false && blocked;
    case 'test': return o.enabled === true || (o.enabled === false && blocked);
  }
}

function randomId(): string {
  const bytes = new Uint8Array(6);
  if (typeof crypto !== 'undefined' && typeof crypto.getRandomValues === 'function') crypto.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function createCookieProviderApi<E extends IframeElement>(host: ProviderHost<E>) {
  const warned = new Set<string>();
  const warnOnce = (key: string, message: string) => {
    if (warned.has(key)) return;
    warned.add(key);
    host.console.warn(`[CookieProvider] ${message}`);
  };
  let latest: CookieProvider | null = null;

  function checkArguments(name: unknown, iframeUrl: unknown, callback: unknown): URL {
    if (!isCookieName(name)) throw new TypeError(`CookieProvider: SESSION_COOKIE_NAME must be a cookie name, not ${JSON.stringify(name)}`);
    if (callback !== undefined && typeof callback !== 'function') throw new TypeError('CookieProvider: the third-party cookie callback must be a function');
    const parsed = parseIframeUrl(iframeUrl, host.location.href);
    if (!parsed.ok) throw new TypeError(`CookieProvider: IFRAME_URL ${parsed.reason}`);
    return parsed.url;
  }

  class CookieProvider {
    readonly iframeUrl: string;
    readonly iframeOrigin: string;
    readonly iframe: E;
    /** Resolves when the iframe has answered the hello: it loaded and trusts this page. */
    readonly ready: Promise<ResultOf['hello']>;
    private readonly pending = new Map<string, Pending>();
    private readonly idPrefix = randomId();
    private nextId = 0;
    /** An origin other than the iframe's that answered from the iframe's window (a redirect?). */
    private foreignOrigin: string | null = null;

    constructor(readonly cookieName: string, iframeUrl: string, private readonly notify?: CookieTestCallback) {
      const url = checkArguments(cookieName, iframeUrl, notify);
      this.iframeUrl = url.href;
      this.iframeOrigin = url.origin;
      const existing = Array.from(host.document.getElementsByTagName('iframe')).find((f) => f.src === url.href);
      this.iframe = existing ?? host.document.createElement('iframe');
      host.addEventListener('message', (event) => this.onMessage(event));
      this.ready = this.handshake(existing !== undefined);
      this.ready.catch(() => {}); // reported by each call that waits for it
      if (!existing) {
        this.iframe.setAttribute('aria-hidden', 'true');
        this.iframe.hidden = true;
        this.iframe.tabIndex = -1;
        this.iframe.title = 'Chat session';
        this.iframe.src = url.href;
        (host.document.body ?? host.document.documentElement).appendChild(this.iframe);
      }
      latest = this;
    }

    /** Copies the session cookie from the iframe to this page. */
    loadCookie(): Promise<CookieResult> {
      return this.settle('loadCookie', async () => {
        await this.ready;
        const result = await this.request('load', { name: this.cookieName }, REQUEST_TIMEOUT_MS);
        if (!result.found) return result.blocked ? this.blocked('load', result.blocked) : { operation: 'load', status: 'empty' };
        const secure = host.location.protocol === 'https:' ? '; Secure' : '';
        // The way Widgets stores it: a session cookie of this page, Path=/, SameSite=Strict.
        host.document.cookie = `${this.cookieName}=${result.value}; Path=/; SameSite=Strict${secure}`;
        if (readCookie(host.document.cookie, this.cookieName) !== result.value) {
          return { operation: 'load', status: 'blocked', reason: `this page refused its own cookie ${this.cookieName} (cookies disabled for this site?)` };
        }
        return { operation: 'load', status: 'loaded' };
      });
    }

    /** Copies the session cookie from this page to the iframe. */
    saveCookie(): Promise<CookieResult> {
      const value = readCookie(host.document.cookie, this.cookieName);
      return this.settle('saveCookie', async () => {
        if (value === null) return { operation: 'save', status: 'no-cookie', reason: `this page has no cookie ${this.cookieName} to save yet` };
        await this.ready;
        const result = await this.request('save', { name: this.cookieName, value }, REQUEST_TIMEOUT_MS);
        return result.saved ? { operation: 'save', status: 'saved', expires: result.expires } : this.blocked('save', result.blocked);
      });
    }

    /** Asks the iframe whether it can keep cookies (third-party cookies allowed), and tells
     *  callback (or the constructor's) with a boolean. */
    cookieTest(callback?: CookieTestCallback): Promise<CookieResult> {
      const notify = typeof callback === 'function' ? callback : this.notify;
      return this.settle('cookieTest', async () => {
        await this.ready;
        const result = await this.request('test', {}, REQUEST_TIMEOUT_MS);
        if (notify) {
          try {
            notify(result.enabled);
          } catch (error) {
            host.console.error('[CookieProvider] the cookieTest callback threw:', error);
          }
        }
        return result.enabled ? { operation: 'test', status: 'enabled' } : this.blocked('test', result.blocked);
      });
    }

    private blocked(operation: CookieResult['operation'], why: BlockedReason): CookieResult {
      const reason = why === 'insecure-context'
        ? `the cookie iframe at ${this.iframeOrigin} is not served over https, and browsers keep cross-site (SameSite=None) cookies only with Secure`
        : `the browser blocks third-party cookies, so the cookie iframe at ${this.iframeOrigin} cannot keep the chat session for other sites`;
      return { operation, status: 'blocked', reason };
    }

    /** Runs an operation and reports its failure or refusal once on the console. The returned
     *  promise still rejects for callers that await it, but one nobody awaits (as in the guide's
     *  samples) is not an unhandled rejection. */
    private settle(method: 'loadCookie' | 'saveCookie' | 'cookieTest', run: () => Promise<CookieResult>): Promise<CookieResult> {
      const promise = run();
      promise.then(
        (result) => { if (result.status === 'blocked') warnOnce(`blocked:${result.reason}`, `blocked: ${result.reason}`); },
        (error: CookieChannelError) => warnOnce(`${method}:${error.code}`, `${method} failed: ${error.message}`),
      );
      return promise;
    }

    private handshake(reused: boolean): Promise<ResultOf['hello']> {
      return new Promise((resolve, reject) => {
        let settled = false;
        const finish = (error: CookieChannelError | null, result?: ResultOf['hello']) => {
          if (settled) return;
          settled = true;
          host.clearTimeout(timer);
          if (error) reject(error);
          else resolve(result!);
        };
        const timer = host.setTimeout(() => finish(new CookieChannelError('timeout', this.silenceMessage('the hello', READY_TIMEOUT_MS))), READY_TIMEOUT_MS);
        // Say hello once the iframe's page has loaded (its script is listening by then); a reused
        // iframe may have loaded long ago, so it also gets one at once.
        const hello = () => {
          this.request('hello', {}, READY_TIMEOUT_MS).then(
            (result) => finish(null, result),
            (error: CookieChannelError) => { if (error.code !== 'timeout') finish(error); },
          );
        };
        this.iframe.addEventListener('load', hello);
        if (reused) hello();
      });
    }

    private silenceMessage(what: string, ms: number): string {
      const foreign = this.foreignOrigin ? `; an answer came from ${this.foreignOrigin} instead (was the iframe redirected?)` : '';
      return `no answer to ${what} from the cookie iframe ${this.iframeUrl} within ${ms} ms (is it online, and does it include iframe.min.js?)${foreign}`;
    }

    private request<K extends Operation>(op: K, fields: Record<string, string>, timeoutMs: number): Promise<ResultOf[K]> {
      return new Promise((resolve, reject) => {
        const target = this.iframe.contentWindow;
        if (!target) {
          reject(new CookieChannelError('no-iframe', `the cookie iframe ${this.iframeUrl} is not in the page any more`));
          return;
        }
        const id = `${this.idPrefix}-${++this.nextId}`;
        const timer = host.setTimeout(() => {
          this.pending.delete(id);
          reject(new CookieChannelError('timeout', this.silenceMessage(`the ${op} request`, timeoutMs)));
        }, timeoutMs);
        this.pending.set(id, { op, resolve: resolve as (result: unknown) => void, reject, timer });
        // Always addressed to the iframe's exact origin: if anything else is loaded there, the
        // browser drops the message instead of handing the session to it.
        target.postMessage({ type: MessageType[op], v: CHANNEL_VERSION, id, ...fields }, this.iframeOrigin);
      });
    }

    private onMessage(event: { data: unknown; origin: string; source: unknown }): void {
      // Replies count only from our iframe's window, at our iframe's exact origin.
      if (event.source === null || event.source !== this.iframe.contentWindow) return;
      const reply = parseReply(event.data);
      const pending = reply && this.pending.get(reply.id);
      if (!reply || !pending) return;
      if (event.origin !== this.iframeOrigin) {
        this.foreignOrigin = event.origin;
        return;
      }
      this.pending.delete(reply.id);
      host.clearTimeout(pending.timer);
      if (reply.v !== CHANNEL_VERSION) {
        pending.reject(new CookieChannelError('unsupported-version', `the cookie iframe speaks channel version ${reply.v}, this provider ${CHANNEL_VERSION}: use matching cookie-provider.min.js and iframe.min.js`));
      } else if (!reply.ok) {
        pending.reject(this.refusal(reply.error.code, reply.error.message));
      } else if (!isResult(pending.op, reply.result)) {
        pending.reject(new CookieChannelError('bad-reply', `the cookie iframe sent a malformed ${pending.op} reply`));
      } else {
        pending.resolve(reply.result);
      }
    }

    private refusal(code: string, message: string): CookieChannelError {
      if (code === 'untrusted-origin') {
        return new CookieChannelError('untrusted-origin', `the cookie iframe ${this.iframeUrl} does not trust this page: add "${host.location.origin}" to its TRUSTED_DOMAINS`);
      }
      const known = IFRAME_ERROR_CODES.includes(code) ? (code as IframeErrorCode) : 'internal';
      return new CookieChannelError(known, `the cookie iframe refused the request: ${message}`);
    }
  }

  /** Saves the session to the iframe after each chat event that may have changed it. */
  function bindToBus(provider: CookieProvider, bus: ExtensionBus): void {
    let plugin: ReturnType<ExtensionBus['registerPlugin']> = false;
    for (let n = 1; !plugin && n <= 10; n++) plugin = bus.registerPlugin(n === 1 ? 'CookieProviderExtension' : `CookieProviderExtension${n}`);
    if (!plugin) {
      warnOnce('bus', 'could not register a bus plugin: the session is not saved on chat events');
      return;
    }
    const saver = createSessionSaver(
      { setTimer: (fn, ms) => host.setTimeout(fn, ms), clearTimer: (handle) => host.clearTimeout(handle as number), cookie: () => host.document.cookie },
      provider.cookieName,
      () => provider.saveCookie(),
    );
    for (const event of SAVE_EVENTS) plugin.subscribe(event, () => saver.chatEvent());
  }

  /** A Widgets extension (`_genesys.widgets.extensions`) that loads the session at start, saves
   *  it on chat events, and runs cookieTest with the callback. */
  function initCookieProviderExtension(name: string, iframeUrl: string, callback?: CookieTestCallback) {
    checkArguments(name, iframeUrl, callback);
    return function CookieProviderExtension(_$: unknown, CXBus: ExtensionBus): void {
      const provider = new CookieProvider(name, iframeUrl, callback);
      provider.loadCookie();
      bindToBus(provider, CXBus);
      if (callback) provider.cookieTest();
    };
  }

  /** The guide's complete sample lists a bare `CookieProviderExtension` next to its own
   *  `new CookieProvider(...)`: this extension saves that provider's session on chat events. */
  function CookieProviderExtension(_$: unknown, CXBus: ExtensionBus): void {
    if (!latest) {
      warnOnce('no-provider', 'CookieProviderExtension found no CookieProvider on this page: create one with new CookieProvider(...) or use initCookieProviderExtension(...)');
      return;
    }
    bindToBus(latest, CXBus);
  }

  return { CookieProvider, initCookieProviderExtension, CookieProviderExtension };
}

export type CookieProviderApi = ReturnType<typeof createCookieProviderApi>;
