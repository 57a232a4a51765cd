// The Genesys bus (CXBus) for unit tests, shaped like the real Widgets 9.0 bus and its emulation in
// test/demo/widgets/cxbus.min.js:
// - registerPlugin(name) gives the plugin's interface, or false when the name is taken. The global
//   CXBus is itself the plugin "CXBus" (its command, subscribe and data are that plugin's) and has
//   no publish or unsubscribe.
// - An event is always `<publisher>.<name>`; subscribers get {time, publisher, event, data}, data {}
//   by default. republish stores the event, and a later subscriber gets it at once (a replay).
//   unsubscribe removes all of that plugin's callbacks for the event.
// - command(name, data): a name without a dot is the caller's own; data defaults to {}; `before`
//   hooks run first, and one that returns a non-object cancels the command. It returns the bus's
//   own deferred: done/fail/always chain, `then` registers but returns undefined. A command to a
//   plugin that does not exist is rejected (this fake loads no plugin files); a command the plugin
//   never registered stays pending forever, silently.
// - data(key, value) stores per plugin and, on a change, publishes `<P>.data`, `<P>.data.<key>` and
//   `<P>.data.<key>:<JSON value>`.
// - Callbacks and command handlers run on setTimeout(0), as with the bus's default `async: true`;
//   `async: false` runs them inside the call.
// Left out: plugins are ready as soon as registered (no buffering until ready()), no plugin or
// module loading, no debug log.

export const CANCELLED_BY_BEFORE = "Command was cancelled by a 'before' function.";
export const PLUGIN_LOAD_FAILED = 'Could not load plugin file in given location. Check your plugins path option.';

type Callback = (value: unknown) => void;

export interface BusEvent {
  time: number;
  publisher: string;
  event: string;
  data: unknown;
}

/** What command() returns: the bus's own small jQuery-like promise, not a native Promise. */
export interface FakeBusPromise {
  done(...fns: Callback[]): FakeBusPromise;
  fail(...fns: Callback[]): FakeBusPromise;
  always(...fns: Callback[]): FakeBusPromise;
  /** Registers the callbacks and returns undefined: `.then().then()` breaks, `await` works. */
  then(ok?: Callback, ko?: Callback): undefined;
  state(): 'pending' | 'resolved' | 'rejected';
  promise(): FakeBusPromise;
}

/** What a command handler settles. */
export interface FakeBusDeferred extends FakeBusPromise {
  resolve(value?: unknown): void;
  reject(reason?: unknown): void;
}

export interface CommandEvent {
  time: number;
  commander: string;
  command: string;
  deferred: FakeBusDeferred;
  data: unknown;
}

export type CommandHandler = (e: CommandEvent) => void;

export interface FakePlugin {
  publish(evt: string, data?: unknown): boolean;
  publishDirect(evt: string, data?: unknown): boolean;
  republish(evt: string, data?: unknown): boolean;
  subscribe(event: string, cb?: (e: BusEvent) => void): string | false;
  unsubscribe(event: string): boolean;
  command(name: string, data?: unknown): FakeBusPromise;
  before(name: string, fn: (options: unknown) => unknown): boolean;
  registerCommand(name: string, handler: CommandHandler): boolean;
  registerEvents(names: string | string[]): boolean;
  namespace(): string;
  subscribers(): Record<string, string[]>;
  data(key: string, value?: unknown): unknown;
  registry(): Record<string, { events: string[]; commands: string[] }>;
  ready(): boolean;
}

/** The global `window.CXBus`. */
export interface FakeCXBusGlobal {
  registerPlugin(name: string): FakePlugin | false;
  registerMaster(): { lock(): void; unlock(): void; config(options: BusConfig): void } | false;
  loadPlugin(name: string): FakeBusPromise;
  configure(options: BusConfig): void;
  command(name: string, data?: unknown): FakeBusPromise;
  subscribe(event: string, cb?: (e: BusEvent) => void): string | false;
  data(key: string, value?: unknown): unknown;
  /** Only while the bus is unlocked. */
  getPluginInterface?(name: string): FakePlugin | false;
}

/** The keys of CXBus.configure this fake honours. */
export interface BusConfig {
  /** Run callbacks and command handlers on setTimeout(0) (default true, as on the real bus). */
  async?: boolean;
  /** Expose CXBus.getPluginInterface(name). */
  unlocked?: boolean;
}

export interface FakeCXBusOptions extends BusConfig {
  /** The page's setTimeout, for `async` delivery (default: the global one at the time of the call,
   *  so that vi.useFakeTimers applies). */
  setTimeout?: (fn: () => void, ms: number) => unknown;
  /** Interfaces come frozen, as a page that freezes them would leave them. */
  freezeInterfaces?: boolean;
  /** publishDirect and data changes go through the interface's own publish method, as a naive
   *  bus might; the real one publishes them internally. */
  publishesThroughInterface?: boolean;
}

export interface CommandCall {
  /** Full name, `Plugin.command`. */
  name: string;
  commander: string;
  data: unknown;
}

function createDeferred(): FakeBusDeferred {
  let state: 'pending' | 'resolved' | 'rejected' = 'pending';
  let settled: unknown;
  let onDone: Callback[] = [];
  let onFail: Callback[] = [];
  const add = (list: Callback[], when: typeof state, fns: Callback[]) => {
    for (const fn of fns) {
      if (typeof fn !== 'function') continue;
      if (state === when) fn(settled);
      else if (state === 'pending') list.push(fn);
    }
  };
  const settle = (to: 'resolved' | 'rejected', value: unknown) => {
    if (state !== 'pending') return;
    state = to;
    settled = value;
    const callbacks = to === 'resolved' ? onDone : onFail;
    onDone = [];
    onFail = [];
    callbacks.forEach((fn) => fn(value));
  };
  const promise: FakeBusPromise = {
    done: (...fns) => (add(onDone, 'resolved', fns), promise),
    fail: (...fns) => (add(onFail, 'rejected', fns), promise),
    always: (...fns) => (add(onDone, 'resolved', fns), add(onFail, 'rejected', fns), promise),
    then(ok, ko) {
      if (ok) promise.done(ok);
      if (ko) promise.fail(ko);
      return undefined;
    },
    state: () => state,
    promise: () => promise,
  };
  return { ...promise, resolve: (value) => settle('resolved', value), reject: (reason) => settle('rejected', reason) };
}

interface PluginState {
  iface: FakePlugin;
  commands: Map<string, CommandHandler>;
  store: Map<string, unknown>;
}

export function createFakeCXBus(options: FakeCXBusOptions = {}) {
  const config = { async: options.async ?? true, unlocked: false };
  const later = options.setTimeout ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
  const plugins = new Map<string, PluginState>();
  const registryMap: Record<string, { events: string[]; commands: string[] }> = {};
  const subscriptions = new Map<string, { plugin: string; cb: (e: BusEvent) => void }[]>();
  const sticky = new Map<string, BusEvent>();
  const beforeHooks = new Map<string, ((options: unknown) => unknown)[]>();
  /** Every call of the global registerPlugin, refused ones too. */
  const registerCalls: string[] = [];
  /** Every command call, in order, as made (before the `before` hooks). */
  const calls: CommandCall[] = [];
  /** What each command call returned, in order. */
  const promises: FakeBusPromise[] = [];
  let locked = false;
  let masterTaken = false;

  /** With `async: false` a callback that throws throws out of the call that ran it. */
  const dispatch = (fn: () => void) => (config.async ? void later(fn, 0) : fn());

  function publishAs(ns: string, evt: string, data: unknown, republish = false): boolean {
    if (!plugins.has(ns)) return false;
    const event: BusEvent = { time: Date.now(), publisher: ns, event: `${ns}.${evt}`, data: data === undefined ? {} : data };
    if (republish) sticky.set(event.event, event);
    for (const s of [...(subscriptions.get(event.event) ?? [])]) dispatch(() => s.cb(event));
    return true;
  }

  function subscribeAs(ns: string, event: string, cb: unknown): string | false {
    if (typeof cb !== 'function' || !plugins.has(ns) || typeof event !== 'string' || !event) return false;
    const list = subscriptions.get(event) ?? [];
    list.push({ plugin: ns, cb: cb as (e: BusEvent) => void });
    subscriptions.set(event, list);
    const stored = sticky.get(event);
    if (stored) dispatch(() => (cb as (e: BusEvent) => void)({ ...stored }));
    return event;
  }

  function unsubscribeAs(ns: string, event: string): boolean {
    const list = subscriptions.get(event);
    if (!plugins.has(ns) || !list) return false;
    const kept = list.filter((s) => s.plugin !== ns);
    if (kept.length === list.length) return false;
    if (kept.length) subscriptions.set(event, kept);
    else subscriptions.delete(event);
    return true;
  }

  const fullName = (ns: string, name: string) => (name.includes('.') ? name : `${ns}.${name}`);

  function commandAs(ns: string, name: string, data: unknown): FakeBusPromise {
    const deferred = createDeferred();
    const promise = deferred.promise();
    promises.push(promise);
    if (typeof name !== 'string' || !name) {
      deferred.reject('No command name given');
      return promise;
    }
    const command = fullName(ns, name);
    let options: unknown = data === undefined ? {} : data;
    calls.push({ name: command, commander: ns, data: options });
    for (const hook of beforeHooks.get(command) ?? []) {
      options = hook(options);
      if (!options || typeof options !== 'object') {
        deferred.reject(CANCELLED_BY_BEFORE);
        return promise;
      }
    }
    const dot = command.indexOf('.');
    const target = plugins.get(command.slice(0, dot));
    if (!target) {
      deferred.reject(PLUGIN_LOAD_FAILED);
      return promise;
    }
    const handler = target.commands.get(command.slice(dot + 1));
    const e: CommandEvent = { time: Date.now(), commander: ns, command, deferred, data: options };
    if (handler) dispatch(() => handler(e));
    return promise; // no such command: pending forever
  }

  function dataAs(ns: string, args: unknown[]): unknown {
    const plugin = plugins.get(ns)!;
    const key = args[0];
    if (typeof key !== 'string' || !key) return undefined;
    if (args.length < 2) {
      if (plugin.store.has(key)) return plugin.store.get(key);
      const dot = key.indexOf('.');
      return dot > 0 ? plugins.get(key.slice(0, dot))?.store.get(key.slice(dot + 1)) : undefined;
    }
    const value = args[1];
    const last = plugin.store.get(key);
    plugin.store.set(key, value);
    if (last !== value) {
      const time = Date.now();
      const publish = (evt: string, payload: unknown) =>
        options.publishesThroughInterface ? plugin.iface.publish(evt, payload) : publishAs(ns, evt, payload);
      publish('data', { key, last, value, time });
      publish(`data.${key}`, { last, value, time });
      publish(`data.${key}:${JSON.stringify(value)}`, { last, value, time });
    }
    return value;
  }

  function createInterface(ns: string): FakePlugin {
    const iface: FakePlugin = {
      publish: (evt, data) => publishAs(ns, evt, data),
      publishDirect: (evt, data) => (options.publishesThroughInterface ? iface.publish(evt, data) : publishAs(ns, evt, data)),
      republish: (evt, data) => publishAs(ns, evt, data, true),
      subscribe: (event, cb) => subscribeAs(ns, event, cb),
      unsubscribe: (event) => unsubscribeAs(ns, event),
      command: (name, data) => commandAs(ns, name, data),
      before(name, fn) {
        if (typeof name !== 'string' || !name || typeof fn !== 'function') return false;
        const command = fullName(ns, name);
        beforeHooks.set(command, [...(beforeHooks.get(command) ?? []), fn]);
        return true;
      },
      registerCommand(name, handler) {
        if (typeof name !== 'string' || !name || typeof handler !== 'function') return false;
        const state = plugins.get(ns)!;
        if (!state.commands.has(name)) registryMap[ns]!.commands.push(name);
        state.commands.set(name, handler);
        return true;
      },
      registerEvents(names) {
        const events = registryMap[ns]!.events;
        for (const name of typeof names === 'string' ? [names] : Array.isArray(names) ? names : []) {
          if (typeof name === 'string' && name && !events.includes(name)) events.push(name);
        }
        return true;
      },
      namespace: () => ns,
      subscribers: () => Object.fromEntries([...subscriptions].filter(([event]) => event.includes(ns)).map(([event, list]) => [event, list.map((s) => s.plugin)])),
      data(...args: unknown[]) {
        return dataAs(ns, args);
      },
      registry: () => registryMap,
      ready: () => true,
    };
    return iface;
  }

  function addPlugin(name: string): FakePlugin | false {
    if (typeof name !== 'string' || !name || locked || plugins.has(name)) return false;
    const made = createInterface(name);
    const iface = options.freezeInterfaces && name !== 'CXBus' ? Object.freeze(made) : made;
    plugins.set(name, { iface, commands: new Map(), store: new Map() });
    registryMap[name] = { events: [], commands: [] };
    // The built-in commands of every plugin.
    made.registerCommand('COMMANDS', (e) => e.deferred.resolve([...registryMap[name]!.commands]));
    made.registerCommand('EVENTS', (e) => e.deferred.resolve([...registryMap[name]!.events]));
    made.registerCommand('LOAD', (e) => e.deferred.resolve());
    return iface;
  }

  const registerPlugin = (name: string): FakePlugin | false => {
    registerCalls.push(name);
    return addPlugin(name);
  };

  const self = addPlugin('CXBus') as FakePlugin;
  const CXBus: FakeCXBusGlobal = {
    registerPlugin,
    registerMaster() {
      if (masterTaken) return false;
      masterTaken = true;
      return { lock: () => void (locked = true), unlock: () => void (locked = false), config: configure };
    },
    loadPlugin(name) {
      const deferred = createDeferred();
      if (plugins.has(name)) deferred.resolve();
      else deferred.reject(`Could not load file: ${name}`);
      return deferred.promise();
    },
    configure,
    command: self.command,
    subscribe: self.subscribe,
    data: self.data,
  };

  function configure(settings: BusConfig): void {
    if (!settings || typeof settings !== 'object') return;
    if (typeof settings.async === 'boolean') config.async = settings.async;
    if (typeof settings.unlocked === 'boolean') {
      config.unlocked = settings.unlocked;
      if (settings.unlocked) CXBus.getPluginInterface = (name) => plugins.get(name)?.iface ?? false;
      else delete CXBus.getPluginInterface;
    }
  }
  if (options.unlocked) configure({ unlocked: true });

  return {
    /** The global, as `window.CXBus`. */
    CXBus,
    /** The same function as CXBus.registerPlugin (the App also puts it on QuickBus). */
    registerPlugin,
    registerCalls,
    calls,
    promises,
    /** The interface a plugin was given, as the bus keeps it (for tests; the page needs an unlocked bus). */
    interfaceOf: (name: string): FakePlugin | undefined => plugins.get(name)?.iface,
    /** Registered plugin names, without the bus's own "CXBus". */
    plugins: () => [...plugins.keys()].filter((name) => name !== 'CXBus'),
    /** Events with at least one subscriber. */
    subscribedEvents: () => [...subscriptions.keys()],
    subscriberCount: (event: string) => subscriptions.get(event)?.length ?? 0,
    /** Publishes `Plugin.event` as that plugin, registering it first when no one has. */
    publishFrom(event: string, data?: unknown): boolean {
      const dot = event.indexOf('.');
      const ns = event.slice(0, dot);
      if (!plugins.has(ns)) addPlugin(ns);
      return plugins.get(ns)!.iface.publish(event.slice(dot + 1), data);
    },
  };
}

export type FakeCXBus = ReturnType<typeof createFakeCXBus>;
