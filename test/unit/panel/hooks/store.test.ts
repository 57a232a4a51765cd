import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { renderersOf } from '../../../../panel/hooks/store';
import { TabStore } from '../../../../src/analysis/store/tab-store';

describe('renderersOf: the components of one store render together', () => {
  let frames: (() => void)[] = [];
  beforeEach(() => {
    frames = [];
    vi.useFakeTimers();
    vi.stubGlobal('requestAnimationFrame', (fn: () => void) => frames.push(fn));
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });
  const runFrame = () => frames.splice(0).forEach((fn) => fn());

  it('a burst of changes gives every component one render, in the same frame, at the same version', () => {
    const store = new TabStore();
    const seen: string[] = [];
    const renderers = renderersOf(store);
    renderers.add((v) => seen.push(`list ${v}`));
    renderers.add((v) => seen.push(`count ${v}`));
    for (let i = 0; i < 100; i++) store.notify();
    expect(seen).toEqual([]);
    expect(frames).toHaveLength(1);
    runFrame();
    expect(seen).toEqual([`list ${store.version}`, `count ${store.version}`]);
    vi.advanceTimersByTime(200); // the fallback timer was cleared: no second render
    expect(seen).toHaveLength(2);
  });

  it('in a hidden panel (no frames) the timer renders them all in one task', () => {
    const store = new TabStore();
    const seen: number[] = [];
    const renderers = renderersOf(store);
    renderers.add((v) => seen.push(v));
    renderers.add((v) => seen.push(v));
    store.notify();
    expect(vi.getTimerCount()).toBe(1); // one timer for both, so no task can see one updated alone
    vi.advanceTimersByTime(99);
    expect(seen).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(seen).toEqual([store.version, store.version]);
  });

  it('subscribes to the store once, and lets go when the last component leaves', () => {
    const store = new TabStore();
    const subscribe = vi.spyOn(store, 'subscribe');
    const renderers = renderersOf(store);
    expect(renderersOf(store)).toBe(renderers);
    const removeA = renderers.add(() => {});
    const removeB = renderers.add(() => {});
    expect(subscribe).toHaveBeenCalledTimes(1);
    removeA();
    removeB();
    const rendered: number[] = [];
    store.notify();
    runFrame();
    vi.advanceTimersByTime(200);
    expect(frames).toHaveLength(0);
    renderers.add((v) => rendered.push(v));
    expect(subscribe).toHaveBeenCalledTimes(2);
    store.notify();
    runFrame();
    expect(rendered).toEqual([store.version]);
  });
});
