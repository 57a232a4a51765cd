// Waiting for a Genesys bus that appears after an injected script: the page's Widgets may load it
// much later than the script runs, so the script looks again on a timer until it finds one.

/** Looks every FAST_POLL_MS for the first FAST_POLL_FOR_MS, then every SLOW_POLL_MS. */
export const FAST_POLL_MS = 100;
export const FAST_POLL_FOR_MS = 3000;
export const SLOW_POLL_MS = 1000;

export interface PollTimers {
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
  now(): number;
}

/** The page's own timers and clock, read when they are used (so fake timers in tests apply). */
export const pageTimers: PollTimers = {
  setTimer: (fn, ms) => setTimeout(fn, ms),
  clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  now: () => Date.now(),
};

/**
 * Calls `attempt` on a timer (first after FAST_POLL_MS) until it returns true; an attempt that
 * throws ends the polling with `onError`. Returns the function that stops it.
 */
export function pollForBus(timers: PollTimers, attempt: () => boolean, onError: (error: unknown) => void): () => void {
  const started = timers.now();
  let timer: unknown = null;
  let stopped = false;
  const schedule = (ms: number) => {
    timer = timers.setTimer(() => {
      timer = null;
      if (stopped) return;
      try {
        if (attempt()) return;
      } catch (error) {
        onError(error);
        return;
      }
      schedule(timers.now() - started < FAST_POLL_FOR_MS ? FAST_POLL_MS : SLOW_POLL_MS);
    }, ms);
  };
  schedule(FAST_POLL_MS);
  return () => {
    stopped = true;
    if (timer !== null) timers.clearTimer(timer);
    timer = null;
  };
}
