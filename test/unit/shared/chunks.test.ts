import { describe, expect, it } from 'vitest';
import { decodeChunks, encodeRecords, splitBatch } from '../../../src/shared/chunks';

const ev = (name: string) => ({ t: 'event', seq: 0, time: 1, name, publisher: 'P', via: 'publish', data: null });
/** An event of `size` characters of payload, for splitBatch's budgets. */
const sizedEvent = (i: number, size = 10) => ({ t: 'event', seq: 0, time: 1, name: `A.e${i}`, publisher: 'A', via: 'publish', data: { text: 'x'.repeat(size) } });

describe('chunks', () => {
  it('decodes records with their seq, skipping those the panel has', () => {
    const chunks = [
      { firstSeq: 1, count: 2, json: JSON.stringify([ev('a'), ev('b')]) },
      { firstSeq: 3, count: 2, json: JSON.stringify([ev('c'), ev('d')]) },
    ];
    expect(decodeChunks(chunks, 0).map((r) => [r.seq, (r as any).name])).toEqual([[1, 'a'], [2, 'b'], [3, 'c'], [4, 'd']]);
    expect(decodeChunks(chunks, 2).map((r) => r.seq)).toEqual([3, 4]);
    expect(decodeChunks(chunks, 3).map((r) => r.seq)).toEqual([4]);
    expect(decodeChunks(chunks, 4)).toEqual([]);
  });

  it('marks what is not a record, keeping every seq: non-objects, no kind, missing entries, not JSON', () => {
    const records = decodeChunks([
      { firstSeq: 1, count: 4, json: JSON.stringify([42, null, { no: 'kind' }]) },
      { firstSeq: 5, count: 2, json: '{"not":"an array"}' },
    ], 0);
    expect(records.map((r) => [r.seq, r.t])).toEqual([[1, 'malformed'], [2, 'malformed'], [3, 'malformed'], [4, 'malformed'], [6, 'malformed']]);
    expect((records[2] as any).reason).toMatch(/without a kind/);
    expect((records[2] as any).value).toBe('{"no":"kind"}');
    expect((records[3] as any).reason).toMatch(/missing/);
    expect((records[4] as any).reason).toMatch(/not a JSON array/);
  });

  it('encodes a batch of objects, or says why it could not', () => {
    expect(encodeRecords([ev('a')])).toEqual([{ json: JSON.stringify([ev('a')]), count: 1 }]);
    const cyclic: any = { t: 'event' };
    cyclic.self = cyclic;
    const [bad] = encodeRecords([cyclic]);
    expect(bad!.count).toBe(1);
    expect(decodeChunks([{ firstSeq: 1, ...bad }], 0)[0]).toMatchObject({ t: 'malformed', reason: expect.stringMatching(/cannot be written as JSON/) });
    expect(decodeChunks([{ firstSeq: 1, ...encodeRecords([])[0]! }], 0)[0]).toMatchObject({ t: 'malformed', reason: 'an empty batch' });
  });
});

describe('splitBatch', () => {
  it('keeps a batch within the budget as it is (no second write)', () => {
    const records = [sizedEvent(1), sizedEvent(2)];
    const json = JSON.stringify(records);
    let calls = 0;
    const pieces = splitBatch(records, json, (v) => { calls++; return JSON.stringify(v); }, 10_000);
    expect(pieces).toEqual([{ json, count: 2 }]);
    expect(calls).toBe(0);
  });

  it('splits a batch over the budget into pieces within it, in order, every record once', () => {
    const records = Array.from({ length: 20 }, (_, i) => sizedEvent(i, 1000));
    const pieces = splitBatch(records, JSON.stringify(records), JSON.stringify, 5_000);
    expect(pieces.length).toBeGreaterThan(1);
    for (const piece of pieces) expect(piece.json.length).toBeLessThanOrEqual(5_000);
    expect(pieces.reduce((n, p) => n + p.count, 0)).toBe(20);
    // Numbered the way the relay numbers chunks: contiguous seqs across the pieces.
    let firstSeq = 1;
    const chunks = pieces.map((p) => { const c = { firstSeq, ...p }; firstSeq += p.count; return c; });
    const decoded = decodeChunks(chunks, 0);
    expect(decoded.map((r) => (r as { name?: string }).name)).toEqual(records.map((r) => r.name));
    expect(decoded.map((r) => r.seq)).toEqual(records.map((_, i) => i + 1));
  });

  it('sends a record alone over the per-record budget without its payload, marked too large', () => {
    const records = [sizedEvent(1), sizedEvent(2, 50_000), sizedEvent(3)];
    const pieces = splitBatch(records, JSON.stringify(records), JSON.stringify, 20_000, 30_000);
    const decoded = decodeChunks(pieces.map((p, i) => ({ firstSeq: i * 10 + 1, ...p })), 0) as any[];
    const big = decoded.find((r) => r.name === 'A.e2');
    expect(big.truncated).toBe(true);
    expect(big.data).toEqual({ $cx: 'too-large', chars: expect.any(Number) });
    expect(big.data.chars).toBeGreaterThan(50_000);
    expect(decoded.map((r) => r.name)).toEqual(['A.e1', 'A.e2', 'A.e3']);
  });
});
