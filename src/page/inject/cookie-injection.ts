// The cookie provider CX Lens injects from the panel (dist/cookie-provider-inject.js): what the
// guide's sample does on a page, driven by install({cookieName, iframeUrl}) and
// uninstall(): a CookieProvider with its hidden iframe, loadCookie() at once, saveCookie() after
// the chat events that change the session (through the bus, waiting for one that appears later).
// Runs in page code: nothing here may throw into the page.
import type { CookieResult } from '../../cookie/provider-core';
import { parseCookieProviderOptions, type CookieProviderOptions } from '../../shared/injection-options';
import { SAVE_EVENTS, createSessionSaver, type SessionSaver } from '../../cookie/session-saver';
import type { Copied, InjectRecord } from '../../shared/protocol';
import { errorText } from '../../shared/error-text';
import { pollForBus } from './bus-poll';

export const PLUGIN_NAME = 'CXLensCookieProvider';

export interface CookieInjectionStatus {
  installed: boolean;
  state: 'not-installed' | 'waiting' | 'installed' | 'failed';
  options?: CookieProviderOptions;
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

/** Checks install() options (src/shared/injection-options.ts): a cookie name and an http(s) URL,
 *  resolved against the page's URL. Throws a readable TypeError. */
export function readInjectionOptions(input: unknown, baseUrl: string): CookieProviderOptions {
  const parsed = parseCookieProviderOptions(input, baseUrl);
  if (!parsed.ok) throw new TypeError(parsed.reason);
  return parsed.options;
}

export function createCookieInjection(host: CookieInjectionHost): CookieInjectionApi {
  let status: CookieInjectionStatus = { installed: false, state: 'not-installed' };
  let provider: ProviderLike | null = null;
  let addedIframe = false;
  let plugin: PluginLike | null = null; // a bus plugin cannot be unregistered: kept for reinstalls
  let subscribed = false;
  let stopPolling = (): void => {};
  let saver: SessionSaver | null = null;
  /** Bumped by every stop: results of an earlier install's provider are not reported. */
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
      (error: { code?: string } | null) => { if (mine === generation) report('failed', { error: errorText(error), code: String(error?.code ?? '') }); },
    );
  };

  // The plugin (and so this callback) outlives an install: it reaches the current saver.
  const onChatEvent = () => saver?.chatEvent();

  const bindBus = (): boolean => {
    const register = host.registerPlugin();
    if (!register) return false;
    if (!plugin) {
      const registered = register(PLUGIN_NAME);
      if (!registered) throw new Error(`the bus refused the plugin name ${PLUGIN_NAME}`);
      plugin = registered;
    }
    for (const event of SAVE_EVENTS) plugin.subscribe(event, onChatEvent);
    subscribed = true;
    return true;
  };

  const waitForBus = () => {
    stopPolling = pollForBus(host, () => {
      if (!bindBus()) return false;
      status = { ...status, state: 'installed', bus: true, message: undefined };
      report('installed', { ...detailOf(status), bus: true });
      return true;
    }, (error) => fail(errorText(error)));
  };

  const fail = (message: string) => {
    status = { ...status, state: 'failed', message };
    report('failed', { error: message });
  };

  const stop = () => {
    generation++;
    stopPolling();
    saver?.stop();
    saver = null;
    if (plugin && subscribed) {
      for (const event of SAVE_EVENTS) {
        try {
          plugin.unsubscribe(event); // removes this plugin's callbacks only
        } catch {
          /* a broken bus: the callback finds no saver anyway */
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
        const created = host.createProvider(options.cookieName, options.iframeUrl);
        provider = created;
        addedIframe = true;
        saver = createSessionSaver(host, options.cookieName, () => {
          const saving = created.saveCookie();
          watch(saving, mine);
          return saving;
        });
        watch(created.loadCookie(), mine);
        if (bindBus()) status.bus = true;
        else {
          status.state = 'waiting';
          status.message = 'no Genesys bus on the page yet: the session is saved on chat events once one appears';
          waitForBus();
        }
        report(status.state === 'waiting' ? 'waiting' : 'installed', detailOf(status));
      } catch (error) {
        fail(errorText(error));
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
