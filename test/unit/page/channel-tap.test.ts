import { describe, expect, it } from 'vitest';
import {
  CHANNEL_BURST, ChannelTap, FACTS_DELAY_MS, GAP_REPORT_MS, OTHER_BURST, cookieFacts, sessionFingerprint, trustedStrings, type ChannelEnv,
} from '../../../src/page/channel-tap';
import { fingerprint } from '../../../src/cookie/cookie-values';
import type { ChannelGapRecord, ChannelRecord, CookieFactsRecord } from '../../../src/shared/protocol';
import { FakeClock } from '../fakes/fake-clock';

const PAGE = 'http://localhost:8780';
const IFRAME = 'http://[::1]:8780';
const SECRET = '%7B%22messageIndex%22%3A3%2C%22token%22%3A%22eyJhbGciOi.secret-token%22%7D';

type Emitted = ChannelRecord | ChannelGapRecord | CookieFactsRecord;
/** TRUSTED_DOMAINS behind a getter: the env reports an accessor, never read (channel-hook.ts). */
const ACCESSOR = Symbol('accessor');

/** A window-like world: this frame, its parent, one child iframe, cookies, TRUSTED_DOMAINS. */
function world(options: { top?: boolean; origin?: string; trusted?: unknown; cookie?: string; provider?: boolean } = {}) {
  const clock = new FakeClock();
  const self = { name: 'self' };
  const parent = { name: 'parent' };
  const child = { name: 'child' };
  const emitted: Emitted[] = [];
  const state = { cookie: options.cookie ?? '', trusted: options.trusted, provider: options.provider ?? false };
  const env: ChannelEnv = {
    now: clock.now,
    setTimer: clock.setTimer,
    self,
    parent: options.top === false ? parent : null,
    origin: options.origin ?? PAGE,
    url: () => `${options.origin ?? PAGE}/page.html`,
    emit: (record) => emitted.push(JSON.parse(JSON.stringify(record))),
    childFrameUrl: (win) => (win === child ? `${IFRAME}/cx-lens/iframe.html` : null),
    trustedDomains: () => (state.trusted === undefined ? { declared: false } : state.trusted === ACCESSOR ? { declared: true, accessor: true } : { declared: true, value: state.trusted }),
    providerGlobals: () => ({ cookieProvider: state.provider, extension: state.provider, injected: false }),
    iframeUrls: () => [`${IFRAME}/cx-lens/iframe.html`],
    cookieString: () => state.cookie,
    cookieExpiries: (done) => {
      void Promise.resolve().then(() => done(new Map([['sess', null], ['cx-lens-cookie.sess', 4_000_000_000_000]])));
    },
  };
  const tap = new ChannelTap(env);
  const of = <T extends Emitted['t']>(t: T) => emitted.filter((r): r is Extract<Emitted, { t: T }> => r.t === t);
  /** Runs due timers and lets the facts' promise settle. */
  const settle = async (ms = FACTS_DELAY_MS) => {
    clock.advance(ms);
    await new Promise((r) => setTimeout(r, 0));
  };
  return { clock, self, parent, child, emitted, state, tap, of, settle };
}

describe('channel tap: what it records', () => {
  it('records channel messages and cross-origin messages, with who sent them; skips the rest', () => {
    const w = world();
    w.tap.onMessage({ data: { type: 'cx-lens-cookie/reply', v: 1, id: 'a-1', ok: true, result: { protocol: 1, trusted: 2 } }, origin: IFRAME, source: w.child });
    w.tap.onMessage({ data: { hello: 'ads' }, origin: 'https://ads.example', source: { other: true } });
    w.tap.onMessage({ data: { mine: 1 }, origin: PAGE, source: w.self }); // same-origin, not channel: out of scope
    w.tap.onMessage({ data: { source: 'cx-lens-page', v: 1, type: 'batch', records: [] }, origin: PAGE, source: w.self }); // our own batches
    w.tap.onMessage({ data: { type: 'cx-lens-cookie/load', v: 1, id: 'x', name: 's' }, origin: 'https://evil', source: null, isTrusted: false }); // forged event
    const records = w.of('channel');
    expect(records.map((r) => [r.direction, r.peer, r.senderOrigin, r.channel, r.type ?? null])).toEqual([
      ['in', 'child', IFRAME, true, 'cx-lens-cookie/reply'],
      ['in', 'other', 'https://ads.example', false, null],
    ]);
    expect(records[0]).toMatchObject({ id: 'a-1', ok: true, peerUrl: `${IFRAME}/cx-lens/iframe.html`, receiverOrigin: PAGE, carriesSession: false });
    expect(records[1]!.data).toEqual({ hello: 'ads' });
  });

  it("never reads the data of a window's posts to itself (CX Lens's own batches): its getter copies the payload", () => {
    const w = world();
    let reads = 0;
    const event = { origin: PAGE, source: w.self, get data() { reads++; return { type: 'cx-lens-cookie/load', v: 1, id: 'x', name: 's' }; } };
    w.tap.onMessage(event);
    expect(reads).toBe(0);
    expect(w.of('channel')).toEqual([]);
  });

  it('names the parent and error replies', () => {
    const w = world({ top: false, origin: IFRAME });
    w.tap.onMessage({ data: { type: 'cx-lens-cookie/load', v: 1, id: 'r-1', name: 'sess' }, origin: 'http://127.0.0.2:8780', source: w.parent });
    w.tap.onMessage({ data: { type: 'cx-lens-cookie/reply', v: 1, id: 'r-1', ok: false, error: { code: 'untrusted-origin', message: 'no' } }, origin: PAGE, source: w.child });
    const [request, reply] = w.of('channel');
    expect(request).toMatchObject({ peer: 'parent', senderOrigin: 'http://127.0.0.2:8780', type: 'cx-lens-cookie/load', id: 'r-1', data: { name: 'sess' } });
    expect(reply).toMatchObject({ ok: false, errorCode: 'untrusted-origin' });
  });

  it('masks cookie values: never a value in what it emits', () => {
    const w = world({ top: false, origin: IFRAME });
    w.tap.onMessage({ data: { type: 'cx-lens-cookie/save', v: 1, id: 's-1', name: 'sess', value: SECRET }, origin: PAGE, source: w.parent });
    w.tap.onMessage({ data: { type: 'cx-lens-cookie/reply', v: 1, id: 'l-1', ok: true, result: { found: true, value: SECRET } }, origin: PAGE, source: w.child });
    w.tap.onMessage({ data: { type: 'cx-lens-cookie/save', v: 1, id: 's-2', name: 'sess', value: { nested: SECRET } }, origin: PAGE, source: w.parent });
    const json = JSON.stringify(w.emitted);
    expect(json).not.toContain('secret-token');
    const [save, reply, odd] = w.of('channel');
    expect(save!.carriesSession).toBe(true);
    expect((save!.data as { value: string }).value).toBe(`<masked ${SECRET.length} chars #${fingerprint(SECRET)}>`);
    expect(reply!.carriesSession).toBe(true);
    expect((odd!.data as { value: string }).value).toBe('<masked>');
  });

  it('records channel posts on this window with their target origin, and whether the browser delivers them', () => {
    const w = world();
    w.tap.onPost({ type: 'cx-lens-cookie/save', v: 1, id: 'p-1', name: 'sess', value: SECRET }, '*');
    w.tap.onPost({ type: 'cx-lens-cookie/hello', v: 1, id: 'p-2' }, { targetOrigin: 'https://elsewhere.example' });
    w.tap.onPost({ type: 'cx-lens-cookie/hello', v: 1, id: 'p-3' }, undefined);
    w.tap.onPost({ not: 'channel' }, '*');
    const posts = w.of('channel');
    expect(posts.map((r) => [r.direction, r.peer, r.targetOrigin, r.delivered, r.carriesSession])).toEqual([
      ['out', 'self', '*', true, true],
      ['out', 'self', 'https://elsewhere.example', false, false],
      ['out', 'self', '/', true, false],
    ]);
    expect(JSON.stringify(posts)).not.toContain('secret-token');
  });

  it("reads a post's message and options without running their getters", () => {
    const w = world();
    let calls = 0;
    const message = { type: 'cx-lens-cookie/hello', v: 1, id: 'g-1', get extra() { return ++calls; } };
    const options = { get targetOrigin() { calls++; return '*'; } };
    w.tap.onPost(message, options);
    w.tap.onPost({ get type() { calls++; return 'cx-lens-cookie/hello'; } }, '*');
    expect(calls).toBe(0);
    const [post] = w.of('channel');
    expect(post).toMatchObject({ id: 'g-1', targetOrigin: '/', data: { extra: null } }); // an accessor: not read
    expect(w.of('channel')).toHaveLength(1);
  });

  it('never throws, whatever the message', () => {
    const w = world();
    const hostile = new Proxy({}, { get() { throw new Error('trap'); }, has() { throw new Error('trap'); } });
    expect(() => w.tap.onMessage({ data: hostile, origin: IFRAME, source: w.child })).not.toThrow();
    expect(() => w.tap.onPost(hostile, hostile)).not.toThrow();
    expect(() => w.tap.onMessage(null as never)).not.toThrow();
    const huge = 'y'.repeat(5_000_000);
    w.tap.onMessage({ data: huge, origin: IFRAME, source: w.child });
    const last = w.of('channel').at(-1)!;
    expect(last.data).toMatchObject({ $cx: 'string', length: 5_000_000 });
  });
});

describe('channel tap: a flood', () => {
  it('records up to the burst per kind and counts every other message in one gap record', () => {
    const w = world();
    const N = 10_000;
    for (let i = 0; i < N; i++) {
      w.tap.onMessage({ data: { junk: i }, origin: 'https://evil.example', source: w.child });
      w.tap.onMessage({ data: { type: 'cx-lens-cookie/reply', v: 1, id: `f-${i}`, ok: true, result: {} }, origin: IFRAME, source: w.child });
    }
    const recorded = w.of('channel');
    expect(recorded.filter((r) => r.channel)).toHaveLength(CHANNEL_BURST);
    expect(recorded.filter((r) => !r.channel)).toHaveLength(OTHER_BURST);
    expect(w.of('channel-gap')).toHaveLength(0); // reported later, once
    w.clock.advance(GAP_REPORT_MS);
    const [gap] = w.of('channel-gap');
    expect(gap).toMatchObject({ channel: N - CHANNEL_BURST, other: N - OTHER_BURST });
    // Most frequent first.
    expect(gap!.origins).toEqual([{ origin: 'https://evil.example', count: N - OTHER_BURST }, { origin: IFRAME, count: N - CHANNEL_BURST }]);
    expect(recorded.length + gap!.channel + gap!.other).toBe(2 * N);
  });

  it('records again once the budget refills', () => {
    const w = world();
    for (let i = 0; i < CHANNEL_BURST + 5; i++) w.tap.onPost({ type: 'cx-lens-cookie/hello', v: 1, id: `h-${i}` }, PAGE);
    w.clock.advance(2000);
    w.tap.onPost({ type: 'cx-lens-cookie/hello', v: 1, id: 'after' }, PAGE);
    expect(w.of('channel').at(-1)!.id).toBe('after');
    expect(w.of('channel-gap')[0]!.channel).toBe(5);
  });
});

describe('channel tap: a frame without cookie sync', () => {
  it('sets no timer at DOMContentLoaded, load or a cookie change', () => {
    const w = world();
    w.tap.refresh();
    w.tap.refresh();
    expect(w.clock.pendingTimers).toBe(0);
    expect(w.emitted).toEqual([]);
  });
});

describe('channel tap: cookie facts', () => {
  it('in the iframe: TRUSTED_DOMAINS as strings and cookie fingerprints, never values', async () => {
    const w = world({ top: false, origin: IFRAME, trusted: ['http://localhost:8780', 42], cookie: `cx-lens-cookie.sess=${SECRET}; other=1` });
    w.tap.refresh();
    await w.settle();
    const [facts] = w.of('cookie-facts');
    expect(facts).toMatchObject({ role: 'iframe', origin: IFRAME, trustedDomains: ['http://localhost:8780', '42'] });
    expect(facts!.cookies).toEqual([
      { name: 'cx-lens-cookie.sess', length: SECRET.length, value: fingerprint(SECRET), session: fingerprint('eyJhbGciOi.secret-token'), expires: 4_000_000_000_000 },
      { name: 'other', length: 1, value: fingerprint('1'), session: fingerprint('1') },
    ]);
    expect(JSON.stringify(w.emitted)).not.toContain('secret-token');
    // Unchanged facts are not sent again; a change is.
    w.tap.refresh();
    await w.settle();
    expect(w.of('cookie-facts')).toHaveLength(1);
    w.state.cookie = '';
    w.tap.refresh();
    await w.settle();
    expect(w.of('cookie-facts').at(-1)!.cookies).toEqual([]);
  });

  it('TRUSTED_DOMAINS behind a getter: the iframe reports an accessor; entries behind getters or objects are not run', async () => {
    const w = world({ top: false, origin: IFRAME, trusted: ACCESSOR });
    w.tap.refresh();
    await w.settle();
    expect(w.of('cookie-facts')[0]).toMatchObject({ role: 'iframe', trustedDomains: 'accessor' });
    let ran = 0;
    const list: unknown[] = ['https://a.example', { toString: () => (ran++, 'https://b.example') }];
    Object.defineProperty(list, 2, { enumerable: true, get: () => (ran++, 'https://c.example') });
    const slice = Array.prototype.slice;
    Array.prototype.slice = () => { throw new Error('slice replaced'); };
    try {
      expect(trustedStrings(list)).toEqual(['https://a.example', '[unnamed]', 'accessor']);
    } finally {
      Array.prototype.slice = slice;
    }
    expect(ran).toBe(0);
  });

  it('an iframe without TRUSTED_DOMAINS becomes one when its parent sends it a request', async () => {
    const w = world({ top: false, origin: IFRAME });
    w.tap.refresh();
    await w.settle();
    expect(w.of('cookie-facts')).toHaveLength(0); // no role yet: nothing sent
    w.tap.onMessage({ data: { type: 'cx-lens-cookie/hello', v: 1, id: 'h-1' }, origin: PAGE, source: w.parent });
    await w.settle();
    expect(w.of('cookie-facts')[0]).toMatchObject({ role: 'iframe', trustedDomains: null });
  });

  it('in the page: provider globals, its iframes and its cookies, after a reply from a child', async () => {
    const w = world({ cookie: `sess=${SECRET}` });
    w.tap.onMessage({ data: { type: 'cx-lens-cookie/reply', v: 1, id: 'l-1', ok: true, result: { found: false, blocked: null } }, origin: IFRAME, source: w.child });
    await w.settle();
    const [facts] = w.of('cookie-facts');
    expect(facts).toMatchObject({
      role: 'page', provider: { cookieProvider: false, extension: false, injected: false },
      frames: [{ url: `${IFRAME}/cx-lens/iframe.html`, origin: IFRAME }],
    });
    expect(facts!.cookies[0]).toMatchObject({ name: 'sess', expires: null });
  });

  it('the session fingerprint follows the token, not the message index', () => {
    const a = encodeURIComponent(JSON.stringify({ messageIndex: 1, token: 'T1' }));
    const b = encodeURIComponent(JSON.stringify({ messageIndex: 9, token: 'T1' }));
    const c = JSON.stringify({ messageIndex: 9, token: 'T2' });
    expect(sessionFingerprint(a)).toBe(sessionFingerprint(b));
    expect(sessionFingerprint(a)).toBe(fingerprint('T1'));
    expect(sessionFingerprint(c)).toBe(fingerprint('T2'));
    expect(sessionFingerprint('%E0%A4%A')).toBe(fingerprint('%E0%A4%A')); // not decodable: the raw value
    expect(sessionFingerprint('plain')).toBe(fingerprint('plain'));
  });

  it('caps the cookies it reports and counts the rest', () => {
    const cookie = Array.from({ length: 70 }, (_, i) => `c${i}=${i}`).join('; ');
    const { entries, leftOut } = cookieFacts(cookie, null);
    expect(entries).toHaveLength(50);
    expect(leftOut).toBe(20);
    expect(entries[0]).not.toHaveProperty('expires');
  });
});
