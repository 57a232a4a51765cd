// Reading the page's own objects from the hooks: any property may be a throwing getter or a proxy.

export type Obj = Record<PropertyKey, unknown>;
export type Fn = (...args: unknown[]) => unknown;

export function isObjectLike(value: unknown): value is object {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}

/** obj[key] for a page object; undefined if it is not an object or the read throws. */
export function read(obj: unknown, key: PropertyKey): unknown {
  if (!isObjectLike(obj)) return undefined;
  try {
    return (obj as Obj)[key];
  } catch {
    return undefined;
  }
}

const { getOwnPropertyDescriptor, getPrototypeOf } = Object;
const { apply } = Reflect;
/** The getters of the hook's own accessors (window.CXBus, window._genesys): safe to call. */
const hookGetters = new WeakSet<Function>();

export function markHookGetter(getter: Function): void {
  hookGetters.add(getter);
}

/**
 * obj[key] without running page code: a data property (own, or a few prototypes up), or one of
 * the hook's own accessors; undefined for a page getter (never called), a missing key, a non-object.
 * For the page's configuration objects (`_genesys.widgets...`), which a page may give getters.
 */
export function readData(obj: unknown, key: PropertyKey): unknown {
  if (!isObjectLike(obj)) return undefined;
  try {
    let at: object | null = obj;
    for (let i = 0; at !== null && i < 5; i++) {
      const desc = getOwnPropertyDescriptor(at, key);
      if (desc) {
        if ('value' in desc) return desc.value;
        return desc.get && hookGetters.has(desc.get) ? apply(desc.get, obj, []) : undefined;
      }
      at = getPrototypeOf(at);
    }
  } catch {
    /* a proxy's trap threw */
  }
  return undefined;
}
