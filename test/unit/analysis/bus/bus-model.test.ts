import { describe, expect, it } from 'vitest';
import { createTabModels } from '../../../../src/analysis/store/tab-models';
import type { RecordView } from '../../../../src/analysis/store/tab-store';
import type { CaptureRecord } from '../../../../src/shared/protocol';
import { MASK } from '../../../../src/analysis/text/secrets';
import { bus, cmd, connected, ev, frame, kindRecord, names, nextSeq, odd, out, status } from '../fixtures';

function tab(options: Parameters<typeof createTabModels>[0] = {}, ...docs: string[]) {
  const m = createTabModels(options);
  connected(m.store, ...(docs.length ? docs : ['a']));
  return m;
}

describe('BusModel rows', () => {
  it('makes rows for events, commands and plugin registrations; status is not a row', () => {
    const { store, bus: list } = tab();
    store.feed.records('a', [
      ev('WebChat.opened', { id: 1 }),
      cmd(1, 'WebChat.open', { form: { firstname: 'Ann' } }),
      { t: 'plugin', seq: nextSeq(), time: 1, action: 'registerCommand', plugin: 'WebChat', names: ['open', 'close'], ok: true },
      status({ cxbus: 'tapped', plugins: ['WebChat'] }),
    ], 0);
    expect(list.rows.map((r) => r.kind)).toEqual(['event', 'command', 'plugin']);
    const [e, c, p] = bus(list.rows);
    expect(e).toMatchObject({ name: 'WebChat.opened', source: 'WebChat', summary: 'id: 1', namespace: 'webchat' });
    expect(c).toMatchObject({ name: 'WebChat.open', source: 'CXBus', summary: 'form: {firstname: "Ann"}' });
    expect(p).toMatchObject({ name: 'WebChat', summary: 'registerCommand open, close' });
    expect(store.docs.get('a')!.status).toMatchObject({ cxbus: 'tapped' });
    expect(store.records).toHaveLength(4);
    expect(list.counts).toEqual({ event: 1, command: 1, plugin: 1, other: 0 });
    expect(list.busRowsOf('a')).toBe(3);
  });

  it('pairs each command with its outcome by id and document; without one it is pending', () => {
    const { store, bus: list } = tab({}, 'a', 'b');
    store.feed.records('a', [cmd(1, 'WebChat.open'), cmd(2, 'WebChat.nope'), cmd(3, 'WebChat.close')], 0);
    store.feed.records('b', [cmd(1, 'App.x')], 0);
    const before = list.outcomeVersion;
    store.feed.records('a', [out(1, 'resolved', { ok: true }), out(3, 'cancelled', "Command was cancelled by a 'before' function.")], 0);
    const [open, nope, close, other] = bus(list.rows);
    expect(list.outcomeOf(open!)).toBe('resolved');
    expect(open!.outcome!.value).toEqual({ ok: true });
    expect(list.outcomeOf(nope!)).toBe('pending');
    expect(list.outcomeOf(close!)).toBe('cancelled');
    expect(list.outcomeOf(other!)).toBe('pending'); // same id 1, other document
    expect(list.outcomeVersion).toBeGreaterThan(before);
    store.feed.records('b', [out(1, 'rejected', 'no')], 0);
    expect(list.outcomeOf(other!)).toBe('rejected');
  });

  it('marks a command row truncated when its outcome was cut', () => {
    const { store, bus: list } = tab();
    store.feed.records('a', [cmd(1, 'A.b')], 0);
    store.feed.records('a', [{ ...out(1, 'resolved'), truncated: true }], 0);
    expect(bus(list.rows)[0]!.truncated).toBe(true);
  });

  it('keeps records of unknown kinds and shows them as generic rows', () => {
    const { store, bus: list } = tab();
    const record = odd('future-kind', { direction: 'out', name: 'cookie.load', token: 'abc' });
    store.feed.records('a', [record], 0);
    expect(store.records[0]!.record).toBe(record);
    expect(bus(list.rows)[0]).toMatchObject({ kind: 'other', name: 'cookie.load' });
    expect(bus(list.rows)[0]!.summary).toContain('direction: "out"');
    expect(bus(list.rows)[0]!.summary).toContain(`token: ${MASK}`);
    expect(list.counts.other).toBe(1);
  });

  it("keeps the other views' records (injection, cookie channel) out of the bus list", () => {
    const { store, bus: list } = tab();
    const kinds = ['inject', 'channel', 'channel-gap', 'cookie-facts'] as const;
    const seen: string[] = [];
    const probe: RecordView = { kinds: new Set(kinds), take: (_d, r) => seen.push(r.t), reset: () => {} };
    store.addView(probe);
    store.feed.records('a', kinds.map((t) => kindRecord(t)), 0);
    expect(list.rows).toHaveLength(0);
    expect(store.records.map((r) => r.record.t)).toEqual(kinds);
    expect(seen).toEqual(kinds);
  });
});

describe('BusModel navigation', () => {
  it('keeps rows and inserts a separator with the new URL when preserve log is on', () => {
    const { store, bus: list } = tab({ preserveLog: true });
    store.feed.records('a', [ev('A.before')], 0);
    store.feed.frameGone('a');
    store.feed.frame(frame('b', true, 'http://localhost:8760/reloaded'));
    store.feed.records('b', [ev('A.after')], 0);
    expect(names(list.rows)).toEqual(['A.before', '--http://localhost:8760/reloaded', 'A.after']);
    expect(list.counts.event).toBe(2);
  });
});

describe('BusModel pause and caps', () => {
  it('holds new rows while paused, keeps their records, and adds them on resume', () => {
    const { store, bus: list } = tab();
    store.feed.records('a', [ev('A.one'), cmd(1, 'A.cmd')], 0);
    list.setPaused(true);
    const seen: string[] = [];
    store.addView({ kinds: new Set(['event']), take: (_d, r) => seen.push((r as { name: string }).name), reset: () => {} });
    seen.length = 0; // registration replayed A.one
    store.feed.records('a', [ev('A.two'), ev('A.three'), out(1, 'resolved')], 0);
    expect(names(list.rows)).toEqual(['A.one', 'A.cmd']);
    expect(list.heldCount).toBe(2);
    expect(seen).toEqual(['A.two', 'A.three']);
    expect(store.records).toHaveLength(5);
    // An outcome updates a row already shown; it does not add one.
    expect(list.outcomeOf(bus(list.rows)[1]!)).toBe('resolved');
    list.setPaused(false);
    expect(names(list.rows)).toEqual(['A.one', 'A.cmd', 'A.two', 'A.three']);
    expect(list.heldCount).toBe(0);
  });

  it('tells the store when pause changes, so that views re-render', () => {
    const { store, bus: list } = tab();
    let changes = 0;
    store.subscribe(() => changes++);
    list.setPaused(true);
    list.setPaused(true);
    list.setPaused(false);
    expect(changes).toBe(2);
  });

  it('pairs outcomes with commands that arrived while paused', () => {
    const { store, bus: list } = tab();
    list.setPaused(true);
    store.feed.records('a', [cmd(7, 'A.cmd')], 0);
    store.feed.records('a', [out(7, 'rejected', 'why')], 0);
    list.setPaused(false);
    expect(list.outcomeOf(bus(list.rows)[0]!)).toBe('rejected');
  });

  it('caps the list, dropping the oldest rows and counting them', () => {
    const { store, bus: list } = tab({ rowCap: 64 });
    for (let i = 0; i < 200; i++) store.feed.records('a', [ev(`A.e${i}`)], 0);
    expect(list.rows.length).toBeLessThanOrEqual(65); // the cap plus 1/64 slack before a trim
    expect(list.rows.length).toBeGreaterThanOrEqual(64);
    expect(list.rowsDropped).toBe(200 - list.rows.length);
    expect(names(list.rows).at(-1)).toBe('A.e199');
    expect(list.counts.event).toBe(200);
  });

  it('caps held rows while paused too', () => {
    const { store, bus: list } = tab({ rowCap: 10 });
    list.setPaused(true);
    for (let i = 0; i < 25; i++) store.feed.records('a', [ev(`A.e${i}`)], 0);
    expect(list.heldCount).toBe(10);
    expect(list.rowsDropped).toBe(15);
    list.setPaused(false);
    expect(names(list.rows)).toEqual(Array.from({ length: 10 }, (_, i) => `A.e${i + 15}`));
  });

  it('forgets pending commands trimmed from the list: a late outcome changes nothing', () => {
    const { store, bus: list } = tab({ rowCap: 2 });
    store.feed.records('a', [cmd(1, 'A.old'), ev('A.x'), ev('A.y')], 0);
    expect(names(list.rows)).toEqual(['A.x', 'A.y']);
    const before = list.outcomeVersion;
    store.feed.records('a', [out(1, 'resolved')], 0);
    expect(store.records.at(-1)!.record.t).toBe('outcome');
    expect(list.outcomeVersion).toBe(before);
  });

  it('empties on clear, with its counts, and starts a new epoch', () => {
    const { store, bus: list } = tab();
    store.feed.records('a', [ev('A.b'), cmd(1, 'A.c'), odd('future-kind')], 0);
    list.setPaused(true);
    store.feed.records('a', [ev('A.held')], 0);
    const epoch = list.epoch;
    store.clear();
    expect(list.rows).toEqual([]);
    expect(list.heldCount).toBe(0);
    expect(list.counts).toEqual({ event: 0, command: 0, plugin: 0, other: 0 });
    expect(list.busRowsOf('a')).toBe(0);
    expect(list.epoch).toBe(epoch + 1);
  });
});

describe('BusModel rows from records no view claims', () => {
  it('an unclaimed kind becomes an "other" row; a kind a view claims does not', () => {
    const { store, bus: list } = tab();
    const taken: CaptureRecord[] = [];
    store.addView({ kinds: new Set(['claimed-kind']), take: (_d, r) => taken.push(r), reset: () => {} });
    store.feed.records('a', [odd('claimed-kind', { name: 'mine' }), odd('nobody-kind', { name: 'theirs' })], 0);
    expect(bus(list.rows).map((r) => [r.kind, r.name, String(r.record.t)])).toEqual([['other', 'theirs', 'nobody-kind']]);
    expect(taken.map((r) => r.t)).toEqual(['claimed-kind']);
    expect(list.counts.other).toBe(1);
  });
});
