import { describe, expect, it } from 'vitest';
import { buildCookieSync, CookieSyncStore, type LogEntry } from '../../../../src/analysis/cookies/cookie-sync';
import { ARROW_CAP, HEADER_H, LANE_CAP, ROW_H, layoutSequence, type SequenceInput } from '../../../../src/analysis/cookies/sequence-model';
import type { Violation } from '../../../../src/analysis/cookies/violations';
import type { CaptureRecord, ChannelRecord, Copied, FrameInfo } from '../../../../src/shared/protocol';

const A = 'http://localhost:8780';
const IFRAME_ORIGIN = 'http://[::1]:8780';
const IFRAME_URL = `${IFRAME_ORIGIN}/cx-lens/iframe.html`;
const EVIL = 'http://127.0.0.2:8780';

const top: FrameInfo = { docId: 'top', frameId: 0, url: `${A}/xdomain.html`, origin: A, top: true, seenAt: 1 };
const iframe: FrameInfo = { docId: 'ifr', frameId: 3, url: IFRAME_URL, origin: IFRAME_ORIGIN, top: false, seenAt: 2 };

function request(time: number, op: string, id: string, from = A): ChannelRecord {
  return {
    t: 'channel', seq: 0, time, direction: 'in', peer: 'parent', senderOrigin: from, receiverOrigin: IFRAME_ORIGIN, channel: true,
    type: `cx-lens-cookie/${op}`, id, carriesSession: op === 'save', data: { type: `cx-lens-cookie/${op}`, v: 1, id, value: op === 'save' ? 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.sig' : null },
  };
}
function reply(time: number, id: string, ok: boolean, to = A): ChannelRecord {
  const record: ChannelRecord = {
    t: 'channel', seq: 0, time, direction: 'in', peer: 'child', peerUrl: IFRAME_URL, senderOrigin: IFRAME_ORIGIN, receiverOrigin: to, channel: true,
    type: 'cx-lens-cookie/reply', id, ok, carriesSession: false,
    data: (ok ? { type: 'cx-lens-cookie/reply', id, ok, result: { found: false, blocked: null } } : { type: 'cx-lens-cookie/reply', id, ok, error: { code: 'untrusted-origin' } }) as Copied,
  };
  if (!ok) record.errorCode = 'untrusted-origin';
  return record;
}
function sync(entries: [string, CaptureRecord][], trustedDomains: unknown = [A]) {
  const store = new CookieSyncStore();
  store.take('ifr', { t: 'cookie-facts', seq: 0, time: 1, role: 'iframe', url: IFRAME_URL, origin: IFRAME_ORIGIN, cookies: [], trustedDomains: trustedDomains as string[] });
  entries.forEach(([docId, record], i) => store.take(docId, { ...record, seq: i + 1 }));
  return buildCookieSync(store, { frames: [top, iframe], gone: new Set(), now: 10_000 });
}
function input(s: ReturnType<typeof sync>, extra: Partial<SequenceInput> = {}): SequenceInput {
  return { log: s.log, violations: s.violations, pageOrigin: s.facts.pageOrigin, iframeOrigin: IFRAME_ORIGIN, width: 800, gaps: s.gaps, dropped: s.logDropped, ...extra };
}
const entry = (i: number, from: string, to: string, type = 'load', extra: Partial<LogEntry> = {}): LogEntry => ({
  key: `k${i}`, time: 1000 + i, seenIn: 'iframe', direction: 'in', from, to, channel: true, type, carriesSession: false, data: null, ...extra,
});

describe('layoutSequence: lanes', () => {
  it('a healthy channel: the page and the cookie iframe, one arrow per message with its type and latency', () => {
    const s = sync([['ifr', request(100, 'hello', 'h-1')], ['top', reply(112, 'h-1', true)], ['ifr', request(120, 'load', 'l-1')], ['top', reply(155, 'l-1', true)]]);
    const layout = layoutSequence(input(s));
    expect(layout.lanes.map((l) => [l.role, l.origin, l.tone])).toEqual([['page', A, 'normal'], ['iframe', IFRAME_ORIGIN, 'normal']]);
    expect(layout.lanes[0]!.x).toBeLessThan(layout.lanes[1]!.x);
    expect(layout.arrows.map((a) => [a.type, a.from, a.to, a.tone, a.label])).toEqual([
      ['hello', A, IFRAME_ORIGIN, 'normal', 'hello · 12 ms'],
      ['reply', IFRAME_ORIGIN, A, 'normal', 'reply · 12 ms'],
      ['load', A, IFRAME_ORIGIN, 'normal', 'load · 35 ms'],
      ['reply', IFRAME_ORIGIN, A, 'normal', 'reply · 35 ms'],
    ]);
    const [hello, helloReply] = layout.arrows;
    expect(hello!.x1).toBe(layout.lanes[0]!.x);
    expect(hello!.x2).toBe(layout.lanes[1]!.x);
    expect(helloReply!.x1).toBe(layout.lanes[1]!.x);
    expect(helloReply!.y - hello!.y).toBe(ROW_H);
    expect(hello!.latencyMs).toBe(12);
    expect(hello!.reveal).toEqual({ tab: 'cookies', key: s.log[0]!.key });
    expect(hello!.title).toContain('answered after 12 ms');
    expect(layout.note).toBeNull();
    expect(layout.drawn).toBe(4);
  });

  it('the untrusted page: its lane and its refused requests and their replies in the error tone, linked to the violation', () => {
    const s = sync([['ifr', request(100, 'hello', 'h-1')], ['top', reply(110, 'h-1', false)]], ['http://127.0.0.1:8780']);
    const layout = layoutSequence(input(s));
    const pageLane = layout.lanes.find((l) => l.role === 'page')!;
    expect(pageLane.tone).toBe('error');
    expect(pageLane.reveal?.key).toMatch(/^violation:/);
    expect(layout.lanes.find((l) => l.role === 'iframe')!.tone).toBe('normal');
    expect(layout.arrows.map((a) => [a.type, a.tone, a.problem])).toEqual([
      ['hello', 'error', 'refused: untrusted-origin'],
      ['reply', 'error', 'refused: untrusted-origin'],
    ]);
  });

  it('a third origin that spoke gets its own lane, in the error tone; its messages are violations', () => {
    const s = sync([['ifr', request(100, 'load', 'e-1', EVIL)], ['ifr', request(120, 'load', 'l-1')]]);
    const layout = layoutSequence(input(s));
    expect(layout.lanes.map((l) => [l.role, l.origin, l.tone])).toEqual([['page', A, 'normal'], ['iframe', IFRAME_ORIGIN, 'normal'], ['other', EVIL, 'error']]);
    const [evil, own] = layout.arrows;
    expect(evil).toMatchObject({ from: EVIL, to: IFRAME_ORIGIN, tone: 'error', problem: `violation: untrusted-sender (${EVIL})` });
    expect(evil!.x1).toBe(layout.lanes[2]!.x);
    expect(own!.tone).toBe('normal');
  });

  it('a session posted to "*" is violating; tooltips mask the payload', () => {
    const posted = entry(1, A, A, 'save', { direction: 'out', seenIn: 'page', targetOrigin: '*', carriesSession: true, data: { value: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.sig' } });
    const wildcard: Violation = { rule: 'wildcard-target', severity: 'error', key: `wildcard-target ${A}`, subject: A, message: 'sent to *', count: 1 };
    const layout = layoutSequence({ log: [posted], violations: [wildcard], pageOrigin: A, iframeOrigin: IFRAME_ORIGIN, width: 600 });
    expect(layout.arrows[0]).toMatchObject({ self: true, tone: 'error', problem: expect.stringContaining('wildcard-target') });
    expect(layout.arrows[0]!.title).not.toContain('eyJhbGciOiJIUzI1NiJ9');
    expect(layout.arrows[0]!.title).toContain('(masked)');
  });

  it('a send and its receipt are one arrow, from the sender to the receiver, linked to the receipt', () => {
    const sent = entry(1, IFRAME_ORIGIN, IFRAME_ORIGIN, 'reply', { direction: 'out', seenIn: 'iframe', id: 'x', targetOrigin: A });
    const received = entry(2, IFRAME_ORIGIN, A, 'reply', { seenIn: 'page', id: 'x', latency: 9, outcome: 'ok' });
    const layout = layoutSequence({ log: [sent, received], violations: [], pageOrigin: A, iframeOrigin: IFRAME_ORIGIN, width: 600 });
    expect(layout.arrows).toHaveLength(1);
    expect(layout.arrows[0]).toMatchObject({ from: IFRAME_ORIGIN, to: A, self: false, reveal: { tab: 'cookies', key: 'k2' }, label: 'reply · 9 ms' });
  });

  it('not-channel messages are muted; a narrow panel keeps a lane gap and scrolls', () => {
    const layout = layoutSequence({ log: [entry(1, EVIL, A, '(not channel)', { channel: false })], violations: [], pageOrigin: A, iframeOrigin: IFRAME_ORIGIN, width: 200 });
    expect(layout.arrows[0]!.tone).toBe('muted');
    expect(layout.lanes).toHaveLength(3);
    expect(layout.width).toBeGreaterThanOrEqual(3 * 150);
  });

  it('at most LANE_CAP lanes: the rest share one', () => {
    const log = Array.from({ length: 10 }, (_, i) => entry(i, `http://o${i}.test`, IFRAME_ORIGIN, 'load'));
    const layout = layoutSequence({ log, violations: [], pageOrigin: A, iframeOrigin: IFRAME_ORIGIN, width: 900 });
    expect(layout.lanes).toHaveLength(LANE_CAP);
    expect(layout.lanes.at(-1)).toMatchObject({ role: 'others', origin: '7 origins', messages: 7 });
    expect(layout.note).toContain('7 origins share the last lane');
  });
});

describe('layoutSequence: large logs', () => {
  it('100,000 messages: repeats collapse, the oldest are summed, the output stays bounded and the picture says so', () => {
    const log: LogEntry[] = [];
    for (let i = 0; i < 100_000; i++) {
      const evil = i % 7 === 3;
      log.push(entry(i, evil ? EVIL : i % 2 ? IFRAME_ORIGIN : A, evil || i % 2 === 0 ? IFRAME_ORIGIN : A, i % 2 ? 'reply' : 'load', { id: `id-${i}`, latency: i % 50 }));
    }
    const violations: Violation[] = [{ rule: 'untrusted-sender', severity: 'warning', key: `untrusted-sender ${EVIL}`, subject: EVIL, message: 'evil', count: 1 }];
    const layout = layoutSequence({ log, violations, pageOrigin: A, iframeOrigin: IFRAME_ORIGIN, width: 900, gaps: { channel: 5, other: 2, from: 0, to: 1, origins: [] } });
    expect(layout.arrows.filter((a) => !a.aggregate)).toHaveLength(ARROW_CAP);
    const aggregates = layout.arrows.filter((a) => a.aggregate);
    expect(aggregates.length).toBeGreaterThan(0);
    expect(aggregates.length).toBeLessThanOrEqual(LANE_CAP * LANE_CAP * 3);
    expect(layout.arrows.reduce((n, a) => n + a.count, 0)).toBe(100_000);
    expect(aggregates.some((a) => a.tone === 'error' && a.from === EVIL)).toBe(true);
    expect(layout.height).toBe(layout.arrows.length * ROW_H + 8);
    expect(layout.note).toMatch(/^100,000 messages as \d+ arrows; the oldest [\d,]+ summed per pair of lanes · 7 not recorded \(rate limit\)$/);
    expect(layout.total).toBe(100_000);
    expect(HEADER_H).toBeGreaterThan(0);
  }, 30_000);

  it('a flood of one message is one arrow with its count and latency range', () => {
    const log = Array.from({ length: 500 }, (_, i) => entry(i, EVIL, IFRAME_ORIGIN, 'load', { latency: 5 + (i % 3) }));
    const layout = layoutSequence({ log, violations: [], pageOrigin: A, iframeOrigin: IFRAME_ORIGIN, width: 700 });
    expect(layout.arrows).toHaveLength(1);
    expect(layout.arrows[0]).toMatchObject({ count: 500, label: 'load ×500 · 5 ms–7 ms', reveal: { tab: 'cookies', key: 'k499' } });
    expect(layout.note).toContain('repeats in a row drawn once');
  });
});
