// The page hook's environment on a real page (src/page/page-env.ts): its private port and its
// timers, which wait for the page to be idle.
import { describe, expect, it } from 'vitest';
import { IDLE_TIMEOUT_MS, pageEnv } from '../../../src/page/page-env';
import type { HookMessage } from '../../../src/shared/protocol';

describe('pageEnv (the real page side)', () => {
  function fakeWindow(origin: string) {
    const calls: string[] = [];
    const posted: [unknown, string][] = [];
    const timeouts = new Map<number, () => void>();
    const idles = new Map<number, () => void>();
    let next = 1;
    const win = {
      location: { origin },
      postMessage(message: unknown, target: string) {
        posted.push([message, target]);
      },
      setTimeout(fn: () => void, ms: number) {
        calls.push(`setTimeout ${ms}`);
        timeouts.set(next, fn);
        return next++;
      },
      clearTimeout(id: number) {
        timeouts.delete(id);
      },
      requestIdleCallback(fn: () => void, options: { timeout: number }) {
        calls.push(`idle ${options.timeout}`);
        idles.set(next, fn);
        return next++;
      },
      cancelIdleCallback(id: number) {
        idles.delete(id);
      },
    };
    const runAll = (m: Map<number, () => void>) => {
      const fns = [...m.values()];
      m.clear();
      fns.forEach((fn) => fn());
    };
    return { win, calls, posted, timeouts, idles, runAll };
  }

  it('sends through the sender it is given (the private port), never the window', () => {
    const f = fakeWindow('https://shop.example');
    const sent: HookMessage[] = [];
    pageEnv(f.win as unknown as Window, (m) => sent.push(m)).send({ type: 'batch', records: [] });
    expect(sent).toEqual([{ type: 'batch', records: [] }]);
    expect(f.posted).toEqual([]);
  });

  it('a batch waits for its time, then for the page to be idle (bounded); clearTimer cancels either wait', () => {
    const f = fakeWindow('https://shop.example');
    const env = pageEnv(f.win as unknown as Window, () => {});
    let ran = 0;
    env.setTimer(() => ran++, 50);
    expect(f.calls).toEqual(['setTimeout 50']);
    f.runAll(f.timeouts);
    expect(f.calls).toEqual(['setTimeout 50', `idle ${IDLE_TIMEOUT_MS}`]);
    expect(ran).toBe(0);
    f.runAll(f.idles);
    expect(ran).toBe(1);

    const waiting = env.setTimer(() => ran++, 0);
    env.clearTimer(waiting);
    f.runAll(f.timeouts);
    const idle = env.setTimer(() => ran++, 0);
    f.runAll(f.timeouts);
    env.clearTimer(idle);
    f.runAll(f.idles);
    expect(ran).toBe(1);
  });
});
