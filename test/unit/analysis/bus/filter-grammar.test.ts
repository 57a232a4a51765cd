// The filter grammar on bus rows: OR, regular expressions, record fields by dotted path, negation
// of each; the laws that tie them together, over arbitrary rows; hostile payloads.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseFilter } from '../../../../src/analysis/bus/filter';
import { createTabModels, type TabModels } from '../../../../src/analysis/store/tab-models';
import type { BusRow, Row } from '../../../../src/analysis/bus/bus-model';
import type { CaptureRecord } from '../../../../src/shared/protocol';

let seq = 0;
function model(records: CaptureRecord[]): TabModels {
  const m = createTabModels();
  m.store.feed.connection('connected');
  m.store.feed.frame({ docId: 'd', frameId: 0, url: 'http://x/', origin: 'http://x', top: true, seenAt: 0 });
  m.store.feed.records('d', records, 0);
  return m;
}
const ev = (name: string, data: unknown = {}): CaptureRecord =>
  ({ t: 'event', seq: ++seq, time: 0, name, publisher: name.split('.')[0]!, via: 'publish', data: data as never });
const cmd = (id: number, name: string, options: unknown = {}): CaptureRecord =>
  ({ t: 'command', seq: ++seq, time: 0, id, name, commander: 'CXBus', options: options as never });

const state = (s: string) => ({ messages: [{ type: 'System', text: 'x', message: { type: s } }], message: { type: s, count: 3, ok: true } });
function sample(): TabModels {
  return model([
    ev('WebChatService.messageReceived', state('Finalizing')),
    ev('WebChatService.messageReceived', state('Active')),
    ev('WebChatService.typingStarted', { text: 'typing…' }),
    ev('WebChat.opened', { text: 'Hello there' }),
    cmd(1, 'WebChat.open', { form: { firstname: 'Ann' } }),
    cmd(2, 'WebChatService.sendMessage', { message: 'hi' }),
    { t: 'outcome', seq: ++seq, time: 0, id: 2, outcome: 'rejected', value: { error: 'no session' } },
    { t: 'plugin', seq: ++seq, time: 0, action: 'registerPlugin', plugin: 'WebChat', names: ['WebChat.open', 'WebChat.close'], ok: true },
  ]);
}
const names = (m: TabModels, q: string) => {
  const f = parseFilter(q);
  expect(f.errors, q).toEqual([]);
  return m.bus.rows.filter((r) => f.test(r)).map((r) => (r.kind === 'nav' ? 'nav' : `${r.kind} ${r.name}`));
};

describe('the filter grammar on bus rows', () => {
  it('a OR b: either side; OR binds looser than the spaces between terms', () => {
    const m = sample();
    expect(names(m, 'opened OR sendMessage')).toEqual(['event WebChat.opened', 'command WebChatService.sendMessage']);
    expect(names(m, 'kind:command open OR typing')).toEqual(['event WebChatService.typingStarted', 'command WebChat.open']);
    // lowercase or is text
    expect(names(m, 'opened or sendMessage')).toEqual([]);
  });

  it('/regular expressions/ over name, source and summary, case-insensitive, ^ and $ at each', () => {
    const m = sample();
    expect(names(m, '/^webchat\\.open/')).toEqual(['event WebChat.opened', 'command WebChat.open']);
    expect(names(m, '/typing(started|stopped)$/')).toEqual(['event WebChatService.typingStarted']);
    expect(names(m, '-/^webchatservice/ -kind:plugin')).toEqual(['event WebChat.opened', 'command WebChat.open']);
    expect(names(m, '/hello\\s+there/')).toEqual(['event WebChat.opened']);
  });

  it('record fields by dotted path: equal (any case), through arrays, numbers and booleans as text', () => {
    const m = sample();
    expect(names(m, 'data.message.type:Finalizing')).toEqual(['event WebChatService.messageReceived']);
    expect(names(m, 'data.messages.message.type:active')).toEqual(['event WebChatService.messageReceived']);
    expect(names(m, 'data.messages.0.type:System')).toHaveLength(2);
    expect(names(m, 'data.message.count:3 data.message.ok:true')).toHaveLength(2);
    expect(names(m, 'data.message.type:Final')).toEqual([]); // equality, not a substring
    expect(names(m, 'data.message.type:/^fin/')).toEqual(['event WebChatService.messageReceived']);
    expect(names(m, 'options.form.firstname:ann')).toEqual(['command WebChat.open']);
    expect(names(m, 'names:WebChat.close')).toEqual(['plugin WebChat']);
    expect(names(m, 'name:"WebChat.opened"')).toEqual(['event WebChat.opened']);
    // A command's outcome: its record and its value.
    expect(names(m, 'value.error:"no session"')).toEqual(['command WebChatService.sendMessage']);
    expect(names(m, 'outcome.outcome:rejected')).toEqual(['command WebChatService.sendMessage']);
    // Negated: rows without the field pass.
    expect(names(m, '-data.message.type:Finalizing kind:event')).toEqual([
      'event WebChatService.messageReceived', 'event WebChatService.typingStarted', 'event WebChat.opened',
    ]);
    // Prototype properties are no fields.
    expect(names(m, 'data.constructor:x OR data.__proto__:x OR data.message.type.length:10')).toEqual([]);
  });

  it('keywords keep their meaning and take regular expressions', () => {
    const m = sample();
    expect(names(m, 'kind:event kind:plugin -typing')).toEqual(['event WebChatService.messageReceived', 'event WebChatService.messageReceived', 'event WebChat.opened', 'plugin WebChat']);
    expect(names(m, 'plugin:/service$/ kind:command')).toEqual(['command WebChatService.sendMessage']);
    expect(names(m, 'outcome:/^(pending|rejected)$/')).toEqual(['command WebChat.open', 'command WebChatService.sendMessage']);
    expect(names(m, 'KIND:Command -OUTCOME:pending')).toEqual(['command WebChatService.sendMessage']);
  });

  it('never throws on hostile rows: cycles, getters that throw, proxies, huge arrays', () => {
    const cyclic: Record<string, unknown> = { type: 'a' };
    cyclic.self = cyclic;
    const getter = Object.defineProperty({}, 'type', { get() { throw new Error('boom'); }, enumerable: true });
    const proxy = new Proxy({}, { getOwnPropertyDescriptor() { throw new Error('trap'); } });
    const huge = { items: Array.from({ length: 50_000 }, () => ({ type: 'x' })) };
    const rows = [cyclic, getter, proxy, huge].map((data, i) => fakeRow(i, data));
    for (const q of ['data.self.self.self.type:a', 'data.type:a', 'data.items.type:y', '-data.type:/a/', 'data.type:a OR x']) {
      const f = parseFilter(q);
      expect(f.errors).toEqual([]);
      for (const row of rows) expect(typeof f.test(row)).toBe('boolean');
    }
    expect(parseFilter('data.self.self.self.type:a').test(rows[0]!)).toBe(true);
    expect(parseFilter('-data.type:a').test(rows[1]!)).toBe(true);
  });
});

function fakeRow(key: number, data: unknown): BusRow {
  return {
    key, kind: 'event', docId: 'd', time: 0, name: 'A.b', source: 'A', summary: '', truncated: false, pageMade: false,
    record: { t: 'event', seq: key, time: 0, name: 'A.b', publisher: 'A', via: 'publish', data: data as never },
    search: 'a.b\na\n', namespace: 'a', sourceLower: 'a',
  };
}

// Terms whose meaning does not depend on their neighbours (keywords of one key are alternatives
// when side by side, so each law uses distinct keys or non-keyword terms).
const term = fc.oneof(
  fc.constantFrom('webchat', 'open', 'typing', '"no session"', 'x', 'service', 'a.b'),
  fc.constantFrom('/^webchat/', '/ed$/', '/a.c/', '/typing|open/', '/\\d/'),
  fc.constantFrom('data.text:hello', 'data.message.type:finalizing', 'data.n:1', 'options.message:hi', 'data.list:b', 'data.text:/^h/'),
  fc.constantFrom('kind:event', 'kind:command', 'plugin:webchat', 'outcome:pending'),
);
const word = fc.constantFrom('WebChat', 'WebChatService', 'App', 'A', 'typing', 'open', 'opened', 'x1');
const copied: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, fc.constantFrom('hello', 'Finalizing', 'hi', 'b', 1, true, null), fc.string({ maxLength: 8 }), fc.integer(), tie('obj'), fc.array(tie('value'), { maxLength: 3 })),
  obj: fc.dictionary(fc.constantFrom('text', 'message', 'type', 'n', 'list', 'k', '__proto__'), tie('value'), { maxKeys: 4 }),
})).value;
const record: fc.Arbitrary<CaptureRecord> = fc.oneof(
  fc.record({ ns: word, ev: word, data: copied }).map(({ ns, ev: e, data }) => ev(`${ns}.${e}`, data)),
  fc.record({ id: fc.nat(1000), ns: word, c: word, data: copied }).map(({ id, ns, c, data }) => cmd(id, `${ns}.${c}`, data)),
);
const rowsOf = (records: CaptureRecord[]): Row[] => model(records).bus.rows;

describe('filter laws, over arbitrary rows', () => {
  const test = (q: string, row: Row) => {
    const f = parseFilter(q);
    expect(f.errors, q).toEqual([]);
    return f.test(row);
  };
  const sameKeyword = (a: string, b: string) => /^\w+:/.test(a) && a.split(':')[0] === b.split(':')[0] && ['kind', 'plugin', 'outcome'].includes(a.split(':')[0]!);

  it('OR is either, -x is not x, a b is both, and De Morgan holds', () => {
    fc.assert(fc.property(fc.array(record, { minLength: 1, maxLength: 8 }), term, term, (records, a, b) => {
      for (const row of rowsOf(records)) {
        const ta = test(a, row);
        const tb = test(b, row);
        expect(test(`${a} OR ${b}`, row)).toBe(ta || tb);
        expect(test(`-${a}`, row)).toBe(!ta);
        expect(test(`-${a} -${b}`, row)).toBe(!(ta || tb));
        if (!sameKeyword(a, b)) expect(test(`${a} ${b}`, row)).toBe(ta && tb);
        expect(test(`${a} OR -${a}`, row)).toBe(true);
      }
    }), { numRuns: 300 });
  });

  it('never throws on arbitrary filter text and arbitrary rows', () => {
    fc.assert(fc.property(fc.array(record, { maxLength: 6 }), fc.array(fc.oneof(term, fc.string({ maxLength: 12 }), fc.constant('OR'), fc.constant('-')), { maxLength: 6 }), (records, parts) => {
      const f = parseFilter(parts.join(' '));
      for (const row of rowsOf(records)) expect(typeof f.test(row)).toBe('boolean');
    }), { numRuns: 500 });
  });
});
