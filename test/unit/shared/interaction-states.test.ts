import { describe, expect, it } from 'vitest';
import {
  chatSessionIdFromUrl, normaliseIndex, parseBusMessageReceived, parseChatResponse,
  type StateEvent,
} from '../../../src/shared/interaction-states';
import type { Copied } from '../../../src/shared/protocol';

const SESSION = '6a1e2c3d-0000-4000-8000-000000000001';
const POLL_URL = `https://api.example.com/nexus/v3/chat/sessions/${SESSION}/messages?operationId=abc&index=1625826338000-0`;

/** The guide's sample poll response, helper objects inside `messages` included. */
const GUIDE_SAMPLE = `{
  "status": { "code": "SUCCESS" },
  "data": {
    "messages": [
      {
        "type": "System",
        "from": { "participantId": "00000000-0000-0000-0000-000000000000", "type": "System" },
        "visibility": "All",
        "id": "dba9117a-38d4-4c06-ad67-665409093314",
        "event": "InteractionStateChange",
        "data": { "interactionState": "Finalizing" },
        "utcTime": "2021-07-09T10:25:38.829Z",
        "streamId": "1625826338845-0",
        "index": "1625826338845-0"
      },
      { "lastDeliveredIndex": "1625826338845-0", "chatEnded": false },
      { "operationId": "69be0dc50e-de8a9-093ca-52684-51ce7aa716db743", "referenceId": "1d9c9d1e-e518-446c-9889-57fadc98fd16" }
    ]
  }
}`;

function response(messages: unknown[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ status: { code: 'SUCCESS' }, data: { messages, lastDeliveredIndex: '1-0', chatEnded: false }, operationId: 'op', ...extra });
}

const customer = (text: string, index: string, utcTime: string, id?: string) => ({
  type: 'Text', from: { type: 'Customer', participantId: 'c1', nickname: 'Ann' }, text, index, utcTime, ...(id ? { id } : {}),
});

describe('parseChatResponse', () => {
  it("extracts the state from the guide's sample and marks the response malformed", () => {
    const r = parseChatResponse({ url: POLL_URL, method: 'GET', status: 200, time: 1000, body: GUIDE_SAMPLE })!;
    expect(r.sessionId).toBe(SESSION);
    expect(r.facts).toHaveLength(1);
    const s = r.facts[0] as StateEvent;
    expect(s).toMatchObject({
      kind: 'state', state: 'Finalizing', known: true, source: 'network', sessionId: SESSION,
      id: 'dba9117a-38d4-4c06-ad67-665409093314', index: '16258263388450', utcTime: '2021-07-09T10:25:38.829Z',
      seenAt: 1000, history: false,
    });
    expect(r.malformed).toMatch(/data\.messages\[1\] is a helper object \{lastDeliveredIndex, chatEnded\}.*throws/);
    expect(r.problems.map((p) => [p.code, p.where])).toEqual([
      ['not-a-message', 'data.messages[1]'],
      ['not-a-message', 'data.messages[2]'],
    ]);
    expect(r.problems[1]!.message).toContain('operationId, referenceId');
    expect(r.problems[0]!.url).toBe(POLL_URL);
  });

  it('reads a well-formed poll response with customer and agent messages', () => {
    const body = response([
      { type: 'Text', from: { type: 'Agent', participantId: 'a1' }, text: 'Hi', index: '100-0', utcTime: '2024-01-01T10:00:00.000Z', id: 'm1' },
      customer('hello', '101-0', '2024-01-01T10:00:01.000Z', 'm2'),
      { type: 'TypingStarted', from: { type: 'Customer' }, index: '102-0' },
      { type: 'System', from: { type: 'System' }, event: 'InteractionStateChange', data: { interactionState: 'Completed' }, index: '103-0', id: 'm4' },
    ]);
    const r = parseChatResponse({ url: POLL_URL, time: 5, body })!;
    expect(r.malformed).toBeUndefined();
    expect(r.problems).toEqual([]);
    expect(r.facts.map((f) => (f.kind === 'state' ? `state:${f.state}` : `${f.from}:${f.index}`))).toEqual([
      'agent:1000', 'customer:1010', 'state:Completed',
    ]);
  });

  it('marks invalid JSON without throwing', () => {
    const r = parseChatResponse({ url: POLL_URL, time: 1, body: '{"status": {"code": "SUCC' })!;
    expect(r.facts).toEqual([]);
    expect(r.problems[0]!.code).toBe('invalid-json');
    expect(r.malformed).toMatch(/not JSON/);
  });

  it('keeps an unknown state, marked', () => {
    const r = parseChatResponse({ url: POLL_URL, time: 1, body: response([{ type: 'System', from: { type: 'System' }, event: 'InteractionStateChange', data: { interactionState: 'Parked' }, id: 'x' }]) })!;
    expect(r.facts).toMatchObject([{ kind: 'state', state: 'Parked', known: false }]);
    expect(r.problems.map((p) => p.code)).toEqual(['unknown-state']);
    expect(r.malformed).toBeUndefined();
  });

  it('marks missing data and missing fields', () => {
    const noState = parseChatResponse({ url: POLL_URL, time: 1, body: response([{ type: 'System', from: { type: 'System' }, event: 'InteractionStateChange', id: 'x' }]) })!;
    expect(noState.facts).toEqual([]);
    expect(noState.problems.map((p) => p.code)).toEqual(['missing-state']);

    const noData = parseChatResponse({ url: POLL_URL, time: 1, body: '{"status":{"code":"SUCCESS"}}' })!;
    expect(noData.problems.map((p) => p.code)).toEqual(['no-messages']);
    expect(noData.malformed).toMatch(/data is missing/);

    const notArray = parseChatResponse({ url: POLL_URL, time: 1, body: '{"data":{"messages":{"0":1}}}' })!;
    expect(notArray.problems.map((p) => p.code)).toEqual(['no-messages']);
    expect(notArray.malformed).toMatch(/data\.messages is an object, not an array/);

    const nulls = parseChatResponse({ url: POLL_URL, time: 1, body: response([null, 3, { type: 'Text' }]) })!;
    expect(nulls.problems.map((p) => p.code)).toEqual(['not-a-message', 'not-a-message', 'not-a-message']);
    expect(nulls.malformed).toMatch(/data\.messages\[2\] is an item without from\.type/);

    const unreadable = parseChatResponse({ url: POLL_URL, time: 1, body: null })!;
    expect(unreadable.problems.map((p) => p.code)).toEqual(['no-body']);
  });

  it('reports an error envelope without calling it malformed', () => {
    const r = parseChatResponse({ url: POLL_URL, time: 1, status: 404, body: '{"status":{"code":"INVALID_SESSION","message":"gone"}}' })!;
    expect(r.problems).toMatchObject([{ code: 'error-status', message: 'status INVALID_SESSION: gone' }]);
    expect(r.malformed).toBeUndefined();
  });

  it('tells history requests (count=) from the live poll, and ignores other URLs and methods', () => {
    const hist = parseChatResponse({ url: `https://h/nexus/v3/chat/sessions/${SESSION}/messages?count=20&operationId=x`, time: 1, body: response([]) })!;
    expect(hist.history).toBe(true);
    expect(parseChatResponse({ url: POLL_URL, time: 1, body: response([]) })!.history).toBe(false);
    expect(parseChatResponse({ url: 'https://h/nexus/v3/chat/sessions', time: 1, body: '{}' })).toBeNull();
    expect(parseChatResponse({ url: POLL_URL, method: 'POST', time: 1, body: '{}' })).toBeNull();
  });
});

describe('parseBusMessageReceived', () => {
  const payload = (originalMessages: unknown, extra: Record<string, unknown> = {}) => ({
    messages: [], originalMessages, restoring: false, oldMessages: false,
    sessionData: { sessionId: SESSION, transportId: 't', participantId: 'p' }, ...extra,
  }) as unknown as Copied;

  it('reads states from originalMessages with the session from sessionData', () => {
    const r = parseBusMessageReceived(payload([
      { type: 'System', from: { type: 'System' }, event: 'InteractionStateChange', data: { interactionState: 'Completed' }, id: 'i1', index: '16258263388450' },
    ]), 77);
    expect(r.sessionId).toBe(SESSION);
    expect(r.facts).toMatchObject([{ kind: 'state', state: 'Completed', source: 'bus', seenAt: 77, index: '16258263388450', sessionId: SESSION, history: false }]);
  });

  it('marks restores and history pages, and synthetic messages', () => {
    const msg = { type: 'System', from: { type: 'System' }, event: 'InteractionStateChange', data: { interactionState: 'Finalizing' }, id: 'cx-lens-synthetic-1', index: '1' };
    expect(parseBusMessageReceived(payload([msg], { restoring: true }), 1).facts[0]).toMatchObject({ history: true, synthetic: true });
    expect(parseBusMessageReceived(payload([msg], { oldMessages: true }), 1).history).toBe(true);
    const flagged = parseBusMessageReceived(payload([{ ...msg, id: 'real' }], { cxLensSynthetic: true }), 1);
    expect(flagged.facts[0]!.synthetic).toBe(true);
  });

  it("reads the copier's truncated arrays and marks them", () => {
    const cut = { $cx: 'array', items: [customer('hi', '5-0', '2024-01-01T00:00:00Z')], length: 9000 };
    const r = parseBusMessageReceived(payload(cut), 1);
    expect(r.facts).toMatchObject([{ kind: 'message', from: 'customer', index: '50' }]);
    expect(r.problems.map((p) => p.code)).toEqual(['truncated']);
  });

  it('survives data that is not a payload', () => {
    expect(parseBusMessageReceived(null, 1).problems.map((p) => p.code)).toEqual(['no-messages']);
    expect(parseBusMessageReceived(payload('nope'), 1).problems[0]!.message).toBe('data.originalMessages is a string, not an array');
    expect(parseBusMessageReceived({ originalMessages: [] }, 1, 'known').sessionId).toBe('known');
  });
});

describe('helpers', () => {
  it('normalises indexes the way Widgets does', () => {
    expect(normaliseIndex('1625826338845-0')).toBe('16258263388450');
    expect(normaliseIndex(42)).toBe('42');
    expect(normaliseIndex('')).toBeUndefined();
    expect(normaliseIndex({})).toBeUndefined();
  });
  it('finds the session id in a messages URL', () => {
    expect(chatSessionIdFromUrl(POLL_URL)).toBe(SESSION);
    expect(chatSessionIdFromUrl(`https://h/x/sessions/${SESSION}/messages`)).toBe(SESSION);
    expect(chatSessionIdFromUrl(`https://h/x/sessions/${SESSION}/messagesX`)).toBeUndefined();
    expect(chatSessionIdFromUrl(`https://h/x/sessions/${SESSION}/participants/p`)).toBeUndefined();
  });
});
