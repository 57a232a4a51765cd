import { BATCH_INTERVAL_MS, BATCH_MAX_RECORDS } from '../shared/protocol';

/** The clock and timers the batcher uses; the hook passes the page's (taken before page scripts
 *  run), tests pass a fake. */
export interface Scheduler {
  now(): number;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

/** Pending items beyond this are flushed at once, inside the call that adds them: a page stuck in
 *  a synchronous loop never lets a timer run, and memory must stay bounded (a pending record
 *  holds about 200 bytes, so this is about 10 MB). Below it, a burst is sent after the call. */
export const BATCH_HARD_MAX = BATCH_MAX_RECORDS * 100;

/**
 * Collects items and hands them to `send` in batches of at most `maxItems` (one postMessage
 * each). Throttled: a flush happens at most every `intervalMs` (the first one on the next timer
 * tick), or on the next tick once `maxItems` are pending. `add` itself does no work beyond an
 * append and a timer check, so it is safe on the hot path. It uses no built-in a page could replace
 * (no Array.prototype.push or slice: syntax and index loops), only the scheduler it was given.
 */
export class Batcher<T> {
  private pending: T[] = [];
  private timer: unknown = null;
  private timerDue = 0;
  private lastFlush = -Infinity;
  private flushing = false;

  constructor(
    private readonly send: (items: T[]) => void,
    private readonly scheduler: Scheduler,
    private readonly intervalMs = BATCH_INTERVAL_MS,
    private readonly maxItems = BATCH_MAX_RECORDS,
    private readonly hardMax = BATCH_HARD_MAX,
  ) {}

  get size(): number {
    return this.pending.length;
  }

  add(item: T): void {
    const pending = this.pending;
    pending[pending.length] = item;
    const n = pending.length;
    if (n >= this.hardMax && !this.flushing) this.flush();
    else if (n === this.maxItems) this.schedule(0);
    // The first item (or one after a scheduler that failed: nothing is left waiting without a timer).
    else if (this.timer === null && !this.flushing) this.schedule(this.lastFlush + this.intervalMs - this.scheduler.now());
  }

  /** Sends everything pending now, in chunks of maxItems, oldest first. */
  flush(): void {
    if (this.timer !== null) {
      this.scheduler.clearTimer(this.timer);
      this.timer = null;
    }
    if (this.flushing || this.pending.length === 0) return;
    this.flushing = true;
    this.lastFlush = this.scheduler.now();
    const items = this.pending;
    this.pending = [];
    try {
      if (items.length <= this.maxItems) this.send(items);
      else for (let i = 0; i < items.length; i += this.maxItems) this.send(chunk(items, i, this.maxItems));
    } finally {
      this.flushing = false;
      // Items added while sending (send may run page code: getters) wait for the next tick.
      if (this.pending.length) this.schedule(this.intervalMs);
    }
  }

  /** Makes sure a flush runs within `delayMs` (clamped at 0). */
  private schedule(delayMs: number): void {
    const delay = delayMs > 0 ? delayMs : 0;
    const due = this.scheduler.now() + delay;
    if (this.timer !== null) {
      if (this.timerDue <= due) return;
      this.scheduler.clearTimer(this.timer);
    }
    this.timerDue = due;
    this.timer = this.scheduler.setTimer(() => {
      this.timer = null;
      try {
        this.flush();
      } catch {
        /* never into the page's timer */
      }
    }, delay);
  }
}

/** items[from .. from + size), without Array.prototype.slice. */
function chunk<T>(items: T[], from: number, size: number): T[] {
  const out: T[] = [];
  for (let i = from; i < items.length && i < from + size; i++) out[out.length] = items[i]!;
  return out;
}
