// The Bus list's scroll handler: a scroll event that comes after the list was removed does nothing.
import { describe, expect, it } from 'vitest';
import { ROW_HEIGHT, scrollHandler } from '../../../../panel/bus/BusList';

describe('BusList scroll', () => {
  it('follows the newest rows at the bottom and renders the rows in view', () => {
    const el = { scrollTop: 1000 - 400, clientHeight: 400, scrollHeight: 1000 };
    const following = { current: false };
    const tops: number[] = [];
    scrollHandler({ current: el }, following, (top) => tops.push(top))();
    expect(following.current).toBe(true);
    el.scrollTop = 100;
    scrollHandler({ current: el }, following, (top) => tops.push(top))();
    expect(following.current).toBe(false);
    expect(tops).toEqual([600, 100]);
    expect(ROW_HEIGHT).toBeGreaterThan(0);
  });

  it('after the list was removed (its element gone) a scroll event is a no-op, not a TypeError', () => {
    const following = { current: true };
    const tops: number[] = [];
    expect(() => scrollHandler({ current: null }, following, (top) => tops.push(top))()).not.toThrow();
    expect(following.current).toBe(true);
    expect(tops).toEqual([]);
  });
});
