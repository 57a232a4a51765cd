// The JSON tree's pure part: one level of children per node, and where it stops descending.
import { describe, expect, it } from 'vitest';
import { childrenOf, openLevels, treeNode, TREE_DEPTH } from '../../../../panel/components/json-tree-model';
import { CUT_DEPTH } from '../../../../src/analysis/text/bounded';
import type { Copied } from '../../../../src/shared/protocol';
import { deepValue } from '../../analysis/fixtures';

describe('JSON tree model', () => {
  it('lists the children of containers and markers, one level', () => {
    expect(childrenOf([1, 'a'])).toEqual({ entries: [['0', 1], ['1', 'a']], caption: 'Array(2)' });
    expect(childrenOf({ a: 1 })).toEqual({ entries: [['a', 1]], caption: '{a: 1}' });
    expect(childrenOf({ $cx: 'array', items: [1], length: 5 } as unknown as Copied)).toMatchObject({ entries: [['0', 1]], note: 'array cut: 1 of 5 items' });
    expect(childrenOf('x')).toBeNull();
    expect(childrenOf({ $cx: 'function', name: 'f' } as unknown as Copied)).toBeNull();
  });

  it('shows an escaped object as its own entries, not as the marker its $cx key names', () => {
    const escaped = { $cx: 'escaped', value: { $cx: 'function', name: 'not a function' } } as unknown as Copied;
    expect(childrenOf(escaped)).toEqual({ entries: [['$cx', 'function'], ['name', 'not a function']], caption: '{$cx: "function", name: "not a function"}' });
  });

  it('reads one level of a 200,000-deep escape chain', () => {
    const kids = childrenOf(deepValue('escaped'))!;
    expect(kids.entries.map(([k]) => k)).toEqual(['$cx', 'value']);
    expect(kids.caption.length).toBeLessThan(100);
  });

  it('stops at TREE_DEPTH when opened all the way down a 200,000-deep value', () => {
    for (const kind of ['array', 'object', 'escaped'] as const) {
      let value: Copied = deepValue(kind);
      let depth = 1;
      let node = treeNode(value, depth);
      while (node.kind === 'branch') {
        value = node.children.entries.at(-1)![1];
        node = treeNode(value, ++depth);
      }
      expect(node, kind).toEqual({ kind: 'cut', mark: CUT_DEPTH });
      expect(depth, kind).toBe(TREE_DEPTH + 1);
    }
  });

  it('opens at most TREE_DEPTH levels at first', () => {
    expect(openLevels(2)).toBe(2);
    expect(openLevels(1e9)).toBe(TREE_DEPTH);
    expect(openLevels(-1)).toBe(0);
  });
});
