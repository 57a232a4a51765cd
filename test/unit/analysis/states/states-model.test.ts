// The States view's model: which records it keeps for the timeline, the timeline it builds from
// them (the same as from every record), when it rebuilds, and how a clear or a navigation empties it.
import { describe, expect, it } from 'vitest';
import { createTabModels } from '../../../../src/analysis/store/tab-models';
import { buildTimeline } from '../../../../src/analysis/states/timeline';
import type { CaptureRecord, Copied } from '../../../../src/shared/protocol';
import { connected, frame, odd } from '../fixtures';

const SESSION = 'sess-1';
const T0 = Date.parse('2024-05-01T10:00:00.000Z');
let seq = 0;
const state = (s: string, at: number, id: string) => ({
  type: 'System', from: { type: 'System', participantId: '0' }, event: 'InteractionStateChange',
  data: { interactionState: s }, utcTime: new Date(T0 + at).toISOString(), index: `${T0 + at}0`, id,
});
const event = (at: number, name: string, data: unknown = {}): CaptureRecord => ({
  t: 'event', seq: ++seq, time: T0 + at, name, publisher: name.split('.')[0]!, via: 'publish', data: data as Copied,
});
const received = (at: number, messages: unknown[]) =>
  event(at, 'WebChatService.messageReceived', { messages: [], originalMessages: messages, restoring: false, oldMessages: false, sessionData: { sessionId: SESSION } });
const command = (at: number, name: string, id: number): CaptureRecord => ({ t: 'command', seq: ++seq, time: T0 + at, id, name, commander: 'CXBus', options: {} });
const outcome = (at: number, id: number): CaptureRecord => ({ t: 'outcome', seq: ++seq, time: T0 + at, id, outcome: 'resolved', value: null });
const status = (transport?: { asyncEnabled: boolean }): CaptureRecord =>
  ({ t: 'status', seq: ++seq, time: T0, status: { cxbus: 'tapped', quickBus: false, plugins: [], problems: [], ...(transport ? { transport } : {}) } });
const body = (messages: unknown[]) => JSON.stringify({ status: { code: 'SUCCESS' }, data: { messages } });
const poll = (at: number, id: string) =>
  ({ url: `https://api.example.com/chat/sessions/${SESSION}/messages`, method: 'GET', status: 200, time: T0 + at, body: body([state('Active', at, id)]) });

function tab(now = T0 + 60_000) {
  const m = createTabModels({ now: () => now });
  connected(m.store, 'a');
  return m;
}

describe('StatesModel records', () => {
  it('keeps only the records the timeline reads', () => {
    const m = tab();
    const kept = [
      event(0, 'WebChatService.started', { data: { sessionId: SESSION } }),
      received(100, [state('Finalizing', 100, 'f')]),
      command(200, 'WebChat.injectMessage', 1),
      outcome(210, 1),
      status({ asyncEnabled: true }),
      event(300, 'WebChatService.ended'),
    ];
    const skipped = [
      event(1, 'WebChat.opened'), event(2, 'WebChatService.sendMessage'), command(3, 'WebChat.open', 2), outcome(4, 2),
      status(), odd('plugin'), odd('inject'), odd('channel'), odd('future-kind'),
    ];
    const fed = [...skipped.slice(0, 4), ...kept.slice(0, 4), ...skipped.slice(4), ...kept.slice(4)];
    fed.forEach((r) => (r.seq = ++seq)); // a document's records reach the store in seq order
    m.store.feed.records('a', fed, 0);
    expect(m.states.records).toEqual(kept);
  });

  it('pairs outcomes with reaction commands of the same document', () => {
    const m = tab();
    m.store.feed.frame(frame('b', false));
    m.store.feed.records('a', [command(0, 'WebChat.endChat', 7)], 0);
    m.store.feed.records('b', [outcome(5, 7)], 0);
    m.store.feed.records('a', [outcome(6, 7), outcome(7, 7)], 0);
    expect(m.states.records.map((r) => `${r.t}@${r.time - T0}`)).toEqual(['command@0', 'outcome@6']);
  });

  it('builds the same timeline as from every record', () => {
    const now = T0 + 60_000;
    const m = tab(now);
    const records = [
      status({ asyncEnabled: false }),
      event(0, 'WebChatService.started', { data: { sessionId: SESSION } }),
      event(50, 'WebChat.opened'),
      received(100, [state('Active', 100, 'a1')]),
      received(1000, [state('Finalizing', 1000, 'f1')]),
      command(1200, 'WebChat.injectMessage', 3),
      command(1300, 'WebChat.open', 4),
      outcome(1250, 3),
      received(9000, [state('Completed', 9000, 'c1')]),
    ];
    m.store.feed.records('a', records, 0);
    m.states.network.add(poll(500, 'n1'));
    expect(m.states.timeline(0)).toEqual(buildTimeline({ records, network: m.states.network.entries }, now));
    expect(m.states.timeline(0).mode).toBe('sync');
    expect(m.states.timeline(0).sessions[0]!.segments.flatMap((s) => s.rows).length).toBeGreaterThan(3);
  });
});

describe('StatesModel timeline', () => {
  it('rebuilds only when its records or responses changed, or each tick while a reaction is pending', () => {
    let now = T0 + 60_000;
    const m = createTabModels({ now: () => now });
    connected(m.store, 'a');
    m.store.feed.records('a', [received(100, [state('Active', 100, 'a1')])], 0);
    const first = m.states.timeline(1);
    m.store.feed.records('a', [event(200, 'WebChat.opened')], 0);
    expect(m.states.timeline(2)).toBe(first);
    m.states.network.add(poll(300, 'n1'));
    const second = m.states.timeline(3);
    expect(second).not.toBe(first);
    // A Finalizing whose reaction window is still open: rebuilt on each tick until it closes.
    now = T0 + 1000;
    m.store.feed.records('a', [received(1000, [state('Finalizing', 1000, 'f1')])], 0);
    const pending = m.states.timeline(4);
    expect(pending.sessions[0]!.segments.flatMap((s) => s.rows).some((r) => r.kind === 'state' && r.reaction?.kind === 'pending')).toBe(true);
    now = T0 + 60_000;
    const closed = m.states.timeline(5);
    expect(closed).not.toBe(pending);
    expect(closed.sessions[0]!.segments.flatMap((s) => s.rows).some((r) => r.kind === 'state' && r.reaction?.kind === 'none')).toBe(true);
    expect(m.states.lastTimeline()).toBe(closed);
  });

  it('a clear drops every response; a navigation keeps those after the new document started', () => {
    const m = tab();
    m.states.network.add(poll(100, 'n1'));
    m.states.network.add(poll(5000, 'n2'));
    m.store.feed.records('a', [received(100, [state('Active', 100, 'a1')])], 0);
    m.store.feed.frame({ ...frame('b'), seenAt: T0 + 1000 });
    expect(m.states.records).toEqual([]);
    expect(m.states.network.entries.map((e) => e.time - T0)).toEqual([5000]);
    m.store.clear();
    expect(m.states.network.entries).toEqual([]);
  });

  it('tells the store when a response arrives, so that the view re-renders', () => {
    const m = tab();
    let changes = 0;
    m.store.subscribe(() => changes++);
    m.states.network.add(poll(100, 'n1'));
    expect(changes).toBe(1);
  });
});
