import { describe, expect, it } from 'vitest';
import { buildCookieSync, CookieSyncStore, MAX_CHANNEL_ENTRIES, type CookieSyncContext } from '../../../../src/analysis/cookies/cookie-sync';
import { CUT_DEPTH } from '../../../../src/analysis/text/bounded';
import { deepValue } from '../fixtures';
import type { CaptureRecord, ChannelRecord, CookieFactEntry, CookieFactsRecord, Copied, FrameInfo } from '../../../../src/shared/protocol';

const A = 'http://localhost:8780';
const IFRAME_ORIGIN = 'http://[::1]:8780';
const IFRAME_URL = `${IFRAME_ORIGIN}/cx-lens/iframe.html`;
const NAME = 'sess';

const top: FrameInfo = { docId: 'top', frameId: 0, url: `${A}/xdomain.html`, origin: A, top: true, seenAt: 1 };
const iframe: FrameInfo = { docId: 'ifr', frameId: 3, url: IFRAME_URL, origin: IFRAME_ORIGIN, top: false, seenAt: 2 };

function ctx(extra: Partial<CookieSyncContext> = {}): CookieSyncContext {
  return { frames: [top, iframe], gone: new Set(), now: 10_000, ...extra };
}

/** A request as the iframe's hook sees it (from its parent). */
function request(time: number, op: string, id: string, from = A, fields: object = {}): ChannelRecord {
  return {
    t: 'channel', seq: 0, time, direction: 'in', peer: 'parent', senderOrigin: from, receiverOrigin: IFRAME_ORIGIN, channel: true,
    type: `cx-lens-cookie/${op}`, id, carriesSession: op === 'save', data: { type: `cx-lens-cookie/${op}`, v: 1, id, ...fields },
  };
}

/** A reply as the page's hook sees it (from the child iframe). */
function reply(time: number, id: string, body: { result: object } | { error: { code: string; message: string } }, from = IFRAME_ORIGIN, to = A): ChannelRecord {
  const ok = 'result' in body;
  const record: ChannelRecord = {
    t: 'channel', seq: 0, time, direction: 'in', peer: 'child', peerUrl: IFRAME_URL, senderOrigin: from, receiverOrigin: to, channel: true,
    type: 'cx-lens-cookie/reply', id, ok, carriesSession: false, data: { type: 'cx-lens-cookie/reply', v: 1, id, ok, ...body } as Copied,
  };
  if (!ok) record.errorCode = (body as { error: { code: string } }).error.code;
  return record;
}

function cookie(name: string, session: string, value = session, expires: number | null = null): CookieFactEntry {
  return { name, length: 40, value, session, expires };
}

function facts(role: 'page' | 'iframe', cookies: CookieFactEntry[], extra: Partial<CookieFactsRecord> = {}): CookieFactsRecord {
  return { t: 'cookie-facts', seq: 0, time: 1, role, url: role === 'page' ? top.url : IFRAME_URL, origin: role === 'page' ? A : IFRAME_ORIGIN, cookies, ...extra };
}

function store(entries: [string, CaptureRecord][]): CookieSyncStore {
  const s = new CookieSyncStore();
  for (const [docId, record] of entries) s.take(docId, record);
  return s;
}

/** A healthy exchange: hello, load (empty), save (saved), both sides holding the same session. */
function healthy(): [string, CaptureRecord][] {
  return [
    ['ifr', facts('iframe', [cookie(`cx-lens-cookie.${NAME}`, 'aaaa1111', 'bbbb0000', 4e12)], { trustedDomains: [A, 'http://127.0.0.1:8780'] })],
    ['ifr', request(100, 'hello', 'h-1')],
    ['top', reply(110, 'h-1', { result: { protocol: 1, trusted: 2 } })],
    ['ifr', request(120, 'load', 'l-1', A, { name: NAME })],
    ['top', reply(135, 'l-1', { result: { found: false, blocked: null } })],
    ['ifr', request(500, 'save', 's-1', A, { name: NAME, value: '<masked 40 chars #bbbb0000>' })],
    ['top', reply(530, 's-1', { result: { saved: true, expires: 4e12 } })],
    ['top', facts('page', [cookie(NAME, 'aaaa1111', 'cccc2222')], { provider: { cookieProvider: true, extension: true, injected: false }, frames: [{ url: IFRAME_URL, origin: IFRAME_ORIGIN }] })],
  ];
}

describe('buildCookieSync', () => {
  it('a healthy tab: in sync, facts filled, requests matched to replies with latency', () => {
    const sync = buildCookieSync(store(healthy()), ctx());
    expect(sync.verdict.state).toBe('in-sync');
    expect(sync.iframeUrl).toBe(IFRAME_URL);
    expect(sync.cookieName).toBe(NAME);
    expect(sync.facts).toMatchObject({
      pageOrigin: A, iframe: { url: IFRAME_URL, loaded: true, trustedDomains: [A, 'http://127.0.0.1:8780'] },
      lastLoad: { at: 135, status: 'empty' }, lastSave: { at: 530, status: 'saved' },
      pageCookie: { present: true, fingerprint: 'aaaa1111', expires: null }, iframeCookie: { present: true, fingerprint: 'aaaa1111', expires: 4e12 },
    });
    const rows = Object.fromEntries(sync.rows.map((r) => [r.key, r.value]));
    expect(rows['page-trusted']).toBe(`yes: ${A}`);
    expect(rows['third-party']).toMatch(/^work/);
    expect(rows.same).toBe('yes (same token; the message index differs)');
    expect(rows.provider).toBe('CookieProvider, initCookieProviderExtension');
    const load = sync.log.find((e) => e.id === 'l-1' && e.seenIn === 'iframe')!;
    const loadReply = sync.log.find((e) => e.id === 'l-1' && e.seenIn === 'page')!;
    expect(load.latency).toBe(15);
    expect(loadReply).toMatchObject({ latency: 15, outcome: 'ok', type: 'reply' });
    expect(sync.violations).toEqual([]);
  });

  it('blocked: the load reply says the browser refused the cookie', () => {
    const entries = healthy().slice(0, 4);
    entries.push(['top', reply(135, 'l-1', { result: { found: false, blocked: 'third-party-cookies' } })]);
    const sync = buildCookieSync(store(entries), ctx());
    expect(sync.verdict.state).toBe('blocked');
    expect(sync.verdict.reason).toMatch(/blocks third-party cookies.*\[::1\]:8780/);
    expect(sync.rows.find((r) => r.key === 'third-party')).toMatchObject({ tone: 'bad' });
  });

  it('late-load: a load that arrived after Widgets looked for the session (its async restore command)', () => {
    const entries = healthy().slice(0, 4);
    entries.push(['top', { t: 'command', seq: 0, time: 125, id: 1, name: 'WebChatService.asyncRestore', commander: 'WebChatService', options: {} }]);
    entries.push(['top', { t: 'command', seq: 0, time: 900, id: 2, name: 'WebChat.open', commander: 'CXBus', options: {} }]);
    entries.push(['top', reply(135, 'l-1', { result: { found: true, value: '<masked 40 chars #bbbb0000>' } })]);
    const sync = buildCookieSync(store(entries), ctx());
    expect(sync.facts.widgetsLookedAt).toBe(125);
    expect(sync.verdict).toMatchObject({ state: 'late-load' });
    expect(sync.verdict.reason).toMatch(/10 ms after Widgets looked/);
  });

  it('untrusted page: verdict, page-not-trusted, lookalike entries and the refused sender', () => {
    const entries: [string, CaptureRecord][] = [
      ['ifr', facts('iframe', [], { trustedDomains: ['http://127.0.0.1:8780', 'https://localhost:8780', 'http://localhost.evil.test:8780'] })],
      ['ifr', request(100, 'hello', 'h-1')],
      ['top', reply(110, 'h-1', { error: { code: 'untrusted-origin', message: 'no' } })],
    ];
    const sync = buildCookieSync(store(entries), ctx());
    expect(sync.verdict.state).toBe('untrusted');
    expect(sync.violations.map((v) => [v.rule, v.subject]).sort()).toEqual([
      ['lookalike-entry', 'http://localhost.evil.test:8780'],
      ['lookalike-entry', 'https://localhost:8780'],
      ['page-not-trusted', A],
      ['untrusted-sender', A],
    ]);
    expect(sync.violations.find((v) => v.rule === 'untrusted-sender')!.refused).toBe(true);
    expect(sync.rows.find((r) => r.key === 'page-trusted')!.value).toBe(`no: ${A}`);
  });

  it('a sender the iframe answered although it is not trusted is an error row', () => {
    const entries: [string, CaptureRecord][] = [
      ['ifr', facts('iframe', [], { trustedDomains: ['http://127.0.0.1:8780'] })],
      ['ifr', request(100, 'load', 'l-9', A, { name: NAME })],
      ['top', reply(110, 'l-9', { result: { found: true, value: '<masked 4 chars #00000000>' } })],
    ];
    const row = buildCookieSync(store(entries), ctx()).violations.find((v) => v.rule === 'untrusted-sender')!;
    expect(row).toMatchObject({ refused: false, severity: 'error' });
  });

  it('a session posted with targetOrigin * is a wildcard-target violation', () => {
    const entries = healthy();
    entries.push(['top', {
      t: 'channel', seq: 0, time: 700, direction: 'out', peer: 'self', senderOrigin: A, receiverOrigin: A, targetOrigin: '*', delivered: true,
      channel: true, type: 'cx-lens-cookie/save', id: 'w-1', carriesSession: true, data: { type: 'cx-lens-cookie/save', value: '<masked>' },
    }]);
    const sync = buildCookieSync(store(entries), ctx());
    expect(sync.violations.map((v) => v.rule)).toEqual(['wildcard-target']);
  });

  it('no iframe, an iframe not loaded, and an injected provider\'s iframe', () => {
    expect(buildCookieSync(new CookieSyncStore(), ctx({ frames: [top] })).verdict.state).toBe('no-iframe');
    const injected = buildCookieSync(new CookieSyncStore(), ctx({ frames: [top], injection: { cookieName: NAME, iframeUrl: IFRAME_URL } }));
    expect(injected.verdict).toMatchObject({ state: 'no-iframe' });
    expect(injected.verdict.reason).toMatch(/has not loaded/);
    expect(injected.rows.find((r) => r.key === 'provider')!.value).toBe('injected by CX Lens');
    // A gone iframe document no longer counts.
    const gone = buildCookieSync(store(healthy()), ctx({ gone: new Set(['ifr']) }));
    expect(gone.facts.iframe).toMatchObject({ url: IFRAME_URL, loaded: true }); // the hello was answered
    expect(gone.facts.iframe!.trustedDomains).toBeUndefined();
  });

  it('out of sync: different sessions on the page and in the iframe', () => {
    const entries = healthy();
    entries.push(['top', facts('page', [cookie(NAME, 'ffff9999')])]);
    const sync = buildCookieSync(store(entries), ctx());
    expect(sync.verdict.state).toBe('out-of-sync');
    expect(sync.rows.find((r) => r.key === 'same')).toMatchObject({ value: 'no: different sessions', tone: 'bad' });
  });

  it('sums the hooks\' gap records of live documents, and keeps the log bounded', () => {
    const s = store(healthy());
    s.take('ifr', { t: 'channel-gap', seq: 0, time: 2000, channel: 10, other: 5, from: 1000, to: 2000, origins: [{ origin: A, count: 15 }] });
    s.take('top', { t: 'channel-gap', seq: 0, time: 3000, channel: 7, other: 0, from: 2500, to: 3000, origins: [{ origin: IFRAME_ORIGIN, count: 7 }] });
    s.take('old', { t: 'channel-gap', seq: 0, time: 3000, channel: 99, other: 0, from: 1, to: 2, origins: [] });
    const sync = buildCookieSync(s, ctx());
    expect(sync.gaps).toEqual({ channel: 17, other: 5, from: 1000, to: 3000, origins: [{ origin: A, count: 15 }, { origin: IFRAME_ORIGIN, count: 7 }] });
    for (let i = 0; i < MAX_CHANNEL_ENTRIES * 2; i++) s.take('top', reply(5000 + i, `x-${i}`, { result: {} }));
    expect(s.channel.length).toBeLessThanOrEqual(MAX_CHANNEL_ENTRIES + (MAX_CHANNEL_ENTRIES >> 4));
    expect(s.channelDropped + s.channel.length).toBe(MAX_CHANNEL_ENTRIES * 2 + 6);
  });

  it('reset empties everything', () => {
    const s = store(healthy());
    s.reset();
    expect(buildCookieSync(s, ctx({ frames: [top] })).verdict.state).toBe('no-iframe');
  });

  it('a TRUSTED_DOMAINS list with a 200,000-deep entry: the facts, rows and violations are still built', () => {
    const entries = healthy();
    entries[0] = ['ifr', facts('iframe', [cookie(`cx-lens-cookie.${NAME}`, 'aaaa1111', 'bbbb0000', 4e12)], { trustedDomains: [A, deepValue('array')] as never })];
    const sync = buildCookieSync(store(entries), ctx());
    const rows = Object.fromEntries(sync.rows.map((r) => [r.key, r.value]));
    expect(rows['page-trusted']).toBe(`yes: ${A}`);
    expect(rows.trusted).toContain(CUT_DEPTH);
    expect(rows.trusted!.length).toBeLessThan(1000);
  });
  it('cookie expiries and times no Date holds (±1e300, NaN, Infinity) are said, not thrown on', () => {
    for (const far of [1e300, -1e300, NaN, Infinity, -Infinity, 8.64e15 + 1]) {
      const entries = healthy();
      entries[0] = ['ifr', { ...facts('iframe', [cookie(`cx-lens-cookie.${NAME}`, 'aaaa1111', 'bbbb0000', far)], { trustedDomains: [A] }), time: far }];
      entries[6] = ['top', { ...reply(530, 's-1', { result: { saved: true, expires: far } }), time: far }];
      const sync = buildCookieSync(store(entries), ctx({ now: far }));
      const rows = Object.fromEntries(sync.rows.map((r) => [r.key, r.value]));
      expect(rows['iframe-cookie']).toBe(`present, 40 chars, #bbbb0000 (session #aaaa1111), expires at ${String(far)} (not a date)`);
      expect(rows['last-save']).toBe('saved at --:--:--.---');
    }
    const ok = buildCookieSync(store(healthy()), ctx());
    expect(Object.fromEntries(ok.rows.map((r) => [r.key, r.value]))['iframe-cookie']).toContain(`expires ${new Date(4e12).toISOString()}`);
  });
});
