import { describe, expect, it } from 'vitest';
import { BUFFER_CAP_KEY, RecordBuffer, bufferCapSetting } from '../../src/core/record-buffer';
import type { CaptureRecord } from '../../src/core/protocol';

const ev = (name: string): CaptureRecord => ({ t: 'event', seq: 0, time: 1, name, publisher: 'P', via: 'publish', data: null });

describe('RecordBuffer', () => {
  it('numbers records from 1 in arrival order, whatever seq the page sent', () => {
    const buf = new RecordBuffer(10);
    const kept = buf.push([{ ...ev('a'), seq: 99 }, ev('b')]);
    expect(kept.map((r) => r.seq)).toEqual([1, 2]);
    expect(buf.push([ev('c')])[0].seq).toBe(3);
    expect(buf.lastSeq).toBe(3);
  });

  it('replays everything after a cursor, oldest first', () => {
    const buf = new RecordBuffer(10);
    buf.push(['a', 'b', 'c', 'd'].map(ev));
    expect(buf.since(0).map((r) => (r as { name: string }).name)).toEqual(['a', 'b', 'c', 'd']);
    expect(buf.since(2).map((r) => r.seq)).toEqual([3, 4]);
    expect(buf.since(4)).toEqual([]);
  });

  it('drops the oldest beyond the cap and counts what it dropped', () => {
    const buf = new RecordBuffer(3);
    buf.push(Array.from({ length: 7 }, (_, i) => ev(`e${i}`)));
    expect(buf.length).toBe(3);
    expect(buf.dropped).toBe(4);
    expect(buf.since(0).map((r) => r.seq)).toEqual([5, 6, 7]);
  });

  it('keeps exactly the cap across many wraps', () => {
    const buf = new RecordBuffer(5000);
    for (let i = 0; i < 12; i++) buf.push(Array.from({ length: 1000 }, () => ev('x')));
    const all = buf.since(0);
    expect(all).toHaveLength(5000);
    expect(all[0].seq).toBe(7001);
    expect(all[4999].seq).toBe(12000);
    expect(buf.dropped).toBe(7000);
  });

  it('does not count as dropped what a panel already received', () => {
    const buf = new RecordBuffer(3);
    buf.push(['a', 'b', 'c', 'd'].map(ev)); // a dropped unseen
    buf.delivered(4);
    buf.push(['e', 'f', 'g'].map(ev)); // b, c, d go, but were delivered
    expect(buf.dropped).toBe(1);
    buf.push(['h', 'i', 'j', 'k'].map(ev)); // e, f, g, h go unseen
    expect(buf.dropped).toBe(5);
    expect(buf.since(0).map((r) => r.seq)).toEqual([9, 10, 11]);
  });

  it('resizes: shrinking keeps the newest, counting undelivered losses; growing keeps all', () => {
    const buf = new RecordBuffer(10);
    buf.push(Array.from({ length: 8 }, (_, i) => ev(`e${i}`)));
    buf.delivered(2);
    buf.resize(4); // seq 1..4 go: 1 and 2 were delivered, 3 and 4 were not
    expect(buf.cap).toBe(4);
    expect(buf.dropped).toBe(2);
    expect(buf.since(0).map((r) => r.seq)).toEqual([5, 6, 7, 8]);
    buf.resize(6);
    buf.push([ev('x'), ev('y')]);
    expect(buf.since(0).map((r) => r.seq)).toEqual([5, 6, 7, 8, 9, 10]);
    buf.push([ev('z')]);
    expect(buf.since(0).map((r) => r.seq)).toEqual([6, 7, 8, 9, 10, 11]);
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
