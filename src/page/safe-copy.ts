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
 * `truncated` is true when anything was lost: a cap above, a function, accessor, DOM node, jQuery
 * object or window replaced by its description, or a proxy trap that threw. Lossless encodings
 * (cycle references, undefined, NaN, bigint, symbol, Date, RegExp, Error, Map, Set, `$cx` escape)
 * do not set it.
 *
 * The copy never runs page code on an ordinary object: it reads property DESCRIPTORS, never
 * values through [[Get]], so a getter is shown as `{$cx:'accessor'}` and never called; built-in
 * kinds (Date, RegExp, Map, Set, errors, typed arrays, DOM nodes) are recognised by brand checks
 * with the realm's own functions taken at load, not by reading `constructor`, `Symbol.toStringTag`
 * or `toJSON`. A Proxy cannot be told from its target without running one of its traps, so a
 * proxy's getPrototypeOf, ownKeys and getOwnPropertyDescriptor traps do run (never its get, has,
 * set or apply traps); a throwing one becomes `{$cx:'threw', message}` and the copy goes on.
 */
import { MAX_ARRAY_ITEMS, MAX_DEPTH, MAX_NODES, MAX_OBJECT_KEYS, MAX_STRING_CHARS } from '../shared/copy-caps';
export { MAX_ARRAY_ITEMS, MAX_DEPTH, MAX_NODES, MAX_OBJECT_KEYS, MAX_STRING_CHARS };

export interface CopyResult {
  value: Copied;
  truncated: boolean;
}

// Intrinsics taken when this module loads (the hook runs before any page script), so a page that
// later patches Object.keys or Map.prototype.forEach cannot change how we copy, nor see it. The rest
// is syntax: `list[list.length] = x` rather than push, index loops rather than iterators, spread or
// destructuring of arrays (Array.prototype[Symbol.iterator] is the page's to replace).
const { keys: objectKeys, getPrototypeOf, defineProperty, getOwnPropertyDescriptor: ownDescriptor } = Object;
const { apply } = Reflect;
const { stringify } = JSON;
const { floor } = Math;
const isArray = Array.isArray;
const isView = ArrayBuffer.isView;
const objectProto = Object.prototype;
const getterOf = (proto: object, name: PropertyKey) => ownDescriptor(proto, name)?.get;
const dateGetTime = Date.prototype.getTime;
const dateToISO = Date.prototype.toISOString;
const regexpSource = getterOf(RegExp.prototype, 'source')!;
/** RegExp flag getters, each a brand check of its own (the generic `flags` getter reads through [[Get]]). */
const regexpFlagGetters: [string, Function | undefined][] = [
  ['d', getterOf(RegExp.prototype, 'hasIndices')], ['g', getterOf(RegExp.prototype, 'global')],
  ['i', getterOf(RegExp.prototype, 'ignoreCase')], ['m', getterOf(RegExp.prototype, 'multiline')],
  ['s', getterOf(RegExp.prototype, 'dotAll')], ['u', getterOf(RegExp.prototype, 'unicode')],
  ['v', getterOf(RegExp.prototype, 'unicodeSets')], ['y', getterOf(RegExp.prototype, 'sticky')],
];
const mapSize = getterOf(Map.prototype, 'size')!;
const mapEntries = Map.prototype.entries;
const mapIteratorNext = getPrototypeOf(new Map().entries()).next;
const setSize = getterOf(Set.prototype, 'size')!;
const setValues = Set.prototype.values;
const setIteratorNext = getPrototypeOf(new Set().values()).next;
const typedArrayLength = getterOf(getPrototypeOf(Uint8Array.prototype), 'length')!;
const symbolDescription = getterOf(Symbol.prototype, 'description')!;
const stringSlice = String.prototype.slice;
const stringToLowerCase = String.prototype.toLowerCase;
const charCodeAt = String.prototype.charCodeAt;
const toText = String;
const ErrorCtor = Error;
const errorIsError = (Error as { isError?: (value: unknown) => boolean }).isError;
const errorProtos: unknown[] = [Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError]
  .map((ctor) => ctor.prototype);
/**
 * V8's own `stack` accessor (shared by every error of this realm), when errors have one. Taken at
 * the first error copied, not when the hook loads: the first Error made in a fresh page costs about
 * 2 ms (measured in Chromium 156), which every frame of every page would pay. Still safe then: the
 * error comes from the Error constructor taken at load, so its accessor is the engine's, whatever
 * the page did meanwhile.
 */
let nativeStackGetter: Function | undefined;
function stackGetter(): Function | undefined {
  if (nativeStackGetter) return nativeStackGetter;
  try {
    // Runs no page code: V8 reads Error.stackTraceLimit without calling an accessor the page may
    // have put there (checked in Chromium 156; it then captures no stack, and we ask again at the
    // next error), and formats a stack only when it is read.
    nativeStackGetter = ownDescriptor(new ErrorCtor(), 'stack')?.get;
  } catch {
    /* none: the stack is left out */
  }
  return nativeStackGetter;
}
// DOM brand checks: native getters that throw on anything but a real node, and run no page code.
const domProto = (name: string): object | undefined => (globalThis as unknown as Record<string, { prototype?: object } | undefined>)[name]?.prototype;
const nodeTypeOf = domProto('Node') && getterOf(domProto('Node')!, 'nodeType');
const nodeNameOf = domProto('Node') && getterOf(domProto('Node')!, 'nodeName');
const elementIdOf = domProto('Element') && getterOf(domProto('Element')!, 'id');
const elementGetAttribute = domProto('Element') && (domProto('Element') as { getAttribute?: Function }).getAttribute;
const ownGlobal: unknown = globalThis;

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

/**
 * A page value as a short string for names (event and command names, registered names). Objects
 * are not stringified: that would run the page's toString, valueOf or Symbol.toPrimitive.
 */
export function safeName(value: unknown): { name: string; truncated: boolean } {
  let s: string;
  if (typeof value === 'string') s = value;
  else if (typeof value === 'symbol') s = `Symbol(${symbolText(value)})`;
  else if ((typeof value === 'object' && value !== null) || typeof value === 'function') s = '[unnamed]';
  else s = toText(value); // a primitive: no page code runs
  if (s.length <= MAX_STRING_CHARS) return { name: s, truncated: false };
  return { name: apply(stringSlice, s, [0, MAX_STRING_CHARS]) as string, truncated: true };
}

/**
 * A thrown value as one short line (`TypeError: message`, at most 200 characters), for the hook's
 * own failures. Read as data only: no getter, toString or stack formatting runs. Never throws.
 */
export function thrownText(error: unknown): string {
  try {
    let text: string;
    if ((typeof error === 'object' && error !== null) || typeof error === 'function') {
      const name = dataValue(error, 'name', 4);
      const message = dataValue(error, 'message', 4);
      text = (typeof name === 'string' ? name : 'Error') + (typeof message === 'string' && message ? ': ' + message : '');
    } else {
      text = safeName(error).name;
    }
    return text.length > 200 ? (apply(stringSlice, text, [0, 200]) as string) : text;
  } catch {
    return 'unknown error'; // a proxy thrown as the error, whose trap threw
  }
}

function symbolText(value: symbol): string {
  try {
    return (apply(symbolDescription, value, []) as string | undefined) ?? '';
  } catch {
    return '';
  }
}

/** An own property's descriptor, or undefined; on a proxy this runs its getOwnPropertyDescriptor trap. */
function own(obj: object, key: PropertyKey): PropertyDescriptor | undefined {
  return ownDescriptor(obj, key);
}

/** The value of an own DATA property (undefined for an accessor or a missing one): runs no getter. */
function ownValue(obj: object, key: PropertyKey): unknown {
  const desc = own(obj, key);
  return desc && 'value' in desc ? desc.value : undefined;
}

/** A data property found on obj or up to `levels` prototypes up, without running a getter. */
function dataValue(obj: object, key: PropertyKey, levels: number): unknown {
  let at: object | null = obj;
  for (let i = 0; at !== null && i <= levels; i++) {
    const desc = own(at, key);
    if (desc) return 'value' in desc ? desc.value : undefined;
    at = getPrototypeOf(at);
  }
  return undefined;
}

/** Runs a brand-checking built-in (a getter taken at load) on obj; undefined when obj lacks the brand. */
function brand(fn: Function | undefined, obj: object, args: unknown[] = []): unknown {
  if (!fn) return undefined;
  try {
    return apply(fn, obj, args);
  } catch {
    return undefined;
  }
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
        return { $cx: 'bigint', value: toText(value) };
      case 'symbol':
        return { $cx: 'symbol', description: this.text(symbolText(value)) };
      case 'function':
        try {
          const name = ownValue(value, 'name');
          return this.cut({ $cx: 'function', name: typeof name === 'string' ? this.text(name) : '' });
        } catch (error) {
          return this.threw(error); // a proxy's trap
        }
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
    const at = this.ancestorIndex(obj);
    if (at >= 0) return { $cx: 'cycle', path: this.path(at) };
    const array = isArray(obj); // no trap, even on a proxy (throws on a revoked one)
    const proto = getPrototypeOf(obj);
    if (proto === objectProto && !array) {
      if (depth >= MAX_DEPTH) return this.cut({ $cx: 'depth', type: 'object' });
      const ancestors = this.ancestors;
      ancestors[ancestors.length] = obj;
      try {
        return this.entries(obj, depth);
      } finally {
        ancestors.length--;
      }
    }
    if (array) {
      const length = ownValue(obj, 'length');
      return this.nested(obj, depth, 'array', () => this.items(obj, typeof length === 'number' ? length : 0, depth));
    }
    return this.special(obj, proto, depth);
  }

  /** Class instances, host objects, null-prototype objects: recognised without running page code. */
  private special(obj: object, proto: object | null, depth: number): Copied {
    if (isWindow(obj)) return this.cut({ $cx: 'window' });
    if (proto !== null) {
      const node = domNode(obj);
      if (node) return this.cut({ $cx: 'dom', description: describeNode(node) });
      const jqueryLength = ownValue(obj, 'length');
      if (typeof jqueryLength === 'number' && typeof dataValue(obj, 'jquery', 1) === 'string') {
        const first = jqueryLength > 0 ? ownValue(obj, '0') : undefined;
        const firstNode = typeof first === 'object' && first !== null ? domNode(first) : null;
        return this.cut({ $cx: 'jquery', length: jqueryLength, description: firstNode ? describeNode(firstNode) : '' });
      }
      const time = brand(dateGetTime, obj) as number | undefined;
      if (time !== undefined) return { $cx: 'date', iso: time === time ? (apply(dateToISO, obj, []) as string) : 'Invalid Date' };
      const source = brand(regexpSource, obj);
      if (typeof source === 'string') return { $cx: 'regexp', source: this.text(source), flags: regexpFlags(obj) };
      const size = brand(mapSize, obj) as number | undefined;
      if (size !== undefined) {
        return this.nested(obj, depth, 'map', () => ({ $cx: 'map', entries: this.collection(apply(mapEntries, obj, []), mapIteratorNext, size, depth, true), size }));
      }
      const items = brand(setSize, obj) as number | undefined;
      if (items !== undefined) {
        return this.nested(obj, depth, 'set', () => ({ $cx: 'set', items: this.collection(apply(setValues, obj, []), setIteratorNext, items, depth, false), size: items }));
      }
      if (isError(obj, proto)) return this.error(obj);
      if (isView(obj)) {
        const length = brand(typedArrayLength, obj); // a DataView has none: copied as an object
        if (typeof length === 'number') return this.nested(obj, depth, 'array', () => this.items(obj, length, depth));
      }
    }
    return this.nested(obj, depth, 'object', () => this.entries(obj, depth));
  }

  /** Enters a container: depth cap, cycle bookkeeping. */
  private nested(obj: object, depth: number, type: string, copyInside: () => Copied): Copied {
    if (depth >= MAX_DEPTH) return this.cut({ $cx: 'depth', type });
    const ancestors = this.ancestors;
    ancestors[ancestors.length] = obj;
    try {
      return copyInside();
    } finally {
      ancestors.length--;
    }
  }

  /** Where obj is on the path from the root, or -1 (no Array.prototype.indexOf). */
  private ancestorIndex(obj: object): number {
    const ancestors = this.ancestors;
    for (let i = 0; i < ancestors.length; i++) if (ancestors[i] === obj) return i;
    return -1;
  }

  /** An own property, by its descriptor: a data value is copied, an accessor is described. */
  private property(obj: object, key: string | number, depth: number): Copied {
    try {
      const desc = own(obj, key);
      if (!desc) return { $cx: 'undefined' }; // an array hole, or a key a proxy reported but does not have
      if ('value' in desc) return this.copy(desc.value, depth + 1);
      return this.cut({ $cx: 'accessor', get: desc.get !== undefined, set: desc.set !== undefined });
    } catch (error) {
      return this.threw(error);
    }
  }

  private entries(obj: object, depth: number): Copied {
    const names = objectKeys(obj);
    const out: { [key: string]: Copied } = {};
    const count = names.length < MAX_OBJECT_KEYS ? names.length : MAX_OBJECT_KEYS;
    let escaped = false;
    for (let i = 0; i < count; i++) {
      let key = names[i];
      if (key === '$cx') escaped = true;
      this.pathKeys[depth] = key;
      const item = this.property(obj, key, depth);
      if (key.length > MAX_STRING_CHARS) {
        key = apply(stringSlice, key, [0, MAX_STRING_CHARS]) as string;
        this.truncated = true;
      }
      if (key === '__proto__') defineProperty(out, key, { value: item, enumerable: true, writable: true, configurable: true });
      else out[key] = item;
    }
    const result: Copied = names.length > MAX_OBJECT_KEYS
      ? this.cut({ $cx: 'object', entries: out, keys: names.length })
      : out;
    // A page object that itself has a `$cx` key would read as one of our markers: escape it.
    return escaped ? { $cx: 'escaped', value: result } : result;
  }

  private items(list: object, rawLength: number, depth: number): Copied {
    const length = rawLength >= 0 ? floor(rawLength) : 0;
    const out: Copied[] = [];
    for (let i = 0; i < length && i < MAX_ARRAY_ITEMS; i++) {
      this.pathKeys[depth] = i;
      out[out.length] = this.property(list, i, depth);
    }
    return length > MAX_ARRAY_ITEMS ? this.cut({ $cx: 'array', items: out, length }) : out;
  }

  /** Map entries as [key, value] pairs, Set items; at most MAX_ARRAY_ITEMS. The built-in
   *  iterators taken at load run no page code. */
  private collection(iterator: object, next: Function, size: number, depth: number, pairs: boolean): Copied[] {
    const out: Copied[] = [];
    if (size > MAX_ARRAY_ITEMS) this.truncated = true;
    for (let i = 0; i < MAX_ARRAY_ITEMS; i++) {
      const step = apply(next, iterator, []) as IteratorResult<unknown>;
      if (step.done) break;
      this.pathKeys[depth] = i;
      if (!pairs) out[out.length] = this.copy(step.value, depth + 1);
      else {
        const pair = step.value as [unknown, unknown]; // the engine's own [key, value]: read by index, not destructured
        const key = this.copy(pair[0], depth + 1);
        out[out.length] = [key, this.copy(pair[1], depth + 1)];
      }
    }
    return out;
  }

  /** name and message as data properties (own or inherited), the stack when V8 keeps it. */
  private error(err: object): Copied {
    const name = dataValue(err, 'name', 4);
    const message = dataValue(err, 'message', 4);
    const marker: { [key: string]: Copied } = {
      $cx: 'error', name: this.text(typeof name === 'string' ? name : 'Error'), message: this.text(typeof message === 'string' ? message : ''),
    };
    const stack = errorStack(err);
    if (typeof stack === 'string') marker.stack = this.text(stack);
    return marker;
  }

  /** A string inside a marker (names, messages), capped. */
  private text(value: string): string {
    const { name, truncated } = safeName(value);
    if (truncated) this.truncated = true;
    return name;
  }

  private threw(error: unknown): Copied {
    let message = 'unknown error';
    try {
      // The page's thrown value: read only as data, never through a getter or toString.
      const own = typeof error === 'object' && error !== null ? dataValue(error, 'message', 4) : error;
      if (typeof own === 'string') message = own;
      else if (typeof own !== 'object' && typeof own !== 'function' && typeof own !== 'symbol') message = toText(own);
    } catch {
      /* a proxy thrown as the error */
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
      path += typeof key === 'number' ? `[${key}]` : isIdentifier(key) ? `.${key}` : `[${stringify(key)}]`;
    }
    return path;
  }
}

function regexpFlags(re: object): string {
  let flags = '';
  for (let i = 0; i < regexpFlagGetters.length; i++) {
    const entry = regexpFlagGetters[i]!;
    if (brand(entry[1], re) === true) flags += entry[0];
  }
  return flags;
}

/** An ASCII identifier (`$.name` in a cycle path), checked without RegExp.prototype.exec. */
function isIdentifier(key: string): boolean {
  if (key.length === 0) return false;
  for (let i = 0; i < key.length; i++) {
    const c = apply(charCodeAt, key, [i]) as number;
    const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36;
    if (!letter && !(i > 0 && c >= 48 && c <= 57)) return false;
  }
  return true;
}

/** A real error (Error.isError where the engine has it), else an error prototype a few levels up. */
function isError(obj: object, proto: object): boolean {
  if (errorIsError) return errorIsError(obj);
  let at: object | null = proto;
  for (let i = 0; at !== null && i < 4; i++) {
    for (let j = 0; j < errorProtos.length; j++) if (errorProtos[j] === at) return true;
    at = getPrototypeOf(at);
  }
  return false;
}

/**
 * The stack, when reading it runs no page code. The engine formats it lazily at the first read,
 * with Error.prepareStackTrace when the page set one, and otherwise with the error's `name` and
 * `message` read through [[Get]]: so only when those are plain data (or absent) along a short
 * prototype chain, and the stack is V8's own accessor or a data property.
 */
function errorStack(err: object): unknown {
  // Checked before the stack is touched: in node even its descriptor formats it.
  const prepare = own(ErrorCtor, 'prepareStackTrace');
  if (prepare && !('value' in prepare && prepare.value === undefined)) return undefined;
  if (!plainAlongChain(err, 'name') || !plainAlongChain(err, 'message')) return undefined;
  const desc = own(err, 'stack');
  if (!desc) return undefined;
  if ('value' in desc) return desc.value;
  if (desc.get === undefined) return undefined;
  const native = stackGetter();
  return native !== undefined && desc.get === native ? brand(native, err) : undefined;
}

/** obj[key] resolves to a data property (or to nothing) within a few prototypes: reading it runs no getter. */
function plainAlongChain(obj: object, key: string): boolean {
  let at: object | null = obj;
  for (let i = 0; at !== null && i < 6; i++) {
    const desc = own(at, key);
    if (desc) return 'value' in desc;
    at = getPrototypeOf(at);
  }
  return at === null;
}

/** A window of this or another frame: this realm's global, an object whose own `window` data
 *  property is itself, or one with the accessors every WindowProxy has (never called). */
function isWindow(obj: object): boolean {
  if (obj === ownGlobal) return true;
  const win = own(obj, 'window');
  if (!win) return false;
  if ('value' in win) return win.value === obj;
  const location = own(obj, 'location');
  const self = own(obj, 'self');
  return !!location && !('value' in location) && !!self && !('value' in self);
}

interface NodeLike {
  nodeType: number;
  nodeName: string;
  id: unknown;
  className: unknown;
}

/**
 * A DOM node's facts, or null. A real node (any same-origin frame) answers the native Node
 * getters; a look-alike with own data properties nodeType/nodeName counts too (tests, node).
 */
function domNode(obj: object): NodeLike | null {
  const type = brand(nodeTypeOf, obj);
  if (typeof type === 'number') {
    // getAttribute, not className: SVG elements have an SVGAnimatedString className.
    const cls = type === 1 ? brand(elementGetAttribute, obj, ['class']) : undefined;
    return { nodeType: type, nodeName: toText(brand(nodeNameOf, obj)), id: type === 1 ? brand(elementIdOf, obj) : undefined, className: cls };
  }
  const nodeType = ownValue(obj, 'nodeType');
  const nodeName = ownValue(obj, 'nodeName');
  if (typeof nodeType !== 'number' || typeof nodeName !== 'string') return null;
  return { nodeType, nodeName, id: ownValue(obj, 'id'), className: ownValue(obj, 'className') };
}

/** `div#id.class1.class2` for elements, the node name (`#text`, `#document`) otherwise. */
function describeNode(node: NodeLike): string {
  let out = apply(stringToLowerCase, node.nodeName, []) as string;
  if (node.nodeType === 1) {
    if (typeof node.id === 'string' && node.id) out += `#${node.id}`;
    const cls = node.className;
    if (typeof cls === 'string') out += classSuffix(cls);
  }
  return out.length > 200 ? (apply(stringSlice, out, [0, 200]) as string) : out;
}

/** ` a  b ` → `.a.b`: the class list without String.prototype.trim, split or a RegExp. */
function classSuffix(cls: string): string {
  let out = '';
  let word = false;
  for (let i = 0; i < cls.length && out.length <= 200; i++) {
    const c = apply(charCodeAt, cls, [i]) as number;
    if (c === 32 || (c >= 9 && c <= 13)) {
      word = false;
      continue;
    }
    if (!word) out += '.';
    word = true;
    out += cls[i];
  }
  return out;
}
