// The filter grammar every list filter shares (the Bus view's today), parsed once into terms; the
// list decides what a term means for its rows (src/analysis/bus/filter.ts). No DOM, no chrome.*.
//
//   filter  := group ( 'OR' group )*        OR binds looser than the implicit AND: `a b OR c` is (a b) OR c
//   group   := term+                         every term must hold
//   term    := '-'? ( word | "phrase" | /regex/flags | key ':' value )
//   key     := name ( '.' name )*            a keyword (kind, plugin...) or a record field path (data.message.type)
//   value   := word | "phrase" | /regex/flags
//
// Parsing never throws: input that does not parse gives the position and the reason.

/** Characters of filter text parsed at most. */
export const FILTER_MAX_CHARS = 2000;
/** Characters of one regular expression's pattern at most. */
export const REGEX_MAX_CHARS = 200;

export type TermValue = { text: string } | { re: RegExp };

export type Term =
  /** Free text (lowercased): a word or a quoted phrase. */
  | { type: 'text'; text: string; negate: boolean }
  /** A regular expression over the row's text. */
  | { type: 'regex'; re: RegExp; negate: boolean }
  /** `key:value`; key as written (keywords compared lowercased by the list), text values lowercased. */
  | { type: 'field'; key: string; value: TermValue; negate: boolean };

export interface FilterError {
  /** 0-based index into the filter text. */
  at: number;
  reason: string;
}

/** Alternatives (OR) of groups whose terms must all hold (AND). */
export type Query = Term[][];

export type ParseResult = { ok: true; query: Query } | { ok: false; error: FilterError };

export interface GrammarOptions {
  /** Whether `key` (as written) may come before a colon; else the reason it may not. */
  checkKey(key: string): true | string;
  /** A keyword's value check (kind:event); undefined or true when any value is fine. */
  checkValue?(key: string, value: TermValue): true | string;
}

const KEY = /^[A-Za-z_$][\w$]*(?:\.[\w$]+)*(?=:)/;
const ALLOWED_FLAGS = 'imsu';

class ParseError extends Error {
  constructor(readonly at: number, readonly reason: string) {
    super(reason);
  }
}

export function parseQuery(input: unknown, options: GrammarOptions): ParseResult {
  const text = typeof input === 'string' ? input : '';
  if (text.length > FILTER_MAX_CHARS) {
    return { ok: false, error: { at: FILTER_MAX_CHARS, reason: `The filter is longer than ${FILTER_MAX_CHARS.toLocaleString('en-US')} characters` } };
  }
  try {
    return { ok: true, query: new Parser(text, options).parse() };
  } catch (error) {
    if (error instanceof ParseError) return { ok: false, error: { at: error.at, reason: error.reason } };
    return { ok: false, error: { at: 0, reason: 'The filter could not be read' } };
  }
}

/** The texts between the filter's top-level ORs, trimmed (one text when it has none), or null
 *  when it does not parse: a term added to each keeps `a OR b` meaning *(a and term) or (b and term)*. */
export function splitOr(input: string, options: GrammarOptions): string[] | null {
  if (input.length > FILTER_MAX_CHARS) return null;
  const parser = new Parser(input, options);
  try {
    parser.parse();
  } catch {
    return null;
  }
  const out: string[] = [];
  let from = 0;
  for (const at of parser.ors) {
    out.push(input.slice(from, at).trim());
    from = at + 2;
  }
  out.push(input.slice(from).trim());
  return out;
}

/** "at 12: reason" with the position counted from 1, as people count. */
export function describeError(error: FilterError): string {
  return `Column ${error.at + 1}: ${error.reason}`;
}

class Parser {
  private pos = 0;
  /** Where each top-level OR starts. */
  readonly ors: number[] = [];

  constructor(private readonly s: string, private readonly options: GrammarOptions) {}

  parse(): Query {
    const groups: Query = [];
    let group: Term[] = [];
    let orAt = -1;
    for (;;) {
      this.skipSpace();
      if (this.pos >= this.s.length) break;
      const start = this.pos;
      if (this.isOr()) {
        if (!group.length) throw new ParseError(start, orAt >= 0 ? 'OR twice in a row: put a term between them' : 'OR needs a term before it');
        groups.push(group);
        group = [];
        orAt = start;
        this.ors.push(start);
        this.pos += 2;
        continue;
      }
      group.push(this.term());
      orAt = -1;
    }
    if (orAt >= 0) throw new ParseError(orAt, 'OR needs a term after it');
    if (group.length) groups.push(group);
    return groups;
  }

  /** An uppercase OR standing alone (`or`, `OR.x`, `"OR"` are text). */
  private isOr(): boolean {
    return this.s.startsWith('OR', this.pos) && this.endsToken(this.pos + 2);
  }

  private endsToken(at: number): boolean {
    return at >= this.s.length || /\s/.test(this.s[at]!);
  }

  private skipSpace(): void {
    while (this.pos < this.s.length && /\s/.test(this.s[this.pos]!)) this.pos++;
  }

  private term(): Term {
    const s = this.s;
    let negate = false;
    if (s[this.pos] === '-' && !this.endsToken(this.pos + 1)) {
      negate = true;
      this.pos++;
    }
    if (s[this.pos] === '/') {
      const re = this.regex();
      return { type: 'regex', re, negate };
    }
    const key = KEY.exec(s.slice(this.pos, this.pos + 300))?.[0];
    // `http://…` and the like stay text.
    if (key !== undefined && !s.startsWith('//', this.pos + key.length + 1)) {
      const keyAt = this.pos;
      const checked = this.options.checkKey(key);
      if (checked !== true) throw new ParseError(keyAt, checked);
      this.pos += key.length + 1;
      if (this.endsToken(this.pos)) throw new ParseError(keyAt, `${key}: needs a value`);
      const valueAt = this.pos;
      const value: TermValue = s[this.pos] === '/' ? { re: this.regex() } : { text: this.word().toLowerCase() };
      const ok = this.options.checkValue?.(key, value) ?? true;
      if (ok !== true) throw new ParseError(valueAt, ok);
      return { type: 'field', key, value, negate };
    }
    const start = this.pos;
    const word = this.word();
    if (!word) throw new ParseError(start, 'Empty quotes: put text between them');
    return { type: 'text', text: word.toLowerCase(), negate };
  }

  /** Text up to the next space outside quotes; quotes keep spaces and are dropped. */
  private word(): string {
    const s = this.s;
    let out = '';
    while (this.pos < s.length && !/\s/.test(s[this.pos]!)) {
      if (s[this.pos] === '"') {
        const close = s.indexOf('"', this.pos + 1);
        if (close < 0) throw new ParseError(this.pos, 'Unclosed quote: end the phrase with "');
        out += s.slice(this.pos + 1, close);
        this.pos = close + 1;
      } else {
        out += s[this.pos++];
      }
    }
    return out;
  }

  /** `/pattern/flags` at pos, always case-insensitive. */
  private regex(): RegExp {
    const s = this.s;
    const start = this.pos;
    let i = start + 1;
    let inClass = false;
    for (; i < s.length; i++) {
      const c = s[i];
      if (c === '\\') i++;
      else if (c === '[') inClass = true;
      else if (c === ']') inClass = false;
      else if (c === '/' && !inClass) break;
    }
    if (i >= s.length) throw new ParseError(start, 'Unclosed regular expression: end it with / (or put the text in quotes)');
    const pattern = s.slice(start + 1, i);
    let j = i + 1;
    while (j < s.length && /[a-z]/i.test(s[j]!)) j++;
    const flags = s.slice(i + 1, j);
    if (!this.endsToken(j)) throw new ParseError(j, 'Text right after a regular expression: put a space after it (or put the whole in quotes)');
    this.pos = j;
    if (!pattern) throw new ParseError(start, 'Empty regular expression');
    if (pattern.length > REGEX_MAX_CHARS) throw new ParseError(start, `Regular expression longer than ${REGEX_MAX_CHARS} characters`);
    for (const f of flags) {
      if (!ALLOWED_FLAGS.includes(f)) throw new ParseError(i + 1, `Flag ${f} is not allowed here (allowed: i, m, s, u)`);
    }
    const slow = slowShape(pattern);
    if (slow >= 0) throw new ParseError(start + 1 + slow, 'A repeated group that itself repeats or has alternatives, e.g. (a+)+ or (a|b)*, can take very long: write it without the outer repetition');
    let flagSet = 'i';
    for (const f of flags) if (!flagSet.includes(f)) flagSet += f;
    try {
      return new RegExp(pattern, flagSet);
    } catch (error) {
      const message = error instanceof Error ? error.message.replace(/^Invalid regular expression: /, '') : String(error);
      throw new ParseError(start, `Not a valid regular expression: ${message}`);
    }
  }
}

/**
 * Where a pattern has a group repeated without bound (`*`, `+`, `{n,}` or `{n,m}`) that holds a
 * repetition or an alternative (`(a+)+`, `(a|aa)*`): the shapes whose backtracking can take
 * exponential time, and a filter runs on the panel's thread. The index of the group, or -1.
 */
export function slowShape(pattern: string): number {
  const stack: { at: number; risky: boolean }[] = [];
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') stack.push({ at: i, risky: false });
    else if (c === '|' && stack.length) stack[stack.length - 1]!.risky = true;
    else if ((c === '*' || c === '+' || c === '{' || (c === '?' && pattern[i - 1] !== '(')) && stack.length) stack[stack.length - 1]!.risky = true;
    else if (c === ')') {
      const group = stack.pop();
      if (!group) continue;
      const next = pattern[i + 1];
      if (group.risky && (next === '*' || next === '+' || next === '{')) return group.at;
      // A group with a repetition inside makes its enclosing group risky too.
      if (group.risky && stack.length) stack[stack.length - 1]!.risky = true;
    }
  }
  return -1;
}
