// How a bus command ends: the hook listens to what the command call returned.
import type { CommandOutcome } from '../shared/protocol';
import { isObjectLike, type Obj } from './page-objects';

/** The bus rejects a command with exactly this when a `before` hook returns false or a non-object. */
export const CANCEL_MESSAGE = "Command was cancelled by a 'before' function.";

const { apply } = Reflect;

/**
 * Listens to a command's result: the bus's deferred (done/fail; its `then` does not chain), else
 * a thenable. A rejection with CANCEL_MESSAGE is 'cancelled'. Nothing to listen to: the command
 * stays pending. Never throws.
 */
export function watchOutcome(result: unknown, settle: (outcome: CommandOutcome, value: unknown) => void): void {
  try {
    if (!isObjectLike(result)) return;
    const r = result as Obj;
    const ok = (value: unknown) => settle('resolved', value);
    const fail = (reason: unknown) => settle(isCancel(reason) ? 'cancelled' : 'rejected', reason);
    if (typeof r.done === 'function' && typeof r.fail === 'function') {
      apply(r.done, r, [ok]);
      apply(r.fail, r, [fail]);
    } else if (typeof r.then === 'function') {
      apply(r.then, r, [ok, fail]);
    }
  } catch {
    /* no outcome: shown as pending */
  }
}

function isCancel(reason: unknown): boolean {
  if (reason === CANCEL_MESSAGE) return true;
  try {
    return isObjectLike(reason) && (reason as Obj).message === CANCEL_MESSAGE;
  } catch {
    return false;
  }
}
