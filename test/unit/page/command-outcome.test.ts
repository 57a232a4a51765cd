// How a bus command ends (src/page/command-outcome.ts), through the installed hook: resolved,
// rejected, cancelled or pending, from the bus's deferred or a native promise. Shared setup:
// bus-tap-helpers.ts.
import { describe, expect, it } from 'vitest';
import { CANCEL_MESSAGE } from '../../../src/page/command-outcome';
import type { CommandRecord, OutcomeRecord } from '../../../src/shared/protocol';
import { busOnPage, setup, type Fn } from './bus-tap-helpers';

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

describe('the page cannot tell the tap is there', () => {
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

  it('a promise whose constructor or species the page redefined as a getter (which `then` would read) is left alone: no getter runs', () => {
    const t = setup();
    let reads = 0;
    const spy = { configurable: true, get: () => (reads++, Promise) };
    const own = Promise.resolve(1);
    Object.defineProperty(own, 'constructor', spy);
    const iface = { command: (p: Promise<unknown>) => p, namespace: () => 'Native' };
    t.win._genesys = { widgets: { bus: iface } };
    expect(iface.command(own)).toBe(own); // not watched: returned as it is, shown as pending

    const inherited = Promise.resolve(2);
    const constructorDesc = Object.getOwnPropertyDescriptor(Promise.prototype, 'constructor')!;
    Object.defineProperty(Promise.prototype, 'constructor', spy);
    let returned: unknown;
    try {
      returned = iface.command(inherited);
    } finally {
      Object.defineProperty(Promise.prototype, 'constructor', constructorDesc);
    }
    expect(returned).toBe(inherited);

    const species = Promise.resolve(3);
    const speciesDesc = Object.getOwnPropertyDescriptor(Promise, Symbol.species)!;
    Object.defineProperty(Promise, Symbol.species, spy);
    try {
      returned = iface.command(species);
    } finally {
      Object.defineProperty(Promise, Symbol.species, speciesDesc);
    }
    expect(returned).toBe(species);
    expect(reads).toBe(0);
    expect(t.of('command')).toHaveLength(3);
    expect(t.of('outcome')).toEqual([]);
  });
});
