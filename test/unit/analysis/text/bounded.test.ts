// The bounds of the panel's walks over page data: a value nested 200,000 levels deep (a page can
// post one) is cut and marked, never walked to the end.
import { describe, expect, it } from 'vitest';
import {
  CUT_DEPTH, CUT_KEY, CUT_SIZE, DISPLAY_DEPTH, boundTree, boundedStringify, clipText, errorLine, textOf,
} from '../../../../src/analysis/text/bounded';
import type { Copied } from '../../../../src/shared/protocol';
import { deepValue, levelsOf } from '../fixtures';

describe('boundTree', () => {
  it('cuts a 200,000-deep value at the display depth and marks the cut', () => {
    for (const kind of ['array', 'object', 'escaped'] as const) {
      const { value, cut } = boundTree(deepValue(kind));
      expect(cut, kind).toBe(1);
      expect(levelsOf(value), kind).toBe(DISPLAY_DEPTH);
      expect(boundedStringify(value)).toContain(JSON.stringify(CUT_DEPTH));
    }
  });

  it('shares what it does not cut, and copies only the path to a cut', () => {
    const small = { a: [1, { b: 'x' }], c: null };
    expect(boundTree(small).value).toBe(small);
    const shallow = { keep: { x: 1 }, deep: deepValue('array', 10) };
    const bounded = boundTree(shallow, { maxDepth: 5 }).value as { keep: unknown; deep: unknown };
    expect(bounded).not.toBe(shallow);
    expect(bounded.keep).toBe(shallow.keep);
    expect(JSON.stringify(bounded.deep)).toBe(`[[[[${JSON.stringify(CUT_DEPTH)}]]]]`);
  });

  it('cuts the rest of each container once the node budget is spent', () => {
    const wide = { list: Array.from({ length: 50 }, (_, i) => i), after: 'x' };
    const { value, cut } = boundTree(wide, { maxNodes: 10 });
    const out = value as { list: Copied[]; after?: Copied; [CUT_KEY]?: Copied };
    expect(out.list).toHaveLength(10); // 1 node for `list`, 9 items, then the mark
    expect(out.list.at(-1)).toBe(CUT_SIZE);
    expect(out.after).toBeUndefined();
    expect(out[CUT_KEY]).toBe(CUT_SIZE);
    expect(cut).toBe(2);
  });

  it('keeps a deep item cut when the node budget runs out later in the same array', () => {
    // [deep, 'n0', 'n1', …]: the deep item is cut first; the budget then ends the array, and the
    // items kept must be the cut ones, not the originals (textOf of such a list overflowed).
    const list = [deepValue('array'), ...Array.from({ length: 500 }, (_, i) => `n${i}`)] as Copied;
    const { value } = boundTree(list, { maxDepth: 8, maxNodes: 200 });
    expect(levelsOf(value)).toBeLessThanOrEqual(9);
    expect(() => textOf(list)).not.toThrow();
    expect(textOf(list).length).toBeLessThanOrEqual(500);
  });

  it('keeps an own __proto__ entry as an entry', () => {
    const parsed = JSON.parse('{"__proto__": {"deep": [[["x"]]]}, "b": 1}') as Copied;
    const out = boundTree(parsed, { maxDepth: 3 }).value as object;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(JSON.parse(JSON.stringify(out))).toEqual(JSON.parse(`{"__proto__": {"deep": [${JSON.stringify(CUT_DEPTH)}]}, "b": 1}`));
  });
});

describe('boundedStringify', () => {
  it('writes valid JSON of a 200,000-deep value, marking what it cut', () => {
    const text = boundedStringify({ record: deepValue('escaped') }, 2);
    expect(text.length).toBeLessThan(20_000);
    expect(text).toContain(CUT_DEPTH);
    expect(levelsOf(JSON.parse(text))).toBe(DISPLAY_DEPTH);
  });

  it('writes what JSON.stringify writes for values within the bounds', () => {
    const v = { a: [1, 'two', null, { b: true }], c: { d: -1.5 } };
    expect(boundedStringify(v, 2)).toBe(JSON.stringify(v, null, 2));
    expect(boundedStringify(undefined)).toBe('null');
  });
});

describe('textOf', () => {
  it('writes strings and primitives as they are, objects as short bounded JSON', () => {
    expect(textOf('x')).toBe('x');
    expect(textOf(5)).toBe('5');
    expect(textOf(null)).toBe('');
    expect(textOf(undefined)).toBe('');
    expect(textOf({ a: 1 })).toBe('{"a":1}');
    // String() of a nested array recurses once per level.
    const deep = textOf(deepValue('array'));
    expect(deep.length).toBeLessThanOrEqual(500);
    expect(deep).toContain(CUT_DEPTH);
  });

  it('clipText cuts a page string for a cell and marks the cut', () => {
    expect(clipText('short', 10)).toBe('short');
    const cut = clipText('x'.repeat(1_000_000), 300);
    expect(cut).toHaveLength(300);
    expect(cut.endsWith('…')).toBe(true);
  });

  it('errorLine gives one bounded line', () => {
    expect(errorLine(new RangeError('Maximum call stack size exceeded'))).toBe('RangeError: Maximum call stack size exceeded');
    expect(errorLine(new Error('x'.repeat(1000))).length).toBe(200);
    expect(errorLine(deepValue('object')).length).toBeLessThanOrEqual(200);
  });
});
