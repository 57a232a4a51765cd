import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  MAX_ARRAY_ITEMS, MAX_DEPTH, MAX_NODES, MAX_OBJECT_KEYS, MAX_STRING_CHARS, safeCopy, safeName,
} from '../../../src/page/safe-copy';

/** Shaped like a DOM element: a class instance with own data nodeType/nodeName/id/className (what
 *  the copier checks where there is no DOM; real nodes answer the DOM's own getters). */
class FakeElement {
  nodeType = 1;
  nodeName = 'DIV';
  constructor(public id: string, public className: string) {}
}

/** Shaped like a jQuery object: prototype with a `jquery` version string, indexed elements. */
class FakeJQuery {
  jquery = '3.7.1';
  length: number;
  [index: number]: unknown;
  constructor(elements: unknown[]) {
    elements.forEach((e, i) => (this[i] = e));
    this.length = elements.length;
  }
}

function roundTrips(value: unknown): void {
  expect(JSON.parse(JSON.stringify(value))).toEqual(value);
  expect(structuredClone(value)).toEqual(value);
}

describe('safeCopy: plain data', () => {
  it('copies JSON data as is, untruncated, as a new object', () => {
    const input = { a: 1, b: 'x', c: [true, null, { d: -2.5 }], e: {} };
    const { value, truncated } = safeCopy(input);
    expect(value).toEqual(input);
    expect(value).not.toBe(input);
    expect(truncated).toBe(false);
  });

  it('marks values JSON cannot carry, losslessly (truncated stays false)', () => {
    const when = new Date('2024-05-06T07:08:09.000Z');
    // The test runner formats stacks with its own Error.prepareStackTrace (page code, on a page):
    // the copier leaves the stack out then; without one, it keeps it.
    const prepare = Error.prepareStackTrace;
    (Error as { prepareStackTrace?: unknown }).prepareStackTrace = undefined;
    const copied = safeCopy({
      u: undefined, nan: NaN, inf: Infinity, ninf: -Infinity, big: 12345678901234567890n, sym: Symbol('s'),
      date: when, bad: new Date(NaN), re: /a+b/gi, err: new TypeError('boom'),
      map: new Map<unknown, unknown>([['k', 1], [{ o: 1 }, [2]]]), set: new Set([1, 'two']),
    });
    Error.prepareStackTrace = prepare;
    const { value, truncated } = copied;
    expect(truncated).toBe(false);
    const v = value as Record<string, any>;
    expect(v.u).toEqual({ $cx: 'undefined' });
    expect(v.nan).toEqual({ $cx: 'number', value: 'NaN' });
    expect(v.inf).toEqual({ $cx: 'number', value: 'Infinity' });
    expect(v.ninf).toEqual({ $cx: 'number', value: '-Infinity' });
    expect(v.big).toEqual({ $cx: 'bigint', value: '12345678901234567890' });
    expect(v.sym).toEqual({ $cx: 'symbol', description: 's' });
    expect(v.date).toEqual({ $cx: 'date', iso: '2024-05-06T07:08:09.000Z' });
    expect(v.bad).toEqual({ $cx: 'date', iso: 'Invalid Date' });
    expect(v.re).toEqual({ $cx: 'regexp', source: 'a+b', flags: 'gi' });
    expect(v.err).toMatchObject({ $cx: 'error', name: 'TypeError', message: 'boom' });
    expect(typeof v.err.stack).toBe('string');
    expect(v.map).toEqual({ $cx: 'map', size: 2, entries: [['k', 1], [{ o: 1 }, [2]]] });
    expect(v.set).toEqual({ $cx: 'set', size: 2, items: [1, 'two'] });
    roundTrips(value);
  });

  it('escapes a page object that has a `$cx` key, and keeps a `__proto__` key as data', () => {
    const input = JSON.parse('{"$cx":"cycle","path":"$.x","__proto__":{"polluted":true}}');
    const { value } = safeCopy({ inner: input });
    const inner = (value as any).inner;
    expect(inner.$cx).toBe('escaped');
    expect(inner.value.$cx).toBe('cycle');
    expect(Object.prototype.hasOwnProperty.call(inner.value, '__proto__')).toBe(true);
    expect(({} as any).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(inner.value)).toBe(Object.prototype);
  });

  it('copies typed arrays as arrays, capped', () => {
    const { value, truncated } = safeCopy(new Uint8Array(5_000_000));
    expect(value).toMatchObject({ $cx: 'array', length: 5_000_000 });
    expect((value as any).items).toHaveLength(MAX_ARRAY_ITEMS);
    expect(truncated).toBe(true);
  });
});

describe('safeCopy: hostile input', () => {
  it('cycles become markers with the path of the object they point back to', () => {
    const a: any = { name: 'a', list: [{ x: 1 }] };
    a.self = a;
    a.list[0].up = a.list;
    const { value, truncated } = safeCopy(a);
    const v = value as any;
    expect(v.self).toEqual({ $cx: 'cycle', path: '$' });
    expect(v.list[0].up).toEqual({ $cx: 'cycle', path: '$.list' });
    expect(truncated).toBe(false);
    roundTrips(value);
  });

  it('a shared (non-cyclic) object is copied at each place', () => {
    const shared = { s: 1 };
    expect(safeCopy({ a: shared, b: shared }).value).toEqual({ a: { s: 1 }, b: { s: 1 } });
  });

  it('functions, DOM nodes, jQuery objects and windows become descriptions', () => {
    const el = new FakeElement('chat', ' cx-widget  cx-webchat ');
    const win = new (class Window { window = this; document = {}; })();
    const crossOrigin: any = Object.create(null); // a cross-origin WindowProxy has a null prototype
    crossOrigin.window = crossOrigin;
    const text = { nodeType: 3, nodeName: '#text' }; // plain object: data, not a node
    const { value, truncated } = safeCopy({
      fn: function handler() {}, el, $el: new FakeJQuery([el, el]), empty$: new FakeJQuery([]), win, crossOrigin, text,
    });
    expect(value).toEqual({
      fn: { $cx: 'function', name: 'handler' },
      el: { $cx: 'dom', description: 'div#chat.cx-widget.cx-webchat' },
      $el: { $cx: 'jquery', length: 2, description: 'div#chat.cx-widget.cx-webchat' },
      empty$: { $cx: 'jquery', length: 0, description: '' },
      win: { $cx: 'window' },
      crossOrigin: { $cx: 'window' },
      text: { nodeType: 3, nodeName: '#text' },
    });
    expect(truncated).toBe(true);
  });

  it('never runs a getter: an accessor is shown as such, throwing or not, own or on a prototype', () => {
    let calls = 0;
    const input = {
      before: 1,
      get bad(): never {
        calls++;
        throw new Error('no access');
      },
      get counted() {
        return ++calls;
      },
      set onlySetter(_: unknown) {
        calls++;
      },
      after: 2,
    };
    const list = [1, 2];
    Object.defineProperty(list, 1, { get: () => ++calls, enumerable: true });
    const holey = [0, , 2]; // eslint-disable-line no-sparse-arrays
    // A getter that reading the hole through [[Get]] would reach.
    Object.setPrototypeOf(holey, Object.create(Array.prototype, { 1: { get: () => ++calls } }));
    {
      const { value, truncated } = safeCopy({ input, list, holey });
      expect(value).toEqual({
        input: {
          before: 1, after: 2,
          bad: { $cx: 'accessor', get: true, set: false },
          counted: { $cx: 'accessor', get: true, set: false },
          onlySetter: { $cx: 'accessor', get: false, set: true },
        },
        list: [1, { $cx: 'accessor', get: true, set: false }],
        holey: [0, { $cx: 'undefined' }, 2],
      });
      expect(truncated).toBe(true);
    }
    expect(calls).toBe(0);
  });

  it('never calls toJSON, toString, valueOf, Symbol.toPrimitive or a Symbol.toStringTag getter, nor a getter on a prototype', () => {
    let calls = 0;
    const boom = () => {
      calls++;
      throw new Error('called');
    };
    const proto = { get inherited() { return boom(); }, get [Symbol.toStringTag]() { return boom(); } };
    const odd = Object.create(proto);
    odd.own = 1;
    const methods = { toJSON: boom, toString: boom, valueOf: boom, [Symbol.toPrimitive]: boom };
    class Fancy extends Date {
      get [Symbol.toStringTag]() { return boom(); }
    }
    const namedFn = Object.defineProperty(() => 0, 'name', { get: boom });
    const { value } = safeCopy({ odd, methods, date: new Fancy(0), namedFn, err: Object.defineProperty(new Error('m'), 'name', { get: boom }) });
    expect(value).toMatchObject({
      odd: { own: 1 },
      methods: { toJSON: { $cx: 'function' }, toString: { $cx: 'function' }, valueOf: { $cx: 'function' } },
      date: { $cx: 'date', iso: '1970-01-01T00:00:00.000Z' },
      namedFn: { $cx: 'function', name: '' },
      err: { $cx: 'error', message: 'm' },
    });
    expect(calls).toBe(0);
    expect(safeName({ toString: boom, [Symbol.toPrimitive]: boom }).name).toBe('[unnamed]');
    expect(calls).toBe(0);
  });

  it("never runs a proxy's get, has, set or apply traps (only its introspection traps)", () => {
    const seen: string[] = [];
    const handler: ProxyHandler<any> = {};
    for (const trap of ['get', 'has', 'set', 'apply', 'construct', 'getPrototypeOf', 'ownKeys', 'getOwnPropertyDescriptor', 'defineProperty', 'deleteProperty']) {
      (handler as any)[trap] = (...args: any[]) => {
        seen.push(trap);
        return (Reflect as any)[trap](...args);
      };
    }
    const { value } = safeCopy({ obj: new Proxy({ a: 1, b: [2] }, handler), arr: new Proxy([1, 2], handler), fn: new Proxy(function f() {}, handler) });
    expect(value).toEqual({ obj: { a: 1, b: [2] }, arr: [1, 2], fn: { $cx: 'function', name: 'f' } });
    expect(new Set(seen)).toEqual(new Set(['getPrototypeOf', 'ownKeys', 'getOwnPropertyDescriptor']));
  });

  it('proxies that throw on every trap, and revoked proxies, never make it throw', () => {
    const trap = () => {
      throw new Error('trap');
    };
    const hostile = new Proxy({}, { ownKeys: trap, get: trap, getPrototypeOf: trap, has: trap, getOwnPropertyDescriptor: trap });
    const keysOnly = new Proxy({ a: 1 }, { ownKeys: trap });
    const { proxy: revoked, revoke } = Proxy.revocable([1, 2], {});
    revoke();
    const { value, truncated } = safeCopy({ hostile, keysOnly, revoked, ok: 'yes' });
    const v = value as any;
    expect(v.hostile).toEqual({ $cx: 'threw', message: 'trap' });
    expect(v.keysOnly).toEqual({ $cx: 'threw', message: 'trap' });
    expect(v.revoked.$cx).toBe('threw');
    expect(v.ok).toBe('yes');
    expect(truncated).toBe(true);
    expect(() => safeCopy(hostile)).not.toThrow();
  });

  it('a 5 MB string is cut to its head, with its real length', () => {
    const big = 'x'.repeat(5 * 1024 * 1024);
    const { value, truncated } = safeCopy({ big, list: [big, big] });
    const v = value as any;
    expect(v.big).toEqual({ $cx: 'string', head: big.slice(0, MAX_STRING_CHARS), length: big.length });
    expect(v.list[1].length).toBe(big.length);
    expect(truncated).toBe(true);
    expect(JSON.stringify(value).length).toBeLessThan(4 * MAX_STRING_CHARS);
  });

  it('huge arrays and objects are cut to their caps with the real size', () => {
    const huge = Array.from({ length: 1_000_000 }, (_, i) => i);
    const wide: Record<string, number> = {};
    for (let i = 0; i < MAX_OBJECT_KEYS + 500; i++) wide['k' + i] = i;
    const { value, truncated } = safeCopy({ huge, wide });
    const v = value as any;
    expect(v.huge.$cx).toBe('array');
    expect(v.huge.length).toBe(1_000_000);
    expect(v.huge.items).toEqual(huge.slice(0, MAX_ARRAY_ITEMS));
    expect(v.wide.$cx).toBe('object');
    expect(v.wide.keys).toBe(MAX_OBJECT_KEYS + 500);
    expect(Object.keys(v.wide.entries)).toHaveLength(MAX_OBJECT_KEYS);
    expect(truncated).toBe(true);
  });

  it('deep nesting stops at MAX_DEPTH with a depth marker', () => {
    let deep: any = { leaf: true };
    for (let i = 0; i < 100; i++) deep = { next: deep };
    const { value, truncated } = safeCopy(deep);
    let node: any = value;
    let levels = 0;
    while (node && node.next) {
      node = node.next;
      levels++;
    }
    expect(levels).toBe(MAX_DEPTH);
    expect(node).toEqual({ $cx: 'depth', type: 'object' });
    expect(truncated).toBe(true);
  });

  it('a payload with more than MAX_NODES values is cut by the node budget', () => {
    const rows = Array.from({ length: 900 }, (_, i) => ({ id: i, a: [i, i, i], b: { c: i, d: 'x' }, e: 1, f: 2, g: 3, h: 4, i: 5, j: 6, k: 7, l: 8, m: 9, n: 10, o: 11, p: 12, q: 13, r: 14, s: 15, t: 16, u: 17, v: 18, w: 19 }));
    const { value, truncated } = safeCopy(rows);
    expect(truncated).toBe(true);
    const text = JSON.stringify(value);
    expect(text).toContain('{"$cx":"budget"}');
    expect((value as any[])[0]).toEqual(rows[0]);
    expect(text.split('"$cx"').length).toBeLessThan(MAX_NODES);
  });

  it('an exponential DAG is bounded by the node budget', () => {
    let node: any = { leaf: 1 };
    // Three ways at each of 40 levels: 3^12 nodes within the depth cap alone, so the node budget
    // must stop it. Unbounded, it would never finish (the test's timeout would fail it).
    for (let i = 0; i < 40; i++) node = { a: node, b: node, c: node };
    const { value, truncated } = safeCopy(node);
    expect(truncated).toBe(true);
    expect(JSON.stringify(value)).toContain('"$cx":"budget"');
  });

  it('copies -0 as 0 (JSON has no negative zero)', () => {
    expect(Object.is(safeCopy([-0]).value && (safeCopy([-0]).value as number[])[0], 0)).toBe(true);
  });

  it('never throws and always yields plain, cloneable data (property test)', () => {
    fc.assert(
      fc.property(fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true, withSparseArray: true, withNullPrototype: true, withObjectString: true, withBoxedValues: true }), (input) => {
        const { value } = safeCopy(input);
        roundTrips(value);
      }),
      { numRuns: 300 },
    );
  });
});

describe('safeName', () => {
  it('keeps strings, stringifies others without throwing, caps length', () => {
    expect(safeName('WebChat.open')).toEqual({ name: 'WebChat.open', truncated: false });
    expect(safeName(42).name).toBe('42');
    expect(safeName({ toString: () => { throw new Error('x'); } }).name).toBe('[unnamed]');
    const long = safeName('y'.repeat(MAX_STRING_CHARS + 5));
    expect(long.name).toHaveLength(MAX_STRING_CHARS);
    expect(long.truncated).toBe(true);
  });
});
