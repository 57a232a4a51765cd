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
  /** Records dropped because the ring was full. */
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
      const end = (this.start + this.size) % this.cap;
      this.ring[end] = record;
      if (this.size < this.cap) this.size++;
      else {
        this.start = (this.start + 1) % this.cap;
        this.dropped++;
      }
      out.push(record);
    }
    return out;
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
