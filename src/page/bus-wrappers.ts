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
//
// The traps use no built-in a page can replace after the hook loaded (the WeakMap and WeakSet
// methods and Reflect.apply are taken at load; the rest is syntax), and whatever fails in the
// hook's part of a call is caught and counted (BusRecorder.missed): the page's own call then runs
// as it would without CX Lens, and the panel shows that frame's capture as partial.
import { safeName } from './safe-copy';
import { watchOutcome } from './command-outcome';
import { REGISTRATIONS, type BusContext, type BusRecorder, type Registration } from './bus-recorder';
import { append, contains, isObjectLike, uncurryThis, type Fn } from './page-objects';
import type { EventVia } from '../shared/protocol';

/** What the wrappers report back to the hook. */
export interface WrapperHost {
  problem(text: string): void;
  /** registerPlugin returned this interface: tap it and list it. */
  pluginInterface(iface: object, name: string, ctx: BusContext): void;
}

const EVENT_VIA = { publish: 'publish', publishDirect: 'publishDirect', republish: 'republish' } as const;

const { getOwnPropertyDescriptor, getPrototypeOf, create: objectCreate } = Object;
const { apply, defineProperty } = Reflect;
const NativeProxy = Proxy;
const weakMapGet = uncurryThis(WeakMap.prototype.get) as (map: WeakMap<object, Binding>, key: unknown) => Binding | undefined;
const weakMapSet = WeakMap.prototype.set;
const weakMapHas = WeakMap.prototype.has;
const weakSetHas = WeakSet.prototype.has;
const weakSetAdd = WeakSet.prototype.add;
/** Prototypes shared by every object or function of the page: never wrapped. */
const BUILT_IN_PROTOTYPES: unknown[] = [Object.prototype, Function.prototype];
const EVENT_METHODS = ['publish', 'publishDirect', 'republish'] as const;

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
    return weakMapGet(this.tapped, obj);
  }

  /**
   * Wraps in place every bus method `obj` has (idempotent: our wrappers are left as they are).
   * 'tapped' when at least one method is ours now, 'frozen' when none could be wrapped, 'empty'
   * when it has no bus method. Methods that cannot be wrapped are reported.
   */
  tap(obj: object, ns: string, ctx: BusContext, label: string): 'tapped' | 'frozen' | 'empty' {
    if (!apply(weakMapHas, this.tapped, [obj])) apply(weakMapSet, this.tapped, [obj, { ns, ctx }]);
    const failed: string[] = [];
    let tapped = false;
    const consider = (method: string, body: Body | typeof EVENT) => {
      const found = findMethod(obj, method);
      if (!found) return;
      const current = found.desc.value;
      if (apply(weakSetHas, this.wrappers, [current])) {
        tapped = true;
        return;
      }
      // Own: this object's binding, whatever `this` the page calls it with (the real bus's
      // methods are closures). Inherited: the binding of each call's `this`.
      const own = found.holder === obj;
      const fixed = own ? { ns, ctx } : null;
      const wrapper = body === EVENT ? this.eventWrapper(current, EVENT_VIA[method as keyof typeof EVENT_VIA], fixed) : this.wrapper(current, body, fixed);
      if (!own && contains(BUILT_IN_PROTOTYPES, found.holder)) append(failed, method);
      else if (replaceMethod(found.holder, method, found.desc, wrapper)) tapped = true;
      else append(failed, method);
    };
    for (let i = 0; i < EVENT_METHODS.length; i++) consider(EVENT_METHODS[i]!, EVENT);
    consider('command', this.commandBody());
    for (let i = 0; i < REGISTRATIONS.length; i++) consider(REGISTRATIONS[i]!, this.registrationBody(REGISTRATIONS[i]!));
    consider('data', this.dataBody());
    consider('registerPlugin', this.registerPluginBody());
    if (failed.length) {
      const all = !tapped;
      let list = '';
      for (let i = 0; i < failed.length; i++) list += (i ? ', ' : '') + failed[i];
      this.host.problem(all
        ? `${label} is frozen: its calls are not captured`
        : `${label}: ${list} cannot be wrapped (read-only): those calls are not captured`);
    }
    return tapped ? 'tapped' : failed.length ? 'frozen' : 'empty';
  }

  /** A Proxy of orig whose apply trap runs body with the call's binding (none: the call runs untouched). */
  private wrapper(orig: Fn, body: Body, fixed: Binding | null): Fn {
    const tapped = this.tapped;
    const tap = this;
    return this.proxy(orig, function (target, self, args) {
      let at: Binding | undefined;
      try {
        at = fixed ?? (isObjectLike(self) ? weakMapGet(tapped, self) : undefined);
      } catch (error) {
        tap.recorder.missed++;
        tap.recorder.firstMiss ??= { what: 'recording a call', error };
        try {
          tap.recorder.statusChanged();
        } catch {
          /* the stack spent: the next status says so */
        }
      }
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
      let entered = false;
      let recorded = false;
      try {
        const at = fixed ?? (isObjectLike(self) ? weakMapGet(tapped, self) : undefined);
        if (at) {
          const evt = args.length > 0 ? args[0] : undefined;
          if (tap.depth === 0 || !tap.nestedEvent(at.ns, evt)) recorder.event(at.ns, at.ctx, via, evt, args.length > 1 ? args[1] : undefined);
          recorded = true;
          tap.enter('e', at.ns, evt);
          entered = true;
        }
      } catch (error) {
        if (!recorded) {
          recorder.missed++;
          recorder.firstMiss ??= { what: 'recording an event', error };
          try {
            recorder.statusChanged();
          } catch {
            /* the stack spent: the next status says so */
          }
        }
      }
      if (!entered) return apply(target, self, args);
      try {
        return apply(target, self, args);
      } finally {
        tap.depth--; // leave(), inline: nothing that could throw here
        tap.flightName[tap.depth] = undefined;
      }
    });
  }

  /** The wrapper: a Proxy of orig with only an apply trap. Its handler has no prototype, so that a
   *  page that puts a `get` or `has` on Object.prototype does not give the proxy a trap. */
  private proxy(orig: Fn, trap: (target: Fn, self: unknown, args: unknown[]) => unknown): Fn {
    const handler = objectCreate(null) as ProxyHandler<Fn>;
    handler.apply = trap;
    const wrapper = new NativeProxy(orig, handler);
    apply(weakSetAdd, this.wrappers, [wrapper]);
    return wrapper;
  }

  private commandBody(): Body {
    const tap = this;
    const recorder = this.recorder;
    return (orig, self, args, { ns }) => {
      let id = 0; // 0: not recorded here (nested in the same command, or recording failed)
      let recorded = false;
      try {
        const name = args.length > 0 ? args[0] : undefined;
        if (tap.depth === 0 || !tap.nested('c', ns, name)) id = recorder.command(ns, name, args);
        recorded = true;
        tap.enter('c', ns, name);
      } catch (error) {
        if (!recorded) {
          recorder.missed++;
          recorder.firstMiss ??= { what: 'recording a command', error };
          try {
            recorder.statusChanged();
          } catch {
            /* the stack spent: the next status says so */
          }
        }
        return apply(orig, self, args); // its outcome is not watched: the command shows as pending
      }
      let result: unknown;
      try {
        result = apply(orig, self, args);
      } catch (error) {
        if (id) recorder.outcome(id, 'rejected', error);
        throw error;
      } finally {
        tap.depth--;
        tap.flightName[tap.depth] = undefined;
      }
      return id ? watchOutcome(result, (outcome, value) => recorder.outcome(id, outcome, value)) : result;
    };
  }

  private registrationBody(action: Registration): Body {
    const tap = this;
    return (orig, self, args, { ns, ctx }) => {
      let first: unknown;
      let record: boolean;
      try {
        first = args.length > 0 ? args[0] : undefined;
        record = tap.depth === 0 || !tap.nested(action, ns, first);
      } catch (error) {
        tap.recorder.missed++;
        tap.recorder.firstMiss ??= { what: 'recording a registration', error };
        try {
          tap.recorder.statusChanged();
        } catch {
          /* the stack spent: the next status says so */
        }
        return apply(orig, self, args);
      }
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
      try {
        if (tap.depth === 0 || !tap.nested('d', ns, key)) {
          // The bus publishes `<P>.data.<key>` only when the value changes: read the old one first.
          try {
            const last = apply(orig, self, [key]);
            if (last !== args[1]) tap.recorder.data(ns, key, last, args[1]);
          } catch {
            /* the page's read failed: no record */
          }
        }
      } catch (error) {
        tap.recorder.missed++;
        tap.recorder.firstMiss ??= { what: 'recording a data change', error };
        try {
          tap.recorder.statusChanged();
        } catch {
          /* the stack spent: the next status says so */
        }
      }
      return tap.call('d', ns, key, orig, self, args);
    };
  }

  private registerPluginBody(): Body {
    const tap = this;
    return (orig, self, args, { ctx }) => {
      let name: unknown;
      let record: boolean;
      try {
        name = args.length > 0 ? args[0] : undefined;
        record = tap.depth === 0 || !tap.nested('r', '', name);
      } catch (error) {
        tap.recorder.missed++;
        tap.recorder.firstMiss ??= { what: 'recording a plugin', error };
        try {
          tap.recorder.statusChanged();
        } catch {
          /* the stack spent: the next status says so */
        }
        return apply(orig, self, args);
      }
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
    } catch (error) {
      this.recorder.missed++;
      this.recorder.firstMiss ??= { what: 'tapping a plugin interface', error };
      try {
        this.recorder.statusChanged();
      } catch {
        /* the stack spent: the next status says so */
      }
    }
  }

  /** Calls the page's original method, marked as in flight while it runs. */
  private call(kind: string, actor: string, name: unknown, orig: Fn, self: unknown, args: unknown[]): unknown {
    try {
      this.enter(kind, actor, name);
    } catch (error) {
      this.recorder.missed++;
      this.recorder.firstMiss ??= { what: 'recording a call', error };
      try {
        this.recorder.statusChanged();
      } catch {
        /* the stack spent: the next status says so */
      }
      return apply(orig, self, args);
    }
    try {
      return apply(orig, self, args);
    } finally {
      this.depth--;
      this.flightName[this.depth] = undefined;
    }
  }

  private enter(kind: string, actor: string, name: unknown): void {
    this.flightKind[this.depth] = kind;
    this.flightActor[this.depth] = actor;
    this.flightName[this.depth] = name;
    this.depth++;
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
