// dist/finalize-handler.js: a plain classic script (no eval, no code strings) that CX Lens
// injects with chrome.scripting.executeScript({world:'MAIN', files}) and that a site may include
// with a <script> tag. It claims window.CXLensFinalizeHandler = {install, uninstall, status}
// (claim-global.ts: non-configurable, frozen, replacing an object the page assigned), and
// installs itself only when its tag carries data-auto-install. Its completion value, the claim's
// outcome, tells the service worker whether the global is its own. Docs: docs/finalize-handler.md.
import { createFinalizeHandler, type FinalizeHandlerApi } from './finalize-core';
import { claimGlobal, type ClaimResult } from './claim-global';
import type { PageWindow } from './bus-and-hook';

const win = window as unknown as PageWindow & { CXLensFinalizeHandler?: FinalizeHandlerApi };

// Loaded twice (a second injection, or the tag and the extension): the first handle stays, so
// there is never a second handler and its bus plugin is reused.
const { result, api: handler } = claimGlobal(win, 'CXLensFinalizeHandler', () => createFinalizeHandler(win));

try {
  // Set only while a <script> tag runs this file; null when the extension injects it.
  const script = typeof document !== 'undefined' ? (document.currentScript as HTMLElement | null) : null;
  const data = script?.dataset;
  // The tag is the page's own: installing through a handle already there is the page's choice.
  if (data && data.autoInstall !== undefined && handler && typeof handler.install === 'function') {
    const options: Record<string, unknown> = { source: 'site' };
    if (data.text !== undefined) options.text = data.text;
    if (data.behaviour !== undefined) options.behaviour = data.behaviour;
    if (data.states !== undefined) options.states = data.states.split(',').map((s) => s.trim()).filter(Boolean);
    handler.install(options);
  }
} catch {
  /* never break the page */
}

// The completion value of dist/finalize-handler.js (scripts/build-standalone.mjs).
export default result satisfies ClaimResult;
