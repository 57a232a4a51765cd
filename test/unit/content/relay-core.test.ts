import { describe, expect, it } from 'vitest';
import { RecordBuffer } from '../../../src/content/record-buffer';
import { RelayCore, groups, isTooLargeError, randomDocId, type SendResult } from '../../../src/content/relay-core';
import { PAGE_SOURCE, PROTOCOL_VERSION, RECORD_MAX_CHARS, type ContentToWorker } from '../../../src/shared/protocol';

const batch = (n: number, pad = '') => {
  const records = Array.from({ length: n }, (_, i) => ({ t: 'event', seq: 0, time: 1, name: `A.e${i}${pad}` }));
  return { source: PAGE_SOURCE, v: PROTOCOL_VERSION, type: 'batch', json: JSON.stringify(records), count: n } as const;
};

function relay(answers: (m: ContentToWorker) => SendResult = () => 'sent') {
  const sent: Extract<ContentToWorker, { type: 'chunks' }>[] = [];
  const core = new RelayCore('doc', new RecordBuffer(1000), (m) => {
    const r = answers(m);
    if (r === 'sent' && m.type === 'chunks') sent.push(m);
    return r;
  });
  return { core, sent };
}

describe('RelayCore', () => {
  it('streams live batches and marks them delivered only once sent', () => {
    let up = true;
    const { core, sent } = relay(() => (up ? 'sent' : 'failed'));
    core.stream(0);
    core.takeBatch(batch(3));
    expect(sent.at(-1)!.chunks[0]).toMatchObject({ firstSeq: 1, count: 3 });
    up = false;
    core.takeBatch(batch(2)); // the port failed: kept, not delivered, streaming stops
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
    core.takeBatch(batch(1));
    core.takeBatch(batch(4, 'BIG'));
    core.takeBatch(batch(1));
    expect(core.tooLarge).toBe(4);
    expect(sent.at(-1)).toMatchObject({ tooLarge: 4, chunks: [{ firstSeq: 6, count: 1 }] });
    // A replay does not loop on it: the chunk is gone from the buffer.
    core.stream(0);
    expect(sent.at(-1)!.chunks.map((c) => c.firstSeq)).toEqual([1, 6]);
  });

  it('sends a replay group that is refused chunk by chunk', () => {
    const { core, sent } = relay((m) => (m.type === 'chunks' && m.chunks.length > 1 ? 'too-large' : 'sent'));
    core.takeBatch(batch(1));
    core.takeBatch(batch(1));
    core.stream(0);
    expect(sent.map((m) => m.chunks.map((c) => c.firstSeq))).toEqual([[1], [2]]);
    expect(core.tooLarge).toBe(0);
  });

  it("refuses a page's batch over the per-record budget, counting its records and leaving a seq gap", () => {
    const { core, sent } = relay();
    core.stream(0);
    core.takeBatch({ source: PAGE_SOURCE, v: PROTOCOL_VERSION, type: 'batch', json: 'x'.repeat(RECORD_MAX_CHARS + 1), count: 7 });
    expect(core.tooLarge).toBe(7);
    expect(sent.at(-1)).toMatchObject({ chunks: [], tooLarge: 7 });
    core.takeBatch(batch(1));
    expect(sent.at(-1)!.chunks[0]!.firstSeq).toBe(8);
    expect(core.buffer.length).toBe(1);
  });

  it('counts records as dropped when the worker says they reached no panel', () => {
    const { core } = relay();
    core.stream(0);
    core.takeBatch(batch(5)); // sent: marked delivered
    core.hold(0); // ...but the worker had no panel for them
    core.buffer.resize(100);
    for (let i = 0; i < 20; i++) core.takeBatch(batch(5)); // 105 records: the oldest 5 go
    expect(core.buffer.dropped).toBe(5);
  });

  it('recognises Chrome\'s message-size error', () => {
    expect(isTooLargeError(new Error('Message exceeded maximum allowed size of 64MiB.'))).toBe(true);
    expect(isTooLargeError(new Error('Attempting to use a disconnected port object'))).toBe(false);
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
