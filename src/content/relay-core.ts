// The relay's decisions, without chrome.*: what it keeps of the records that arrive, what it
// sends to the worker, and what it counts as lost, by reason. relay.iife.ts wires it to the
// hook's private port, the page's window messages and the worker port; unit tests drive it with
// fakes.
//
// Provenance: records from the hook's private port (hook-link.ts) are genuine, and so are the
// `inject` reports of the features the worker injected, which arrive on an event named after this
// document's report key (hook-link.ts reportEventType). Everything else is page-made and marked
// `pageMade: true`: window messages in the hook's old batch shape, and records handed to the hook's
// handle (which the page can reach). Page-made records are kept in a buffer of their own, with
// its own cap and its own loss count (pageMadeDropped), so no amount of them can evict a genuine
// record. Both buffers number their records from one sequence (each skips the numbers the other
// uses), so the panel sees one strictly increasing seq per document.
import { RecordBuffer } from './record-buffer';
import { encodeRecords } from '../shared/chunks';
import { errorText } from '../shared/error-text';
import {
  BATCH_MAX_CHARS, RECORD_MAX_CHARS,
  type CaptureRecord, type Chunk, type ContentToWorker, type HookMessage, type PageBatch,
} from '../shared/protocol';

/** What posting a message to the worker gave. */
export type SendResult = 'sent' | 'too-large' | 'failed';

/** Posts a message to the worker; the entry passes the current port (or none). */
export type Post = (message: ContentToWorker) => SendResult;

/** Page-made records kept at most (a budget of their own, apart from the genuine buffer). */
export const PAGE_MADE_CAP = 1000;
/** A page-made batch whose JSON is longer than this is refused (counted in pageMadeDropped), so
 *  the page-made buffer holds at most about PAGE_MADE_CAP × this many characters. */
export const PAGE_MADE_MAX_CHARS = 1_000_000;
/** Page-made records taken at most: a burst of PAGE_MADE_CAP, then this many a second. The rest
 *  are counted in pageMadeDropped, so a flood cannot fill the panel (which keeps a bounded number of
 *  records of all kinds) with page-made ones either. */
export const PAGE_MADE_PER_SECOND = 200;

/** Chrome's error for an extension message over its 64 MiB limit. */
export function isTooLargeError(error: unknown): boolean {
  return /exceeded maximum allowed size/i.test(errorText(error));
}

export class RelayCore {
  /** Records lost because their batch or message was too large to send (cumulative). */
  tooLarge = 0;
  /** Page-made records refused (too large, over the rate) before they were kept; the buffer's
   *  own drops add up. */
  private pageMadeRefused = 0;
  /** Page-made records that may still be taken now (a token bucket: PAGE_MADE_PER_SECOND). */
  private pageMadeAllowance = PAGE_MADE_CAP;
  private pageMadeCheckedAt: number;
  private streaming = false;
  /** Its site was switched off (stop()): nothing more is kept or sent. */
  private stopped = false;
  /** Page-made records, in a budget of their own. */
  readonly pageMade: RecordBuffer;
  private readonly now: () => number;
  /** Why another page could have reached the hook's hand-over in this frame (hand-over.ts), or
   *  null. A contested frame's records are all kept as page-made: none can be told from a forgery. */
  readonly contested: string | null;
  /** Reports with the key are genuine even though the frame is contested: capture started late
   *  (the hook's hand-over came after the page's scripts), but the report key is as secret as ever. */
  private readonly reportsGenuine: boolean;

  constructor(
    private readonly docId: string,
    /** Genuine records: the hook's, over its private port. */
    readonly buffer: RecordBuffer,
    private readonly post: Post,
    /** This document's report key: the worker passes it to the features it injects. */
    readonly reportKey: string,
    options: { pageMade?: RecordBuffer; now?: () => number; contested?: string | null; reportsGenuine?: boolean } = {},
  ) {
    this.reportsGenuine = options.reportsGenuine === true;
    this.pageMade = options.pageMade ?? new RecordBuffer(PAGE_MADE_CAP);
    this.contested = options.contested ?? null;
    this.now = options.now ?? Date.now;
    this.pageMadeCheckedAt = this.now();
  }

  get isStreaming(): boolean {
    return this.streaming;
  }

  /** Every kept chunk, by provenance (for a debugger: relay.iife.ts exposes it in its world). */
  kept(): { genuine: Chunk[]; pageMade: Chunk[] } {
    return { genuine: this.buffer.since(0), pageMade: this.pageMade.since(0) };
  }

  /** Page-made records lost: refused, or pushed out of their own buffer before a panel read them. */
  get pageMadeDropped(): number {
    return this.pageMadeRefused + this.pageMade.dropped;
  }

  /** The site was switched off: drop every kept record and keep nothing more (the next load of
   *  the site runs no CX Lens script at all). */
  stop(): void {
    this.stopped = true;
    this.streaming = false;
    this.buffer.clear();
    this.pageMade.clear();
  }

  /** A message of the hook's private port. */
  takeHookMessage(message: HookMessage): void {
    if (this.stopped) return;
    if (this.contested) {
      if (message.type === 'batch') this.takePageMade('json' in message ? message.json : message.records);
      else this.takePageMade([message.record]);
      return;
    }
    if (message.type === 'batch') {
      this.keep('json' in message ? [{ json: message.json, count: message.count }] : encodeRecords(message.records));
    } else {
      // Handed to the hook's handle, which the page can reach: page-made, whatever key it carries.
      this.takePageMade([message.record]);
    }
  }

  /** The detail of a report event (hook-link.ts reportEventType): an injected feature's `inject`
   *  record, as JSON. Only a dispatcher that holds the report key can send it: genuine when it is
   *  an `inject` record, else page-made. */
  takeReport(detail: unknown): void {
    if (this.stopped) return;
    if (typeof detail !== 'string') return this.takePageMade([detail]);
    if (detail.length > RECORD_MAX_CHARS) return this.refusePageMade(1); // no report of CX Lens is that large
    let record: unknown;
    try {
      record = JSON.parse(detail);
    } catch {
      return this.takePageMade(detail);
    }
    if ((!this.contested || this.reportsGenuine) && typeof record === 'object' && record !== null && !Array.isArray(record) && (record as { t?: unknown }).t === 'inject') {
      this.keep(encodeRecords([record as CaptureRecord]));
    } else {
      this.takePageMade([record]);
    }
  }

  /** A window message in the hook's old batch shape: the page's own. */
  takePageBatch(batch: PageBatch): void {
    const count = 'json' in batch ? batch.count : batch.records.length;
    // Refused before it is parsed (too large, or over the rate): a flood costs a shape check a batch.
    if (('json' in batch && batch.json.length > PAGE_MADE_MAX_CHARS) || !this.allowPageMade(0)) return this.refusePageMade(count);
    this.takePageMade('json' in batch ? batch.json : batch.records);
  }

  /** Records the page made (or forged): marked pageMade and kept in their own budget. */
  takePageMade(records: unknown[] | string): void {
    if (records.length === 0 || this.stopped) return;
    const piece = markPageMade(records);
    if (!piece) return this.refusePageMade(typeof records === 'string' ? 1 : records.length);
    if (piece.json.length > PAGE_MADE_MAX_CHARS || !this.allowPageMade(piece.count)) return this.refusePageMade(piece.count);
    const chunk = this.pageMade.push(piece.json, piece.count);
    this.buffer.skip(piece.count);
    if (this.streaming) this.sendLive(chunk, this.pageMade);
  }

  /** Takes `count` from the allowance if there is enough (0: only checks that one record may come). */
  private allowPageMade(count: number): boolean {
    const now = this.now();
    const earned = Math.max(0, now - this.pageMadeCheckedAt) * (PAGE_MADE_PER_SECOND / 1000);
    this.pageMadeAllowance = Math.min(PAGE_MADE_CAP, this.pageMadeAllowance + earned);
    this.pageMadeCheckedAt = now;
    if (this.pageMadeAllowance < Math.max(1, count)) return false;
    this.pageMadeAllowance -= count;
    return true;
  }

  /** Page-made records refused at the door get no seq number (no gap for the panel to explain). */
  private refusePageMade(count: number): void {
    this.pageMadeRefused += count;
    if (this.streaming) this.sendChunks([], false); // the panel learns the count now
  }

  /** Genuine records, as JSON pieces. */
  private keep(pieces: { json: string; count: number }[]): void {
    // The hook's batches arrive as one JSON string, kept and forwarded as is: records are never
    // rebuilt here, on the page's main thread. Batches of objects are written once.
    let refused = false;
    for (const piece of pieces) {
      if (piece.json.length > RECORD_MAX_CHARS) {
        // Larger than anything the hook sends (it splits its batches). Not kept; its seq numbers
        // are skipped, so the panel sees the gap, and counted.
        this.skip(piece.count);
        this.tooLarge += piece.count;
        refused = true;
        continue;
      }
      const chunk = this.buffer.push(piece.json, piece.count);
      this.pageMade.skip(piece.count);
      if (this.streaming) this.sendLive(chunk, this.buffer);
    }
    if (refused && this.streaming) this.sendChunks([], false); // the panel learns the count now
  }

  /** Uses up seq numbers in both buffers (records that are not kept). */
  private skip(count: number): void {
    this.buffer.skip(count);
    this.pageMade.skip(count);
  }

  /** The worker asks for everything after `since`, then live records. */
  stream(since: number): void {
    if (this.stopped) return;
    this.streaming = true;
    const kept = mergeBySeq(this.buffer.since(since), this.pageMade.since(since));
    for (const group of groups(kept)) {
      if (!this.sendGroup(group)) return; // the port went away: the next subscribe replays the rest
    }
    this.buffer.delivered(this.buffer.lastSeq);
    this.pageMade.delivered(this.pageMade.lastSeq);
  }

  /** Buffer only (no panel watches), or the port went away. `notDelivered`: the worker dropped
   *  what came after this seq for want of a panel. */
  hold(notDelivered?: number): void {
    this.streaming = false;
    if (typeof notDelivered === 'number' && Number.isInteger(notDelivered)) {
      this.buffer.notDelivered(notDelivered);
      this.pageMade.notDelivered(notDelivered);
    }
  }

  private sendLive(chunk: Chunk, from: RecordBuffer): void {
    const result = this.sendChunks([chunk], false);
    if (result === 'sent') from.delivered(chunk.firstSeq + chunk.count - 1);
    else if (result === 'too-large') this.discard(chunk);
    else this.streaming = false; // not delivered: kept for the replay after the reconnect
  }

  /** Sends one replay group; a group Chrome refuses as too large is sent chunk by chunk, and a
   *  chunk it refuses alone is dropped and counted. False when the port failed. */
  private sendGroup(group: Chunk[]): boolean {
    const result = this.sendChunks(group, true);
    if (result === 'sent') return true;
    if (result === 'failed') {
      this.streaming = false;
      return false;
    }
    if (group.length === 1) {
      this.discard(group[0]!);
      return true;
    }
    return group.every((chunk) => this.sendGroup([chunk]));
  }

  private discard(chunk: Chunk): void {
    if (this.buffer.discard(chunk)) this.tooLarge += chunk.count;
    else if (this.pageMade.discard(chunk)) this.pageMadeRefused += chunk.count;
  }

  private sendChunks(chunks: Chunk[], replay: boolean): SendResult {
    return this.post({
      type: 'chunks', docId: this.docId, chunks, dropped: this.buffer.dropped, tooLarge: this.tooLarge,
      pageMadeDropped: this.pageMadeDropped, replay,
    });
  }
}

/** Two lists of chunks, each in seq order, as one list in seq order. */
function mergeBySeq(a: Chunk[], b: Chunk[]): Chunk[] {
  if (!b.length) return a;
  if (!a.length) return b;
  const out: Chunk[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i]!.firstSeq < b[j]!.firstSeq)) out.push(a[i++]!);
    else out.push(b[j++]!);
  }
  return out;
}

/**
 * Page-made records as one JSON piece, each marked `pageMade: true`: an object record gets the
 * mark (whatever it said itself); anything else (a number, null, an array) is wrapped as
 * `{pageMade: true, value}`, and text that is not a JSON array becomes one such record holding
 * its head. Null when there is nothing.
 */
export function markPageMade(records: unknown[] | string): { json: string; count: number } | null {
  let list: unknown[];
  if (typeof records === 'string') {
    // JSON.parse builds any depth without recursion; JSON.stringify below may not (then null).
    try {
      const parsed: unknown = JSON.parse(records);
      list = Array.isArray(parsed) ? parsed : [parsed];
    } catch {
      list = [records.slice(0, 200)];
    }
  } else {
    list = records;
  }
  if (!list.length) return null;
  const marked = list.map((record) =>
    typeof record === 'object' && record !== null && !Array.isArray(record)
      ? { ...(record as object), pageMade: true }
      : { pageMade: true, value: record ?? null },
  );
  try {
    return { json: JSON.stringify(marked), count: marked.length };
  } catch {
    return null; // nested too deep to write again: refused and counted by the caller
  }
}

/** Chunks in groups of at most BATCH_MAX_CHARS of JSON; always at least one group, so the panel
 *  learns the loss counts even when there is nothing to replay. */
export function groups(chunks: Chunk[], maxChars = BATCH_MAX_CHARS): Chunk[][] {
  const out: Chunk[][] = [[]];
  let size = 0;
  for (const chunk of chunks) {
    if (size + chunk.json.length > maxChars && out[out.length - 1]!.length) {
      out.push([]);
      size = 0;
    }
    out[out.length - 1]!.push(chunk);
    size += chunk.json.length;
  }
  return out;
}

/** A random id for the document; crypto.randomUUID exists only in secure contexts (https,
 *  localhost), and content scripts run on plain-http pages too. */
export function randomDocId(crypto: { randomUUID?: () => string; getRandomValues<T extends Uint8Array>(a: T): T }): string {
  if (typeof crypto.randomUUID === 'function') {
    try {
      return crypto.randomUUID();
    } catch {
      /* not a secure context */
    }
  }
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
