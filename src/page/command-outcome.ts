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
const speciesKey = Symbol.species;
const nativeSpecies = ownDescriptor(Promise, speciesKey)?.get;

/**
 * Watches a command's result and returns what the page must get. Never throws.
 * - The bus's own deferred (done/fail as data methods; its `then` does not chain): listened to with
 *   done and fail, returned as it is. A CXBus deferred is no native promise: listening changes
 *   nothing the page can see but its callback lists.
 * - A native promise: listening to it would mark it handled, and a rejection the page leaves
 *   unhandled would no longer reach its `unhandledrejection` listeners (error monitors). So the
 *   hook listens to the original and hands the page an equivalent new promise that it never
 *   touches: same outcome, settled one microtask later.
 * - Anything else (another thenable: its `then` is page code that may mark a promise handled; a
 *   promise whose `constructor` or species the page redefined, which `then` would read): not
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
    if (!thenIsQuiet(result)) return result; // a subclass, a look-alike, a redefined constructor: left alone
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

/**
 * Whether Promise.prototype.then (taken at load) runs no page code on `promise`: a native
 * promise of this realm reads its `constructor` through [[Get]] and then that constructor's
 * Symbol.species (SpeciesConstructor), so both must still be the engine's, as data: no own
 * `constructor`, Promise.prototype.constructor the realm's Promise, whose species getter is the
 * native one. (A proxy passes only when its traps say so; `then` then throws, running nothing.)
 */
function thenIsQuiet(promise: object): boolean {
  if (getPrototypeOf(promise) !== promiseProto || ownDescriptor(promise, 'constructor')) return false;
  const ctor = ownDescriptor(promiseProto, 'constructor');
  if (!ctor || !('value' in ctor) || ctor.value !== NativePromise) return false;
  const species = ownDescriptor(NativePromise, speciesKey);
  return species !== undefined && nativeSpecies !== undefined && species.get === nativeSpecies;
}

/**
 * Calls ok or fail once a native promise settles, with `then` taken at load, when that runs no page
 * code (thenIsQuiet); false, and nothing attached, otherwise. ok and fail must not throw. For the
 * hooks' own reads of platform promises (cookieStore.getAll). Never throws.
 */
export function whenSettled(promise: unknown, ok: (value: unknown) => void, fail: (reason: unknown) => void): boolean {
  if (!isObjectLike(promise)) return false;
  try {
    if (!thenIsQuiet(promise)) return false;
    apply(promiseThen, promise, [ok, fail]);
    return true;
  } catch {
    return false;
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
