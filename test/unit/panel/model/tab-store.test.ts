import { describe, expect, it, vi } from 'vitest';
import { LogModel, NO_PAGE_AFTER_MS, captureStatus, type BusRow, type Row } from '../../../../panel/model/tab-store';
import { PanelFeed, type FeedPort } from '../../../../panel/model/feed';
import type { CaptureRecord, FrameInfo, HookStatus, PanelToWorker, WorkerToPanel } from '../../../../src/shared/protocol';
import { MASK } from '../../../../panel/model/secrets';
import { chunkOf } from '../../fakes/chunk-helpers';

let seq = 0;
const ev = (name: string, data: unknown = {}): CaptureRecord =>
  ({ t: 'event', seq: ++seq, time: 1000 + seq, name, publisher: name.split('.')[0]!, via: 'publish', data: data as never });
const cmd = (id: number, name: string, options: unknown = {}): CaptureRecord =>
  ({ t: 'command', seq: ++seq, time: 1000 + seq, id, name, commander: 'CXBus', options: options as never });
const out = (id: number, outcome: 'resolved' | 'rejected' | 'cancelled', value: unknown = null): CaptureRecord =>
  ({ t: 'outcome', seq: ++seq, time: 1000 + seq, id, outcome, value: value as never });
const status = (s: Partial<HookStatus>): CaptureRecord =>
  ({ t: 'status', seq: ++seq, time: 0, status: { cxbus: 'absent', quickBus: false, plugins: [], problems: [], ...s } });
const frame = (docId: string, top = true, url = `http://localhost:8760/${docId}`): FrameInfo =>
  ({ docId, frameId: top ? 0 : 1, url, origin: 'http://localhost:8760', top, seenAt: 5000 });

const bus = (rows: Row[]) => rows.filter((r): r is BusRow => r.kind !== 'nav');
const names = (rows: Row[]) => rows.map((r) => (r.kind === 'nav' ? `--${r.url}` : r.name));

function connected(model: LogModel, ...docs: string[]) {
  model.feed.connection('connected');
  for (const d of docs) model.feed.frame(frame(d));
}

describe('LogModel rows', () => {
  it('makes rows for events, commands and plugin registrations; status is not a row', () => {
    const m = new LogModel();
    connected(m, 'a');
    m.feed.records('a', [
      ev('WebChat.opened', { id: 1 }),
      cmd(1, 'WebChat.open', { form: { firstname: 'Ann' } }),
      { t: 'plugin', seq: ++seq, time: 1, action: 'registerCommand', plugin: 'WebChat', names: ['open', 'close'], ok: true },
      status({ cxbus: 'tapped', plugins: ['WebChat'] }),
    ], 0);
    expect(m.rows.map((r) => r.kind)).toEqual(['event', 'command', 'plugin']);
    const [e, c, p] = bus(m.rows);
    expect(e).toMatchObject({ name: 'WebChat.opened', source: 'WebChat', summary: 'id: 1', namespace: 'webchat' });
    expect(c).toMatchObject({ name: 'WebChat.open', source: 'CXBus', summary: 'form: {firstname: "Ann"}' });
    expect(p).toMatchObject({ name: 'WebChat', summary: 'registerCommand open, close' });
    expect(m.docs.get('a')!.status).toMatchObject({ cxbus: 'tapped' });
    expect(m.records).toHaveLength(4);
    expect(m.counts).toEqual({ event: 1, command: 1, plugin: 1, other: 0 });
  });

  it('pairs each command with its outcome by id and document; without one it is pending', () => {
    const m = new LogModel();
    connected(m, 'a', 'b');
    m.feed.records('a', [cmd(1, 'WebChat.open'), cmd(2, 'WebChat.nope'), cmd(3, 'WebChat.close')], 0);
    m.feed.records('b', [cmd(1, 'App.x')], 0);
    const before = m.outcomeVersion;
    m.feed.records('a', [out(1, 'resolved', { ok: true }), out(3, 'cancelled', "Command was cancelled by a 'before' function.")], 0);
    const [open, nope, close, other] = bus(m.rows);
    expect(m.outcomeOf(open!)).toBe('resolved');
    expect(open!.outcome!.value).toEqual({ ok: true });
    expect(m.outcomeOf(nope!)).toBe('pending');
    expect(m.outcomeOf(close!)).toBe('cancelled');
    expect(m.outcomeOf(other!)).toBe('pending'); // same id 1, other document
    expect(m.outcomeVersion).toBeGreaterThan(before);
    m.feed.records('b', [out(1, 'rejected', 'no')], 0);
    expect(m.outcomeOf(other!)).toBe('rejected');
  });

  it('marks a command row truncated when its outcome was cut', () => {
    const m = new LogModel();
    connected(m, 'a');
    m.feed.records('a', [cmd(1, 'A.b')], 0);
    m.feed.records('a', [{ ...out(1, 'resolved'), truncated: true }], 0);
    expect(bus(m.rows)[0]!.truncated).toBe(true);
  });

  it('keeps records of unknown kinds and shows them as generic rows', () => {
    const m = new LogModel();
    connected(m, 'a');
    const odd = { t: 'future-kind', seq: ++seq, time: 5, direction: 'out', name: 'cookie.load', token: 'abc' } as unknown as CaptureRecord;
    m.feed.records('a', [odd], 0);
    expect(m.records[0]!.record).toBe(odd);
    expect(bus(m.rows)[0]).toMatchObject({ kind: 'other', name: 'cookie.load' });
    expect(bus(m.rows)[0]!.summary).toContain('direction: "out"');
    expect(bus(m.rows)[0]!.summary).toContain(`token: ${MASK}`);
    expect(m.counts.other).toBe(1);
  });

  it('keeps the other views\' records (injection, cookie channel) out of the bus list', () => {
    const m = new LogModel();
    connected(m, 'a');
    const seen: string[] = [];
    m.onRecord('*', (r) => seen.push(r.t));
    const kinds = ['inject', 'channel', 'channel-gap', 'cookie-facts'];
    m.feed.records('a', kinds.map((t) => ({ t, seq: ++seq, time: 1 }) as unknown as CaptureRecord), 0);
    expect(m.rows).toHaveLength(0);
    expect(m.records.map((r) => r.record.t)).toEqual(kinds);
    expect(seen).toEqual(kinds);
  });

  it('ignores malformed records without a string t', () => {
    const m = new LogModel();
    connected(m, 'a');
    m.feed.records('a', [null, { seq: 1 }, ev('A.b')] as unknown as CaptureRecord[], 0);
    expect(names(m.rows)).toEqual(['A.b']);
  });

  it('lets views subscribe to records by t and to every change', () => {
    const m = new LogModel();
    connected(m, 'a');
    const events: string[] = [];
    const all: string[] = [];
    let changes = 0;
    m.onRecord('event', (r, docId) => events.push(`${docId}:${(r as { name: string }).name}`));
    const stopAll = m.onRecord('*', (r) => all.push(r.t));
    m.subscribe(() => changes++);
    m.onRecord('event', () => { throw new Error('a broken view'); });
    m.feed.records('a', [ev('A.b'), cmd(1, 'A.c')], 0);
    stopAll();
    m.feed.records('a', [ev('A.d')], 0);
    expect(events).toEqual(['a:A.b', 'a:A.d']);
    expect(all).toEqual(['event', 'command']);
    expect(changes).toBe(2);
  });
});

describe('LogModel navigation', () => {
  it('clears on a new top document when preserve log is off', () => {
    const m = new LogModel();
    connected(m, 'a');
    m.feed.records('a', [ev('A.b'), cmd(1, 'A.c')], 0);
    const epoch = m.epoch;
    m.feed.frame(frame('b', true, 'http://localhost:8760/next'));
    expect(m.rows).toEqual([]);
    expect(m.records).toEqual([]);
    expect(m.epoch).toBe(epoch + 1);
    m.feed.records('b', [ev('A.new')], 0);
    expect(names(m.rows)).toEqual(['A.new']);
  });

  it('keeps rows and inserts a separator with the new URL when preserve log is on', () => {
    const m = new LogModel({ preserveLog: true });
    connected(m, 'a');
    m.feed.records('a', [ev('A.before')], 0);
    m.feed.frameGone('a');
    m.feed.frame(frame('b', true, 'http://localhost:8760/reloaded'));
    m.feed.records('b', [ev('A.after')], 0);
    expect(names(m.rows)).toEqual(['A.before', '--http://localhost:8760/reloaded', 'A.after']);
    expect(m.counts.event).toBe(2);
  });

  it('does not treat iframes, re-announced frames or the first top frame as navigation', () => {
    const m = new LogModel({ preserveLog: true });
    m.feed.connection('connected');
    m.feed.frame(frame('iframe', false));
    m.feed.records('iframe', [ev('A.b')], 0);
    m.feed.frame(frame('top'));
    m.feed.frame(frame('other-iframe', false));
    m.feed.connection('reconnecting', 'service worker disconnected');
    m.feed.connection('connected');
    m.feed.frame(frame('top'));
    expect(names(m.rows)).toEqual(['A.b']);
  });

  it('forgets frames that are gone after a reconnect unless the worker re-announces them', () => {
    const m = new LogModel();
    connected(m, 'a');
    m.feed.frame(frame('x', false));
    m.feed.connection('reconnecting');
    m.feed.connection('connected');
    m.feed.frame(frame('a'));
    expect(m.liveDocs().map((d) => d.frame.docId)).toEqual(['a']);
  });
});

describe('LogModel clear, pause, caps', () => {
  it('clear empties rows and records, and the feed does not bring them back on reconnect', () => {
    vi.useFakeTimers();
    try {
      const m = new LogModel();
      const ports: { deliver(msg: WorkerToPanel): void; disconnect(): void }[] = [];
      const connect = (): FeedPort => {
        const msgs: ((msg: WorkerToPanel) => void)[] = [];
        const discs: (() => void)[] = [];
        ports.push({ deliver: (msg) => msgs.forEach((l) => l(msg)), disconnect: () => discs.forEach((l) => l()) });
        return { postMessage: (_: PanelToWorker) => {}, onMessage: (l) => msgs.push(l), onDisconnect: (l) => discs.push(l) };
      };
      const feed = new PanelFeed(1, connect, m.feed);
      feed.start();
      const records = [ev('A.one'), ev('A.two')];
      ports[0]!.deliver({ type: 'frame', frame: frame('a') });
      ports[0]!.deliver({ type: 'chunks', docId: 'a', chunks: chunkOf(records), dropped: 0, replay: false });
      m.clear();
      expect(m.rows).toEqual([]);
      expect(m.records).toEqual([]);
      // The worker restarts: the feed reconnects and the frame replays its whole buffer.
      ports[0]!.disconnect();
      vi.advanceTimersByTime(10_000);
      expect(ports).toHaveLength(2);
      ports[1]!.deliver({ type: 'frame', frame: frame('a') });
      ports[1]!.deliver({ type: 'chunks', docId: 'a', chunks: chunkOf([...records, ev('A.three')]), dropped: 0, replay: true });
      feed.stop();
      expect(names(m.rows)).toEqual(['A.three']);
      expect(m.counts.event).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('holds new rows while paused, keeps their records, and adds them on resume', () => {
    const m = new LogModel();
    connected(m, 'a');
    m.feed.records('a', [ev('A.one'), cmd(1, 'A.cmd')], 0);
    m.setPaused(true);
    const seen: string[] = [];
    m.onRecord('event', (r) => seen.push((r as { name: string }).name));
    m.feed.records('a', [ev('A.two'), ev('A.three'), out(1, 'resolved')], 0);
    expect(names(m.rows)).toEqual(['A.one', 'A.cmd']);
    expect(m.heldCount).toBe(2);
    expect(seen).toEqual(['A.two', 'A.three']);
    expect(m.records).toHaveLength(5);
    // An outcome updates a row already shown; it does not add one.
    expect(m.outcomeOf(bus(m.rows)[1]!)).toBe('resolved');
    m.setPaused(false);
    expect(names(m.rows)).toEqual(['A.one', 'A.cmd', 'A.two', 'A.three']);
    expect(m.heldCount).toBe(0);
  });

  it('pairs outcomes with commands that arrived while paused', () => {
    const m = new LogModel();
    connected(m, 'a');
    m.setPaused(true);
    m.feed.records('a', [cmd(7, 'A.cmd')], 0);
    m.feed.records('a', [out(7, 'rejected', 'why')], 0);
    m.setPaused(false);
    expect(m.outcomeOf(bus(m.rows)[0]!)).toBe('rejected');
  });

  it('caps the list, dropping the oldest rows and counting them', () => {
    const m = new LogModel({ rowCap: 64 });
    connected(m, 'a');
    for (let i = 0; i < 200; i++) m.feed.records('a', [ev(`A.e${i}`)], 0);
    expect(m.rows.length).toBeLessThanOrEqual(65); // the cap plus 1/64 slack before a trim
    expect(m.rows.length).toBeGreaterThanOrEqual(64);
    expect(m.rowsDropped).toBe(200 - m.rows.length);
    expect(names(m.rows).at(-1)).toBe('A.e199');
    expect(m.counts.event).toBe(200);
  });

  it('caps held rows while paused too', () => {
    const m = new LogModel({ rowCap: 10 });
    connected(m, 'a');
    m.setPaused(true);
    for (let i = 0; i < 25; i++) m.feed.records('a', [ev(`A.e${i}`)], 0);
    expect(m.heldCount).toBe(10);
    expect(m.rowsDropped).toBe(15);
    m.setPaused(false);
    expect(names(m.rows)).toEqual(Array.from({ length: 10 }, (_, i) => `A.e${i + 15}`));
  });

  it('caps records', () => {
    const m = new LogModel({ rowCap: 10, recordCap: 64 });
    connected(m, 'a');
    for (let i = 0; i < 100; i++) m.feed.records('a', [ev(`A.e${i}`)], 0);
    expect(m.records.length).toBeLessThanOrEqual(65);
    expect(m.recordsDropped).toBe(100 - m.records.length);
  });

  it('forgets pending commands trimmed from the list: a late outcome changes nothing', () => {
    const m = new LogModel({ rowCap: 2 });
    connected(m, 'a');
    m.feed.records('a', [cmd(1, 'A.old'), ev('A.x'), ev('A.y')], 0);
    expect(names(m.rows)).toEqual(['A.x', 'A.y']);
    m.feed.records('a', [out(1, 'resolved')], 0);
    expect(m.records.at(-1)!.record.t).toBe('outcome');
  });

  it('counts records dropped by the page buffer and seq gaps the panel never received', () => {
    const m = new LogModel();
    connected(m, 'a');
    const r1 = { ...ev('A.b'), seq: 1001 };
    const r2 = { ...ev('A.c'), seq: 1002 };
    const r3 = { ...ev('A.d'), seq: 1010 };
    m.feed.records('a', [r1, r2], 1000);
    m.feed.records('a', [r3], 1007);
    expect(m.docs.get('a')).toMatchObject({ dropped: 1007, lost: 1007, lastSeq: 1010 });
  });
});

describe('captureStatus', () => {
  it('says connecting, then no-page when no content script answers', () => {
    let now = 0;
    const m = new LogModel({ now: () => now });
    expect(captureStatus(m, now).state).toBe('connecting');
    m.feed.connection('connected');
    expect(captureStatus(m, now).state).toBe('connecting');
    now = NO_PAGE_AFTER_MS + 1;
    const s = captureStatus(m, now);
    expect(s.state).toBe('no-page');
    expect(s.message).toMatch(/reload the page/i);
  });

  it('says reconnecting with the reason', () => {
    const m = new LogModel();
    connected(m, 'a');
    m.feed.connection('reconnecting', 'service worker disconnected');
    const s = captureStatus(m, Date.now());
    expect(s.state).toBe('reconnecting');
    expect(s.message).toContain('service worker disconnected');
  });

  it('says no-bus while the hook reports no CXBus, and why when it is untappable', () => {
    const m = new LogModel();
    connected(m, 'a');
    expect(captureStatus(m, Date.now())).toMatchObject({ state: 'no-bus', message: expect.stringMatching(/not reported/) });
    m.feed.records('a', [status({ cxbus: 'absent' })], 0);
    expect(captureStatus(m, Date.now())).toMatchObject({ state: 'no-bus', message: expect.stringMatching(/no CXBus on this page yet/) });
    m.feed.records('a', [status({ cxbus: 'untappable', problems: ['CXBus is frozen'] })], 0);
    expect(captureStatus(m, Date.now()).message).toContain('CXBus is frozen');
  });

  it('says capturing in which frames, with counts, plugins and dropped records', () => {
    const m = new LogModel();
    connected(m, 'a');
    m.feed.frame(frame('i', false, 'http://127.0.0.1:8761/frame.html'));
    m.feed.records('i', [{ ...status({ cxbus: 'tapped', plugins: ['App', 'WebChat'] }), seq: 6 }, { ...ev('A.b'), seq: 7 }], 5);
    m.feed.records('a', [{ ...status({ cxbus: 'absent' }), seq: 1 }], 0);
    const s = captureStatus(m, Date.now());
    expect(s.state).toBe('capturing');
    expect(s.message).toContain('iframe 127.0.0.1:8761');
    expect(s.message).toContain('1 event');
    expect(s.dropped).toBe(5);
    expect(s.lost).toBe(5);
    expect(s.frames.map((f) => [f.top, f.bus])).toEqual([[true, 'absent'], [false, 'tapped']]);
    expect(s.frames[1]!.plugins).toEqual(['App', 'WebChat']);
  });

  it('says capturing when bus rows arrive even without a status record', () => {
    const m = new LogModel();
    connected(m, 'a');
    m.feed.records('a', [status({ cxbus: 'absent' }), ev('WebChat.opened')], 0);
    expect(captureStatus(m, Date.now())).toMatchObject({ state: 'capturing', message: expect.stringContaining('top frame localhost:8760') });
  });
});
