// The hook's records and batches (src/page/bus-recorder.ts), through the installed hook: synthetic
// and replayed events, payload copies at the call and at the flush, batches, and records handed to
// the handle. Shared setup: bus-tap-helpers.ts.
import { describe, expect, it } from 'vitest';
import { BATCH_INTERVAL_MS, type EventRecord, type HookMessage, type HookStatus } from '../../../src/shared/protocol';
import { installHook } from '../../../src/page/bus-tap';
import { FakeClock } from '../fakes/fake-clock';
import type { HookHandle } from '../../../src/shared/hook-handle';
import { batchRecords, busOnPage, createBus, setup } from './bus-tap-helpers';

describe('events', () => {
  it('events published inside handle.synthetic() are marked synthetic, and only those', () => {
    const { t, bus } = busOnPage();
    const service = bus.registerPlugin('WebChatService');
    expect(t.handle.synthetic(() => service.publish('messageReceived', { cxLensSynthetic: true }))).toBe(true);
    service.publish('messageReceived', { real: true });
    expect(() => t.handle.synthetic(() => { throw new Error('x'); })).toThrow('x');
    service.publish('after', {});
    expect(t.events().map((e) => e.via)).toEqual(['synthetic', 'publish', 'publish']);
  });

  it('a late subscriber to a republished event gets a replay record naming it', () => {
    const { t, bus } = busOnPage();
    const app = bus.registerPlugin('App');
    app.republish('ready', { config: 1 });
    const seen: unknown[] = [];
    const ext = bus.registerPlugin('Ext');
    ext.subscribe('App.ready', (e: unknown) => seen.push(e));
    ext.subscribe('App.other', () => {});
    bus.subscribe('App.ready', () => {}); // the global subscribes as "CXBus"
    expect(seen).toHaveLength(1); // the page still gets its replay
    const replays = t.events().filter((e) => e.via === 'replay');
    expect(replays).toEqual([
      expect.objectContaining({ name: 'App.ready', publisher: 'App', subscriber: 'Ext', data: { config: 1 } }),
      expect.objectContaining({ name: 'App.ready', publisher: 'App', subscriber: 'CXBus' }),
    ]);
  });

  it('payloads: top level as at the call, deeper levels as at the flush; hostile ones marked', () => {
    const { t, bus } = busOnPage();
    const p = bus.registerPlugin('P');
    const data: any = { status: 'before', nested: { n: 1 } };
    p.publish('mutated', data);
    data.status = 'after';
    data.nested.n = 2;
    const cyclic: any = { name: 'c' };
    cyclic.self = cyclic;
    p.publish('cyclic', cyclic);
    p.publish('big', { text: 'x'.repeat(5_000_000) });
    const [mutated, cyc, big] = t.events();
    expect(mutated.data).toEqual({ status: 'before', nested: { n: 2 } });
    expect(mutated.truncated).toBeUndefined();
    expect((cyc.data as any).self.self).toEqual({ $cx: 'cycle', path: '$.self' });
    expect((big.data as any).text).toMatchObject({ $cx: 'string', length: 5_000_000 });
    expect(big.truncated).toBe(true);
  });
});

describe('never changes or breaks the page', () => {
  it('hostile payloads (throwing getters, proxies) never break a publish', () => {
    const { t, bus } = busOnPage();
    const p = bus.registerPlugin('P');
    const trap = () => {
      throw new Error('trap');
    };
    const proxy = new Proxy({}, { get: trap, ownKeys: trap, getPrototypeOf: trap });
    let getterCalls = 0;
    const getter = {
      get bad(): never {
        getterCalls++;
        throw new Error('getter');
      },
    };
    const received: unknown[] = [];
    p.subscribe('P.proxy', (e: any) => received.push(e.data));
    expect(p.publish('proxy', proxy)).toBe(true);
    expect(p.publish('getter', getter)).toBe(true);
    expect(received[0]).toBe(proxy);
    const [a, b] = t.events();
    expect(a).toMatchObject({ data: { $cx: 'threw' }, truncated: true });
    // The getter is shown as an accessor, never run: neither at the call nor at the flush.
    expect(b).toMatchObject({ data: { bad: { $cx: 'accessor', get: true, set: false } }, truncated: true });
    expect(getterCalls).toBe(0);
  });
});

describe('batching and the handle', () => {
  /** A tapped plugin 'P' whose earlier batches (registration, status) are already sent; `sent()`
   *  flushes and returns the batches posted since. */
  function tappedPlugin() {
    const { t, bus } = busOnPage();
    const p = bus.registerPlugin('P');
    t.clock.advance(BATCH_INTERVAL_MS);
    const before = t.batches.length;
    const sent = () => {
      t.clock.advance(BATCH_INTERVAL_MS);
      return t.batches.slice(before);
    };
    return { p, sent };
  }

  it('one port message per batch, in call order', () => {
    const { p, sent } = tappedPlugin();
    for (let i = 0; i < 100; i++) p.publish('e' + i, { i });
    const added = sent();
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ type: 'batch', count: 100 });
    expect(typeof (added[0] as { json?: unknown }).json).toBe('string');
    expect(batchRecords(added[0]!).map((r) => (r as EventRecord).name)).toEqual(Array.from({ length: 100 }, (_, i) => 'P.e' + i));
  });

  it('posts objects instead of JSON when the page gave every object a toJSON', () => {
    const { p, sent } = tappedPlugin();
    let added: HookMessage[];
    (Object.prototype as any).toJSON = () => 'hijacked';
    try {
      p.publish('e', { i: 1 });
      added = sent();
    } finally {
      delete (Object.prototype as any).toJSON;
    }
    expect('records' in added[0]!).toBe(true);
    expect(batchRecords(added[0]!).map((r) => (r as EventRecord).name)).toEqual(['P.e']);
  });

  it('emit() adds a safely copied record; interfaces lists the tapped plugins', () => {
    const t = setup();
    const node: any = { t: 'inject', what: 'finalize', detail: {} };
    node.detail.self = node;
    (t.handle as HookHandle).emit(node);
    t.handle.emit('not a record');
    t.handle.emit({ t: 7 });
    const injected = t.records().filter((r) => (r.t as string) === 'inject') as any[];
    expect(injected).toHaveLength(1);
    expect(injected[0].detail.self).toEqual({ $cx: 'cycle', path: '$' });
    expect(typeof injected[0].time).toBe('number');
  });

  it("a record handed to the handle goes in its own message with its caller's key, in its place in the order", () => {
    const t = setup();
    t.records();
    const before = t.batches.length;
    const { bus } = createBus();
    t.win.CXBus = bus;
    const p = bus.registerPlugin('P');
    p.publish('before');
    t.handle.emit({ t: 'inject', feature: 'finalize', state: 'installed', detail: {} }, 'the-key');
    t.handle.emit({ t: 'inject', feature: 'finalize', state: 'fired', detail: {} }); // the page: no key
    p.publish('after');
    t.clock.advance(BATCH_INTERVAL_MS);
    const messages = t.batches.slice(before);
    expect(messages.map((m) => (m.type === 'emit' ? `emit:${m.key}` : 'batch'))).toEqual(['batch', 'emit:the-key', 'emit:null', 'batch']);
    expect(messages.flatMap(batchRecords).filter((r) => r.t === 'event').map((r) => (r as EventRecord).name)).toEqual(['P.before', 'P.after']);
  });
});

describe('the page cannot tell the tap is there', () => {
  it('getters of command options and event payloads never run, at the call or at the flush', () => {
    /** The same calls on a bus; returns how often the payload's getters ran (the bus itself reads some). */
    const run = (bus: any) => {
      const p = bus.registerPlugin('P');
      let calls = 0;
      const payload = { get secret() { return ++calls; }, plain: 1, nested: { get deep() { return ++calls; } } };
      p.registerCommand('go', (e: any) => e.deferred.resolve(payload));
      p.publish('evt', payload);
      p.command('P.go', payload);
      p.registerEvents(Object.defineProperty(['a'], 0, { get: () => { calls++; return 'x'; } }));
      return () => calls;
    };
    const untapped = run(createBus().bus);
    const { t, bus } = busOnPage();
    const tapped = run(bus);
    const accessor = { $cx: 'accessor', get: true, set: false };
    expect(t.events()[0].data).toEqual({ secret: accessor, plain: 1, nested: { deep: accessor } });
    expect(t.of('command')[0].options).toEqual({ secret: accessor, plain: 1, nested: { deep: accessor } });
    expect(t.of('outcome')[0].value).toEqual({ secret: accessor, plain: 1, nested: { deep: accessor } });
    expect(tapped()).toBe(untapped());
  });
});

describe('what fails inside the hook is counted, and the status says so', () => {
  /** A hooked window whose clock or port can be made to fail (as a page's replaced built-in or a
   *  spent stack would make the hook's own code fail). */
  function failing() {
    const clock = new FakeClock();
    const fail = { now: false, send: 0 };
    const batches: HookMessage[] = [];
    const win: any = {};
    const handle = installHook(win, {
      now: () => {
        if (fail.now) throw new TypeError('clock refused');
        return clock.now();
      },
      setTimer: clock.setTimer,
      clearTimer: clock.clearTimer,
      send: (message) => {
        if (fail.send > 0) {
          fail.send--;
          throw new Error('port closed');
        }
        batches.push(structuredClone(message));
      },
    });
    const { bus } = createBus();
    win.CXBus = bus;
    const records = () => {
      clock.advance(BATCH_INTERVAL_MS * 4);
      return batches.flatMap(batchRecords);
    };
    const status = (): HookStatus => (records().filter((r) => r.t === 'status').at(-1) as { status: HookStatus }).status;
    return { clock, fail, bus, handle, records, status };
  }

  it('a record the hook cannot make: the page\'s publish goes on, the loss is counted with its reason', () => {
    const h = failing();
    const p = h.bus.registerPlugin('P');
    let delivered = 0;
    p.subscribe('P.tick', () => delivered++);
    expect(h.status().unrecorded).toBeUndefined();
    h.fail.now = true;
    for (let i = 0; i < 3; i++) expect(p.publish('tick', { i })).toBe(true);
    h.fail.now = false;
    p.publish('tick', { i: 3 });
    expect(delivered).toBe(4);
    const events = h.records().filter((r): r is EventRecord => r.t === 'event');
    expect(events.map((e) => (e.data as { i: number }).i)).toEqual([3]);
    expect(h.status().unrecorded).toEqual({ count: 3, reason: 'recording an event: TypeError: clock refused' });
  });

  it('a batch the port refuses: its records are counted, and the next status says so', () => {
    const h = failing();
    const p = h.bus.registerPlugin('P');
    h.records();
    h.fail.send = 1;
    p.publish('lost', {});
    p.publish('lost', {});
    const status = h.status();
    expect(status.unrecorded).toEqual({ count: 2, reason: 'sending a batch: Error: port closed' });
    expect(h.records().filter((r) => r.t === 'event' && r.name === 'P.lost')).toEqual([]);
    // Later records go as usual; the count stays (since the hook started).
    p.publish('later', {});
    expect(h.records().filter((r) => r.t === 'event').map((r) => (r as EventRecord).name)).toEqual(['P.later']);
    expect(h.status().unrecorded?.count).toBe(2);
  });

  it('a record handed to the handle is read by descriptor: its `t` getter never runs', () => {
    const h = failing();
    let reads = 0;
    h.handle.emit(Object.defineProperty({}, 't', { enumerable: true, get: () => (reads++, 'inject') }));
    h.records();
    expect(reads).toBe(0);
  });
});
