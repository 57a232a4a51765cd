import { safeName } from './safe-copy';
import { BusRecorder, newContext, type BusContext } from './bus-recorder';
import { BusWrappers } from './bus-wrappers';
import { ChatFactsWatch } from './chat-facts';
import type { HookEnv } from './page-env';
import { isObjectLike, read, type Fn, type Obj } from './page-objects';
import { PROTOCOL_VERSION, type HookStatus } from '../shared/protocol';
import { HOOK_KEY, type HookHandle } from '../shared/hook-handle';

// The hook's API in one import: the page hook entry and the tests use these.
export { HOOK_KEY, type HookHandle } from '../shared/hook-handle';
export { IDLE_TIMEOUT_MS, pageEnv, type HookEnv } from './page-env';
export { CANCEL_MESSAGE } from './command-outcome';

/**
 * The page hook's logic: taps the Genesys bus of a window (CXBus and `_genesys.widgets.bus`) and
 * posts what it sees as batches of CaptureRecords. Written against a window-like object so it
 * runs in node tests; src/page/page-hook.iife.ts calls installHook(window) at document_start.
 * This file finds the bus; bus-wrappers.ts wraps its methods, bus-recorder.ts makes and sends the
 * records.
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
 */

const { getOwnPropertyDescriptor, defineProperty, isExtensible, keys: objectKeys } = Object;
const { apply } = Reflect;

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
  private readonly recorder: BusRecorder;
  private readonly wrappers: BusWrappers;
  private readonly interfaces = new Map<string, object>();

  // Status (HookStatus), sent when it changes.
  private cxbus: HookStatus['cxbus'] = 'absent';
  private currentBus: object | null = null;
  private quickBus: object | null = null;
  private readonly plugins: string[] = [];
  private readonly problems = new Set<string>();
  private transport: HookStatus['transport'];
  private readonly chat: ChatFactsWatch;

  constructor(private readonly win: Obj, env: HookEnv) {
    this.recorder = new BusRecorder(env, () => this.status(), () => this.rescan());
    this.chat = new ChatFactsWatch(win, env, () => this.recorder.statusChanged());
    this.wrappers = new BusWrappers(this.recorder, {
      problem: (text) => this.problem(text),
      pluginInterface: (iface, name, ctx) => this.tapInterface(iface, name, ctx),
    });
    const recorder = this.recorder;
    this.handle = {
      version: PROTOCOL_VERSION,
      interfaces: this.interfaces,
      emit: (record) => recorder.emit(record),
      synthetic: (fn) => recorder.synthetic(fn),
    };
  }

  start(): void {
    this.recorder.statusChanged();
    const late = read(this.win, 'CXBus') != null || this.quickBusOnPage() != null;
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
    const current = read(this.win, key);
    if (current != null) onValue(current);
    return watching;
  }

  private onCXBus(bus: unknown): void {
    if (!isObjectLike(bus)) return;
    if (bus !== this.currentBus) {
      this.currentBus = bus;
      this.recorder.statusChanged();
    }
    const result = this.wrappers.tap(bus, 'CXBus', this.ctxOf(bus), 'CXBus');
    // A bus object without methods yet (filled in after the assignment) stays 'absent' until a
    // later check finds them.
    const state = result === 'tapped' ? 'tapped' : result === 'frozen' ? 'untappable' : this.cxbus;
    if (state !== this.cxbus) {
      this.cxbus = state;
      this.recorder.statusChanged();
    }
  }

  /** Checks what may have appeared or changed without an assignment we could see. */
  private rescan(): void {
    try {
      const bus = read(this.win, 'CXBus');
      if (bus != null) this.onCXBus(bus);
      const quick = this.quickBusOnPage();
      if (isObjectLike(quick)) {
        const known = this.wrappers.known(quick);
        const ns = known?.ns ?? this.namespaceOf(quick, 'QuickBus');
        this.wrappers.tap(quick, ns, known?.ctx ?? this.ctxOf(this.currentBus), 'plugin ' + ns);
        if (quick !== this.quickBus) {
          this.quickBus = quick;
          this.knowInterface(ns, quick);
          this.recorder.statusChanged();
        }
      }
      const transport = this.readTransport();
      if (JSON.stringify(transport) !== JSON.stringify(this.transport)) {
        this.transport = transport;
        this.recorder.statusChanged();
      }
      if (this.chat.check()) this.recorder.statusChanged();
    } catch {
      /* a hostile page object: try again at the next check */
    }
  }

  private quickBusOnPage(): unknown {
    return read(read(read(this.win, '_genesys'), 'widgets'), 'bus');
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
    const t = read(read(read(read(this.win, '_genesys'), 'widgets'), 'webchat'), 'transport');
    if (!isObjectLike(t)) return undefined;
    // Only these three fields: never the headers (x-api-key).
    const out: NonNullable<HookStatus['transport']> = {};
    const type = read(t, 'type');
    const dataURL = read(t, 'dataURL');
    const enabled = read(read(t, 'async'), 'enabled');
    if (typeof type === 'string') out.type = safeName(type).name;
    if (typeof dataURL === 'string') out.dataURL = safeName(dataURL).name;
    if (typeof enabled === 'boolean') out.asyncEnabled = enabled;
    return out;
  }

  private tapInterface(iface: object, name: string, ctx: BusContext): void {
    this.knowInterface(name, iface);
    this.wrappers.tap(iface, name, ctx, 'plugin ' + name);
  }

  private knowInterface(name: string, iface: object): void {
    if (this.interfaces.get(name) === iface) return;
    this.interfaces.set(name, iface);
    if (!this.plugins.includes(name)) this.plugins.push(name);
    this.recorder.statusChanged();
  }

  private problem(text: string): void {
    if (this.problems.has(text) || this.problems.size >= 50) return;
    this.problems.add(text);
    this.recorder.statusChanged();
  }

  private status(): HookStatus {
    const status: HookStatus = {
      cxbus: this.cxbus, quickBus: this.quickBus !== null, plugins: [...this.plugins], problems: [...this.problems],
    };
    if (this.transport) status.transport = this.transport;
    const chat = this.chat.facts();
    if (chat) status.chat = chat;
    return status;
  }

  private ctxOf(bus: object | null): BusContext {
    return (bus && this.wrappers.known(bus)?.ctx) || newContext();
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
}
