// Drives the Widgets emulation (test/demo/widgets, in node:vm) against the emulated Digital
// Channels server (test/demo/server, over real HTTP) with CX Lens's own page hook tapping the bus
// and CX Lens's finalize handler installed, so its records are made exactly like those of the
// recordings of the real runtime (test/fixtures/real-widgets-9.0/conformance). Also: the comparisons.
import { setTimeout as sleep } from 'node:timers/promises';
import { installHook } from '../../../src/page/bus-tap';
import { createFinalizeHandler } from '../../../src/page/inject/finalize-core';
import type { CaptureRecord, HookMessage } from '../../../src/shared/protocol';
import type { Demo } from '../../demo/server/index.mjs';
import { DEMO_ENDPOINT, SESSIONS_PATH } from '../../demo/server/index.mjs';
import { createPage, WIDGETS_CORE_SOURCE, type Any, type Page, type SeenRequest } from './widgets-vm';

const CORE_URL = '/widgets/plugins/widgets-core.min.js';
export const SESSION_COOKIE = 'customer-defined-session-cookie';
/** The recordings' pages used this poll timeout. */
const POLL_TIMEOUT_MS = 300;

/** A bus record of a fixture: what the comparison looks at. */
export interface BusEntry {
  t: 'event' | 'command';
  name: string;
  via?: string;
  /** The chat message type an event is about (agentDisconnected, messageAdded, ...), if any. */
  about?: string;
}

export interface Fixture {
  source: string;
  scenario: string;
  bus: BusEntry[];
  messageReceived: Any[];
}

export interface EmulatedPage extends Page {
  records: CaptureRecord[];
  CXBus: Any;
  /** Requests still waiting for the server. */
  inflight: Set<Promise<void>>;
  /** Polls wait (answered later from the same index) until releasePolls(), so that messages the
   *  server gets meanwhile arrive in one response, as they did in a recording. */
  holdPolls(): void;
  releasePolls(): void;
  /** Fake-clock steps until cond() holds, letting real HTTP happen in between. */
  until(what: string, cond: () => boolean): Promise<void>;
  /** Bus records as fixture entries. */
  bus(): BusEntry[];
  /** Data of every recorded WebChatService.messageReceived. */
  messageReceived(): Any[];
}

/** Answers the page's XMLHttpRequests from the emulated server, over real HTTP. */
class Forwarder {
  readonly inflight = new Set<Promise<void>>();
  private holding = false;
  private readonly held: Array<() => void> = [];
  /** Polls on their way; hold() marks them stale: their answer is asked for again, later. */
  private readonly polls = new Set<{ stale: boolean }>();

  handle = (request: SeenRequest): void => {
    const url = new URL(request.url);
    const isPoll = request.method === 'GET' && url.pathname.endsWith('/messages') && !url.searchParams.has('count');
    const send = (): void => {
      const poll = { stale: false };
      if (isPoll) this.polls.add(poll);
      const done = fetch(request.url, { method: request.method, headers: { ...request.headers }, body: request.body ?? undefined })
        .then(async (response) => {
          const text = await response.text();
          this.polls.delete(poll);
          // A poll is a GET from an index: asking again later gets what came meanwhile too.
          if (poll.stale || (isPoll && this.holding)) this.later(send);
          else request.respond(response.status, text ? JSON.parse(text) : {});
        })
        .catch(() => request.fail())
        .finally(() => this.inflight.delete(done));
      this.inflight.add(done);
    };
    if (isPoll && this.holding) this.held.push(send);
    else send();
  };

  hold(): void {
    this.holding = true;
    for (const poll of this.polls) poll.stale = true;
  }

  release(): void {
    this.holding = false;
    for (const send of this.held.splice(0)) send();
  }

  private later(send: () => void): void {
    if (this.holding) this.held.push(send);
    else send();
  }
}

/** The chat message type a recorded event is about: agent events carry the raw message, and
 *  messageAdded the transformed one. */
function messageTypeOf(data: unknown): string | undefined {
  const d = data as { message?: { type?: unknown } } | null;
  const type = d && typeof d === 'object' && d.message && typeof d.message === 'object' ? d.message.type : undefined;
  return typeof type === 'string' ? type : undefined;
}

/**
 * A page of the recordings' kind: `_genesys.widgets` with the pureengage-v3-rest transport
 * (async or not, the guide's getSessionData/setSessionData on a cookie), CX Lens's bus hook
 * installed before cxbus.min.js, `cookies` in the jar, the finalize handler switched on before the
 * chat, widgets-core loaded.
 */
export async function openEmulatedPage(demo: Demo, asyncEnabled: boolean, cookies: string[] = []): Promise<EmulatedPage> {
  const records: CaptureRecord[] = [];
  const forwarder = new Forwarder();
  const webchat = {
    transport: {
      type: 'pureengage-v3-rest',
      dataURL: demo.urls.api + SESSIONS_PATH,
      endpoint: DEMO_ENDPOINT,
      headers: { 'x-api-key': demo.apiKey },
      pollTimeout: POLL_TIMEOUT_MS,
      async: {
        enabled: asyncEnabled,
        // The guide's sample: store on getSessionData, read back on setSessionData.
        getSessionData(sessionData: Any, Cookies: Any, cookieOptions: Any) {
          Cookies.set(SESSION_COOKIE, JSON.stringify(sessionData), cookieOptions);
        },
        setSessionData(_openCookieName: string, Cookies: Any) {
          return Cookies.get(SESSION_COOKIE);
        },
      },
    },
  };
  const page = createPage({
    genesys: { widgets: { main: { theme: 'light', lang: 'en' }, webchat } },
    files: { [CORE_URL]: WIDGETS_CORE_SOURCE },
    onRequest: forwarder.handle,
    beforeScripts: (win, clock) => {
      installHook(win, {
        now: () => clock.now,
        setTimer: (fn, ms) => clock.setTimeout(fn, ms),
        clearTimer: (handle) => clock.clearTimeout(handle as number),
        send: (message: HookMessage) => records.push(...(message.type === 'emit' ? [message.record] : 'records' in message ? message.records : (JSON.parse(message.json) as CaptureRecord[]))),
      });
    },
  }) as EmulatedPage;
  page.window.location.origin = 'http://shop.test';
  page.window.postMessage = () => {};
  page.records = records;
  page.inflight = forwarder.inflight;
  page.holdPolls = () => forwarder.hold();
  page.releasePolls = () => forwarder.release();
  page.CXBus = page.window.CXBus;
  page.until = async (what, cond) => {
    const deadline = Date.now() + 10_000;
    while (!cond()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; bus: ${page.bus().map(entryKey).slice(-15).join(', ')}; records ${records.length}`);
      await page.clock.advance(25);
      await sleep(forwarder.inflight.size ? 3 : 0);
    }
  };
  page.bus = () =>
    records.flatMap((record): BusEntry[] => {
      if (record.t === 'event') {
        const about = messageTypeOf(record.data);
        return [about ? { t: 'event', name: record.name, via: record.via, about } : { t: 'event', name: record.name, via: record.via }];
      }
      if (record.t === 'command') return [{ t: 'command', name: record.name }];
      return [];
    });
  page.messageReceived = () =>
    records.flatMap((record) => (record.t === 'event' && record.name === 'WebChatService.messageReceived' ? [record.data] : []));

  for (const cookie of cookies) page.document.cookie = cookie;
  createFinalizeHandler(page.window).install({});
  page.CXBus.configure({ pluginsPath: '/widgets/plugins/' });
  page.CXBus.loadPlugin('widgets-core');
  await page.until('WebChatService.ready', () => page.bus().some((e) => e.name === 'WebChatService.ready'));
  return page;
}

/** Commands a page sends through the global CXBus (the recordings' driver did the same). */
export function command(page: EmulatedPage, name: string, data?: unknown): void {
  page.CXBus.command(name, data);
}

export function busHas(page: EmulatedPage, predicate: (entry: BusEntry) => boolean, count = 1): boolean {
  return page.bus().filter(predicate).length >= count;
}

/** True once a messageReceived carried a message with this text. */
export function delivered(page: EmulatedPage, text: string): boolean {
  return page.messageReceived().some((data) => (data.originalMessages as Any[]).some((m) => m.text === text));
}


// ------------------------------------------------------------------------------- comparisons

export const entryKey = (entry: BusEntry): string => `${entry.t} ${entry.name}`;

/** The entries from the first `command WebChat.open` on. */
export function fromOpen(entries: BusEntry[]): BusEntry[] {
  const start = entries.findIndex((e) => e.t === 'command' && e.name === 'WebChat.open');
  if (start < 0) throw new Error('no WebChat.open command');
  return entries.slice(start);
}

export interface OrderResult {
  /** Compared: the emulation's keys that the real runtime has too, in the emulation's order. */
  emulated: string[];
  /** The real runtime's keys that the emulation emits at all, in the real order. */
  real: string[];
  /** The first emulated key that could not be matched in order, with the keys before it. */
  mismatch?: { key: string; position: number; before: string[] };
}

/**
 * The emulation may do less than the real runtime, never something else or in another order:
 * its keys (restricted to those the real runtime has) must be a subsequence of the real keys
 * (restricted to those the emulation emits at all).
 */
export function compareOrder(realKeys: string[], emulatedKeys: string[]): OrderResult {
  const realSet = new Set(realKeys);
  const emulatedSet = new Set(emulatedKeys);
  const real = realKeys.filter((key) => emulatedSet.has(key));
  const emulated = emulatedKeys.filter((key) => realSet.has(key));
  let at = 0;
  for (let i = 0; i < emulated.length; i++) {
    while (at < real.length && real[at] !== emulated[i]) at++;
    if (at === real.length) return { emulated, real, mismatch: { key: emulated[i]!, position: i, before: emulated.slice(Math.max(0, i - 6), i) } };
    at++;
  }
  return { emulated, real };
}

/** Keys, value types (undefined kept: the hook records it as {$cx:'undefined'}) and array item
 *  shapes of a value, down to `depth`. Arrays become the set of their items' shapes. */
export function shapeOf(value: unknown, depth = 4): unknown {
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    if (depth === 0) return 'array';
    const items = new Map<string, unknown>();
    for (const item of value) {
      const shape = shapeOf(item, depth - 1);
      items.set(JSON.stringify(shape), shape);
    }
    return { array: [...items.keys()].sort().map((key) => items.get(key)) };
  }
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (record.$cx === 'undefined' && Object.keys(record).length === 1) return 'undefined';
    if (depth === 0) return 'object';
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(record).sort()) out[key] = shapeOf(record[key], depth - 1);
    return out;
  }
  return typeof value;
}

/** The shape of each message of a list of messageReceived payloads, per message kind
 *  (`type`, plus `event` for System messages), in first-seen order. */
export function messageShapes(payloads: Any[], list: 'messages' | 'originalMessages'): Map<string, unknown> {
  const shapes = new Map<string, unknown>();
  for (const data of payloads) {
    for (const message of data[list] as Any[]) {
      const kind = `${message.type}${message.event ? ':' + message.event : ''} from ${message.from?.type}`;
      if (!shapes.has(kind)) shapes.set(kind, shapeOf(message, 3));
    }
  }
  return shapes;
}

/** The shape of a messageReceived payload with its message lists left out (they are compared
 *  message by message). */
export function envelopeShape(data: Any): unknown {
  const { messages: _m, originalMessages: _o, ...rest } = data;
  return shapeOf({ ...rest, messages: 'list', originalMessages: 'list' });
}
