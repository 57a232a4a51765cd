// Bounds for every walk over page data in the panel. Records come from the page: a look-alike
// batch can hold a value nested 100,000 levels deep or with millions of entries, and a walk
// that recurses without a bound overflows the stack (RangeError) or stalls the panel. Each walk
// has its own limits; what a walk cuts is replaced by a visible mark, never dropped silently.
import type { Copied } from '../../shared/protocol';

/** Levels a display walk descends (the page hook's copies stop at 12). */
export const DISPLAY_DEPTH = 64;
/** Values one walk visits (the page hook copies at most 20,000 per payload). */
export const WALK_NODES = 100_000;
/** What stands for a container nested deeper than a walk goes. */
export const CUT_DEPTH = '… (deeper levels not shown)';
/** What stands for the rest of a container once a walk has visited its share of values. */
export const CUT_SIZE = '… (the rest is not shown: too large)';
/** The key under which an object's cut rest is marked. */
export const CUT_KEY = '…';

export interface WalkLimits {
  /** Containers below this many levels become CUT_DEPTH. */
  maxDepth?: number;
  /** Values visited before the rest of each container becomes CUT_SIZE. */
  maxNodes?: number;
}

export interface WalkHooks {
  /** A string's replacement (or the string itself). */
  string?(s: string): string;
  /** The replacement of an object's entry, or undefined to walk into its value. */
  entry?(obj: { [key: string]: Copied }, key: string, value: Copied): Copied | undefined;
}

export interface BoundedTree {
  value: Copied;
  /** How many containers (or rests of containers) were cut. */
  cut: number;
}

/**
 * A copy of a tree within the limits: containers deeper than maxDepth become CUT_DEPTH, and once
 * maxNodes values were visited, the rest of each open container becomes one CUT_SIZE entry.
 * Subtrees that nothing changed are shared, not copied. The recursion is at most maxDepth deep.
 */
export function boundTree(value: Copied, limits: WalkLimits = {}, hooks: WalkHooks = {}): BoundedTree {
  const maxDepth = limits.maxDepth ?? DISPLAY_DEPTH;
  const maxNodes = limits.maxNodes ?? WALK_NODES;
  let nodes = 0;
  let cut = 0;
  const walk = (v: Copied, depth: number): Copied => {
    if (typeof v === 'string') return hooks.string ? hooks.string(v) : v;
    if (v === null || typeof v !== 'object') return v;
    if (depth >= maxDepth) {
      cut++;
      return CUT_DEPTH;
    }
    if (Array.isArray(v)) {
      let out: Copied[] | null = null;
      for (let i = 0; i < v.length; i++) {
        if (++nodes > maxNodes) {
          // The items walked so far as the walk left them (cut ones stay cut).
          out = (out ?? v).slice(0, i);
          out.push(CUT_SIZE);
          cut++;
          break;
        }
        const item = walk(v[i]!, depth + 1);
        if (item !== v[i]) (out ??= v.slice())[i] = item;
      }
      return out ?? v;
    }
    let out: { [key: string]: Copied } | null = null;
    for (const key in v) {
      if (!Object.prototype.hasOwnProperty.call(v, key)) continue;
      if (++nodes > maxNodes) {
        out = copyUntil(out ?? v, key);
        setEntry(out, CUT_KEY, CUT_SIZE);
        cut++;
        break;
      }
      const item = v[key]!;
      const replaced = hooks.entry ? hooks.entry(v, key, item) : undefined;
      const next = replaced !== undefined ? replaced : walk(item, depth + 1);
      if (next !== item) setEntry((out ??= { ...v }), key, next);
    }
    return out ?? v;
  };
  return { value: walk(value, 0), cut };
}

/** The entries of obj before the key `stop`. */
function copyUntil(obj: { [key: string]: Copied }, stop: string): { [key: string]: Copied } {
  const out: { [key: string]: Copied } = {};
  for (const key in obj) {
    if (key === stop) break;
    if (Object.prototype.hasOwnProperty.call(obj, key)) setEntry(out, key, obj[key]!);
  }
  return out;
}

/** Sets an own entry, also one named `__proto__` (JSON.parse makes it an own key; assigning
 *  it would change the copy's prototype and lose the entry). */
function setEntry(obj: { [key: string]: Copied }, key: string, value: Copied): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

/**
 * JSON of a tree within the limits (see boundTree): what is cut is marked in the text, so the
 * JSON stays valid and says what it lacks. Native JSON.stringify recurses once per level; the
 * bounded copy is never deeper than maxDepth.
 */
export function boundedStringify(value: unknown, indent?: number, limits?: WalkLimits): string {
  return JSON.stringify(boundTree(value as Copied, limits).value, null, indent) ?? 'null';
}

/** Characters textOf keeps of a non-string value. */
export const TEXT_MAX = 500;

/**
 * A page value as text, for labels and keys: strings as they are, other primitives as String()
 * writes them, objects and arrays as short bounded JSON (String() of a nested array recurses
 * once per level: a deep one overflows the stack).
 */
export function textOf(v: unknown, max = TEXT_MAX): string {
  if (typeof v === 'string') return v;
  if (v === undefined || v === null) return '';
  if (typeof v !== 'object') return String(v);
  const json = boundedStringify(v, undefined, { maxDepth: 8, maxNodes: 200 });
  return clipText(json, max);
}

/** One line of an error for a mark or a status, with the error's name and cut to `max`
 *  characters: `RangeError: Maximum call stack size exceeded`. (The message alone, for every hop
 *  including the page: errorText in src/shared/error-text.ts.) */
export function errorLine(error: unknown, max = 200): string {
  let text: string;
  try {
    text = error instanceof Error ? `${error.name}: ${error.message}` : textOf(error);
  } catch {
    text = 'unknown error';
  }
  return clipText(text, max);
}

/** A page string cut to `max` characters for a cell, a title or a heading (a page can make any
 *  name megabytes long; the record itself keeps it whole). */
export function clipText(s: string, max: number): string {
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}
