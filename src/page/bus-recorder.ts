// The page hook's records: made during the page's bus call, copied deeply and posted later.
//
// Hot path (every publish): a top-level copy of a plain payload (see snapshot), a record and a
// push; measured at about 0.1 µs a publish in Chromium, 0.1 µs in node. The deep, bounded copy
// (safe-copy.ts) and the postMessage run at flush time, off the page's call and when the page is
// idle (page-env.ts), so anything below the top level of a payload is copied as it is at the flush
// (usually within BATCH_INTERVAL_MS, at most about BATCH_INTERVAL_MS + IDLE_TIMEOUT_MS later), not
// as it was at the call.
import { Batcher } from './batcher';
import { safeCopy, safeName, MAX_ARRAY_ITEMS } from './safe-copy';
import type { HookEnv } from './page-env';
import { isObjectLike, type Obj } from './page-objects';
import { splitBatch } from '../shared/chunks';
import {
  type CaptureRecord, type CommandOutcome, type CommandRecord, type EventRecord, type EventVia,
  type HookStatus, type OutcomeRecord, type PluginRecord,
} from '../shared/protocol';

/** One bus: its sticky (republished) events, for replay records on later subscribes. */
export interface BusContext {
  sticky: Map<string, { publisher: string; data: unknown }>;
}

export function newContext(): BusContext {
  return { sticky: new Map() };
}

/** Bus methods that register something, recorded as plugin records. */
export const REGISTRATIONS = ['subscribe', 'unsubscribe', 'before', 'registerCommand', 'registerEvents'] as const;
export type Registration = (typeof REGISTRATIONS)[number];

const { getPrototypeOf } = Object;
const { stringify } = JSON;
const objectPrototype = Object.prototype;
const arrayPrototype = Array.prototype;

/** A record made by emit(): already copied, sent as is. */
class Ready {
  constructor(readonly record: CaptureRecord) {}
}
/** A record handed to the hook's handle: sent on its own, in its place in the queue, with the
 *  report key its caller gave (the content script decides whether it is genuine). */
class Handed {
  constructor(readonly record: CaptureRecord, readonly key: string | null) {}
}
/** Queue marker: send the status here if it changed. */
const STATUS = {};
type Pending = CaptureRecord | Ready | Handed | typeof STATUS;

/** Makes the hook's records and sends them in batches. No method throws into the page. */
export class BusRecorder {
  private readonly batcher: Batcher<Pending>;
  private readonly now: () => number;
  private nextCommandId = 1;
  private syntheticDepth = 0;
  private statusQueued = false;
  private lastStatus = '';

  constructor(
    private readonly env: HookEnv,
    /** The hook's status as it is now. */
    private readonly readStatus: () => HookStatus,
    /** Runs before each batch is sent (the hook looks for what changed on the page). */
    private readonly beforeSend: () => void,
  ) {
    this.now = env.now;
    this.batcher = new Batcher<Pending>((items) => this.send(items), env);
  }

  /** Runs fn; events it publishes (synchronously) are recorded with via 'synthetic'. */
  synthetic<T>(fn: () => T): T {
    this.syntheticDepth++;
    try {
      return fn();
    } finally {
      this.syntheticDepth--;
    }
  }

  event(ns: string, ctx: BusContext, via: EventVia, evt: unknown, data: unknown): void {
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

  /** Records a command call; returns its id (0 when it could not be recorded). */
  command(ns: string, name: unknown, args: unknown[]): number {
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

  outcome(id: number, outcome: CommandOutcome, value: unknown): void {
    try {
      const record: OutcomeRecord = { t: 'outcome', seq: 0, time: this.now(), id, outcome, value: snapshot(value) as never };
      this.batcher.add(record);
    } catch {
      /* ignore */
    }
  }

  registration(ns: string, ctx: BusContext, action: Registration, first: unknown, result: unknown): void {
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

  /** data(key, value) changed a value: the bus publishes `<P>.data.<key>`. */
  data(ns: string, key: unknown, last: unknown, value: unknown): void {
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

  pluginRegistered(name: string, ok: boolean): void {
    try {
      this.batcher.add(pluginRecord(this.now(), 'registerPlugin', name, [], ok, false));
    } catch {
      /* ignore */
    }
  }

  /** A record of the channel hook (given privately at document_start), copied safely at once. */
  emit(record: unknown): void {
    const copied = this.copyRecord(record);
    if (copied) this.batcher.add(new Ready(copied));
  }

  /** A record handed to the hook's handle (HookHandle.emit: the injected scripts, or the page),
   *  with the caller's report key. Copied safely at once. */
  handed(record: unknown, key: unknown): void {
    const copied = this.copyRecord(record);
    if (copied) this.batcher.add(new Handed(copied, typeof key === 'string' ? key : null));
  }

  private copyRecord(record: unknown): CaptureRecord | null {
    try {
      if (!isObjectLike(record) || typeof (record as Obj).t !== 'string') return null;
      const copied = safeCopy(record).value as unknown as CaptureRecord;
      if (!isObjectLike(copied) || typeof copied.t !== 'string') return null; // e.g. an escaped `$cx` object
      copied.seq = 0;
      if (typeof copied.time !== 'number') copied.time = this.now();
      return copied;
    } catch {
      return null;
    }
  }

  /** The status may have changed: it is sent with the next batch if it did. */
  statusChanged(): void {
    if (this.statusQueued) return;
    this.statusQueued = true;
    this.batcher.add(STATUS);
  }

  private send(items: Pending[]): void {
    try {
      this.beforeSend();
      let records: CaptureRecord[] = [];
      for (const item of items) {
        if (item instanceof Handed) {
          this.sendBatch(records); // what came before it goes first: the order stays
          records = [];
          this.env.send({ type: 'emit', key: item.key, record: item.record });
          continue;
        }
        const record = this.finish(item);
        if (record) records.push(record);
      }
      this.sendBatch(records);
    } catch {
      /* a batch lost to a broken port must not break the page */
    }
  }

  private sendBatch(records: CaptureRecord[]): void {
    if (!records.length) return;
    // One string: it crosses to the content script and on to the panel without being rebuilt.
    // Unless the page gave every object a toJSON, which would change what JSON says: then objects.
    const plainJson = !('toJSON' in objectPrototype) && !('toJSON' in arrayPrototype);
    if (!plainJson) {
      this.env.send({ type: 'batch', records });
      return;
    }
    // Huge payloads: a batch over the message budget goes out in several (splitBatch).
    for (const piece of splitBatch(records, stringify(records), stringify)) {
      this.env.send({ type: 'batch', json: piece.json, count: piece.count });
    }
  }

  /** Turns a pending item into the record to send: the deep, bounded copy happens here. */
  private finish(item: Pending): CaptureRecord | null {
    if (item === STATUS) {
      this.statusQueued = false;
      const status = this.readStatus();
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
    return getPrototypeOf(value) === objectPrototype ? { ...value } : value;
  } catch {
    return value; // a throwing getter or proxy trap: the flush-time copy marks it
  }
}

function copyField<R extends CaptureRecord>(record: R, field: keyof R): void {
  const { value, truncated } = safeCopy(record[field]);
  (record as unknown as Obj)[field as string] = value;
  if (truncated) record.truncated = true;
}
