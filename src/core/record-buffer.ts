import type { CaptureRecord } from './protocol';

/**
 * The records one document keeps until a panel reads them: a ring of at most `cap` records,
 * numbered here (seq 1, 2, 3...) as they arrive. When full, the oldest is dropped and counted.
 * It lives in the content script, so it survives service-worker restarts; a reconnecting panel
 * asks for everything after the last seq it holds.
 */
export class RecordBuffer {
  private ring: (CaptureRecord | undefined)[];
  private start = 0; // index of the oldest record
  private size = 0;
  private nextSeq = 1;
  private deliveredUpTo = 0;
  /** Records dropped because the ring was full before they were ever sent to a panel. */
  dropped = 0;

  constructor(readonly cap: number) {
    if (!Number.isInteger(cap) || cap < 1) throw new RangeError(`buffer cap must be a positive integer, got ${cap}`);
    this.ring = new Array(cap);
  }

  /** Numbers the records, keeps them, and returns them (the same objects, seq set). */
  push(records: readonly CaptureRecord[]): CaptureRecord[] {
    const out: CaptureRecord[] = [];
    for (const record of records) {
      record.seq = this.nextSeq++;
      if (this.size === this.cap) {
        // Full: the oldest goes. It counts as dropped only if no panel ever received it.
        if (this.ring[this.start]!.seq > this.deliveredUpTo) this.dropped++;
        this.ring[this.start] = record;
        this.start = (this.start + 1) % this.cap;
      } else {
        this.ring[(this.start + this.size) % this.cap] = record;
        this.size++;
      }
      out.push(record);
    }
    return out;
  }

  /** Records up to seq were sent to a panel: losing them from the ring later loses nothing. */
  delivered(seq: number): void {
    if (seq > this.deliveredUpTo) this.deliveredUpTo = seq;
  }

  /** Every kept record with seq > since, oldest first. */
  since(since: number): CaptureRecord[] {
    const out: CaptureRecord[] = [];
    for (let i = 0; i < this.size; i++) {
      const record = this.ring[(this.start + i) % this.cap]!;
      if (record.seq > since) out.push(record);
    }
    return out;
  }

  get length(): number {
    return this.size;
  }

  get lastSeq(): number {
    return this.nextSeq - 1;
  }
}
