// Records a hostile page can post (a 200,000-deep payload, huge names, nested arrays where text is
// expected) go through every part of the Bus tab: rows, search, filter, detail, Copy as JSON, Save recording.
import { describe, expect, it } from 'vitest';
import { createTabModels } from '../../../../src/analysis/store/tab-models';
import { SEARCH_FIELD_MAX, searchText, type BusRow } from '../../../../src/analysis/bus/bus-model';
import { matchRow, parseFilter } from '../../../../src/analysis/bus/filter';
import { rowJson } from '../../../../panel/bus/DetailPane';
import { recordingJson } from '../../../../src/analysis/files/format';
import { CUT_DEPTH, DISPLAY_DEPTH } from '../../../../src/analysis/text/bounded';
import { SUMMARY_MAX } from '../../../../src/analysis/text/summary';
import type { CaptureRecord } from '../../../../src/shared/protocol';
import { bus, connected, deepValue, ev, levelsOf, nextSeq } from '../fixtures';

function tab() {
  const m = createTabModels();
  connected(m.store, 'a');
  return m;
}

const deepEvent = (kind: 'array' | 'object' | 'escaped' = 'escaped'): CaptureRecord =>
  ({ t: 'event', seq: nextSeq(), time: 1, name: 'Deep.chain', publisher: 'Deep', via: 'publish', data: deepValue(kind) });

describe('a 200,000-deep record in the Bus tab', () => {
  it('is one row with a bounded summary and search text; the records around it are rows too', () => {
    const { store, bus: list } = tab();
    const before = Array.from({ length: 50 }, (_, i) => ev(`Around.before${i}`, { i }));
    const deep = [deepEvent(), deepEvent('array'), deepEvent('object')];
    const after = Array.from({ length: 50 }, (_, i) => ev(`Around2.after${i}`, { i }));
    store.feed.records('a', [...before, ...deep, ...after], 0);
    const rows = bus(list.rows);
    expect(rows).toHaveLength(103);
    const deepRows = rows.filter((r) => r.name === 'Deep.chain');
    expect(deepRows).toHaveLength(3);
    for (const row of deepRows) {
      expect(row.kind).toBe('event');
      expect(row.summary.length).toBeLessThanOrEqual(SUMMARY_MAX);
      expect(row.search.length).toBeLessThan(500);
    }
    expect(rows.filter((r) => matchRow(r, parseFilter('kind:event plugin:Around2')))).toHaveLength(50);
    expect(rows.filter((r) => matchRow(r, parseFilter('deep escaped')))).toHaveLength(1);
    expect(store.docs.get('a')!.lost).toBe(0);
  });

  it('search text is bounded whatever the size of a name', () => {
    const huge = 'N'.repeat(5_000_000);
    expect(searchText(huge, 'src', 'sum')).toHaveLength(SEARCH_FIELD_MAX + '\nsrc\nsum'.length);
    const { store, bus: list } = tab();
    // A huge name is a row of its own; a deep publisher (no string) is marked malformed at the door.
    store.feed.records('a', [{ ...ev('x'), name: huge, publisher: huge } as CaptureRecord, { ...ev('x'), name: huge, publisher: deepValue('array') } as CaptureRecord], 0);
    const [row, marked] = bus(list.rows);
    expect(row!.name).toHaveLength(5_000_000);
    for (const r of [row!, marked!]) expect(r.search.length).toBeLessThanOrEqual(2 * SEARCH_FIELD_MAX + SUMMARY_MAX + 2);
    expect(marked!.record.t).toBe('malformed');
  });

  it('Copy as JSON is valid JSON, cut and marked at the display depth, secrets shown or not', () => {
    const { store, bus: list } = tab();
    store.feed.records('a', [deepEvent(), deepEvent('array')], 0);
    for (const row of bus(list.rows) as BusRow[]) {
      for (const showSecrets of [false, true]) {
        const json = rowJson(row, store, showSecrets);
        expect(json).toContain(CUT_DEPTH);
        const parsed = JSON.parse(json) as { data: unknown; name: string };
        expect(parsed.name).toBe('Deep.chain');
        expect(levelsOf(parsed.data)).toBe(DISPLAY_DEPTH - 1); // the record is the first level
      }
    }
  });

  it('the saved recording holds every record, the deep one cut and marked', () => {
    const models = tab();
    const { store } = models;
    store.feed.records('a', [ev('A.one', { token: 'secret-value' }), deepEvent(), ev('A.two')], 0);
    for (const showSecrets of [false, true]) {
      const text = recordingJson(models, { keepSecrets: showSecrets, savedAt: Date.parse('2024-01-01T00:00:00.000Z'), lensVersion: '0.0.0', bufferCap: null, rowCap: 100_000 });
      const data = JSON.parse(text) as { records: { record: { name: string } }[]; secretsMasked: boolean };
      expect(data.records.map((r) => r.record.name)).toEqual(['A.one', 'Deep.chain', 'A.two']);
      expect(data.secretsMasked).toBe(!showSecrets);
      expect(text).toContain(CUT_DEPTH);
      expect(text.includes('secret-value')).toBe(showSecrets);
    }
  });

  it('page values where text is expected (ids, names, plugin lists) never recurse', () => {
    const { store, bus: list } = tab();
    store.feed.records('a', [
      { t: 'command', seq: nextSeq(), time: 1, id: deepValue('array'), name: 'A.cmd', commander: deepValue('array'), options: {} } as unknown as CaptureRecord,
      { t: 'outcome', seq: nextSeq(), time: 2, id: deepValue('array'), outcome: 'resolved', value: null } as unknown as CaptureRecord,
      { t: 'plugin', seq: nextSeq(), time: 3, action: 'registerCommand', plugin: 'P', names: [deepValue('array'), ...Array.from({ length: 500 }, (_, i) => `n${i}`)], ok: true } as unknown as CaptureRecord,
      { t: 'status', seq: nextSeq(), time: 4, status: { cxbus: deepValue('array'), plugins: [deepValue('array')], problems: [], quickBus: false } } as unknown as CaptureRecord,
    ], 0);
    // None of them has its kind's shape: each is a malformed row, with bounded text; the forged
    // status is no status of the frame.
    const rows = bus(list.rows);
    expect(rows.map((r) => r.record.t)).toEqual(['malformed', 'malformed', 'malformed', 'malformed']);
    for (const row of rows) {
      expect(row.summary.length).toBeLessThanOrEqual(SUMMARY_MAX);
      expect((row.record as unknown as { reason: string }).reason).toMatch(/^not a valid record: (id|cxbus|status|names)/);
    }
    expect(store.docs.get('a')!.status).toBeUndefined();
  });
});
