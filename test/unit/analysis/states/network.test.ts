// The States view's network source: HAR entries of the chat API's message responses become
// ChatNetworkEntry items in the store.
import { describe, expect, it } from 'vitest';
import {
  ChatNetworkStore, LIVE_BODY_MAX_CHARS, base64Bytes, collect, decodeBody, isChatMessagesResponse, readBody, toChatEntry, type HarEntryLike,
} from '../../../../src/analysis/states/network';
import { buildTimeline } from '../../../../src/analysis/states/timeline';
import { createTabModels } from '../../../../src/analysis/store/tab-models';
import { LARGE, largePollBody, pollResponseBody, stateMessage } from '../../fakes/chat-api';

const API = 'https://api.example.com/nexus/v3/chat/sessions';
const T0 = Date.parse('2024-05-01T10:00:00.000Z');
const state = (s: string, id: string) => stateMessage(s, id, `${T0}-0`, new Date(T0).toISOString());

function har(url: string, content: string | null, extra: Partial<HarEntryLike> = {}): HarEntryLike {
  return {
    startedDateTime: new Date(T0).toISOString(),
    time: 250,
    request: { method: 'GET', url },
    response: { status: 200 },
    getContent: (cb) => cb(content, ''),
    ...extra,
  };
}

describe('network source', () => {
  it('takes only answered GETs of a sessions/{id}/messages path, on any host', () => {
    expect(isChatMessagesResponse(har(`${API}/s1/messages?index=1-0`, ''))).toBe(true);
    expect(isChatMessagesResponse(har('http://127.0.0.1:9/x/chat/sessions/s1/messages', ''))).toBe(true);
    expect(isChatMessagesResponse(har(`${API}/s1/messages`, '', { request: { method: 'POST', url: `${API}/s1/messages` } }))).toBe(false);
    expect(isChatMessagesResponse(har(`${API}/s1/userdata`, ''))).toBe(false);
    expect(isChatMessagesResponse(har(`${API}`, ''))).toBe(false);
    // A long poll still in flight, or cut off by a reload: no response yet.
    expect(isChatMessagesResponse(har(`${API}/s1/messages`, '', { response: { status: 0 } }))).toBe(false);
  });

  it('times an entry by when its response finished and decodes base64 bodies', () => {
    const entry = toChatEntry(har(`${API}/s1/messages`, null), '{}');
    expect(entry).toEqual({ url: `${API}/s1/messages`, method: 'GET', status: 200, time: T0 + 250, body: '{}' });
    expect(decodeBody(btoa('{"a":"é"}'.replace('é', '\u00c3\u00a9')), 'base64')).toBe('{"a":"é"}');
    expect(decodeBody(null, '')).toBeNull();
    expect(decodeBody('%%%', 'base64')).toBeNull();
  });

  it('keeps responses with messages or problems, not empty polls, once per request, in finish order', () => {
    const store = new ChatNetworkStore();
    let changes = 0;
    store.subscribe(() => changes++);
    const later = har(`${API}/s1/messages?index=2`, pollResponseBody([state('Completed', 'm2')]), { time: 900 });
    collect(store, later);
    collect(store, har(`${API}/s1/messages?index=1`, pollResponseBody([state('Finalizing', 'm1')])));
    collect(store, har(`${API}/s1/messages?index=1`, pollResponseBody([state('Finalizing', 'm1')]))); // the HAR and the live event both
    collect(store, har(`${API}/s1/messages?index=3`, pollResponseBody([]), { time: 2000 })); // an empty long poll
    collect(store, har(`${API}/s1/messages?index=4`, '{"status":', { time: 3000 })); // cut off: a problem
    expect(store.entries.map((e) => e.url.split('?')[1])).toEqual(['index=1', 'index=2', 'index=4']);
    expect(changes).toBe(3);

    store.clearBefore(T0 + 1000);
    expect(store.entries.map((e) => e.url.split('?')[1])).toEqual(['index=4']);
  });

  it("reads Firefox's getContent, whose second argument is the MIME type, as Chrome's plain text", () => {
    const body = pollResponseBody([state('Finalizing', 'm1')]);
    const firefox = new ChatNetworkStore();
    collect(firefox, har(`${API}/s1/messages`, body, { getContent: (cb) => cb(body, 'application/json') }));
    const chrome = new ChatNetworkStore();
    collect(chrome, har(`${API}/s1/messages`, body));
    expect(firefox.entries).toEqual(chrome.entries);
    expect(firefox.entries[0]!.body).toBe(body);
  });

  it('drops the oldest entries at its cap', () => {
    const store = new ChatNetworkStore(2);
    for (let i = 1; i <= 3; i++) collect(store, har(`${API}/s1/messages?index=${i}`, pollResponseBody([state('Active', `m${i}`)]), { time: i }));
    expect(store.entries.map((e) => e.url.split('?')[1])).toEqual(['index=2', 'index=3']);
  });

  it('reads a HAR entry without getContent from its inline content', () => {
    const store = new ChatNetworkStore();
    const entry = har(`${API}/s1/messages`, null, { getContent: undefined, response: { status: 200, content: { text: btoa(pollResponseBody([state('Finalizing', 'x')])), encoding: 'base64' } } });
    collect(store, entry);
    expect(buildTimeline({ records: [], network: store.entries }, T0).sessions[0]!.segments[0]!.rows).toMatchObject([{ state: 'Finalizing', sourceLabel: 'network' }]);
  });
});

describe('network source: large and extreme responses', () => {
  it('a live 200,000-item response (0.4 MB) goes into the store and the States timeline, its items as problems', () => {
    const models = createTabModels({ now: () => T0 + 60_000 });
    collect(models.states.network, har(`${API}/s1/messages`, largePollBody()));
    expect(models.states.network.entries).toHaveLength(1);
    const t = models.states.timeline(T0 + 60_000);
    expect(t.problems).toHaveLength(LARGE);
    expect(t.responses).toHaveLength(1);
  });

  it('a live body larger than the panel reads is not decoded on its thread: marked too large, with its size', () => {
    const store = new ChatNetworkStore();
    const body = btoa(pollResponseBody([state('Finalizing', 'big')]));
    let decoded = false;
    const entry = har(`${API}/s1/messages`, null, { getContent: (cb) => ((decoded = true), cb(body, 'base64')) });
    collect(store, entry, 100);
    expect(decoded).toBe(true); // read from DevTools, never decoded
    expect(store.entries[0]).toMatchObject({ body: null, bodyUnread: `the response body (${Math.ceil(body.length / 1024)} KB of base64) is too large to read in the panel, which reads up to 1 KB of a live response` });
    const t = buildTimeline({ records: [], network: store.entries }, T0);
    expect(t.problems).toMatchObject([{ code: 'no-body', message: store.entries[0]!.bodyUnread }]);
    // The default cap: 16 MB.
    expect(LIVE_BODY_MAX_CHARS).toBe(16 * 1024 * 1024);
    expect(readBody('x'.repeat(LIVE_BODY_MAX_CHARS + 1), undefined).unread).toMatch(/^the response body \(16 MB\) is too large/);
    expect(readBody('{}', 'base64')).toEqual({ body: null });
    expect(readBody(btoa('{}'), 'base64')).toEqual({ body: '{}' });
  });

  it('decodes base64 a slice at a time, as Node decodes it, and refuses what is no base64', () => {
    const bytes = new Uint8Array(3 * (1 << 20) + 7).map((_, i) => (i * 7919) % 256);
    const b64 = Buffer.from(bytes).toString('base64');
    // (Compared as Buffers: toEqual walks a typed array item by item.)
    const same = (decoded: Uint8Array | null) => decoded !== null && Buffer.from(decoded).equals(Buffer.from(bytes));
    expect(same(base64Bytes(b64))).toBe(true);
    expect(same(base64Bytes(b64.replace(/(.{76})/g, '$1\n')))).toBe(true); // MIME line breaks
    expect(same(base64Bytes(b64.replace(/=+$/, '')))).toBe(true); // no padding
    expect(base64Bytes('')).toEqual(new Uint8Array(0));
    expect(base64Bytes('%%%')).toBeNull();
    expect(base64Bytes(`${'A'.repeat(1 << 20)}%`)).toBeNull();
    const text = 'é'.repeat(1_000_000);
    expect(decodeBody(Buffer.from(text).toString('base64'), 'base64')).toBe(text);
  });

  it('times of a HAR entry that no Date holds: the response is timed from its start', () => {
    for (const time of [1e300, -1e300, Infinity, NaN, Number.MAX_VALUE, 8.64e15]) {
      expect(toChatEntry(har(`${API}/s1/messages`, null, { time }), '{}').time).toBe(T0);
    }
    expect(toChatEntry(har(`${API}/s1/messages`, null, { startedDateTime: '+275760-09-13T00:00:00.001Z' }), '{}').time).toBeGreaterThan(0);
  });
});
