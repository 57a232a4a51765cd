// Muted event names: the events of one tab whose copy the page hook skips (counting them instead).
// The panel asks, the worker keeps the list per tab and sends it to the tab's relays, each relay
// hands it to its hook over the hook's private port. Every hop checks the list with muteList.
// Written with index loops and typeof only: the page hook runs it in the page's world, where a
// page may have replaced Array.prototype methods.

/** Event names one tab mutes at most. */
export const MUTE_MAX_NAMES = 100;
/** Characters of a muted name at most (the hook's names are shorter; a longer one is refused). */
export const MUTE_NAME_MAX_CHARS = 500;

/** The names in `value` that can be muted: strings, non-empty, within the caps, each once. */
export function muteList(value: unknown): string[] {
  const out: string[] = [];
  if (typeof value !== 'object' || value === null) return out;
  const list = value as { length?: unknown; [i: number]: unknown };
  const length = typeof list.length === 'number' ? list.length : 0;
  for (let i = 0; i < length && i < MUTE_MAX_NAMES * 10 && out.length < MUTE_MAX_NAMES; i++) {
    const name = list[i];
    if (typeof name !== 'string' || !name || name.length > MUTE_NAME_MAX_CHARS) continue;
    let seen = false;
    for (let j = 0; j < out.length; j++) if (out[j] === name) seen = true;
    if (!seen) out[out.length] = name;
  }
  return out;
}

/** A muted name as one count of the hook's status (HookStatus.muted). */
export interface MutedCount {
  name: string;
  count: number;
}

/** The hook's muted counts, checked (the status comes from the page): total and per name. */
export function mutedCounts(value: unknown): { total: number; names: MutedCount[] } {
  const names: MutedCount[] = [];
  let total = 0;
  if (!Array.isArray(value)) return { total, names };
  for (const entry of value.slice(0, MUTE_MAX_NAMES * 2)) {
    const e = entry as { name?: unknown; count?: unknown } | null;
    if (typeof e?.name !== 'string' || typeof e.count !== 'number' || !Number.isSafeInteger(e.count) || e.count < 0) continue;
    names.push({ name: e.name.slice(0, MUTE_NAME_MAX_CHARS), count: e.count });
    total += e.count;
  }
  return { total, names };
}
