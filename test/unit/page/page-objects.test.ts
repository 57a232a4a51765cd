// Reading the page's objects (src/page/page-objects.ts): by descriptor only, so that a getter the
// page put on its globals or configuration objects is never called.
import { describe, expect, it } from 'vitest';
import { append, contains, describeProperty, markHookGetter, readData } from '../../../src/page/page-objects';

/** An object whose `key` is a getter that counts its calls (own, or on a prototype `levels` up). */
function withGetter(key: string, levels = 0) {
  const calls = { n: 0 };
  const holder = {};
  Object.defineProperty(holder, key, { configurable: true, get: () => (calls.n++, () => 'page code') });
  let obj: object = holder;
  for (let i = 0; i < levels; i++) obj = Object.create(obj);
  return { obj, calls };
}

describe('readData', () => {
  it('never calls a page getter, own or inherited: it reads as undefined', () => {
    for (const levels of [0, 1, 3]) {
      const { obj, calls } = withGetter('CXBus', levels);
      expect(readData(obj, 'CXBus')).toBeUndefined();
      expect(calls.n).toBe(0);
    }
  });

  it('reads data properties, own or a few prototypes up, and calls only the hook\'s own getters', () => {
    const base = { bus: 'inherited' };
    expect(readData(Object.create(base), 'bus')).toBe('inherited');
    const win = {};
    const get = () => 'the hook\'s value';
    markHookGetter(get);
    Object.defineProperty(win, '_genesys', { configurable: true, get });
    expect(readData(win, '_genesys')).toBe('the hook\'s value');
    expect(readData(null, 'x')).toBeUndefined();
    expect(readData(new Proxy({}, { getOwnPropertyDescriptor() { throw new Error('trap'); } }), 'x')).toBeUndefined();
  });
});

describe('describeProperty', () => {
  it('an accessor is reported as one, never called, wherever it is on the chain', () => {
    for (const levels of [0, 2, 6]) {
      const { obj, calls } = withGetter('TRUSTED_DOMAINS', levels);
      expect(describeProperty(obj, 'TRUSTED_DOMAINS')).toEqual({ kind: 'accessor' });
      expect(calls.n).toBe(0);
    }
  });

  it('a data property with its value and whether it is own; absent along the whole chain', () => {
    const proto = { inherited: 1 };
    const obj = Object.create(proto, { own: { value: 2, enumerable: true } });
    expect(describeProperty(obj, 'own')).toMatchObject({ kind: 'data', value: 2, own: true });
    expect(describeProperty(obj, 'inherited')).toMatchObject({ kind: 'data', value: 1, own: false });
    expect(describeProperty(obj, 'missing')).toEqual({ kind: 'absent' });
    // A trap that throws: something is there that the hook will not run.
    expect(describeProperty(new Proxy({}, { getOwnPropertyDescriptor() { throw new Error('trap'); } }), 'x')).toEqual({ kind: 'accessor' });
  });
});

describe('list helpers without the page\'s Array.prototype', () => {
  it('append and contains use no Array.prototype method', () => {
    const list: number[] = [];
    const push = Array.prototype.push;
    const includes = Array.prototype.includes;
    Array.prototype.push = () => { throw new Error('push replaced'); };
    Array.prototype.includes = () => { throw new Error('includes replaced'); };
    let found: boolean[];
    try {
      append(list, 1);
      append(list, 2);
      found = [contains(list, 2), contains(list, 3)];
    } finally {
      Array.prototype.push = push;
      Array.prototype.includes = includes;
    }
    expect(found).toEqual([true, false]);
    expect(list).toEqual([1, 2]);
  });
});
