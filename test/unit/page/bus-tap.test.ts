// The page hook's entry (src/page/bus-tap.ts): installing once, finding the bus wherever and
// whenever the page puts it, the status it reports, the transport config and the channel link.
// Shared setup: bus-tap-helpers.ts.
import { describe, expect, it } from 'vitest';
import vm from 'node:vm';
import { hookHandleOf, installHook } from '../../../src/page/bus-tap';
import { BATCH_INTERVAL_MS } from '../../../src/shared/protocol';
import { ASK_EVENT } from '../../../src/shared/hook-link';
import { addQuickBus } from '../fakes/fake-widgets';
import { batchRecords, bind, busOnPage, createBus, names, setup } from './bus-tap-helpers';

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

  it('never calls a getter the page puts on CXBus or _genesys (its own, in place of the hook\'s): not found, not run', () => {
    const listeners: (() => void)[] = [];
    const win: any = { addEventListener: (_type: string, fn: () => void) => listeners.push(fn) };
    const t = setup(win);
    const calls: string[] = [];
    for (const name of ['CXBus', '_genesys']) {
      Object.defineProperty(win, name, {
        configurable: true,
        get: () => {
          calls.push(name);
          throw new Error(`${name} was read`);
        },
      });
    }
    for (const fn of listeners) fn(); // DOMContentLoaded, load: the hook checks again
    t.handle.emit({ t: 'note' }); // and at every batch
    t.clock.advance(BATCH_INTERVAL_MS);
    expect(calls).toEqual([]);
    expect(t.status()).toMatchObject({ cxbus: 'absent', quickBus: false });
  });

  it('late attach reads the bus\'s registry, getPluginInterface and namespace by descriptor: a getter is never run', () => {
    const calls: string[] = [];
    const trap = (obj: object, name: string) => Object.defineProperty(obj, name, { configurable: true, get: () => (calls.push(name), () => 'page code') });
    const win: any = {};
    const { bus } = createBus();
    const quick = addQuickBus(win, bus);
    trap(quick, 'registry');
    trap(quick, 'namespace');
    trap(bus, 'getPluginInterface');
    win.CXBus = bus;
    const t = setup(win);
    quick.publish('seen');
    expect(calls).toEqual([]);
    expect(names(t.events())).toEqual(['QuickBus.seen']); // named by its fallback
    expect(t.status().problems.join('\n')).toMatch(/attached after the page created its bus/);
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

describe('never changes or breaks the page', () => {
  it('a frozen CXBus is reported as untappable', () => {
    const t = setup();
    const { bus } = createBus();
    expect(() => (t.win.CXBus = Object.freeze(bus))).not.toThrow();
    expect(t.win.CXBus).toBe(bus);
    expect(t.status()).toMatchObject({ cxbus: 'untappable', problems: [expect.stringMatching(/CXBus is frozen/)] });
  });
});

describe('batching and the handle', () => {
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

describe('the page cannot tell the tap is there', () => {
  it("the page's configuration is read without running its getters", () => {
    const t = setup();
    let calls = 0;
    const transport = { type: 'pureengage-v3-rest', get dataURL() { calls++; return 'https://x'; }, async: { get enabled() { calls++; return true; } } };
    t.win._genesys = { widgets: { get bus() { calls++; return undefined; }, webchat: { transport } } };
    t.handle.emit({ t: 'note' });
    expect(t.status().transport).toEqual({ type: 'pureengage-v3-rest' });
    expect(calls).toBe(0);
  });
});
