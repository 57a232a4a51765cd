import { describe, expect, it } from 'vitest';
import { CHANNEL_VERSION, MessageType, carriesSessionData, maskSessionData, parseReply, parseRequest } from '../../../src/cookie/channel';
import { startCookieIframe, IFRAME_COOKIE_MAX_AGE_S, type CookieIframe } from '../../../src/cookie/iframe-core';
import {
  CookieChannelError, READY_TIMEOUT_MS, REQUEST_TIMEOUT_MS, createCookieProviderApi,
} from '../../../src/cookie/provider-core';
import { SAVE_DELAY_MS } from '../../../src/cookie/session-saver';
import { FakeBrowser, FakeWindow, type FakeIframe, type WindowHandle } from '../fakes/cookie-fakes';
import { createFakeCXBus } from '../fakes/fake-cxbus';

const IFRAME_URL = 'http://[::1]:8772/iframe.html';
const IFRAME_ORIGIN = 'http://[::1]:8772';
const A = 'http://localhost:8770';
const B = 'http://127.0.0.1:8771';
const SESSION = '%7B%22token%22%3A%22eyJhbGciOi.secret-token%22%2C%22messageIndex%22%3A3%7D';

function setup(trusted: unknown = [A, B]) {
  const browser = new FakeBrowser();
  const iframes: CookieIframe[] = [];
  browser.serve(IFRAME_URL, (win) => iframes.push(startCookieIframe(win, trusted)));
  const open = (url: string) => {
    const win = browser.openPage(url);
    return { win, api: createCookieProviderApi(win) };
  };
  return { browser, iframes, open };
}

/** Settles a promise while the fake clock runs. */
async function settle<T>(browser: FakeBrowser, promise: Promise<T>, ms = 50): Promise<PromiseSettledResult<T>> {
  const result = Promise.allSettled([promise]);
  await browser.clock.advanceAsync(ms);
  return (await result)[0];
}

function fulfilled<T>(result: PromiseSettledResult<T>): T {
  if (result.status !== 'fulfilled') throw new Error(`expected fulfilled, got ${String(result.reason)}`);
  return result.value;
}

function rejected(result: PromiseSettledResult<unknown>): CookieChannelError {
  if (result.status !== 'rejected') throw new Error(`expected rejected, got ${JSON.stringify(result.value)}`);
  return result.reason as CookieChannelError;
}

function iframeWindowOf(win: FakeWindow): FakeWindow {
  return (win.document.iframes[0] as FakeIframe).window!;
}

describe('cookie channel: cross-domain flow', () => {
  it('saves on domain A and loads on domain B, with the cookie attributes the channel promises', async () => {
    const { browser, open } = setup();
    const a = open(`${A}/shop`);
    a.win.document.cookie = `sess=${SESSION}; path=/; samesite=strict`;
    const providerA = new a.api.CookieProvider('sess', IFRAME_URL);
    const saved = fulfilled(await settle(browser, providerA.saveCookie()));
    expect(saved).toEqual({ operation: 'save', status: 'saved', expires: expect.any(Number) });
    const stored = browser.jar('[::1]').get('cx-lens-cookie.sess');
    expect(stored?.value).toBe(SESSION);
    expect(stored?.attributes).toMatch(/SameSite=None/);
    expect(stored?.attributes).toMatch(/Secure/);
    expect(stored?.attributes).toMatch(/Path=\//);
    expect(stored?.attributes).toContain(`Max-Age=${IFRAME_COOKIE_MAX_AGE_S}`);

    const b = open(`${B}/support`);
    expect(b.win.document.cookie).toBe('');
    const providerB = new b.api.CookieProvider('sess', IFRAME_URL);
    expect(fulfilled(await settle(browser, providerB.loadCookie()))).toEqual({ operation: 'load', status: 'loaded' });
    expect(browser.jar('127.0.0.1').get('sess')).toEqual({ value: SESSION, attributes: 'Path=/; SameSite=Strict' });
  });

  it('adds one hidden iframe and a second provider reuses it (and still gets its hello answered)', async () => {
    const { browser, open } = setup();
    const a = open(A);
    const first = new a.api.CookieProvider('sess', IFRAME_URL);
    await browser.clock.advanceAsync(50);
    const second = new a.api.CookieProvider('sess', IFRAME_URL);
    expect(a.win.document.iframes).toHaveLength(1);
    const frame = a.win.document.iframes[0] as FakeIframe;
    expect(frame.hidden).toBe(true);
    expect(frame.attributes.get('aria-hidden')).toBe('true');
    expect(frame.tabIndex).toBe(-1);
    expect(first.iframe).toBe(second.iframe);
    expect(fulfilled(await settle(browser, second.ready))).toEqual({ protocol: CHANNEL_VERSION, trusted: 2 });
    expect(fulfilled(await settle(browser, second.loadCookie())).status).toBe('empty');
  });

  it('names the exact target origin in every postMessage, both ways, never "*"', async () => {
    const { browser, open } = setup();
    const a = open(A);
    a.win.document.cookie = `sess=${SESSION}`;
    const provider = new a.api.CookieProvider('sess', IFRAME_URL);
    await settle(browser, Promise.all([provider.saveCookie(), provider.loadCookie(), provider.cookieTest()]));
    expect(browser.sent.length).toBeGreaterThanOrEqual(8); // 4 requests, 4 replies
    for (const message of browser.sent) {
      expect(message.targetOrigin).not.toBe('*');
      expect(message.targetOrigin).toBe(message.to);
      expect(message.delivered).toBe(true);
    }
    expect(browser.sent.filter((m) => m.to === IFRAME_ORIGIN)).toHaveLength(4);
    expect(browser.sent.filter((m) => m.to === A)).toHaveLength(4);
  });

  it('matches concurrent replies to their requests by id', async () => {
    const { browser, open } = setup();
    const a = open(A);
    a.win.document.cookie = `sess=${SESSION}`;
    const provider = new a.api.CookieProvider('sess', IFRAME_URL);
    const [test, save, load] = await settle(browser, Promise.all([provider.cookieTest(), provider.saveCookie(), provider.loadCookie()]))
      .then(fulfilled);
    expect([test.operation, test.status]).toEqual(['test', 'enabled']);
    expect([save.operation, save.status]).toEqual(['save', 'saved']);
    expect([load.operation, load.status]).toEqual(['load', 'loaded']);
    const requests = browser.sent.filter((m) => m.to === IFRAME_ORIGIN).map((m) => parseRequest(m.data)!);
    const ids = requests.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    const replies = browser.sent.filter((m) => m.to === A).map((m) => parseReply(m.data)!);
    expect(replies.map((r) => r.id).sort()).toEqual([...ids].sort());
  });

  it('tells the page when there is nothing to save', async () => {
    const { browser, open } = setup();
    const a = open(A);
    const provider = new a.api.CookieProvider('sess', IFRAME_URL);
    expect(fulfilled(await settle(browser, provider.saveCookie()))).toMatchObject({ status: 'no-cookie', reason: expect.stringContaining('sess') });
  });
});

describe('cookie channel: refusals, blocking and timeouts', () => {
  it('an untrusted page gets an error reply with no data, addressed to it only, and a clear rejection', async () => {
    const { browser, open } = setup([B]);
    const b = open(B);
    b.win.document.cookie = `sess=${SESSION}`;
    fulfilled(await settle(browser, new b.api.CookieProvider('sess', IFRAME_URL).saveCookie()));

    const a = open(A);
    const provider = new a.api.CookieProvider('sess', IFRAME_URL);
    const error = rejected(await settle(browser, provider.loadCookie()));
    expect(error).toBeInstanceOf(CookieChannelError);
    expect(error.code).toBe('untrusted-origin');
    expect(error.message).toContain(`add "${A}" to its TRUSTED_DOMAINS`);
    expect(a.win.document.cookie).toBe('');
    const toA = browser.sent.filter((m) => m.to === A);
    expect(toA.length).toBeGreaterThan(0);
    for (const message of toA) {
      expect(message.targetOrigin).toBe(A);
      const reply = parseReply(message.data)!;
      expect(reply.ok).toBe(false);
      expect(reply).not.toHaveProperty('result');
      expect(JSON.stringify(message.data)).not.toContain('secret-token');
    }
  });

  it('an untrusted parent asking by hand for the cookie, or flooding, gets nothing it holds', async () => {
    const { browser, open } = setup([B]);
    browser.jar('[::1]').set('cx-lens-cookie.sess', { value: SESSION, attributes: '' });
    const evil = open('http://127.0.0.2:8773');
    new evil.api.CookieProvider('sess', IFRAME_URL);
    await browser.clock.advanceAsync(50);
    const iframe = (evil.win.document.iframes[0] as FakeIframe).contentWindow!;
    const junk: unknown[] = [null, 'load', 42, { type: MessageType.load }, { type: MessageType.load, v: 1, id: 'x'.repeat(65), name: 'sess' },
      { type: MessageType.load, v: 1, id: 'a b', name: 'sess' }, { type: 'other/thing', v: 1, id: '1' }];
    for (const data of junk) iframe.postMessage(data, IFRAME_ORIGIN);
    for (let i = 0; i < 500; i++) iframe.postMessage({ type: MessageType.load, v: 1, id: `r${i}`, name: 'sess' }, IFRAME_ORIGIN);
    await browser.clock.advanceAsync(50);
    const replies = browser.sent.filter((m) => m.to === 'http://127.0.0.2:8773').map((m) => parseReply(m.data)!);
    // hello + the 500 well-formed requests; junk gets no answer at all
    expect(replies).toHaveLength(501);
    expect(replies.every((r) => !r.ok && r.error.code === 'untrusted-origin')).toBe(true);
    expect(JSON.stringify(browser.sent)).not.toContain('secret-token');
  });

  it('answers only its parent window, and never an opaque origin', async () => {
    const { browser, open } = setup([A]);
    const a = open(A);
    new a.api.CookieProvider('sess', IFRAME_URL);
    await browser.clock.advanceAsync(50);
    const iframeWin = iframeWindowOf(a.win);
    const before = browser.sent.length;
    // Another window of a trusted origin that holds a reference to the iframe, not its parent.
    const other = browser.openPage(A);
    browser.handle(() => iframeWin, other).postMessage({ type: MessageType.hello, v: 1, id: 'x1' }, IFRAME_ORIGIN);
    // The parent, but with an opaque origin (a sandboxed document).
    iframeWin.dispatch({ data: { type: MessageType.hello, v: 1, id: 'x2' }, origin: 'null', source: iframeWin.parent });
    await browser.clock.advanceAsync(50);
    expect(browser.sent.slice(before).filter((m) => m.from === IFRAME_ORIGIN)).toEqual([]);
  });

  it('refuses malformed names and values and other protocol versions, to a trusted page', async () => {
    const { browser, open } = setup([A]);
    const a = open(A);
    new a.api.CookieProvider('sess', IFRAME_URL);
    await browser.clock.advanceAsync(50);
    const iframe = (a.win.document.iframes[0] as FakeIframe).contentWindow!;
    iframe.postMessage({ type: MessageType.load, v: 1, id: 'n1', name: 'a;b' }, IFRAME_ORIGIN);
    iframe.postMessage({ type: MessageType.save, v: 1, id: 'n2', name: 'sess', value: 'x; Domain=evil' }, IFRAME_ORIGIN);
    iframe.postMessage({ type: MessageType.save, v: 1, id: 'n3', name: 'sess', value: 'x'.repeat(5000) }, IFRAME_ORIGIN);
    iframe.postMessage({ type: MessageType.load, v: 2, id: 'n4', name: 'sess' }, IFRAME_ORIGIN);
    await browser.clock.advanceAsync(50);
    const codes = Object.fromEntries(browser.sent.map((m) => parseReply(m.data)).filter((r) => r && r.id.startsWith('n'))
      .map((r) => [r!.id, r!.ok ? 'ok' : r!.error.code]));
    expect(codes).toEqual({ n1: 'bad-request', n2: 'bad-request', n3: 'bad-request', n4: 'unsupported-version' });
    expect(browser.jar('[::1]').size).toBe(0);
  });

  it('keeps its cookies apart from the other cookies of its site', async () => {
    const { browser, open } = setup([A]);
    browser.jar('[::1]').set('auth', { value: 'site-login', attributes: '' });
    const a = open(A);
    const provider = new a.api.CookieProvider('auth', IFRAME_URL);
    expect(fulfilled(await settle(browser, provider.loadCookie())).status).toBe('empty');
    expect(a.win.document.cookie).toBe('');
  });

  it('reports blocked third-party cookies from load, save and test, warns once, and tells the callback', async () => {
    const { browser, open } = setup();
    browser.thirdPartyCookiesBlocked = true;
    const a = open(A);
    a.win.document.cookie = `sess=${SESSION}`;
    const seen: boolean[] = [];
    const provider = new a.api.CookieProvider('sess', IFRAME_URL, (enabled) => seen.push(enabled));
    const [save, load, test] = fulfilled(await settle(browser, Promise.all([provider.saveCookie(), provider.loadCookie(), provider.cookieTest()])));
    for (const result of [save, load, test]) {
      expect(result.status).toBe('blocked');
      expect(result.reason).toMatch(/blocks third-party cookies/);
    }
    expect(seen).toEqual([false]);
    expect(a.win.warnings).toHaveLength(1);
    expect(a.win.warnings[0]).toMatch(/blocked: the browser blocks third-party cookies/);
    expect(browser.jar('[::1]').size).toBe(0);
  });

  it('says when the iframe is not served over https', async () => {
    const browser = new FakeBrowser();
    browser.serve('http://cookies.example/iframe.html', (win) => startCookieIframe(win, [A]));
    const a = browser.openPage(A);
    const { CookieProvider } = createCookieProviderApi(a);
    a.document.cookie = `sess=${SESSION}`;
    const provider = new CookieProvider('sess', 'http://cookies.example/iframe.html');
    expect(fulfilled(await settle(browser, provider.saveCookie())).reason).toMatch(/not served over https/);
  });

  it('cookieTest reports enabled to the callback it is given, else to the constructor one', async () => {
    const { browser, open } = setup();
    const a = open(A);
    const fromConstructor: boolean[] = [];
    const fromCall: boolean[] = [];
    const provider = new a.api.CookieProvider('sess', IFRAME_URL, (e) => fromConstructor.push(e));
    expect(fulfilled(await settle(browser, provider.cookieTest((e) => fromCall.push(e))))).toEqual({ operation: 'test', status: 'enabled' });
    fulfilled(await settle(browser, provider.cookieTest()));
    expect(fromCall).toEqual([true]);
    expect(fromConstructor).toEqual([true]);
  });

  it('times out with a clear error when the iframe never answers the hello', async () => {
    const { browser, open } = setup();
    const a = open(A);
    const provider = new a.api.CookieProvider('sess', 'http://[::1]:8772/missing.html');
    const pending = Promise.allSettled([provider.loadCookie()]);
    await browser.clock.advanceAsync(READY_TIMEOUT_MS - 1);
    let done = false;
    void pending.then(() => (done = true));
    await browser.clock.advanceAsync(0);
    expect(done).toBe(false);
    await browser.clock.advanceAsync(1);
    const error = rejected((await pending)[0]);
    expect(error.code).toBe('timeout');
    expect(error.message).toContain('http://[::1]:8772/missing.html');
    expect(error.message).toContain('iframe.min.js');
  });

  it('times out a request the ready iframe does not answer', async () => {
    const browser = new FakeBrowser();
    browser.serve(IFRAME_URL, (win) => answerOnly(win, ['hello']));
    const a = browser.openPage(A);
    const provider = new (createCookieProviderApi(a).CookieProvider)('sess', IFRAME_URL);
    const result = await settle(browser, provider.loadCookie(), 50 + REQUEST_TIMEOUT_MS);
    expect(rejected(result).code).toBe('timeout');
    expect(rejected(result).message).toContain('the load request');
  });

  it('accepts a reply only from the iframe window at the iframe origin', async () => {
    const browser = new FakeBrowser();
    const requests: { id: string; op: string }[] = [];
    browser.serve(IFRAME_URL, (win) => answerOnly(win, ['hello'], requests));
    const a = browser.openPage(A);
    const provider = new (createCookieProviderApi(a).CookieProvider)('sess', IFRAME_URL);
    const load = Promise.allSettled([provider.loadCookie()]);
    await browser.clock.advanceAsync(50);
    const id = requests.find((r) => r.op === 'load')!.id;
    const frame = a.document.iframes[0] as FakeIframe;
    const forged = { type: MessageType.reply, v: 1, id, ok: true, result: { found: true, value: 'forged' } };
    // Right origin, wrong window (say a popup of the iframe's site).
    const popup = browser.openPage(IFRAME_ORIGIN);
    a.dispatch({ data: forged, origin: IFRAME_ORIGIN, source: browser.handle(() => a, popup) });
    // Right window, wrong origin (the iframe navigated elsewhere).
    a.dispatch({ data: forged, origin: 'http://127.0.0.2:8773', source: frame.contentWindow });
    await browser.clock.advanceAsync(50);
    expect(a.document.cookie).toBe('');
    // The genuine reply still settles the request.
    (frame.window!.parent as WindowHandle).postMessage({ ...forged, result: { found: true, value: 'genuine' } }, A);
    await browser.clock.advanceAsync(50);
    expect(fulfilled((await load)[0])).toMatchObject({ status: 'loaded' });
    expect(a.document.cookie).toBe('sess=genuine');
  });

  it('names an answer from a foreign origin in the timeout message', async () => {
    const browser = new FakeBrowser();
    const requests: { id: string; op: string }[] = [];
    browser.serve(IFRAME_URL, (win) => answerOnly(win, [], requests));
    const a = browser.openPage(A);
    const provider = new (createCookieProviderApi(a).CookieProvider)('sess', IFRAME_URL);
    const ready = Promise.allSettled([provider.ready]);
    await browser.clock.advanceAsync(50);
    const frame = a.document.iframes[0] as FakeIframe;
    a.dispatch({ data: { type: MessageType.reply, v: 1, id: requests[0].id, ok: true, result: { protocol: 1, trusted: 1 } }, origin: 'https://login.example', source: frame.contentWindow });
    await browser.clock.advanceAsync(READY_TIMEOUT_MS);
    expect(rejected((await ready)[0]).message).toContain('an answer came from https://login.example instead');
  });

  it('rejects replies of another protocol version and malformed results', async () => {
    for (const [reply, code] of [
      [{ v: 2, ok: true, result: { protocol: 2, trusted: 1 } }, 'unsupported-version'],
      [{ v: 1, ok: true, result: { protocol: 'one' } }, 'bad-reply'],
    ] as const) {
      const browser = new FakeBrowser();
      browser.serve(IFRAME_URL, (win) => win.addEventListener('message', (event) => {
        const request = parseRequest(event.data)!;
        (event.source as { postMessage(d: unknown, o: string): void }).postMessage({ type: MessageType.reply, id: request.id, ...reply }, event.origin);
      }));
      const a = browser.openPage(A);
      const provider = new (createCookieProviderApi(a).CookieProvider)('sess', IFRAME_URL);
      expect(rejected(await settle(browser, provider.loadCookie())).code).toBe(code);
    }
  });

  it('rejects when the iframe was removed from the page', async () => {
    const { browser, open } = setup();
    const a = open(A);
    const provider = new a.api.CookieProvider('sess', IFRAME_URL);
    await settle(browser, provider.ready);
    (a.win.document.iframes[0] as FakeIframe).removed = true;
    expect(rejected(await settle(browser, provider.loadCookie())).code).toBe('no-iframe');
  });

  it('calls made without await (as in the guide) never become unhandled rejections, and warn once', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const { browser, open } = setup([B]);
      const a = open(A);
      const provider = new a.api.CookieProvider('sess', IFRAME_URL);
      provider.loadCookie();
      provider.loadCookie();
      provider.cookieTest();
      await browser.clock.advanceAsync(50);
      await new Promise((r) => setTimeout(r, 10));
      expect(unhandled).toEqual([]);
      expect(a.win.warnings.filter((w) => w.includes('loadCookie failed'))).toHaveLength(1);
      expect(a.win.warnings.filter((w) => w.includes('cookieTest failed'))).toHaveLength(1);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('never writes a cookie value to the console', async () => {
    const { browser, open } = setup([B]);
    browser.thirdPartyCookiesBlocked = true;
    const a = open(A);
    a.win.document.cookie = `sess=${SESSION}`;
    const provider = new a.api.CookieProvider('sess', IFRAME_URL);
    await settle(browser, Promise.allSettled([provider.saveCookie(), provider.loadCookie()]));
    expect(a.win.warnings.length).toBeGreaterThan(0);
    expect([...a.win.warnings, ...a.win.errors].join('\n')).not.toContain('secret-token');
  });

  it('refuses bad constructor arguments with a TypeError', () => {
    const { open } = setup();
    const { api } = open(A);
    expect(() => new api.CookieProvider('bad name', IFRAME_URL)).toThrow(TypeError);
    expect(() => new api.CookieProvider('sess', 'javascript:alert(1)')).toThrow(/http or https/);
    expect(() => new api.CookieProvider('sess', IFRAME_URL, 'yes' as never)).toThrow(/function/);
    expect(() => api.initCookieProviderExtension('sess', 'http://[bad')).toThrow(/not a URL/);
  });
});

describe('cookie channel: Widgets extension', () => {
  /** The page's bus, delivering on the fake browser's clock; `taken` names are already registered. */
  function fakeBus(browser: FakeBrowser, taken: string[] = []) {
    const bus = createFakeCXBus({ setTimeout: browser.clock.setTimer });
    for (const name of taken) bus.registerPlugin(name);
    return bus;
  }

  it('loads at start, tests cookies, and saves (once per burst, only on change) after chat events', async () => {
    const { browser, open } = setup();
    browser.jar('[::1]').set('cx-lens-cookie.sess', { value: 'old-session', attributes: '' });
    const a = open(A);
    const seen: boolean[] = [];
    const extension = a.api.initCookieProviderExtension('sess', IFRAME_URL, (enabled) => seen.push(enabled));
    const bus = fakeBus(browser, ['CookieProviderExtension']);
    extension(null, bus.CXBus);
    await browser.clock.advanceAsync(50);
    expect(bus.plugins()).toEqual(['CookieProviderExtension', 'CookieProviderExtension2']); // the first name was taken
    expect(bus.subscribedEvents().sort()).toEqual(['WebChat.started', 'WebChatService.messageReceived']);
    expect(a.win.document.cookie).toBe('sess=old-session');
    expect(seen).toEqual([true]);

    const saves = () => browser.sent.filter((m) => parseRequest(m.data)?.op === 'save').length;
    a.win.document.cookie = `sess=${SESSION}`;
    bus.publishFrom('WebChat.started');
    bus.publishFrom('WebChatService.messageReceived');
    bus.publishFrom('WebChatService.messageReceived');
    await browser.clock.advanceAsync(SAVE_DELAY_MS + 50);
    expect(saves()).toBe(1);
    expect(browser.jar('[::1]').get('cx-lens-cookie.sess')?.value).toBe(SESSION);
    bus.publishFrom('WebChatService.messageReceived');
    await browser.clock.advanceAsync(SAVE_DELAY_MS + 50);
    expect(saves()).toBe(1);
    a.win.document.cookie = 'sess=next-index';
    bus.publishFrom('WebChatService.messageReceived');
    await browser.clock.advanceAsync(SAVE_DELAY_MS + 50);
    expect(saves()).toBe(2);
  });

  it('the bare CookieProviderExtension of the guide binds the page\'s own CookieProvider', async () => {
    const { browser, open } = setup();
    const a = open(A);
    const lonely = fakeBus(browser);
    a.api.CookieProviderExtension(null, lonely.CXBus);
    expect(lonely.plugins()).toEqual([]);
    expect(a.win.warnings.join()).toMatch(/found no CookieProvider/);

    new a.api.CookieProvider('sess', IFRAME_URL);
    const bus = fakeBus(browser);
    a.api.CookieProviderExtension(null, bus.CXBus);
    a.win.document.cookie = `sess=${SESSION}`;
    bus.publishFrom('WebChat.started');
    await browser.clock.advanceAsync(SAVE_DELAY_MS + 50);
    expect(browser.jar('[::1]').get('cx-lens-cookie.sess')?.value).toBe(SESSION);
  });
});

describe('cookie channel: trusted list in the iframe', () => {
  it('normalises entries with the URL parser and ignores (and reports) what is not an origin', async () => {
    const { browser, iframes, open } = setup(['HTTP://LOCALHOST:8770', 'http://127.0.0.1:8771/', 'domain-a.com', 42, 'http://localhost:8770']);
    const a = open(A);
    const b = open(B);
    const providerA = new a.api.CookieProvider('sess', IFRAME_URL);
    const providerB = new b.api.CookieProvider('sess', IFRAME_URL);
    expect(fulfilled(await settle(browser, providerA.ready))).toEqual({ protocol: 1, trusted: 1 });
    expect(rejected(await settle(browser, providerB.ready)).code).toBe('untrusted-origin');
    expect(iframes[0].trusted.origins).toEqual([A]);
    expect(iframes[0].trusted.ignored.map((i) => i.entry)).toEqual(['http://127.0.0.1:8771/', 'domain-a.com', '42']);
    const iframeWarnings = iframeWindowOf(a.win).warnings;
    expect(iframeWarnings).toHaveLength(3);
    expect(iframeWarnings[0]).toMatch(/"http:\/\/127.0.0.1:8771\/" is ignored: has a path or trailing slash/);
  });

  it('trusts no one, and says so, when TRUSTED_DOMAINS is missing', async () => {
    const { browser, open } = setup(null); // as iframe.ts passes a missing TRUSTED_DOMAINS: not an array
    const a = open(A);
    const provider = new a.api.CookieProvider('sess', IFRAME_URL);
    expect(rejected(await settle(browser, provider.ready)).code).toBe('untrusted-origin');
    expect(iframeWindowOf(a.win).warnings.join()).toMatch(/TRUSTED_DOMAINS is not defined/);
  });
});

describe('cookie channel: protocol helpers for the tap', () => {
  it('knows which messages carry session data and masks them', () => {
    const save = { type: MessageType.save, v: 1, id: 'a', name: 'sess', value: SESSION };
    const loadReply = { type: MessageType.reply, v: 1, id: 'b', ok: true, result: { found: true, value: SESSION } };
    const hello = { type: MessageType.hello, v: 1, id: 'c' };
    expect(carriesSessionData(save)).toBe(true);
    expect(carriesSessionData(loadReply)).toBe(true);
    expect(carriesSessionData(hello)).toBe(false);
    expect(carriesSessionData({ type: MessageType.reply, v: 1, id: 'd', ok: false, error: { code: 'x', message: 'y' } })).toBe(false);
    const masked = [maskSessionData(save), maskSessionData(loadReply)] as const;
    expect(JSON.stringify(masked)).not.toContain('secret-token');
    expect(masked[1].result.value).toMatch(/^<masked \d+ chars #[0-9a-f]{8}>$/);
    expect(masked[0].value).toMatch(/^<masked \d+ chars #[0-9a-f]{8}>$/);
    expect(maskSessionData(hello)).toBe(hello);
    expect(save.value).toBe(SESSION); // the original is untouched
  });
});

/** A stand-in iframe that answers only some operations (recording every request it gets). */
function answerOnly(win: FakeWindow, ops: string[], log: { id: string; op: string }[] = []): void {
  win.addEventListener('message', (event) => {
    const request = parseRequest(event.data);
    if (!request) return;
    log.push({ id: request.id, op: request.op });
    if (!ops.includes(request.op)) return;
    (event.source as { postMessage(d: unknown, o: string): void }).postMessage(
      { type: MessageType.reply, v: 1, id: request.id, ok: true, result: { protocol: 1, trusted: 1 } }, event.origin);
  });
}
