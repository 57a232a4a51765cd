// The wrappers of the bus's methods (src/page/bus-wrappers.ts), through the installed hook: each
// call recorded once, registrations, and the page seeing its methods, results and errors as before.
// Shared setup: bus-tap-helpers.ts.
import { describe, expect, it } from 'vitest';
import type { PluginRecord } from '../../../src/shared/protocol';
import type { FakePlugin } from '../fakes/fake-cxbus';
import { addQuickBus } from '../fakes/fake-widgets';
import { busOnPage, names, setup } from './bus-tap-helpers';

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
});
