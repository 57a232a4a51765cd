// The page hook's records: made during the page's bus call, copied deeply and posted later.
//
// Hot path (every publish): a top-level copy of a plain payload (see snapshot), a record and a
// push; about 0.1 µs a publish plus about 0.1 µs per top-level key (one property descriptor each,
// so that no getter runs), measured in node. The deep, bounded copy
// (safe-copy.ts) and the postMessage run at flush time, off the page's call and when the page is
// idle (page-env.ts), so anything below the top level of a payload is copied as it is at the flush
// (usually within BATCH_INTERVAL_MS, at most about BATCH_INTERVAL_MS + IDLE_TIMEOUT_MS later), not
// as it was at the call.
//
// Nothing here uses a built-in a page can replace after the hook loaded (see page-objects.ts): the
// Map methods, JSON.stringify, Array.isArray and String.prototype.indexOf are taken at load, the
// rest is syntax. Whatever still fails inside the hook's own code (each step is caught, so the
// page's call goes on) is counted, and the hook's status says how many records it could not make
// or send, and why (`unrecorded`): the panel then shows that frame's capture as partial.
import { Batcher } from './batcher';
import { safeCopy, safeName, thrownText, MAX_ARRAY_ITEMS } from './safe-copy';
import type { HookEnv } from './page-env';
import { isObjectLike, type Obj } from './page-objects';
import { splitBatch } from '../shared/chunks';
import {
  BATCH_MAX_CHARS,
  type CaptureRecord, type CommandOutcome, type CommandRecord, type EventRecord, type EventVia,
  type HookStatus, type OutcomeRecord, type PluginRecord,
} from '../shared/protocol';

/** One bus: its sticky (republished) events, for replay records on later subscribes. */
export interface BusContext {
  sticky: Map<string, { publisher: string; data: unknown }>;
}

export function newContext(): BusContext {
  return { sticky: new NativeMap() };
}

/** Bus methods that register something, recorded as plugin records. */
export const REGISTRATIONS = ['subscribe', 'unsubscribe', 'before', 'registerCommand', 'registerEvents'] as const;
export type Registration = (typeof REGISTRATIONS)[number];

const { getPrototypeOf, keys: objectKeys, getOwnPropertyDescriptor: ownDescriptor, defineProperty } = Object;
const { stringify } = JSON;
const { apply } = Reflect;
const isArray = Array.isArray;
const NativeMap = Map;
const mapGet = Map.prototype.get;
const mapSet = Map.prototype.set;
const mapHas = Map.prototype.has;
const mapForEach = Map.prototype.forEach;
const mapSize = Object.getOwnPropertyDescriptor(Map.prototype, 'size')!.get!;
const stringIndexOf = String.prototype.indexOf;
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
class StatusMark {
  declare private readonly statusMark: never; // tells it from the records (type only)
}
const STATUS = new StatusMark();

/** A record made during the page's call, its payload field K (data, options, value) still the
 *  page's value as snapshot took it: finish() puts the deep, bounded copy (a Copied) in its place. */
type Uncopied<R extends CaptureRecord, K extends keyof R> = Omit<R, K> & { [P in K]: unknown };
/** A record made by the hook's own methods, as it waits in the queue. */
type PendingRecord = Uncopied<EventRecord, 'data'> | Uncopied<CommandRecord, 'options'> | Uncopied<OutcomeRecord, 'value'> | PluginRecord;
type Queued = PendingRecord | Ready | Handed | StatusMark;

/** Makes the hook's records and sends them in batches. No method throws into the page. */
export class BusRecorder {
  private readonly batcher: Batcher<Queued>;
  private readonly now: () => number;
  private nextCommandId = 1;
  private syntheticDepth = 0;
  private statusQueued = false;
  private lastStatus = '';
  /** Records lost to a failure of the hook's own code since it started. Counted in the catch where
   *  it failed, with the first failure (`firstMiss`), by syntax only: no call that could fail too
   *  (the stack may be spent); the reason is made into text when the status is sent. */
  missed = 0;
  firstMiss: { what: string; error: unknown } | null = null;
  private missedReason = '';
  /** Muted event names (the panel asked): their events are counted here instead of copied. */
  private muted: Map<string, true> | null = null;
  /** Events skipped per muted name since the document started (also of names unmuted since). */
  private readonly mutedCounts: Map<string, number> = new NativeMap();
  private mutedStatusTimer = false;

  constructor(
    private readonly env: HookEnv,
    /** The hook's status as it is now. */
    private readonly readStatus: () => HookStatus,
    /** Runs before each batch is sent (the hook looks for what changed on the page). */
    private readonly beforeSend: () => void,
  ) {
    this.now = env.now;
    this.batcher = new Batcher<Queued>((items) => this.send(items), env);
  }

  /** Sends what is pending now, without a timer. */
  flushNow(): void {
    this.batcher.flush();
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

  /** The muted names, the whole list (the content script sends it over the private port). */
  setMuted(names: string[]): void {
    const muted: Map<string, true> = new NativeMap();
    for (let i = 0; i < names.length; i++) apply(mapSet, muted, [names[i], true]);
    this.muted = names.length ? muted : null;
  }

  /** Whether `name` is muted; if so, counts it (the status says so within MUTED_STATUS_MS). */
  private skipMuted(name: string): boolean {
    if (this.muted === null || !apply(mapHas, this.muted, [name])) return false;
    const counts = this.mutedCounts;
    if ((apply(mapSize, counts, []) as number) < MUTED_NAMES_COUNTED || apply(mapHas, counts, [name])) apply(mapSet, counts, [name, ((apply(mapGet, counts, [name]) as number | undefined) ?? 0) + 1]);
    if (!this.mutedStatusTimer) {
      // One status a second at most: a muted flood must not fill the relay's buffer with statuses.
      this.mutedStatusTimer = true;
      this.env.setTimer(() => {
        this.mutedStatusTimer = false;
        try {
          this.statusChanged();
        } catch {
          /* the next change tries again */
        }
      }, MUTED_STATUS_MS);
    }
    return true;
  }

  /** The muted counts for the status, or undefined when none. */
  mutedStatus(): { name: string; count: number }[] | undefined {
    if (!apply(mapSize, this.mutedCounts, [])) return undefined;
    const out: { name: string; count: number }[] = [];
    apply(mapForEach, this.mutedCounts, [(count: number, name: string) => {
      out[out.length] = { name, count };
    }]);
    return out;
  }

  event(ns: string, ctx: BusContext, via: EventVia, evt: unknown, data: unknown): void {
    try {
      const raw = data !== undefined ? data : {}; // the bus defaults data to {}
      const name = fullName(ns, evt);
      if (this.skipMuted(name)) {
        // Not copied; a sticky one is still kept by reference for a later subscriber's replay.
        if (via === 'republish') apply(mapSet, ctx.sticky, [name, { publisher: ns, data: raw }]);
        return;
      }
      const record: Uncopied<EventRecord, 'data'> = {
        t: 'event', seq: 0, time: this.now(), name, publisher: ns,
        via: this.syntheticDepth > 0 ? 'synthetic' : via, data: snapshot(raw),
      };
      if (via === 'republish') apply(mapSet, ctx.sticky, [record.name, { publisher: ns, data: record.data }]);
      this.batcher.add(record);
    } catch (error) {
      this.missed++; // never break the page's publish: counted instead
      this.firstMiss ??= { what: 'recording an event', error };
      try {
        this.statusChanged();
      } catch {
        /* the stack spent: the next status says so */
      }
    }
  }

  /** Records a command call; returns its id (0 when it could not be recorded). */
  command(ns: string, name: unknown, args: unknown[]): number {
    try {
      const id = this.nextCommandId++;
      const options = args.length > 1 && args[1] !== undefined ? args[1] : {};
      const record: Uncopied<CommandRecord, 'options'> = {
        t: 'command', seq: 0, time: this.now(), id, name: commandName(ns, name), commander: ns, options: snapshot(options),
      };
      this.batcher.add(record);
      return id;
    } catch (error) {
      this.missed++;
      this.firstMiss ??= { what: 'recording a command', error };
      try {
        this.statusChanged();
      } catch {
        /* the stack spent: the next status says so */
      }
      return 0;
    }
  }

  outcome(id: number, outcome: CommandOutcome, value: unknown): void {
    try {
      const record: Uncopied<OutcomeRecord, 'value'> = { t: 'outcome', seq: 0, time: this.now(), id, outcome, value: snapshot(value) };
      this.batcher.add(record);
    } catch (error) {
      this.missed++;
      this.firstMiss ??= { what: 'recording an outcome', error };
      try {
        this.statusChanged();
      } catch {
        /* the stack spent: the next status says so */
      }
    }
  }

  registration(ns: string, ctx: BusContext, action: Registration, first: unknown, result: unknown): void {
    try {
      let names: string[];
      let truncated = false;
      if (action === 'registerEvents') {
        const list = isArray(first) ? dataItems(first) : { items: [first], length: 1 };
        truncated = list.length > MAX_ARRAY_ITEMS;
        names = [];
        for (let i = 0; i < list.items.length; i++) names[i] = fullName(ns, list.items[i]);
      } else if (action === 'registerCommand' || action === 'before') {
        names = [commandName(ns, first)];
      } else {
        names = [safeName(first).name];
      }
      const ok = result !== false;
      this.batcher.add(pluginRecord(this.now(), action, ns, names, ok, truncated));
      const sticky = action === 'subscribe' && ok
        ? (apply(mapGet, ctx.sticky, [names[0]]) as { publisher: string; data: unknown } | undefined)
        : undefined;
      if (sticky && !this.skipMuted(names[0]!)) {
        // The bus hands a late subscriber the stored data of a republished event at once.
        const replay: Uncopied<EventRecord, 'data'> = {
          t: 'event', seq: 0, time: this.now(), name: names[0], publisher: sticky.publisher, via: 'replay', subscriber: ns, data: sticky.data,
        };
        this.batcher.add(replay);
      }
    } catch (error) {
      this.missed++;
      this.firstMiss ??= { what: 'recording a registration', error };
      try {
        this.statusChanged();
      } catch {
        /* the stack spent: the next status says so */
      }
    }
  }

  /** data(key, value) changed a value: the bus publishes `<P>.data.<key>`. */
  data(ns: string, key: unknown, last: unknown, value: unknown): void {
    try {
      const name = `${ns}.data.${safeName(key).name}`;
      if (this.skipMuted(name)) return;
      const record: Uncopied<EventRecord, 'data'> = {
        t: 'event', seq: 0, time: this.now(), name, publisher: ns, via: 'data',
        data: { last: snapshot(last), value: snapshot(value) },
      };
      this.batcher.add(record);
    } catch (error) {
      this.missed++;
      this.firstMiss ??= { what: 'recording a data change', error };
      try {
        this.statusChanged();
      } catch {
        /* the stack spent: the next status says so */
      }
    }
  }

  pluginRegistered(name: string, ok: boolean): void {
    try {
      this.batcher.add(pluginRecord(this.now(), 'registerPlugin', name, [], ok, false));
    } catch (error) {
      this.missed++;
      this.firstMiss ??= { what: 'recording a plugin', error };
      try {
        this.statusChanged();
      } catch {
        /* the stack spent: the next status says so */
      }
    }
  }

  /** A record of the channel hook (given privately at document_start), copied safely at once. */
  emit(record: unknown): void {
    try {
      const copied = this.copyRecord(record);
      if (copied) this.batcher.add(new Ready(copied));
    } catch (error) {
      this.missed++;
      this.firstMiss ??= { what: 'recording a channel record', error };
      try {
        this.statusChanged();
      } catch {
        /* the stack spent: the next status says so */
      }
    }
  }

  /** A record handed to the hook's handle (HookHandle.emit: the injected scripts, or the page),
   *  with the caller's report key. Copied safely at once. */
  handed(record: unknown, key: unknown): void {
    try {
      const copied = this.copyRecord(record);
      if (copied) this.batcher.add(new Handed(copied, typeof key === 'string' ? key : null));
    } catch {
      /* a record handed by another script (the page can hand one too): not the hook's own loss */
    }
  }

  /** The record copied safely; null when it is no record (no own string `t`, read as data only). */
  private copyRecord(record: unknown): CaptureRecord | null {
    if (!isObjectLike(record)) return null;
    const kind = ownDescriptor(record, 't');
    if (!kind || typeof kind.value !== 'string') return null;
    const copied = safeCopy(record).value as unknown as CaptureRecord;
    if (!isObjectLike(copied) || typeof copied.t !== 'string') return null; // e.g. an escaped `$cx` object
    copied.seq = 0;
    if (typeof copied.time !== 'number') copied.time = this.now();
    return copied;
  }

  /** The first failure as text (thrownText: read as data only), made once. */
  private missReason(): string {
    if (!this.missedReason && this.firstMiss) {
      this.missedReason = this.firstMiss.what + ': ' + thrownText(this.firstMiss.error);
      this.firstMiss.error = null; // not kept alive
    }
    return this.missedReason || 'unknown';
  }

  /** The status may have changed: it is sent with the next batch if it did. */
  statusChanged(): void {
    if (this.statusQueued) return;
    this.statusQueued = true;
    try {
      this.batcher.add(STATUS);
    } catch (error) {
      this.statusQueued = false; // asked again by the next change
      throw error;
    }
  }

  /** Sends a batch. Each step is caught: a record that fails is counted (missed), the rest go on. */
  private send(items: Queued[]): void {
    try {
      this.beforeSend();
    } catch {
      /* the hook's check of the page: it tries again at the next batch */
    }
    let records: CaptureRecord[] = [];
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      if (item instanceof Handed) {
        this.sendBatch(records); // what came before it goes first: the order stays
        records = [];
        try {
          this.env.send({ type: 'emit', key: item.key, record: item.record });
        } catch {
          /* a record handed by another script: not the hook's own loss */
        }
        continue;
      }
      try {
        const record = this.finish(item);
        if (record) records[records.length] = record;
      } catch (error) {
        if (item instanceof StatusMark) continue; // the status goes with the next batch
        this.missed++;
        this.firstMiss ??= { what: 'copying a record', error };
        try {
          this.statusChanged();
        } catch {
          /* the stack spent: the next status says so */
        }
      }
    }
    this.sendBatch(records);
  }

  private sendBatch(records: CaptureRecord[]): void {
    if (!records.length) return;
    try {
      // One string: it crosses to the content script and on to the panel without being rebuilt.
      // Unless the page gave every object a toJSON, which would change what JSON says: then objects.
      const plainJson = !('toJSON' in objectPrototype) && !('toJSON' in arrayPrototype);
      if (!plainJson) {
        this.env.send({ type: 'batch', records });
        return;
      }
      const json = stringify(records);
      if (json.length <= BATCH_MAX_CHARS) {
        this.env.send({ type: 'batch', json, count: records.length });
        return;
      }
      // Huge payloads: a batch over the message budget goes out in several (splitBatch).
      const pieces = splitBatch(records, json, stringify);
      for (let i = 0; i < pieces.length; i++) this.env.send({ type: 'batch', json: pieces[i]!.json, count: pieces[i]!.count });
    } catch (error) {
      // Counted; a status it held is sent again with the next status (it never counts itself, so a
      // port that refuses everything does not make the hook retry without end).
      let lost = 0;
      for (let i = 0; i < records.length; i++) {
        if (records[i]!.t === 'status') this.lastStatus = '';
        else lost++;
      }
      if (lost === 0) return;
      this.missed += lost;
      this.firstMiss ??= { what: 'sending a batch', error };
      this.statusChanged();
    }
  }

  /** Turns a pending item into the record to send: the deep, bounded copy happens here. */
  private finish(item: Exclude<Queued, Handed>): CaptureRecord | null {
    if (item instanceof StatusMark) {
      this.statusQueued = false;
      const status = this.readStatus();
      if (this.missed > 0) status.unrecorded = { count: this.missed, reason: this.missReason() };
      const muted = this.mutedStatus();
      if (muted) status.muted = muted;
      const json = stringify(status);
      if (json === this.lastStatus) return null;
      this.lastStatus = json;
      return { t: 'status', seq: 0, time: this.now(), status };
    }
    if (item instanceof Ready) return item.record;
    if (item.t === 'event') return copyField<EventRecord, 'data'>(item, 'data');
    if (item.t === 'command') return copyField<CommandRecord, 'options'>(item, 'options');
    if (item.t === 'outcome') return copyField<OutcomeRecord, 'value'>(item, 'value');
    return item;
  }
}

/** `<ns>.<evt>`: the bus always prefixes a published event with the publisher's namespace. */
function fullName(ns: string, evt: unknown): string {
  return ns + '.' + (typeof evt === 'string' ? evt : safeName(evt).name);
}

/** A command name without a dot belongs to the caller's namespace. */
function commandName(ns: string, name: unknown): string {
  const s = typeof name === 'string' ? name : safeName(name).name;
  return (apply(stringIndexOf, s, ['.']) as number) < 0 ? ns + '.' + s : s;
}

function pluginRecord(time: number, action: PluginRecord['action'], plugin: string, names: string[], ok: boolean, truncated: boolean): PluginRecord {
  const record: PluginRecord = { t: 'plugin', seq: 0, time, action, plugin, names, ok };
  if (truncated) record.truncated = true;
  return record;
}

/** How often at most a muted event's count changes the status (ms). */
export const MUTED_STATUS_MS = 1000;
/** Muted names counted per document at most (the panel mutes at most MUTE_MAX_NAMES at a time). */
const MUTED_NAMES_COUNTED = 200;

/** Plain objects with more keys than this are not snapshot at the call (copied at the flush only). */
const SNAPSHOT_MAX_KEYS = 200;

/**
 * The hot-path copy: the top level of a plain object, so that a subscriber or `before` hook that
 * changes a top-level field after the call does not change what we show; anything else by
 * reference. The deep, bounded copy happens at the flush. Values are taken from property
 * descriptors, never through [[Get]]: a getter is kept as a getter (the flush shows it as an
 * accessor) and never runs. (A spread would be about ten times faster and run every getter.)
 */
function snapshot(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  try {
    if (getPrototypeOf(value) !== objectPrototype) return value;
    const names = objectKeys(value);
    if (names.length > SNAPSHOT_MAX_KEYS) return value;
    const copy: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) {
      const key = names[i];
      const desc = ownDescriptor(value, key);
      if (!desc) continue;
      if (key === '__proto__' || !('value' in desc)) defineProperty(copy, key, { ...desc, enumerable: true, configurable: true });
      else copy[key] = desc.value;
    }
    return copy;
  } catch {
    return value; // a proxy trap threw: the flush-time copy marks it
  }
}

/** The first MAX_ARRAY_ITEMS items of a page array, read from descriptors (no getter runs). */
function dataItems(list: unknown[]): { items: unknown[]; length: number } {
  const length = ownDescriptor(list, 'length')?.value as number;
  const items: unknown[] = [];
  for (let i = 0; i < length && i < MAX_ARRAY_ITEMS; i++) items[i] = ownDescriptor(list, i)?.value;
  return { items, length };
}

/** Puts the deep, bounded copy of a pending record's payload in its place: the record is final. */
function copyField<R extends CaptureRecord, K extends keyof R>(record: Uncopied<R, K>, field: K): R {
  const { value, truncated } = safeCopy(record[field]);
  (record as unknown as Obj)[field as string] = value;
  const done = record as unknown as R; // the same object, its field now a Copied
  if (truncated) done.truncated = true;
  return done;
}
