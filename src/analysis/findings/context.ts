// What every rule reads, built once per computation from the tab's view models: the States
// timeline, the Bus rows, the Cookie sync verdict and violations, the hooks' latest status per
// document, the injection reports. Records the page made (`pageMade`) never reach a rule: the store
// feeds them to the Bus only (the other view models never take one), and the Bus rows and store
// records read here skip them.
import type { TabModels } from '../store/tab-models';
import type { TabRecord } from '../store/tab-store';
import type { BusRow } from '../bus/bus-model';
import type { Timeline } from '../states/timeline';
import { buildCookieSync, type CookieSync } from '../cookies/cookie-sync';
import type { InjectionError } from '../injection/injection-model';
import type { ChatNetworkEntry } from '../../shared/interaction-states';
import type { CaptureRecord, HookStatus, OutcomeRecord } from '../../shared/protocol';
import type { Evidence, Finding, Fix, RuleId, Severity } from './types';
import { clipText, errorLine } from '../text/bounded';
import { maskString } from '../text/secrets';

export interface FindingContext {
  now: number;
  timeline: Timeline;
  /** Events, commands (with their outcomes), registrations and other records, oldest first. */
  busRows: BusRow[];
  /** The same rows by kind, and events by name: rules look up what they read. */
  bus: { commands: BusRow[]; plugins: BusRow[]; events: ReadonlyMap<string, BusRow[]> };
  cookieSync: CookieSync;
  /** The latest status each document's hook sent, top document first. */
  statuses: { docId: string; top: boolean; status: HookStatus; time: number }[];
  /** Chat API responses the panel read from the network. */
  network: readonly ChatNetworkEntry[];
  /** A live document's hook tapped a bus (as the States tab judges it). Without one (a HAR, a page
   *  whose bus could not be tapped) the page's commands are not visible: a rule must not say that
   *  the page sent none. */
  busTapped: boolean;
  injection: { error?: InjectionError; records: TabRecord[] };
}

export type Rule = (ctx: FindingContext) => Finding[];

export function isPageMade(record: CaptureRecord | undefined): boolean {
  return (record as { pageMade?: unknown } | undefined)?.pageMade === true;
}

export function buildContext(models: TabModels, now: number): FindingContext {
  const { store } = models;
  // One pass over the store: the latest status per document, and whether the page made any record.
  const latest = new Map<string, { status: HookStatus; time: number }>();
  for (const { docId, record } of store.records) {
    if (isPageMade(record)) continue;
    if (record.t === 'status' && record.status && typeof record.status === 'object') latest.set(docId, { status: record.status, time: record.time });
  }
  const topIds = new Set([...store.docs.values()].filter((d) => d.frame.top && !d.gone).map((d) => d.frame.docId));
  const statuses = [...latest].map(([docId, s]) => ({ docId, top: topIds.has(docId), ...s }))
    .sort((a, b) => Number(b.top) - Number(a.top));

  const live = new Set(store.liveDocs().map((d) => d.frame.docId));
  const busTapped = statuses.some((s) => live.has(s.docId) && s.status.cxbus === 'tapped');
  const network = models.states.network.entries;
  const timeline = attempt('the States timeline', () => models.states.timeline(now));
  const docs = [...store.docs.values()];
  const cookieSync = attempt('the Cookie sync verdict', () => buildCookieSync(models.cookies, {
    frames: docs.map((d) => d.frame),
    gone: new Set(docs.filter((d) => d.gone).map((d) => d.frame.docId)),
    injection: models.injection.settings['cookie-provider'],
    now,
  }));

  const busRows: BusRow[] = [];
  const bus = { commands: [] as BusRow[], plugins: [] as BusRow[], events: new Map<string, BusRow[]>() };
  for (const row of models.bus.rows) {
    if (row.kind === 'nav' || isPageMade(row.record)) continue;
    busRows.push(row);
    if (row.kind === 'command') bus.commands.push(row);
    else if (row.kind === 'plugin') bus.plugins.push(row);
    else if (row.kind === 'event') {
      const list = bus.events.get(row.name);
      if (list) list.push(row);
      else bus.events.set(row.name, [row]);
    }
  }

  const injection: FindingContext['injection'] = { records: models.injection.records.filter((r) => !isPageMade(r.record)) };
  if (models.injection.error) injection.error = models.injection.error;
  return withUnavailable({ now, timeline, busRows, bus, cookieSync, statuses, network, busTapped, injection });
}

/** A part of the context that could not be computed from the tab's data. */
class Unavailable {
  constructor(readonly what: string, readonly error: unknown) {}
}

/** What a rule reading a part that could not be computed gets: that rule fails (its findings are
 *  unknown), the rules that do not read it go on. */
export class ContextUnavailable extends Error {
  constructor(what: string, cause: unknown) {
    super(`${what} could not be computed (${errorLine(cause)})`);
    this.name = 'ContextUnavailable';
  }
}

function attempt<T>(what: string, compute: () => T): T | Unavailable {
  try {
    return compute();
  } catch (error) {
    console.error(`CX Lens: ${what} could not be computed`, error);
    return new Unavailable(what, error);
  }
}

/** The context with each unavailable part as a property that throws ContextUnavailable when read. */
function withUnavailable(parts: { [K in keyof FindingContext]: FindingContext[K] | Unavailable }): FindingContext {
  const ctx = { ...parts } as FindingContext;
  for (const [key, value] of Object.entries(parts)) {
    if (!(value instanceof Unavailable)) continue;
    Object.defineProperty(ctx, key, {
      enumerable: true,
      get() {
        throw new ContextUnavailable(value.what, value.error);
      },
    });
  }
  return ctx;
}

// ---------------------------------------------------------------------------------------------
// Helpers the rules share.

/** Evidence rows a finding lists at most (the newest); firstSeen still counts every one. */
export const MAX_EVIDENCE = 20;
/** Characters of an evidence label. */
const LABEL_MAX = 200;

/** Characters of a label's text read at most (a page can make a name megabytes long). */
const LABEL_WINDOW = 65_536;

/** An evidence row's label: one line, secrets masked before it is cut (a secret cut in two
 *  would no longer look like one). */
export function label(text: string): string {
  return clipText(maskString(clipText(text, LABEL_WINDOW)).replace(/\s+/g, ' ').trim(), LABEL_MAX);
}

export function busEvidence(row: BusRow, text = `${row.name} ${row.summary}`): Evidence {
  const e: Evidence = { tab: 'bus', key: String(row.key), label: label(text) };
  if (Number.isFinite(row.time)) e.time = row.time;
  return e;
}

/** A command row's outcome, unless the page made it (then the command counts as pending). */
export function outcomeOf(row: BusRow): OutcomeRecord | undefined {
  return row.outcome && !isPageMade(row.outcome) ? row.outcome : undefined;
}

export interface FindingInput {
  rule: RuleId;
  severity: Severity;
  key: string;
  title: string;
  why: string;
  fix: Fix;
  evidence: Evidence[];
  /** When the evidence carries no time (a hook's status, a worker's report). */
  seen?: number;
  /** With `seen`: when it was last seen (else `seen`). */
  seenUntil?: number;
  sessionId?: string | null;
  /** The page's or the file's strings the texts quote (see Finding.quotes). */
  quotes?: readonly (string | null | undefined)[];
}

/** A finding; firstSeen/lastSeen from its evidence's times (else `seen`), evidence cut to the newest. */
export function finding(input: FindingInput): Finding {
  let first = Infinity;
  let last = -Infinity;
  for (const e of input.evidence) {
    if (e.time === undefined || !Number.isFinite(e.time)) continue;
    first = Math.min(first, e.time);
    last = Math.max(last, e.time);
  }
  if (first === Infinity) {
    first = input.seen ?? 0;
    last = Math.max(first, input.seenUntil ?? first);
  }
  const out: Finding = {
    rule: input.rule, severity: input.severity, key: input.key, title: input.title, why: input.why,
    evidence: input.evidence.length > MAX_EVIDENCE ? input.evidence.slice(-MAX_EVIDENCE) : input.evidence,
    fix: input.fix, firstSeen: first, lastSeen: last,
  };
  if (input.sessionId !== undefined) out.sessionId = input.sessionId;
  const quotes = [...new Set((input.quotes ?? []).filter((q): q is string => typeof q === 'string' && q.trim() !== ''))];
  if (quotes.length) out.quotes = quotes;
  return out;
}

/** The earliest of these times that is a finite number (undefined when none is): a loop, not
 *  `Math.min(...times)`, which takes every time as an argument and overflows on a long list. */
export function earliest(times: Iterable<number>): number | undefined {
  let min: number | undefined;
  for (const t of times) if (Number.isFinite(t) && (min === undefined || t < min)) min = t;
  return min;
}

/** Groups items by a key, in first-seen order. */
export function groupBy<T>(items: Iterable<T>, keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const list = groups.get(key);
    if (list) list.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
