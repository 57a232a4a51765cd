import { describe, expect, it } from 'vitest';
import { buildTimeline, REACTION_WINDOW_MS, type StateRow, type Timeline } from '../../../../src/analysis/states/timeline';
import { buildSyntheticMessageReceived } from '../../../../src/page/inject/states-synthetic';
import type { CaptureRecord, Copied } from '../../../../src/shared/protocol';
import type { ChatNetworkEntry } from '../../../../src/shared/interaction-states';
import { LARGE, largePollBody } from '../../fakes/chat-api';

const SESSION = 'sess-1';
const URL_POLL = `https://api.example.com/nexus/v3/chat/sessions/${SESSION}/messages?operationId=o`;
const T0 = Date.parse('2024-05-01T10:00:00.000Z');
const iso = (ms: number) => new Date(T0 + ms).toISOString();

const state = (s: string, at: number, id?: string, index = `${T0 + at}-0`) => ({
  type: 'System', from: { type: 'System', participantId: '00000000-0000-0000-0000-000000000000' },
  event: 'InteractionStateChange', data: { interactionState: s }, utcTime: iso(at), index, ...(id ? { id } : {}),
});
const text = (who: 'Customer' | 'Agent', at: number, id?: string) => ({
  type: 'Text', from: { type: who, participantId: who }, text: 'x', utcTime: iso(at), index: `${T0 + at}-0`, ...(id ? { id } : {}),
});
/** The bus copy: Widgets removes the "-" from indexes. */
const onBus = <T extends { index: string }>(m: T): T => ({ ...m, index: m.index.replace(/-/g, '') });

let seq = 0;
const received = (at: number, originalMessages: unknown[], extra: Record<string, unknown> = {}): CaptureRecord => ({
  t: 'event', seq: ++seq, time: T0 + at, name: 'WebChatService.messageReceived', publisher: 'WebChatService', via: 'publish',
  data: { messages: [], originalMessages, restoring: false, oldMessages: false, sessionData: { sessionId: SESSION }, ...extra } as unknown as Copied,
});
const command = (at: number, name: string, id: number, commander = 'CXBus'): CaptureRecord => ({
  t: 'command', seq: ++seq, time: T0 + at, id, name, commander, options: {},
});
const outcome = (at: number, id: number, o: 'resolved' | 'rejected'): CaptureRecord => ({
  t: 'outcome', seq: ++seq, time: T0 + at, id, outcome: o, value: null,
});
const status = (asyncEnabled: boolean): CaptureRecord => ({
  t: 'status', seq: ++seq, time: T0, status: { cxbus: 'tapped', quickBus: true, plugins: [], problems: [], transport: { asyncEnabled } },
});
const poll = (at: number, messages: unknown[], url = URL_POLL): ChatNetworkEntry => ({
  url, method: 'GET', status: 200, time: T0 + at, body: JSON.stringify({ status: { code: 'SUCCESS' }, data: { messages } }),
});

const stateRows = (t: Timeline) => t.sessions.flatMap((s) => s.segments.flatMap((g) => g.rows)).filter((r): r is StateRow => r.kind === 'state');
const LATER = T0 + 60_000;

describe('buildTimeline: merging', () => {
  it('merges the same message from bus and network by id, keeping both sources', () => {
    const fin = state('Finalizing', 1000, 'id-fin');
    const t = buildTimeline({ records: [received(1050, [onBus(fin)])], network: [poll(1040, [fin])] }, LATER);
    const rows = stateRows(t);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ state: 'Finalizing', sourceLabel: 'bus network', sources: ['bus', 'network'], key: 'id-fin', seenAt: T0 + 1040 });
    expect(rows[0]!.raw.bus).toBeDefined();
    expect(rows[0]!.raw.network).toBeDefined();
  });

  it('merges by normalised index when there is no id, and keeps distinct ids apart', () => {
    const a = state('Active', 0); // no id: "…-0" on the network, "…0" on the bus
    const t = buildTimeline({ records: [received(10, [onBus(a)])], network: [poll(5, [a])] }, LATER);
    expect(stateRows(t).map((r) => r.sourceLabel)).toEqual(['bus network']);

    const x = state('Active', 0, 'id-x');
    const y = { ...state('Active', 0, 'id-y') }; // same index, different id: two messages
    const t2 = buildTimeline({ records: [received(10, [onBus(x)])], network: [poll(5, [y])] }, LATER);
    expect(stateRows(t2).map((r) => r.key).sort()).toEqual(['id-x', 'id-y']);
  });

  it('deduplicates a state delivered twice on one source (a history page replaying it)', () => {
    const fin = onBus(state('Finalizing', 1000, 'f'));
    const t = buildTimeline({ records: [received(1000, [fin]), received(9000, [fin], { oldMessages: true })] }, LATER);
    const rows = stateRows(t);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.history).toBe(false); // it was seen live once
  });

  it('groups by session: from sessionData, from WebChatService.started, from the URL', () => {
    const started: CaptureRecord = { t: 'event', seq: ++seq, time: T0, name: 'WebChatService.started', publisher: 'WebChatService', via: 'publish', data: { data: { sessionId: 'from-started' } } };
    const noSessionData = received(100, [onBus(state('Active', 100, 'a1'))], { sessionData: null });
    const other = poll(200, [state('Active', 200, 'a2')], 'https://h/nexus/v3/chat/sessions/from-url/messages');
    const t = buildTimeline({ records: [started, noSessionData], network: [other] }, LATER);
    expect(t.sessions.map((s) => s.sessionId)).toEqual(['from-started', 'from-url']);
  });

  it('reads the mode from the hook status', () => {
    expect(buildTimeline({ records: [status(true)] }, LATER).mode).toBe('async');
    expect(buildTimeline({ records: [status(false)] }, LATER).mode).toBe('sync');
    expect(buildTimeline({ records: [] }, LATER).mode).toBe('unknown');
  });
});

describe('buildTimeline: segments and the edge case', () => {
  it('opens segments at Active and at a customer message after Finalizing, and flags that message', () => {
    const msgs = [
      text('Customer', 0, 'c0'), state('Active', 1000, 's1'), text('Agent', 2000, 'a1'),
      state('Finalizing', 3000, 's2'), state('Completed', 4000, 's3'),
      text('Customer', 10_000, 'c1'), // "thank you" after the agent finished
      state('Active', 11_000, 's4'), state('Finalizing', 12_000, 's5'),
      state('Active', 20_000, 's6'), // the agent follows up: a new segment
    ];
    const t = buildTimeline({ records: [], network: [poll(30_000, msgs)] }, LATER);
    const [session] = t.sessions;
    expect(session!.segments.map((g) => [g.n, g.openedBy, g.rows.map((r) => r.key)])).toEqual([
      [1, 'start', ['c0', 's1', 'a1', 's2', 's3']],
      [2, 'customer-after-finalize', ['c1', 's4', 's5']],
      [3, 'active', ['s6']],
    ]);
    expect(session!.flags).toEqual([expect.objectContaining({ segment: 2, messageKey: 'c1', afterState: 'Completed', afterStateKey: 's3' })]);
    const flagged = session!.segments[1]!.rows[0]!;
    expect(flagged.kind === 'message' && flagged.flagged).toBe(true);
    const notFlagged = session!.segments[0]!.rows[0]!;
    expect(notFlagged.kind === 'message' && notFlagged.flagged).toBe(false);
  });

  it('orders rows from several responses by server time', () => {
    const t = buildTimeline({ records: [], network: [poll(5000, [state('Finalizing', 3000, 'f')]), poll(100, [state('Active', 0, 'a')])] }, LATER);
    expect(stateRows(t).map((r) => r.state)).toEqual(['Active', 'Finalizing']);
  });
});

describe('buildTimeline: reactions', () => {
  it('inject: WebChat.injectMessage after Finalizing, with the delay and outcome', () => {
    const fin = onBus(state('Finalizing', 1000, 'f'));
    const t = buildTimeline({ records: [received(1000, [fin]), command(1120, 'WebChat.injectMessage', 7, 'CXLensFinalize'), outcome(1130, 7, 'resolved')] }, LATER);
    expect(stateRows(t)[0]!.reaction).toEqual({ kind: 'inject', command: 'WebChat.injectMessage', commander: 'CXLensFinalize', afterMs: 120, outcome: 'resolved' });
  });

  it('end: WebChat.endChat (or WebChatService.endChat) after Completed', () => {
    const t = buildTimeline({ records: [received(1000, [onBus(state('Completed', 1000, 'c'))]), command(1500, 'WebChatService.endChat', 3)] }, LATER);
    expect(stateRows(t)[0]!.reaction).toMatchObject({ kind: 'end', command: 'WebChatService.endChat', afterMs: 500, outcome: 'pending' });
  });

  it('none: nothing within the window is a warning; a command that came too late or before does not count', () => {
    const records = [
      command(500, 'WebChat.endChat', 1), // before the state
      received(1000, [onBus(state('Finalizing', 1000, 'f'))]),
      command(1000 + REACTION_WINDOW_MS + 1, 'WebChat.injectMessage', 2), // too late
    ];
    const [row] = stateRows(buildTimeline({ records }, LATER));
    expect(row!.reaction).toMatchObject({ kind: 'none' });
    expect(row!.reaction!.warning).toMatch(/within 3 s/);
  });

  it('pending while the window is open, then none', () => {
    const records = [received(1000, [onBus(state('Finalizing', 1000, 'f'))])];
    expect(stateRows(buildTimeline({ records }, T0 + 2000))[0]!.reaction).toEqual({ kind: 'pending' });
    expect(stateRows(buildTimeline({ records }, T0 + 1000 + REACTION_WINDOW_MS))[0]!.reaction!.kind).toBe('none');
  });

  it('no reaction is expected for Active, nor for states only seen in a restore', () => {
    const records = [received(1000, [onBus(state('Active', 0, 'a')), onBus(state('Finalizing', 500, 'f'))], { restoring: true })];
    const rows = stateRows(buildTimeline({ records }, LATER));
    expect(rows.map((r) => [r.state, r.history, r.reaction])).toEqual([['Active', true, null], ['Finalizing', true, null]]);
  });

  it('a network-only state is timed from the response', () => {
    const t = buildTimeline({ records: [command(1300, 'WebChat.endChat', 4)], network: [poll(1000, [state('Completed', 900, 'c')])] }, LATER);
    expect(stateRows(t)[0]).toMatchObject({ sourceLabel: 'network', reaction: { kind: 'end', afterMs: 300 } });
  });

  it('a synthetic state shows as synthetic and gets its reaction', () => {
    const payload = buildSyntheticMessageReceived('Finalizing', { sessionId: SESSION }, T0 + 1000, 'u1');
    const ev: CaptureRecord = { t: 'event', seq: ++seq, time: T0 + 1000, name: 'WebChatService.messageReceived', publisher: 'WebChatService', via: 'publish', data: payload as unknown as Copied };
    const [row] = stateRows(buildTimeline({ records: [ev, command(1010, 'WebChat.injectMessage', 9, 'CXLensFinalize')] }, LATER));
    expect(row).toMatchObject({ synthetic: true, key: 'cx-lens-synthetic-u1', reaction: { kind: 'inject', afterMs: 10 } });
  });
});

describe('buildTimeline: bad input', () => {
  it('lists malformed responses and problems, and still shows their states', () => {
    const body = JSON.stringify({ status: { code: 'SUCCESS' }, data: { messages: [state('Finalizing', 0, 'f'), { lastDeliveredIndex: '1', chatEnded: false }] } });
    const t = buildTimeline({ records: [], network: [
      { url: URL_POLL, time: T0, body },
      { url: URL_POLL, time: T0 + 1, body: 'not json' },
      { url: 'https://h/other', time: T0, body: 'ignored' },
    ] }, LATER);
    expect(t.responses.map((r) => [r.sessionId, r.malformed !== null, r.states])).toEqual([[SESSION, true, 1], [SESSION, true, 0]]);
    expect(t.problems.map((p) => p.code)).toEqual(['not-a-message', 'invalid-json']);
    expect(stateRows(t).map((r) => r.state)).toEqual(['Finalizing']);
  });
});

describe('buildTimeline: large and extreme input', () => {
  it('a response of 200,000 items (0.4 MB) is read, not a stack overflow: each item a problem, in one pass', () => {
    const body = largePollBody();
    expect(body.length).toBeLessThan(500_000);
    const t = buildTimeline({ records: [], network: [{ url: URL_POLL, time: T0, body }] }, LATER);
    expect(t.problems).toHaveLength(LARGE);
    expect(t.problems[LARGE - 1]!.where).toBe(`data.messages[${LARGE - 1}]`);
    expect(t.responses).toHaveLength(1);
    // On the bus too: a messageReceived event with as many items.
    const bus = buildTimeline({ records: [received(0, new Array(LARGE).fill(0))] }, LATER);
    expect(bus.problems).toHaveLength(LARGE);
  });

  it('50,000 messages of one index, each with its own id, merge in linear time (each lookup reads one candidate, not all)', () => {
    const n = 50_000;
    const sameIndex = Array.from({ length: n }, (_, i) => ({ ...text('Agent', 0, `a${i}`), index: '7' }));
    // And the same messages on the bus, without their ids: each merges with the first of its index.
    const t = buildTimeline({ records: [received(5, [onBus({ ...text('Agent', 0), index: '7' })])], network: [poll(0, sameIndex)] }, LATER);
    const rows = t.sessions[0]!.segments.flatMap((g) => g.rows);
    expect(rows).toHaveLength(n);
    expect(rows[0]).toMatchObject({ id: 'a0', sourceLabel: 'bus network' });
  });

  it('each Finalizing finds its reaction among thousands of commands (sorted, found by halving)', () => {
    const states = Array.from({ length: 10_000 }, (_, i) => received(i * 10_000, [onBus(state(i % 2 ? 'Finalizing' : 'Active', i * 10_000, `s${i}`))]));
    // A command 30 ms after every other Finalizing, and a flood of them long after.
    const commands = [
      ...Array.from({ length: 2500 }, (_, i) => command((4 * i + 1) * 10_000 + 30, 'WebChat.endChat', i)),
      ...Array.from({ length: 20_000 }, (_, i) => command(200_000_000 + i, 'WebChat.injectMessage', 10_000 + i)),
    ];
    const t = buildTimeline({ records: [...states, ...commands] }, T0 + 300_000_000);
    const finalizing = stateRows(t).filter((r) => r.state === 'Finalizing');
    expect(t.sessions[0]!.segments).toHaveLength(5000);
    expect(finalizing).toHaveLength(5000);
    finalizing.forEach((r, i) => expect(r.reaction).toMatchObject(i % 2 ? { kind: 'none' } : { kind: 'end', afterMs: 30 }));
  });

  it('indexes of millions of digits are ordered by their value in linear time (BigInt of each took seconds)', () => {
    const long = '9'.repeat(6_000_000);
    const t = buildTimeline({ records: [], network: [poll(0, [
      { ...state('Completed', 0, 'b'), utcTime: undefined, index: `1${long}` },
      { ...state('Active', 0, 'a'), utcTime: undefined, index: long },
      { ...state('Finalizing', 0, 'c'), utcTime: undefined, index: `0${long}0` },
      { ...state('Active', 0, 'd'), utcTime: undefined, index: `00${long}` },
    ])] }, LATER);
    expect(stateRows(t).map((r) => r.key)).toEqual(['a', 'd', 'b', 'c']);
  }, 60_000);

  it('times of ±1e300, NaN and Infinity build a timeline: nothing throws, and the order is kept', () => {
    for (const time of [1e300, -1e300, NaN, Infinity, -Infinity, Number.MAX_VALUE]) {
      const records: CaptureRecord[] = [
        { ...received(0, [onBus(state('Finalizing', 0, 'f'))]), time },
        { ...command(0, 'WebChat.endChat', 1), time },
        { ...outcome(0, 1, 'resolved'), time },
      ];
      const network = [{ ...poll(0, [{ ...state('Completed', 0, 'c'), utcTime: 'nope' }]), time }];
      const t = buildTimeline({ records, network }, time);
      expect(stateRows(t).map((r) => r.state).sort()).toEqual(['Completed', 'Finalizing']);
    }
  });
});
