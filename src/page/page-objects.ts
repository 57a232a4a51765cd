// Reading the page's own objects from the hooks: any property may be a throwing getter or a proxy,
// and any built-in a page script can reach may have been replaced by the time the hook reads.
//
// Two rules for page-side code (the hooks, the copy, the recorder):
// - Page objects and page globals are read by DESCRIPTOR, never through [[Get]]: a page getter is
//   reported as an accessor (or skipped), never called (readData, describeProperty). Reads through
//   [[Get]] remain only on what the platform defines unforgeably (`window.location`, `document`,
//   `location.href`, `document.cookie` through Document.prototype's own getter taken at load) and
//   on the hook's own objects.
// - Built-ins are taken when the hook's script loads, before any page script runs (`Reflect.apply`,
//   the Map/WeakMap/WeakSet methods below, JSON.stringify, String, ...), or replaced by syntax
//   (`list[list.length] = x`, index loops instead of iterators or spread): a page that later replaces
//   `Array.prototype.push`, `WeakMap.prototype.get` or `Function.prototype.apply` changes nothing the
//   hook does, and never sees it call the replacement.

export type Obj = Record<PropertyKey, unknown>;
export type Fn = (...args: unknown[]) => unknown;

const { getOwnPropertyDescriptor, getPrototypeOf } = Object;
const { apply } = Reflect;
const weakSetHas = WeakSet.prototype.has;
const weakSetAdd = WeakSet.prototype.add;
const bindCall = Function.prototype.bind.bind(Function.prototype.call) as (fn: Function) => (self: unknown, ...args: unknown[]) => unknown;

/**
 * A built-in method as a plain function of its `this` (`uncurryThis(WeakMap.prototype.get)(map,
 * key)`), made when the hook loads: it holds the original method and the original
 * Function.prototype.call, so a page that replaces either later changes nothing. Unlike
 * `Reflect.apply(method, self, [key])`, a call allocates no argument array (for the hot path).
 */
export function uncurryThis(method: Function): (self: unknown, ...args: unknown[]) => unknown {
  return bindCall(method);
}

export function isObjectLike(value: unknown): value is object {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}

/** The getters of the hook's own accessors (window.CXBus, window._genesys): safe to call. */
const hookGetters = new WeakSet<Function>();

export function markHookGetter(getter: Function): void {
  apply(weakSetAdd, hookGetters, [getter]);
}

/**
 * obj[key] without running page code: a data property (own, or a few prototypes up), or one of
 * the hook's own accessors; undefined for a page getter (never called), a missing key, a non-object.
 * For the page's globals and configuration objects (`CXBus`, `_genesys.widgets...`), which a page
 * may give getters.
 */
export function readData(obj: unknown, key: PropertyKey): unknown {
  if (!isObjectLike(obj)) return undefined;
  try {
    let at: object | null = obj;
    for (let i = 0; at !== null && i < 5; i++) {
      const desc = getOwnPropertyDescriptor(at, key);
      if (desc) {
        if ('value' in desc) return desc.value;
        return desc.get && apply(weakSetHas, hookGetters, [desc.get]) ? apply(desc.get, obj, []) : undefined;
      }
      at = getPrototypeOf(at);
    }
  } catch {
    /* a proxy's trap threw */
  }
  return undefined;
}

/** What a property is, found by descriptors along the prototype chain (no getter runs). */
export type PropertyKind = { kind: 'absent' } | { kind: 'data'; value: unknown; own: boolean; desc: PropertyDescriptor } | { kind: 'accessor' };

const ABSENT: PropertyKind = { kind: 'absent' };
const ACCESSOR: PropertyKind = { kind: 'accessor' };

/**
 * obj[key] as what it is: a data property (own or inherited) with its value, an accessor (never
 * called), or absent along the whole prototype chain (so that a read of the name, `typeof NAME`,
 * can reach only a lexical declaration). A proxy's trap that throws reads as an accessor: something
 * is there that the hook will not run.
 */
export function describeProperty(obj: unknown, key: PropertyKey): PropertyKind {
  if (!isObjectLike(obj)) return ABSENT;
  try {
    let at: object | null = obj;
    for (let i = 0; at !== null && i < 32; i++) {
      const desc = getOwnPropertyDescriptor(at, key);
      if (desc) return 'value' in desc ? { kind: 'data', value: desc.value, own: at === obj, desc } : ACCESSOR;
      at = getPrototypeOf(at);
    }
    return at === null ? ABSENT : ACCESSOR; // a chain too long to walk: not read
  } catch {
    return ACCESSOR;
  }
}

/** list[list.length] = item: no Array.prototype.push, which a page may replace. */
export function append<T>(list: T[], item: T): void {
  list[list.length] = item;
}

/** list.includes(item) without Array.prototype.includes. */
export function contains(list: readonly unknown[], item: unknown): boolean {
  for (let i = 0; i < list.length; i++) if (list[i] === item) return true;
  return false;
}
