import type { Copied } from '../shared/protocol';

/**
 * Bounded, never-throwing copy of a page value into plain JSON (`Copied`), run IN THE PAGE by the
 * hook before anything crosses postMessage (structured clone throws on functions and DOM nodes,
 * JSON loses cycles). What cannot be copied as is becomes a `$cx` marker (see CopyMarker).
 *
 * | cap                | value  | what happens past it                                        |
 * |--------------------|--------|-------------------------------------------------------------|
 * | MAX_STRING_CHARS   | 10,000 | `{$cx:'string', head, length}`; only the head is read       |
 * | MAX_ARRAY_ITEMS    | 1,000  | `{$cx:'array', items, length}` (also Map/Set entries)       |
 * | MAX_OBJECT_KEYS    | 1,000  | `{$cx:'object', entries, keys}`                             |
 * | MAX_DEPTH          | 12     | containers nested deeper become `{$cx:'depth', type}`       |
 * | MAX_NODES          | 20,000 | values visited per payload; the rest become `{$cx:'budget'}`|
 *
 * `truncated` is true when anything was lost: a cap above, a function, DOM node, jQuery object or
 * window replaced by its description, or a getter / proxy trap that threw. Lossless encodings
 * (cycle references, undefined, NaN, bigint, symbol, Date, RegExp, Error, Map, Set, `$cx` escape)
 * do not set it.
 *
 * Reading a page object runs its getters and proxy traps (page code); each read is guarded, so a
 * throwing one becomes `{$cx:'threw', message}` and the copy goes on.
 */
export const MAX_STRING_CHARS = 10_000;
export const MAX_ARRAY_ITEMS = 1_000;
export const MAX_OBJECT_KEYS = 1_000;
export const MAX_DEPTH = 12;
export const MAX_NODES = 20_000;

export interface CopyResult {
  value: Copied;
  truncated: boolean;
}

// Intrinsics taken when this module loads (the hook runs before any page script), so a page that
// later patches Object.keys or Map.prototype.forEach cannot change how we copy.
const { keys: objectKeys, getPrototypeOf, defineProperty } = Object;
const { apply } = Reflect;
const isArray = Array.isArray;
const isView = ArrayBuffer.isView;
const objectProto = Object.prototype;
const arrayProto = Array.prototype;
const toStringTag = Object.prototype.toString;
const hasOwn = Object.prototype.hasOwnProperty;
const dateGetTime = Date.prototype.getTime;
const dateToISO = Date.prototype.toISOString;
const regexpSource = Object.getOwnPropertyDescriptor(RegExp.prototype, 'source')!.get!;
const regexpFlags = Object.getOwnPropertyDescriptor(RegExp.prototype, 'flags')!.get!;
const mapSize = Object.getOwnPropertyDescriptor(Map.prototype, 'size')!.get!;
const mapEntries = Map.prototype.entries;
const mapIteratorNext = getPrototypeOf(new Map().entries()).next;
const setSize = Object.getOwnPropertyDescriptor(Set.prototype, 'size')!.get!;
const setValues = Set.prototype.values;
const setIteratorNext = getPrototypeOf(new Set().values()).next;
const stringSlice = String.prototype.slice;

/** Copies `value` within the caps above. Never throws. */
export function safeCopy(value: unknown): CopyResult {
  // One copier is reused (a copy per record at every flush); a getter that copies re-entrantly
  // gets its own.
  const copier = spare ?? new Copier();
  spare = null;
  copier.truncated = false;
  copier.nodes = 0;
  try {
    const copied = copier.copy(value, 0);
    return { value: copied, truncated: copier.truncated };
  } finally {
    copier.ancestors.length = 0;
    spare = copier;
  }
}

let spare: Copier | null = null;

/** A page value as a short string for names (event and command names, registered names). */
export function safeName(value: unknown): { name: string; truncated: boolean } {
  let s: string;
  if (typeof value === 'string') s = value;
  else {
    try {
      s = String(value);
    } catch {
      s = '[unnamed]';
    }
  }
  if (s.length <= MAX_STRING_CHARS) return { name: s, truncated: false };
  return { name: apply(stringSlice, s, [0, MAX_STRING_CHARS]) as string, truncated: true };
}

class Copier {
  truncated = false;
  nodes = 0;
  /** Containers on the path from the root to the current value, and their keys (for cycle paths). */
  readonly ancestors: object[] = [];
  private readonly pathKeys: (string | number)[] = [];

  copy(value: unknown, depth: number): Copied {
    if (++this.nodes > MAX_NODES) return this.cut({ $cx: 'budget' });
    switch (typeof value) {
      case 'string':
        return value.length <= MAX_STRING_CHARS
          ? value
          : this.cut({ $cx: 'string', head: apply(stringSlice, value, [0, MAX_STRING_CHARS]) as string, length: value.length });
      case 'number':
        // -0 becomes 0: the copy is plain JSON, which has no negative zero.
        if (value === value && value !== Infinity && value !== -Infinity) return value === 0 ? 0 : value;
        return { $cx: 'number', value: value !== value ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity' };
      case 'boolean':
        return value;
      case 'undefined':
        return { $cx: 'undefined' };
      case 'bigint':
        return { $cx: 'bigint', value: value.toString() };
      case 'symbol':
        return { $cx: 'symbol', description: this.text(value.description ?? '') };
      case 'function':
        return this.cut({ $cx: 'function', name: this.text(this.read(value, 'name', '')) });
      default:
        if (value === null) return null;
        try {
          return this.copyObject(value as object, depth);
        } catch (error) {
          return this.threw(error);
        }
    }
  }

  private copyObject(obj: object, depth: number): Copied {
    const at = this.ancestors.indexOf(obj);
    if (at >= 0) return { $cx: 'cycle', path: this.path(at) };
    const proto = getPrototypeOf(obj);
    if (proto === objectProto) {
      if (depth >= MAX_DEPTH) return this.cut({ $cx: 'depth', type: 'object' });
      this.ancestors.push(obj);
      try {
        return this.entries(obj, depth);
      } finally {
        this.ancestors.pop();
      }
    }
    if (proto === arrayProto || isArray(obj)) return this.nested(obj, depth, 'array', () => this.items(obj as ArrayLike<unknown>, depth));
    return this.special(obj, proto, depth);
  }

  /** Class instances, host objects, null-prototype objects. */
  private special(obj: object, proto: object | null, depth: number): Copied {
    const any = obj as Record<string, unknown>;
    if (any.window === obj) return this.cut({ $cx: 'window' });
    if (proto !== null) {
      if (typeof any.jquery === 'string' && typeof any.length === 'number') {
        const first = any.length > 0 ? (any as unknown as ArrayLike<unknown>)[0] : undefined;
        return this.cut({ $cx: 'jquery', length: any.length, description: isDomNode(first) ? describeNode(first) : '' });
      }
      if (isDomNode(obj)) return this.cut({ $cx: 'dom', description: describeNode(obj) });
      switch (apply(toStringTag, obj, []) as string) {
        case '[object Date]': {
          const time = apply(dateGetTime, obj, []) as number; // throws unless a real Date
          return { $cx: 'date', iso: time === time ? (apply(dateToISO, obj, []) as string) : 'Invalid Date' };
        }
        case '[object RegExp]':
          return { $cx: 'regexp', source: this.text(apply(regexpSource, obj, []) as string), flags: apply(regexpFlags, obj, []) as string };
        case '[object Error]':
          return this.error(obj);
        case '[object Map]': {
          const size = apply(mapSize, obj, []) as number;
          return this.nested(obj, depth, 'map', () => ({ $cx: 'map', entries: this.collection(apply(mapEntries, obj, []), mapIteratorNext, size, depth, true), size }));
        }
        case '[object Set]': {
          const size = apply(setSize, obj, []) as number;
          return this.nested(obj, depth, 'set', () => ({ $cx: 'set', items: this.collection(apply(setValues, obj, []), setIteratorNext, size, depth, false), size }));
        }
      }
      if (obj instanceof Error) return this.error(obj);
      if (isView(obj)) return this.nested(obj, depth, 'array', () => this.items(obj as unknown as ArrayLike<unknown>, depth));
    }
    return this.nested(obj, depth, 'object', () => this.entries(obj, depth));
  }

  /** Enters a container: depth cap, cycle bookkeeping. */
  private nested(obj: object, depth: number, type: string, copyInside: () => Copied): Copied {
    if (depth >= MAX_DEPTH) return this.cut({ $cx: 'depth', type });
    this.ancestors.push(obj);
    try {
      return copyInside();
    } finally {
      this.ancestors.pop();
    }
  }

  private entries(obj: object, depth: number): Copied {
    const names = objectKeys(obj);
    const out: { [key: string]: Copied } = {};
    const count = Math.min(names.length, MAX_OBJECT_KEYS);
    for (let i = 0; i < count; i++) {
      let key = names[i];
      if (key.length > MAX_STRING_CHARS) {
        key = apply(stringSlice, key, [0, MAX_STRING_CHARS]) as string;
        this.truncated = true;
      }
      this.pathKeys[depth] = key;
      let item: Copied;
      try {
        item = this.copy((obj as Record<string, unknown>)[names[i]], depth + 1);
      } catch (error) {
        item = this.threw(error);
      }
      if (key === '__proto__') defineProperty(out, key, { value: item, enumerable: true, writable: true, configurable: true });
      else out[key] = item;
    }
    const result: Copied = names.length > MAX_OBJECT_KEYS
      ? this.cut({ $cx: 'object', entries: out, keys: names.length })
      : out;
    // A page object that itself has a `$cx` key would read as one of our markers: escape it.
    return apply(hasOwn, obj, ['$cx']) ? { $cx: 'escaped', value: result } : result;
  }

  private items(list: ArrayLike<unknown>, depth: number): Copied {
    const raw: unknown = list.length; // a proxy's trap may answer anything
    const length = typeof raw === 'number' && raw >= 0 ? Math.floor(raw) : 0;
    const out: Copied[] = [];
    for (let i = 0; i < length && i < MAX_ARRAY_ITEMS; i++) {
      this.pathKeys[depth] = i;
      let item: Copied;
      try {
        item = this.copy(list[i], depth + 1);
      } catch (error) {
        item = this.threw(error);
      }
      out.push(item);
    }
    return length > MAX_ARRAY_ITEMS ? this.cut({ $cx: 'array', items: out, length }) : out;
  }

  /** Map entries as [key, value] pairs, Set items; at most MAX_ARRAY_ITEMS. */
  private collection(iterator: object, next: Function, size: number, depth: number, pairs: boolean): Copied[] {
    const out: Copied[] = [];
    if (size > MAX_ARRAY_ITEMS) this.truncated = true;
    for (let i = 0; i < MAX_ARRAY_ITEMS; i++) {
      const step = apply(next, iterator, []) as IteratorResult<unknown>;
      if (step.done) break;
      this.pathKeys[depth] = i;
      if (!pairs) out.push(this.copy(step.value, depth + 1));
      else {
        const [key, value] = step.value as [unknown, unknown];
        out.push([this.copy(key, depth + 1), this.copy(value, depth + 1)]);
      }
    }
    return out;
  }

  private error(err: object): Copied {
    const e = err as { name?: unknown; message?: unknown; stack?: unknown };
    const marker: { [key: string]: Copied } = { $cx: 'error', name: this.text(this.read(e, 'name', 'Error')), message: this.text(this.read(e, 'message', '')) };
    const stack = this.read(e, 'stack', undefined);
    if (typeof stack === 'string') marker.stack = this.text(stack);
    return marker;
  }

  /** A property read that may run page code; a throw yields the fallback. */
  private read(obj: object, key: string, fallback: unknown): unknown {
    try {
      const v = (obj as Record<string, unknown>)[key];
      return v === undefined ? fallback : v;
    } catch {
      this.truncated = true;
      return fallback;
    }
  }

  /** A string inside a marker (names, messages), capped. */
  private text(value: unknown): string {
    const { name, truncated } = safeName(value);
    if (truncated) this.truncated = true;
    return name;
  }

  private threw(error: unknown): Copied {
    let message: string;
    try {
      message = error instanceof Error ? String(error.message) : String(error);
    } catch {
      message = 'unknown error';
    }
    return this.cut({ $cx: 'threw', message: this.text(message) });
  }

  private cut(marker: Copied): Copied {
    this.truncated = true;
    return marker;
  }

  private path(ancestorIndex: number): string {
    let path = '$';
    for (let i = 0; i < ancestorIndex; i++) {
      const key = this.pathKeys[i];
      path += typeof key === 'number' ? `[${key}]` : /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
    }
    return path;
  }
}

interface NodeLike {
  nodeType: number;
  nodeName: string;
  id?: unknown;
  getAttribute?: (name: string) => unknown;
}

/** DOM nodes, by shape: a real Node (any frame) has numeric nodeType and string nodeName. */
function isDomNode(value: unknown): value is NodeLike {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<NodeLike>;
  return typeof v.nodeType === 'number' && typeof v.nodeName === 'string';
}

/** `div#id.class1.class2` for elements, the node name (`#text`, `#document`) otherwise. */
function describeNode(node: NodeLike): string {
  let out = node.nodeName.toLowerCase();
  if (node.nodeType !== 1) return out.slice(0, 200);
  if (typeof node.id === 'string' && node.id) out += `#${node.id}`;
  // getAttribute, not className: SVG elements have an SVGAnimatedString className.
  const cls = typeof node.getAttribute === 'function' ? node.getAttribute('class') : (node as { className?: unknown }).className;
  if (typeof cls === 'string' && cls.trim()) out += `.${cls.trim().split(/\s+/).join('.')}`;
  return out.slice(0, 200);
}
