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
