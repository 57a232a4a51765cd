import type { CaptureRecord } from './protocol';

/**
 * The records one document keeps until a panel reads them: a ring of at most `cap` records,
 * numbered here (seq 1, 2, 3...) as they arrive. When full, the oldest is dropped and counted.
 * It lives in the content script, so it survives service-worker restarts; a reconnecting panel
 * asks for everything after the last seq it holds.
 */
export class RecordBuffer {
  private ring: (CaptureRecord | undefined)[];
  private capacity: number;
  private start = 0; // index of the oldest record
  private size = 0;
  private nextSeq = 1;
  private deliveredUpTo = 0;
  /** Records dropped because the ring was full before they were ever sent to a panel. */
  dropped = 0;

  constructor(cap: number) {
    checkCap(cap);
    this.capacity = cap;
    this.ring = new Array(cap);
  }

  get cap(): number {
    return this.capacity;
  }

  /** Changes the cap, keeping the newest records that fit (the others count as dropped if no
   *  panel received them). */
  resize(cap: number): void {
    checkCap(cap);
    if (cap === this.capacity) return;
    const kept = this.since(0);
    const cut = Math.max(0, kept.length - cap);
    for (let i = 0; i < cut; i++) if (kept[i]!.seq > this.deliveredUpTo) this.dropped++;
    this.capacity = cap;
    this.ring = new Array(cap);
    this.start = 0;
    this.size = 0;
    for (const record of kept.slice(cut)) this.ring[this.size++] = record;
  }

  /** Numbers the records, keeps them, and returns them (the same objects, seq set). */
  push(records: readonly CaptureRecord[]): CaptureRecord[] {
    const out: CaptureRecord[] = [];
    for (const record of records) {
      record.seq = this.nextSeq++;
      if (this.size === this.capacity) {
        // Full: the oldest goes. It counts as dropped only if no panel ever received it.
        if (this.ring[this.start]!.seq > this.deliveredUpTo) this.dropped++;
        this.ring[this.start] = record;
        this.start = (this.start + 1) % this.capacity;
      } else {
        this.ring[(this.start + this.size) % this.capacity] = record;
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
      const record = this.ring[(this.start + i) % this.capacity]!;
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

/** chrome.storage.local key of the per-document buffer cap (set in the panel). */
export const BUFFER_CAP_KEY = 'bufferCap';
export const MIN_BUFFER_CAP = 100;
export const MAX_BUFFER_CAP = 100_000;

/** The stored setting as a valid cap, or the default when it is missing or out of range. */
export function bufferCapSetting(stored: unknown, fallback: number): number {
  return typeof stored === 'number' && Number.isInteger(stored) && stored >= MIN_BUFFER_CAP && stored <= MAX_BUFFER_CAP ? stored : fallback;
}

function checkCap(cap: number): void {
  if (!Number.isInteger(cap) || cap < 1) throw new RangeError(`buffer cap must be a positive integer, got ${cap}`);
}
