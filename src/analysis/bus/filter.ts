// The bus list's filter: free text plus `kind:`, `plugin:`, `outcome:` tokens, `-` negates.
// Parsing never throws: what it cannot use it reports in `errors` (shown under the filter box).
import type { BusKind, Row } from './bus-model';

export type FilterField = 'kind' | 'plugin' | 'outcome';

export interface FilterClause {
  field: FilterField;
  /** Lowercased. */
  value: string;
  negate: boolean;
}

export interface ParsedFilter {
  /** Lowercased words (or quoted phrases) that must all occur; `-word` ones must not. */
  words: string[];
  notWords: string[];
  clauses: FilterClause[];
  errors: string[];
  /** True when nothing filters: every row passes. */
  empty: boolean;
}

const KINDS: readonly BusKind[] = ['event', 'command', 'plugin', 'other'];
const OUTCOMES = ['resolved', 'rejected', 'cancelled', 'pending'];
const FIELDS: readonly FilterField[] = ['kind', 'plugin', 'outcome'];

/** Splits on whitespace, keeping "quoted phrases" together (also after `-` or `key:`). */
function tokenize(input: string, errors: string[]): string[] {
  const tokens: string[] = [];
  const re = /(?:[^\s"]+|"[^"]*"?)+/g;
  for (const m of input.matchAll(re)) {
    const raw = m[0];
    if ((raw.match(/"/g)?.length ?? 0) % 2) errors.push(`Unclosed quote in ${raw}`);
    tokens.push(raw.replace(/"/g, ''));
  }
  return tokens;
}

export function parseFilter(input: string): ParsedFilter {
  const errors: string[] = [];
  const words: string[] = [];
  const notWords: string[] = [];
  const clauses: FilterClause[] = [];
  const text = typeof input === 'string' ? input : '';
  for (const token of tokenize(text, errors)) {
    const negate = token.startsWith('-') && token.length > 1;
    const body = negate ? token.slice(1) : token;
    const m = /^([a-zA-Z]+):(.*)$/.exec(body);
    const field = m?.[1]!.toLowerCase() as FilterField | undefined;
    if (m && field && FIELDS.includes(field)) {
      const value = m[2]!.toLowerCase();
      if (!value) errors.push(`${field}: needs a value`);
      else if (field === 'kind' && !KINDS.includes(value as BusKind)) errors.push(`Unknown kind "${m[2]}": use ${KINDS.join(', ')}`);
      else if (field === 'outcome' && !OUTCOMES.includes(value)) errors.push(`Unknown outcome "${m[2]}": use ${OUTCOMES.join(', ')}`);
      else clauses.push({ field, value, negate });
      continue;
    }
    if (m && !m[2]!.startsWith('//')) {
      errors.push(`"${m[1]}:" is not a filter key (searched as text); keys: ${FIELDS.join(', ')}`);
    }
    const word = body.toLowerCase();
    if (!word) continue;
    (negate ? notWords : words).push(word);
  }
  return { words, notWords, clauses, errors, empty: !words.length && !notWords.length && !clauses.length };
}

function clauseMatches(row: Exclude<Row, { kind: 'nav' }>, c: FilterClause): boolean {
  switch (c.field) {
    case 'kind':
      return row.kind === c.value;
    case 'plugin':
      return row.sourceLower === c.value || row.namespace === c.value;
    case 'outcome':
      return row.kind === 'command' && (row.outcome?.outcome ?? 'pending') === c.value;
  }
}

/**
 * Whether a row passes. Positive clauses of one field are alternatives (`kind:event kind:command`),
 * different fields must all hold, negated clauses and words exclude. Separators always pass.
 */
export function matchRow(row: Row, f: ParsedFilter): boolean {
  if (f.empty || row.kind === 'nav') return true;
  for (const w of f.words) if (!row.search.includes(w)) return false;
  for (const w of f.notWords) if (row.search.includes(w)) return false;
  if (!f.clauses.length) return true;
  for (const field of FIELDS) {
    let any = false;
    let hit = false;
    for (const c of f.clauses) {
      if (c.field !== field) continue;
      const m = clauseMatches(row, c);
      if (c.negate) {
        if (m) return false;
      } else {
        any = true;
        hit ||= m;
      }
    }
    if (any && !hit) return false;
  }
  return true;
}

export function usesOutcome(f: ParsedFilter): boolean {
  return f.clauses.some((c) => c.field === 'outcome');
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
      if (matchRow(row, filter)) this.rows.push(row);
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
