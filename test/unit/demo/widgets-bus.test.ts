// The CXBus emulation (test/demo/widgets/cxbus.min.js) against the documented Widgets 9.0 bus.
import { describe, expect, it } from 'vitest';
import { createPage, logLines, track, type Any } from './widgets-vm';

function busPage() {
  const page = createPage();
  return { page, CXBus: page.window.CXBus as Any };
}

describe('CXBus global', () => {
  it('has exactly the documented members, and no publish or unsubscribe', () => {
    const { CXBus } = busPage();
    expect(Object.keys(CXBus).sort()).toEqual(
      ['command', 'configure', 'data', 'loadFile', 'loadModule', 'loadPlugin', 'registerMaster', 'registerModule', 'registerPlugin', 'subscribe'].sort(),
    );
    expect(CXBus.publish).toBeUndefined();
    expect(CXBus.unsubscribe).toBeUndefined();
  });

  it('is itself the plugin "CXBus": global subscribe and command are made as that plugin', async () => {
    const { page, CXBus } = busPage();
    const plugin = CXBus.registerPlugin('Shop');
    let commander = '';
    plugin.registerCommand('ping', (e: Any) => {
      commander = e.commander;
      e.deferred.resolve();
    });
    plugin.ready();
    expect(CXBus.subscribe('Shop.opened', () => {})).toBe('Shop.opened');
    CXBus.command('Shop.ping');
    await page.clock.advance();
    expect(commander).toBe('CXBus');
    expect(plugin.subscribers()).toEqual({ 'Shop.opened': ['CXBus'] });
    expect(Object.keys(plugin.registry())).toEqual(['CXBus', 'Shop']);
  });

  it('registerPlugin returns false for a taken name', () => {
    const { CXBus } = busPage();
    expect(CXBus.registerPlugin('Shop')).toBeTruthy();
    expect(CXBus.registerPlugin('Shop')).toBe(false);
    expect(CXBus.registerPlugin('CXBus')).toBe(false);
  });

  it('registerMaster goes to the first caller only, and lock() blocks registration', () => {
    const { CXBus } = busPage();
    const master = CXBus.registerMaster();
    expect(Object.keys(master).sort()).toEqual(['config', 'lock', 'unlock']);
    expect(CXBus.registerMaster()).toBe(false);
    master.lock();
    expect(CXBus.registerPlugin('Late')).toBe(false);
    master.unlock();
    expect(CXBus.registerPlugin('Late')).toBeTruthy();
  });

  it('configure({unlocked}) adds and removes getPluginInterface', () => {
    const { CXBus } = busPage();
    const shop = CXBus.registerPlugin('Shop');
    CXBus.configure({ unlocked: true });
    expect(CXBus.getPluginInterface('Shop')).toBe(shop);
    CXBus.configure({ unlocked: false });
    expect(CXBus.getPluginInterface).toBeUndefined();
  });
});

describe('events', () => {
  it('publish is always namespaced and delivers {time, publisher, event, data} later (async)', async () => {
    const { page, CXBus } = busPage();
    const a = CXBus.registerPlugin('A');
    const seen: Any[] = [];
    CXBus.subscribe('A.B.spoof', (e: Any) => seen.push(e));
    CXBus.subscribe('A.opened', (e: Any) => seen.push(e));
    CXBus.subscribe('B.spoof', (e: Any) => seen.push(e));
    expect(a.publish('B.spoof', { x: 1 })).toBe(true);
    expect(a.publish('opened')).toBe(true);
    expect(seen).toEqual([]); // async by default
    await page.clock.advance();
    expect(seen.map((e) => e.event)).toEqual(['A.B.spoof', 'A.opened']);
    expect(seen[0]).toEqual({ time: expect.any(Number), publisher: 'A', event: 'A.B.spoof', data: { x: 1 } });
    expect(seen[1].data).toEqual({});
  });

  it('configure({async:false}) delivers synchronously', () => {
    const { CXBus } = busPage();
    CXBus.configure({ async: false });
    const a = CXBus.registerPlugin('A');
    const seen: string[] = [];
    CXBus.subscribe('A.x', (e: Any) => seen.push(e.event));
    a.publish('x');
    expect(seen).toEqual(['A.x']);
  });

  it('republish is sticky: a later subscriber gets the same event object shape at once', async () => {
    const { page, CXBus } = busPage();
    const app = CXBus.registerPlugin('App');
    const config = { main: { theme: 'dark' } };
    app.republish('ready', config);
    await page.clock.advance(50);
    const late = CXBus.registerPlugin('Late');
    const seen: Any[] = [];
    expect(late.subscribe('App.ready', (e: Any) => seen.push(e))).toBe('App.ready');
    await page.clock.advance();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toEqual({ time: expect.any(Number), publisher: 'App', event: 'App.ready', data: config });
    expect(seen[0].data).toBe(config);
  });

  it('subscribe returns false without a callback', () => {
    const { CXBus } = busPage();
    const a = CXBus.registerPlugin('A');
    expect(a.subscribe('X.y')).toBe(false);
    expect(a.subscribe('X.y', 'not a function')).toBe(false);
  });

  it("unsubscribe removes all of that plugin's callbacks for the event, and only them", async () => {
    const { page, CXBus } = busPage();
    const pub = CXBus.registerPlugin('Pub');
    const a = CXBus.registerPlugin('A');
    const b = CXBus.registerPlugin('B');
    const seen: string[] = [];
    a.subscribe('Pub.x', () => seen.push('a1'));
    a.subscribe('Pub.x', () => seen.push('a2'));
    b.subscribe('Pub.x', () => seen.push('b'));
    expect(a.unsubscribe('Pub.x')).toBe(true);
    pub.publish('x');
    await page.clock.advance();
    expect(seen).toEqual(['b']);
    expect(pub.subscribers()).toEqual({ 'Pub.x': ['B'] });
  });

  it('publishDirect delivers like publish but logs only when someone listens', async () => {
    const { page, CXBus } = busPage();
    CXBus.configure({ debug: true });
    const a = CXBus.registerPlugin('A');
    a.publishDirect('quiet');
    CXBus.subscribe('A.heard', () => {});
    a.publishDirect('heard');
    await page.clock.advance();
    const lines = logLines(page);
    expect(lines).toContain('A published: A.heard');
    expect(lines).not.toContain('A published: A.quiet');
  });

  it('registerEvents only adds names to the registry; unregistered events still publish', async () => {
    const { page, CXBus } = busPage();
    const a = CXBus.registerPlugin('A');
    a.registerEvents(['one', 'two']);
    a.registerEvents('three');
    expect(a.registry().A.events).toEqual(['one', 'two', 'three']);
    let got = false;
    CXBus.subscribe('A.unlisted', () => (got = true));
    a.publish('unlisted');
    await page.clock.advance();
    expect(got).toBe(true);
  });
});

describe('data store', () => {
  it('publishes <P>.data, <P>.data.<key> and <P>.data.<key>:<value> on change only', async () => {
    const { page, CXBus } = busPage();
    const shop = CXBus.registerPlugin('Shop');
    const seen: Any[] = [];
    for (const name of ['Shop.data', 'Shop.data.user', 'Shop.data.user:"ann"', 'Shop.data.open:true']) {
      CXBus.subscribe(name, (e: Any) => seen.push(e));
    }
    shop.data('user', 'ann');
    shop.data('user', 'ann'); // unchanged: nothing
    shop.data('open', true);
    await page.clock.advance();
    expect(seen.map((e) => e.event)).toEqual(['Shop.data', 'Shop.data.user', 'Shop.data.user:"ann"', 'Shop.data', 'Shop.data.open:true']);
    expect(seen[1].data).toEqual({ last: undefined, value: 'ann', time: expect.any(Number) });
    expect(shop.data('user')).toBe('ann');
    expect(CXBus.data('Shop.user')).toBe('ann'); // another plugin's data by "Plugin.key"
  });
});

describe('commands', () => {
  it('prefixes a dot-less name with the caller, defaults data to {}, and passes {time, commander, command, deferred, data}', async () => {
    const { page, CXBus } = busPage();
    const shop = CXBus.registerPlugin('Shop');
    let arg: Any = null;
    shop.registerCommand('open', (e: Any) => {
      arg = e;
      e.deferred.resolve('done');
    });
    shop.ready();
    const outcome = track(shop.command('open'));
    expect(arg).toBeNull(); // handlers run async
    await page.clock.advance();
    expect(Object.keys(arg).sort()).toEqual(['command', 'commander', 'data', 'deferred', 'time']);
    expect(arg).toMatchObject({ commander: 'Shop', command: 'Shop.open', data: {} });
    expect(outcome).toEqual({ state: 'resolved', value: 'done' });
  });

  it("before hooks can change options; a false or non-object result cancels the command", async () => {
    const { page, CXBus } = busPage();
    const shop = CXBus.registerPlugin('Shop');
    const received: Any[] = [];
    shop.registerCommand('open', (e: Any) => {
      received.push(e.data);
      e.deferred.resolve();
    });
    shop.ready();
    const guard = CXBus.registerPlugin('Guard');
    guard.before('Shop.open', (options: Any) => ({ ...options, checked: true }));
    guard.before('Shop.open', (options: Any) => (options.block ? false : options.text ? 'not an object' : options));
    const allowed = track(CXBus.command('Shop.open', { a: 1 }));
    const blocked = track(CXBus.command('Shop.open', { block: true }));
    const wrongType = track(CXBus.command('Shop.open', { text: 'x' }));
    await page.clock.advance();
    expect(received).toEqual([{ a: 1, checked: true }]);
    expect(allowed.state).toBe('resolved');
    expect(blocked).toEqual({ state: 'rejected', value: "Command was cancelled by a 'before' function." });
    expect(wrongType).toEqual({ state: 'rejected', value: "Command was cancelled by a 'before' function." });
  });

  it('a command name the ready plugin never registered stays pending forever and logs nothing', async () => {
    const { page, CXBus } = busPage();
    CXBus.configure({ debug: true });
    const shop = CXBus.registerPlugin('Shop');
    shop.ready();
    page.logs.length = 0;
    const outcome = track(CXBus.command('Shop.noSuchCommand'));
    await page.clock.advance(60_000);
    expect(outcome.state).toBe('pending');
    expect(logLines(page)).toEqual(['CXBus called the command: Shop.noSuchCommand']);
  });

  it('buffers commands to a registered plugin until it calls ready()', async () => {
    const { page, CXBus } = busPage();
    const shop = CXBus.registerPlugin('Shop');
    shop.registerCommand('open', (e: Any) => e.deferred.resolve('opened'));
    const outcome = track(CXBus.command('Shop.open'));
    await page.clock.advance(1000);
    expect(outcome.state).toBe('pending');
    shop.ready();
    await page.clock.advance();
    expect(outcome).toEqual({ state: 'resolved', value: 'opened' });
  });

  it('lazy-loads an unknown plugin from pluginsPath (lower-cased name) and retries', async () => {
    const { page, CXBus } = busPage();
    CXBus.configure({ pluginsPath: '/widgets/plugins' }); // the trailing "/" is added
    page.files['/widgets/plugins/shop.min.js'] = `
      (function () {
        var shop = CXBus.registerPlugin('Shop');
        shop.registerCommand('open', function (e) { e.deferred.resolve('loaded and opened'); });
        shop.ready();
      })();`;
    const outcome = track(CXBus.command('Shop.open'));
    await page.clock.advance();
    expect(outcome).toEqual({ state: 'resolved', value: 'loaded and opened' });
  });

  it('rejects with the documented message when the plugin file cannot be loaded or is blocked', async () => {
    const { page, CXBus } = busPage();
    CXBus.configure({ pluginsPath: '/widgets/plugins/', pluginMap: { Blocked: false } });
    const missing = track(CXBus.command('Missing.open'));
    const blocked = track(CXBus.command('Blocked.open'));
    await page.clock.advance();
    const message = 'Could not load plugin file in given location. Check your plugins path option.';
    expect(missing).toEqual({ state: 'rejected', value: message });
    expect(blocked).toEqual({ state: 'rejected', value: message });
  });

  it('has the built-in COMMANDS, EVENTS and LOAD commands on every plugin', async () => {
    const { page, CXBus } = busPage();
    const shop = CXBus.registerPlugin('Shop');
    shop.registerCommand('open', (e: Any) => e.deferred.resolve());
    shop.registerEvents(['opened']);
    shop.ready();
    const commands = track(CXBus.command('Shop.COMMANDS'));
    const events = track(CXBus.command('Shop.EVENTS'));
    const load = track(CXBus.command('Shop.LOAD'));
    await page.clock.advance();
    expect(commands.value).toEqual(['COMMANDS', 'EVENTS', 'LOAD', 'open']);
    expect(events.value).toEqual(['opened']);
    expect(load.state).toBe('resolved');
  });
});

describe('the deferred returned by command', () => {
  async function settledCommand(resolve: boolean) {
    const { page, CXBus } = busPage();
    const shop = CXBus.registerPlugin('Shop');
    shop.registerCommand('go', (e: Any) => (resolve ? e.deferred.resolve(42) : e.deferred.reject('nope')));
    shop.ready();
    return { page, promise: CXBus.command('Shop.go') };
  }

  it('is not a native Promise; then() registers callbacks but returns undefined', async () => {
    const { page, promise } = await settledCommand(true);
    expect(promise).not.toBeInstanceOf(Promise);
    const calls: unknown[] = [];
    expect(promise.then((value: unknown) => calls.push(value))).toBeUndefined();
    expect(promise.done(() => {})).toBe(promise); // done/fail chain
    expect(promise.state()).toBe('pending');
    await page.clock.advance();
    expect(calls).toEqual([42]);
    expect(promise.state()).toBe('resolved');
    expect(promise.isResolved()).toBe(true);
    expect(promise.isRejected()).toBe(false);
  });

  it('works with await, both ways', async () => {
    const ok = await settledCommand(true);
    const waiting = (async () => await ok.promise)();
    await ok.page.clock.advance();
    await expect(waiting).resolves.toBe(42);

    const ko = await settledCommand(false);
    const failing = expect((async () => await ko.promise)()).rejects.toBe('nope');
    await ko.page.clock.advance();
    await failing;
  });

  it('pipe() returns a new promise with the filtered value; always() runs either way', async () => {
    const { page, promise } = await settledCommand(true);
    const piped = track(promise.pipe((value: number) => value + 1));
    let always = 0;
    promise.always(() => always++);
    await page.clock.advance();
    expect(piped).toEqual({ state: 'resolved', value: 43 });
    expect(always).toBe(1);
    // Callbacks added after settling run at once.
    promise.done(() => always++);
    expect(always).toBe(2);
  });
});

describe('debug log', () => {
  it('logs the documented patterns only when debug is on', async () => {
    const { page, CXBus } = busPage();
    const a = CXBus.registerPlugin('A');
    a.publish('quiet');
    expect(page.logs).toEqual([]);
    CXBus.configure({ debug: true });
    a.registerCommand('go', (e: Any) => e.deferred.reject('bad input'));
    a.registerEvents(['x', 'y']);
    a.ready();
    CXBus.subscribe('A.x', () => {});
    a.publish('x');
    a.republish('y');
    CXBus.command('A.go');
    CXBus.registerPlugin('A');
    await page.clock.advance();
    expect(logLines(page)).toEqual([
      'CXBus configuration changed',
      'A registered the command: go',
      'A registered the events: x, y',
      'CXBus subscribed to A.x',
      'A published: A.x',
      'A republished: A.y',
      'CXBus called the command: A.go',
      "Can't register plugin A. Name is already taken",
      'Error (A.go): bad input',
    ]);
    expect(String(page.logs[0][1])).toMatch(/color/); // %c styling
  });
});
