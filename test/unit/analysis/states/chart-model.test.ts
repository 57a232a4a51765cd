import { describe, expect, it } from 'vitest';
import { BIN_PX, CHART_MIN_WIDTH, LANE_Y, layoutChart, ticks } from '../../../../src/analysis/states/chart-model';
import { REACTION_WINDOW_MS, type MessageRow, type Reaction, type Segment, type SessionTimeline, type StateRow } from '../../../../src/analysis/states/timeline';
import type { Finding } from '../../../../src/analysis/findings/types';

const T0 = Date.parse('2024-05-01T10:00:00.000Z');
const NOW = T0 + 3_600_000;

const base = (key: string, at: number) => ({
  key, seenAt: T0 + at, sources: ['bus' as const], sourceLabel: 'bus' as const, history: false, synthetic: false, raw: {},
});
const st = (key: string, state: string, at: number, reaction: Reaction | null = null): StateRow => ({ ...base(key, at), kind: 'state', state, known: true, reaction });
const msg = (key: string, from: 'customer' | 'agent', at: number, text = 'hello', flagged = false): MessageRow => ({
  ...base(key, at), kind: 'message', from, flagged, raw: { bus: { text } },
});
const session = (...segments: Segment['rows'][]): SessionTimeline => ({
  sessionId: 'sess-1',
  segments: segments.map((rows, i) => ({ n: i + 1, openedBy: i === 0 ? 'start' : 'customer-after-finalize', rows })),
  flags: [],
});
const finding = (rule: string, key: string, severity: Finding['severity'] = 'warning'): Finding => ({
  rule, severity, key: `${rule}:${key}`, title: `${rule} title`, why: 'why', evidence: [{ tab: 'states', key, label: 'row' }],
  fix: { text: 'fix' }, firstSeen: T0, lastSeen: T0,
});

/** A chat: start, messages, Finalizing answered by inject after 120 ms, then the customer's thanks opens segment 2,
 *  whose Finalizing nobody answers. */
function chat(): SessionTimeline {
  return session(
    [st('a1', 'Active', 0), msg('c1', 'customer', 1000, 'my order'), msg('g1', 'agent', 3000, 'hi'),
      st('f1', 'Finalizing', 10_000, { kind: 'inject', command: 'WebChat.injectMessage', commander: 'CXLensFinalize', afterMs: 120, outcome: 'resolved' })],
    [msg('c2', 'customer', 20_000, 'thanks eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.sigsigsig', true), st('f2', 'Finalizing', 30_000, { kind: 'none', warning: 'Nothing reacted' })],
  );
}

describe('layoutChart: axis', () => {
  it('spans the rows and the reaction windows, with round, readable ticks inside the plot', () => {
    const layout = layoutChart({ session: chat(), width: 900, now: NOW });
    expect(layout.t0).toBe(T0);
    expect(layout.t1).toBe(T0 + 30_000 + REACTION_WINDOW_MS);
    expect(layout.ticks.length).toBeGreaterThanOrEqual(3);
    expect(layout.ticks.length).toBeLessThanOrEqual(Math.floor((layout.plot.right - layout.plot.left) / 70));
    const steps = layout.ticks.slice(1).map((t, i) => t.time - layout.ticks[i]!.time);
    expect(new Set(steps).size).toBe(1);
    expect([5000, 10_000]).toContain(steps[0]);
    for (const t of layout.ticks) {
      expect(t.x).toBeGreaterThanOrEqual(layout.plot.left);
      expect(t.x).toBeLessThanOrEqual(layout.plot.right);
      expect(t.label).toMatch(/^\d\d:\d\d:\d\d$/);
      expect(t.time % steps[0]!).toBe(0);
    }
  });

  it('sub-second spans get millisecond labels; hours get hh:mm', () => {
    const x = (t: number) => t - T0;
    expect(ticks(T0, T0 + 800, x, 800)[0]!.label).toMatch(/^\d\d:\d\d\.\d{3}$/);
    expect(ticks(T0, T0 + 5 * 3_600_000, x, 800)[0]!.label).toMatch(/^\d\d:\d\d$/);
  });

  it('a narrow panel keeps a minimum width (its container scrolls)', () => {
    expect(layoutChart({ session: chat(), width: 200, now: NOW }).width).toBe(CHART_MIN_WIDTH);
    expect(layoutChart({ session: chat(), width: 1300, now: NOW }).width).toBe(1300);
  });

  it('an empty or one-instant session still has a span', () => {
    const layout = layoutChart({ session: session([st('a', 'Active', 0)]), width: 600, now: NOW });
    expect(layout.t1 - layout.t0).toBeGreaterThanOrEqual(1000);
    expect(layout.states[0]!.x).toBeCloseTo((layout.plot.left + layout.plot.right) / 2);
  });
});

describe('layoutChart: marks', () => {
  it('segments are bands in order, the one the customer opened after the agent finished is flagged', () => {
    const layout = layoutChart({ session: chat(), width: 900, now: NOW });
    expect(layout.bands.map((b) => [b.label, b.flagged])).toEqual([['S1', false], ['S2', true]]);
    expect(layout.bands[0]!.x + layout.bands[0]!.width).toBeCloseTo(layout.bands[1]!.x);
    expect(layout.bands[1]!.x + layout.bands[1]!.width).toBeCloseTo(layout.plot.right);
    expect(layout.bands[1]!.reveal).toBe('c2');
  });

  it('states are marks in time order with their tone, each linked to its row', () => {
    const layout = layoutChart({ session: chat(), width: 900, now: NOW });
    expect(layout.states.map((s) => [s.state, s.tone, s.reveal])).toEqual([
      ['Active', 'active', 'a1'], ['Finalizing', 'finalizing', 'f1'], ['Finalizing', 'finalizing', 'f2'],
    ]);
    const xs = layout.states.map((s) => s.x);
    expect([...xs].sort((a, b) => a - b)).toEqual(xs);
    expect(layout.states.every((s) => s.y === LANE_Y.states && s.title.includes(s.state))).toBe(true);
    expect(layout.states[0]!.label).toBe('Active');
  });

  it('customer and agent messages are ticks on their lanes; text in tooltips is masked', () => {
    const layout = layoutChart({ session: chat(), width: 900, now: NOW });
    expect(layout.messages.map((m) => [m.key, m.from, m.y, m.flagged])).toEqual([
      ['c1', 'customer', LANE_Y.customer, false], ['c2', 'customer', LANE_Y.customer, true], ['g1', 'agent', LANE_Y.agent, false],
    ]);
    const thanks = layout.messages.find((m) => m.key === 'c2')!;
    expect(thanks.title).toContain('Customer');
    expect(thanks.title).not.toContain('eyJhbGciOiJIUzI1NiJ9');
    expect(thanks.title).toContain('(masked)');
    expect(thanks.title).toContain('opened a new segment');
  });

  it('a reaction is an arrow from the state to the command, labelled with its latency', () => {
    const layout = layoutChart({ session: chat(), width: 900, now: NOW });
    const [ok, none] = layout.reactions;
    expect(ok).toMatchObject({ kind: 'inject', tone: 'ok', latencyMs: 120, label: 'inject 120 ms', reveal: 'f1' });
    expect(ok!.x1).toBeCloseTo(layout.states[1]!.x);
    expect(ok!.x2).toBeGreaterThanOrEqual(ok!.x1 + 10); // short latencies still show as an arrow
    expect(ok!.title).toBe('Finalizing → WebChat.injectMessage after 120 ms by CXLensFinalize, resolved');
    // No reaction: the window that closed empty, in the warning tone.
    expect(none).toMatchObject({ kind: 'none', tone: 'warn', latencyMs: null, label: `none in ${REACTION_WINDOW_MS / 1000} s` });
    const perMs = (layout.plot.right - layout.plot.left) / (layout.t1 - layout.t0);
    expect(none!.x2 - none!.x1).toBeCloseTo(REACTION_WINDOW_MS * perMs);
  });

  it('a pending reaction runs to now', () => {
    const s = session([st('f', 'Finalizing', 0, { kind: 'pending' })]);
    const layout = layoutChart({ session: s, width: 800, now: T0 + 1500 });
    expect(layout.reactions[0]).toMatchObject({ kind: 'pending', tone: 'pending', label: 'waiting 1.5 s' });
  });

  it('findings whose evidence is a States row of this session are marked at that row, linked to the evidence', () => {
    const findings = [finding('no-finalize-reaction', 'f2', 'warning'), finding('segment-after-finalize', 'c2', 'error'), finding('elsewhere', 'not-a-row'),
      { ...finding('bus-only', 'x'), evidence: [{ tab: 'bus' as const, key: 'f2', label: 'bus row' }] }];
    const layout = layoutChart({ session: chat(), findings, width: 900, now: NOW });
    expect(layout.findings.map((f) => [f.rule, f.severity, f.reveal])).toEqual([
      ['no-finalize-reaction', 'warning', { tab: 'states', key: 'f2' }],
      ['segment-after-finalize', 'error', { tab: 'states', key: 'c2' }],
    ]);
    expect(layout.findings[0]!.x).toBeCloseTo(layout.states[2]!.x);
    expect(layout.findings[0]!.title).toContain('no-finalize-reaction');
    expect(layout.note).toBeNull();
    expect(layout.drawn).toBe(layout.total);
  });
});

describe('layoutChart: large logs', () => {
  it('100,000 rows: bounded output, every row counted in bins, and the picture says so', () => {
    const rows: Segment['rows'] = [];
    const segments: Segment['rows'][] = [];
    for (let i = 0; i < 100_000; i++) {
      const at = i * 50;
      if (i % 1000 === 0) {
        if (rows.length) segments.push(rows.splice(0));
        rows.push(st(`s${i}`, 'Active', at));
      } else if (i % 1000 === 999) {
        rows.push(st(`s${i}`, 'Finalizing', at, { kind: 'inject', command: 'WebChat.injectMessage', afterMs: 30 }));
      } else rows.push(msg(`m${i}`, i % 2 ? 'customer' : 'agent', at));
    }
    segments.push(rows);
    const s = session(...segments);
    const layout = layoutChart({ session: s, width: 1000, now: NOW });

    const slots = Math.ceil((layout.plot.right - layout.plot.left) / BIN_PX);
    const elements = layout.states.length + layout.messages.length + layout.reactions.length + layout.findings.length + layout.bins.length + layout.bands.length + layout.ticks.length;
    expect(elements).toBeLessThan(5 * slots + 400);
    expect(layout.messages).toHaveLength(0); // both message lanes binned
    const binned = (lane: string) => layout.bins.filter((b) => b.lane === lane).reduce((n, b) => n + b.count, 0);
    expect(binned('customer') + binned('agent')).toBe(100_000 - 200);
    // 200 states and 100 reactions fit: drawn one by one.
    expect(layout.states).toHaveLength(200);
    expect(layout.reactions).toHaveLength(100);
    expect(layout.bands.length).toBeLessThanOrEqual(100);
    expect(layout.total).toBe(100_000 + 100);
    expect(layout.note).toMatch(/^300 of 100,100 marks drawn; 99,800 in bins/);
  }, 30_000);

  it('a lane over its cap becomes bins whose counts add up; narrow segments merge into one band', () => {
    const rows: Segment['rows'] = [];
    for (let i = 0; i < 50; i++) rows.push(st(`s${i}`, i % 2 ? 'Finalizing' : 'Active', i * 10, i % 2 ? { kind: 'none' } : null));
    const segments = rows.map((r) => [r]);
    segments.push([st('late', 'Active', 600_000)]);
    const layout = layoutChart({ session: session(...segments), width: 700, now: NOW, laneCap: 20 });
    expect(layout.states).toHaveLength(0);
    expect(layout.bins.filter((b) => b.lane === 'states').reduce((n, b) => n + b.count, 0)).toBe(51);
    expect(layout.bins.filter((b) => b.lane === 'reactions').reduce((n, b) => n + b.count, 0)).toBe(25);
    expect(layout.bins.find((b) => b.lane === 'reactions')!.tone).toBe('warn');
    expect(layout.bins[0]!.title).toMatch(/state changes?, /);
    expect(layout.bands.map((b) => b.label)).toEqual(['S1–50', 'S51']);
    expect(layout.bands[0]!.title).toContain('50 segments');
  });
});

describe('layoutChart: extreme sessions', () => {
  it('100,000 segments (an Active each): the bands end at the next start in one pass, not a search per segment', () => {
    const segments: Segment['rows'][] = [];
    for (let i = 0; i < 100_000; i++) segments.push(i % 10 === 3 ? [] : [st(`a${i}`, 'Active', i * 10)]);
    const layout = layoutChart({ session: session(...segments), width: 1000, now: NOW });
    expect(layout.bands.length).toBeGreaterThan(0);
    expect(layout.bands.length).toBeLessThanOrEqual(100_000);
    // The bands tile the plot: each ends where the next one starts, the last at the plot's right
    // (at least 1 px wide).
    layout.bands.slice(0, -1).forEach((band, i) => expect(band.x + band.width).toBeCloseTo(Math.max(band.x + 1, layout.bands[i + 1]!.x), 5));
    const last = layout.bands.at(-1)!;
    expect(last.x + last.width).toBeCloseTo(Math.max(layout.plot.right, last.x + 1), 5);
    expect(layout.bins.filter((b) => b.lane === 'states').reduce((n, b) => n + b.count, 0)).toBe(90_000);
  }, 30_000);

  it('times of ±1e300 and the largest numbers lay out without throwing; no bin is lost to a NaN position', () => {
    for (const far of [1e300, -1e300, Number.MAX_VALUE, -Number.MAX_VALUE]) {
      const rows = [st('a', 'Active', 0), { ...st('f', 'Finalizing', 0, { kind: 'none' }), seenAt: far }, { ...msg('c', 'customer', 0), seenAt: far }];
      const layout = layoutChart({ session: session(rows), width: 800, now: NOW });
      expect(layout.states).toHaveLength(2);
      const binnedMany = layoutChart({ session: session(rows.concat(Array.from({ length: 50 }, (_, i) => ({ ...st(`x${i}`, 'Active', i), seenAt: i % 2 ? far : -far })))), width: 800, now: NOW, laneCap: 5 });
      expect(binnedMany.bins.filter((b) => b.lane === 'states').reduce((n, b) => n + b.count, 0)).toBe(52);
    }
  });
});
