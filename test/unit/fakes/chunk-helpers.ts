import type { CaptureRecord, Chunk } from '../../../src/shared/protocol';

/** Records with consecutive seqs as the one chunk the content script would send. */
export function chunkOf(records: CaptureRecord[]): Chunk[] {
  if (!records.length) return [];
  return [{ firstSeq: records[0]!.seq, count: records.length, json: JSON.stringify(records) }];
}
