import { describe, expect, it } from 'vitest';
import { Batcher, BATCH_HARD_MAX } from '../../../src/page/batcher';
import { BATCH_INTERVAL_MS, BATCH_MAX_RECORDS } from '../../../src/shared/protocol';
import { FakeClock } from '../fakes/fake-clock';

function setup() {
  const clock = new FakeClock();
  const sent: number[][] = [];
  const sentAt: number[] = [];
  const batcher = new Batcher<number>((items) => {
    sent.push(items);
    sentAt.push(clock.time);
  }, clock);
  return { clock, sent, sentAt, batcher };
}

describe('Batcher', () => {
  it('sends nothing synchronously, then the first batch on the next tick', () => {
    const { clock, sent, batcher } = setup();
    batcher.add(1);
    batcher.add(2);
    expect(sent).toEqual([]);
    clock.advance(0);
    expect(sent).toEqual([[1, 2]]);
  });

  it('flushes at most every BATCH_INTERVAL_MS while items keep coming', () => {
    const { clock, sent, sentAt, batcher } = setup();
    batcher.add(1);
    clock.advance(0);
    const first = clock.time;
    for (let i = 2; i <= 10; i++) {
      batcher.add(i);
      clock.advance(10);
    }
    clock.advance(BATCH_INTERVAL_MS);
    expect(sent.flat()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (let i = 1; i < sentAt.length; i++) expect(sentAt[i] - sentAt[i - 1]).toBeGreaterThanOrEqual(BATCH_INTERVAL_MS);
    expect(sentAt[1]).toBe(first + BATCH_INTERVAL_MS);
  });

  it('an item after a quiet period goes out on the next tick', () => {
    const { clock, sent, sentAt, batcher } = setup();
    batcher.add(1);
    clock.advance(0);
    clock.advance(1000);
    batcher.add(2);
    clock.advance(0);
    expect(sent).toEqual([[1], [2]]);
    expect(sentAt[1]).toBe(sentAt[0] + 1000);
  });

  it('does not wait for the interval once BATCH_MAX_RECORDS are pending, and sends at most that many per batch', () => {
    const { clock, sent, batcher } = setup();
    batcher.add(0);
    clock.advance(0); // a flush just happened: the next one would wait BATCH_INTERVAL_MS
    const n = BATCH_MAX_RECORDS * 2 + 7;
    for (let i = 1; i <= n; i++) batcher.add(i);
    expect(sent.length).toBe(1);
    clock.advance(0);
    expect(sent.slice(1).map((b) => b.length)).toEqual([BATCH_MAX_RECORDS, BATCH_MAX_RECORDS, 7]);
    expect(sent.flat()).toEqual(Array.from({ length: n + 1 }, (_, i) => i)); // order kept
  });

  it('flushes synchronously at BATCH_HARD_MAX, so a page stuck in a loop keeps memory bounded', () => {
    const { sent, batcher } = setup();
    for (let i = 0; i < BATCH_HARD_MAX; i++) batcher.add(i);
    expect(sent.flat().length).toBe(BATCH_HARD_MAX);
    expect(batcher.size).toBe(0);
  });

  it('items added while sending wait for a later flush, in order', () => {
    const clock = new FakeClock();
    const sent: number[][] = [];
    const batcher: Batcher<number> = new Batcher<number>((items) => {
      sent.push(items);
      if (items[0] === 1) batcher.add(99); // e.g. a page getter that publishes during the copy
    }, clock);
    batcher.add(1);
    clock.advance(0);
    expect(sent).toEqual([[1]]);
    clock.advance(BATCH_INTERVAL_MS);
    expect(sent).toEqual([[1], [99]]);
  });

  it('an explicit flush cancels the pending timer', () => {
    const { clock, sent, batcher } = setup();
    batcher.add(1);
    batcher.flush();
    expect(sent).toEqual([[1]]);
    expect(clock.pendingTimers).toBe(0);
    batcher.flush();
    expect(sent.length).toBe(1);
  });
});
