// The Cookie sync verdict and violations as findings, driven through the real models: the hooks'
// channel records and cookie facts of the page and of the cookie iframe.
import { describe, expect, it } from 'vitest';
import type { CaptureRecord, ChannelRecord, CookieFactEntry, CookieFactsRecord, Copied } from '../../../../../src/shared/protocol';
import { T0, childFrame, cmd, pageMade, tab, topFrame } from '../helpers';

const A = 'http://localhost:8780';
const IFRAME_ORIGIN = 'http://[::1]:8780';
const IFRAME_URL = `${IFRAME_ORIGIN}/cx-lens/iframe.html`;
const NAME = 'sess';

function cookieTab() {
  return tab([topFrame('top', `${A}/xdomain.html`), childFrame('ifr', IFRAME_URL)]);
}

function request(at: number, op: string, id: string, from = A, fields: object = {}): ChannelRecord {
  return {
    t: 'channel', seq: 0, time: T0 + at, direction: 'in', peer: 'parent', senderOrigin: from, receiverOrigin: IFRAME_ORIGIN, channel: true,
    type: `cx-lens-cookie/${op}`, id, carriesSession: op === 'save', data: { type: `cx-lens-cookie/${op}`, v: 1, id, ...fields } as Copied,
  };
}

function reply(at: number, id: string, body: { result: object } | { error: { code: string; message: string } }): ChannelRecord {
  const ok = 'result' in body;
  const record: ChannelRecord = {
    t: 'channel', seq: 0, time: T0 + at, direction: 'in', peer: 'child', peerUrl: IFRAME_URL, senderOrigin: IFRAME_ORIGIN, receiverOrigin: A, channel: true,
    type: 'cx-lens-cookie/reply', id, ok, carriesSession: false, data: { type: 'cx-lens-cookie/reply', v: 1, id, ok, ...body } as Copied,
  };
  if (!ok) record.errorCode = (body as { error: { code: string } }).error.code;
  return record;
}

const cookie = (name: string, session: string, value = session): CookieFactEntry => ({ name, length: 40, value, session, expires: null });

function facts(role: 'page' | 'iframe', cookies: CookieFactEntry[], extra: Partial<CookieFactsRecord> = {}): CookieFactsRecord {
  return { t: 'cookie-facts', seq: 0, time: T0, role, url: role === 'page' ? `${A}/xdomain.html` : IFRAME_URL, origin: role === 'page' ? A : IFRAME_ORIGIN, cookies, ...extra };
}

/** hello, load (empty), save (saved), both sides holding the same session. */
function healthy(t: ReturnType<typeof cookieTab>, trusted: unknown[] = [A, 'http://127.0.0.1:8780']) {
  t.feedTo('ifr', facts('iframe', [cookie(`cx-lens-cookie.${NAME}`, 'aaaa1111', 'bbbb0000')], { trustedDomains: trusted as string[] }), request(100, 'hello', 'h-1'));
  t.feedTo('top', reply(110, 'h-1', { result: { protocol: 1, trusted: 2 } }));
  t.feedTo('ifr', request(120, 'load', 'l-1', A, { name: NAME }));
  t.feedTo('top', reply(135, 'l-1', { result: { found: false, blocked: null } }));
  t.feedTo('ifr', request(500, 'save', 's-1', A, { name: NAME, value: '<masked 40 chars #bbbb0000>' }));
  t.feedTo('top', reply(530, 's-1', { result: { saved: true, expires: 4e12 } }),
    facts('page', [cookie(NAME, 'aaaa1111', 'cccc2222')], { provider: { cookieProvider: true, extension: true, injected: false } }));
}

const rules = (t: ReturnType<typeof cookieTab>) => t.rules(T0 + 10_000);

describe('a healthy cross-domain chat', () => {
  it('draws no finding', () => {
    const t = cookieTab();
    healthy(t);
    expect(rules(t)).toEqual([]);
  });
});

describe('third-party-cookies-blocked', () => {
  it('fires on a load reply that says the browser refused the cookie, linking the reply', () => {
    const t = cookieTab();
    t.feedTo('ifr', facts('iframe', [], { trustedDomains: [A] }), request(120, 'load', 'l-1', A, { name: NAME }));
    t.feedTo('top', reply(135, 'l-1', { result: { found: false, blocked: 'third-party-cookies' } }));
    const f = t.one('third-party-cookies-blocked', T0 + 10_000);
    expect(f.severity).toBe('error');
    expect(f.why).toMatch(/third-party cookies/);
    expect(f.evidence).toEqual([expect.objectContaining({ tab: 'cookies', time: T0 + 135 })]);
    expect(t.models.cookies.channel.some(({ docId, record }) => f.evidence[0]!.key === `${docId}:${record.seq}:${record.time}`)).toBe(true);
  });
  it('is silent when the load worked', () => {
    const t = cookieTab();
    healthy(t);
    expect(rules(t)).not.toContain('third-party-cookies-blocked');
  });
});

describe('page-origin-untrusted, lookalike-entry, untrusted-sender', () => {
  function untrusted(t: ReturnType<typeof cookieTab>) {
    t.feedTo('ifr', facts('iframe', [], { trustedDomains: ['http://127.0.0.1:8780', 'https://localhost:8780', 'http://localhost.evil.test:8780'] }), request(100, 'hello', 'h-1'));
    t.feedTo('top', reply(110, 'h-1', { error: { code: 'untrusted-origin', message: 'no' } }));
  }
  it('the page missing from TRUSTED_DOMAINS is one finding with a corrected list; look-alikes are their own', () => {
    const t = cookieTab();
    untrusted(t);
    const f = t.one('page-origin-untrusted', T0 + 10_000);
    expect(f.severity).toBe('error');
    expect(f.evidence.map((e) => e.key)).toContain(`violation:page-not-trusted ${A}`);
    expect(f.fix.snippet).toContain(`"${A}"`);
    expect(f.fix.snippet).toContain('"http://127.0.0.1:8780"');
    const lookalikes = t.findings().filter((x) => x.rule === 'lookalike-entry');
    expect(lookalikes.map((x) => x.key).sort()).toEqual(['lookalike-entry:http://localhost.evil.test:8780', 'lookalike-entry:https://localhost:8780']);
    expect(lookalikes[0]!.evidence[0]!.key).toMatch(/^violation:lookalike-entry /);
    // The page's own refused requests are the same problem, not a second finding.
    expect(t.rules()).not.toContain('untrusted-sender');
  });
  it('an untrusted sender the iframe answered is an error', () => {
    const t = cookieTab();
    t.feedTo('ifr', facts('iframe', [], { trustedDomains: [A] }), request(100, 'load', 'l-9', 'https://evil.example', { name: NAME }));
    t.feedTo('top', reply(110, 'l-9', { result: { found: true, value: '<masked 4 chars #00000000>' } }));
    const f = t.one('untrusted-sender', T0 + 10_000);
    expect(f.key).toBe('untrusted-sender:https://evil.example');
  });
  it('are silent when the page is trusted and every entry is exact', () => {
    const t = cookieTab();
    healthy(t);
    const found = rules(t);
    for (const rule of ['page-origin-untrusted', 'lookalike-entry', 'untrusted-sender']) expect(found).not.toContain(rule);
  });
});

describe('wildcard-target', () => {
  const wildcard = (): CaptureRecord => ({
    t: 'channel', seq: 0, time: T0 + 700, direction: 'out', peer: 'self', senderOrigin: A, receiverOrigin: A, targetOrigin: '*', delivered: true,
    channel: true, type: 'cx-lens-cookie/save', id: 'w-1', carriesSession: true, data: { type: 'cx-lens-cookie/save', value: '<masked>' },
  });
  it('fires on a session posted to "*"', () => {
    const t = cookieTab();
    healthy(t);
    t.feedTo('top', wildcard());
    const f = t.one('wildcard-target', T0 + 10_000);
    expect(f.severity).toBe('error');
    expect(f.evidence[0]).toMatchObject({ tab: 'cookies', key: `violation:wildcard-target ${A}`, time: T0 + 700 });
  });
  it('is silent when the post named its target, and when the page made the record', () => {
    const t = cookieTab();
    healthy(t);
    t.feedTo('top', pageMade(wildcard()));
    expect(rules(t)).toEqual([]);
  });
});

describe('late-load', () => {
  it('fires when the session arrived after Widgets looked for it', () => {
    const t = cookieTab();
    t.feedTo('ifr', facts('iframe', [], { trustedDomains: [A] }), request(120, 'load', 'l-1', A, { name: NAME }));
    t.feedTo('top', cmd(125, 1, 'WebChatService.asyncRestore', 'WebChatService'), reply(135, 'l-1', { result: { found: true, value: '<masked 40 chars #bbbb0000>' } }));
    const f = t.one('late-load', T0 + 10_000);
    expect(f.why).toMatch(/10 ms after Widgets looked/);
    expect(f.fix.snippet).toContain('loadCookie');
  });
  it('is silent when the session came first', () => {
    const t = cookieTab();
    t.feedTo('ifr', facts('iframe', [], { trustedDomains: [A] }), request(120, 'load', 'l-1', A, { name: NAME }));
    t.feedTo('top', reply(135, 'l-1', { result: { found: true, value: '<masked 40 chars #bbbb0000>' } }), cmd(300, 1, 'WebChatService.asyncRestore', 'WebChatService'));
    expect(rules(t)).not.toContain('late-load');
  });
});

describe('out-of-sync', () => {
  it('fires when the page and the iframe hold different sessions', () => {
    const t = cookieTab();
    healthy(t);
    t.feedTo('top', facts('page', [cookie(NAME, 'ffff9999')]));
    expect(t.one('out-of-sync', T0 + 10_000).severity).toBe('warning');
  });
  it('is silent when they hold the same one', () => {
    const t = cookieTab();
    healthy(t);
    expect(rules(t)).not.toContain('out-of-sync');
  });
});

describe('cookie-iframe-not-loaded, invalid-trusted-entry', () => {
  it('an iframe the panel injected that never loaded', () => {
    const t = tab([topFrame('top', `${A}/xdomain.html`)]);
    t.models.injection.report({ type: 'injection', settings: { 'cookie-provider': { cookieName: NAME, iframeUrl: IFRAME_URL } } });
    expect(t.one('cookie-iframe-not-loaded', T0 + 1000).severity).toBe('error');
  });
  it('a cookie provider whose iframe element never spoke, once the grace has passed', () => {
    const missing = 'http://[::1]:1/cx-lens/iframe.html';
    const t = tab([topFrame('top', `${A}/xdomain.html`)]);
    t.feedTo('top', facts('page', [], { provider: { cookieProvider: true, extension: true, injected: false }, frames: [{ url: missing, origin: 'http://[::1]:1' }] }));
    expect(rules(t)).toContain('cookie-iframe-not-loaded');
    expect(t.one('cookie-iframe-not-loaded', T0 + 10_000).key).toBe(`cookie-iframe-not-loaded:${missing}`);
    // Still within the load grace (the page was seen at T0 - 1000): no finding yet.
    expect(t.rules(T0 + 1000)).not.toContain('cookie-iframe-not-loaded');
  });
  it('an iframe element that loaded (its frame reports) is no finding', () => {
    const t = cookieTab();
    healthy(t);
    t.feedTo('top', facts('page', [], { provider: { cookieProvider: true, extension: true, injected: false }, frames: [{ url: IFRAME_URL, origin: IFRAME_ORIGIN }] }));
    expect(rules(t)).not.toContain('cookie-iframe-not-loaded');
  });
  it('no iframe at all is no finding', () => {
    const t = tab([topFrame('top', `${A}/xdomain.html`)]);
    expect(t.rules(T0 + 1000)).toEqual([]);
  });
  it('an entry that is no origin', () => {
    const t = cookieTab();
    healthy(t, [A, 'http://127.0.0.1:8780', '*.example.com']);
    const f = t.one('invalid-trusted-entry', T0 + 10_000);
    expect(f.key).toBe('invalid-trusted-entry:*.example.com');
    expect(f.fix.snippet).not.toContain('*.example.com');
  });
  it('exact entries only: no invalid-entry finding', () => {
    const t = cookieTab();
    healthy(t, [A, 'https://www.example.com']);
    expect(rules(t)).not.toContain('invalid-trusted-entry');
  });
});
