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
//   own deferred: done/fail chain, `then` registers but returns undefined. A command to a plugin
//   that does not exist is rejected (this fake loads no plugin files); a command the plugin never
//   registered stays pending forever, silently.
// - data(key, value) stores per plugin and, on a change, publishes `<P>.data`, `<P>.data.<key>` and
//   `<P>.data.<key>:<JSON value>`.
// - Callbacks and command handlers run on setTimeout(0), as with the bus's default `async: true`;
//   `async: false` runs them inside the call.
// Left out: plugins count as ready once registered (no buffering until ready()); no plugin or
// module loading, registerMaster, built-in commands, subscribers() or debug log.

export const CANCELLED_BY_BEFORE = "Command was cancelled by a 'before' function.";
export const PLUGIN_LOAD_FAILED = 'Could not load plugin file in given location. Check your plugins path option.';

type Callback = (value: unknown) => void;
type Settled = 'pending' | 'resolved' | 'rejected';

export interface BusEvent { time: number; publisher: string; event: string; data: unknown }

/** What command() returns: the bus's own small jQuery-like promise, not a native Promise. */
export interface FakeBusPromise {
  done(fn: Callback): FakeBusPromise;
  fail(fn: Callback): FakeBusPromise;
  /** Registers the callbacks and returns undefined: `.then().then()` breaks, `await` works. */
  then(ok?: Callback, ko?: Callback): undefined;
  state(): Settled;
  promise(): FakeBusPromise;
}

/** What a command handler gets: `{time, commander, command, deferred, data}`. */
export interface CommandEvent {
  time: number;
  commander: string;
  command: string;
  deferred: FakeBusPromise & { resolve(value?: unknown): void; reject(reason?: unknown): void };
  data: unknown;
}

export interface FakePlugin {
  publish(evt: string, data?: unknown): boolean;
  publishDirect(evt: string, data?: unknown): boolean;
  republish(evt: string, data?: unknown): boolean;
  subscribe(event: string, cb?: (e: BusEvent) => void): string | false;
  unsubscribe(event: string): boolean;
  command(name: string, data?: unknown): FakeBusPromise;
  before(name: string, fn: (options: unknown) => unknown): boolean;
  registerCommand(name: string, handler: (e: CommandEvent) => void): boolean;
  registerEvents(names: string | string[]): boolean;
  namespace(): string;
  data(key: string, value?: unknown): unknown;
  registry(): Record<string, { events: string[]; commands: string[] }>;
  ready(): boolean;
}

/** The keys of CXBus.configure this fake honours. */
export interface BusConfig {
  /** Run callbacks and command handlers on setTimeout(0) (default true, as on the real bus). With
   *  false they run inside the call, and an error a callback throws reaches the caller. */
  async?: boolean;
  /** Expose CXBus.getPluginInterface(name). */
  unlocked?: boolean;
}

/** The global `window.CXBus`. */
export interface FakeCXBusGlobal extends Pick<FakePlugin, 'command' | 'subscribe' | 'data'> {
  registerPlugin(name: string): FakePlugin | false;
  configure(settings: BusConfig): void;
  /** Only while the bus is unlocked. */
  getPluginInterface?(name: string): FakePlugin | false;
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

function createDeferred(): CommandEvent['deferred'] {
  let state: Settled = 'pending';
  let settled: unknown;
  const waiting = { resolved: [] as Callback[], rejected: [] as Callback[] };
  const add = (when: 'resolved' | 'rejected', fn: Callback) => {
    if (state === when) fn(settled);
    else if (state === 'pending' && typeof fn === 'function') waiting[when].push(fn);
  };
  const settle = (to: 'resolved' | 'rejected', value: unknown) => {
    if (state !== 'pending') return;
    state = to;
    settled = value;
    waiting[to].splice(0).forEach((fn) => fn(value));
  };
  const promise: FakeBusPromise = {
    done: (fn) => (add('resolved', fn), promise),
    fail: (fn) => (add('rejected', fn), promise),
    then(ok, ko) {
      if (ok) add('resolved', ok);
      if (ko) add('rejected', ko);
      return undefined;
    },
    state: () => state,
    promise: () => promise,
  };
  return { ...promise, resolve: (value) => settle('resolved', value), reject: (reason) => settle('rejected', reason) };
}

export function createFakeCXBus(options: FakeCXBusOptions = {}) {
  let deliverLater = options.async ?? true;
  const later = options.setTimeout ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
  const plugins = new Map<string, { iface: FakePlugin; commands: Map<string, (e: CommandEvent) => void>; store: Map<string, unknown> }>();
  const registry: Record<string, { events: string[]; commands: string[] }> = {};
  const subscriptions = new Map<string, { plugin: string; cb: (e: BusEvent) => void }[]>();
  const sticky = new Map<string, BusEvent>();
  const beforeHooks = new Map<string, ((options: unknown) => unknown)[]>();
  /** Every call of the global registerPlugin, refused ones too. */
  const registerCalls: string[] = [];
  /** Every command call, in order, as made (before the `before` hooks). */
  const calls: { name: string; commander: string; data: unknown }[] = [];
  /** What each command call returned, in order. */
  const promises: FakeBusPromise[] = [];

  const dispatch = (fn: () => void) => (deliverLater ? void later(fn, 0) : fn());
  const fullName = (ns: string, name: string) => (name.includes('.') ? name : `${ns}.${name}`);

  function publishAs(ns: string, evt: string, data: unknown, republish = false): boolean {
    if (!plugins.has(ns)) return false;
    const event: BusEvent = { time: Date.now(), publisher: ns, event: `${ns}.${evt}`, data: data === undefined ? {} : data };
    if (republish) sticky.set(event.event, event);
    for (const s of [...(subscriptions.get(event.event) ?? [])]) dispatch(() => s.cb(event));
    return true;
  }

  function subscribeAs(ns: string, event: string, cb: unknown): string | false {
    if (typeof cb !== 'function' || !plugins.has(ns) || typeof event !== 'string' || !event) return false;
    const callback = cb as (e: BusEvent) => void;
    subscriptions.set(event, [...(subscriptions.get(event) ?? []), { plugin: ns, cb: callback }]);
    const stored = sticky.get(event);
    if (stored) dispatch(() => callback({ ...stored }));
    return event;
  }

  function unsubscribeAs(ns: string, event: string): boolean {
    const list = subscriptions.get(event) ?? [];
    const kept = list.filter((s) => s.plugin !== ns);
    if (kept.length === list.length) return false;
    if (kept.length) subscriptions.set(event, kept);
    else subscriptions.delete(event);
    return true;
  }

  function commandAs(ns: string, name: string, data: unknown): FakeBusPromise {
    const deferred = createDeferred();
    const promise = deferred.promise();
    promises.push(promise);
    if (typeof name !== 'string' || !name) return deferred.reject('No command name given'), promise;
    const command = fullName(ns, name);
    let options: unknown = data === undefined ? {} : data;
    calls.push({ name: command, commander: ns, data: options });
    for (const hook of beforeHooks.get(command) ?? []) {
      options = hook(options);
      if (!options || typeof options !== 'object') return deferred.reject(CANCELLED_BY_BEFORE), promise;
    }
    const dot = command.indexOf('.');
    const target = plugins.get(command.slice(0, dot));
    if (!target) return deferred.reject(PLUGIN_LOAD_FAILED), promise;
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
      const dot = key.indexOf('.'); // "Other.key" reads another plugin's data
      return dot > 0 ? plugins.get(key.slice(0, dot))?.store.get(key.slice(dot + 1)) : undefined;
    }
    const [, value] = args;
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
        const { commands } = plugins.get(ns)!;
        if (!commands.has(name)) registry[ns]!.commands.push(name);
        commands.set(name, handler);
        return true;
      },
      registerEvents(names) {
        const events = registry[ns]!.events;
        for (const name of Array.isArray(names) ? names : [names]) if (typeof name === 'string' && name && !events.includes(name)) events.push(name);
        return true;
      },
      namespace: () => ns,
      data: (...args: unknown[]) => dataAs(ns, args),
      registry: () => registry, // live, as the real one hands it out
      ready: () => true,
    };
    return iface;
  }

  function addPlugin(name: string): FakePlugin | false {
    if (typeof name !== 'string' || !name || plugins.has(name)) return false;
    const made = createInterface(name);
    const iface = options.freezeInterfaces && name !== 'CXBus' ? Object.freeze(made) : made;
    plugins.set(name, { iface, commands: new Map(), store: new Map() });
    registry[name] = { events: [], commands: [] };
    return iface;
  }

  const registerPlugin = (name: string): FakePlugin | false => {
    registerCalls.push(name);
    return addPlugin(name);
  };

  const self = addPlugin('CXBus') as FakePlugin;
  const CXBus: FakeCXBusGlobal = {
    registerPlugin,
    configure(settings) {
      if (!settings || typeof settings !== 'object') return;
      if (typeof settings.async === 'boolean') deliverLater = settings.async;
      if (settings.unlocked === true) CXBus.getPluginInterface = (name) => plugins.get(name)?.iface ?? false;
      if (settings.unlocked === false) delete CXBus.getPluginInterface;
    },
    command: self.command,
    subscribe: self.subscribe,
    data: self.data,
  };
  if (options.unlocked) CXBus.configure({ unlocked: true });

  return {
    /** The global, as `window.CXBus`. */
    CXBus,
    /** The same function as CXBus.registerPlugin (the App also puts it on QuickBus). */
    registerPlugin,
    registerCalls,
    calls,
    promises,
    /** The interface a plugin was given, as the bus keeps it. */
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
