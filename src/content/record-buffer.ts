import type { Chunk } from '../shared/protocol';

/**
 * The records one document keeps until a panel reads them, as chunks: each batch of the page hook
 * is one JSON array string, numbered here (seq 1, 2, 3...) as it arrives and kept as it is, so the
 * content script never rebuilds records on the page's main thread. At most `cap` records: beyond
 * it the oldest go (whole chunks, or the head of the oldest one) and are counted. Cutting the head
 * of a chunk is only noted (`headCut`): the chunk is parsed and written again when a panel reads
 * it, not on every push of a full buffer, which runs on the page's main thread while no panel
 * watches. It lives in the content script, so it survives service-worker restarts; a
 * reconnecting panel asks for everything after the last seq it holds.
 */
export class RecordBuffer {
  private chunks: Chunk[] = [];
  private head = 0; // chunks[head..] are kept
  private headCut = 0; // records of chunks[head] that are no longer kept (cut when it is read)
  private size = 0; // records kept
  private capacity: number;
  private nextSeq = 1;
  private deliveredUpTo = 0;
  /** Records dropped because the buffer was full before they were ever sent to a panel. */
  dropped = 0;

  constructor(cap: number) {
    checkCap(cap);
    this.capacity = cap;
  }

  get cap(): number {
    return this.capacity;
  }

  get length(): number {
    return this.size;
  }

  get lastSeq(): number {
    return this.nextSeq - 1;
  }

  /** Numbers `count` records given as a JSON array string and keeps them; returns their chunk. */
  push(json: string, count: number): Chunk {
    const chunk: Chunk = { firstSeq: this.nextSeq, count, json };
    this.nextSeq += count;
    this.chunks.push(chunk);
    this.size += count;
    this.trim();
    return chunk;
  }

  /** Numbers `count` records that are not kept (refused, too large): their seq numbers are used
   *  up, so a panel sees the gap. */
  skip(count: number): void {
    this.nextSeq += count;
  }

  /** Removes a kept chunk (one that could not be sent); false when it is no longer kept. */
  discard(chunk: Chunk): boolean {
    const i = this.chunks.indexOf(chunk, this.head);
    if (i < 0) return false;
    this.chunks.splice(i, 1);
    this.size -= chunk.count - (i === this.head ? this.headCut : 0);
    if (i === this.head) this.headCut = 0;
    return true;
  }

  /** Forgets every kept record (seq numbers go on). */
  clear(): void {
    this.chunks = [];
    this.head = 0;
    this.headCut = 0;
    this.size = 0;
  }

  /** Records up to seq were sent to a panel: losing them from the buffer later loses nothing. */
  delivered(seq: number): void {
    if (seq > this.deliveredUpTo) this.deliveredUpTo = seq;
  }

  /** Records after seq were sent but reached no panel after all. */
  notDelivered(seq: number): void {
    if (seq < this.deliveredUpTo) this.deliveredUpTo = Math.max(0, seq);
  }

  /** Every kept chunk holding a record with seq > since, oldest first. A chunk that starts at or
   *  before `since` comes whole: the panel drops the records it already has. */
  since(since: number): Chunk[] {
    if (this.headCut > 0 && this.head < this.chunks.length) {
      this.chunks[this.head] = cutHead(this.chunks[this.head]!, this.headCut);
      this.headCut = 0;
    }
    const out: Chunk[] = [];
    for (let i = this.head; i < this.chunks.length; i++) {
      const chunk = this.chunks[i]!;
      if (chunk.firstSeq + chunk.count - 1 > since) out.push(chunk);
    }
    return out;
  }

  /** Changes the cap, keeping the newest records that fit. */
  resize(cap: number): void {
    checkCap(cap);
    this.capacity = cap;
    this.trim();
  }

  private trim(): void {
    while (this.size > this.capacity) {
      const oldest = this.chunks[this.head]!;
      const excess = this.size - this.capacity;
      const left = oldest.count - this.headCut;
      if (left <= excess) {
        this.countDropped(oldest.firstSeq + this.headCut, left);
        this.head++;
        this.headCut = 0;
        this.size -= left;
      } else {
        this.countDropped(oldest.firstSeq + this.headCut, excess);
        this.headCut += excess;
        this.size -= excess;
      }
    }
    // Drop references to gone chunks now and then, not on every push.
    if (this.head > 64 && this.head * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }

  /** Counts the records firstSeq .. firstSeq + n - 1 that no panel received. */
  private countDropped(firstSeq: number, n: number): void {
    const last = firstSeq + n - 1;
    this.dropped += Math.max(0, last - Math.max(firstSeq - 1, this.deliveredUpTo));
  }
}

function checkCap(cap: number): void {
  if (!Number.isInteger(cap) || cap < 1) throw new RangeError(`buffer cap must be a positive integer, got ${cap}`);
}

/** The chunk without its first n records (parsed and written again: done when a panel reads it). */
function cutHead(chunk: Chunk, n: number): Chunk {
  let rest = '[]';
  try {
    const records: unknown = JSON.parse(chunk.json);
    if (Array.isArray(records)) rest = JSON.stringify(records.slice(n));
  } catch {
    /* not JSON (a page posting look-alike batches): the panel marks what is left as malformed */
  }
  return { firstSeq: chunk.firstSeq + n, count: chunk.count - n, json: rest };
}
