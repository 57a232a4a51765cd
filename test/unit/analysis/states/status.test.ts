// The States view's status texts: reaction cell, problem list.
import { describe, expect, it } from 'vitest';
import { problemItems, reactionText } from '../../../../src/analysis/states/status';
import { buildTimeline } from '../../../../src/analysis/states/timeline';
import { pollResponseBody, stateMessage } from '../../fakes/chat-api';

const API = 'https://api.example.com/nexus/v3/chat/sessions';
const T0 = Date.parse('2024-05-01T10:00:00.000Z');
const state = (s: string, id: string) => stateMessage(s, id, `${T0}-0`, new Date(T0).toISOString());

describe('reaction text', () => {
  it('names the command, the delay and who sent it, or warns', () => {
    expect(reactionText({ kind: 'inject', command: 'WebChat.injectMessage', commander: 'CXLensFinalize', afterMs: 120, outcome: 'resolved' }))
      .toBe('WebChat.injectMessage after 120 ms (CXLensFinalize)');
    expect(reactionText({ kind: 'end', command: 'WebChat.endChat', commander: 'CXBus', afterMs: 1500, outcome: 'rejected' }))
      .toBe('WebChat.endChat after 1.5 s (CXBus) · rejected');
    expect(reactionText({ kind: 'none', warning: 'w' })).toBe('⚠ no reaction: the page neither injected a message nor ended the chat');
    expect(reactionText({ kind: 'pending' })).toMatch(/^waiting/);
  });
});

describe('problem list', () => {
  it('folds the problems of a malformed response into one item and keeps the others', () => {
    const url = `${API}/s1/messages`;
    const malformed = JSON.stringify({ status: { code: 'SUCCESS' }, data: { messages: [state('Finalizing', 'a'), { lastDeliveredIndex: '1-0', chatEnded: false }, { operationId: 'o', referenceId: 'r' }] } });
    const unknown = pollResponseBody([state('Parked', 'b')]);
    const timeline = buildTimeline({
      records: [],
      network: [
        { url, method: 'GET', status: 200, time: T0 + 10, body: malformed },
        { url, method: 'GET', status: 200, time: T0 + 20, body: unknown },
      ],
    }, T0 + 100);
    const items = problemItems(timeline);
    expect(items.map((i) => i.code)).toEqual(['malformed-response', 'unknown-state']);
    expect(items[0]!.title).toMatch(/^Malformed chat API response: data\.messages\[1\] is a helper object \{lastDeliveredIndex, chatEnded\}/);
    expect(items[0]!.detail).toEqual([expect.stringMatching(/^data\.messages\[2\] is a helper object \{operationId, referenceId\}/)]);
    expect(items[1]!.title).toContain('unknown interaction state "Parked"');
  });
});

describe('problem list: large input', () => {
  it('2,000 malformed responses of 100 bad items each are listed in one pass over their 200,000 problems', () => {
    const url = `${API}/s1/messages`;
    const bad = { lastDeliveredIndex: '1-0', chatEnded: false };
    const network = Array.from({ length: 2000 }, (_, i) => ({ url, method: 'GET', status: 200, time: T0 + i, body: pollResponseBody(new Array(100).fill(bad)) }));
    const timeline = buildTimeline({ records: [], network }, T0 + 10_000);
    expect(timeline.problems).toHaveLength(200_000);
    const items = problemItems(timeline);
    expect(items).toHaveLength(2000);
    expect(items.every((i) => i.code === 'malformed-response' && i.detail.length === 99)).toBe(true);
    expect(items.map((i) => i.time)).toEqual(network.map((n) => n.time));
  }, 60_000);
});
