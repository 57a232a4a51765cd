// Mute at the source: the hook skips the copy of a muted event name, counts it per name in its
// status (at most one status a second), and takes the list only from its private port.
import { describe, expect, it } from 'vitest';
import { installHook } from '../../../src/page/bus-tap';
import { MUTED_STATUS_MS } from '../../../src/page/bus-recorder';
import { BATCH_INTERVAL_MS, type HookMessage } from '../../../src/shared/protocol';
import { FakeClock } from '../fakes/fake-clock';
import { batchRecords, bind, createBus } from './bus-tap-helpers';
import { hookPort } from '../../../src/page/page-env';
import { acceptPort, windowLinkEnv } from '../../../src/shared/hook-link';

function hooked() {
  const clock = new FakeClock();
  const batches: HookMessage[] = [];
  let control: (data: unknown) => void = () => {};
  const win: any = {};
  installHook(win, { ...bind(clock), send: (m) => batches.push(structuredClone(m)), onControl: (fn) => { control = fn; } });
  const { bus } = createBus();
  win.CXBus = bus;
  const chat = bus.registerPlugin('WebChatService');
  const records = () => {
    clock.advance(BATCH_INTERVAL_MS);
    const all = batches.flatMap(batchRecords);
    batches.length = 0;
    return all;
  };
  return { clock, chat, bus, records, mute: (names: unknown) => control(structuredClone({ type: 'mute', names })) };
}

describe('muted event names', () => {
  it('are not copied: no record, the payload never read, other events still captured', () => {
    const h = hooked();
    h.records();
    h.mute(['WebChatService.typingStarted']);
    let reads = 0;
    const payload = { get text() { reads++; return 'typing'; } };
    for (let i = 0; i < 5; i++) h.chat.publish('typingStarted', payload);
    h.chat.publish('messageReceived', { n: 1 });
    const records = h.records();
    expect(records.filter((r) => r.t === 'event').map((r) => (r as { name: string }).name)).toEqual(['WebChatService.messageReceived']);
    expect(reads).toBe(0);
  });

  it('are counted per name in the status, at most one status a second, never as unrecorded', () => {
    const h = hooked();
    h.records();
    h.mute(['WebChatService.typingStarted', 'WebChatService.pollingStarted']);
    for (let i = 0; i < 30; i++) h.chat.publish('typingStarted', {});
    h.chat.publish('pollingStarted', {});
    expect(h.records().filter((r) => r.t === 'status')).toEqual([]); // not yet: the status waits
    h.clock.advance(MUTED_STATUS_MS);
    const statuses = h.records().filter((r) => r.t === 'status');
    expect(statuses).toHaveLength(1);
    const status = (statuses[0] as { status: { muted?: unknown; unrecorded?: unknown } }).status;
    expect(status.muted).toEqual([{ name: 'WebChatService.typingStarted', count: 30 }, { name: 'WebChatService.pollingStarted', count: 1 }]);
    expect(status.unrecorded).toBeUndefined();
    // A steady flood: about one status a second, not one a batch.
    for (let s = 0; s < 5; s++) {
      for (let i = 0; i < 100; i++) {
        h.chat.publish('typingStarted', {});
        if (i % 10 === 0) h.clock.advance(100);
      }
    }
    h.clock.advance(MUTED_STATUS_MS);
    const later = h.records().filter((r) => r.t === 'status');
    expect(later.length).toBeGreaterThanOrEqual(4);
    expect(later.length).toBeLessThanOrEqual(7);
    expect((later.at(-1) as { status: { muted: { count: number }[] } }).status.muted[0]!.count).toBe(530);
  });

  it('unmuted: captured again; the count stays', () => {
    const h = hooked();
    h.mute(['WebChatService.typingStarted']);
    h.chat.publish('typingStarted', {});
    h.mute([]);
    h.chat.publish('typingStarted', { again: true });
    h.clock.advance(MUTED_STATUS_MS);
    const records = h.records();
    expect(records.filter((r) => r.t === 'event')).toEqual([expect.objectContaining({ name: 'WebChatService.typingStarted', data: { again: true } })]);
    expect(records.filter((r) => r.t === 'status').at(-1)).toMatchObject({ status: { muted: [{ name: 'WebChatService.typingStarted', count: 1 }] } });
  });

  it('data changes and sticky replays of a muted name are skipped too; the page sees every event', () => {
    const h = hooked();
    const seen: unknown[] = [];
    h.bus.subscribe('WebChatService.ready', (e: { data: unknown }) => seen.push(e.data));
    h.mute(['WebChatService.ready', 'WebChatService.data.x']);
    h.chat.republish('ready', { r: 1 });
    h.chat.data('x', 2);
    h.bus.subscribe('WebChatService.ready', (e: { data: unknown }) => seen.push(e.data));
    expect(h.records().filter((r) => r.t === 'event')).toEqual([]);
    expect(seen).toEqual([{ r: 1 }, { r: 1 }]);
    expect(h.chat.data('x')).toBe(2);
  });

  it('ignores control data that is not a mute list, and what is no name in one', () => {
    const h = hooked();
    const send = (data: unknown) => h.mute(data);
    for (const bad of [null, 'WebChatService.typingStarted', { length: 1e9 }, [1, {}, ''], ['x'.repeat(501)]]) send(bad);
    h.chat.publish('typingStarted', {});
    expect(h.records().filter((r) => r.t === 'event')).toHaveLength(1);
  });
});

describe('the private port, the other way', () => {
  it('hands what the content script posts to the hook, read with the getter taken at the start', async () => {
    const win = new EventTarget() as EventTarget & { setTimeout: typeof setTimeout };
    win.setTimeout = setTimeout;
    let relayEnd: MessagePort | null = null;
    acceptPort(windowLinkEnv(win as unknown as Window), (port) => { relayEnd = port; });
    const got: unknown[] = [];
    hookPort(win as unknown as Window, (data) => got.push(data));
    expect(relayEnd).not.toBeNull();
    // A page that replaces the getter later cannot change what the hook reads.
    const original = Object.getOwnPropertyDescriptor(MessageEvent.prototype, 'data')!;
    Object.defineProperty(MessageEvent.prototype, 'data', { configurable: true, get: () => ({ type: 'mute', names: ['Forged.name'] }) });
    try {
      relayEnd!.postMessage({ type: 'mute', names: ['A.x'] });
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      Object.defineProperty(MessageEvent.prototype, 'data', original);
      relayEnd!.close();
    }
    expect(got).toEqual([{ type: 'mute', names: ['A.x'] }]);
  });
});
