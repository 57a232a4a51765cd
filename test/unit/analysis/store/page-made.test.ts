// Page-made records (`pageMade: true`: the content script saw them arrive some other way than over
// the hook's private channel): shown in the Bus, marked; never used by a verdict, a reaction or a
// finding; kept within a budget of their own, so that a flood never evicts the genuine records.
import { describe, expect, it } from 'vitest';
import { createTabModels, type TabModels } from '../../../../src/analysis/store/tab-models';
import { FilteredRows, parseFilter } from '../../../../src/analysis/bus/filter';
import { buildCookieSync } from '../../../../src/analysis/cookies/cookie-sync';
import { captureStatus } from '../../../../src/analysis/store/capture-status';
import { computeFindings } from '../../../../src/analysis/findings/engine';
import type { CaptureRecord } from '../../../../src/shared/protocol';
import { bus, cmd, connected, ev, kindRecord, out, status } from '../fixtures';

const made = <R extends CaptureRecord>(record: R): R => ({ ...record, pageMade: true });

function tab(options: Parameters<typeof createTabModels>[0] = {}): TabModels {
  const m = createTabModels({ now: () => 10_000, ...options });
  connected(m.store, 'top');
  return m;
}

/** What a session looks like to the States and Cookie sync views: enough to give a verdict. */
function session(): CaptureRecord[] {
  return [
    ev('WebChatService.started', { data: { id: 'sess-1' } }),
    ev('WebChatService.messageReceived', { data: { messages: [{ id: 'm1', index: 1, type: 'Notice', from: { type: 'Agent' }, text: 'Finalizing' }] } }),
    cmd(7, 'WebChat.injectMessage'), out(7, 'resolved'),
    status({ cxbus: 'tapped', transport: { asyncEnabled: true } }),
    { ...kindRecord('channel'), channel: true, type: 'cx-lens-cookie/reply', peer: 'child', id: 'r-1' } as CaptureRecord,
    kindRecord('cookie-facts'), kindRecord('channel-gap'), kindRecord('inject'), cmd(8, 'WebChat.open'),
  ];
}

describe('page-made records', () => {
  it('are Bus rows, marked, of their own kind; no other view takes them', () => {
    const m = tab();
    const records = session().map(made);
    m.store.feed.records('top', records, 0);
    const rows = bus(m.bus.rows);
    // The outcome settled its own (page-made) command: one row fewer than records.
    expect(rows).toHaveLength(records.length - 1);
    expect(rows.every((r) => r.pageMade)).toBe(true);
    expect(rows.map((r) => r.kind)).toEqual(['event', 'event', 'command', 'other', 'other', 'other', 'other', 'other', 'command']);
    expect(rows[2]!.outcome?.outcome).toBe('resolved');
    expect(m.states.records).toEqual([]);
    expect(m.states.timeline(10_000).sessions).toEqual([]);
    expect(m.states.timeline(10_000).mode).toBe('unknown');
    expect(m.cookies.channel).toEqual([]);
    expect(m.cookies.facts.size + m.cookies.gaps.length + m.cookies.looked.size + m.cookies.injected.size).toBe(0);
    expect(m.injection.records).toEqual([]);
    expect(m.store.docs.get('top')!.status).toBeUndefined();
    expect(computeFindings(m, 10_000)).toEqual([]);
  });

  it('give the same views what genuine records give them once they are genuine', () => {
    const m = tab();
    m.store.feed.records('top', session(), 0);
    expect(m.states.records.length).toBeGreaterThan(0);
    expect(m.cookies.channel).toHaveLength(1);
    expect(m.injection.records).toHaveLength(1);
    expect(m.store.docs.get('top')!.status?.cxbus).toBe('tapped');
    expect(bus(m.bus.rows).some((r) => r.pageMade)).toBe(false);
  });

  it('never settle a genuine command, nor are settled by a genuine outcome', () => {
    const m = tab();
    m.store.feed.records('top', [cmd(1, 'A.real'), made(out(1, 'rejected')), made(cmd(2, 'A.forged')), out(2, 'resolved')], 0);
    const rows = bus(m.bus.rows);
    expect(rows.map((r) => [r.name, r.pageMade, r.outcome?.outcome ?? 'pending'])).toEqual([
      ['A.real', false, 'pending'], ['outcome', true, 'pending'], ['A.forged', true, 'pending'],
    ]);
  });

  it('are counted in the status line and do not make it say the bus is captured', () => {
    const m = tab();
    m.store.feed.records('top', [made(ev('A.b')), made(ev('A.c')), made({ ...ev('A.d'), name: 42 } as unknown as CaptureRecord)], 0);
    const s = captureStatus(m.store, m.bus, 10_000);
    expect(s.pageMade).toBe(3);
    expect(s.malformed).toBe(1);
    expect(s.untrusted).toBe("3 page-made records (not from CX Lens's hook: used for no verdict) · 1 malformed record");
    expect(s.state).toBe('no-bus');
    // The malformed one stays page-made.
    expect(bus(m.bus.rows).map((r) => [r.record.t, r.pageMade])).toEqual([['event', true], ['event', true], ['malformed', true]]);
  });

  it('a flood of 50,000 never evicts the genuine records, in the store or in the list; what goes is counted', () => {
    const m = tab({ rowCap: 1000, pageMadeCap: 500 });
    const genuine = Array.from({ length: 800 }, (_, i) => `Real.e${i}`);
    m.store.feed.records('top', genuine.slice(0, 400).map((name) => ev(name)), 0);
    for (let batch = 0; batch < 50; batch++) {
      m.store.feed.records('top', Array.from({ length: 1000 }, (_, i) => made(ev(`Forged.e${batch}x${i}`))), 0);
    }
    m.store.feed.records('top', genuine.slice(400).map((name) => ev(name)), 0);
    const rows = bus(m.bus.rows);
    expect(rows.filter((r) => !r.pageMade).map((r) => r.name)).toEqual(genuine);
    expect(rows.filter((r) => r.pageMade).length).toBeLessThanOrEqual(500 + 125);
    expect(m.bus.rowsDropped).toBe(0);
    expect(m.bus.pageMadeCount).toBe(50_000);
    expect(m.bus.pageMadeDropped + rows.filter((r) => r.pageMade).length).toBe(50_000);
    const kept = m.store.records.filter((r) => !r.record.pageMade);
    expect(kept).toHaveLength(800);
    expect(m.store.recordsDropped).toBe(0);
    expect(m.store.pageMadeCount).toBe(50_000);
    expect(m.store.pageMadeDropped + m.store.records.length - 800).toBe(50_000);
    expect(captureStatus(m.store, m.bus, 10_000).state).toBe('capturing');
  });

  it('the filtered list starts over when page-made rows leave the middle of the list', () => {
    const m = tab({ rowCap: 100, pageMadeCap: 8 });
    const filtered = new FilteredRows();
    const filter = parseFilter('e');
    m.store.feed.records('top', [ev('Real.a'), ...Array.from({ length: 8 }, (_, i) => made(ev(`Forged.e${i}`))), ev('Real.b')], 0);
    expect(filtered.update(m.bus.rows, filter, m.bus.listVersion, 0)).toHaveLength(10);
    m.store.feed.records('top', Array.from({ length: 4 }, (_, i) => made(ev(`Forged.f${i}`))), 0);
    const shown = filtered.update(m.bus.rows, filter, m.bus.listVersion, 0);
    expect(shown).toEqual(m.bus.rows);
    // Trimmed back to the budget (8) when they passed it by a quarter, then one more came.
    expect(bus(shown).filter((r) => r.pageMade)).toHaveLength(9);
    expect(m.bus.pageMadeDropped).toBe(3);
    expect(bus(shown).map((r) => r.name).filter((n) => n.startsWith('Real'))).toEqual(['Real.a', 'Real.b']);
  });

  it('the cookie sync view, built over a tab full of page-made channel traffic, sees none of it', () => {
    const m = tab();
    m.store.feed.records('top', Array.from({ length: 100 }, () => made({ ...kindRecord('channel'), peer: 'child', channel: true, type: 'cx-lens-cookie/reply' } as CaptureRecord)), 0);
    const sync = buildCookieSync(m.cookies, { frames: [...m.store.docs.values()].map((d) => d.frame), gone: new Set(), now: 10_000 });
    expect(sync.log).toEqual([]);
    expect(sync.violations).toEqual([]);
  });
});
