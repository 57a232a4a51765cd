// The injected cookie provider's logic (src/page/inject/cookie-injection.ts) on fakes: install is
// idempotent, waits for a bus, saves after chat events, uninstall undoes it.
import { describe, expect, it } from 'vitest';
import {
  createCookieInjection, PLUGIN_NAME, readInjectionOptions, type CookieInjectionHost, type ProviderLike,
} from '../../../../src/page/inject/cookie-injection';
import { FAST_POLL_MS } from '../../../../src/page/inject/bus-poll';
import { SAVE_DELAY_MS, SAVE_EVENTS } from '../../../../src/cookie/session-saver';
import type { CookieResult } from '../../../../src/cookie/provider-core';
import { FakeClock } from '../../fakes/fake-clock';
import { createFakeCXBus } from '../../fakes/fake-cxbus';

const OPTIONS = { cookieName: 'sess', iframeUrl: 'http://[::1]:8780/cx-lens/iframe.html' };

function fakeHost(options: { bus?: boolean; pageIframe?: boolean } = {}) {
  const clock = new FakeClock();
  const calls: string[] = [];
  const reports: { state: string; detail: Record<string, unknown> }[] = [];
  // The page's bus, delivering on the page's clock (setTimeout(0), as the real bus does).
  const bus = createFakeCXBus({ setTimeout: clock.setTimer });
  const state = { bus: options.bus ?? true, cookie: '' };
  const providers: (ProviderLike & { removed: boolean })[] = [];
  const host: CookieInjectionHost = {
    createProvider: (name, url) => {
      calls.push(`create ${name} ${url}`);
      const provider = {
        removed: false,
        iframe: { remove: () => { provider.removed = true; } },
        loadCookie: (): Promise<CookieResult> => { calls.push('load'); return Promise.resolve({ operation: 'load', status: 'empty' }); },
        saveCookie: (): Promise<CookieResult> => { calls.push(`save ${state.cookie}`); return Promise.resolve({ operation: 'save', status: 'saved', expires: 1 }); },
      };
      providers.push(provider);
      return provider;
    },
    hasIframe: () => options.pageIframe === true,
    registerPlugin: () => (state.bus ? bus.registerPlugin : null),
    cookie: () => state.cookie,
    baseUrl: 'http://localhost:8780/chat.html',
    setTimer: clock.setTimer,
    clearTimer: clock.clearTimer,
    now: clock.now,
    report: (s, detail) => reports.push({ state: s, detail }),
  };
  return { clock, calls, reports, bus, state, providers, host, publish: (event: string) => bus.publishFrom(event) };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('cookie provider injection', () => {
  it('creates the provider, loads at once, saves after chat events (once per new value)', async () => {
    const f = fakeHost();
    const api = createCookieInjection(f.host);
    expect(api.install(OPTIONS)).toMatchObject({ installed: true, state: 'installed', bus: true, options: OPTIONS });
    expect(f.calls).toEqual([`create sess ${OPTIONS.iframeUrl}`, 'load']);
    expect(f.bus.subscribedEvents().sort()).toEqual([...SAVE_EVENTS].sort());
    f.state.cookie = 'sess=v1';
    f.publish('WebChat.started');
    f.publish('WebChatService.messageReceived'); // same burst: one save
    f.clock.advance(SAVE_DELAY_MS);
    await flush();
    f.publish('WebChatService.messageReceived'); // value unchanged: no save
    f.clock.advance(SAVE_DELAY_MS);
    f.state.cookie = 'sess=v2';
    f.publish('WebChatService.messageReceived');
    f.clock.advance(SAVE_DELAY_MS);
    await flush();
    expect(f.calls.filter((c) => c.startsWith('save'))).toEqual(['save sess=v1', 'save sess=v2']);
    expect(f.reports.map((r) => r.state)).toEqual(['installed', 'fired', 'fired', 'fired']);
    expect(f.reports[1]!.detail).toEqual({ operation: 'load', status: 'empty' });
  });

  it('is idempotent, and reinstalls with other options', () => {
    const f = fakeHost();
    const api = createCookieInjection(f.host);
    api.install(OPTIONS);
    api.install({ ...OPTIONS });
    expect(f.providers).toHaveLength(1);
    api.install({ ...OPTIONS, cookieName: 'other' });
    expect(f.providers).toHaveLength(2);
    expect(f.providers[0]!.removed).toBe(true);
    expect(f.bus.registerCalls).toEqual([PLUGIN_NAME]); // the bus plugin is registered once and reused
  });

  it('waits for a bus that appears later', () => {
    const f = fakeHost({ bus: false });
    const api = createCookieInjection(f.host);
    expect(api.install(OPTIONS)).toMatchObject({ state: 'waiting' });
    f.clock.advance(FAST_POLL_MS * 3);
    expect(f.bus.subscribedEvents()).toEqual([]);
    f.state.bus = true;
    f.clock.advance(FAST_POLL_MS);
    expect(api.status()).toMatchObject({ state: 'installed', bus: true });
    expect(f.bus.subscribedEvents()).toHaveLength(SAVE_EVENTS.length);
    expect(f.reports.map((r) => r.state)).toEqual(['waiting', 'installed']);
  });

  it('uninstall unsubscribes, removes the iframe it added and stops waiting', () => {
    const f = fakeHost({ bus: false });
    const api = createCookieInjection(f.host);
    api.install(OPTIONS);
    expect(api.uninstall()).toEqual({ installed: false, state: 'not-installed' });
    expect(f.providers[0]!.removed).toBe(true);
    expect(f.clock.pendingTimers).toBe(0);
    const g = fakeHost();
    const bound = createCookieInjection(g.host);
    bound.install(OPTIONS);
    bound.uninstall();
    expect(g.bus.subscribedEvents()).toEqual([]);
    expect(g.reports.at(-1)!.state).toBe('removed');
  });

  it('adds nothing when the page already embeds that iframe', () => {
    const f = fakeHost({ pageIframe: true });
    const status = createCookieInjection(f.host).install(OPTIONS);
    expect(status).toMatchObject({ installed: true, pageProvider: true });
    expect(f.providers).toHaveLength(0);
  });

  it('refuses bad options with a reason, and never throws', () => {
    const f = fakeHost();
    const api = createCookieInjection(f.host);
    expect(api.install({ cookieName: 'bad name', iframeUrl: OPTIONS.iframeUrl })).toMatchObject({ state: 'failed', message: expect.stringMatching(/cookie name/) });
    expect(api.install({ cookieName: 'sess', iframeUrl: 'javascript:alert(1)' })).toMatchObject({ state: 'failed', message: expect.stringMatching(/http or https/) });
    expect(() => api.install(null)).not.toThrow();
    expect(f.providers).toHaveLength(0);
    expect(readInjectionOptions({ cookieName: 'a', iframeUrl: '/iframe.html' }, 'https://site.example/x')).toEqual({ cookieName: 'a', iframeUrl: 'https://site.example/iframe.html' });
  });
});
