import type { Scheduler } from '../../../src/page/batcher';

/** A manual clock with timers, for the batcher and the bus tap. */
export class FakeClock implements Scheduler {
  time = 1_000_000;
  private timers = new Map<number, { due: number; fn: () => void }>();
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
    for (;;) {
      let next: [number, { due: number; fn: () => void }] | undefined;
      for (const entry of this.timers) if (entry[1].due <= end && (!next || entry[1].due < next[1].due)) next = entry;
      if (!next) break;
      this.timers.delete(next[0]);
      this.time = Math.max(this.time, next[1].due);
      next[1].fn();
    }
    this.time = end;
  }
}
