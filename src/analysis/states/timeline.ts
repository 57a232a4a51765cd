// The States view's timeline model. Pure: takes the records CX Lens captured from one page and
// the chat API responses the panel read, and returns, per chat session, its segments with their
// states and customer/agent messages, merged across the bus and the network, the
// customer-after-finalizing edge case flagged, and the page's reaction to every
// Finalizing/Completed. The panel renders it as it is (see docs/finalize-handler.md).
import type { CaptureRecord, CommandOutcome, CommandRecord, Copied } from '../../shared/protocol';
import {
  FINALIZE_STATES, parseBusMessageReceived, parseChatResponse, sessionIdOf,
  type ChatFact, type ChatNetworkEntry, type ParseProblem, type StateSource,
} from '../../shared/interaction-states';

/** How long after a Finalizing/Completed the page has to react before it is reported `none`. */
export const REACTION_WINDOW_MS = 3000;

/** Commands that count as a reaction to a Finalizing/Completed, and what they mean. */
const REACTIONS: Record<string, 'inject' | 'end'> = {
  'WebChat.injectMessage': 'inject',
  'WebChat.endChat': 'end',
  'WebChatService.endChat': 'end',
};

/** The bus events the timeline reads: a session starts, ends, or carries chat messages. */
export const TIMELINE_EVENTS: ReadonlySet<string> = new Set([
  'WebChatService.started', 'WebChatService.ended', 'WebChatService.messageReceived',
]);

/** Whether a command named so can be a reaction to a Finalizing/Completed. */
export function isReactionCommand(name: unknown): boolean {
  return typeof name === 'string' && Object.hasOwn(REACTIONS, name);
}

/** `data-source` of a row: one source, or both as "bus network". */
export type SourceLabel = 'bus' | 'network' | 'bus network';

export interface Reaction {
  /** inject / end: the command that followed; none: nothing within the window (a warning);
   *  pending: the window is still open. */
  kind: 'inject' | 'end' | 'none' | 'pending';
  command?: string;
  /** The plugin that sent it (`CXLensFinalize` is CX Lens's own handler). */
  commander?: string;
  /** ms from when the state was seen to the command. */
  afterMs?: number;
  outcome?: CommandOutcome | 'pending';
  warning?: string;
}

interface RowBase {
  /** Stable key for rendering: message id, else index. */
  key: string;
  id?: string;
  index?: string;
  utcTime?: string;
  /** ms epoch, page clock, earliest sighting. */
  seenAt: number;
  sources: StateSource[];
  sourceLabel: SourceLabel;
  /** Only seen in restores or history pages. */
  history: boolean;
  synthetic: boolean;
  /** The message as each source carried it. */
  raw: { bus?: Copied; network?: Copied };
}

export interface StateRow extends RowBase {
  kind: 'state';
  state: string;
  known: boolean;
  /** For a live Finalizing/Completed: what the page did. null otherwise (other states, history). */
  reaction: Reaction | null;
}

export interface MessageRow extends RowBase {
  kind: 'message';
  from: 'customer' | 'agent';
  /** A customer message after Finalizing/Completed that opened a new segment (the guide's edge case). */
  flagged: boolean;
}

export type TimelineRow = StateRow | MessageRow;

export interface Segment {
  /** 1-based number within the session. */
  n: number;
  openedBy: 'start' | 'active' | 'customer-after-finalize';
  rows: TimelineRow[];
}

export interface EdgeFlag {
  segment: number;
  /** The customer message's row key. */
  messageKey: string;
  /** The Finalizing/Completed it came after. */
  afterState: string;
  afterStateKey: string;
  message: string;
}

export interface SessionTimeline {
  /** null when no source named the session (bus events before any session data). */
  sessionId: string | null;
  segments: Segment[];
  flags: EdgeFlag[];
}

export interface ResponseSummary {
  url: string;
  sessionId?: string;
  seenAt: number;
  history: boolean;
  /** Why the real Widgets transport could not process it; null when it is well formed. */
  malformed: string | null;
  states: number;
}

export interface Timeline {
  /** From the page's Widgets config (`transport.async.enabled`), as the hook reported it. */
  mode: 'async' | 'sync' | 'unknown';
  sessions: SessionTimeline[];
  /** Chat API message responses that were read, in order. */
  responses: ResponseSummary[];
  problems: ParseProblem[];
}

export interface TimelineInput {
  /** One document's captured records, in capture order. */
  records: readonly CaptureRecord[];
  /** Chat API responses from chrome.devtools.network (others are ignored). */
  network?: readonly ChatNetworkEntry[];
}

interface Merged {
  fact: ChatFact;
  sessionId?: string;
  sources: Set<StateSource>;
  raw: { bus?: Copied; network?: Copied };
  history: boolean;
  synthetic: boolean;
  seenAt: number;
  order: number;
}

export function buildTimeline(input: TimelineInput, now: number): Timeline {
  const problems: ParseProblem[] = [];
  const responses: ResponseSummary[] = [];
  const facts: ChatFact[] = [];
  const commands: CommandRecord[] = [];
  const outcomes = new Map<number, CommandOutcome>();
  let asyncEnabled: boolean | undefined;

  let currentSession: string | undefined;
  for (const r of input.records) {
    if (r.t === 'event') {
      if (r.name === 'WebChatService.started') currentSession = sessionIdOf(dataOf(r.data)) ?? currentSession;
      else if (r.name === 'WebChatService.ended') currentSession = undefined;
      else if (r.name === 'WebChatService.messageReceived') {
        const parsed = parseBusMessageReceived(r.data, r.time, currentSession);
        if (parsed.sessionId) currentSession = parsed.sessionId;
        append(facts, parsed.facts);
        append(problems, parsed.problems);
      }
    } else if (r.t === 'command' && isReactionCommand(r.name)) commands.push(r);
    else if (r.t === 'outcome') outcomes.set(r.id, r.outcome);
    else if (r.t === 'status' && r.status?.transport?.asyncEnabled !== undefined) asyncEnabled = r.status.transport.asyncEnabled;
  }
  for (const entry of input.network ?? []) {
    const parsed = parseChatResponse(entry);
    if (!parsed) continue;
    append(facts, parsed.facts);
    append(problems, parsed.problems);
    const summary: ResponseSummary = {
      url: entry.url,
      seenAt: entry.time,
      history: parsed.history,
      malformed: parsed.malformed ?? null,
      states: parsed.facts.filter((f) => f.kind === 'state').length,
    };
    if (parsed.sessionId) summary.sessionId = parsed.sessionId;
    responses.push(summary);
  }

  const merged = mergeFacts(facts);
  const bySession = new Map<string | null, Merged[]>();
  for (const m of merged) {
    const key = m.sessionId ?? null;
    let list = bySession.get(key);
    if (!list) bySession.set(key, (list = []));
    list.push(m);
  }
  commands.sort((a, b) => compareTimes(a.time, b.time));
  const sessions = Array.from(bySession, ([sessionId, list]) =>
    buildSession(sessionId, list.sort(compareMerged), commands, outcomes, now));

  return {
    mode: asyncEnabled === undefined ? 'unknown' : asyncEnabled ? 'async' : 'sync',
    sessions,
    responses,
    problems,
  };
}

/** Appends in a loop: `push(...items)` passes every item as an argument, and a response of a few
 *  hundred thousand items overflows the stack. */
function append<T>(to: T[], items: readonly T[]): void {
  for (const item of items) to.push(item);
}

/** WebChatService.started carries `{data: sessionData}`. */
function dataOf(v: Copied): Copied | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? v.data : undefined;
}

/** Deduplicates: the same message id is one row; without an id on both sides, the same index
 *  (normalised) within the same session, or where one side does not know its session. */
function mergeFacts(facts: readonly ChatFact[]): Merged[] {
  const out: Merged[] = [];
  const byId = new Map<string, Merged>();
  const byIndex = new IndexCandidates();
  facts.forEach((fact, order) => {
    let target = fact.id ? byId.get(fact.id) : undefined;
    if (!target && fact.index) target = byIndex.find(fact);
    if (target) {
      target.sources.add(fact.source);
      target.raw[fact.source] ??= fact.raw;
      target.history &&= fact.history;
      target.synthetic ||= fact.synthetic === true;
      target.seenAt = Math.min(target.seenAt, fact.seenAt);
      target.sessionId ??= fact.sessionId;
      if (!target.fact.id && fact.id) {
        target.fact = { ...target.fact, id: fact.id };
        byId.set(fact.id, target);
      }
      if (!target.fact.utcTime && fact.utcTime) target.fact = { ...target.fact, utcTime: fact.utcTime };
      return;
    }
    const m: Merged = {
      fact,
      sources: new Set([fact.source]),
      raw: { [fact.source]: fact.raw },
      history: fact.history,
      synthetic: fact.synthetic === true,
      seenAt: fact.seenAt,
      order,
    };
    if (fact.sessionId) m.sessionId = fact.sessionId;
    out.push(m);
    if (fact.id) byId.set(fact.id, m);
    if (fact.index) byIndex.add(m);
  });
  return out;
}

/** The rows a fact of the same kind and index may merge with, oldest first, per session (as the
 *  row had it when added, '' for none): all of them, and those without an id. A lookup reads the
 *  first of at most two lists (one per session when the fact has none), not every row of that
 *  index: a response can hold hundreds of thousands of messages of one index. */
class IndexCandidates {
  private readonly byKey = new Map<string, Map<string, { all: Merged[]; noId: Merged[]; noIdHead: number }>>();

  add(m: Merged): void {
    const key = `${m.fact.kind}\n${m.fact.index!}`;
    let sessions = this.byKey.get(key);
    if (!sessions) this.byKey.set(key, (sessions = new Map()));
    const session = m.sessionId ?? '';
    let lists = sessions.get(session);
    if (!lists) sessions.set(session, (lists = { all: [], noId: [], noIdHead: 0 }));
    lists.all.push(m);
    if (!m.fact.id) lists.noId.push(m);
  }

  /** The oldest row the fact merges with: same kind and index, not both with an id, and the same
   *  session unless one of them has none. */
  find(fact: ChatFact): Merged | undefined {
    const sessions = this.byKey.get(`${fact.kind}\n${fact.index!}`);
    if (!sessions) return undefined;
    let best: Merged | undefined;
    const consider = (session: string) => {
      const lists = sessions.get(session);
      const m = lists && (fact.id ? firstWithoutId(lists, fact) : first(lists.all, fact));
      if (m && (!best || m.order < best.order)) best = m;
    };
    if (fact.sessionId) {
      consider(fact.sessionId);
      consider('');
    } else {
      for (const session of sessions.keys()) consider(session);
    }
    return best;
  }
}

const sessionsMatch = (m: Merged, fact: ChatFact): boolean => !m.sessionId || !fact.sessionId || m.sessionId === fact.sessionId;

/** The first row of a list whose session matches (rows without a session when added may have got one since). */
function first(list: readonly Merged[], fact: ChatFact): Merged | undefined {
  for (const m of list) if (sessionsMatch(m, fact)) return m;
  return undefined;
}

/** The first row still without an id whose session matches; rows that got an id since are passed
 *  for good. */
function firstWithoutId(lists: { noId: Merged[]; noIdHead: number }, fact: ChatFact): Merged | undefined {
  while (lists.noIdHead < lists.noId.length && lists.noId[lists.noIdHead]!.fact.id) lists.noIdHead++;
  for (let i = lists.noIdHead; i < lists.noId.length; i++) {
    const m = lists.noId[i]!;
    if (!m.fact.id && sessionsMatch(m, fact)) return m;
  }
  return undefined;
}

/** Chat order: server time when known, else when seen; then index; then arrival. */
function compareMerged(a: Merged, b: Merged): number {
  const byTime = compareTimes(timeOf(a), timeOf(b));
  if (byTime !== 0) return byTime;
  const ia = a.fact.index;
  const ib = b.fact.index;
  if (ia && ib && ia !== ib && /^\d+$/.test(ia) && /^\d+$/.test(ib)) {
    const byValue = compareDigits(ia, ib);
    if (byValue !== 0) return byValue;
  }
  return a.order - b.order;
}

/** Two strings of decimal digits compared by their value, in one pass (BigInt of a page's
 *  megabyte-long index costs seconds). */
function compareDigits(a: string, b: string): number {
  const x = a.replace(/^0+/, '');
  const y = b.replace(/^0+/, '');
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

function timeOf(m: Merged): number {
  const t = m.fact.utcTime ? Date.parse(m.fact.utcTime) : NaN;
  return Number.isNaN(t) ? m.seenAt : t;
}

/** A sort comparison of two times that is a number whatever they are (Infinity - Infinity is NaN). */
function compareTimes(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isFinalizeState(state: string): boolean {
  return (FINALIZE_STATES as readonly string[]).includes(state);
}

function buildSession(
  sessionId: string | null,
  list: readonly Merged[],
  commands: readonly CommandRecord[],
  outcomes: ReadonlyMap<number, CommandOutcome>,
  now: number,
): SessionTimeline {
  const segments: Segment[] = [];
  const flags: EdgeFlag[] = [];
  let current: Segment | undefined;
  let lastState: StateRow | undefined; // last state of the current segment
  const open = (openedBy: Segment['openedBy']): Segment => {
    current = { n: segments.length + 1, openedBy, rows: [] };
    segments.push(current);
    lastState = undefined;
    return current;
  };

  for (const m of list) {
    const row = toRow(m);
    if (row.kind === 'state') {
      // An Active opens a segment, unless it is the first state of the one just opened
      // (by the chat's start or by the customer's message that caused it).
      if (!current) open(row.state === 'Active' ? 'active' : 'start');
      else if (row.state === 'Active' && lastState) open('active');
      if (isFinalizeState(row.state) && !row.history) row.reaction = reactionTo(row, commands, outcomes, now);
      lastState = row;
    } else if (row.from === 'customer' && lastState && isFinalizeState(lastState.state)) {
      const after = lastState;
      const segment = open('customer-after-finalize');
      row.flagged = true;
      flags.push({
        segment: segment.n,
        messageKey: row.key,
        afterState: after.state,
        afterStateKey: after.key,
        message: `The customer wrote after ${after.state}: this opened segment ${segment.n}, which an agent must handle`,
      });
    } else if (!current) open('start');
    current!.rows.push(row);
  }
  return { sessionId, segments, flags };
}

function toRow(m: Merged): TimelineRow {
  const sources = (['bus', 'network'] as const).filter((s) => m.sources.has(s));
  const base: RowBase = {
    key: m.fact.id ?? m.fact.index ?? `seen-${m.seenAt}-${m.order}`,
    seenAt: m.seenAt,
    sources,
    sourceLabel: sources.join(' ') as SourceLabel,
    history: m.history,
    synthetic: m.synthetic,
    raw: m.raw,
  };
  if (m.fact.id) base.id = m.fact.id;
  if (m.fact.index) base.index = m.fact.index;
  if (m.fact.utcTime) base.utcTime = m.fact.utcTime;
  return m.fact.kind === 'state'
    ? { ...base, kind: 'state', state: m.fact.state, known: m.fact.known, reaction: null }
    : { ...base, kind: 'message', from: m.fact.from, flagged: false };
}

/** The first reaction command sent from when the state was seen until the window closed. */
function reactionTo(
  row: StateRow,
  commands: readonly CommandRecord[],
  outcomes: ReadonlyMap<number, CommandOutcome>,
  now: number,
): Reaction {
  const deadline = row.seenAt + REACTION_WINDOW_MS;
  // The commands are sorted by time: the first at or after the state, found by halving.
  let lo = 0;
  let hi = commands.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (commands[mid]!.time < row.seenAt) lo = mid + 1;
    else hi = mid;
  }
  const c = lo < commands.length && commands[lo]!.time <= deadline ? commands[lo] : undefined;
  if (c) {
    return {
      kind: REACTIONS[c.name]!,
      command: c.name,
      commander: c.commander,
      afterMs: c.time - row.seenAt,
      outcome: outcomes.get(c.id) ?? 'pending',
    };
  }
  if (now < deadline) return { kind: 'pending' };
  return {
    kind: 'none',
    warning: `Nothing reacted to ${row.state} within ${REACTION_WINDOW_MS / 1000} s: the customer can still write and open a new segment`,
  };
}
