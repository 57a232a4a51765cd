// The panel's door: every record is checked against its kind's shape before any view sees it.
// The defects a hostile page showed (a forged channel record froze the Cookie sync view for good;
// filtering a log with megabyte strings froze the panel) and the shape of each kind.
import { describe, expect, it } from 'vitest';
import { createTabModels, type TabModels } from '../../../../src/analysis/store/tab-models';
import { buildCookieSync } from '../../../../src/analysis/cookies/cookie-sync';
import { FilteredRows, parseFilter } from '../../../../src/analysis/bus/filter';
import { captureStatus } from '../../../../src/analysis/store/capture-status';
import { RECORD_SHAPES, shapeProblem } from '../../../../src/analysis/store/record-shape';
import type { CaptureRecord } from '../../../../src/shared/protocol';
import { bus, cmd, connected, ev, kindRecord, nextSeq, out, status } from '../fixtures';

function tab(): TabModels {
  const m = createTabModels();
  connected(m.store, 'top');
  return m;
}

const cookieSync = (m: TabModels) =>
  buildCookieSync(m.cookies, { frames: [...m.store.docs.values()].map((d) => d.frame), gone: new Set(), now: 10_000 });

/** A channel message the page's hook saw, as the real hook writes it. */
const channel = (type: unknown): CaptureRecord => ({
  ...kindRecord('channel'), peer: 'child', channel: true, type, id: `r-${nextSeq()}`, senderOrigin: 'http://localhost:8760',
} as unknown as CaptureRecord);

describe('a forged channel record whose type is a number', () => {
  it('is a malformed row; the Cookie sync view keeps building and counting real traffic', () => {
    const m = tab();
    m.store.feed.records('top', [channel('cx-lens-cookie/reply')], 0);
    expect(cookieSync(m).log).toHaveLength(1);
    // Before the door, this record reached the Cookie sync store and every build threw
    // `c.type.replace is not a function`: the view stopped updating for good.
    m.store.feed.records('top', [channel(42)], 0);
    expect(() => cookieSync(m)).not.toThrow();
    m.store.feed.records('top', [channel('cx-lens-cookie/reply'), channel('cx-lens-cookie/reply')], 0);
    expect(cookieSync(m).log).toHaveLength(3);
    const marked = bus(m.bus.rows).filter((r) => (r.record.t as string) === 'malformed');
    expect(marked).toHaveLength(1);
    expect((marked[0]!.record as unknown as { reason: string }).reason).toBe('not a valid record: type: number, not a string');
    expect(m.store.malformedCount).toBe(1);
    expect(captureStatus(m.store, m.bus, 10_000).untrusted).toBe('1 malformed record');
  });
});

describe('filtering a log with megabyte strings', () => {
  it('costs what a normal log does: search text, namespace and source are bounded prefixes', () => {
    const m = tab();
    const huge = 'x'.repeat(1_000_000);
    const records: CaptureRecord[] = Array.from({ length: 2000 }, (_, i) => ev(`A.e${i}`, { i }));
    for (let i = 0; i < 5; i++) records.push({ ...ev('B.big'), name: `${huge}.${i}`, publisher: huge, data: { s: huge, jwt: `eyJ${huge}` } } as CaptureRecord);
    const took = performance.now();
    m.store.feed.records('top', records, 0);
    const filtered = new FilteredRows();
    let shown = 0;
    for (const text of ['x', 'xx', 'xxx', 'xxxy', 'a.e1', 'plugin:b', 'zzz']) shown = filtered.update(m.bus.rows, parseFilter(text), m.bus.listVersion, 0).length;
    const ms = performance.now() - took;
    expect(shown).toBe(0);
    for (const row of bus(m.bus.rows)) {
      expect(row.search.length).toBeLessThan(21_000);
      expect(row.sourceLower.length).toBeLessThanOrEqual(10_000);
      expect(row.namespace.length).toBeLessThanOrEqual(10_000);
    }
    // Before: the summary masked and flattened every megabyte string before cutting it.
    expect(ms).toBeLessThan(2000);
  });
});

describe('record shapes', () => {
  const valid: CaptureRecord[] = [
    ev('A.b'), cmd(1, 'A.c'), out(1, 'resolved'), status({ cxbus: 'tapped', transport: { asyncEnabled: true } }),
    { t: 'plugin', seq: 1, time: 1, action: 'registerPlugin', plugin: 'P', names: ['a'], ok: true },
    kindRecord('inject'), kindRecord('channel'), kindRecord('channel-gap'), kindRecord('cookie-facts'),
    { ...kindRecord('cookie-facts'), trustedDomains: ['https://a.test'], cookies: [{ name: 'n', length: 1, value: 'v', session: 's', expires: null }] } as CaptureRecord,
    { t: 'malformed', seq: 1, time: 1, reason: 'a batch that is not a JSON array', value: '[' } as unknown as CaptureRecord,
    { t: 'future-kind', seq: 1, time: 1, anything: { deep: [1] } } as unknown as CaptureRecord,
    { ...ev('A.b'), pageMade: true, truncated: true },
  ];

  it('passes every record the hook and the relay write', () => {
    for (const record of valid) expect(shapeProblem(record), JSON.stringify(record)).toBeNull();
  });

  it('names the first field that is wrong, for every field of every kind', () => {
    const wrongs = [42, 'x', null, [], {}, true, 1e400];
    for (const record of valid) {
      const shape = RECORD_SHAPES[record.t];
      if (!shape) continue;
      for (const field of Object.keys(shape)) {
        for (const wrong of wrongs) {
          const forged = { ...record, [field]: wrong };
          const problem = shapeProblem(forged);
          if (shape[field]!(wrong) === null) expect(problem, `${record.t}.${field} = ${String(wrong)}`).toBeNull();
          else expect(problem, `${record.t}.${field} = ${String(wrong)}`).toMatch(new RegExp(`^${field}: `));
        }
      }
    }
  });

  it('reads own fields only and never throws, whatever the value', () => {
    const odd: unknown[] = [null, 1, 'event', [], [{ t: 'event' }], { t: 42 }, { t: 'event', seq: '1' }, JSON.parse('{"t":"event","__proto__":{"name":"x"}}'),
      { t: 'constructor' }, { t: 'toString', seq: 1, time: 1 }, { t: 'event', seq: 1, time: 1, name: 'A', publisher: 'A', via: 'publish' }];
    for (const value of odd) expect(() => shapeProblem(value)).not.toThrow();
    expect(shapeProblem({ t: 'event', seq: 1, time: 1, publisher: 'A', via: 'publish' })).toBe('name: undefined, not a string');
    expect(shapeProblem({ t: 'toString', seq: 1, time: 1 })).toBeNull(); // an unknown kind, shown as it is
  });

  it('a forged status is no status of the frame, and the status line says the hook has not reported', () => {
    const m = tab();
    m.store.feed.records('top', [{ ...status({ cxbus: 'tapped' }), status: { cxbus: 'tapped', plugins: 'x' } } as unknown as CaptureRecord], 0);
    expect(m.store.docs.get('top')!.status).toBeUndefined();
    expect(captureStatus(m.store, m.bus, 10_000).frames[0]!.bus).toBe('unknown');
  });

  it('marks what is no record at all, keeps the numbering whole and every view fed', () => {
    const m = tab();
    const one = ev('A.one');
    m.store.feed.records('top', [one, { seq: one.seq + 1 } as unknown as CaptureRecord, 'text' as unknown as CaptureRecord, { ...ev('A.two'), seq: one.seq + 2 }], 0);
    expect(m.store.docs.get('top')).toMatchObject({ lastSeq: one.seq + 2, lost: one.seq - 1 });
    expect(bus(m.bus.rows).map((r) => r.record.t)).toEqual(['event', 'malformed', 'malformed', 'event']);
    expect(m.store.malformedCount).toBe(2);
  });
});
