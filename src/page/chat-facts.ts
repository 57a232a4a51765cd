// What the page hook reports of the page's chat configuration and of the cross-tab poll lock, for
// the panel's findings: whether async storage has both functions (the v3 transport ignores it
// otherwise), whether `async` sits where the transport does not read it, and whether
// localStorage `_genesys.widgets.chatPollPending` stays "true" (the transport then never polls).
//
// Reads only data properties, `_genesys` included (an accessor is reported as such, never called;
// `_genesys` itself through the hook's own accessor, or skipped when the page put a getter there),
// only on a page that has a `webchat` config, only when the hook checks anyway (each batch,
// DOMContentLoaded, load). While the lock reads "true" it is read again a few times on a timer,
// so the panel knows it stayed so; a page without a chat config never gets a timer.
import type { Scheduler } from './batcher';
import { isObjectLike, readData, type Fn, type Obj } from './page-objects';
import type { ChatFacts } from '../shared/protocol';

export const POLL_LOCK_KEY = '_genesys.widgets.chatPollPending';
/** Delays of the re-reads while the lock reads "true" (then it is read only at the hook's checks). */
export const POLL_LOCK_RECHECKS_MS: readonly number[] = [10_000, 20_000, 30_000, 60_000, 120_000];

/** A lock still "true" is reported again at most this often. */
export const POLL_LOCK_REPORT_MS = 5000;

const { getOwnPropertyDescriptor, getPrototypeOf } = Object;
const { apply } = Reflect;
const { stringify } = JSON;
const stringSlice = String.prototype.slice;

/** An own data property's value; undefined for an accessor (never run) or when absent. */
function dataOf(obj: unknown, key: string): unknown {
  if (!isObjectLike(obj)) return undefined;
  try {
    const desc = getOwnPropertyDescriptor(obj, key);
    return desc && 'value' in desc ? desc.value : undefined;
  } catch {
    return undefined;
  }
}

/** 'function', 'undefined', …, or 'accessor' for a getter the hook does not run. */
function kindOf(obj: unknown, key: string): string {
  if (!isObjectLike(obj)) return 'undefined';
  try {
    const desc = getOwnPropertyDescriptor(obj, key);
    if (!desc) return 'undefined';
    return 'value' in desc ? typeof desc.value : 'accessor';
  } catch {
    return 'accessor';
  }
}

export class ChatFactsWatch {
  private current: ChatFacts | undefined;
  private last = '';
  /** localStorage's getter and Storage#getItem, taken before page scripts run. */
  private readonly storage: { get?: Fn; value?: unknown };
  private readonly getItem: Fn | undefined;
  private rechecks = 0;
  private timer: unknown = null;

  constructor(
    private readonly win: Obj,
    private readonly scheduler: Pick<Scheduler, 'now' | 'setTimer'>,
    /** Called when a timed re-read changed the facts. */
    private readonly onChange: () => void,
  ) {
    this.storage = storageAccess(win);
    const getItem = readData(readData(readData(win, 'Storage'), 'prototype'), 'getItem');
    this.getItem = typeof getItem === 'function' ? (getItem as Fn) : undefined;
  }

  /** The facts as last read; undefined on a page without a webchat config. */
  facts(): ChatFacts | undefined {
    return this.current;
  }

  /** Reads again; true when what the panel should know changed. Never throws. */
  check(): boolean {
    try {
      return this.update(this.read());
    } catch {
      return false;
    }
  }

  private read(): ChatFacts | undefined {
    const webchat = dataOf(dataOf(readData(this.win, '_genesys'), 'widgets'), 'webchat');
    if (!isObjectLike(webchat)) return undefined;
    const facts: ChatFacts = {};
    const transport = dataOf(webchat, 'transport');
    const asyncOptions = dataOf(transport, 'async');
    if (isObjectLike(asyncOptions)) {
      facts.getSessionData = kindOf(asyncOptions, 'getSessionData');
      facts.setSessionData = kindOf(asyncOptions, 'setSessionData');
    }
    const topAsync = dataOf(dataOf(webchat, 'async'), 'enabled');
    if (typeof topAsync === 'boolean') facts.webchatAsyncEnabled = topAsync;
    const value = this.lockValue();
    if (value !== undefined) {
      const now = this.scheduler.now();
      const before = this.current?.pollLock;
      facts.pollLock = before && before.value === value ? { value, since: before.since, checkedAt: before.checkedAt } : { value, since: now, checkedAt: now };
      // Only a lock that stays "true" needs its later reads reported, and a few of them suffice.
      if (value === 'true' && now - facts.pollLock.checkedAt >= POLL_LOCK_REPORT_MS) facts.pollLock.checkedAt = now;
    }
    return facts;
  }

  private update(facts: ChatFacts | undefined): boolean {
    this.current = facts;
    if (facts?.pollLock?.value === 'true') this.scheduleRecheck();
    else this.rechecks = 0;
    const text = facts ? stringify(facts) : '';
    if (text === this.last) return false;
    this.last = text;
    return true;
  }

  private scheduleRecheck(): void {
    if (this.timer !== null || this.rechecks >= POLL_LOCK_RECHECKS_MS.length) return;
    const delay = POLL_LOCK_RECHECKS_MS[this.rechecks++]!;
    this.timer = this.scheduler.setTimer(() => {
      this.timer = null;
      if (this.check()) this.onChange();
    }, delay);
  }

  /** localStorage's value for the lock: null when absent, undefined when storage cannot be read. */
  private lockValue(): string | null | undefined {
    try {
      const storage = this.storage.get ? apply(this.storage.get, this.win, []) : this.storage.value;
      if (!isObjectLike(storage)) return undefined;
      const getItem = this.getItem ?? readData(storage, 'getItem');
      if (typeof getItem !== 'function') return undefined;
      const value: unknown = apply(getItem as Fn, storage, [POLL_LOCK_KEY]);
      return typeof value === 'string' ? (value.length > 100 ? (apply(stringSlice, value, [0, 100]) as string) : value) : value === null ? null : undefined;
    } catch {
      return undefined; // a sandboxed frame, storage disabled
    }
  }
}

/** Where `localStorage` is, found along the window's prototype chain without reading it. */
function storageAccess(win: Obj): { get?: Fn; value?: unknown } {
  let obj: object | null = win;
  try {
    for (let depth = 0; obj && depth < 10; depth++, obj = getPrototypeOf(obj) as object | null) {
      const desc = getOwnPropertyDescriptor(obj, 'localStorage');
      if (!desc) continue;
      if (typeof desc.get === 'function') return { get: desc.get as Fn };
      return { value: desc.value };
    }
  } catch {
    /* no storage */
  }
  return {};
}
