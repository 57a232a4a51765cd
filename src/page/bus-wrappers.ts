// Wrapping the bus's methods in place, so that every call the page makes through them is recorded
// (bus-recorder.ts) and then runs exactly as it would have: same this, arguments, result and
// exceptions.
import { safeName } from './safe-copy';
import { watchOutcome } from './command-outcome';
import { REGISTRATIONS, type BusContext, type BusRecorder, type Registration } from './bus-recorder';
import { isObjectLike, read, type Fn, type Obj } from './page-objects';
import type { EventVia } from '../shared/protocol';

/** What the wrappers report back to the hook. */
export interface WrapperHost {
  problem(text: string): void;
  /** registerPlugin returned this interface: tap it and list it. */
  pluginInterface(iface: object, name: string, ctx: BusContext): void;
}

const EVENT_VIA = { publish: 'publish', publishDirect: 'publishDirect', republish: 'republish' } as const;

const { getOwnPropertyDescriptor, isExtensible } = Object;
const { apply } = Reflect;

export class BusWrappers {
  /** Every object we wrapped (buses and interfaces), with its namespace and bus. */
  private readonly tapped = new WeakMap<object, { ns: string; ctx: BusContext }>();
  private readonly wrappers = new WeakSet<Function>();

  // Calls in progress (synchronous nesting), to record a call that a wrapped method makes through
  // another wrapped method only once: e.g. a global CXBus.command delegating to the CXBus plugin's
  // command, publishDirect calling publish, data(key, value) publishing `<P>.data.<key>`.
  private depth = 0;
  private readonly flightKind: string[] = [];
  private readonly flightActor: string[] = [];
  private readonly flightName: unknown[] = [];

  constructor(private readonly recorder: BusRecorder, private readonly host: WrapperHost) {}

  /** The namespace and bus of an object wrapped before. */
  known(obj: object): { ns: string; ctx: BusContext } | undefined {
    return this.tapped.get(obj);
  }

  /**
   * Wraps in place every bus method `obj` has (idempotent: our wrappers are left as they are).
   * 'tapped' when at least one method is ours now, 'frozen' when none could be wrapped, 'empty'
   * when it has no bus method. Methods that cannot be wrapped are reported.
   */
  tap(obj: object, ns: string, ctx: BusContext, label: string): 'tapped' | 'frozen' | 'empty' {
    if (!this.tapped.has(obj)) this.tapped.set(obj, { ns, ctx });
    const o = obj as Obj;
    const failed: string[] = [];
    let tapped = false;
    const consider = (method: string, wrap: (orig: Fn) => Fn) => {
      const current = read(o, method);
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
      this.host.problem(all
        ? `${label} is frozen: its calls are not captured`
        : `${label}: ${failed.join(', ')} cannot be wrapped (read-only): those calls are not captured`);
    }
    return tapped ? 'tapped' : failed.length ? 'frozen' : 'empty';
  }

  private eventWrapper(orig: Fn, ns: string, ctx: BusContext, via: EventVia): Fn {
    const tap = this;
    const recorder = this.recorder;
    // The hot path. `arguments` (not a rest array) is passed straight to the original, so the
    // engine need not build an array per call; the same arguments, count included, reach it.
    return function (this: unknown, evt?: unknown, data?: unknown) {
      if (tap.depth === 0 || !tap.nestedEvent(ns, evt)) recorder.event(ns, ctx, via, evt, arguments.length > 1 ? data : undefined);
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
    const recorder = this.recorder;
    return function (this: unknown, ...args: unknown[]) {
      const name = args[0];
      const id = tap.depth === 0 || !tap.nested('c', ns, name) ? recorder.command(ns, name, args) : 0;
      tap.enter('c', ns, name);
      let result: unknown;
      try {
        result = apply(orig, this, args);
      } catch (error) {
        if (id) recorder.outcome(id, 'rejected', error);
        throw error;
      } finally {
        tap.leave();
      }
      if (id) watchOutcome(result, (outcome, value) => recorder.outcome(id, outcome, value));
      return result;
    };
  }

  private registrationWrapper(orig: Fn, ns: string, ctx: BusContext, action: Registration): Fn {
    const tap = this;
    return function (this: unknown, ...args: unknown[]) {
      const first = args[0];
      const record = tap.depth === 0 || !tap.nested(action, ns, first);
      const result = tap.call(action, ns, first, orig, this, args);
      if (record) tap.recorder.registration(ns, ctx, action, first, result);
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
          if (last !== args[1]) tap.recorder.data(ns, key, last, args[1]);
        } catch {
          /* the read failed: no record */
        }
      }
      return tap.call('d', ns, key, orig, this, args);
    };
  }

  private registerPluginWrapper(orig: Fn, ctx: BusContext): Fn {
    const tap = this;
    return function (this: unknown, ...args: unknown[]) {
      const name = args[0];
      const record = tap.depth === 0 || !tap.nested('r', '', name);
      const result = tap.call('r', '', name, orig, this, args);
      tap.registered(ctx, name, result, record);
      return result;
    };
  }

  private registered(ctx: BusContext, rawName: unknown, result: unknown, record: boolean): void {
    try {
      const name = safeName(rawName).name;
      const ok = isObjectLike(result);
      if (record) this.recorder.pluginRegistered(name, ok);
      if (ok) this.host.pluginInterface(result, name, ctx);
    } catch {
      /* ignore */
    }
  }

  /** Calls the page's original method, marked as in flight while it runs. */
  private call(kind: string, actor: string, name: unknown, orig: Fn, self: unknown, args: unknown[]): unknown {
    this.enter(kind, actor, name);
    try {
      return apply(orig, self, args);
    } finally {
      this.leave();
    }
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
