// How a bus command ends: the hook watches what the command call returned, without changing what
// the page sees of it.
import type { CommandOutcome } from '../shared/protocol';
import { isObjectLike, type Fn } from './page-objects';

/** The bus rejects a command with exactly this when a `before` hook returns false or a non-object. */
export const CANCEL_MESSAGE = "Command was cancelled by a 'before' function.";

const { apply } = Reflect;
const { getOwnPropertyDescriptor: ownDescriptor, getPrototypeOf } = Object;
const NativePromise = Promise;
const promiseProto = Promise.prototype;
const promiseThen = Promise.prototype.then;

/**
 * Watches a command's result and returns what the page must get. Never throws.
 * - The bus's own deferred (done/fail as data methods; its `then` does not chain): listened to with
 *   done and fail, returned as it is. A CXBus deferred is no native promise: listening changes
 *   nothing the page can see but its callback lists.
 * - A native promise: listening to it would mark it handled, and a rejection the page leaves
 *   unhandled would no longer reach its `unhandledrejection` listeners (error monitors). So the
 *   hook listens to the original and hands the page an equivalent new promise that it never
 *   touches: same outcome, settled one microtask later.
 * - Anything else (another thenable: its `then` is page code that may mark a promise handled): not
 *   watched; the command shows as pending.
 * A rejection with CANCEL_MESSAGE is 'cancelled'.
 */
export function watchOutcome(result: unknown, settle: (outcome: CommandOutcome, value: unknown) => void): unknown {
  if (!isObjectLike(result)) return result;
  try {
    const ok = (value: unknown) => settle('resolved', value);
    const fail = (reason: unknown) => settle(isCancel(reason) ? 'cancelled' : 'rejected', reason);
    const done = dataMethod(result, 'done');
    const onFail = done && dataMethod(result, 'fail');
    if (done && onFail) {
      apply(done, result, [ok]);
      apply(onFail, result, [fail]);
      return result;
    }
    if (getPrototypeOf(result) !== promiseProto) return result; // a subclass or a look-alike: left alone
    let resolveMirror!: (value: unknown) => void;
    let rejectMirror!: (reason: unknown) => void;
    const mirror = new NativePromise((resolve, reject) => {
      resolveMirror = resolve;
      rejectMirror = reject;
    });
    // Throws, before running anything, when result is no real promise (a proxy, say).
    apply(promiseThen, result, [
      (value: unknown) => {
        ok(value);
        resolveMirror(value);
      },
      (reason: unknown) => {
        fail(reason);
        rejectMirror(reason);
      },
    ]);
    return mirror;
  } catch {
    return result; // no outcome: shown as pending
  }
}

/** A method found as a data property on obj or a few prototypes up: no getter runs. */
function dataMethod(obj: object, key: string): Fn | undefined {
  let at: object | null = obj;
  for (let i = 0; at !== null && i < 4; i++) {
    const desc = ownDescriptor(at, key);
    if (desc) return 'value' in desc && typeof desc.value === 'function' ? (desc.value as Fn) : undefined;
    at = getPrototypeOf(at);
  }
  return undefined;
}

function isCancel(reason: unknown): boolean {
  if (reason === CANCEL_MESSAGE) return true;
  try {
    if (!isObjectLike(reason)) return false;
    const desc = ownDescriptor(reason, 'message'); // an Error's own message; never a getter
    return desc !== undefined && 'value' in desc && desc.value === CANCEL_MESSAGE;
  } catch {
    return false;
  }
}
