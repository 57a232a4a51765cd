// The cookie provider CX Lens injects from the panel (issue 4, dist/cookie-provider-inject.js):
// what the guide's sample does on a page, driven by install({cookieName, iframeUrl}) and
// uninstall(): a CookieProvider with its hidden iframe, loadCookie() at once, saveCookie() after
// the chat events that change the session (through the bus, waiting for one that appears later).
// Runs in page code: nothing here may throw into the page.
import type { CookieResult } from '../../cookie/provider-core';
import { isCookieName, readCookie, fingerprint } from '../../cookie/cookie-values';
import type { Copied, InjectRecord } from '../../shared/protocol';

export const PLUGIN_NAME = 'CXLensCookieProvider';
/** Chat events after which Widgets may have stored a new session cookie (getSessionData). */
export const SAVE_EVENTS = ['WebChat.started', 'WebChatService.messageReceived'] as const;
/** Saves wait this long after an event, so Widgets has written its cookie; a burst makes one save. */
export const SAVE_DELAY_MS = 100;
/** Bus lookups: every FAST_POLL_MS for FAST_POLL_FOR_MS after install, then every SLOW_POLL_MS. */
export const FAST_POLL_MS = 100;
export const FAST_POLL_FOR_MS = 5000;
export const SLOW_POLL_MS = 1000;

export interface CookieInjectionOptions {
  cookieName: string;
  iframeUrl: string;
}

export interface CookieInjectionStatus {
  installed: boolean;
  state: 'not-installed' | 'waiting' | 'installed' | 'failed';
  options?: CookieInjectionOptions;
  message?: string;
  /** The page already had an iframe of that URL (its own provider's): CX Lens added none. */
  pageProvider?: boolean;
  bus?: boolean;
}

export interface CookieInjectionApi {
  install(options: unknown): CookieInjectionStatus;
  uninstall(): CookieInjectionStatus;
  status(): CookieInjectionStatus;
}

/** What the injection needs of a provider (provider-core's CookieProvider). */
export interface ProviderLike {
  readonly iframe: { remove?(): void; parentNode?: { removeChild(node: unknown): unknown } | null };
  loadCookie(): Promise<CookieResult>;
  saveCookie(): Promise<CookieResult>;
}

interface PluginLike {
  subscribe(event: string, callback: () => void): unknown;
  unsubscribe(event: string): unknown;
}

export interface CookieInjectionHost {
  createProvider(cookieName: string, iframeUrl: string): ProviderLike;
  /** An <iframe> of exactly this URL is already in the page. */
  hasIframe(url: string): boolean;
  /** The bus's registerPlugin, or null while there is no bus. */
  registerPlugin(): ((name: string) => PluginLike | false) | null;
  cookie(): string;
  baseUrl: string;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
  now(): number;
  report(state: InjectRecord['state'], detail: { [key: string]: Copied }): void;
}

/** Checks install() options: a cookie name and an http(s) URL. Throws a readable TypeError. */
export function readInjectionOptions(input: unknown, baseUrl: string): CookieInjectionOptions {
  const o = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  if (!isCookieName(o.cookieName)) throw new TypeError(`cookieName must be a cookie name, not ${JSON.stringify(o.cookieName)}`);
  let url: URL;
  try {
    url = new URL(String(o.iframeUrl), baseUrl);
  } catch {
    throw new TypeError(`iframeUrl is not a URL: ${JSON.stringify(o.iframeUrl)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`iframeUrl must be http or https: ${url.href}`);
  return { cookieName: o.cookieName, iframeUrl: url.href };
}

export function createCookieInjection(host: CookieInjectionHost): CookieInjectionApi {
  let status: CookieInjectionStatus = { installed: false, state: 'not-installed' };
  let provider: ProviderLike | null = null;
  let addedIframe = false;
  let plugin: PluginLike | null = null; // a bus plugin cannot be unregistered: kept for reinstalls
  let subscribed = false;
  let pollTimer: unknown = null;
  let saveTimer: unknown = null;
  let lastSaved: string | null = null;
  let generation = 0;

  const report = (state: InjectRecord['state'], detail: { [key: string]: Copied }) => {
    try {
      host.report(state, detail);
    } catch {
      /* nobody listens */
    }
  };
  const describe = (result: CookieResult): { [key: string]: Copied } => {
    const detail: { [key: string]: Copied } = { operation: result.operation, status: result.status };
    if (result.reason) detail.reason = result.reason;
    return detail;
  };
  const watch = (promise: Promise<CookieResult>, mine: number) => {
    promise.then(
      (result) => { if (mine === generation) report('fired', describe(result)); },
      (error: { code?: string; message?: string }) => { if (mine === generation) report('failed', { error: String(error?.message ?? error), code: String(error?.code ?? '') }); },
    );
  };

  const saveSoon = () => {
    if (saveTimer !== null || !provider) return;
    const mine = generation;
    saveTimer = host.setTimer(() => {
      saveTimer = null;
      if (mine !== generation || !provider || !status.options) return;
      const value = readCookie(host.cookie(), status.options.cookieName);
      if (value === null || fingerprint(value) === lastSaved) return;
      const saving = provider.saveCookie();
      saving.then((result) => { if (result.status === 'saved') lastSaved = fingerprint(value); }, () => {});
      watch(saving, mine);
    }, SAVE_DELAY_MS);
  };

  const bindBus = (): boolean => {
    const register = host.registerPlugin();
    if (!register) return false;
    if (!plugin) {
      const registered = register(PLUGIN_NAME);
      if (!registered) throw new Error(`the bus refused the plugin name ${PLUGIN_NAME}`);
      plugin = registered;
    }
    for (const event of SAVE_EVENTS) plugin.subscribe(event, saveSoon);
    subscribed = true;
    return true;
  };

  const pollForBus = (started: number, mine: number) => {
    pollTimer = host.setTimer(() => {
      pollTimer = null;
      if (mine !== generation) return;
      try {
        if (bindBus()) {
          status = { ...status, state: 'installed', bus: true, message: undefined };
          report('installed', { ...detailOf(status), bus: true });
          return;
        }
      } catch (error) {
        fail(String((error as Error)?.message ?? error));
        return;
      }
      pollForBus(started, mine);
    }, host.now() - started < FAST_POLL_FOR_MS ? FAST_POLL_MS : SLOW_POLL_MS);
  };

  const fail = (message: string) => {
    status = { ...status, state: 'failed', message };
    report('failed', { error: message });
  };

  const stop = () => {
    generation++;
    if (pollTimer !== null) host.clearTimer(pollTimer);
    if (saveTimer !== null) host.clearTimer(saveTimer);
    pollTimer = saveTimer = null;
    if (plugin && subscribed) {
      for (const event of SAVE_EVENTS) {
        try {
          plugin.unsubscribe(event); // removes this plugin's callbacks only (facts §1.4)
        } catch {
          /* a broken bus: the callbacks check the generation anyway */
        }
      }
    }
    subscribed = false;
    if (provider && addedIframe) {
      const frame = provider.iframe;
      try {
        if (typeof frame.remove === 'function') frame.remove();
        else frame.parentNode?.removeChild(frame);
      } catch {
        /* already gone */
      }
    }
    provider = null;
    addedIframe = false;
    lastSaved = null;
  };

  return {
    install(input) {
      try {
        const options = readInjectionOptions(input, host.baseUrl);
        const same = status.options?.cookieName === options.cookieName && status.options.iframeUrl === options.iframeUrl;
        if (status.installed && same && status.state !== 'failed') return { ...status };
        stop();
        const mine = generation;
        status = { installed: true, state: 'installed', options };
        if (host.hasIframe(options.iframeUrl)) {
          // The page's own provider already embeds this iframe: a second one would race it.
          status.pageProvider = true;
          status.message = 'the page already has a cookie iframe of this URL (its own CookieProvider): CX Lens added nothing';
          report('installed', detailOf(status));
          return { ...status };
        }
        provider = host.createProvider(options.cookieName, options.iframeUrl);
        addedIframe = true;
        watch(provider.loadCookie(), mine);
        if (bindBus()) status.bus = true;
        else {
          status.state = 'waiting';
          status.message = 'no Genesys bus on the page yet: the session is saved on chat events once one appears';
          pollForBus(host.now(), mine);
        }
        report(status.state === 'waiting' ? 'waiting' : 'installed', detailOf(status));
      } catch (error) {
        fail(String((error as Error)?.message ?? error));
      }
      return { ...status };
    },
    uninstall() {
      const was = status.installed;
      stop();
      status = { installed: false, state: 'not-installed' };
      if (was) report('removed', {});
      return { ...status };
    },
    status() {
      return { ...status };
    },
  };
}

function detailOf(status: CookieInjectionStatus): { [key: string]: Copied } {
  const detail: { [key: string]: Copied } = {};
  if (status.options) {
    detail.cookieName = status.options.cookieName;
    detail.iframeUrl = status.options.iframeUrl;
  }
  if (status.pageProvider) detail.pageProvider = true;
  if (status.bus) detail.bus = true;
  if (status.message) detail.message = status.message;
  return detail;
}
