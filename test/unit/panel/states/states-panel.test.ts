// The States view's plain parts: the network source (HAR entries → ChatNetworkEntry, the store)
// and the status texts (finalize status, reaction cell, problem list).
import { describe, expect, it } from 'vitest';
import {
  ChatNetworkStore, collect, decodeBody, isChatMessagesResponse, toChatEntry, type HarEntryLike,
} from '../../../../panel/states/network';
import {
  describeInjectRecord, finalizeStatus, latestInject, problemItems, reactionText,
} from '../../../../panel/states/StatesStatus';
import type { TabRecord } from '../../../../panel/model/tab-store';
import type { FinalizeOptions, InjectRecord } from '../../../../src/shared/protocol';
import { buildTimeline } from '../../../../panel/states/timeline';

const API = 'https://api.example.com/nexus/v3/chat/sessions';
const T0 = Date.parse('2024-05-01T10:00:00.000Z');
const state = (s: string, id: string) => ({
  type: 'System', from: { type: 'System', participantId: '0' }, event: 'InteractionStateChange',
  data: { interactionState: s }, id, index: `${T0}-0`, utcTime: new Date(T0).toISOString(),
});
const body = (messages: unknown[]) => JSON.stringify({ status: { code: 'SUCCESS' }, data: { messages, chatEnded: false } });

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
    const later = har(`${API}/s1/messages?index=2`, body([state('Completed', 'm2')]), { time: 900 });
    collect(store, later);
    collect(store, har(`${API}/s1/messages?index=1`, body([state('Finalizing', 'm1')])));
    collect(store, har(`${API}/s1/messages?index=1`, body([state('Finalizing', 'm1')]))); // the HAR and the live event both
    collect(store, har(`${API}/s1/messages?index=3`, body([]), { time: 2000 })); // an empty long poll
    collect(store, har(`${API}/s1/messages?index=4`, '{"status":', { time: 3000 })); // cut off: a problem
    expect(store.entries.map((e) => e.url.split('?')[1])).toEqual(['index=1', 'index=2', 'index=4']);
    expect(changes).toBe(3);

    store.clearBefore(T0 + 1000);
    expect(store.entries.map((e) => e.url.split('?')[1])).toEqual(['index=4']);
  });

  it('drops the oldest entries at its cap', () => {
    const store = new ChatNetworkStore(2);
    for (let i = 1; i <= 3; i++) collect(store, har(`${API}/s1/messages?index=${i}`, body([state('Active', `m${i}`)]), { time: i }));
    expect(store.entries.map((e) => e.url.split('?')[1])).toEqual(['index=2', 'index=3']);
  });

  it('reads a HAR entry without getContent from its inline content', () => {
    const store = new ChatNetworkStore();
    const entry = har(`${API}/s1/messages`, null, { getContent: undefined, response: { status: 200, content: { text: btoa(body([state('Finalizing', 'x')])), encoding: 'base64' } } });
    collect(store, entry);
    expect(buildTimeline({ records: [], network: store.entries }, T0).sessions[0]!.segments[0]!.rows).toMatchObject([{ state: 'Finalizing', sourceLabel: 'network' }]);
  });
});

const OPTIONS: FinalizeOptions = { text: 'Bye', behaviour: 'follow-async', states: ['Finalizing', 'Completed'] };
let seq = 0;
const inject = (docId: string, feature: InjectRecord['feature'], state: InjectRecord['state'], detail: InjectRecord['detail'] = {}, time = T0 + ++seq): TabRecord =>
  ({ docId, record: { t: 'inject', seq: ++seq, time, feature, state, detail } });

describe('finalize status', () => {
  it('is off, or removed, while switched off', () => {
    expect(finalizeStatus({ records: [], topDocId: 'd1', settings: undefined })).toEqual({ state: 'off', text: 'off' });
    const records = [inject('d1', 'finalize', 'installed'), inject('d1', 'finalize', 'removed')];
    expect(finalizeStatus({ records, topDocId: 'd1', settings: undefined })).toEqual({ state: 'removed', text: 'off (removed from the page)' });
  });

  it('follows the current top document only', () => {
    const records = [inject('old', 'finalize', 'fired', { command: 'WebChat.injectMessage', state: 'Finalizing' })];
    expect(finalizeStatus({ records, topDocId: 'new', settings: OPTIONS }).state).toBe('installing');
    records.push(inject('new', 'finalize', 'waiting'));
    expect(finalizeStatus({ records, topDocId: 'new', settings: OPTIONS })).toEqual({ state: 'waiting', text: 'waiting for the bus' });
    records.push(inject('new', 'finalize', 'installed', { bus: 'CXBus' }));
    expect(finalizeStatus({ records, topDocId: 'new', settings: OPTIONS })).toEqual({ state: 'installed', text: 'installed (CXBus)' });
  });

  it('says when it fired, with which action, for which state', () => {
    const fired = inject('d', 'finalize', 'fired', { command: 'WebChat.endChat', action: 'end', state: 'Completed', synthetic: false }, new Date(2024, 0, 1, 12, 3, 4, 123).getTime());
    expect(finalizeStatus({ records: [fired], topDocId: 'd', settings: OPTIONS })).toEqual({ state: 'fired', text: 'fired 12:03:04.123 — endChat (Completed)' });
    expect(describeInjectRecord({ ...(fired.record as InjectRecord), detail: { command: 'WebChat.injectMessage', state: 'Finalizing', synthetic: true } }))
      .toBe('fired 12:03:04.123 — injectMessage (Finalizing, synthetic)');
  });

  it('shows a failure from the page, or a newer one from the service worker', () => {
    const failed = inject('d', 'finalize', 'failed', { error: 'No chat session to inject into.' });
    expect(finalizeStatus({ records: [failed], topDocId: 'd', settings: OPTIONS })).toEqual({ state: 'failed', text: 'failed: No chat session to inject into.' });
    const installed = inject('d', 'finalize', 'installed');
    const error = { feature: 'finalize', message: 'Cannot access contents of the page', time: installed.record.time + 1 };
    expect(finalizeStatus({ records: [installed], topDocId: 'd', settings: OPTIONS, error })).toEqual({ state: 'failed', text: 'failed: Cannot access contents of the page' });
    // An older error, or one of another feature, does not hide what the page says now.
    expect(finalizeStatus({ records: [installed], topDocId: 'd', settings: OPTIONS, error: { ...error, time: 0 } }).state).toBe('installed');
    expect(finalizeStatus({ records: [installed], topDocId: 'd', settings: OPTIONS, error: { ...error, feature: 'simulate' } }).state).toBe('installed');
  });

  it("reports the page's own copy of the handler while CX Lens's switch is off", () => {
    const records = [inject('d', 'finalize', 'installed', { options: { ...OPTIONS, source: 'site' } })];
    expect(finalizeStatus({ records, topDocId: 'd', settings: undefined })).toEqual({ state: 'installed', text: "installed — the page's own copy" });
  });

  it('finds the latest record of a feature in a document', () => {
    const records = [inject('d', 'simulate', 'delivered', { state: 'Finalizing' }), inject('d', 'finalize', 'installed'), inject('e', 'simulate', 'failed')];
    expect(latestInject(records, 'd', 'simulate')?.state).toBe('delivered');
    expect(latestInject(records, undefined, 'simulate')).toBeUndefined();
    expect(describeInjectRecord(latestInject(records, 'd', 'simulate')!)).toBe('delivered Finalizing (synthetic)');
  });
});

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
    const unknown = body([state('Parked', 'b')]);
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
