// A small CXBus stand-in for unit tests, following GENESYS-WIDGETS-FACTS.md §1: registerPlugin
// returns false for a taken name; subscribe returns the event name; unsubscribe removes all of
// that plugin's callbacks for the event; callbacks and command handlers run via setTimeout(0)
// with {time, publisher, event, data}; command returns a deferred whose done/fail chain and whose
// then returns undefined; a command whose name does not exist never settles.
import { vi } from 'vitest';

type Handler = (e: { time: number; commander: string; command: string; deferred: FakeDeferred; data: unknown }) => void;

export interface FakeDeferred {
  resolve(v?: unknown): void;
  reject(v?: unknown): void;
  done(fn: (v: unknown) => void): FakeDeferred;
  fail(fn: (v: unknown) => void): FakeDeferred;
  then(ok?: (v: unknown) => void, bad?: (v: unknown) => void): undefined;
  state(): 'pending' | 'resolved' | 'rejected';
}

function deferred(): FakeDeferred {
  let state: 'pending' | 'resolved' | 'rejected' = 'pending';
  let value: unknown;
  const dones: ((v: unknown) => void)[] = [];
  const fails: ((v: unknown) => void)[] = [];
  const d: FakeDeferred = {
    resolve(v) { if (state === 'pending') { state = 'resolved'; value = v; dones.forEach((f) => f(v)); } },
    reject(v) { if (state === 'pending') { state = 'rejected'; value = v; fails.forEach((f) => f(v)); } },
    done(fn) { if (state === 'resolved') fn(value); else dones.push(fn); return d; },
    fail(fn) { if (state === 'rejected') fn(value); else fails.push(fn); return d; },
    then(ok, bad) { if (ok) d.done(ok); if (bad) d.fail(bad); return undefined; },
    state: () => state,
  };
  return d;
}

export interface FakeInterface {
  publish(evt: string, data?: unknown): boolean;
  subscribe(event: string, cb: (e: unknown) => void): string | false;
  unsubscribe(event: string): void;
  command(name: string, data?: unknown): FakeDeferred;
  registerCommand(name: string, handler: Handler): void;
}

export function createFakeBus() {
  const plugins = new Set<string>();
  const subscribers = new Map<string, { plugin: string; cb: (e: unknown) => void }[]>();
  const handlers = new Map<string, Handler>();
  /** Every command call, in order. */
  const calls: { name: string; commander: string; data: unknown }[] = [];

  function iface(ns: string): FakeInterface {
    return {
      publish(evt, data) {
        const event = `${ns}.${evt}`;
        for (const s of subscribers.get(event) ?? []) {
          setTimeout(() => s.cb({ time: Date.now(), publisher: ns, event, data: data ?? {} }), 0);
        }
        return true;
      },
      subscribe(event, cb) {
        if (typeof cb !== 'function') return false;
        const list = subscribers.get(event) ?? [];
        list.push({ plugin: ns, cb });
        subscribers.set(event, list);
        return event;
      },
      unsubscribe(event) {
        subscribers.set(event, (subscribers.get(event) ?? []).filter((s) => s.plugin !== ns));
      },
      command(name, data) {
        const command = name.includes('.') ? name : `${ns}.${name}`;
        calls.push({ name: command, commander: ns, data });
        const d = deferred();
        const handler = handlers.get(command);
        if (handler) setTimeout(() => handler({ time: Date.now(), commander: ns, command, deferred: d, data: data ?? {} }), 0);
        return d;
      },
      registerCommand(name, handler) {
        handlers.set(`${ns}.${name}`, handler);
      },
    };
  }

  const registerPlugin = vi.fn((name: string): FakeInterface | false => {
    if (plugins.has(name)) return false;
    plugins.add(name);
    return iface(name);
  });
  const cx = registerPlugin('CXBus') as FakeInterface;
  /** The global CXBus: no publish, no unsubscribe (facts §1.1). */
  const CXBus = {
    registerPlugin,
    command: (name: string, data?: unknown) => cx.command(name, data),
    subscribe: (event: string, cb: (e: unknown) => void) => cx.subscribe(event, cb),
  };
  const subscriberCount = (event: string) => (subscribers.get(event) ?? []).length;
  return { CXBus, registerPlugin, calls, subscriberCount };
}

/** A bus with WebChat (injectMessage, endChat) and WebChatService (getSessionData) as the
 *  Widgets runtime registers them. */
export function createWidgetsBus(opts: { chatActive?: boolean; session?: unknown } = {}) {
  const bus = createFakeBus();
  const webChat = bus.registerPlugin('WebChat') as FakeInterface;
  const service = bus.registerPlugin('WebChatService') as FakeInterface;
  let active = opts.chatActive ?? true;
  webChat.registerCommand('injectMessage', (e) => {
    if (active) e.deferred.resolve(true);
    else e.deferred.reject('No chat session to inject into.');
  });
  webChat.registerCommand('endChat', (e) => {
    if (!active) return e.deferred.reject('there is no active chat session to end');
    active = false;
    e.deferred.resolve();
  });
  service.registerCommand('getSessionData', (e) => e.deferred.resolve(opts.session ?? null));
  return { ...bus, webChat, service };
}

export interface FakeWindow {
  CXBus?: unknown;
  _genesys?: unknown;
  location: { origin: string };
  postMessage: ReturnType<typeof vi.fn>;
  [key: symbol]: unknown;
}

export function createFakeWindow(origin = 'https://shop.example'): FakeWindow {
  return { location: { origin }, postMessage: vi.fn() };
}

/** A raw Digital Channels state message, as the transport delivers it in originalMessages. */
export function stateMessage(state: string, id: string, index: string, utcTime = '2021-07-09T10:25:38.829Z') {
  return {
    type: 'System',
    from: { participantId: '00000000-0000-0000-0000-000000000000', type: 'System' },
    visibility: 'All',
    id,
    event: 'InteractionStateChange',
    data: { interactionState: state },
    utcTime,
    index,
  };
}
