// The relay's decisions, without chrome.*: what it keeps of the page's batches, what it sends to
// the worker, and what it counts as lost, by reason. relay.iife.ts wires it to the page and the
// port; unit tests drive it with a fake port.
import { RecordBuffer } from './record-buffer';
import { encodeRecords } from '../shared/chunks';
import { BATCH_MAX_CHARS, RECORD_MAX_CHARS, type Chunk, type ContentToWorker, type PageBatch } from '../shared/protocol';

/** What posting a message to the worker gave. */
export type SendResult = 'sent' | 'too-large' | 'failed';

/** Posts a message to the worker; the entry passes the current port (or none). */
export type Post = (message: ContentToWorker) => SendResult;

/** Chrome's error for an extension message over its 64 MiB limit. */
export function isTooLargeError(error: unknown): boolean {
  return /exceeded maximum allowed size/i.test(String((error as Error)?.message ?? error));
}

export class RelayCore {
  /** Records lost because their batch or message was too large to send (cumulative). */
  tooLarge = 0;
  private streaming = false;

  constructor(
    private readonly docId: string,
    readonly buffer: RecordBuffer,
    private readonly post: Post,
  ) {}

  get isStreaming(): boolean {
    return this.streaming;
  }

  /** A batch from the page hook (or a page posting in its shape). */
  takeBatch(batch: PageBatch): void {
    // The hook's batches arrive as one JSON string, kept and forwarded as is: records are never
    // rebuilt here, on the page's main thread. Batches of objects (injected scripts) are written once.
    const pieces = 'json' in batch ? [{ json: batch.json, count: batch.count }] : encodeRecords(batch.records);
    let refused = false;
    for (const piece of pieces) {
      if (piece.json.length > RECORD_MAX_CHARS) {
        // Larger than anything the hook sends (it splits its batches): a page's own. Not kept;
        // its seq numbers are skipped, so the panel sees the gap, and counted.
        this.buffer.skip(piece.count);
        this.tooLarge += piece.count;
        refused = true;
        continue;
      }
      const chunk = this.buffer.push(piece.json, piece.count);
      if (this.streaming) this.sendLive(chunk);
    }
    if (refused && this.streaming) this.sendChunks([], false); // the panel learns the count now
  }

  /** The worker asks for everything after `since`, then live records. */
  stream(since: number): void {
    this.streaming = true;
    for (const group of groups(this.buffer.since(since))) {
      if (!this.sendGroup(group)) return; // the port went away: the next subscribe replays the rest
    }
    this.buffer.delivered(this.buffer.lastSeq);
  }

  /** Buffer only (no panel watches), or the port went away. `notDelivered`: the worker dropped
   *  what came after this seq for want of a panel. */
  hold(notDelivered?: number): void {
    this.streaming = false;
    if (typeof notDelivered === 'number' && Number.isInteger(notDelivered)) this.buffer.notDelivered(notDelivered);
  }

  private sendLive(chunk: Chunk): void {
    const result = this.sendChunks([chunk], false);
    if (result === 'sent') this.buffer.delivered(chunk.firstSeq + chunk.count - 1);
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
  }

  private sendChunks(chunks: Chunk[], replay: boolean): SendResult {
    return this.post({ type: 'chunks', docId: this.docId, chunks, dropped: this.buffer.dropped, tooLarge: this.tooLarge, replay });
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
