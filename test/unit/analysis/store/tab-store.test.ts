import { describe, expect, it, vi } from 'vitest';
import { TabStore, type RecordView, type ResetCause } from '../../../../src/analysis/store/tab-store';
import { createTabModels } from '../../../../src/analysis/store/tab-models';
import { PanelFeed, type FeedPort } from '../../../../src/analysis/store/feed';
import type { CaptureRecord, FrameInfo, PanelToWorker, WorkerToPanel } from '../../../../src/shared/protocol';
import { chunkOf } from '../../fakes/chunk-helpers';
import { bus, cmd, connected, deepJson, ev, frame, kindRecord, names, odd, out, status } from '../fixtures';

/** A view that writes down what it is given. */
function probe(kinds: string[], options: { unclaimed?: boolean; navigated?: boolean } = {}) {
  const taken: string[] = [];
  const resets: ResetCause[] = [];
  const navigations: FrameInfo[] = [];
  const view: RecordView = {
    kinds: new Set(kinds),
    takesUnclaimed: options.unclaimed,
    take: (docId, r) => taken.push(`${docId}:${(r as { name?: string }).name ?? r.t}`),
    reset: (cause) => resets.push(cause),
  };
  if (options.navigated) view.navigated = (f) => navigations.push(f);
  return { view, taken, resets, navigations };
}

describe('TabStore views', () => {
  it('feeds each view the records of its kinds, in order, and every change to subscribers', () => {
    const store = new TabStore();
    connected(store, 'a');
    const events = probe(['event']);
    const all = probe(['event', 'command']);
    let changes = 0;
    store.addView(events.view);
    const stopAll = store.addView(all.view);
    store.subscribe(() => changes++);
    store.addView({ kinds: new Set(['event']), take: () => { throw new Error('a broken view'); }, reset: () => {} });
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    store.feed.records('a', [ev('A.b'), cmd(1, 'A.c')], 0);
    stopAll();
    store.feed.records('a', [ev('A.d')], 0);
    expect(logged).toHaveBeenCalledTimes(2); // the broken view, once per event
    logged.mockRestore();
    expect(events.taken).toEqual(['a:A.b', 'a:A.d']);
    expect(all.taken).toEqual(['a:A.b', 'a:A.c']);
    expect(changes).toBe(2);
  });

  it('gives a view registered late the past records of its kinds, then the new ones', () => {
    const store = new TabStore();
    connected(store, 'a');
    store.feed.records('a', [ev('A.one'), cmd(1, 'A.cmd'), ev('A.two'), kindRecord('inject')], 0);
    const late = probe(['event', 'inject']);
    store.addView(late.view);
    expect(late.taken).toEqual(['a:A.one', 'a:A.two', 'a:inject']);
    store.feed.records('a', [cmd(2, 'A.x'), ev('A.three')], 0);
    expect(late.taken).toEqual(['a:A.one', 'a:A.two', 'a:inject', 'a:A.three']);
  });

  it('gives the unclaimed view only kinds no view claims, and status to nobody but its readers', () => {
    const store = new TabStore();
    connected(store, 'a');
    const claimed = probe(['event']);
    const rest = probe([], { unclaimed: true });
    store.addView(claimed.view);
    store.addView(rest.view);
    store.feed.records('a', [ev('A.b'), odd('future-kind'), status({ cxbus: 'tapped' }), cmd(1, 'A.c')], 0);
    expect(claimed.taken).toEqual(['a:A.b']);
    expect(rest.taken).toEqual(['a:future-kind', 'a:A.c']);
    expect(store.docs.get('a')!.status).toMatchObject({ cxbus: 'tapped' });
  });

  it('resets every view when the log is emptied, with the reason', () => {
    const store = new TabStore();
    connected(store, 'a');
    const one = probe(['event']);
    const two = probe(['inject'], { navigated: true });
    store.addView(one.view);
    store.addView(two.view);
    store.clear();
    store.feed.frame(frame('b', true, 'http://localhost:8760/next'));
    expect(one.resets).toEqual([{ reason: 'clear' }, { reason: 'navigation', frame: frame('b', true, 'http://localhost:8760/next') }]);
    expect(two.resets).toEqual(one.resets);
    expect(two.navigations).toEqual([]);
  });

  it('tells views of a navigation instead when preserve log is on', () => {
    const store = new TabStore({ preserveLog: true });
    connected(store, 'a');
    const view = probe(['event'], { navigated: true });
    store.addView(view.view);
    store.feed.frame(frame('b'));
    expect(view.navigations.map((f) => f.docId)).toEqual(['b']);
    expect(view.resets).toEqual([]);
  });

  it('hands the worker\'s injection report to its listeners and tells subscribers', () => {
    const m = createTabModels();
    let changes = 0;
    m.store.subscribe(() => changes++);
    m.store.feed.injection({ type: 'injection', settings: { finalize: { text: 'Bye', behaviour: 'always-end', states: ['Completed'] } }, error: { feature: 'finalize', message: 'no access' } });
    expect(m.injection.settings.finalize?.behaviour).toBe('always-end');
    expect(m.injection.error).toMatchObject({ feature: 'finalize', message: 'no access' });
    expect(changes).toBe(1);
  });

  it('marks values without a string t as malformed records (shown, never lost)', () => {
    const m = createTabModels();
    connected(m.store, 'a');
    m.store.feed.records('a', [null, { seq: 1 }, ev('A.b')] as unknown as CaptureRecord[], 0);
    expect(bus(m.bus.rows).map((r) => r.record.t)).toEqual(['malformed', 'malformed', 'event']);
    expect(names(m.bus.rows)[2]).toBe('A.b');
    expect(m.store.malformedCount).toBe(2);
  });
});

describe('TabStore navigation', () => {
  it('clears on a new top document when preserve log is off', () => {
    const m = createTabModels();
    connected(m.store, 'a');
    m.store.feed.records('a', [ev('A.b'), cmd(1, 'A.c')], 0);
    const epoch = m.store.epoch;
    m.store.feed.frame(frame('b', true, 'http://localhost:8760/next'));
    expect(m.bus.rows).toEqual([]);
    expect(m.store.records).toEqual([]);
    expect(m.store.epoch).toBe(epoch + 1);
    m.store.feed.records('b', [ev('A.new')], 0);
    expect(names(m.bus.rows)).toEqual(['A.new']);
  });

  it('does not treat iframes, re-announced frames or the first top frame as navigation', () => {
    const m = createTabModels({ preserveLog: true });
    m.store.feed.connection('connected');
    m.store.feed.frame(frame('iframe', false));
    m.store.feed.records('iframe', [ev('A.b')], 0);
    m.store.feed.frame(frame('top'));
    m.store.feed.frame(frame('other-iframe', false));
    m.store.feed.connection('reconnecting', 'service worker disconnected');
    m.store.feed.connection('connected');
    m.store.feed.frame(frame('top'));
    expect(names(m.bus.rows)).toEqual(['A.b']);
  });

  it('a document back from the back/forward cache: a separator, its seq numbers go on, nothing counted lost', () => {
    const m = createTabModels();
    connected(m.store, 'a');
    m.store.feed.records('a', [{ ...ev('A.before'), seq: 1 }, { ...ev('A.before2'), seq: 2 }], 0);
    m.store.feed.frameGone('a');
    m.store.feed.frame(frame('b', true, 'http://localhost:8760/next'));
    m.store.feed.frameGone('b');
    const back = { ...frame('a'), seenAt: 99_999, restored: true };
    m.store.feed.frame(back);
    m.store.feed.records('a', [{ ...ev('A.after'), seq: 3 }], 0);
    const shown = () => m.bus.rows.map((r) => (r.kind === 'nav' ? `nav${r.restored ? ' restored' : ''}` : r.name));
    expect(shown()).toEqual(['nav restored', 'A.after']);
    expect(m.store.docs.get('a')).toMatchObject({ lost: 0, lastSeq: 3, gone: false });
    expect(m.store.liveTop()?.frame.docId).toBe('a');
    // The worker announcing the frame again (after a subscribe) is no new separator.
    m.store.feed.frame(back);
    expect(shown()).toEqual(['nav restored', 'A.after']);
  });

  it('a restore of the document that stayed the top one adds a separator and keeps the log', () => {
    const m = createTabModels();
    connected(m.store, 'a');
    m.store.feed.records('a', [{ ...ev('A.before'), seq: 1 }], 0);
    m.store.feed.frameGone('a');
    m.store.feed.frame({ ...frame('a'), seenAt: 99_999, restored: true });
    m.store.feed.records('a', [{ ...ev('A.after'), seq: 2 }], 0);
    expect(m.bus.rows.map((r) => (r.kind === 'nav' ? 'nav' : r.name))).toEqual(['A.before', 'nav', 'A.after']);
  });

  it('forgets frames that are gone after a reconnect unless the worker re-announces them', () => {
    const store = new TabStore();
    connected(store, 'a');
    store.feed.frame(frame('x', false));
    store.feed.connection('reconnecting');
    store.feed.connection('connected');
    store.feed.frame(frame('a'));
    expect(store.liveDocs().map((d) => d.frame.docId)).toEqual(['a']);
    expect(store.liveTop()?.frame.docId).toBe('a');
  });
});

describe('TabStore clear and caps', () => {
  it('clear empties rows and records, and the feed does not bring them back on reconnect', () => {
    vi.useFakeTimers();
    try {
      const m = createTabModels();
      const ports: { deliver(msg: WorkerToPanel): void; disconnect(): void }[] = [];
      const connect = (): FeedPort => {
        const msgs: ((msg: WorkerToPanel) => void)[] = [];
        const discs: (() => void)[] = [];
        ports.push({ deliver: (msg) => msgs.forEach((l) => l(msg)), disconnect: () => discs.forEach((l) => l()) });
        return { postMessage: (_: PanelToWorker) => {}, onMessage: (l) => msgs.push(l), onDisconnect: (l) => discs.push(l) };
      };
      const feed = new PanelFeed(1, connect, m.store.feed);
      feed.start();
      const records = [ev('A.one'), ev('A.two')];
      ports[0]!.deliver({ type: 'frame', frame: frame('a') });
      ports[0]!.deliver({ type: 'chunks', docId: 'a', chunks: chunkOf(records), dropped: 0, replay: false });
      m.store.clear();
      expect(m.bus.rows).toEqual([]);
      expect(m.store.records).toEqual([]);
      // The worker restarts: the feed reconnects and the frame replays its whole buffer.
      ports[0]!.disconnect();
      vi.advanceTimersByTime(10_000);
      expect(ports).toHaveLength(2);
      ports[1]!.deliver({ type: 'frame', frame: frame('a') });
      ports[1]!.deliver({ type: 'chunks', docId: 'a', chunks: chunkOf([...records, ev('A.three')]), dropped: 0, replay: true });
      feed.stop();
      expect(names(m.bus.rows)).toEqual(['A.three']);
      expect(m.bus.counts.event).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('caps records', () => {
    const store = new TabStore({ recordCap: 64 });
    connected(store, 'a');
    for (let i = 0; i < 100; i++) store.feed.records('a', [ev(`A.e${i}`)], 0);
    expect(store.records.length).toBeLessThanOrEqual(65);
    expect(store.recordsDropped).toBe(100 - store.records.length);
  });

  it('keeps every record, outcomes included, whichever view reads it', () => {
    const m = createTabModels();
    connected(m.store, 'a');
    m.store.feed.records('a', [cmd(1, 'A.c'), out(1, 'resolved'), kindRecord('inject'), odd('future-kind')], 0);
    expect(m.store.records.map((r) => r.record.t)).toEqual(['command', 'outcome', 'inject', 'future-kind']);
  });

  it('counts records dropped by the page buffer and seq gaps the panel never received', () => {
    const store = new TabStore();
    connected(store, 'a');
    const r1 = { ...ev('A.b'), seq: 1001 };
    const r2 = { ...ev('A.c'), seq: 1002 };
    const r3 = { ...ev('A.d'), seq: 1010 };
    store.feed.records('a', [r1, r2], 1000);
    store.feed.records('a', [r3], 1007);
    expect(store.docs.get('a')).toMatchObject({ dropped: 1007, lost: 1007, lastSeq: 1010 });
  });
});

describe('TabStore records a view cannot take', () => {
  it('marks the record alone, in its place, and takes the 50 records after it', () => {
    const m = createTabModels();
    connected(m.store, 'a');
    const picky: RecordView = {
      kinds: new Set(['event']),
      take: (_docId, r) => { if ((r as { name?: string }).name === 'Poison.pill') throw new RangeError('Maximum call stack size exceeded'); },
      reset: () => {},
    };
    m.store.addView(picky);
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const first = ev('Before.e');
    const poison = ev('Poison.pill', { a: 1 });
    const after = Array.from({ length: 50 }, (_, i) => ev(`After.e${i}`));
    m.store.feed.records('a', [first, poison, ...after], 0);
    expect(logged).toHaveBeenCalledTimes(1);
    logged.mockRestore();
    // The bus list took the record itself, then its mark; the store keeps the mark in its place.
    const rows = bus(m.bus.rows);
    expect(rows).toHaveLength(53);
    const mark = rows[2]!;
    expect(mark).toMatchObject({ kind: 'other', name: 'Poison.pill' });
    expect(mark.record).toMatchObject({
      t: 'malformed', seq: poison.seq, time: poison.time, name: 'Poison.pill',
      reason: 'a view could not read this record: RangeError: Maximum call stack size exceeded',
    });
    expect((mark.record as unknown as { value: string }).value).toContain('"Poison.pill"');
    expect(m.store.records.map((r) => r.record.t)).toEqual(['event', 'malformed', ...after.map(() => 'event')]);
    expect(names(m.bus.rows).slice(3)).toEqual(after.map((r) => (r as { name: string }).name));
    expect(m.store.docs.get('a')).toMatchObject({ lost: first.seq - 1, lastSeq: after.at(-1)!.seq }); // seqs start where the fixtures are
  });

  it('takes a record only once when the feed delivers it again', () => {
    const m = createTabModels();
    connected(m.store, 'a');
    const [one, two, three] = [ev('A.one'), ev('A.two'), ev('A.three')];
    m.store.feed.records('a', [one!, two!], 0);
    const lost = m.store.docs.get('a')!.lost;
    m.store.feed.records('a', [one!, two!, three!], 0);
    expect(names(m.bus.rows)).toEqual(['A.one', 'A.two', 'A.three']);
    expect(m.store.docs.get('a')).toMatchObject({ lost, lastSeq: three!.seq });
  });

  it('a 200,000-deep record from a look-alike batch: every view survives, nothing after it is lost', () => {
    const m = createTabModels();
    const port = new class implements FeedPort {
      listener: (message: WorkerToPanel) => void = () => {};
      postMessage(_message: PanelToWorker) {}
      onMessage(listener: (message: WorkerToPanel) => void) { this.listener = listener; }
      onDisconnect() {}
    }();
    const feed = new PanelFeed(1, () => port, m.store.feed);
    feed.start();
    port.listener({ type: 'frame', frame: frame('a') });
    const chunk = (firstSeq: number, names: string[]) =>
      chunkOf(names.map((name, i) => ({ ...ev(name, { i }), seq: firstSeq + i })))[0]!;
    const deep = `[{"t":"event","time":1,"name":"Deep.chain","publisher":"Deep","via":"publish","data":${deepJson()}}]`;
    const before = Array.from({ length: 50 }, (_, i) => `Around.before${i}`);
    const after = Array.from({ length: 50 }, (_, i) => `Around2.after${i}`);
    const logged = vi.spyOn(console, 'error');
    port.listener({ type: 'chunks', docId: 'a', dropped: 0, replay: true, chunks: [chunk(1, before), { firstSeq: 51, count: 1, json: deep }, chunk(52, after)] });
    feed.stop();
    expect(logged).not.toHaveBeenCalled();
    logged.mockRestore();
    expect(names(m.bus.rows)).toEqual([...before, 'Deep.chain', ...after]);
    expect(feed.lastSeq('a')).toBe(101);
    expect(m.store.docs.get('a')).toMatchObject({ lost: 0, lastSeq: 101 });
    // The other views read it too (the States view checks its name, Cookie sync and Injection skip it).
    expect(m.states.timeline(0).sessions).toEqual([]);
  });
});
