import { describe, expect, it, vi } from 'vitest';
import { RecordBuffer } from '../../../src/content/record-buffer';
import { BUFFER_CAP_KEY, bufferCapSetting } from '../../../src/shared/buffer-cap';
import { decodeChunks } from '../../../src/shared/chunks';

/** A batch as the page hook sends it: n event records as one JSON array string. */
function batch(prefix: string, n: number): [string, number] {
  const records = Array.from({ length: n }, (_, i) => ({ t: 'event', seq: 0, time: 1, name: `${prefix}${i}`, publisher: 'P', via: 'publish', data: null }));
  return [JSON.stringify(records), n];
}

/** What a panel holding nothing would get from the buffer: the kept records, seq set. */
const kept = (buf: RecordBuffer, since = 0) => decodeChunks(buf.since(since), since);
const seqs = (buf: RecordBuffer, since = 0) => kept(buf, since).map((r) => r.seq);

describe('RecordBuffer', () => {
  it('numbers records from 1 in arrival order, one chunk per batch', () => {
    const buf = new RecordBuffer(10);
    expect(buf.push(...batch('a', 2))).toMatchObject({ firstSeq: 1, count: 2 });
    expect(buf.push(...batch('b', 1))).toMatchObject({ firstSeq: 3, count: 1 });
    expect(buf.lastSeq).toBe(3);
    expect(kept(buf).map((r) => [r.seq, (r as { name: string }).name])).toEqual([[1, 'a0'], [2, 'a1'], [3, 'b0']]);
  });

  it('replays everything after a cursor: whole chunks, of which the panel keeps the new records', () => {
    const buf = new RecordBuffer(10);
    buf.push(...batch('a', 2));
    buf.push(...batch('b', 2));
    expect(buf.since(0)).toHaveLength(2);
    expect(buf.since(1)).toHaveLength(2); // the first chunk still holds seq 2
    expect(buf.since(2)).toHaveLength(1);
    expect(seqs(buf, 3)).toEqual([4]);
    expect(buf.since(4)).toEqual([]);
  });

  it('drops the oldest beyond the cap, cutting the oldest chunk when needed, and counts what it dropped', () => {
    const buf = new RecordBuffer(3);
    buf.push(...batch('a', 4)); // over the cap at once: the first record goes
    expect(buf.length).toBe(3);
    expect(seqs(buf)).toEqual([2, 3, 4]);
    buf.push(...batch('b', 3)); // the rest of the first chunk goes whole
    expect(buf.length).toBe(3);
    expect(buf.dropped).toBe(4);
    expect(kept(buf).map((r) => (r as { name: string }).name)).toEqual(['b0', 'b1', 'b2']);
  });

  it('keeps exactly the cap across many batches', () => {
    const buf = new RecordBuffer(5000);
    for (let i = 0; i < 24; i++) buf.push(...batch('x', 500));
    const all = seqs(buf);
    expect(all).toHaveLength(5000);
    expect(all[0]).toBe(7001);
    expect(all[4999]).toBe(12000);
    expect(buf.dropped).toBe(7000);
  });

  it('does not count as dropped what a panel already received', () => {
    const buf = new RecordBuffer(3);
    buf.push(...batch('a', 4)); // seq 1 dropped unseen
    buf.delivered(4);
    buf.push(...batch('e', 3)); // 2, 3, 4 go, but were delivered
    expect(buf.dropped).toBe(1);
    buf.push(...batch('h', 4)); // 5, 6, 7, 8 go unseen
    expect(buf.dropped).toBe(5);
    expect(seqs(buf)).toEqual([9, 10, 11]);
  });

  it('resizes: shrinking keeps the newest, counting undelivered losses; growing keeps all', () => {
    const buf = new RecordBuffer(10);
    buf.push(...batch('e', 8));
    buf.delivered(2);
    buf.resize(4); // seq 1..4 go: 1 and 2 were delivered, 3 and 4 were not
    expect(buf.cap).toBe(4);
    expect(buf.dropped).toBe(2);
    expect(seqs(buf)).toEqual([5, 6, 7, 8]);
    buf.resize(6);
    buf.push(...batch('x', 2));
    expect(seqs(buf)).toEqual([5, 6, 7, 8, 9, 10]);
    buf.push(...batch('z', 1));
    expect(seqs(buf)).toEqual([6, 7, 8, 9, 10, 11]);
  });

  it('cutting a chunk that is not JSON (a look-alike batch) leaves records the panel marks malformed', () => {
    const buf = new RecordBuffer(2);
    buf.push('not json', 3);
    expect(kept(buf).map((r) => [r.seq, r.t])).toEqual([[2, 'malformed'], [3, 'malformed']]);
  });

  it('a full buffer takes batches without parsing them: the cut is made once, when a panel reads', () => {
    const buf = new RecordBuffer(1000);
    const parse = vi.spyOn(JSON, 'parse');
    const stringify = vi.spyOn(JSON, 'stringify');
    try {
      // Batch sizes that never line up with the cap, so the oldest chunk is cut on every push.
      for (let i = 0; i < 60; i++) {
        const [json, n] = batch(`b${i}-`, 7 + (i % 13) * 31);
        parse.mockClear();
        stringify.mockClear();
        buf.push(json, n);
        expect(parse).not.toHaveBeenCalled();
        expect(stringify).not.toHaveBeenCalled();
      }
    } finally {
      parse.mockRestore();
      stringify.mockRestore();
    }
    expect(buf.length).toBe(1000);
    const all = seqs(buf);
    expect(all).toHaveLength(1000);
    expect(all[999]).toBe(buf.lastSeq);
    expect(all[0]).toBe(buf.lastSeq - 999);
    expect(buf.dropped).toBe(buf.lastSeq - 1000);
    // Read twice: the same records (the cut is kept, not made again).
    expect(seqs(buf)).toEqual(all);
  });

  it('discards a chunk whose head was cut, counting only what was still kept', () => {
    const buf = new RecordBuffer(5);
    const first = buf.push(...batch('a', 4));
    buf.push(...batch('b', 3)); // two records of the first chunk go
    expect(buf.length).toBe(5);
    expect(buf.discard(first)).toBe(true);
    expect(buf.length).toBe(3);
    expect(seqs(buf)).toEqual([5, 6, 7]);
  });

  it('reads the stored cap setting, falling back on anything invalid', () => {
    expect(BUFFER_CAP_KEY).toBe('bufferCap');
    expect(bufferCapSetting(20_000, 5000)).toBe(20_000);
    for (const bad of [undefined, null, '20000', 1.5, 0, 99, 100_001, NaN]) expect(bufferCapSetting(bad, 5000)).toBe(5000);
  });

  it('refuses a cap that is not a positive integer', () => {
    expect(() => new RecordBuffer(0)).toThrow(RangeError);
    expect(() => new RecordBuffer(1.5)).toThrow(RangeError);
  });
});
