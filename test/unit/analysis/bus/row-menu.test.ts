// A Bus row's menu: its items per row kind, mute disabled with a reason on a file, and the filter
// terms it adds, which must parse and match exactly the row's name whatever the page named it.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseFilter } from '../../../../src/analysis/bus/filter';
import { menuName, nameTerm, rowMenuItems, withTerm } from '../../../../src/analysis/bus/row-menu';
import { createTabModels } from '../../../../src/analysis/store/tab-models';
import type { Row } from '../../../../src/analysis/bus/bus-model';
import type { CaptureRecord } from '../../../../src/shared/protocol';

let seq = 0;
function rows(records: CaptureRecord[]): Row[] {
  const m = createTabModels();
  m.store.feed.connection('connected');
  m.store.feed.frame({ docId: 'd', frameId: 0, url: 'http://x/', origin: 'http://x', top: true, seenAt: 0 });
  m.store.feed.records('d', records, 0);
  return m.bus.rows;
}
const ev = (name: string): CaptureRecord => ({ t: 'event', seq: ++seq, time: 0, name, publisher: 'P', via: 'publish', data: {} });
const cmd = (name: string): CaptureRecord => ({ t: 'command', seq: ++seq, time: 0, id: seq, name, commander: 'C', options: {} });
const ctx = { filterText: '', muted: [] as string[], readOnly: null };

describe('row menu items', () => {
  it('offers mute for events, filter and hide for events and commands, copy for every row', () => {
    const [event, command, plugin] = rows([ev('Noise.tick'), cmd('WebChat.open'), { t: 'plugin', seq: ++seq, time: 0, action: 'registerPlugin', plugin: 'X', names: [], ok: true }]);
    expect(rowMenuItems(event!, ctx).map((i) => [i.action, i.label, i.disabled])).toEqual([
      ['mute', 'Mute Noise.tick in this tab', undefined],
      ['filter', 'Filter to this name', undefined],
      ['hide', 'Hide this name', undefined],
      ['copy', 'Copy name', undefined],
    ]);
    expect(rowMenuItems(event!, { ...ctx, muted: ['Noise.tick'] })[0]).toMatchObject({ label: 'Unmute Noise.tick', mute: false });
    expect(rowMenuItems(command!, ctx).map((i) => i.action)).toEqual(['filter', 'hide', 'copy']);
    expect(rowMenuItems(plugin!, ctx).map((i) => i.action)).toEqual(['copy']);
  });

  it('disables mute with the reason on a file (read-only), the other items still work', () => {
    const [event] = rows([ev('Noise.tick')]);
    const items = rowMenuItems(event!, { ...ctx, readOnly: 'A file is open' });
    expect(items[0]).toMatchObject({ action: 'mute', disabled: 'A file is open' });
    expect(items.slice(1).every((i) => !i.disabled)).toBe(true);
    expect(items[1]!.filter).toBe('name:Noise.tick');
  });

  it('labels show a page\'s name cut, with control and bidi characters as escapes', () => {
    expect(menuName('a\u202Eb\n')).toBe('a\\u202eb\\u000a');
    expect(menuName('x'.repeat(500))).toHaveLength(60);
  });
});

describe('name terms', () => {
  it('quotes what the grammar needs quoted', () => {
    expect(nameTerm('WebChat.opened')).toBe('name:WebChat.opened');
    expect(nameTerm('a b', true)).toBe('-name:"a b"');
    expect(nameTerm('/x')).toBe('name:"/x"');
    expect(nameTerm('')).toBe('name:""');
    expect(nameTerm('say "hi"')).toBe('name:/^say "hi"$/');
    expect(nameTerm('a/b.c"')).toBe('name:/^a\\/b\\.c"$/');
    expect(nameTerm('x"'.repeat(150))).toBeNull();
  });

  it('adds the term to every alternative, and replaces a filter that does not parse', () => {
    expect(withTerm('', 'name:x')).toBe('name:x');
    expect(withTerm(' typing ', '-name:x')).toBe('typing -name:x');
    expect(withTerm('a OR "b OR c" d', 'name:x')).toBe('a name:x OR "b OR c" d name:x');
    expect(withTerm('"unclosed', 'name:x')).toBe('name:x');
  });

  it('match exactly the row\'s name (case aside), never throw, never hold a line break', () => {
    fc.assert(fc.property(fc.string({ maxLength: 40, unit: 'binary' }), fc.string({ maxLength: 40 }), (name, other) => {
      const [row, otherRow] = rows([ev(name), ev(other)]);
      for (const negate of [false, true]) {
        const term = nameTerm(name, negate)!;
        expect(term).not.toMatch(/[\r\n]/);
        const f = parseFilter(term);
        expect(f.error).toBeUndefined();
        expect(f.test(row!)).toBe(!negate);
        if (other.toLowerCase() !== name.toLowerCase()) expect(f.test(otherRow!)).toBe(negate);
      }
    }), { numRuns: 300 });
  });
});
