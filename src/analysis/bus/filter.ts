// The bus list's filter: the shared grammar (src/analysis/filter/query.ts) applied to bus rows.
// Free text and /regex/ search a row's name, source and summary; `kind:`, `plugin:`, `outcome:` are
// keywords; any other `path:value` reads a field of the record (data.message.type:Finalizing).
// Parsing never throws; a filter that does not parse says where and why (`error`) and passes every
// row, so the view keeps the last good one. Matching never throws either.
import type { BusKind, BusRow, Row } from './bus-model';
import { describeError, parseQuery, type FilterError, type Term, type TermValue } from '../filter/query';

export type { FilterError } from '../filter/query';

export interface ParsedFilter {
  /** Whether a row passes (separators always do). */
  test(row: Row): boolean;
  /** Why the text does not parse: then every row passes (keep the last good filter instead). */
  error?: FilterError;
  /** The error as one sentence, or nothing. */
  errors: string[];
  /** True when nothing filters: every row passes. */
  empty: boolean;
  /** The filter reads commands' outcomes: it must run again when one arrives. */
  usesOutcome: boolean;
}

const KINDS: readonly BusKind[] = ['event', 'command', 'plugin', 'other'];
const OUTCOMES = ['resolved', 'rejected', 'cancelled', 'pending'];
const KEYWORDS = ['kind', 'plugin', 'outcome'];
/** Record fields a path may start with (the records the Bus lists: src/shared/protocol.ts). A
 *  command's `outcome.…` and `value.…` read its outcome record. */
const ROOTS = [
  'name', 'publisher', 'via', 'data', 'subscriber', 'id', 'commander', 'options', 'value', 'outcome',
  'action', 'names', 'ok', 't', 'time', 'truncated', 'pageMade', 'state', 'feature', 'detail', 'status',
];
/** Values one path may reach (arrays on the way are searched item by item). */
const PATH_VALUES_MAX = 1000;
/** Characters of a field's string value a term reads. */
const VALUE_CHARS_MAX = 10_000;

const PASS_ALL: ParsedFilter = { test: () => true, errors: [], empty: true, usesOutcome: false };

export const FILTER_HELP = [
  'Filter grammar:',
  '  words                 all must occur in the name, source or summary ("quoted phrase" keeps spaces)',
  '  a OR b                either side (OR in capitals; binds looser than the spaces between terms)',
  '  /regex/               a regular expression over the name, source and summary (case-insensitive; flags m s u)',
  '  kind:event            event, command, plugin or other; kind:event kind:command is either',
  '  plugin:WebChat        the publisher, commander or namespace',
  '  outcome:pending       a command\'s outcome: resolved, rejected, cancelled, pending',
  '  data.message.type:Finalizing   a record field by its dotted path, equal to the value (any item of an array)',
  '  data.text:/hello/     a record field matching a regular expression',
  '  -term                 negates any of these: -kind:plugin  -/typing/  -data.type:Notice',
].join('\n');

function checkKey(key: string): true | string {
  if (KEYWORDS.includes(key.toLowerCase())) return true;
  const root = key.split('.')[0]!;
  if (key.includes('.') ? ROOTS.includes(root) : ROOTS.includes(key)) return true;
  return `"${key}:" is not a filter key: use kind, plugin, outcome, or a record field path such as data.message.type (in quotes to search the text)`;
}

function checkValue(key: string, value: TermValue): true | string {
  const k = key.toLowerCase();
  if (!('text' in value) || !KEYWORDS.includes(k)) return true;
  if (k === 'kind' && !KINDS.includes(value.text as BusKind)) return `Unknown kind "${value.text}": use ${KINDS.join(', ')}`;
  if (k === 'outcome' && !OUTCOMES.includes(value.text)) return `Unknown outcome "${value.text}": use ${OUTCOMES.join(', ')}`;
  return true;
}

type Pred = (row: BusRow) => boolean;

export function parseFilter(input: string): ParsedFilter {
  const parsed = parseQuery(input, { checkKey, checkValue });
  if (!parsed.ok) return { ...PASS_ALL, error: parsed.error, errors: [describeError(parsed.error)], empty: false };
  const query = parsed.query;
  if (!query.length) return PASS_ALL;
  const groups = query.map(compileGroup);
  const test = (row: Row): boolean => {
    if (row.kind === 'nav') return true;
    try {
      for (const g of groups) if (g(row)) return true;
    } catch {
      /* a row no term could read: it does not match */
    }
    return false;
  };
  const usesOutcome = query.some((g) => g.some((t) => t.type === 'field' && /^(outcome|value)(\.|$)/i.test(t.key)));
  return { test, errors: [], empty: false, usesOutcome };
}

/** All terms must hold, except that positive keywords of one key are alternatives (kind:event
 *  kind:command), as the filter always had it. */
function compileGroup(terms: Term[]): Pred {
  const preds: Pred[] = [];
  const alternatives = new Map<string, Pred[]>();
  for (const term of terms) {
    const pred = compileTerm(term);
    const keyword = term.type === 'field' && !term.negate && KEYWORDS.includes(term.key.toLowerCase()) ? term.key.toLowerCase() : null;
    if (!keyword) {
      preds.push(pred);
      continue;
    }
    const list = alternatives.get(keyword);
    if (list) list.push(pred);
    else alternatives.set(keyword, [pred]);
  }
  for (const list of alternatives.values()) preds.push(list.length === 1 ? list[0]! : (row) => list.some((p) => p(row)));
  if (preds.length === 1) return preds[0]!;
  return (row) => {
    for (const p of preds) if (!p(row)) return false;
    return true;
  };
}

function compileTerm(term: Term): Pred {
  const pred = positive(term);
  return term.negate ? (row) => !pred(row) : pred;
}

function positive(term: Term): Pred {
  switch (term.type) {
    case 'text': {
      const text = term.text;
      return (row) => row.search.includes(text);
    }
    case 'regex': {
      // Each of name, source, summary is a line of the row's search text: ^ and $ anchor at each.
      const re = new RegExp(term.re.source, term.re.flags.includes('m') ? term.re.flags : term.re.flags + 'm');
      return (row) => re.test(row.search);
    }
    case 'field': {
      const key = term.key.toLowerCase();
      const value = term.value;
      if (KEYWORDS.includes(key)) return keyword(key, 'text' in value ? (s) => s === value.text : (s) => value.re.test(s));
      const path = term.key.split('.');
      const matches = valueMatcher(value);
      return (row) => {
        for (const v of valuesAt(row, path)) if (matches(v)) return true;
        return false;
      };
    }
  }
}

/** A keyword's test on the row's (lowercased) kind, plugin or outcome; `plugin:/^web/` too. */
function keyword(key: string, is: (s: string) => boolean): Pred {
  switch (key) {
    case 'kind':
      return (row) => is(row.kind);
    case 'plugin':
      return (row) => is(row.sourceLower) || is(row.namespace);
    default:
      return (row) => row.kind === 'command' && is(row.outcome?.outcome ?? 'pending');
  }
}

function valueMatcher(value: TermValue): (v: unknown) => boolean {
  if ('re' in value) {
    const re = value.re;
    return (v) => {
      const s = primitiveText(v);
      return s !== null && re.test(s.length > VALUE_CHARS_MAX ? s.slice(0, VALUE_CHARS_MAX) : s);
    };
  }
  const text = value.text;
  return (v) => {
    const s = primitiveText(v);
    return s !== null && s.length === text.length && s.toLowerCase() === text;
  };
}

function primitiveText(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  return null;
}

/** The values at a dotted path of the row's record (own data properties only: no getter, nothing
 *  from a prototype). An array on the way stands for its items (data.messages.type), unless the
 *  next step is an index (data.messages.0.type). At most PATH_VALUES_MAX values. */
function valuesAt(row: BusRow, path: readonly string[]): unknown[] {
  let values: unknown[] = [row.record];
  let from = 0;
  const root = path[0];
  if (row.kind === 'command' && (root === 'outcome' || root === 'value')) {
    // The command's outcome record (`outcome.value.x`), or its value directly (`value.x`).
    values = [root === 'outcome' ? row.outcome : row.outcome?.value];
    from = 1;
  }
  for (let i = from; i < path.length && values.length; i++) {
    const key = path[i]!;
    const next: unknown[] = [];
    for (const v of values) {
      if (Array.isArray(v) && !/^\d+$/.test(key)) {
        for (let j = 0; j < v.length && next.length < PATH_VALUES_MAX; j++) push(next, own(v[j], key));
      } else {
        push(next, own(v, key));
      }
    }
    values = next;
  }
  // A field holding an array matches when one of its items does (names:WebChat.open).
  const out: unknown[] = [];
  for (const v of values) {
    if (Array.isArray(v)) for (let j = 0; j < v.length && out.length < PATH_VALUES_MAX; j++) out.push(v[j]);
    else push(out, v);
  }
  return out;
}

function push(out: unknown[], v: unknown): void {
  if (v !== undefined && out.length < PATH_VALUES_MAX) out.push(v);
}

function own(v: unknown, key: string): unknown {
  if (typeof v !== 'object' || v === null) return undefined;
  const desc = Object.getOwnPropertyDescriptor(v, key);
  return desc && 'value' in desc ? desc.value : undefined;
}

/** Whether a row passes. */
export function matchRow(row: Row, f: ParsedFilter): boolean {
  return f.test(row);
}

export function usesOutcome(f: ParsedFilter): boolean {
  return f.usesOutcome;
}

/**
 * The filtered list, kept up to date incrementally: the bus model only appends rows and trims the
 * oldest, so each update filters only the rows that are new since the last one. It starts over
 * when the filter changes, the log was emptied (epoch), or an outcome arrived while the filter
 * looks at outcomes.
 */
export class FilteredRows {
  rows: Row[] = [];
  private filter: ParsedFilter | null = null;
  private epoch = -1;
  private outcomeVersion = -1;
  private lastKey = 0;

  update(source: readonly Row[], filter: ParsedFilter, epoch: number, outcomeVersion: number): Row[] {
    const restart = filter !== this.filter || epoch !== this.epoch || (usesOutcome(filter) && outcomeVersion !== this.outcomeVersion);
    this.filter = filter;
    this.epoch = epoch;
    this.outcomeVersion = outcomeVersion;
    if (restart) {
      this.rows = [];
      this.lastKey = 0;
    } else if (this.rows.length && source.length && this.rows[0]!.key < source[0]!.key) {
      // The model trimmed its oldest rows.
      const firstKey = source[0]!.key;
      this.rows = this.rows.slice(firstIndexWithKeyAtLeast(this.rows, firstKey));
    }
    const start = firstIndexWithKeyAtLeast(source, this.lastKey + 1);
    for (let i = start; i < source.length; i++) {
      const row = source[i]!;
      if (filter.test(row)) this.rows.push(row);
    }
    if (source.length) this.lastKey = Math.max(this.lastKey, source[source.length - 1]!.key);
    return this.rows;
  }
}

/** Rows are in increasing key order: binary search. */
function firstIndexWithKeyAtLeast(rows: readonly Row[], key: number): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (rows[mid]!.key < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
