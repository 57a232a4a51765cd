import { BATCH_MAX_CHARS, RECORD_MAX_CHARS, type CaptureRecord, type Chunk } from './protocol';

/** A batch of objects (from an injected script, not the hook) as a chunk's JSON, or a single
 *  malformed record when it cannot be written as JSON (a page can post anything). */
export function encodeRecords(records: unknown[]): { json: string; count: number }[] {
  try {
    const json = JSON.stringify(records);
    if (typeof json === 'string' && records.length > 0) return splitBatch(records, json, JSON.stringify);
  } catch (error) {
    return [{ json: JSON.stringify([malformed(null, 0, `a batch that cannot be written as JSON (${String(error)})`)]), count: 1 }];
  }
  return [{ json: JSON.stringify([malformed(null, 0, 'an empty batch')]), count: 1 }];
}

/**
 * A batch's JSON as pieces of at most `maxChars` characters each, records in order: only a batch
 * over the limit (rare: huge payloads) is written again, record by record. A record alone over
 * `recordMaxChars` is sent without its payload, marked `too-large`, so its row still shows.
 * `stringify` is JSON.stringify as the caller took it (the page hook takes it before page scripts).
 */
export function splitBatch(
  records: readonly unknown[], json: string, stringify: (value: unknown) => string | undefined,
  maxChars = BATCH_MAX_CHARS, recordMaxChars = RECORD_MAX_CHARS,
): { json: string; count: number }[] {
  if (json.length <= maxChars || records.length === 0) return [{ json, count: records.length }];
  const out: { json: string; count: number }[] = [];
  let parts: string[] = [];
  let size = 2;
  const close = () => {
    if (parts.length) out.push({ json: `[${parts.join(',')}]`, count: parts.length });
    parts = [];
    size = 2;
  };
  for (const record of records) {
    let part = stringify(record) ?? 'null';
    if (part.length > recordMaxChars) part = stringify(tooLargeStub(record, part.length, stringify)) ?? 'null';
    if (parts.length && size + part.length + 1 > maxChars) close();
    parts.push(part);
    size += part.length + 1;
  }
  close();
  return out;
}

/** The record without its large fields: each field whose JSON is over 10,000 characters becomes a
 *  `too-large` marker. */
function tooLargeStub(record: unknown, chars: number, stringify: (value: unknown) => string | undefined): unknown {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return { $cx: 'too-large', chars };
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record as Record<string, unknown>)) {
    const size = (stringify(value) ?? '').length;
    out[key] = size > 10_000 ? { $cx: 'too-large', chars: size } : value;
  }
  out.truncated = true;
  return out;
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
    // Too deep to write (String() of a deep array recurses too): only its type is told.
    text = Array.isArray(value) ? '[a value nested too deep to show]' : typeof value === 'object' ? '{a value nested too deep to show}' : typeof value;
  }
  return { t: 'malformed', seq, time: Date.now(), reason, value: text.slice(0, 500) } as unknown as CaptureRecord;
}
