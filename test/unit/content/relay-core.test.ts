import { describe, expect, it } from 'vitest';
import { RecordBuffer } from '../../../src/content/record-buffer';
import {
  PAGE_MADE_CAP, PAGE_MADE_MAX_CHARS, PAGE_MADE_PER_SECOND, RelayCore, groups, isTooLargeError, markPageMade, randomDocId, type SendResult,
} from '../../../src/content/relay-core';
import { PAGE_SOURCE, PROTOCOL_VERSION, RECORD_MAX_CHARS, type ContentToWorker, type HookMessage, type InjectRecord } from '../../../src/shared/protocol';

const KEY = 'report-key-of-this-document';

/** A batch of the hook's private port. */
const batch = (n: number, pad = ''): HookMessage => {
  const records = Array.from({ length: n }, (_, i) => ({ t: 'event', seq: 0, time: 1, name: `A.e${i}${pad}` }));
  return { type: 'batch', json: JSON.stringify(records), count: n };
};

/** The same records posted by the page as a window message in the hook's old shape. */
const pageBatch = (n: number, name = 'Forged') => {
  const records = Array.from({ length: n }, (_, i) => ({ t: 'event', seq: 0, time: 1, name: `${name}.e${i}` }));
  return { source: PAGE_SOURCE, v: PROTOCOL_VERSION, type: 'batch', json: JSON.stringify(records), count: n } as const;
};

const inject = (state: InjectRecord['state'] = 'installed'): InjectRecord => ({ t: 'inject', seq: 0, time: 1, feature: 'finalize', state, detail: {} });

function relay(answers: (m: ContentToWorker) => SendResult = () => 'sent', cap = 1000, contested: string | null = null) {
  const sent: Extract<ContentToWorker, { type: 'chunks' }>[] = [];
  const clock = { now: 0 };
  const core = new RelayCore('doc', new RecordBuffer(cap), (m) => {
    const r = answers(m);
    if (r === 'sent' && m.type === 'chunks') sent.push(m);
    return r;
  }, KEY, { now: () => clock.now, contested });
  /** Every record sent to the worker, in order, parsed. */
  const records = (): Record<string, unknown>[] =>
    sent.flatMap((m) => m.chunks.flatMap((c) => (JSON.parse(c.json) as Record<string, unknown>[]).map((r, i) => ({ ...r, seq: c.firstSeq + i }))));
  return { core, sent, records, clock };
}

describe('RelayCore', () => {
  it('a relay started late (contested) keeps the hook\'s records page-made, the keyed reports genuine', () => {
    const core = new RelayCore('doc', new RecordBuffer(100), () => 'sent', KEY, { contested: 'started after the page', reportsGenuine: true });
    core.takeHookMessage(batch(2));
    core.takeReport(JSON.stringify(inject()));
    const kept = core.kept();
    expect(kept.genuine.flatMap((c) => JSON.parse(c.json) as { t: string }[]).map((r) => r.t)).toEqual(['inject']);
    expect(kept.pageMade.flatMap((c) => JSON.parse(c.json) as unknown[])).toHaveLength(2);
  });

  it('drops every kept record when its site is switched off, and keeps or sends nothing after', () => {
    const { core, sent } = relay();
    core.takeHookMessage(batch(3));
    core.takePageBatch(pageBatch(2));
    expect(core.kept().genuine).toHaveLength(1);
    core.stop();
    expect(core.kept()).toEqual({ genuine: [], pageMade: [] });
    core.takeHookMessage(batch(2));
    core.takeReport(JSON.stringify(inject()));
    core.stream(0);
    expect(core.isStreaming).toBe(false);
    expect(core.kept()).toEqual({ genuine: [], pageMade: [] });
    expect(sent).toEqual([]);
  });

  it('streams live batches and marks them delivered only once sent', () => {
    let up = true;
    const { core, sent } = relay(() => (up ? 'sent' : 'failed'));
    core.stream(0);
    core.takeHookMessage(batch(3));
    expect(sent.at(-1)!.chunks[0]).toMatchObject({ firstSeq: 1, count: 3 });
    up = false;
    core.takeHookMessage(batch(2)); // the port failed: kept, not delivered, streaming stops
    expect(core.isStreaming).toBe(false);
    core.buffer.resize(100); // nothing dropped: the buffer still holds all 5
    up = true;
    core.stream(3); // the panel's cursor after the reconnect
    expect(sent.at(-1)!.chunks.map((c) => c.firstSeq)).toEqual([4]);
    expect(sent.at(-1)!.replay).toBe(true);
  });

  it('counts a chunk Chrome refuses as too large, drops it, and goes on', () => {
    const { core, sent } = relay((m) => (m.type === 'chunks' && m.chunks.some((c) => c.json.includes('BIG')) ? 'too-large' : 'sent'));
    core.stream(0);
    core.takeHookMessage(batch(1));
    core.takeHookMessage(batch(4, 'BIG'));
    core.takeHookMessage(batch(1));
    expect(core.tooLarge).toBe(4);
    expect(sent.at(-1)).toMatchObject({ tooLarge: 4, chunks: [{ firstSeq: 6, count: 1 }] });
    // A replay does not loop on it: the chunk is gone from the buffer.
    core.stream(0);
    expect(sent.at(-1)!.chunks.map((c) => c.firstSeq)).toEqual([1, 6]);
  });

  it('sends a replay group that is refused chunk by chunk', () => {
    const { core, sent } = relay((m) => (m.type === 'chunks' && m.chunks.length > 1 ? 'too-large' : 'sent'));
    core.takeHookMessage(batch(1));
    core.takeHookMessage(batch(1));
    core.stream(0);
    expect(sent.map((m) => m.chunks.map((c) => c.firstSeq))).toEqual([[1], [2]]);
    expect(core.tooLarge).toBe(0);
  });

  it("refuses a hook batch over the per-record budget, counting its records and leaving a seq gap", () => {
    const { core, sent } = relay();
    core.stream(0);
    core.takeHookMessage({ type: 'batch', json: 'x'.repeat(RECORD_MAX_CHARS + 1), count: 7 });
    expect(core.tooLarge).toBe(7);
    expect(sent.at(-1)).toMatchObject({ chunks: [], tooLarge: 7 });
    core.takeHookMessage(batch(1));
    expect(sent.at(-1)!.chunks[0]!.firstSeq).toBe(8);
    expect(core.buffer.length).toBe(1);
  });

  it('counts records as dropped when the worker says they reached no panel', () => {
    const { core } = relay();
    core.stream(0);
    core.takeHookMessage(batch(5)); // sent: marked delivered
    core.hold(0); // ...but the worker had no panel for them
    core.buffer.resize(100);
    for (let i = 0; i < 20; i++) core.takeHookMessage(batch(5)); // 105 records: the oldest 5 go
    expect(core.buffer.dropped).toBe(5);
  });

  it('recognises Chrome\'s message-size error', () => {
    expect(isTooLargeError(new Error('Message exceeded maximum allowed size of 64MiB.'))).toBe(true);
    expect(isTooLargeError(new Error('Attempting to use a disconnected port object'))).toBe(false);
  });
});

describe('RelayCore: provenance', () => {
  it("keeps the hook port's records genuine and the page's look-alike batches page-made, in one seq order", () => {
    const { core, records } = relay();
    core.stream(0);
    core.takeHookMessage(batch(2));
    core.takePageBatch(pageBatch(2));
    core.takeHookMessage(batch(1));
    expect(records().map((r) => [r.seq, r.name, r.pageMade ?? false])).toEqual([
      [1, 'A.e0', false], [2, 'A.e1', false], [3, 'Forged.e0', true], [4, 'Forged.e1', true], [5, 'A.e0', false],
    ]);
  });

  it('marks every page-made entry, whatever it is: objects get the mark, anything else is wrapped', () => {
    expect(JSON.parse(markPageMade([42, null, [1], { t: 'event', pageMade: false }, 'x'])!.json)).toEqual([
      { pageMade: true, value: 42 }, { pageMade: true, value: null }, { pageMade: true, value: [1] },
      { t: 'event', pageMade: true }, { pageMade: true, value: 'x' },
    ]);
    expect(JSON.parse(markPageMade('not json')!.json)).toEqual([{ pageMade: true, value: 'not json' }]);
    expect(markPageMade([])).toBeNull();
  });

  it('records handed to the hook\'s handle are page-made, whatever key they carry (the page can reach the handle)', () => {
    const { core, records } = relay();
    core.stream(0);
    core.takeHookMessage({ type: 'emit', key: KEY, record: inject('installed') });
    core.takeHookMessage({ type: 'emit', key: null, record: inject('fired') }); // a page calling the handle
    core.takeHookMessage({ type: 'emit', key: 'guessed', record: inject('removed') });
    core.takeHookMessage({ type: 'emit', key: KEY, record: { t: 'event', seq: 0, time: 1, name: 'A.x', publisher: 'A', via: 'publish', data: {} } });
    expect(records().map((r) => [r.t, r.state ?? r.name, r.pageMade ?? false])).toEqual([
      ['inject', 'installed', true], ['inject', 'fired', true], ['inject', 'removed', true], ['event', 'A.x', true],
    ]);
  });

  it('a report event (named after the report key) is genuine when it holds an inject record; anything else on it is page-made', () => {
    const { core, records } = relay();
    core.stream(0);
    core.takeReport(JSON.stringify(inject('installed')));
    core.takeReport(JSON.stringify({ t: 'event', seq: 0, time: 1, name: 'A.x', publisher: 'A', via: 'publish', data: {} }));
    core.takeReport('not json');
    core.takeReport({ t: 'inject' }); // not a string: no feature of CX Lens sends that
    core.takeReport('x'.repeat(RECORD_MAX_CHARS + 1));
    expect(records().map((r) => [r.t ?? typeof r.value, r.state ?? r.name ?? null, r.pageMade ?? false])).toEqual([
      ['inject', 'installed', false], ['event', 'A.x', true], ['string', null, true], ['inject', null, true],
    ]);
    expect(core.pageMadeDropped).toBe(1); // the oversized one, refused and counted
  });

  it('in a contested frame every record is page-made: the hook\'s batches and the reports alike', () => {
    const { core, records } = relay(undefined, undefined, 'a same-origin parent page could reach this frame');
    core.stream(0);
    core.takeHookMessage(batch(2));
    core.takeReport(JSON.stringify(inject('fired')));
    expect(records().map((r) => [r.t, r.pageMade ?? false])).toEqual([['event', true], ['event', true], ['inject', true]]);
  });

  it('a flood of page-made batches never evicts a genuine record: their own budget, counted apart', () => {
    const { core, sent, records } = relay(() => 'sent', 100);
    core.takeHookMessage({ type: 'batch', json: JSON.stringify([{ t: 'status', seq: 0, time: 1, status: {} }]), count: 1 });
    core.takeHookMessage(batch(50));
    for (let i = 0; i < 5000; i++) core.takePageBatch({ source: PAGE_SOURCE, v: PROTOCOL_VERSION, type: 'batch', records: [42 as never] });
    core.takeHookMessage(batch(10));
    expect(core.buffer.length).toBe(61);
    expect(core.buffer.dropped).toBe(0);
    expect(core.pageMade.length).toBe(PAGE_MADE_CAP);
    expect(core.pageMadeDropped).toBe(5000 - PAGE_MADE_CAP);
    core.stream(0); // a panel opens: the replay holds every genuine record and the newest page-made ones
    const got = records();
    expect(got.filter((r) => !r.pageMade)).toHaveLength(61);
    expect(got.filter((r) => r.pageMade)).toHaveLength(PAGE_MADE_CAP);
    expect(got[0]).toMatchObject({ t: 'status', seq: 1 });
    const seqs = got.map((r) => r.seq as number);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b)); // one strictly increasing order
    expect(sent.at(-1)).toMatchObject({ dropped: 0, pageMadeDropped: 5000 - PAGE_MADE_CAP });
  });

  it('takes page-made records at a bounded rate: a burst of the cap, then PAGE_MADE_PER_SECOND', () => {
    const { core, clock, records } = relay();
    core.stream(0);
    for (let i = 0; i < PAGE_MADE_CAP + 10; i++) core.takePageBatch(pageBatch(1));
    expect(records()).toHaveLength(PAGE_MADE_CAP);
    expect(core.pageMadeDropped).toBe(10);
    clock.now += 1000; // a second later: PAGE_MADE_PER_SECOND more
    for (let i = 0; i < PAGE_MADE_PER_SECOND + 5; i++) core.takePageBatch(pageBatch(1));
    expect(records()).toHaveLength(PAGE_MADE_CAP + PAGE_MADE_PER_SECOND);
    expect(core.pageMadeDropped).toBe(15);
    core.takeHookMessage(batch(3)); // genuine records are never rate-limited
    expect(records().filter((r) => !r.pageMade)).toHaveLength(3);
  });

  it('refuses a page-made batch over its size budget before parsing it, counting it without using seq numbers', () => {
    const { core, sent } = relay();
    core.stream(0);
    core.takePageBatch({ source: PAGE_SOURCE, v: PROTOCOL_VERSION, type: 'batch', json: '['.repeat(PAGE_MADE_MAX_CHARS + 1), count: 3 });
    expect(core.pageMadeDropped).toBe(3);
    expect(sent.at(-1)).toMatchObject({ chunks: [], pageMadeDropped: 3, tooLarge: 0 });
    core.takeHookMessage(batch(1));
    expect(sent.at(-1)!.chunks[0]!.firstSeq).toBe(1);
    // Nested too deep to write again: refused and counted, never thrown.
    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    expect(() => core.takePageMade(deep)).not.toThrow();
    expect(core.pageMadeDropped).toBeGreaterThanOrEqual(3);
  });

  it('page-made records sent live count as delivered; a replay after a reconnect resends only the rest', () => {
    const { core, sent } = relay();
    core.stream(0);
    core.takePageBatch(pageBatch(2));
    core.takeHookMessage(batch(1));
    core.hold();
    core.takePageBatch(pageBatch(1));
    core.stream(3);
    expect(sent.at(-1)!.chunks.map((c) => c.firstSeq)).toEqual([4]);
    expect(sent.at(-1)!.replay).toBe(true);
  });
});

describe('relay helpers', () => {
  it('groups chunks by size, always at least one group', () => {
    expect(groups([])).toEqual([[]]);
    const c = (n: number) => ({ firstSeq: n, count: 1, json: 'x'.repeat(60) });
    expect(groups([c(1), c(2), c(3)], 100).map((g) => g.length)).toEqual([1, 1, 1]);
    expect(groups([c(1), c(2), c(3)], 130).map((g) => g.length)).toEqual([2, 1]);
  });

  it('makes a document id without randomUUID (plain-http pages are not secure contexts)', () => {
    const id = randomDocId({ getRandomValues: (a) => { a.fill(171); return a; } });
    expect(id).toBe('ab'.repeat(16));
    expect(randomDocId({ randomUUID: () => 'u-1', getRandomValues: (a) => a })).toBe('u-1');
  });
});
