import { describe, expect, it } from 'vitest';
import vm from 'node:vm';
import { CANCEL_MESSAGE, IDLE_TIMEOUT_MS, hookHandleOf, installHook, pageEnv, type HookHandle } from '../../../src/page/bus-tap';
import {
  BATCH_INTERVAL_MS,
  type CaptureRecord, type CommandRecord, type EventRecord, type HookMessage, type HookStatus, type OutcomeRecord, type PluginRecord,
} from '../../../src/shared/protocol';
import { FakeClock } from '../fakes/fake-clock';
import { ASK_EVENT } from '../../../src/shared/hook-link';
import { createFakeCXBus, type FakeCXBusOptions, type FakePlugin } from '../fakes/fake-cxbus';
import { addQuickBus } from '../fakes/fake-widgets';

type Fn = (...args: any[]) => any;

/** The fake bus as the tap tests use it: synchronous delivery (the bus's `async: false`), so that
 *  what a test publishes is recorded at once; and, like a naive emulation, publishDirect and
 *  data(key, value) going through the interface's own publish, which the tap must not count twice. */
function createBus(options: FakeCXBusOptions = {}) {
  const fake = createFakeCXBus({ async: false, publishesThroughInterface: true, ...options });
  return { ...fake, bus: fake.CXBus as any };
}

// ---------------------------------------------------------------------------------------------
// A window-like object and the hook's env.

/** The records of a message of the hook's port: a batch's JSON string (the hook's usual form) or
 *  objects, or the one record handed to the handle. */
function batchRecords(batch: HookMessage): CaptureRecord[] {
  if (batch.type === 'emit') return [batch.record];
  if ('json' in batch) {
    const records = JSON.parse(batch.json) as CaptureRecord[];
    expect(records).toHaveLength(batch.count);
    return records;
  }
  return batch.records;
}

function setup(win: any = {}) {
  const clock = new FakeClock();
  const batches: HookMessage[] = [];
  const handle = installHook(win, { ...bind(clock), send: (message) => batches.push(structuredClone(message)) });
  const records = () => {
    clock.advance(BATCH_INTERVAL_MS);
    return batches.flatMap(batchRecords);
  };
  const of = <T extends CaptureRecord['t']>(t: T) => records().filter((r) => r.t === t) as Extract<CaptureRecord, { t: T }>[];
  const events = () => of('event') as EventRecord[];
  const status = (): HookStatus => of('status').at(-1)!.status;
  return { win, clock, batches, handle, records, events, of, status };
}

function bind(clock: FakeClock) {
  return { now: clock.now, setTimer: clock.setTimer, clearTimer: clock.clearTimer };
}

const names = (rs: { name: string }[]) => rs.map((r) => r.name);

/** A hooked window, then a bus assigned to its CXBus (the usual order: the hook comes first). */
function busOnPage(options: FakeCXBusOptions = {}) {
  const t = setup();
  const fake = createBus(options);
  t.win.CXBus = fake.bus;
  return { t, bus: fake.bus, fake };
}

// ---------------------------------------------------------------------------------------------

describe('a page without a chat', () => {
  it('costs one status post at install and no timer, then nothing at DOMContentLoaded and load', () => {
    const listeners: (() => void)[] = [];
    const win = { addEventListener: (_type: string, fn: () => void) => listeners.push(fn) };
    const t = setup(win);
    expect(t.batches).toHaveLength(1); // sent at once, not on a timer
    expect(batchRecords(t.batches[0]!).map((r) => r.t)).toEqual(['status']);
    expect(t.clock.pendingTimers).toBe(0);
    for (const fn of listeners) fn();
    expect(t.clock.pendingTimers).toBe(0);
    expect(t.batches).toHaveLength(1);
    expect(t.status().cxbus).toBe('absent');
  });
});

describe('finding the bus', () => {
  it('a bus assigned after the hook (inline <head> script) is tapped synchronously: its first event is captured', () => {
    const { t, bus } = busOnPage();
    const inline = t.win.CXBus.registerPlugin('Inline');
    inline.publish('first', { n: 1 });
    expect(t.win.CXBus).toBe(bus); // transparent: exactly what was set
    const desc = Object.getOwnPropertyDescriptor(t.win, 'CXBus')!;
    expect(desc.configurable).toBe(true);
    expect(desc.enumerable).toBe(true);
    const events = t.events();
    expect(events[0]).toMatchObject({ t: 'event', name: 'Inline.first', publisher: 'Inline', via: 'publish', data: { n: 1 }, seq: 0 });
    expect(t.of('plugin')[0]).toMatchObject({ action: 'registerPlugin', plugin: 'Inline', ok: true });
    expect(t.status()).toMatchObject({ cxbus: 'tapped', plugins: ['Inline'], problems: [] });
  });

  it('a top-level `var CXBus = ...` in a later classic script goes through the accessor', () => {
    const context = vm.createContext({});
    const global = vm.runInContext('globalThis', context);
    const t = setup(global);
    context.createBus = () => createBus().bus;
    vm.runInContext("var CXBus = createBus(); CXBus.registerPlugin('Script').publish('loaded', { ok: true });", context);
    expect(t.events()).toEqual([expect.objectContaining({ name: 'Script.loaded', data: { ok: true } })]);
  });

  it('the first status says no bus yet; the hook installs once (idempotent) and hides its handle', () => {
    const t = setup(new EventTarget());
    expect(t.records()[0]).toMatchObject({ t: 'status', status: { cxbus: 'absent', quickBus: false, plugins: [] } });
    const again = installHook(t.win, { ...bind(t.clock), send: () => { throw new Error('second hook posted'); } });
    expect(again).toBe(t.handle);
    // Nothing on the window: CX Lens's scripts ask for the handle with an event.
    expect(hookHandleOf(t.win)).toBe(t.handle);
    expect(Reflect.ownKeys(t.win).filter((k) => /cx-lens/i.test(typeof k === 'symbol' ? String(k.description) : k))).toEqual([]);
    expect(Object.isFrozen(t.handle)).toBe(true);
    const { bus } = createBus();
    t.win.CXBus = bus;
    bus.registerPlugin('P').publish('once');
    expect(names(t.events())).toEqual(['P.once']);
  });

  it('a bus that existed before the hook (late attach): taps the global and QuickBus, names what it cannot reach', () => {
    const win: any = {};
    const { bus } = createBus();
    win.CXBus = bus;
    const early = bus.registerPlugin('Early');
    const quick = addQuickBus(win, bus);
    const t = setup(win);
    early.publish('unseen');
    quick.publish('seen');
    win.CXBus.command('Early.go', { a: 1 });
    bus.registerPlugin('Later').publish('hello');
    expect(names(t.events())).toEqual(['QuickBus.seen', 'Later.hello']);
    expect(t.of('command')[0]).toMatchObject({ name: 'Early.go', commander: 'CXBus', options: { a: 1 } });
    const status = t.status();
    expect(status).toMatchObject({ cxbus: 'tapped', quickBus: true });
    expect(status.plugins).toEqual(['QuickBus', 'Later']);
    expect(status.problems.join('\n')).toMatch(/Early/);
    expect(status.problems.join('\n')).not.toMatch(/QuickBus/);
  });

  it('late attach on an unlocked bus reaches every plugin through getPluginInterface', () => {
    const win: any = {};
    const { bus } = createBus({ unlocked: true });
    win.CXBus = bus;
    const early = bus.registerPlugin('Early');
    addQuickBus(win, bus);
    const t = setup(win);
    early.publish('now-seen');
    expect(names(t.events())).toEqual(['Early.now-seen']);
    expect(t.status().problems).toEqual([]);
    expect(t.handle.interfaces.get('Early')).toBe(early);
  });

  it('a replaced CXBus is tapped too', () => {
    const t = setup();
    const first = createBus().bus;
    const second = createBus().bus;
    t.win.CXBus = first;
    first.registerPlugin('A').publish('one');
    t.win.CXBus = second;
    expect(t.win.CXBus).toBe(second);
    second.registerPlugin('A').publish('two');
    expect(names(t.events())).toEqual(['A.one', 'A.two']);
  });

  it('_genesys.widgets.bus: found when _genesys is assigned with it, and when the App adds it later', () => {
    const t = setup();
    const quickOnly = createBus().bus.registerPlugin('QuickBus');
    t.win._genesys = { widgets: { bus: quickOnly } };
    quickOnly.publish('direct'); // seen synchronously: the assignment of _genesys is watched
    expect(names(t.events())).toEqual(['QuickBus.direct']);
    expect(t.status().quickBus).toBe(true);

    const u = setup();
    const { bus } = createBus();
    u.win._genesys = { widgets: { main: {} } };
    u.win.CXBus = bus;
    addQuickBus(u.win, bus);
    u.clock.advance(BATCH_INTERVAL_MS);
    expect(u.status().quickBus).toBe(true);
  });

  it('a bus put in place with defineProperty (our accessor replaced) is found at the next check', () => {
    const t = setup();
    t.clock.advance(BATCH_INTERVAL_MS);
    const { bus } = createBus();
    Object.defineProperty(t.win, 'CXBus', { value: bus, configurable: true, writable: true });
    t.handle.emit({ t: 'note' }); // any record makes a batch, and each batch checks again
    t.clock.advance(BATCH_INTERVAL_MS);
    bus.registerPlugin('Found').publish('x');
    expect(names(t.events())).toEqual(['Found.x']);
  });

  it('reads the transport config (type, dataURL, async) and never its headers', () => {
    const { t, bus } = busOnPage();
    addQuickBus(t.win, bus, {
      type: 'pureengage-v3-rest', dataURL: 'https://api.example.com/nexus/v3', async: { enabled: true },
      headers: { 'x-api-key': 'SECRET-KEY' },
    });
    const records = t.records();
    const status = t.status();
    expect(status.transport).toEqual({ type: 'pureengage-v3-rest', dataURL: 'https://api.example.com/nexus/v3', asyncEnabled: true });
    expect(JSON.stringify(records)).not.toContain('SECRET-KEY');
  });
});

describe('events', () => {
  it.each([
    ['on a naive bus, whose publishDirect and data changes call publish', true],
    ['on a bus that publishes those internally, as the real one does', false],
  ])('publish, publishDirect, republish and data changes, each once, in order, %s', (_, publishesThroughInterface) => {
    const { t, bus } = busOnPage({ publishesThroughInterface });
    const p = bus.registerPlugin('WebChat');
    p.publish('opened', { a: 1 });
    p.publishDirect('direct');
    p.republish('ready', { r: true });
    p.data('open', true);
    p.data('open', true); // unchanged: the bus publishes nothing
    const events = t.events();
    expect(events.map((e) => [e.name, e.via])).toEqual([
      ['WebChat.opened', 'publish'],
      ['WebChat.direct', 'publishDirect'],
      ['WebChat.ready', 'republish'],
      ['WebChat.data.open', 'data'],
    ]);
    expect(events[1].data).toEqual({}); // the bus defaults data to {}
    expect(events[3].data).toEqual({ last: { $cx: 'undefined' }, value: true });
  });

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

describe('commands', () => {
  function withPlugins() {
    const { t, bus } = busOnPage();
    const chat = bus.registerPlugin('WebChat');
    let later: any;
    chat.registerCommand('open', (e: any) => e.deferred.resolve({ opened: true }));
    chat.registerCommand('fail', (e: any) => e.deferred.reject('no agents'));
    chat.registerCommand('later', (e: any) => (later = e.deferred));
    const page = bus.registerPlugin('Page');
    return { t, bus, chat, page, resolveLater: (v: unknown) => later.resolve(v) };
  }

  it('records commander, full name and options, and each outcome: resolved, rejected, cancelled', () => {
    const { t, bus, page } = withPlugins();
    page.command('WebChat.open', { form: { firstname: 'Ann' } });
    bus.command('WebChat.fail');
    page.before('WebChat.open', () => false);
    page.command('WebChat.open');
    page.command('Missing.thing');
    const commands = t.of('command') as CommandRecord[];
    const outcomes = t.of('outcome') as OutcomeRecord[];
    expect(commands.map((c) => [c.name, c.commander])).toEqual([
      ['WebChat.open', 'Page'], ['WebChat.fail', 'CXBus'], ['WebChat.open', 'Page'], ['Missing.thing', 'Page'],
    ]);
    expect(commands[0].options).toEqual({ form: { firstname: 'Ann' } });
    expect(commands[1].options).toEqual({});
    const byId = new Map(outcomes.map((o) => [o.id, o]));
    expect(byId.get(commands[0].id)).toMatchObject({ outcome: 'resolved', value: { opened: true } });
    expect(byId.get(commands[1].id)).toMatchObject({ outcome: 'rejected', value: 'no agents' });
    expect(byId.get(commands[2].id)).toMatchObject({ outcome: 'cancelled', value: CANCEL_MESSAGE });
    expect(byId.get(commands[3].id)).toMatchObject({ outcome: 'rejected' });
    expect(new Set(commands.map((c) => c.id)).size).toBe(4);
  });

  it('a command name the plugin does not have stays pending (no outcome); a late resolve arrives in a later batch', () => {
    const { t, chat, page, resolveLater } = withPlugins();
    page.command('WebChat.nope');
    chat.command('later'); // no dot: the caller's own namespace
    const commands = t.of('command') as CommandRecord[];
    expect(commands.map((c) => [c.name, c.commander])).toEqual([['WebChat.nope', 'Page'], ['WebChat.later', 'WebChat']]);
    expect(t.of('outcome')).toEqual([]);
    const batches = t.batches.length;
    resolveLater('done');
    expect(t.of('outcome')).toEqual([expect.objectContaining({ id: commands[1].id, outcome: 'resolved', value: 'done' })]);
    expect(t.batches.length).toBe(batches + 1);
  });

  it("listens with the bus deferred's own done/fail when it has them (no then needed)", () => {
    const t = setup();
    const callbacks: { done?: Fn; fail?: Fn } = {};
    const deferred = {
      done(fn: Fn) { callbacks.done = fn; return deferred; },
      fail(fn: Fn) { callbacks.fail = fn; return deferred; },
    };
    const iface = { command: () => deferred, namespace: () => 'Old' };
    t.win._genesys = { widgets: { bus: iface } };
    expect(iface.command()).toBe(deferred);
    callbacks.done!({ v: 1 });
    expect(t.of('outcome')).toEqual([expect.objectContaining({ outcome: 'resolved', value: { v: 1 } })]);
  });

  it('a native-promise result is watched with then(ok, fail)', async () => {
    const t = setup();
    const iface = {
      command: (name: string) => (name === 'ok' ? Promise.resolve(7) : Promise.reject(new Error(CANCEL_MESSAGE))),
      namespace: () => 'Native',
    };
    t.win._genesys = { widgets: { bus: iface } };
    const ok = iface.command('ok');
    const ko = iface.command('ko');
    await ok;
    await ko.catch(() => {});
    const outcomes = t.of('outcome');
    expect(outcomes.map((o) => [o.outcome, o.value])).toEqual([['resolved', 7], ['cancelled', expect.objectContaining({ $cx: 'error' })]]);
  });
});

describe('registrations', () => {
  it('records registerPlugin (also refused ones), registerCommand, registerEvents, before, subscribe, unsubscribe', () => {
    const { t, bus } = busOnPage();
    const p = bus.registerPlugin('WebChat');
    expect(bus.registerPlugin('WebChat')).toBe(false);
    p.registerCommand('open', () => {});
    p.registerEvents(['opened', 'closed']);
    p.before('WebChatService.startChat', (o: unknown) => o);
    p.subscribe('App.ready', () => {});
    p.subscribe('App.ready'); // no callback: the bus refuses
    p.unsubscribe('App.ready');
    const rows = (t.of('plugin') as PluginRecord[]).map((r) => [r.action, r.plugin, r.names, r.ok]);
    expect(rows).toEqual([
      ['registerPlugin', 'WebChat', [], true],
      ['registerPlugin', 'WebChat', [], false],
      ['registerCommand', 'WebChat', ['WebChat.open'], true],
      ['registerEvents', 'WebChat', ['WebChat.opened', 'WebChat.closed'], true],
      ['before', 'WebChat', ['WebChatService.startChat'], true],
      ['subscribe', 'WebChat', ['App.ready'], true],
      ['subscribe', 'WebChat', ['App.ready'], false],
      ['unsubscribe', 'WebChat', ['App.ready'], true],
    ]);
  });

  it('plugins registered through QuickBus.registerPlugin are tapped too', () => {
    const { t, bus } = busOnPage();
    const quick = addQuickBus(t.win, bus);
    (quick.registerPlugin('MyExtension') as FakePlugin).publish('hi');
    expect(names(t.events())).toEqual(['MyExtension.hi']);
    expect([...t.handle.interfaces.keys()]).toEqual(['QuickBus', 'MyExtension']);
  });
});

describe('never changes or breaks the page', () => {
  it('return values and `this` are the original ones', () => {
    const { t, bus, fake } = busOnPage();
    const p = bus.registerPlugin('P');
    expect(p).toBe(fake.interfaceOf('P'));
    expect(p.publish('x')).toBe(true);
    expect(p.subscribe('P.x', () => {})).toBe('P.x');
    const promise = p.command('P.none');
    expect(promise).toBe(fake.promises.at(-1));
    expect(promise.then(() => {})).toBeUndefined(); // still the bus's own non-chaining then

    let seenThis: unknown;
    let seenArgs: unknown[] = [];
    const sentinel = { returned: true };
    const custom = {
      publish(this: unknown, ...args: unknown[]) {
        seenThis = this;
        seenArgs = args;
        return sentinel;
      },
    };
    t.win._genesys = { widgets: { bus: custom } };
    const other = { other: true };
    expect(custom.publish.call(other, 'evt')).toBe(sentinel);
    expect(seenThis).toBe(other);
    expect(seenArgs).toEqual(['evt']); // same argument count: no added undefined
  });

  it('a page callback that throws still throws the same error to the page', () => {
    const { t, bus } = busOnPage();
    const p = bus.registerPlugin('P');
    const error = new Error('page bug');
    p.subscribe('P.boom', () => {
      throw error;
    });
    let caught: unknown;
    try {
      p.publish('boom');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBe(error);
    p.registerCommand('explode', () => {
      throw error;
    });
    expect(() => p.command('explode')).toThrow(error);
    expect(names(t.events())).toEqual(['P.boom']);
    const outcome = t.of('outcome')[0];
    expect(outcome).toMatchObject({ outcome: 'rejected', value: { $cx: 'error', message: 'page bug' } });
  });

  it('a frozen interface is reported, not forced, and keeps working', () => {
    const { t, bus } = busOnPage({ freezeInterfaces: true });
    let frozen: any;
    expect(() => (frozen = bus.registerPlugin('Frozen'))).not.toThrow();
    expect(Object.isFrozen(frozen)).toBe(true);
    expect(frozen.publish('x')).toBe(true);
    expect(t.events()).toEqual([]);
    expect(t.status().problems).toEqual([expect.stringMatching(/plugin Frozen is frozen/)]);
    expect(t.handle.interfaces.get('Frozen')).toBe(frozen);
  });

  it('a frozen CXBus is reported as untappable', () => {
    const t = setup();
    const { bus } = createBus();
    expect(() => (t.win.CXBus = Object.freeze(bus))).not.toThrow();
    expect(t.win.CXBus).toBe(bus);
    expect(t.status()).toMatchObject({ cxbus: 'untappable', problems: [expect.stringMatching(/CXBus is frozen/)] });
  });

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

  it("gives the channel hook its private record sink once, until the content script asks for the port; the handle to anyone who asks", () => {
    const win = new EventTarget();
    const t = setup(win);
    const ask = (target: EventTarget) => {
      const request: { emit?: unknown } = {};
      target.dispatchEvent(new CustomEvent('cx-lens-channel-link', { detail: request }));
      return request.emit;
    };
    const own = ask(win);
    expect(typeof own).toBe('function');
    expect(ask(win)).toBeUndefined(); // a second asker (a page script) gets nothing
    (own as (r: unknown) => void)({ t: 'channel', direction: 'in' });
    expect(t.records().some((r) => r.t === 'channel')).toBe(true);
    expect(t.batches.every((m) => m.type === 'batch')).toBe(true); // in the hook's own batches: genuine

    // No channel hook asked: the content script's ask for the port (after the main-world
    // script) withdraws the link.
    const other = new EventTarget();
    setup(other);
    other.dispatchEvent(new Event(ASK_EVENT));
    expect(ask(other)).toBeUndefined();
  });
});

describe('pageEnv (the real page side)', () => {
  function fakeWindow(origin: string) {
    const calls: string[] = [];
    const posted: [unknown, string][] = [];
    const timeouts = new Map<number, () => void>();
    const idles = new Map<number, () => void>();
    let next = 1;
    const win = {
      location: { origin },
      postMessage(message: unknown, target: string) {
        posted.push([message, target]);
      },
      setTimeout(fn: () => void, ms: number) {
        calls.push(`setTimeout ${ms}`);
        timeouts.set(next, fn);
        return next++;
      },
      clearTimeout(id: number) {
        timeouts.delete(id);
      },
      requestIdleCallback(fn: () => void, options: { timeout: number }) {
        calls.push(`idle ${options.timeout}`);
        idles.set(next, fn);
        return next++;
      },
      cancelIdleCallback(id: number) {
        idles.delete(id);
      },
    };
    const runAll = (m: Map<number, () => void>) => {
      const fns = [...m.values()];
      m.clear();
      fns.forEach((fn) => fn());
    };
    return { win, calls, posted, timeouts, idles, runAll };
  }

  it('sends through the sender it is given (the private port), never the window', () => {
    const f = fakeWindow('https://shop.example');
    const sent: HookMessage[] = [];
    pageEnv(f.win as unknown as Window, (m) => sent.push(m)).send({ type: 'batch', records: [] });
    expect(sent).toEqual([{ type: 'batch', records: [] }]);
    expect(f.posted).toEqual([]);
  });

  it('a batch waits for its time, then for the page to be idle (bounded); clearTimer cancels either wait', () => {
    const f = fakeWindow('https://shop.example');
    const env = pageEnv(f.win as unknown as Window, () => {});
    let ran = 0;
    env.setTimer(() => ran++, 50);
    expect(f.calls).toEqual(['setTimeout 50']);
    f.runAll(f.timeouts);
    expect(f.calls).toEqual(['setTimeout 50', `idle ${IDLE_TIMEOUT_MS}`]);
    expect(ran).toBe(0);
    f.runAll(f.idles);
    expect(ran).toBe(1);

    const waiting = env.setTimer(() => ran++, 0);
    env.clearTimer(waiting);
    f.runAll(f.timeouts);
    const idle = env.setTimer(() => ran++, 0);
    f.runAll(f.timeouts);
    env.clearTimer(idle);
    f.runAll(f.idles);
    expect(ran).toBe(1);
  });
});

describe('the page cannot tell the tap is there', () => {
  it('tapped methods keep length, name, own properties, prototype, constructibility and `this`', () => {
    const t = setup();
    function legacyPublish(this: unknown, _evt: unknown, _data: unknown) {
      return this;
    }
    const iface: any = {
      publish: legacyPublish, // a `function`: constructible
      command: (name: unknown) => name, // an arrow: not constructible
      subscribe(_evt: unknown, _cb: unknown) { return 'ok'; }, // a method: not constructible
      namespace: () => 'Shape',
    };
    const before = ['publish', 'command', 'subscribe'].map((m) => ({
      length: iface[m].length, name: iface[m].name, keys: Reflect.ownKeys(iface[m]), proto: Object.getPrototypeOf(iface[m]), prototype: iface[m].prototype,
    }));
    t.win._genesys = { widgets: { bus: iface } };
    expect(t.handle.interfaces.get('Shape')).toBe(iface);
    const after = ['publish', 'command', 'subscribe'].map((m) => ({
      length: iface[m].length, name: iface[m].name, keys: Reflect.ownKeys(iface[m]), proto: Object.getPrototypeOf(iface[m]), prototype: iface[m].prototype,
    }));
    expect(after).toEqual(before);
    expect(iface.publish).not.toBe(legacyPublish); // tapped
    expect(() => new iface.command('x')).toThrow(TypeError);
    expect(() => new iface.subscribe('x')).toThrow(TypeError);
    const made = new iface.publish('constructed', {});
    expect(made).toBeInstanceOf(legacyPublish);
    const other = { other: true };
    expect(iface.publish.call(other, 'e', {})).toBe(other);
    expect(typeof iface.publish).toBe('function');
    expect(names(t.events())).toEqual(['Shape.e']); // the construction is no publish
  });

  it('a class-based bus: its methods are wrapped on the prototype, nothing is added to the instances', () => {
    const t = setup();
    class Plugin {
      constructor(readonly ns: string) {}
      publish(evt: string, _data?: unknown) { return `${this.ns}.${evt}`; }
      command(name: string) { return name; }
      namespace() { return this.ns; }
    }
    class Bus extends Plugin {
      registerPlugin(name: string) { return new Plugin(name); }
    }
    const bus = new Bus('CXBus');
    const ownBefore = Reflect.ownKeys(bus);
    t.win.CXBus = bus;
    const plugin = bus.registerPlugin('Cls');
    expect(Reflect.ownKeys(bus)).toEqual(ownBefore);
    expect(Reflect.ownKeys(plugin)).toEqual(['ns']);
    expect(plugin.publish('hello', { a: 1 })).toBe('Cls.hello');
    expect(bus.command('Cls.go')).toBe('Cls.go');
    const stranger = new Plugin('Stranger'); // never passed through registerPlugin: not recorded
    expect(stranger.publish('quiet')).toBe('Stranger.quiet');
    expect(t.events().map((e) => [e.name, e.publisher])).toEqual([['Cls.hello', 'Cls']]);
    expect(t.of('command').map((c) => [c.name, c.commander])).toEqual([['Cls.go', 'CXBus']]);
    expect(Object.getOwnPropertyNames(Plugin.prototype).sort()).toEqual(['command', 'constructor', 'namespace', 'publish']);
  });

  it("a native promise a command returns is watched without marking the page's promise handled", async () => {
    const t = setup();
    const original = Promise.reject(new Error('no agents'));
    original.catch(() => {}); // the test's own: keeps the runner quiet about this one
    const iface = { command: () => original, namespace: () => 'Native' };
    t.win._genesys = { widgets: { bus: iface } };
    const returned: Promise<unknown> = iface.command();
    // The page gets an equivalent promise the hook never listens to (an unhandled rejection of it
    // reaches the page's listeners; in Chromium in test/e2e/page-fuzz.test.ts).
    expect(returned).not.toBe(original);
    expect(Object.getPrototypeOf(returned)).toBe(Promise.prototype);
    await expect(returned).rejects.toThrow('no agents');
    expect(t.of('outcome')).toEqual([expect.objectContaining({ outcome: 'rejected', value: expect.objectContaining({ $cx: 'error', message: 'no agents' }) })]);
    // Any other thenable is returned as it is and not listened to: its `then` is page code.
    let thenCalls = 0;
    const thenable = { then: () => thenCalls++ };
    const custom = { command: () => thenable, namespace: () => 'Thenable' };
    t.win._genesys = { widgets: { bus: custom } };
    expect(custom.command()).toBe(thenable);
    expect(thenCalls).toBe(0);
  });

  it("the page's configuration is read without running its getters", () => {
    const t = setup();
    let calls = 0;
    const transport = { type: 'pureengage-v3-rest', get dataURL() { calls++; return 'https://x'; }, async: { get enabled() { calls++; return true; } } };
    t.win._genesys = { widgets: { get bus() { calls++; return undefined; }, webchat: { transport } } };
    t.handle.emit({ t: 'note' });
    expect(t.status().transport).toEqual({ type: 'pureengage-v3-rest' });
    expect(calls).toBe(0);
  });

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
