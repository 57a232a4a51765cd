import type { Scheduler } from '../../../src/page/batcher';

type Timer = { due: number; fn: () => void };

/** A manual clock with timers, for the batcher, the taps, the injected scripts and the cookie channel. */
export class FakeClock implements Scheduler {
  time = 1_000_000;
  private timers = new Map<number, Timer>();
  private nextId = 1;

  now = (): number => this.time;

  setTimer = (fn: () => void, ms: number): number => {
    const id = this.nextId++;
    this.timers.set(id, { due: this.time + Math.max(0, ms), fn });
    return id;
  };

  clearTimer = (handle: unknown): void => {
    this.timers.delete(handle as number);
  };

  get pendingTimers(): number {
    return this.timers.size;
  }

  /** Moves time forward, running due timers in order (timers they set run too, if due). */
  advance(ms: number): void {
    const end = this.time + ms;
    while (this.runNext(end));
    this.time = end;
  }

  /** Like advance, for code that mixes timers and promises: promise callbacks run before each
   *  timer and at the end. */
  async advanceAsync(ms: number): Promise<void> {
    const end = this.time + ms;
    do await settlePromises();
    while (this.runNext(end));
    this.time = end;
    await settlePromises();
  }

  /** Runs the earliest timer due by `end`; false when there is none. */
  private runNext(end: number): boolean {
    let next: [number, Timer] | undefined;
    for (const entry of this.timers) if (entry[1].due <= end && (!next || entry[1].due < next[1].due)) next = entry;
    if (!next) return false;
    this.timers.delete(next[0]);
    this.time = Math.max(this.time, next[1].due);
    next[1].fn();
    return true;
  }
}

async function settlePromises(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}
