import type { CaptureRecord, Chunk } from './protocol';

/** A batch of objects (from an injected script, not the hook) as a chunk's JSON, or a single
 *  malformed record when it cannot be written as JSON (a page can post anything). */
export function encodeRecords(records: unknown[]): { json: string; count: number } {
  try {
    const json = JSON.stringify(records);
    if (typeof json === 'string' && records.length > 0) return { json, count: records.length };
  } catch (error) {
    return { json: JSON.stringify([malformed(null, 0, `a batch that cannot be written as JSON (${String(error)})`)]), count: 1 };
  }
  return { json: JSON.stringify([malformed(null, 0, 'an empty batch')]), count: 1 };
}

/**
 * The records of chunks, seq set, skipping those with seq <= cursor (a replay overlaps what the
 * panel has). What is not a record (a page can post look-alike batches) becomes a `malformed`
 * record at its place, so the panel marks it and the numbering stays whole.
 */
export function decodeChunks(chunks: readonly Chunk[], cursor: number): CaptureRecord[] {
  const out: CaptureRecord[] = [];
  for (const chunk of chunks) {
    const last = chunk.firstSeq + chunk.count - 1;
    if (last <= cursor) continue;
    let entries: unknown;
    try {
      entries = JSON.parse(chunk.json);
    } catch {
      entries = null;
    }
    if (!Array.isArray(entries)) {
      out.push(malformed(chunk.json.slice(0, 500), last, 'a batch that is not a JSON array'));
      continue;
    }
    for (let i = Math.max(0, cursor + 1 - chunk.firstSeq); i < chunk.count; i++) {
      const seq = chunk.firstSeq + i;
      const entry = entries[i];
      out.push(isRecord(entry) ? ({ ...entry, seq } as CaptureRecord) : malformed(entry, seq, i < entries.length ? 'a record without a kind (t)' : 'a record missing from its batch'));
    }
  }
  return out;
}

function isRecord(entry: unknown): entry is Record<string, unknown> {
  return typeof entry === 'object' && entry !== null && !Array.isArray(entry) && typeof (entry as { t?: unknown }).t === 'string';
}

function malformed(value: unknown, seq: number, reason: string): CaptureRecord {
  let text: string;
  try {
    text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return { t: 'malformed', seq, time: Date.now(), reason, value: text.slice(0, 500) } as unknown as CaptureRecord;
}
