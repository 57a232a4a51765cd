import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FilteredRows, matchRow, parseFilter } from '../../../../src/analysis/bus/filter';
import { createTabModels, type TabModels } from '../../../../src/analysis/store/tab-models';
import type { Row } from '../../../../src/analysis/bus/bus-model';
import type { CaptureRecord } from '../../../../src/shared/protocol';

let seq = 0;
function model(): TabModels {
  const m = createTabModels();
  m.store.feed.connection('connected');
  m.store.feed.frame({ docId: 'd', frameId: 0, url: 'http://x/', origin: 'http://x', top: true, seenAt: 0 });
  return m;
}
const ev = (name: string, data: unknown = {}): CaptureRecord =>
  ({ t: 'event', seq: ++seq, time: 0, name, publisher: name.split('.')[0]!, via: 'publish', data: data as never });
const cmd = (id: number, name: string, commander = 'CXBus'): CaptureRecord =>
  ({ t: 'command', seq: ++seq, time: 0, id, name, commander, options: {} });
const plugin = (name: string): CaptureRecord =>
  ({ t: 'plugin', seq: ++seq, time: 0, action: 'registerPlugin', plugin: name, names: [], ok: true });

function sample(): TabModels {
  const m = model();
  m.store.feed.records('d', [
    ev('WebChat.opened', { text: 'Hello there' }),
    ev('WebChatService.messageReceived', { originalMessages: [] }),
    cmd(1, 'WebChat.open', 'MyExtension'),
    cmd(2, 'WebChatService.sendMessage', 'WebChat'),
    cmd(3, 'WebChat.doesNotExist'),
    plugin('WebChat'),
    { t: 'outcome', seq: ++seq, time: 0, id: 1, outcome: 'resolved', value: null },
    { t: 'outcome', seq: ++seq, time: 0, id: 2, outcome: 'rejected', value: 'no session' },
  ], 0);
  return m;
}
const pick = (m: TabModels, q: string) => m.bus.rows.filter((r) => matchRow(r, parseFilter(q))).map((r) => (r.kind === 'nav' ? 'nav' : r.name));

describe('parseFilter', () => {
  it('parses the existing tokens, and an empty filter passes everything', () => {
    const f = parseFilter('  Hello kind:Event -plugin:App  -World ');
    expect(f.errors).toEqual([]);
    expect(f.empty).toBe(false);
    expect(parseFilter('   ').empty).toBe(true);
    expect(parseFilter('"hello there" -"no session"').errors).toEqual([]);
    expect(parseFilter('http://localhost').errors).toEqual([]);
    expect(parseFilter('-').errors).toEqual([]);
  });

  it('says where and why a filter does not parse, and then passes every row', () => {
    const at = (q: string) => { const f = parseFilter(q); return [f.error?.at, f.errors[0]]; };
    expect(at('kind:foo')[1]).toMatch(/Column 6: Unknown kind "foo"/);
    expect(at('outcome:maybe')[1]).toMatch(/Unknown outcome/);
    expect(at('kind:')[1]).toMatch(/needs a value/);
    expect(at('a "open')).toEqual([2, expect.stringMatching(/Unclosed quote/)]);
    expect(at('knd:event')).toEqual([0, expect.stringMatching(/"knd:" is not a filter key/)]);
    expect(at('OR a')[1]).toMatch(/OR needs a term before it/);
    expect(at('a OR')).toEqual([2, expect.stringMatching(/OR needs a term after it/)]);
    expect(at('a OR OR b')[1]).toMatch(/OR twice/);
    expect(at('x /ab')).toEqual([2, expect.stringMatching(/Unclosed regular expression/)]);
    expect(at('/a(/')[1]).toMatch(/Not a valid regular expression/);
    expect(at('/a/g')[1]).toMatch(/Flag g is not allowed/);
    expect(at('/a/x')[1]).toMatch(/Flag x/);
    expect(at('/a/b')[1]).toMatch(/Flag b/);
    expect(at('/ab/c d')[1]).toMatch(/Flag c/);
    expect(at('/ab/,')[1]).toMatch(/Text right after a regular expression/);
    expect(at('//')[1]).toMatch(/Empty regular expression/);
    expect(at('""')[1]).toMatch(/Empty quotes/);
    expect(at('x /(a+)+$/')).toEqual([3, expect.stringMatching(/can take very long/)]);
    expect(at('/(a|aa)*b/')[1]).toMatch(/can take very long/);
    expect(at('/((a)*)+/')[1]).toMatch(/can take very long/);
    expect(at(`/${'a'.repeat(201)}/`)[1]).toMatch(/longer than 200/);
    expect(at('x'.repeat(2001))[1]).toMatch(/longer than 2,000 characters/);
    const m = sample();
    expect(pick(m, 'kind:foo')).toHaveLength(m.bus.rows.length);
  });

  it('never throws on any input', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => {
      const f = parseFilter(s);
      return Array.isArray(f.errors) && typeof f.test === 'function' && (f.errors.length === 0) === (f.error === undefined);
    }), { numRuns: 2000 });
    // Strings made of the grammar's own characters reach every branch.
    const grammar = fc.stringMatching(/^[a-z. :/\\"()|*+?{}[\]^$-]*( OR [a-z/"-]*)?$/);
    fc.assert(fc.property(grammar, (s) => {
      const f = parseFilter(s);
      const m = sample();
      for (const row of m.bus.rows) f.test(row);
      return true;
    }), { numRuns: 500 });
    expect(parseFilter(undefined as unknown as string).empty).toBe(true);
  });
});

describe('matchRow', () => {
  it('matches free text in name, source and summary, case-insensitively', () => {
    const m = sample();
    expect(pick(m, 'OPENED')).toEqual(['WebChat.opened']);
    expect(pick(m, 'myextension')).toEqual(['WebChat.open']);
    expect(pick(m, 'hello there')).toEqual(['WebChat.opened']);
    expect(pick(m, 'webchat -service -kind:plugin')).toEqual(['WebChat.opened', 'WebChat.open', 'WebChat.doesNotExist']);
  });

  it('filters by kind, with alternatives and negation', () => {
    const m = sample();
    expect(pick(m, 'kind:command')).toEqual(['WebChat.open', 'WebChatService.sendMessage', 'WebChat.doesNotExist']);
    expect(pick(m, 'kind:event kind:plugin')).toEqual(['WebChat.opened', 'WebChatService.messageReceived', 'WebChat']);
    expect(pick(m, '-kind:command -kind:event')).toEqual(['WebChat']);
  });

  it('plugin: matches the publisher, commander or namespace exactly', () => {
    const m = sample();
    expect(pick(m, 'plugin:WebChat')).toEqual(['WebChat.opened', 'WebChat.open', 'WebChatService.sendMessage', 'WebChat.doesNotExist', 'WebChat']);
    expect(pick(m, 'plugin:webchatservice')).toEqual(['WebChatService.messageReceived', 'WebChatService.sendMessage']);
    expect(pick(m, 'plugin:MyExtension')).toEqual(['WebChat.open']);
  });

  it('outcome: selects commands by their outcome, pending when none came', () => {
    const m = sample();
    expect(pick(m, 'outcome:pending')).toEqual(['WebChat.doesNotExist']);
    expect(pick(m, 'outcome:rejected')).toEqual(['WebChatService.sendMessage']);
    expect(pick(m, 'kind:command -outcome:resolved')).toEqual(['WebChatService.sendMessage', 'WebChat.doesNotExist']);
  });

  it('always shows navigation separators', () => {
    const m = createTabModels({ preserveLog: true });
    m.store.feed.connection('connected');
    m.store.feed.frame({ docId: 'a', frameId: 0, url: 'http://x/1', origin: 'http://x', top: true, seenAt: 0 });
    m.store.feed.records('a', [ev('A.one')], 0);
    m.store.feed.frame({ docId: 'b', frameId: 0, url: 'http://x/2', origin: 'http://x', top: true, seenAt: 0 });
    expect(pick(m, 'kind:command')).toEqual(['nav']);
  });
});

describe('FilteredRows', () => {
  it('adds only new rows, follows trims, restarts on a new filter, a clear, or an outcome', () => {
    const m = createTabModels({ rowCap: 64 });
    m.store.feed.connection('connected');
    const view = new FilteredRows();
    let f = parseFilter('kind:command');
    const update = () => view.update(m.bus.rows, f, m.bus.epoch, m.bus.outcomeVersion).map((r) => (r as { name: string }).name);
    for (let i = 0; i < 50; i++) m.store.feed.records('d', [ev(`A.e${i}`), cmd(i, `A.c${i}`)], 0);
    const first = update();
    expect(first).toHaveLength(m.bus.rows.filter((r) => r.kind === 'command').length);
    expect(first.at(-1)).toBe('A.c49');
    expect(first[0]).not.toBe('A.c0'); // trimmed by the cap
    m.store.feed.records('d', [cmd(100, 'A.late')], 0);
    expect(update().at(-1)).toBe('A.late');
    f = parseFilter('outcome:pending');
    expect(update()).toContain('A.late');
    m.store.feed.records('d', [{ t: 'outcome', seq: ++seq, time: 0, id: 100, outcome: 'resolved', value: null }], 0);
    expect(update()).not.toContain('A.late');
    m.store.clear();
    expect(update()).toEqual([]);
  });

  it('gives the same rows as filtering from scratch', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.constantFrom('event', 'command'), fc.constantFrom('A', 'B'), fc.boolean()), { maxLength: 120 }), (steps) => {
      const m = createTabModels({ rowCap: 16 });
      m.store.feed.connection('connected');
      const view = new FilteredRows();
      const f = parseFilter('plugin:a');
      let id = 0;
      for (const [kind, ns, check] of steps) {
        m.store.feed.records('d', [kind === 'event' ? ev(`${ns}.x`) : cmd(++id, `${ns}.y`)], 0);
        if (check) view.update(m.bus.rows, f, m.bus.epoch, m.bus.outcomeVersion);
      }
      const incremental = view.update(m.bus.rows, f, m.bus.epoch, m.bus.outcomeVersion).map((r) => r.key);
      const scratch = m.bus.rows.filter((r) => matchRow(r, f)).map((r) => r.key);
      expect(incremental).toEqual(scratch);
    }));
  });

  it('filters 100,000 rows correctly (npm run bench measures how fast)', () => {
    const m = createTabModels();
    m.store.feed.connection('connected');
    const batch: CaptureRecord[] = [];
    for (let i = 0; i < 100_000; i++) batch.push(i % 3 ? ev(`WebChat.e${i % 50}`, { n: i, text: 'message text' }) : cmd(i, `WebChatService.c${i % 7}`));
    m.store.feed.records('d', batch, 0);
    expect(m.bus.rows).toHaveLength(100_000);
    const f = parseFilter('webchat.e1 -kind:command');
    const rows: Row[] = new FilteredRows().update(m.bus.rows, f, m.bus.epoch, m.bus.outcomeVersion);
    // Events named WebChat.e1 or WebChat.e1x: i % 50 in {1, 10..19}, and i % 3 !== 0 (events).
    let expected = 0;
    for (let i = 0; i < 100_000; i++) if (i % 3 && [1, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19].includes(i % 50)) expected++;
    expect(rows).toHaveLength(expected);
  });
});

describe('regular expressions that could take very long', () => {
  it('are refused only when a repeated group repeats or has alternatives inside', async () => {
    const { slowShape } = await import('../../../../src/analysis/filter/query');
    for (const ok of ['(foo)+', '(received|sent)', 'a+b*c?', '[(a+)]+', '\\(a+\\)+', '(?:ab)*', 'x{2,3}', '(a)?']) expect(slowShape(ok), ok).toBe(-1);
    for (const bad of ['(a+)+', '(a|b)*', '(a*)*', '(?:x(a{2,})b){3}', 'x((a)+b)+', '(a?)+']) expect(slowShape(bad), bad).toBeGreaterThanOrEqual(0);
  });
});
