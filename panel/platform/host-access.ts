// Host access for a site the user switches on from the panel. Chrome grants host_permissions at
// install and keeps them: nothing to ask, nothing asked. Firefox lets the user withdraw an MV3
// add-on's host access (about:addons, the Extensions button), and then the scripts the worker
// registers for the site do not run there: the capture buttons ask for the site's access first,
// in the click itself (Firefox takes permissions.request only while handling a user's input; one
// already granted is answered yes at once, with no prompt).
import browser from 'webextension-polyfill';
import { matchPattern } from '../../src/shared/site-access';

/** runtime.getBrowserInfo exists in Firefox only (its match patterns take no port either). */
const firefox = typeof (browser.runtime as { getBrowserInfo?: unknown }).getBrowserInfo === 'function';

/** Whether CX Lens may run on `origin` (asks the user where the browser lets them withdraw it).
 *  Call it synchronously from the click handler. */
export function requestSiteAccess(origin: string): Promise<boolean> {
  if (!firefox || typeof browser.permissions?.request !== 'function') return Promise.resolve(true);
  return browser.permissions.request({ origins: [matchPattern(origin, false)] }).catch(() => false);
}
