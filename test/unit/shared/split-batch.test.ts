import { describe, expect, it } from 'vitest';
import { decodeChunks, splitBatch } from '../../../src/shared/chunks';

const ev = (i: number, size = 10) => ({ t: 'event', seq: 0, time: 1, name: `A.e${i}`, publisher: 'A', via: 'publish', data: { text: 'x'.repeat(size) } });

describe('splitBatch', () => {
  it('keeps a batch within the budget as it is (no second write)', () => {
    const records = [ev(1), ev(2)];
    const json = JSON.stringify(records);
    let calls = 0;
    const pieces = splitBatch(records, json, (v) => { calls++; return JSON.stringify(v); }, 10_000);
    expect(pieces).toEqual([{ json, count: 2 }]);
    expect(calls).toBe(0);
  });

  it('splits a batch over the budget into pieces within it, in order, every record once', () => {
    const records = Array.from({ length: 20 }, (_, i) => ev(i, 1000));
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
    const records = [ev(1), ev(2, 50_000), ev(3)];
    const pieces = splitBatch(records, JSON.stringify(records), JSON.stringify, 20_000, 30_000);
    const decoded = decodeChunks(pieces.map((p, i) => ({ firstSeq: i * 10 + 1, ...p })), 0) as any[];
    const big = decoded.find((r) => r.name === 'A.e2');
    expect(big.truncated).toBe(true);
    expect(big.data).toEqual({ $cx: 'too-large', chars: expect.any(Number) });
    expect(big.data.chars).toBeGreaterThan(50_000);
    expect(decoded.map((r) => r.name)).toEqual(['A.e1', 'A.e2', 'A.e3']);
  });
});
