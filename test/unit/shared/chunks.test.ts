import { describe, expect, it } from 'vitest';
import { decodeChunks, encodeRecords } from '../../../src/shared/chunks';

const ev = (name: string) => ({ t: 'event', seq: 0, time: 1, name, publisher: 'P', via: 'publish', data: null });

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
