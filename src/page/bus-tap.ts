import { Batcher, type Scheduler } from './batcher';
import { safeCopy, safeName, MAX_ARRAY_ITEMS } from './safe-copy';
import {
  PAGE_SOURCE, PROTOCOL_VERSION,
  type CaptureRecord, type CommandOutcome, type CommandRecord, type EventRecord, type EventVia,
  type HookStatus, type OutcomeRecord, type PageBatch, type PluginRecord,
} from '../shared/protocol';

/**
 * The page hook's logic: taps the Genesys bus of a window (CXBus and `_genesys.widgets.bus`) and
 * posts what it sees as batches of CaptureRecords. Written against a window-like object so it
 * runs in node tests; src/page/page-hook.iife.ts calls installHook(window) at document_start.
 *
 * How the bus is found:
 * - `window.CXBus` and `window._genesys` become accessor properties (configurable, enumerable, the
 *   getter returns exactly what was set), so `window.CXBus = bus` or a top-level `var CXBus = bus`
 *   in a later classic script is tapped synchronously, before the script's next statement.
 *   Side effect a page could notice: `'CXBus' in window` is true (value undefined) before any bus.
 * - A bus that already exists is tapped at once (late attach); plugins registered before that are
 *   reached through `CXBus.getPluginInterface` when the bus is unlocked, else named in
 *   status.problems.
 * - The hook checks again at DOMContentLoaded, at load and at every batch (`_genesys.widgets.bus`,
 *   a CXBus put in place with defineProperty, methods the page added or replaced, the transport).
 * - Plugin interfaces are wrapped in place when `registerPlugin` returns, before the page sees
 *   them; a frozen one is reported, never forced.
 *
 * Hot path (every publish): a top-level copy of a plain payload (see snapshot), a record and a
 * push; measured at about 0.1 µs a publish in Chromium, 0.1 µs in node. The deep, bounded copy (safe-copy.ts) and
 * the postMessage run at flush time, off the page's call and when the page is idle (pageEnv), so
 * anything below the top level of a payload is copied as it is at the flush (usually within
 * BATCH_INTERVAL_MS, at most about BATCH_INTERVAL_MS + IDLE_TIMEOUT_MS later), not as it was at
 * the call.
 */

/** Window key of the handle; also the flag that makes a second injection a no-op. */
export const HOOK_KEY = Symbol.for('cx-lens.hook');
/** The bus rejects a command with exactly this when a `before` hook returns false or a non-object. */
export const CANCEL_MESSAGE = "Command was cancelled by a 'before' function.";

/**
 * What the hook leaves on `window[Symbol.for('cx-lens.hook')]` (non-enumerable) for the
 * extension's own injected scripts. The page can reach it too; that is acceptable: `interfaces`
 * holds the page's own bus objects, and `emit` only adds records to the page's own stream, which
 * the page could already forge with a look-alike postMessage. It drives nothing in the extension.
 */
export interface HookHandle {
  readonly version: number;
  /** Every plugin interface the hook has seen (tapped, or frozen and untapped), by plugin name. */
  readonly interfaces: Map<string, object>;
  /** Adds a record (an object with a string `t`) to the next batch, copied safely. */
  emit(record: unknown): void;
  /** Runs fn; events it publishes (synchronously) are recorded with via 'synthetic'. For the
   *  extension's Simulate, so its messages are marked as such in the bus list too. */
  synthetic<T>(fn: () => T): T;
}

export interface HookEnv extends Scheduler {
  post(batch: PageBatch): void;
}

type Obj = Record<PropertyKey, unknown>;
type Fn = (...args: unknown[]) => unknown;

/** One bus: its sticky (republished) events, for replay records on later subscribes. */
interface BusContext {
  sticky: Map<string, { publisher: string; data: unknown }>;
}

const EVENT_VIA = { publish: 'publish', publishDirect: 'publishDirect', republish: 'republish' } as const;
const REGISTRATIONS = ['subscribe', 'unsubscribe', 'before', 'registerCommand', 'registerEvents'] as const;
type Registration = (typeof REGISTRATIONS)[number];

const { getOwnPropertyDescriptor, defineProperty, getPrototypeOf, isExtensible, keys: objectKeys } = Object;
const { apply } = Reflect;
const { stringify } = JSON;
const objectPrototype = Object.prototype;
const arrayPrototype = Array.prototype;
const objectProto = Object.prototype;

/** A record made by emit(): already copied, sent as is. */
class Ready {
  constructor(readonly record: CaptureRecord) {}
}
/** Queue marker: send the status here if it changed. */
const STATUS = {};
type Pending = CaptureRecord | Ready | typeof STATUS;

/** A page busy for longer than this still gets its batch sent (ms after the batch was due). */
export const IDLE_TIMEOUT_MS = 200;

/** The env of a real page: its timers, clock and postMessage, taken before page scripts run. */
export function pageEnv(win: Window): HookEnv {
  const { setTimeout, clearTimeout, postMessage, requestIdleCallback, cancelIdleCallback } = win;
  const now = Date.now;
  let origin = '';
  try {
    origin = win.location.origin;
  } catch {
    /* keep '' */
  }
  // The batch stays in this window. Naming our own origin keeps it from reaching a document that
  // replaced this one; an opaque origin ('null', sandboxed frames) can only be addressed as '*'.
  const target = /^[a-z][a-z\d+.-]*:\/\/[^/]+$/i.test(origin) ? origin : '*';
  // A batch waits for its time (the batcher's throttle), then for the page to be idle: copying and
  // posting (about 1 µs a record, mostly structured clone) run after the page's own queued work,
  // not in the middle of a burst of bus traffic.
  interface Timer { timeout?: number; idle?: number }
  return {
    now: () => now(),
    setTimer: (fn, ms) => {
      const timer: Timer = {};
      timer.timeout = apply(setTimeout, win, [() => {
        timer.idle = typeof requestIdleCallback === 'function'
          ? apply(requestIdleCallback, win, [fn, { timeout: IDLE_TIMEOUT_MS }])
          : (fn(), undefined);
      }, ms]);
      return timer;
    },
    clearTimer: (handle) => {
      const timer = handle as Timer;
      apply(clearTimeout, win, [timer.timeout]);
      if (timer.idle !== undefined) apply(cancelIdleCallback, win, [timer.idle]);
    },
    post: (batch) => apply(postMessage, win, [batch, target]),
  };
}

/** Installs the hook on `win` once; a second call returns the first handle. Never throws. */
export function installHook(win: object, env: HookEnv): HookHandle {
  const existing = (win as Obj)[HOOK_KEY] as HookHandle | undefined;
  if (existing) return existing;
  const tap = new BusTap(win as Obj, env);
  try {
    defineProperty(win, HOOK_KEY, { value: tap.handle, enumerable: false, writable: false, configurable: false });
  } catch {
    /* a non-extensible window: the hook still works, a second injection would tap again */
  }
  tap.start();
  return tap.handle;
}

class BusTap {
  readonly handle: HookHandle;
  private readonly batcher: Batcher<Pending>;
  private readonly now: () => number;
  /** Every object we wrapped (buses and interfaces), with its namespace and bus. */
  private readonly tapped = new WeakMap<object, { ns: string; ctx: BusContext }>();
  private readonly wrappers = new WeakSet<Function>();
  private readonly interfaces = new Map<string, object>();
  private nextCommandId = 1;

  // Calls in progress (synchronous nesting), to record a call that a wrapped method makes through
  // another wrapped method only once: e.g. a global CXBus.command delegating to the CXBus plugin's
  // command, publishDirect calling publish, data(key, value) publishing `<P>.data.<key>`.
  private depth = 0;
  private readonly flightKind: string[] = [];
  private readonly flightActor: string[] = [];
  private readonly flightName: unknown[] = [];

  // Status (HookStatus), sent when it changes.
  private cxbus: HookStatus['cxbus'] = 'absent';
  private currentBus: object | null = null;
  private quickBus: object | null = null;
  private readonly plugins: string[] = [];
  private readonly problems = new Set<string>();
  private transport: HookStatus['transport'];
  private statusQueued = false;
  private syntheticDepth = 0;
  private lastStatus = '';

  constructor(private readonly win: Obj, private readonly env: HookEnv) {
    this.now = env.now;
    this.batcher = new Batcher<Pending>((items) => this.send(items), env);
    const interfaces = this.interfaces;
    this.handle = {
      version: PROTOCOL_VERSION,
      interfaces,
      emit: (record) => this.emit(record),
      synthetic: (fn) => {
        this.syntheticDepth++;
        try {
          return fn();
        } finally {
          this.syntheticDepth--;
        }
      },
    };
  }

  start(): void {
    this.statusChanged();
    const late = this.read(this.win, 'CXBus') != null || this.quickBusOnPage() != null;
    const watchedBus = this.watch('CXBus', (bus) => this.onCXBus(bus));
    this.watch('_genesys', () => this.rescan());
    if (!watchedBus && !this.currentBus) {
      this.problem('window.CXBus cannot be watched: a bus created later is found only at the next check (DOMContentLoaded, load, each batch)');
    }
    this.rescan();
    if (late) this.attachLate();
    const addEventListener = this.win.addEventListener;
    if (typeof addEventListener === 'function') {
      for (const type of ['DOMContentLoaded', 'load']) {
        try {
          apply(addEventListener, this.win, [type, () => this.rescan(), true]);
        } catch {
          /* no events: the batch-time check remains */
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Finding the bus

  /** Turns window[key] into a transparent accessor that reports every assignment. */
  private watch(key: string, onValue: (value: unknown) => void): boolean {
    let watching = false;
    try {
      const desc = getOwnPropertyDescriptor(this.win, key);
      const canDefine = desc ? desc.configurable === true && 'value' in desc : isExtensible(this.win);
      if (canDefine) {
        let value = desc?.value;
        defineProperty(this.win, key, {
          configurable: true,
          enumerable: desc ? desc.enumerable : true,
          get: () => value,
          set: (next: unknown) => {
            value = next;
            try {
              onValue(next);
            } catch {
              /* never break the page's assignment */
            }
          },
        });
        watching = true;
      }
    } catch {
      /* leave the property alone */
    }
    const current = this.read(this.win, key);
    if (current != null) onValue(current);
    return watching;
  }

  private onCXBus(bus: unknown): void {
    if (!isObjectLike(bus)) return;
    if (bus !== this.currentBus) {
      this.currentBus = bus;
      this.statusChanged();
    }
    const result = this.tapObject(bus, 'CXBus', this.ctxOf(bus), 'CXBus');
    // A bus object without methods yet (filled in after the assignment) stays 'absent' until a
    // later check finds them.
    const state = result === 'tapped' ? 'tapped' : result === 'frozen' ? 'untappable' : this.cxbus;
    if (state !== this.cxbus) {
      this.cxbus = state;
      this.statusChanged();
    }
  }

  /** Checks what may have appeared or changed without an assignment we could see. */
  private rescan(): void {
    try {
      const bus = this.read(this.win, 'CXBus');
      if (bus != null) this.onCXBus(bus);
      const quick = this.quickBusOnPage();
      if (isObjectLike(quick)) {
        const known = this.tapped.get(quick);
        const ns = known?.ns ?? this.namespaceOf(quick, 'QuickBus');
        this.tapObject(quick, ns, known?.ctx ?? this.ctxOf(this.currentBus), 'plugin ' + ns);
        if (quick !== this.quickBus) {
          this.quickBus = quick;
          this.knowInterface(ns, quick);
          this.statusChanged();
        }
      }
      const transport = this.readTransport();
      if (JSON.stringify(transport) !== JSON.stringify(this.transport)) {
        this.transport = transport;
        this.statusChanged();
      }
    } catch {
      /* a hostile page object: try again at the next check */
    }
  }

  private quickBusOnPage(): unknown {
    return this.read(this.read(this.read(this.win, '_genesys'), 'widgets'), 'bus');
  }

  /** The hook came after the bus: tap the plugins it can still reach, name the others. */
  private attachLate(): void {
    const quick = this.quickBus as Obj | null;
    const bus = this.currentBus as Obj | null;
    let names: string[] | null = null;
    try {
      const registry = quick && typeof quick.registry === 'function' ? apply(quick.registry as Fn, quick, []) : null;
      if (isObjectLike(registry)) names = objectKeys(registry);
    } catch {
      /* names stay unknown */
    }
    if (!names) {
      this.problem('attached after the page created its bus: plugins registered earlier are not captured (their list is not reachable)');
      return;
    }
    const getInterface = bus?.getPluginInterface;
    const unreachable: string[] = [];
    for (const name of names) {
      if (this.interfaces.has(name) || name === 'CXBus') continue;
      let iface: unknown = null;
      try {
        if (typeof getInterface === 'function') iface = apply(getInterface, bus, [name]);
      } catch {
        /* unreachable */
      }
      if (isObjectLike(iface)) this.tapInterface(iface, name, this.ctxOf(bus));
      else unreachable.push(name);
    }
    if (unreachable.length) {
      this.problem(`attached after the page created its bus: the publishes and commands of ${unreachable.join(', ')} (registered earlier) are not captured`);
    }
  }

  private readTransport(): HookStatus['transport'] {
    const t = this.read(this.read(this.read(this.read(this.win, '_genesys'), 'widgets'), 'webchat'), 'transport');
    if (!isObjectLike(t)) return undefined;
    // Only these three fields: never the headers (x-api-key).
    const out: NonNullable<HookStatus['transport']> = {};
    const type = this.read(t, 'type');
    const dataURL = this.read(t, 'dataURL');
    const enabled = this.read(this.read(t, 'async'), 'enabled');
    if (typeof type === 'string') out.type = safeName(type).name;
    if (typeof dataURL === 'string') out.dataURL = safeName(dataURL).name;
    if (typeof enabled === 'boolean') out.asyncEnabled = enabled;
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // Wrapping

  private tapInterface(iface: object, name: string, ctx: BusContext): void {
    this.knowInterface(name, iface);
    this.tapObject(iface, name, ctx, 'plugin ' + name);
  }

  private knowInterface(name: string, iface: object): void {
    if (this.interfaces.get(name) === iface) return;
    this.interfaces.set(name, iface);
    if (!this.plugins.includes(name)) this.plugins.push(name);
    this.statusChanged();
  }

  /**
   * Wraps in place every bus method `obj` has (idempotent: our wrappers are left as they are).
   * 'tapped' when at least one method is ours now, 'frozen' when none could be wrapped, 'empty'
   * when it has no bus method. Methods that cannot be wrapped are reported.
   */
  private tapObject(obj: object, ns: string, ctx: BusContext, label: string): 'tapped' | 'frozen' | 'empty' {
    if (!this.tapped.has(obj)) this.tapped.set(obj, { ns, ctx });
    const o = obj as Obj;
    const failed: string[] = [];
    let tapped = false;
    const consider = (method: string, wrap: (orig: Fn) => Fn) => {
      const current = this.read(o, method);
      if (typeof current !== 'function') return;
      if (this.wrappers.has(current)) {
        tapped = true;
        return;
      }
      const wrapper = wrap(current as Fn);
      this.wrappers.add(wrapper);
      if (replaceMethod(o, method, wrapper)) tapped = true;
      else failed.push(method);
    };
    for (const method of ['publish', 'publishDirect', 'republish'] as const) {
      consider(method, (orig) => this.eventWrapper(orig, ns, ctx, EVENT_VIA[method]));
    }
    consider('command', (orig) => this.commandWrapper(orig, ns));
    for (const action of REGISTRATIONS) consider(action, (orig) => this.registrationWrapper(orig, ns, ctx, action));
    consider('data', (orig) => this.dataWrapper(orig, ns));
    consider('registerPlugin', (orig) => this.registerPluginWrapper(orig, ctx));
    if (failed.length) {
      const all = !tapped;
      this.problem(all
        ? `${label} is frozen: its calls are not captured`
        : `${label}: ${failed.join(', ')} cannot be wrapped (read-only): those calls are not captured`);
    }
    return tapped ? 'tapped' : failed.length ? 'frozen' : 'empty';
  }

  private eventWrapper(orig: Fn, ns: string, ctx: BusContext, via: EventVia): Fn {
    const tap = this;
    // The hot path. `arguments` (not a rest array) is passed straight to the original, so the
    // engine need not build an array per call; the same arguments, count included, reach it.
    return function (this: unknown, evt?: unknown, data?: unknown) {
      if (tap.depth === 0 || !tap.nestedEvent(ns, evt)) tap.onEvent(ns, ctx, via, evt, arguments.length > 1 ? data : undefined);
      tap.enter('e', ns, evt);
      try {
        return apply(orig, this, arguments);
      } finally {
        tap.leave();
      }
    };
  }

  private commandWrapper(orig: Fn, ns: string): Fn {
    const tap = this;
    return function (this: unknown, ...args: unknown[]) {
      const name = args[0];
      const id = tap.depth === 0 || !tap.nested('c', ns, name) ? tap.onCommand(ns, name, args) : 0;
      tap.enter('c', ns, name);
      let result: unknown;
      try {
        result = apply(orig, this, args);
      } catch (error) {
        if (id) tap.settle(id, 'rejected', error);
        throw error;
      } finally {
        tap.leave();
      }
      if (id) tap.watchOutcome(id, result);
      return result;
    };
  }

  private registrationWrapper(orig: Fn, ns: string, ctx: BusContext, action: Registration): Fn {
    const tap = this;
    return function (this: unknown, ...args: unknown[]) {
      const first = args[0];
      const record = tap.depth === 0 || !tap.nested(action, ns, first);
      tap.enter(action, ns, first);
      let result: unknown;
      try {
        result = apply(orig, this, args);
      } finally {
        tap.leave();
      }
      if (record) tap.onRegistration(ns, ctx, action, first, result);
      return result;
    };
  }

  private dataWrapper(orig: Fn, ns: string): Fn {
    const tap = this;
    return function (this: unknown, ...args: unknown[]) {
      if (args.length < 2) return apply(orig, this, args); // a read
      const key = args[0];
      if (tap.depth === 0 || !tap.nested('d', ns, key)) {
        // The bus publishes `<P>.data.<key>` only when the value changes: read the old one first.
        try {
          const last = apply(orig, this, [key]);
          if (last !== args[1]) tap.onData(ns, key, last, args[1]);
        } catch {
          /* the read failed: no record */
        }
      }
      tap.enter('d', ns, key);
      try {
        return apply(orig, this, args);
      } finally {
        tap.leave();
      }
    };
  }

  private registerPluginWrapper(orig: Fn, ctx: BusContext): Fn {
    const tap = this;
    return function (this: unknown, ...args: unknown[]) {
      const name = args[0];
      const record = tap.depth === 0 || !tap.nested('r', '', name);
      tap.enter('r', '', name);
      let result: unknown;
      try {
        result = apply(orig, this, args);
      } finally {
        tap.leave();
      }
      tap.onRegisterPlugin(ctx, name, result, record);
      return result;
    };
  }

  private enter(kind: string, actor: string, name: unknown): void {
    this.flightKind[this.depth] = kind;
    this.flightActor[this.depth] = actor;
    this.flightName[this.depth] = name;
    this.depth++;
  }

  private leave(): void {
    this.depth--;
    this.flightName[this.depth] = undefined;
  }

  private nested(kind: string, actor: string, name: unknown): boolean {
    for (let i = 0; i < this.depth; i++) {
      if (this.flightKind[i] === kind && this.flightActor[i] === actor && this.flightName[i] === name) return true;
    }
    return false;
  }

  /** An event inside the same publish, or inside the publisher's own data(key, value). */
  private nestedEvent(ns: string, evt: unknown): boolean {
    for (let i = 0; i < this.depth; i++) {
      if (this.flightActor[i] !== ns) continue;
      if (this.flightKind[i] === 'd' || (this.flightKind[i] === 'e' && this.flightName[i] === evt)) return true;
    }
    return false;
  }

  // ---------------------------------------------------------------------------------------------
  // Records (each method never throws into the page)

  private onEvent(ns: string, ctx: BusContext, via: EventVia, evt: unknown, data: unknown): void {
    try {
      const raw = data !== undefined ? data : {}; // the bus defaults data to {}
      const record: EventRecord = {
        t: 'event', seq: 0, time: this.now(), name: fullName(ns, evt), publisher: ns,
        via: this.syntheticDepth > 0 ? 'synthetic' : via, data: snapshot(raw) as never,
      };
      if (via === 'republish') ctx.sticky.set(record.name, { publisher: ns, data: record.data });
      this.batcher.add(record);
    } catch {
      /* never break the page's publish */
    }
  }

  private onCommand(ns: string, name: unknown, args: unknown[]): number {
    try {
      const id = this.nextCommandId++;
      const options = args.length > 1 && args[1] !== undefined ? args[1] : {};
      const record: CommandRecord = {
        t: 'command', seq: 0, time: this.now(), id, name: commandName(ns, name), commander: ns, options: snapshot(options) as never,
      };
      this.batcher.add(record);
      return id;
    } catch {
      return 0;
    }
  }

  /** Listens to the bus's deferred (done/fail; a `then` that does not chain), else a thenable. */
  private watchOutcome(id: number, result: unknown): void {
    try {
      if (!isObjectLike(result)) return;
      const r = result as Obj;
      const ok = (value: unknown) => this.settle(id, 'resolved', value);
      const fail = (reason: unknown) => this.settle(id, isCancel(reason) ? 'cancelled' : 'rejected', reason);
      if (typeof r.done === 'function' && typeof r.fail === 'function') {
        apply(r.done, r, [ok]);
        apply(r.fail, r, [fail]);
      } else if (typeof r.then === 'function') {
        apply(r.then, r, [ok, fail]);
      }
    } catch {
      /* no outcome: shown as pending */
    }
  }

  private settle(id: number, outcome: CommandOutcome, value: unknown): void {
    try {
      const record: OutcomeRecord = { t: 'outcome', seq: 0, time: this.now(), id, outcome, value: snapshot(value) as never };
      this.batcher.add(record);
    } catch {
      /* ignore */
    }
  }

  private onRegistration(ns: string, ctx: BusContext, action: Registration, first: unknown, result: unknown): void {
    try {
      let names: string[];
      let truncated = false;
      if (action === 'registerEvents') {
        const list = Array.isArray(first) ? first : [first];
        truncated = list.length > MAX_ARRAY_ITEMS;
        names = list.slice(0, MAX_ARRAY_ITEMS).map((e) => fullName(ns, e));
      } else if (action === 'registerCommand' || action === 'before') {
        names = [commandName(ns, first)];
      } else {
        names = [safeName(first).name];
      }
      const ok = result !== false;
      this.batcher.add(pluginRecord(this.now(), action, ns, names, ok, truncated));
      const sticky = action === 'subscribe' && ok ? ctx.sticky.get(names[0]) : undefined;
      if (sticky) {
        // The bus hands a late subscriber the stored data of a republished event at once.
        const replay: EventRecord = {
          t: 'event', seq: 0, time: this.now(), name: names[0], publisher: sticky.publisher, via: 'replay', subscriber: ns, data: sticky.data as never,
        };
        this.batcher.add(replay);
      }
    } catch {
      /* ignore */
    }
  }

  private onData(ns: string, key: unknown, last: unknown, value: unknown): void {
    try {
      const record: EventRecord = {
        t: 'event', seq: 0, time: this.now(), name: `${ns}.data.${safeName(key).name}`, publisher: ns, via: 'data',
        data: { last: snapshot(last), value: snapshot(value) } as never,
      };
      this.batcher.add(record);
    } catch {
      /* ignore */
    }
  }

  private onRegisterPlugin(ctx: BusContext, rawName: unknown, result: unknown, record: boolean): void {
    try {
      const name = safeName(rawName).name;
      const ok = isObjectLike(result);
      if (record) this.batcher.add(pluginRecord(this.now(), 'registerPlugin', name, [], ok, false));
      if (ok) this.tapInterface(result, name, ctx);
    } catch {
      /* ignore */
    }
  }

  private emit(record: unknown): void {
    try {
      if (!isObjectLike(record) || typeof (record as Obj).t !== 'string') return;
      const copied = safeCopy(record).value as unknown as CaptureRecord;
      if (!isObjectLike(copied) || typeof copied.t !== 'string') return; // e.g. an escaped `$cx` object
      copied.seq = 0;
      if (typeof copied.time !== 'number') copied.time = this.now();
      this.batcher.add(new Ready(copied));
    } catch {
      /* ignore */
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Status and sending

  private problem(text: string): void {
    if (this.problems.has(text) || this.problems.size >= 50) return;
    this.problems.add(text);
    this.statusChanged();
  }

  private statusChanged(): void {
    if (this.statusQueued) return;
    this.statusQueued = true;
    this.batcher.add(STATUS);
  }

  private send(items: Pending[]): void {
    try {
      this.rescan();
      const records: CaptureRecord[] = [];
      for (const item of items) {
        const record = this.finish(item);
        if (record) records.push(record);
      }
      if (!records.length) return;
      // One string: it crosses to the content script and on to the panel without being rebuilt.
      // Unless the page gave every object a toJSON, which would change what JSON says: then objects.
      const plainJson = !('toJSON' in objectPrototype) && !('toJSON' in arrayPrototype);
      this.env.post(plainJson
        ? { source: PAGE_SOURCE, v: PROTOCOL_VERSION, type: 'batch', json: stringify(records), count: records.length }
        : { source: PAGE_SOURCE, v: PROTOCOL_VERSION, type: 'batch', records });
    } catch {
      /* a batch lost to a broken postMessage must not break the page */
    }
  }

  /** Turns a pending item into the record to send: the deep, bounded copy happens here. */
  private finish(item: Pending): CaptureRecord | null {
    if (item === STATUS) {
      this.statusQueued = false;
      const status: HookStatus = {
        cxbus: this.cxbus, quickBus: this.quickBus !== null, plugins: [...this.plugins], problems: [...this.problems],
      };
      if (this.transport) status.transport = this.transport;
      const json = JSON.stringify(status);
      if (json === this.lastStatus) return null;
      this.lastStatus = json;
      return { t: 'status', seq: 0, time: this.now(), status };
    }
    if (item instanceof Ready) return item.record;
    const record = item as CaptureRecord;
    if (record.t === 'event') copyField(record, 'data');
    else if (record.t === 'command') copyField(record, 'options');
    else if (record.t === 'outcome') copyField(record, 'value');
    return record;
  }

  private ctxOf(bus: object | null): BusContext {
    return (bus && this.tapped.get(bus)?.ctx) || newContext();
  }

  private namespaceOf(iface: object, fallback: string): string {
    try {
      const ns = apply((iface as Obj).namespace as Fn, iface, []);
      if (typeof ns === 'string' && ns) return ns;
    } catch {
      /* fallback */
    }
    return fallback;
  }

  /** obj[key] for a page object; undefined if it is not an object or the read throws. */
  private read(obj: unknown, key: string): unknown {
    if (!isObjectLike(obj)) return undefined;
    try {
      return (obj as Obj)[key];
    } catch {
      return undefined;
    }
  }
}

function newContext(): BusContext {
  return { sticky: new Map() };
}

function isObjectLike(value: unknown): value is object {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}

function isCancel(reason: unknown): boolean {
  if (reason === CANCEL_MESSAGE) return true;
  try {
    return isObjectLike(reason) && (reason as Obj).message === CANCEL_MESSAGE;
  } catch {
    return false;
  }
}

/** Replaces obj[name] keeping its attributes; false when it is read-only or an accessor. */
function replaceMethod(obj: Obj, name: string, wrapper: Fn): boolean {
  try {
    const desc = getOwnPropertyDescriptor(obj, name);
    if (!desc) {
      // Inherited (a class-based bus): shadow it on the instance, hidden from enumeration.
      return isExtensible(obj) && Reflect.defineProperty(obj, name, { value: wrapper, writable: true, enumerable: false, configurable: true });
    }
    if (!('value' in desc) || (!desc.writable && !desc.configurable)) return false;
    return Reflect.defineProperty(obj, name, { ...desc, value: wrapper });
  } catch {
    return false;
  }
}

/** `<ns>.<evt>`: the bus always prefixes a published event with the publisher's namespace. */
function fullName(ns: string, evt: unknown): string {
  return ns + '.' + (typeof evt === 'string' ? evt : safeName(evt).name);
}

/** A command name without a dot belongs to the caller's namespace. */
function commandName(ns: string, name: unknown): string {
  const s = typeof name === 'string' ? name : safeName(name).name;
  return s.indexOf('.') < 0 ? ns + '.' + s : s;
}

function pluginRecord(time: number, action: PluginRecord['action'], plugin: string, names: string[], ok: boolean, truncated: boolean): PluginRecord {
  const record: PluginRecord = { t: 'plugin', seq: 0, time, action, plugin, names, ok };
  if (truncated) record.truncated = true;
  return record;
}

/**
 * The hot-path copy: the top level of a plain object, with a spread (the engine's fast object
 * clone), so a subscriber or `before` hook that changes a top-level field after the call does not
 * change what we show; anything else by reference. The deep, bounded copy happens at the flush.
 */
function snapshot(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  try {
    return getPrototypeOf(value) === objectProto ? { ...value } : value;
  } catch {
    return value; // a throwing getter or proxy trap: the flush-time copy marks it
  }
}

function copyField<R extends CaptureRecord>(record: R, field: keyof R): void {
  const { value, truncated } = safeCopy(record[field]);
  (record as unknown as Obj)[field as string] = value;
  if (truncated) record.truncated = true;
}
