// The page hook's environment on a real page: the page's timers, clock and postMessage, taken
// before page scripts run (a page may replace them later). Tests pass a fake HookEnv instead.
import type { Scheduler } from './batcher';
import type { PageBatch } from '../shared/protocol';
import { ownTargetOrigin } from '../shared/hook-handle';

export interface HookEnv extends Scheduler {
  post(batch: PageBatch): void;
}

/** A page busy for longer than this still gets its batch sent (ms after the batch was due). */
export const IDLE_TIMEOUT_MS = 200;

/** The env of a real page: its timers, clock and postMessage, taken before page scripts run. */
export function pageEnv(win: Window): HookEnv {
  const { setTimeout, clearTimeout, postMessage, requestIdleCallback, cancelIdleCallback } = win;
  const { apply } = Reflect;
  const now = Date.now;
  let origin = '';
  try {
    origin = win.location.origin;
  } catch {
    /* keep '' */
  }
  // The batch stays in this window. Naming our own origin keeps it from reaching a document that
  // replaced this one; an opaque origin ('null', sandboxed frames) can only be addressed as '*'.
  const target = ownTargetOrigin(origin);
  // A batch waits for its time (the batcher's throttle), then for the page to be idle: copying and
  // posting (about 1 µs a record, mostly structured clone) run after the page's own queued work,
  // not in the middle of a burst of bus traffic.
  interface Timer { timeout?: number; idle?: number }
  return {
    now: () => now(),
    setTimer: (fn, ms) => {
      const timer: Timer = {};
      timer.timeout = apply(setTimeout, win, [() => {
        timer.idle = typeof requestIdleCallback === 'function'
          ? apply(requestIdleCallback, win, [fn, { timeout: IDLE_TIMEOUT_MS }])
          : (fn(), undefined);
      }, ms]);
      return timer;
    },
    clearTimer: (handle) => {
      const timer = handle as Timer;
      apply(clearTimeout, win, [timer.timeout]);
      if (timer.idle !== undefined) apply(cancelIdleCallback, win, [timer.idle]);
    },
    post: (batch) => apply(postMessage, win, [batch, target]),
  };
}
