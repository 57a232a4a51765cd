// One-line summaries of captured payloads for the bus list, and the labels of `$cx` markers
// (see CopyMarker in protocol.ts) shared with the panel's JSON tree.
import type { CopyMarker, Copied } from '../../shared/protocol';
import { MASK, isSecretKey, maskString } from './secrets';
import { CUT_DEPTH, CUT_SIZE, clipText, textOf } from './bounded';

export const SUMMARY_MAX = 120;
/** Levels summarize descends at most, whatever the markers: it prints two, the rest as `…`. */
const SUMMARY_DEPTH = 8;

const MARKER_KINDS = new Set<string>([
  'cycle', 'function', 'dom', 'jquery', 'window', 'string', 'array', 'object', 'depth', 'budget', 'threw',
  'undefined', 'number', 'bigint', 'symbol', 'date', 'regexp', 'error', 'map', 'set', 'escaped', 'too-large', 'accessor',
]);

/** A `$cx` marker object. Records come from the page, so a marker's fields are checked where used. */
export function isMarker(v: Copied | undefined): v is Copied & CopyMarker {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof v.$cx === 'string' && MARKER_KINDS.has(v.$cx);
}

/** Number with thousands separators: 5,000,000. */
export function formatCount(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : String(n);
}

/** "1 event", "2,500 events": a count with the word in the right number; `many` for a word whose
 *  plural is not the word with an s ("1 info", "3 info"). */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** The largest time (ms from the epoch, either way) a Date holds: a page or a file may say any
 *  number, and `new Date(1e300).toISOString()` throws. */
export const MAX_DATE_MS = 8.64e15;

/** Whether a Date can hold this time. */
export function isDateTime(ms: unknown): ms is number {
  return typeof ms === 'number' && Number.isFinite(ms) && Math.abs(ms) <= MAX_DATE_MS;
}

/** ISO 8601 of a time, or `fallback` for one no Date holds. */
export function isoTime(ms: number, fallback = 'an invalid time'): string {
  return isDateTime(ms) ? new Date(ms).toISOString() : fallback;
}

/** Local wall-clock time hh:mm:ss.mmm of an epoch-ms timestamp. */
export function formatClock(ms: number): string {
  if (!isDateTime(ms)) return '--:--:--.---';
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

/** Duration for "pending 3.2 s", "pending 2 min". */
export function formatDuration(ms: number): string {
  if (Number.isNaN(ms) || ms < 0) ms = 0;
  if (ms === Infinity) return 'forever';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min`;
  return `${Math.floor(ms / 3_600_000)} h`;
}

const num = (v: unknown): number => (typeof v === 'number' ? v : NaN);

/** `<div#x>` for a DOM description, whether or not the hook already wrote the brackets. */
function domLabel(description: unknown): string {
  const d = textOf(description);
  return d.startsWith('<') ? d : `<${d}>`;
}

/**
 * The label of a marker as the detail pane shows it (long form): "⟳ cycle → $.a.b", "ƒ open",
 * "string cut: 10,000 of 5,000,000 chars". For containers (cut array/object, map, set, escaped)
 * it is the caption; their children are rendered by the caller.
 */
export function markerLabel(m: CopyMarker): string {
  return clipText(markerText(m), LABEL_MAX);
}

/** Characters of a marker's label: its fields come from the page. */
const LABEL_MAX = 10_000;

function markerText(m: CopyMarker): string {
  const r = m as unknown as Record<string, unknown>;
  switch (m.$cx) {
    case 'cycle': return `⟳ cycle → ${textOf(r.path)}`;
    case 'function': return `ƒ ${textOf(r.name) || '(anonymous)'}`;
    case 'dom': return domLabel(r.description);
    case 'jquery': return `jQuery(${formatCount(num(r.length))}) ${textOf(r.description)}`.trim();
    case 'window': return '[Window]';
    case 'string': return `string cut: ${formatCount(textOf(r.head).length)} of ${formatCount(num(r.length))} chars`;
    case 'array': return `array cut: ${formatCount(Array.isArray(r.items) ? r.items.length : 0)} of ${formatCount(num(r.length))} items`;
    case 'object': return `object cut: ${formatCount(isPlainObject(r.entries) ? Object.keys(r.entries).length : 0)} of ${formatCount(num(r.keys))} keys`;
    case 'depth': return `${textOf(r.type) || 'value'} nested too deep (not copied)`;
    case 'budget': return 'payload size budget used up (not copied)';
    case 'threw': return `⚠ getter threw: ${textOf(r.message)}`;
    case 'accessor': return `accessor (${[r.get === true ? 'get' : '', r.set === true ? 'set' : ''].filter(Boolean).join('/') || 'none'}), not read`;
    case 'undefined': return 'undefined';
    case 'number': return textOf(r.value);
    case 'bigint': return `${textOf(r.value)}n`;
    case 'symbol': return `Symbol(${textOf(r.description)})`;
    case 'date': return `Date ${textOf(r.iso)}`;
    case 'regexp': return `/${textOf(r.source)}/`;
    case 'error': return `${textOf(r.name) || 'Error'}: ${textOf(r.message)}`;
    case 'map': return `Map(${formatCount(num(r.size))})`;
    case 'set': return `Set(${formatCount(num(r.size))})`;
    case 'escaped': return 'object with a $cx key';
    case 'too-large': return `too large to send (${formatCount(num(r.chars))} chars of JSON, not shown)`;
  }
}

/** An object of a payload that is not an array (it may be a `$cx` marker). */
export function isPlainObject(v: unknown): v is { [key: string]: Copied } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A one-line summary of a payload, at most `max` characters: `type: "Text", text: "hi"`.
 * Secrets are masked (the list always shows masked values). Walks only what it prints, so
 * a huge payload costs no more than a small one.
 */
export function summarize(value: Copied, max = SUMMARY_MAX): string {
  const out = new Writer(max);
  if (isPlainObject(value) && !isMarker(value)) writeEntries(out, value, 0);
  else writeValue(out, value, 0);
  return out.text();
}

/** The entries of an object as summarize writes a top-level one, even if it has a `$cx` key
 *  (the page's own object inside an `escaped` marker). */
export function summarizeEntries(obj: { [key: string]: Copied }, max = SUMMARY_MAX): string {
  const out = new Writer(max);
  writeEntries(out, obj, 0);
  return out.text();
}

/** Collects text up to a limit; `full` tells writers to stop early. */
class Writer {
  private parts: string[] = [];
  private length = 0;
  constructor(private readonly max: number) {}
  get full(): boolean {
    return this.length >= this.max;
  }
  add(s: string): void {
    if (this.full) return;
    this.parts.push(s);
    this.length += s.length;
  }
  text(): string {
    return clipText(this.parts.join(''), this.max);
  }
}

/** Characters of a string quote() reads: it shows at most a few dozen, and a page's string can
 *  be megabytes. The window is wide enough that a JWT starting in what is shown is masked. */
const QUOTE_WINDOW = 65_536;

function quote(s: string, max: number): string {
  const flat = maskString(s.length > QUOTE_WINDOW ? s.slice(0, QUOTE_WINDOW) : s).replace(/\s+/g, ' ');
  return JSON.stringify(flat.length > max ? flat.slice(0, max) + '…' : flat);
}

function writeEntries(out: Writer, obj: { [key: string]: Copied }, depth: number): void {
  let first = true;
  for (const key in obj) {
    if (out.full) return;
    if (!first) out.add(', ');
    first = false;
    out.add(/^[\w$]+$/.test(key) ? key : JSON.stringify(key));
    out.add(': ');
    const v = obj[key];
    if (isSecretKey(key) && v !== null && v !== false && v !== '') out.add(MASK);
    else writeValue(out, v, depth + 1);
  }
}

function writeItems(out: Writer, items: Copied[], depth: number, total = items.length): void {
  out.add('[');
  for (let i = 0; i < items.length && !out.full; i++) {
    if (i) out.add(', ');
    writeValue(out, items[i], depth + 1);
  }
  if (total > items.length) out.add(`, … ${formatCount(total - items.length)} more`);
  out.add(']');
}

function writeValue(out: Writer, v: Copied | undefined, depth: number): void {
  if (v === undefined) return out.add('undefined');
  if (depth > SUMMARY_DEPTH || out.full) return out.add('…');
  if (v === null || typeof v === 'boolean' || typeof v === 'number') return out.add(String(v));
  if (typeof v === 'string') return out.add(v === CUT_DEPTH || v === CUT_SIZE ? '…' : quote(v, 60));
  if (Array.isArray(v)) return depth > 1 ? out.add(`Array(${v.length})`) : writeItems(out, v, depth);
  if (isMarker(v)) return writeMarker(out, v, depth);
  writeObject(out, v, depth);
}

function writeObject(out: Writer, v: { [key: string]: Copied }, depth: number): void {
  if (depth > 1) return out.add(hasKeys(v) ? '{…}' : '{}');
  out.add('{');
  writeEntries(out, v, depth);
  out.add('}');
}

function hasKeys(v: object): boolean {
  for (const _ in v) return true;
  return false;
}

function writeMarker(out: Writer, m: CopyMarker, depth: number): void {
  const r = m as unknown as Record<string, unknown>;
  switch (m.$cx) {
    case 'string':
      return out.add(`${quote(textOf(r.head), 40)} (${formatCount(num(r.length))} chars)`);
    case 'array': {
      const items = Array.isArray(r.items) ? (r.items as Copied[]) : [];
      return depth > 1 ? out.add(`Array(${formatCount(num(r.length))})`) : writeItems(out, items, depth, num(r.length) || items.length);
    }
    case 'object':
      if (depth > 1 || !isPlainObject(r.entries)) return out.add('{…}');
      out.add('{');
      writeEntries(out, r.entries, depth);
      return out.add(', …}');
    case 'escaped': {
      // The page's own object that had a `$cx` key: its entries as they are, not read as a
      // marker again (a chain of escapes would otherwise be followed without end).
      const inner = r.value as Copied;
      if (isMarker(inner) && inner.$cx === 'object') return writeMarker(out, inner, depth);
      return isPlainObject(inner) ? writeObject(out, inner, depth) : writeValue(out, inner, depth + 1);
    }
    case 'cycle':
      return out.add('⟳ cycle');
    case 'depth':
    case 'budget':
      return out.add('…');
    default:
      return out.add(markerLabel(m));
  }
}
