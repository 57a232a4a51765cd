// Layout of the States chart: one chat session on a time axis, its segments as bands, state changes
// as marks, customer and agent messages as ticks, each reaction to Finalizing/Completed as an arrow
// labelled with its latency, and the findings whose evidence is one of its rows. Pure: pixel
// positions, labels and tooltips from a SessionTimeline; StatesChart.tsx only draws them. A long
// chat never draws more than fits: a lane with too many marks is drawn as bins with counts.
import type { Finding, Severity } from '../findings/types';
import { maskString } from '../text/secrets';
import { formatClock, formatCount, formatDuration, plural } from '../text/summary';
import { REACTION_WINDOW_MS, type Reaction, type Segment, type SessionTimeline, type StateRow, type TimelineRow } from './timeline';

export const CHART_HEIGHT = 132;
/** Narrower than this, the chart keeps this width and its container scrolls. */
export const CHART_MIN_WIDTH = 480;
const LEFT = 66;
const RIGHT = 76;
/** Lane baselines (y, px). */
export const LANE_Y = { axis: 12, plotTop: 18, findings: 34, states: 50, reactions: 68, customer: 88, agent: 104, note: 124 } as const;
/** Individual marks a lane draws at most before it is drawn as bins. */
export const LANE_CAP = 300;
/** Findings marked one by one at most. */
export const FINDING_CAP = 50;
/** Width of one bin, px. */
export const BIN_PX = 6;
/** A band narrower than this is merged with its neighbours. */
const MIN_BAND_PX = 4;
/** Pixel width of a character of the chart's 10-11px labels, for placing them without overlap. */
const CHAR_PX = 6.2;
/** Tick steps, ms: the smallest that keeps ticks this far apart is used. */
const TICK_STEPS = [10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 15e3, 3e4, 6e4, 12e4, 3e5, 6e5, 9e5, 18e5, 36e5, 72e5, 108e5, 216e5, 432e5, 864e5];
const MIN_TICK_PX = 70;
const TEXT_PREVIEW = 80;

export type StateTone = 'active' | 'finalizing' | 'completed' | 'other';
export type ReactionTone = 'ok' | 'warn' | 'pending';
export type Lane = 'states' | 'reactions' | 'customer' | 'agent' | 'findings';

export interface Tick { x: number; label: string; time: number }
export interface Band { key: string; x: number; width: number; label: string; title: string; flagged: boolean; odd: boolean; reveal: string | null }
export interface StateMark { key: string; x: number; y: number; state: string; tone: StateTone; synthetic: boolean; label: string | null; title: string; reveal: string }
export interface MessageTick { key: string; x: number; y: number; from: 'customer' | 'agent'; flagged: boolean; title: string; reveal: string }
export interface ReactionArrow {
  key: string; kind: Reaction['kind']; tone: ReactionTone; x1: number; x2: number; y: number;
  /** ms from the state to the command; for none/pending, the window waited. */
  latencyMs: number | null; label: string; labelX: number; title: string; reveal: string;
}
export interface FindingMark { key: string; x: number; y: number; rule: string; severity: Severity; title: string; reveal: { tab: 'bus' | 'states' | 'cookies'; key: string } }
export interface Bin { key: string; lane: Lane; x: number; width: number; y: number; height: number; count: number; tone: string; title: string }

export interface ChartLayout {
  width: number;
  height: number;
  plot: { left: number; right: number };
  t0: number;
  t1: number;
  ticks: Tick[];
  bands: Band[];
  states: StateMark[];
  messages: MessageTick[];
  reactions: ReactionArrow[];
  findings: FindingMark[];
  bins: Bin[];
  /** Marks behind the picture, and how many were drawn one by one. */
  total: number;
  drawn: number;
  /** Said on the picture when some marks were aggregated; null when every mark is drawn. */
  note: string | null;
}

export interface ChartInput {
  session: SessionTimeline;
  /** Findings of the tab; those whose evidence is a row of this session are marked. */
  findings?: readonly Finding[];
  /** Width available, px. */
  width: number;
  now: number;
  /** Lane capacity (tests use smaller ones). */
  laneCap?: number;
}

/** When a row happened: the server's time when it gave one, else when CX Lens first saw it. */
export function rowTime(row: TimelineRow): number {
  const t = row.utcTime ? Date.parse(row.utcTime) : NaN;
  return Number.isFinite(t) ? t : row.seenAt;
}

export function layoutChart(input: ChartInput): ChartLayout {
  const { session, now } = input;
  const cap = input.laneCap ?? LANE_CAP;
  const width = Math.max(CHART_MIN_WIDTH, Math.floor(input.width));
  const left = LEFT;
  const right = width - RIGHT;

  // Time span: every row, every reaction, every open reaction window (up to now).
  let t0 = Infinity;
  let t1 = -Infinity;
  let rowCount = 0;
  for (const segment of session.segments) {
    for (const row of segment.rows) {
      rowCount++;
      const t = rowTime(row);
      if (t < t0) t0 = t;
      if (t > t1) t1 = t;
      if (row.kind === 'state' && row.reaction) {
        const end = reactionEnd(t, row.reaction, now);
        if (end > t1) t1 = end;
      }
    }
  }
  if (!Number.isFinite(t0)) t0 = t1 = now;
  if (t1 - t0 < 1000) {
    const pad = (1000 - (t1 - t0)) / 2;
    t0 -= pad;
    t1 += pad;
  }
  const span = t1 - t0;
  const x = (t: number) => left + ((t - t0) / span) * (right - left);

  const states: StateRow[] = [];
  const customer: TimelineRow[] = [];
  const agent: TimelineRow[] = [];
  const rowsByKey = new Map<string, TimelineRow>();
  for (const segment of session.segments) {
    for (const row of segment.rows) {
      rowsByKey.set(row.key, row);
      if (row.kind === 'state') states.push(row);
      else (row.from === 'customer' ? customer : agent).push(row);
    }
  }
  const reacted = states.filter((s) => s.reaction !== null);

  const bins: Bin[] = [];
  const binLane = <T>(lane: Lane, items: readonly T[], timeOf: (item: T) => number, toneOf: (item: T) => string, what: string) => {
    for (const bin of binItems({ lane, items, timeOf, toneOf, what, x, left, right, y: LANE_Y[lane] })) bins.push(bin);
  };

  // States: marks, with their names where the next mark leaves room for them.
  let stateMarks: StateMark[] = [];
  if (states.length <= cap) {
    stateMarks = states.map((row) => ({
      key: row.key, x: x(rowTime(row)), y: LANE_Y.states, state: row.state, tone: stateTone(row.state), synthetic: row.synthetic,
      label: null, title: stateTitle(row), reveal: row.key,
    }));
    stateMarks.forEach((mark, i) => {
      const next = stateMarks[i + 1];
      const room = (next ? next.x : right + RIGHT) - mark.x - 10;
      if (room >= mark.state.length * CHAR_PX) mark.label = mark.state;
    });
  } else binLane('states', states, rowTime, (s) => stateTone(s.state), 'state change');

  // Messages: ticks, one lane per side.
  const messages: MessageTick[] = [];
  for (const [lane, list] of [['customer', customer], ['agent', agent]] as const) {
    if (list.length <= cap) {
      for (const row of list) {
        const flagged = row.kind === 'message' && row.flagged;
        messages.push({ key: row.key, x: x(rowTime(row)), y: LANE_Y[lane], from: lane, flagged, title: messageTitle(row, lane), reveal: row.key });
      }
    } else binLane(lane, list, rowTime, (r) => (r.kind === 'message' && r.flagged ? 'flag' : lane), `${lane} message`);
  }

  // Reactions: an arrow from the state to the command (or across the window that closed empty).
  const reactions: ReactionArrow[] = [];
  if (reacted.length <= cap) {
    for (const row of reacted) {
      const reaction = row.reaction!;
      const start = rowTime(row);
      const x1 = x(start);
      const x2 = Math.max(x(reactionEnd(start, reaction, now)), x1 + 10); // a 5 ms reaction still shows as an arrow
      const label = reactionLabel(reaction, now - row.seenAt);
      reactions.push({
        key: row.key, kind: reaction.kind, tone: reactionTone(reaction), x1, x2, y: LANE_Y.reactions,
        latencyMs: reaction.afterMs ?? null, label, labelX: x2 + 4, title: reactionTitle(row, reaction), reveal: row.key,
      });
    }
  } else binLane('reactions', reacted, rowTime, (s) => reactionTone(s.reaction!), 'reaction');

  // Findings at each of their evidence rows that belong to this session.
  const marks: { finding: Finding; time: number; reveal: FindingMark['reveal'] }[] = [];
  for (const finding of input.findings ?? []) {
    for (const evidence of finding.evidence) {
      if (evidence.tab !== 'states') continue;
      const row = rowsByKey.get(evidence.key);
      if (!row) continue;
      marks.push({ finding, time: rowTime(row), reveal: { tab: evidence.tab, key: evidence.key } });
    }
  }
  const findings: FindingMark[] = [];
  if (marks.length <= FINDING_CAP) {
    for (const m of marks) {
      findings.push({
        key: `${m.finding.key}\n${m.reveal.key}`, x: x(m.time), y: LANE_Y.findings, rule: m.finding.rule, severity: m.finding.severity,
        title: `${m.finding.severity}: ${m.finding.title} (${m.finding.rule}) at ${formatClock(m.time)}`, reveal: m.reveal,
      });
    }
  } else binLane('findings', marks, (m) => m.time, (m) => m.finding.severity, 'finding');

  const total = rowCount + reacted.length + marks.length;
  const drawn = stateMarks.length + messages.length + reactions.length + findings.length;
  const aggregated = total - drawn;
  return {
    width, height: CHART_HEIGHT, plot: { left, right }, t0, t1,
    ticks: ticks(t0, t1, x, right - left),
    bands: bands(session.segments, x, right),
    states: stateMarks, messages, reactions, findings, bins, total, drawn,
    note: aggregated > 0 ? `${formatCount(drawn)} of ${formatCount(total)} marks drawn; ${formatCount(aggregated)} in bins (hover a bin for its count)` : null,
  };
}

/** Where a reaction's arrow ends: the command, else the end of the window (or now, while open). */
function reactionEnd(start: number, reaction: Reaction, now: number): number {
  if (reaction.afterMs !== undefined) return start + reaction.afterMs;
  if (reaction.kind === 'pending') return Math.min(Math.max(start, now), start + REACTION_WINDOW_MS);
  return start + REACTION_WINDOW_MS;
}

/** Ticks at a round step that keeps labels apart, on the local clock. */
export function ticks(t0: number, t1: number, x: (t: number) => number, plotWidth: number): Tick[] {
  const span = t1 - t0;
  const most = Math.max(2, Math.floor(plotWidth / MIN_TICK_PX));
  let i = TICK_STEPS.findIndex((s) => span / s <= most);
  if (i < 0) i = TICK_STEPS.length - 1;
  let out = ticksAt(t0, t1, x, TICK_STEPS[i]!);
  // Fewer than two ticks say little about the scale: one step finer.
  if (out.length < 2 && i > 0) out = ticksAt(t0, t1, x, TICK_STEPS[i - 1]!);
  return out;
}

function ticksAt(t0: number, t1: number, x: (t: number) => number, step: number): Tick[] {
  // Round to the step on the local clock (a 1 h step lands on the hour in a +05:30 zone too).
  const offset = -new Date(t0).getTimezoneOffset() * 60_000;
  const out: Tick[] = [];
  for (let t = Math.ceil((t0 + offset) / step) * step - offset; t <= t1 && out.length < 1000; t += step) {
    out.push({ x: x(t), time: t, label: tickLabel(t, step) });
  }
  return out;
}

function tickLabel(t: number, step: number): string {
  const clock = formatClock(t); // hh:mm:ss.mmm
  if (step >= 60_000) return clock.slice(0, 5);
  if (step >= 1000) return clock.slice(0, 8);
  return clock.slice(3); // mm:ss.mmm
}

/** Segments as bands, from each segment's first row to the next one's; bands too narrow to see
 *  are merged with their neighbours (a merged band names its segments). */
function bands(segments: readonly Segment[], x: (t: number) => number, right: number): Band[] {
  const starts = segments.map((s) => (s.rows.length ? x(rowTime(s.rows[0]!)) : NaN));
  const out: Band[] = [];
  let group: { first: Segment; last: Segment; x: number; end: number; flagged: boolean; count: number } | null = null;
  const flush = () => {
    if (!group) return;
    const { first, last, count } = group;
    const n = out.length;
    out.push({
      key: `s${first.n}`, x: group.x, width: Math.max(1, group.end - group.x),
      label: count === 1 ? `S${first.n}` : `S${first.n}–${last.n}`,
      title: count === 1 ? `Segment ${first.n}, opened by ${openedByText(first.openedBy)}` : `Segments ${first.n}–${last.n} (${formatCount(count)} segments, too narrow to draw apart)`,
      flagged: group.flagged, odd: n % 2 === 1, reveal: count === 1 && first.rows[0] ? first.rows[0].key : null,
    });
    group = null;
  };
  // Where each band ends: the next segment that has a start (one pass from the end, not a search
  // per segment: a chat can have a hundred thousand segments).
  const ends: number[] = new Array<number>(segments.length);
  let next = right;
  for (let i = segments.length - 1; i >= 0; i--) {
    ends[i] = next;
    if (Number.isFinite(starts[i]!)) next = starts[i]!;
  }
  segments.forEach((segment, i) => {
    const start = starts[i]!;
    if (!Number.isFinite(start)) return;
    const end = ends[i]!;
    const flagged = segment.openedBy === 'customer-after-finalize';
    if (group && group.end - group.x < MIN_BAND_PX) {
      group.last = segment;
      group.end = end;
      group.flagged ||= flagged;
      group.count++;
      return;
    }
    flush();
    group = { first: segment, last: segment, x: start, end, flagged, count: 1 };
  });
  flush();
  return out;
}

interface BinInput<T> {
  lane: Lane;
  items: readonly T[];
  timeOf(item: T): number;
  toneOf(item: T): string;
  what: string;
  x(t: number): number;
  left: number;
  right: number;
  y: number;
}

/** Counts per BIN_PX of the axis: at most (plot width / BIN_PX) bins, whatever the number of items.
 *  A bin takes the tone most of its items have. Heights grow with the log of the count. */
export function binItems<T>(input: BinInput<T>): Bin[] {
  const { items, x, left, right } = input;
  const slots = Math.max(1, Math.ceil((right - left) / BIN_PX));
  const counts = new Array<number>(slots).fill(0);
  const first = new Array<number>(slots).fill(Infinity);
  const last = new Array<number>(slots).fill(-Infinity);
  const tones: Map<string, number>[] = [];
  for (const item of items) {
    const t = input.timeOf(item);
    const at = Math.floor((x(t) - left) / BIN_PX);
    const slot = Number.isFinite(at) ? Math.min(slots - 1, Math.max(0, at)) : 0;
    counts[slot]!++;
    if (t < first[slot]!) first[slot] = t;
    if (t > last[slot]!) last[slot] = t;
    const tone = input.toneOf(item);
    const byTone = (tones[slot] ??= new Map());
    byTone.set(tone, (byTone.get(tone) ?? 0) + 1);
  }
  let max = 1;
  for (const count of counts) if (count > max) max = count;
  const out: Bin[] = [];
  counts.forEach((count, slot) => {
    if (!count) return;
    const height = 3 + Math.round((Math.log(count + 1) / Math.log(max + 1)) * 9);
    const tone = [...tones[slot]!].sort((a, b) => b[1] - a[1])[0]![0];
    const range = first[slot] === last[slot] ? formatClock(first[slot]!) : `${formatClock(first[slot]!)}–${formatClock(last[slot]!)}`;
    out.push({
      key: `${input.lane}-${slot}`, lane: input.lane, x: left + slot * BIN_PX, width: BIN_PX - 1, y: input.y - height / 2, height, count, tone,
      title: `${plural(count, input.what)}, ${range}`,
    });
  });
  return out;
}

export function stateTone(state: string): StateTone {
  return state === 'Active' ? 'active' : state === 'Finalizing' ? 'finalizing' : state === 'Completed' ? 'completed' : 'other';
}

function reactionTone(reaction: Reaction): ReactionTone {
  return reaction.kind === 'inject' || reaction.kind === 'end' ? 'ok' : reaction.kind === 'none' ? 'warn' : 'pending';
}

function reactionLabel(reaction: Reaction, openFor: number): string {
  switch (reaction.kind) {
    case 'inject':
    case 'end':
      return `${reaction.kind} ${formatDuration(reaction.afterMs ?? 0)}`;
    case 'none':
      return `none in ${REACTION_WINDOW_MS / 1000} s`;
    default:
      return `waiting ${formatDuration(Math.min(openFor, REACTION_WINDOW_MS))}`;
  }
}

function stateTitle(row: StateRow): string {
  const tags = [row.synthetic ? 'synthetic (Simulate)' : '', row.history ? 'from history' : '', row.known ? '' : 'unknown state'].filter(Boolean);
  return `${row.state} at ${timeText(row)}${tags.length ? ` (${tags.join(', ')})` : ''}, seen on ${row.sourceLabel.replace(' ', ' and ')}`;
}

function reactionTitle(row: StateRow, reaction: Reaction): string {
  if (reaction.kind === 'pending') return `${row.state}: waiting for the page to react (window ${REACTION_WINDOW_MS / 1000} s)`;
  if (reaction.kind === 'none') return `${row.state}: ${reaction.warning ?? 'no reaction'}`;
  const by = reaction.commander ? ` by ${reaction.commander}` : '';
  const outcome = reaction.outcome ? `, ${reaction.outcome}` : '';
  return `${row.state} → ${reaction.command} after ${formatDuration(reaction.afterMs ?? 0)}${by}${outcome}`;
}

function messageTitle(row: TimelineRow, from: 'customer' | 'agent'): string {
  const raw = row.raw.bus ?? row.raw.network;
  const text = raw && typeof raw === 'object' && !Array.isArray(raw) && typeof raw.text === 'string' ? maskString(raw.text) : '';
  const preview = text.length > TEXT_PREVIEW ? `${text.slice(0, TEXT_PREVIEW)}…` : text;
  const flag = row.kind === 'message' && row.flagged ? ' ⚑ opened a new segment after the agent finished' : '';
  return `${from === 'customer' ? 'Customer' : 'Agent'} at ${timeText(row)}${preview ? `: ${preview}` : ''}${flag}`;
}

/** The row's time, and when CX Lens saw it where that differs (the timeline's rows show the latter). */
function timeText(row: TimelineRow): string {
  const t = rowTime(row);
  return t === row.seenAt ? formatClock(t) : `${formatClock(t)} server time, seen ${formatClock(row.seenAt)}`;
}

function openedByText(openedBy: Segment['openedBy']): string {
  return openedBy === 'start' ? 'the chat start' : openedBy === 'active' ? 'Active' : 'a customer message after the agent finished';
}
