import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_DELIVERIES, PanelFeed, REPLAY_WAIT_MS, type FeedListener, type FeedPort } from '../../../../src/analysis/store/feed';
import { Backoff } from '../../../../src/shared/backoff';
import type { CaptureRecord, PanelToWorker, WorkerToPanel } from '../../../../src/shared/protocol';
import { chunkOf } from '../../fakes/chunk-helpers';

class FakeFeedPort implements FeedPort {
  sent: PanelToWorker[] = [];
  private onMsg: ((m: WorkerToPanel) => void)[] = [];
  private onDisc: (() => void)[] = [];
  postMessage(m: PanelToWorker) { this.sent.push(m); }
  onMessage(l: (m: WorkerToPanel) => void) { this.onMsg.push(l); }
  onDisconnect(l: () => void) { this.onDisc.push(l); }
  deliver(m: WorkerToPanel) { this.onMsg.forEach((l) => l(m)); }
  disconnect() { this.onDisc.forEach((l) => l()); }
}

const rec = (seq: number): CaptureRecord => ({ t: 'event', seq, time: 0, name: 'A.b', publisher: 'A', via: 'publish', data: null });

function listener() {
  const got: { docId: string; seqs: number[]; dropped: number }[] = [];
  const states: string[] = [];
  const injections: unknown[] = [];
  const l: FeedListener = {
    frame: () => {},
    frameGone: () => {},
    records: (docId, records, dropped) => got.push({ docId, seqs: records.map((r) => r.seq), dropped }),
    connection: (s) => states.push(s),
    injection: (m) => injections.push(m),
  };
  return { l, got, states, injections };
}

describe('PanelFeed', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('subscribes to its tab and passes records on', () => {
    const port = new FakeFeedPort();
    const { l, got } = listener();
    new PanelFeed(42, () => port, l).start();
    expect(port.sent[0]).toMatchObject({ type: 'subscribe', tabId: 42, cursors: {} });
    port.deliver({ type: 'chunks', docId: 'd', chunks: chunkOf([rec(1), rec(2)]), dropped: 0, replay: false });
    expect(got).toEqual([{ docId: 'd', seqs: [1, 2], dropped: 0 }]);
  });

  it('drops records it already has when a replay overlaps the live stream', () => {
    const port = new FakeFeedPort();
    const { l, got } = listener();
    new PanelFeed(1, () => port, l).start();
    port.deliver({ type: 'chunks', docId: 'd', chunks: chunkOf([rec(1), rec(2), rec(3)]), dropped: 0, replay: false });
    port.deliver({ type: 'chunks', docId: 'd', chunks: chunkOf([rec(2), rec(3), rec(4)]), dropped: 0, replay: true });
    expect(got.map((g) => g.seqs)).toEqual([[1, 2, 3], [4]]);
  });

  it('reconnects with back-off after a disconnect and re-subscribes with its cursors', () => {
    const ports: FakeFeedPort[] = [];
    const { l, states } = listener();
    const feed = new PanelFeed(5, () => { const p = new FakeFeedPort(); ports.push(p); return p; }, l, new Backoff(100, 5000, () => 1));
    feed.start();
    ports[0].deliver({ type: 'chunks', docId: 'a', chunks: chunkOf([rec(7)]), dropped: 0, replay: false });
    ports[0].deliver({ type: 'chunks', docId: 'b', chunks: chunkOf([rec(3)]), dropped: 0, replay: false });
    ports[0].disconnect();
    expect(states).toEqual(['connected', 'reconnecting']);
    expect(ports).toHaveLength(1);
    vi.advanceTimersByTime(100);
    expect(ports).toHaveLength(2);
    expect(ports[1].sent[0]).toEqual({ type: 'subscribe', v: 1, tabId: 5, cursors: { a: 7, b: 3 } });
  });

  it('backs off further while the worker stays away', () => {
    let attempts = 0;
    const { l } = listener();
    const feed = new PanelFeed(5, () => { attempts++; throw new Error('Could not establish connection'); }, l, new Backoff(100, 5000, () => 1));
    feed.start();
    expect(attempts).toBe(1);
    vi.advanceTimersByTime(100); expect(attempts).toBe(2);
    vi.advanceTimersByTime(199); expect(attempts).toBe(2);
    vi.advanceTimersByTime(1); expect(attempts).toBe(3);
    feed.stop();
    vi.advanceTimersByTime(60_000); expect(attempts).toBe(3);
  });

  it('passes injection settings on and sends inject/simulate only while connected', () => {
    const port = new FakeFeedPort();
    const { l, injections } = listener();
    const feed = new PanelFeed(1, () => port, l);
    expect(feed.send({ type: 'simulate', state: 'Finalizing' })).toBe(false);
    feed.start();
    port.deliver({ type: 'injection', settings: { finalize: { text: 't', behaviour: 'always-end', states: ['Completed'] } } });
    expect(injections).toEqual([{ type: 'injection', settings: { finalize: { text: 't', behaviour: 'always-end', states: ['Completed'] } } }]);
    expect(feed.send({ type: 'inject', feature: 'finalize', options: null })).toBe(true);
    expect(port.sent.at(-1)).toEqual({ type: 'inject', feature: 'finalize', options: null });
  });

  it('passes on a dropped count even when no record is new', () => {
    const port = new FakeFeedPort();
    const { l, got } = listener();
    new PanelFeed(1, () => port, l).start();
    port.deliver({ type: 'chunks', docId: 'd', chunks: chunkOf([]), dropped: 17, replay: true });
    expect(got).toEqual([{ docId: 'd', seqs: [], dropped: 17 }]);
  });
});

describe('PanelFeed when the listener does not take records', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  /** A listener that throws on the messages whose first seq is in `refuse`, and writes down the rest. */
  function refusing(refuse: Set<number>) {
    const got: number[][] = [];
    const l: FeedListener = {
      frame: () => {}, frameGone: () => {}, connection: () => {}, injection: () => {},
      records: (_docId, records) => {
        if (records.length && refuse.has(records[0]!.seq)) throw new Error('not taken');
        got.push(records.map((r) => r.seq));
      },
    };
    return { l, got };
  }
  const chunks = (docId: string, seqs: number[]): WorkerToPanel => ({ type: 'chunks', docId, chunks: chunkOf(seqs.map(rec)), dropped: 0, replay: false });
  const subscribes = (port: FakeFeedPort) => port.sent.filter((m) => m.type === 'subscribe');

  it('keeps its cursor before records the listener did not take, and asks for them again', () => {
    const port = new FakeFeedPort();
    const refuse = new Set([3]);
    const { l, got } = refusing(refuse);
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const feed = new PanelFeed(1, () => port, l);
    feed.start();
    port.deliver(chunks('d', [1, 2]));
    port.deliver(chunks('d', [3, 4]));
    expect(feed.lastSeq('d')).toBe(2);
    // Newer live records wait for the replay: taking them now would skip 3 and 4.
    port.deliver(chunks('d', [5]));
    port.deliver({ type: 'chunks', docId: 'd', chunks: [], dropped: 1, replay: false });
    port.deliver(chunks('d', [6]));
    expect(feed.lastSeq('d')).toBe(2);
    vi.advanceTimersByTime(100);
    expect(subscribes(port).at(-1)).toMatchObject({ cursors: { d: 2 } });
    refuse.clear();
    port.deliver(chunks('d', [3, 4, 5, 6])); // the replay from the cursor
    expect(got).toEqual([[1, 2], [], [3, 4, 5, 6]]); // [] : the dropped count, passed on
    expect(feed.lastSeq('d')).toBe(6);
    port.deliver(chunks('d', [7]));
    expect(got.at(-1)).toEqual([7]);
    expect(logged).toHaveBeenCalledTimes(1);
    logged.mockRestore();
  });

  it('passes over records that fail every delivery, so that one message cannot stop the feed', () => {
    const port = new FakeFeedPort();
    const { l, got } = refusing(new Set([3]));
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const feed = new PanelFeed(1, () => port, l);
    feed.start();
    port.deliver(chunks('d', [1, 2]));
    for (let i = 0; i < MAX_DELIVERIES; i++) {
      port.deliver(chunks('d', [3, 4]));
      vi.advanceTimersByTime(100);
    }
    expect(subscribes(port)).toHaveLength(1 + MAX_DELIVERIES - 1); // the first, then one per retry
    expect(feed.lastSeq('d')).toBe(4);
    port.deliver(chunks('d', [5]));
    expect(got).toEqual([[1, 2], [5]]); // the listener sees the gap: 3 and 4 are counted as lost
    expect(logged).toHaveBeenCalledTimes(MAX_DELIVERIES);
    logged.mockRestore();
  });

  it('takes newer records again when the replay it asked for does not come', () => {
    let now = 0;
    const port = new FakeFeedPort();
    const { l, got } = refusing(new Set([3]));
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const feed = new PanelFeed(1, () => port, l, undefined, () => now);
    feed.start();
    port.deliver(chunks('d', [1, 2]));
    port.deliver(chunks('d', [3]));
    port.deliver(chunks('d', [9]));
    expect(got).toEqual([[1, 2]]);
    now = REPLAY_WAIT_MS;
    port.deliver(chunks('d', [10]));
    expect(got).toEqual([[1, 2], [10]]);
    expect(feed.lastSeq('d')).toBe(10);
    // Other documents never wait for it.
    port.deliver(chunks('e', [1]));
    expect(feed.lastSeq('e')).toBe(1);
    vi.restoreAllMocks();
  });
});

describe('Backoff', () => {
  it('doubles up to the cap and starts over after reset', () => {
    const b = new Backoff(100, 1000, () => 1);
    expect([b.next(), b.next(), b.next(), b.next(), b.next(), b.next()]).toEqual([100, 200, 400, 800, 1000, 1000]);
    b.reset();
    expect(b.next()).toBe(100);
  });
  it('jitters within the upper half of the step', () => {
    const b = new Backoff(100, 1000, () => 0);
    expect(b.next()).toBe(50);
  });
});
