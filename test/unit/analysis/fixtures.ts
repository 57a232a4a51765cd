// Records and frames for the panel's model tests, and a connected tab.
import type { CaptureRecord, FrameInfo, HookStatus } from '../../../src/shared/protocol';
import type { BusRow, Row } from '../../../src/analysis/bus/bus-model';
import type { TabStore } from '../../../src/analysis/store/tab-store';

let seq = 0;
export const nextSeq = () => ++seq;

export const ev = (name: string, data: unknown = {}): CaptureRecord =>
  ({ t: 'event', seq: ++seq, time: 1000 + seq, name, publisher: name.split('.')[0]!, via: 'publish', data: data as never });
export const cmd = (id: number, name: string, options: unknown = {}): CaptureRecord =>
  ({ t: 'command', seq: ++seq, time: 1000 + seq, id, name, commander: 'CXBus', options: options as never });
export const out = (id: number, outcome: 'resolved' | 'rejected' | 'cancelled', value: unknown = null): CaptureRecord =>
  ({ t: 'outcome', seq: ++seq, time: 1000 + seq, id, outcome, value: value as never });
export const status = (s: Partial<HookStatus>): CaptureRecord =>
  ({ t: 'status', seq: ++seq, time: 0, status: { cxbus: 'absent', quickBus: false, plugins: [], problems: [], ...s } });
/** A valid record of one of the kinds only other views read (injection, cookie sync), with its
 *  kind's shape (src/analysis/store/record-shape.ts). */
export function kindRecord(t: 'inject' | 'channel' | 'channel-gap' | 'cookie-facts'): CaptureRecord {
  const base = { seq: ++seq, time: 1000 + seq };
  switch (t) {
    case 'inject': return { ...base, t, feature: 'finalize', state: 'installed', detail: {} };
    case 'channel':
      return { ...base, t, direction: 'in', peer: 'parent', senderOrigin: 'https://a.test', receiverOrigin: 'https://b.test', channel: false, carriesSession: false, data: null };
    case 'channel-gap': return { ...base, t, channel: 1, other: 0, from: 1, to: 2, origins: [] };
    case 'cookie-facts': return { ...base, t, role: 'page', url: 'https://a.test/', origin: 'https://a.test', cookies: [] };
  }
}
/** A record of a kind the panel does not know. */
export const odd = (t: string, fields: object = {}): CaptureRecord =>
  ({ t, seq: ++seq, time: 1, ...fields }) as unknown as CaptureRecord;
export const frame = (docId: string, top = true, url = `http://localhost:8760/${docId}`): FrameInfo =>
  ({ docId, frameId: top ? 0 : 1, url, origin: 'http://localhost:8760', top, seenAt: 5000 });

export const bus = (rows: Row[]) => rows.filter((r): r is BusRow => r.kind !== 'nav');
export const names = (rows: Row[]) => rows.map((r) => (r.kind === 'nav' ? `--${r.url}` : r.name));

/** The feed connected, with these top documents announced. */
export function connected(store: TabStore, ...docs: string[]): void {
  store.feed.connection('connected');
  for (const d of docs) store.feed.frame(frame(d));
}

/** Nesting depth of the hostile values the bounded walks are tested with. */
export const DEEP = 200_000;

/** A value nested `levels` deep, built in a loop (JSON.stringify of it would overflow the stack):
 *  arrays `[[[…1…]]]`, objects `{a: {a: …}}`, or a chain of `$cx: escaped` markers. */
export function deepValue(kind: 'array' | 'object' | 'escaped', levels = DEEP, leaf: unknown = 1): never {
  let v: unknown = leaf;
  for (let i = 0; i < levels; i++) v = kind === 'array' ? [v] : kind === 'object' ? { a: v } : { $cx: 'escaped', value: v };
  return v as never;
}

/** The same chain as JSON text, built as a string (the page's way to post it). */
export function deepJson(levels = DEEP): string {
  return '{"$cx":"escaped","value":'.repeat(levels) + '1' + '}'.repeat(levels);
}

/** How many levels of single-child containers a value has before its first non-container, as
 *  far as `max` (a loop, not a recursive walk). */
export function levelsOf(value: unknown, max = 1000): number {
  let v = value;
  let n = 0;
  while (n < max && typeof v === 'object' && v !== null) {
    const next: unknown = Array.isArray(v) ? v[0] : Object.values(v as object).find((x) => typeof x === 'object' && x !== null);
    if (next === undefined) return n + 1;
    v = next;
    n++;
  }
  return n;
}
