// How an injected file (finalize-handler.js, simulate-state.js, cookie-provider-inject.js) takes
// its window global, so that page code cannot stand in for it. The global is defined
// non-configurable and non-writable, and the object frozen: once CX Lens's file has claimed it in
// a document, the page can neither replace it nor swap its methods. A global the page assigned
// first (a configurable property) is replaced. One the page made non-configurable cannot be
// claimed, and the file cannot tell it from its own of an earlier run: the service worker, which
// remembers what its own runs claimed per document, decides (src/worker/page-calls.ts).

import { errorText } from '../../shared/error-text';

/** The file's completion value, which chrome.scripting.executeScript({files}) returns. */
export interface ClaimResult {
  /** `new`: this run defined the global. `existing`: a non-configurable object was already there
   *  (an earlier run of this file, or the page's own). `taken`: something the file cannot use
   *  holds the name. `failed`: the file threw while making its object. */
  claimed: 'new' | 'existing' | 'taken' | 'failed';
  error?: string;
}

/** Built-ins captured when the file runs (a page that replaced them before can deceive it). */
const { defineProperty, getOwnPropertyDescriptor, freeze } = Object;

/**
 * Claims `win[name]` for the object `create` makes (called only when the name can be claimed).
 * Returns the outcome and the object now under the name, if it is one this file could use.
 * Never throws.
 */
export function claimGlobal<T extends object>(win: object, name: string, create: () => T): { result: ClaimResult; api?: T } {
  try {
    const found = getOwnPropertyDescriptor(win, name);
    if (found && !found.configurable) {
      const usable = 'value' in found && !found.writable && typeof found.value === 'object' && found.value !== null;
      return usable ? { result: { claimed: 'existing' }, api: found.value as T } : { result: { claimed: 'taken' } };
    }
    const api = freeze(create());
    defineProperty(win, name, { value: api, configurable: false, writable: false, enumerable: false });
    return { result: { claimed: 'new' }, api };
  } catch (error) {
    return { result: { claimed: 'failed', error: errorText(error) } };
  }
}
