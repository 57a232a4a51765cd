import { safeName } from './safe-copy';
import { BusRecorder, newContext, type BusContext } from './bus-recorder';
import { BusWrappers } from './bus-wrappers';
import { ChatFactsWatch } from './chat-facts';
import type { HookEnv } from './page-env';
import { append, contains, isObjectLike, markHookGetter, readData, type Fn, type Obj } from './page-objects';
import { PROTOCOL_VERSION, type HookStatus } from '../shared/protocol';
import { answerRequests, hookHandleOf, type HookHandle } from '../shared/hook-handle';
import { watchDocumentRewrites } from './rewrite-watch';
import { muteList } from '../shared/mutes';

// The hook's API in one import: the page hook entry and the tests use these.
export { hookHandleOf, type HookHandle } from '../shared/hook-handle';
export { IDLE_TIMEOUT_MS, hookPort, pageEnv, type HookEnv } from './page-env';
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
 *   These reads run no page getter (readData): a bus or config the page hides behind its own
 *   getter is not found. What runs at each batch uses no built-in a page can replace after load
 *   (page-objects.ts).
 * - Plugin interfaces are wrapped in place when `registerPlugin` returns, before the page sees
 *   them; a frozen one is reported, never forced.
 */

const { getOwnPropertyDescriptor, defineProperty, isExtensible, keys: objectKeys } = Object;
const { apply } = Reflect;
const { stringify } = JSON;
const mapGet = Map.prototype.get;
const mapSet = Map.prototype.set;
const mapHas = Map.prototype.has;

/** Hooks installed by this copy of the hook script (a second copy finds the first by asking). */
const installed = new WeakMap<object, HookHandle>();

/** Installs the hook on `win` once; a second call returns the first handle. Never throws. Leaves
 *  nothing on the window: CX Lens's other scripts ask for the handle with an event (hook-handle.ts). */
export function installHook(win: object, env: HookEnv): HookHandle {
  const existing = installed.get(win) ?? hookHandleOf(win);
  if (existing) return existing as HookHandle;
  const tap = new BusTap(win as Obj, env);
  installed.set(win, tap.handle);
  try {
    const answerAgain = answerRequests(win, tap.handle, (record) => tap.ownRecord(record));
    const doc = (win as { document?: unknown }).document;
    if (doc) {
      watchDocumentRewrites(doc as Document, (rewritten) => {
        answerAgain();
        if (rewritten) tap.documentRewritten();
      });
    }
  } catch {
    /* no events on this window: the tap still records */
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
  private readonly problems: string[] = [];
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
    // The content script's messages on the private port: the muted names (never from the page).
    env.onControl?.((data) => {
      if (readData(data, 'type') === 'mute') recorder.setMuted(muteList(readData(data, 'names')));
    });
    this.handle = Object.freeze({
      version: PROTOCOL_VERSION,
      interfaces: this.interfaces,
      emit: (record: unknown, key?: string | null) => recorder.handed(record, key),
      synthetic: <T>(fn: () => T): T => recorder.synthetic(fn),
    });
  }

  /** A record of CX Lens's own channel hook (linked privately at document_start). */
  ownRecord(record: unknown): void {
    this.recorder.emit(record);
  }

  start(): void {
    this.recorder.statusChanged();
    const late = readData(this.win, 'CXBus') != null || this.quickBusOnPage() != null;
    const watchedBus = this.watch('CXBus', (bus) => this.onCXBus(bus));
    this.watch('_genesys', () => this.rescan());
    if (!watchedBus && !this.currentBus) {
      this.problem('window.CXBus cannot be watched: a bus created later is found only at the next check (DOMContentLoaded, load, each batch)');
    }
    this.rescan();
    if (late) this.attachLate();
    const addEventListener = readData(this.win, 'addEventListener');
    if (typeof addEventListener === 'function') {
      for (const type of ['DOMContentLoaded', 'load']) {
        try {
          apply(addEventListener, this.win, [type, () => this.rescan(), true]);
        } catch {
          /* no events: the batch-time check remains */
        }
      }
    }
    // The first status goes out now, not on a timer: a page without a chat then costs no timer
    // at all (later checks send a status only when something changed).
    this.recorder.flushNow();
  }

  /** Turns window[key] into a transparent accessor that reports every assignment. */
  private watch(key: string, onValue: (value: unknown) => void): boolean {
    let watching = false;
    try {
      const desc = getOwnPropertyDescriptor(this.win, key);
      const canDefine = desc ? desc.configurable === true && 'value' in desc : isExtensible(this.win);
      if (canDefine) {
        let value = desc?.value;
        const get = () => value;
        markHookGetter(get);
        defineProperty(this.win, key, {
          configurable: true,
          enumerable: desc ? desc.enumerable : true,
          get,
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
    const current = readData(this.win, key);
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
      const bus = readData(this.win, 'CXBus');
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
      if (stringify(transport) !== stringify(this.transport)) {
        this.transport = transport;
        this.recorder.statusChanged();
      }
      if (this.chat.check()) this.recorder.statusChanged();
    } catch {
      /* a hostile page object: try again at the next check */
    }
  }

  private quickBusOnPage(): unknown {
    return readData(readData(readData(this.win, '_genesys'), 'widgets'), 'bus');
  }

  /** The hook came after the bus: tap the plugins it can still reach, name the others. */
  private attachLate(): void {
    const quick = this.quickBus as Obj | null;
    const bus = this.currentBus as Obj | null;
    let names: string[] | null = null;
    try {
      const registryOf = readData(quick, 'registry');
      const registry = typeof registryOf === 'function' ? apply(registryOf as Fn, quick, []) : null;
      if (isObjectLike(registry)) names = objectKeys(registry);
    } catch {
      /* names stay unknown */
    }
    if (!names) {
      this.problem('attached after the page created its bus: plugins registered earlier are not captured (their list is not reachable)');
      return;
    }
    const getInterface = readData(bus, 'getPluginInterface');
    const unreachable: string[] = [];
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      if (apply(mapHas, this.interfaces, [name]) || name === 'CXBus') continue;
      let iface: unknown = null;
      try {
        if (typeof getInterface === 'function') iface = apply(getInterface, bus, [name]);
      } catch {
        /* unreachable */
      }
      if (isObjectLike(iface)) this.tapInterface(iface, name, this.ctxOf(bus));
      else append(unreachable, name);
    }
    if (unreachable.length) {
      let list = '';
      for (let i = 0; i < unreachable.length; i++) list += (i ? ', ' : '') + unreachable[i];
      this.problem(`attached after the page created its bus: the publishes and commands of ${list} (registered earlier) are not captured`);
    }
  }

  private readTransport(): HookStatus['transport'] {
    // The page's configuration, read without running its getters.
    const t = readData(readData(readData(readData(this.win, '_genesys'), 'widgets'), 'webchat'), 'transport');
    if (!isObjectLike(t)) return undefined;
    // Only these three fields: never the headers (x-api-key).
    const out: NonNullable<HookStatus['transport']> = {};
    const type = readData(t, 'type');
    const dataURL = readData(t, 'dataURL');
    const enabled = readData(readData(t, 'async'), 'enabled');
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
    if (apply(mapGet, this.interfaces, [name]) === iface) return;
    apply(mapSet, this.interfaces, [name, iface]);
    if (!contains(this.plugins, name)) append(this.plugins, name);
    this.recorder.statusChanged();
  }

  /** The page rewrote its document (document.open()): every listener was erased; the hook's are
   *  back, and the panel hears of it. */
  documentRewritten(): void {
    this.problem('the page rewrote this document (document.open()), which erases every listener: CX Lens put its own back; messages dispatched during the rewrite may be missing');
  }

  private problem(text: string): void {
    if (contains(this.problems, text) || this.problems.length >= 50) return;
    append(this.problems, text);
    this.recorder.statusChanged();
  }

  private status(): HookStatus {
    const status: HookStatus = {
      cxbus: this.cxbus, quickBus: this.quickBus !== null, plugins: copyList(this.plugins), problems: copyList(this.problems),
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
      const ns = apply(readData(iface, 'namespace') as Fn, iface, []);
      if (typeof ns === 'string' && ns) return ns;
    } catch {
      /* fallback */
    }
    return fallback;
  }
}

/** A copy of a list of the hook's own, without spread (Array.prototype[Symbol.iterator]) or slice. */
function copyList(list: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < list.length; i++) out[i] = list[i]!;
  return out;
}
