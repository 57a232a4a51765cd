// The page hook's environment on a real page: the page's timers and clock, taken before page
// scripts run (a page may replace them later), and the private port to the content script
// (src/shared/hook-link.ts). Tests pass a fake HookEnv instead.
import type { Scheduler } from './batcher';
import type { HookMessage } from '../shared/protocol';
import { offerPort, windowLinkEnv } from '../shared/hook-link';

export interface HookEnv extends Scheduler {
  send(message: HookMessage): void;
  /** Registers the receiver of what the content script posts on the private port (HookControl,
   *  unchecked). Absent where there is no port (tests). */
  onControl?(listener: (data: unknown) => void): void;
}

/** A page busy for longer than this still gets its batch sent (ms after the batch was due). Long
 *  enough that a burst of bus traffic of up to about a second is over before CX Lens copies and
 *  posts anything (with DevTools open, 20,000 publishes take 300 to 500 ms on a slow machine);
 *  short enough that the panel lags a busy page by about a second at most. The batcher's hard
 *  limit (BATCH_HARD_MAX pending records) bounds the memory meanwhile. */
export const IDLE_TIMEOUT_MS = 1000;

/** The env of a real page: its timers and clock, taken before page scripts run, and `send`. */
export function pageEnv(win: Window, send: (message: HookMessage) => void, onControl?: HookEnv['onControl']): HookEnv {
  const { setTimeout, clearTimeout, requestIdleCallback, cancelIdleCallback } = win;
  const { apply } = Reflect;
  const now = Date.now;
  // A batch waits for its time (the batcher's throttle), then for the page to be idle: copying and
  // posting (about 1 µs a record, mostly structured clone) run after the page's own queued work,
  // not in the middle of a burst of bus traffic.
  interface Timer { timeout?: number; idle?: number }
  return {
    now: () => now(),
    setTimer: (fn, ms) => {
      const timer: Timer = {};
      timer.timeout = apply(setTimeout, win, [() => {
        timer.idle = typeof requestIdleCallback === 'function'
          ? apply(requestIdleCallback, win, [fn, { timeout: IDLE_TIMEOUT_MS }])
          : (fn(), undefined);
      }, ms]);
      return timer;
    },
    clearTimer: (handle) => {
      const timer = handle as Timer;
      apply(clearTimeout, win, [timer.timeout]);
      if (timer.idle !== undefined) apply(cancelIdleCallback, win, [timer.idle]);
    },
    send,
    ...(onControl ? { onControl } : {}),
  };
}

/** Messages the hook posts before the content script took its port (the port queues them until
 *  then); past this, without a content script, they are dropped rather than queued without end. */
export const UNTAKEN_PORT_MAX_MESSAGES = 100;

/**
 * Opens the hook's private channel: a MessageChannel whose second port is handed to the content
 * script now (hook-link.ts). Returns the sender. What the hook sends before the hand-over (its
 * first status, at document_start) waits in the port until the content script takes it.
 * Natives are taken now, so a page that later replaces MessagePort.prototype.postMessage or
 * MessageChannel changes nothing.
 */
export function hookPort(win: Window, onControl?: (data: unknown) => void): (message: HookMessage) => void {
  const { apply } = Reflect;
  const post = MessagePort.prototype.postMessage;
  const channel = new MessageChannel();
  const port = channel.port1;
  if (onControl) {
    // What the content script posts back (only it holds the other end). The event's data is read
    // with the getter as it is now, so a page that later replaces MessageEvent.prototype.data
    // cannot make up a message.
    try {
      const readData = Object.getOwnPropertyDescriptor(MessageEvent.prototype, 'data')!.get!;
      port.onmessage = (event) => {
        try {
          onControl(apply(readData, event, []));
        } catch {
          /* never into the page's event loop */
        }
      };
    } catch {
      /* no control: the hook records as before, without mutes */
    }
  }
  const taken = offerPort(windowLinkEnv(win), channel.port2);
  let early = 0;
  return (message) => {
    if (!taken() && ++early > UNTAKEN_PORT_MAX_MESSAGES) return;
    apply(post, port, [message]);
  };
}
