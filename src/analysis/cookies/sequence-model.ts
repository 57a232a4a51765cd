// Layout of the Cookie sync sequence diagram: one lane per origin (the page, the cookie iframe, any
// other origin that spoke), one arrow per message of the channel log from its sender's lane to its
// receiver's, labelled with its type and latency, refused and violating messages in the error tone.
// Pure: positions, labels and tooltips from buildCookieSync's log and violations; CookieSequence.tsx
// only draws them. A flood never draws more than fits: repeats of one message collapse into one
// arrow with a count, and past the cap the oldest are summed per pair of lanes.
import { normaliseOrigin } from '../../cookie/origins';
import { maskSecrets } from '../text/secrets';
import { formatClock, formatCount, formatDuration, plural, summarize } from '../text/summary';
import type { RevealTarget } from '../reveal';
import type { GapSummary, LogEntry } from './cookie-sync';
import type { Violation } from './violations';

/** Arrows drawn one by one at most (newest kept); older ones are summed per pair of lanes. */
export const ARROW_CAP = 120;
/** Lanes at most; the origins past them share one "other origins" lane. */
export const LANE_CAP = 6;
export const ROW_H = 22;
export const HEADER_H = 40;
/** Narrowest gap between two lanes; narrower panels scroll. */
const MIN_LANE_GAP = 150;
const LEFT = 86;
const RIGHT = 20;
const PAYLOAD_PREVIEW = 160;
const OTHERS = '(other origins)';

export type LaneRole = 'page' | 'iframe' | 'page-iframe' | 'other' | 'others';
export type ArrowTone = 'normal' | 'muted' | 'error';

export interface SeqLane {
  key: string;
  origin: string;
  role: LaneRole;
  label: string;
  x: number;
  /** error: an origin the violations name (untrusted sender, foreign reply, untrusted page). */
  tone: 'normal' | 'error';
  messages: number;
  title: string;
  /** Its violation row, when there is one. */
  reveal: RevealTarget | null;
}

export interface SeqArrow {
  key: string;
  y: number;
  x1: number;
  x2: number;
  /** Sent and received by one lane (a post to the same origin, or a send whose receipt was not seen). */
  self: boolean;
  from: string;
  to: string;
  type: string;
  /** Messages behind the arrow (a run of repeats, or an aggregate of older ones). */
  count: number;
  aggregate: boolean;
  tone: ArrowTone;
  /** Why it is in the error tone. */
  problem: string | null;
  latencyMs: number | null;
  label: string;
  timeLabel: string;
  title: string;
  reveal: RevealTarget | null;
}

export interface SequenceLayout {
  width: number;
  /** Height of the arrows' part (the lanes' headers are HEADER_H above it). */
  height: number;
  lanes: SeqLane[];
  arrows: SeqArrow[];
  /** Messages in the log, and arrows drawn for them. */
  total: number;
  drawn: number;
  /** Said on the picture when something was collapsed, summed or not recorded; else null. */
  note: string | null;
}

export interface SequenceInput {
  log: readonly LogEntry[];
  violations: readonly Violation[];
  pageOrigin: string;
  iframeOrigin: string | null;
  width: number;
  gaps?: GapSummary | null;
  dropped?: number;
  cap?: number;
}

interface Message {
  entry: LogEntry;
  from: string;
  to: string;
  self: boolean;
  tone: ArrowTone;
  problem: string | null;
}

interface Run {
  first: Message;
  last: Message;
  count: number;
  /** Shortest and longest latency of its messages. */
  latency: [number, number] | null;
}

/** Origins as one spelling (a log repeats a few origins many times: parsed once each). */
const ORIGIN_CACHE = new Map<string, string>();

export function originKey(origin: string): string {
  let key = ORIGIN_CACHE.get(origin);
  if (key === undefined) {
    key = normaliseOrigin(origin) ?? origin;
    if (ORIGIN_CACHE.size > 1000) ORIGIN_CACHE.clear();
    ORIGIN_CACHE.set(origin, key);
  }
  return key;
}

export function layoutSequence(input: SequenceInput): SequenceLayout {
  const cap = Math.max(1, input.cap ?? ARROW_CAP);
  const page = input.pageOrigin ? originKey(input.pageOrigin) : '';
  const iframe = input.iframeOrigin ? originKey(input.iframeOrigin) : '';

  // Origins the violations name, and the row of each.
  const untrusted = new Map<string, Violation>();
  for (const v of input.violations) {
    if (v.rule === 'untrusted-sender' || v.rule === 'foreign-reply' || v.rule === 'page-not-trusted') {
      const key = originKey(v.subject);
      if (!untrusted.has(key)) untrusted.set(key, v);
    }
  }
  const wildcard = input.violations.find((v) => v.rule === 'wildcard-target');

  // Ids whose reply was an error: their request was refused too.
  const refusedIds = new Map<string, string>();
  for (const e of input.log) if (e.id && e.outcome !== undefined && e.outcome !== 'ok') refusedIds.set(e.id, e.outcome);

  const messages = pairSightings(input.log).map(({ entry, receipt }): Message => {
    const from = originKey(entry.from);
    const sent = entry.direction === 'out' && !receipt; // a send whose receipt no hook saw
    const to = sent ? from : originKey((receipt ?? entry).to);
    const seen = receipt ?? entry;
    let problem: string | null = null;
    if (seen.outcome !== undefined && seen.outcome !== 'ok') problem = `refused: ${seen.outcome}`;
    else if (seen.id && seen.type !== 'reply' && refusedIds.has(seen.id)) problem = `refused: ${refusedIds.get(seen.id)}`;
    else if (untrusted.has(from) && from !== to) problem = `violation: ${untrusted.get(from)!.rule} (${from})`;
    else if (entry.targetOrigin === '*' && entry.carriesSession) problem = `violation: wildcard-target (session data sent to "*")`;
    const tone: ArrowTone = problem ? 'error' : entry.channel ? 'normal' : 'muted';
    return { entry: seen, from, to, self: from === to, tone, problem };
  });

  // Lanes: the page, the cookie iframe, then the others by the number of their messages.
  const counts = new Map<string, number>();
  const bump = (origin: string) => counts.set(origin, (counts.get(origin) ?? 0) + 1);
  for (const m of messages) {
    bump(m.from);
    if (!m.self) bump(m.to);
  }
  const fixed = [page, iframe].filter((o, i, all) => o && all.indexOf(o) === i);
  const others = [...counts.keys()].filter((o) => !fixed.includes(o)).sort((a, b) => counts.get(b)! - counts.get(a)!);
  const room = LANE_CAP - fixed.length;
  const own = others.length > room ? others.slice(0, room - 1) : others;
  const merged = new Set(others.length > room ? others.slice(room - 1) : []);
  const laneOf = (origin: string) => (merged.has(origin) ? OTHERS : origin);
  const laneKeys = [...fixed, ...own, ...(merged.size ? [OTHERS] : [])];

  const gap = Math.max(MIN_LANE_GAP, (input.width - LEFT - RIGHT) / Math.max(1, laneKeys.length));
  const width = Math.max(Math.floor(input.width), Math.ceil(LEFT + RIGHT + gap * laneKeys.length));
  const lanes: SeqLane[] = laneKeys.map((key, i) => {
    const role: LaneRole = key === OTHERS ? 'others' : key === page && key === iframe ? 'page-iframe' : key === page ? 'page' : key === iframe ? 'iframe' : 'other';
    const violation = key === OTHERS ? [...merged].map((o) => untrusted.get(o)).find(Boolean) : untrusted.get(key);
    const n = key === OTHERS ? [...merged].reduce((sum, o) => sum + counts.get(o)!, 0) : counts.get(key) ?? 0;
    const origins = key === OTHERS ? [...merged] : [key];
    return {
      key, origin: key === OTHERS ? `${merged.size} origins` : key, role, label: ROLE_LABEL[role], x: LEFT + gap * (i + 0.5),
      tone: violation ? 'error' : 'normal', messages: n,
      title: `${ROLE_LABEL[role]}: ${origins.join(', ')} · ${plural(n, 'message')}${violation ? ` · ${violation.message}` : ''}`,
      reveal: violation ? { tab: 'cookies', key: `violation:${violation.key}` } : null,
    };
  });
  const xOf = new Map(lanes.map((l) => [l.key, l.x]));

  // Repeats of one message (same lanes, type and tone) in a row: one arrow with a count.
  const runs: Run[] = [];
  for (const m of messages) {
    const prev = runs[runs.length - 1];
    const same = prev && laneOf(prev.last.from) === laneOf(m.from) && laneOf(prev.last.to) === laneOf(m.to)
      && prev.last.entry.type === m.entry.type && prev.last.tone === m.tone && prev.last.problem === m.problem;
    if (same) {
      prev.last = m;
      prev.count++;
      const l = m.entry.latency;
      if (l !== undefined) prev.latency = prev.latency ? [Math.min(prev.latency[0], l), Math.max(prev.latency[1], l)] : [l, l];
    } else runs.push({ first: m, last: m, count: 1, latency: m.entry.latency !== undefined ? [m.entry.latency, m.entry.latency] : null });
  }

  // Past the cap, the oldest runs are summed per pair of lanes and tone, on top.
  const older = runs.length > cap ? runs.slice(0, runs.length - cap) : [];
  const shown = runs.length > cap ? runs.slice(runs.length - cap) : runs;
  const arrows: SeqArrow[] = [];
  let y = ROW_H / 2 + 4;
  const place = (a: Omit<SeqArrow, 'y' | 'x1' | 'x2'>) => {
    const x1 = xOf.get(laneOf(a.from))!;
    const x2 = xOf.get(laneOf(a.to))!;
    arrows.push({ ...a, y, x1, x2 });
    y += ROW_H;
  };
  if (older.length) {
    const sums = new Map<string, { from: string; to: string; tone: ArrowTone; count: number; firstTime: number; lastTime: number; types: Set<string> }>();
    for (const run of older) {
      const from = laneOf(run.first.from);
      const to = laneOf(run.first.to);
      const key = `${from}\n${to}\n${run.first.tone}`;
      let sum = sums.get(key);
      if (!sum) sums.set(key, (sum = { from, to, tone: run.first.tone, count: 0, firstTime: run.first.entry.time, lastTime: 0, types: new Set() }));
      sum.count += run.count;
      sum.lastTime = run.last.entry.time;
      if (sum.types.size < 6) sum.types.add(run.first.entry.type);
    }
    for (const [key, sum] of sums) {
      const range = `${formatClock(sum.firstTime)}–${formatClock(sum.lastTime)}`;
      place({
        key: `older\n${key}`, self: sum.from === sum.to, from: sum.from, to: sum.to, type: [...sum.types].join(', '), count: sum.count, aggregate: true,
        tone: sum.tone, problem: sum.tone === 'error' ? 'some refused or violating' : null, latencyMs: null,
        label: `${plural(sum.count, 'earlier message')}`, timeLabel: `…${formatClock(sum.lastTime).slice(0, 8)}`,
        title: `${plural(sum.count, 'earlier message')} ${sum.from} → ${sum.to}, ${range} (${[...sum.types].join(', ')}), summed: too many to draw`,
        reveal: null,
      });
    }
  }
  for (const run of shown) {
    const m = run.last;
    const e = m.entry;
    const latency = run.latency ? latencyText(run.latency) : null;
    const label = `${e.type}${run.count > 1 ? ` ×${formatCount(run.count)}` : ''}${latency ? ` · ${latency}` : ''}`;
    place({
      key: `${run.first.entry.key}\n${e.key}`, self: m.self, from: m.from, to: m.to, type: e.type, count: run.count, aggregate: false,
      tone: m.tone, problem: m.problem, latencyMs: e.latency ?? null, label,
      timeLabel: formatClock(run.first.entry.time),
      title: arrowTitle(run, latency), reveal: { tab: 'cookies', key: e.key },
    });
  }

  const notes: string[] = [];
  const collapsed = runs.length < messages.length;
  if (older.length || collapsed) {
    notes.push(`${formatCount(messages.length)} messages as ${formatCount(arrows.length)} arrows${collapsed ? ': repeats in a row drawn once (×count)' : ''}${older.length ? `; the oldest ${formatCount(older.reduce((n, r) => n + r.count, 0))} summed per pair of lanes` : ''}`);
  }
  if (merged.size) notes.push(`${merged.size} origins share the last lane`);
  const skipped = input.gaps ? input.gaps.channel + input.gaps.other : 0;
  if (skipped) notes.push(`${formatCount(skipped)} not recorded (rate limit)`);
  if (input.dropped) notes.push(`${formatCount(input.dropped)} oldest dropped from the log`);
  if (wildcard && !messages.some((m) => m.problem?.includes('wildcard'))) notes.push(wildcard.message);

  return {
    width, height: y - ROW_H / 2 + 4, lanes, arrows, total: input.log.length, drawn: arrows.length,
    note: notes.length ? notes.join(' · ') : null,
  };
}

const ROLE_LABEL: Record<LaneRole, string> = {
  page: 'page',
  iframe: 'cookie iframe',
  'page-iframe': 'page + cookie iframe',
  other: 'other origin',
  others: 'other origins',
};

/**
 * One message may be seen twice: posted (`out`, in the sender's frame) and received (`in`, in the
 * receiver's). A receipt from the same origin with the same type and id that follows a send within
 * a second is the same message: one arrow, the receipt's row (it has the latency and outcome).
 */
function pairSightings(log: readonly LogEntry[]): { entry: LogEntry; receipt?: LogEntry }[] {
  const out: { entry: LogEntry; receipt?: LogEntry }[] = [];
  const waiting = new Map<string, { entry: LogEntry; receipt?: LogEntry }[]>();
  for (const entry of log) {
    const key = `${originKey(entry.from)}\n${entry.type}\n${entry.id ?? ''}`;
    if (entry.direction === 'out') {
      const item = { entry };
      out.push(item);
      const list = waiting.get(key);
      if (list) list.push(item);
      else waiting.set(key, [item]);
      continue;
    }
    const list = waiting.get(key);
    while (list?.length && entry.time - list[0]!.entry.time > 1000) list.shift();
    const send = list?.shift();
    if (send && originKey(entry.to) !== originKey(entry.from)) send.receipt = entry;
    else out.push({ entry });
  }
  return out;
}

function latencyText([min, max]: [number, number]): string {
  return min === max ? formatDuration(min) : `${formatDuration(min)}–${formatDuration(max)}`;
}

function arrowTitle(run: Run, latency: string | null): string {
  const m = run.last;
  const e = m.entry;
  const when = run.count > 1 ? `${formatCount(run.count)} messages, ${formatClock(run.first.entry.time)}–${formatClock(e.time)}` : formatClock(e.time);
  const parts = [
    `${e.type} ${m.from} → ${m.self ? `${e.targetOrigin ?? m.to} (posted, receipt not seen)` : m.to}`,
    when,
    e.id ? `id ${e.id}` : '',
    latency ? (e.type === 'reply' ? `${latency} after its request` : `answered after ${latency}`) : '',
    e.outcome ? `result ${e.outcome}` : '',
    e.targetOrigin ? `targetOrigin ${e.targetOrigin}` : '',
    e.carriesSession ? 'carries a session cookie (masked)' : '',
    m.problem ?? '',
    `seen in ${e.seenIn}`,
  ].filter(Boolean);
  const payload = summarize(maskSecrets(e.data).value);
  return `${parts.join(' · ')}\n${payload.length > PAYLOAD_PREVIEW ? `${payload.slice(0, PAYLOAD_PREVIEW)}…` : payload}`;
}
