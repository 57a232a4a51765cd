// Wrapping the bus's methods where they live, so that every call the page makes through them is
// recorded (bus-recorder.ts) and then runs exactly as it would have: same this, arguments, result
// and exceptions.
//
// A wrapper is a Proxy of the original method with an `apply` trap only: it has the original's
// own properties (length, name, prototype), prototype, typeof and constructibility (`new` reaches
// the original, unrecorded, and throws where the original throws). What still differs: identity,
// and Function.prototype.toString, which shows `function () { [native code] }` for any proxy.
// A method the object has as its own property (the real CXBus: closures, one set per plugin
// interface) is replaced in place, keeping the property's attributes; an inherited one (a
// class-based bus) is wrapped on the prototype that has it, so nothing is added to the page's
// objects, and the wrapper finds the namespace of each call from its `this`.
import { safeName } from './safe-copy';
import { watchOutcome } from './command-outcome';
import { REGISTRATIONS, type BusContext, type BusRecorder, type Registration } from './bus-recorder';
import { isObjectLike, type Fn } from './page-objects';
import type { EventVia } from '../shared/protocol';

/** What the wrappers report back to the hook. */
export interface WrapperHost {
  problem(text: string): void;
  /** registerPlugin returned this interface: tap it and list it. */
  pluginInterface(iface: object, name: string, ctx: BusContext): void;
}

const EVENT_VIA = { publish: 'publish', publishDirect: 'publishDirect', republish: 'republish' } as const;

const { getOwnPropertyDescriptor, getPrototypeOf } = Object;
const { apply, defineProperty } = Reflect;
const NativeProxy = Proxy;
/** Prototypes shared by every object or function of the page: never wrapped. */
const BUILT_IN_PROTOTYPES: unknown[] = [Object.prototype, Function.prototype];

/** The namespace and bus a call is made for. */
interface Binding {
  ns: string;
  ctx: BusContext;
}

/** What a wrapper does around the original call. */
type Body = (orig: Fn, self: unknown, args: unknown[], at: Binding) => unknown;
/** The publish methods' wrappers: their own trap (eventWrapper). */
const EVENT = Symbol('event');

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
    const failed: string[] = [];
    let tapped = false;
    const consider = (method: string, body: Body | typeof EVENT) => {
      const found = findMethod(obj, method);
      if (!found) return;
      const current = found.desc.value;
      if (this.wrappers.has(current)) {
        tapped = true;
        return;
      }
      // Own: this object's binding, whatever `this` the page calls it with (the real bus's
      // methods are closures). Inherited: the binding of each call's `this`.
      const own = found.holder === obj;
      const fixed = own ? { ns, ctx } : null;
      const wrapper = body === EVENT ? this.eventWrapper(current, EVENT_VIA[method as keyof typeof EVENT_VIA], fixed) : this.wrapper(current, body, fixed);
      if (!own && BUILT_IN_PROTOTYPES.includes(found.holder)) failed.push(method);
      else if (replaceMethod(found.holder, method, found.desc, wrapper)) tapped = true;
      else failed.push(method);
    };
    for (const method of ['publish', 'publishDirect', 'republish'] as const) consider(method, EVENT);
    consider('command', this.commandBody());
    for (const action of REGISTRATIONS) consider(action, this.registrationBody(action));
    consider('data', this.dataBody());
    consider('registerPlugin', this.registerPluginBody());
    if (failed.length) {
      const all = !tapped;
      this.host.problem(all
        ? `${label} is frozen: its calls are not captured`
        : `${label}: ${failed.join(', ')} cannot be wrapped (read-only): those calls are not captured`);
    }
    return tapped ? 'tapped' : failed.length ? 'frozen' : 'empty';
  }

  /** A Proxy of orig whose apply trap runs body with the call's binding (none: the call runs untouched). */
  private wrapper(orig: Fn, body: Body, fixed: Binding | null): Fn {
    const tapped = this.tapped;
    return this.proxy(orig, function (target, self, args) {
      const at = fixed ?? (isObjectLike(self) ? tapped.get(self) : undefined);
      return at ? body(target, self, args, at) : apply(target, self, args);
    });
  }

  /**
   * The hot path (every publish): a record and the call, in the trap itself. While the original
   * runs, the trap is CX Lens's only frame on the stack: with DevTools open, every setTimeout the
   * bus makes under it records the stack for async stack traces, at a cost per frame.
   */
  private eventWrapper(orig: Fn, via: EventVia, fixed: Binding | null): Fn {
    const tap = this;
    const tapped = this.tapped;
    const recorder = this.recorder;
    return this.proxy(orig, function (target, self, args) {
      const at = fixed ?? (isObjectLike(self) ? tapped.get(self) : undefined);
      if (!at) return apply(target, self, args);
      const evt = args[0];
      if (tap.depth === 0 || !tap.nestedEvent(at.ns, evt)) recorder.event(at.ns, at.ctx, via, evt, args.length > 1 ? args[1] : undefined);
      tap.enter('e', at.ns, evt);
      try {
        return apply(target, self, args);
      } finally {
        tap.leave();
      }
    });
  }

  private proxy(orig: Fn, trap: (target: Fn, self: unknown, args: unknown[]) => unknown): Fn {
    const wrapper = new NativeProxy(orig, { apply: trap });
    this.wrappers.add(wrapper);
    return wrapper;
  }

  private commandBody(): Body {
    const tap = this;
    const recorder = this.recorder;
    return (orig, self, args, { ns }) => {
      const name = args[0];
      const id = tap.depth === 0 || !tap.nested('c', ns, name) ? recorder.command(ns, name, args) : 0;
      tap.enter('c', ns, name);
      let result: unknown;
      try {
        result = apply(orig, self, args);
      } catch (error) {
        if (id) recorder.outcome(id, 'rejected', error);
        throw error;
      } finally {
        tap.leave();
      }
      return id ? watchOutcome(result, (outcome, value) => recorder.outcome(id, outcome, value)) : result;
    };
  }

  private registrationBody(action: Registration): Body {
    const tap = this;
    return (orig, self, args, { ns, ctx }) => {
      const first = args[0];
      const record = tap.depth === 0 || !tap.nested(action, ns, first);
      const result = tap.call(action, ns, first, orig, self, args);
      if (record) tap.recorder.registration(ns, ctx, action, first, result);
      return result;
    };
  }

  private dataBody(): Body {
    const tap = this;
    return (orig, self, args, { ns }) => {
      if (args.length < 2) return apply(orig, self, args); // a read
      const key = args[0];
      if (tap.depth === 0 || !tap.nested('d', ns, key)) {
        // The bus publishes `<P>.data.<key>` only when the value changes: read the old one first.
        try {
          const last = apply(orig, self, [key]);
          if (last !== args[1]) tap.recorder.data(ns, key, last, args[1]);
        } catch {
          /* the read failed: no record */
        }
      }
      return tap.call('d', ns, key, orig, self, args);
    };
  }

  private registerPluginBody(): Body {
    const tap = this;
    return (orig, self, args, { ctx }) => {
      const name = args[0];
      const record = tap.depth === 0 || !tap.nested('r', '', name);
      const result = tap.call('r', '', name, orig, self, args);
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

/** Where obj's method lives: on obj or a prototype (at most a few levels up), as a data property. */
function findMethod(obj: object, name: string): { holder: object; desc: PropertyDescriptor & { value: Fn } } | null {
  try {
    let at: object | null = obj;
    for (let i = 0; at !== null && i < 8; i++) {
      const desc = getOwnPropertyDescriptor(at, name);
      if (desc) return 'value' in desc && typeof desc.value === 'function' ? { holder: at, desc: desc as PropertyDescriptor & { value: Fn } } : null;
      at = getPrototypeOf(at);
    }
  } catch {
    /* a hostile object: nothing to wrap */
  }
  return null;
}

/** Replaces holder[name] keeping its attributes; false when it is read-only. */
function replaceMethod(holder: object, name: string, desc: PropertyDescriptor, wrapper: Fn): boolean {
  try {
    if (!desc.writable && !desc.configurable) return false;
    return defineProperty(holder, name, { ...desc, value: wrapper });
  } catch {
    return false;
  }
}
