// The handle the page hook leaves on its window for CX Lens's other main-world scripts (the channel
// hook, and the scripts the worker injects), and how those scripts send a record to the panel with
// or without it. Runs in page code: nothing here may throw into the page.
import { PAGE_SOURCE, PROTOCOL_VERSION, type CaptureRecord, type PageBatch } from './protocol';

/** Window key of the page hook's handle; also the flag that makes a second injection a no-op. */
export const HOOK_KEY = Symbol.for('cx-lens.hook');
/** Window key that makes a second injection of the channel hook a no-op. */
export const CHANNEL_HOOK_KEY = Symbol.for('cx-lens.channel-hook');

/**
 * What the hook leaves on `window[HOOK_KEY]` (non-enumerable) for the extension's own scripts.
 * The page can reach it too; that is acceptable: `interfaces` holds the page's own bus objects,
 * and `emit` only adds records to the page's own stream, which the page could already forge with
 * a look-alike postMessage. It drives nothing in the extension.
 */
export interface HookHandle {
  readonly version: number;
  /** Every plugin interface the hook has seen (tapped, or frozen and untapped), by plugin name. */
  readonly interfaces: Map<string, object>;
  /** Adds a record (an object with a string `t`) to the next batch, copied safely. */
  emit(record: unknown): void;
  /** Runs fn; events it publishes (synchronously) are recorded with via 'synthetic'. For the
   *  extension's Simulate, so its messages are marked as such in the bus list too. */
  synthetic<T>(fn: () => T): T;
}

/** The handle on `win`, seen loosely: a hook of an older build may lack members. */
export function hookHandleOf(win: object): Partial<HookHandle> | undefined {
  try {
    const handle = (win as Record<symbol, unknown>)[HOOK_KEY];
    return typeof handle === 'object' && handle !== null ? (handle as Partial<HookHandle>) : undefined;
  } catch {
    return undefined;
  }
}

/** The targetOrigin of a post to one's own window: its origin, or '*' for an opaque origin
 *  ('null': sandboxed frames, file: pages), which cannot be named. The post stays in this window
 *  either way; naming the origin keeps it from a document that replaced this one. */
export function ownTargetOrigin(origin: string): string {
  return /^[a-z][a-z\d+.-]*:\/\/[^/]+$/i.test(origin) ? origin : '*';
}

/**
 * Sends one record to CX Lens: through the page hook's handle when it is there (batched with the
 * hook's own records), else as a batch of its own through `post` (the content relay takes either).
 * Without CX Lens nobody listens. Never throws.
 */
export function sendRecord(win: object, record: CaptureRecord, post: (batch: PageBatch) => void): void {
  try {
    const hook = hookHandleOf(win);
    if (hook && typeof hook.emit === 'function') {
      hook.emit(record);
      return;
    }
  } catch {
    /* fall back to a batch of its own */
  }
  try {
    post({ source: PAGE_SOURCE, v: PROTOCOL_VERSION, type: 'batch', records: [record] });
  } catch {
    /* never throw into the page */
  }
}
