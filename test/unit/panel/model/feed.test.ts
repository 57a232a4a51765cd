import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PanelFeed, type FeedListener, type FeedPort } from '../../../../panel/model/feed';
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
