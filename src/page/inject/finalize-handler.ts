// dist/finalize-handler.js: a plain classic script (no eval, no code strings) that CX Lens
// injects with chrome.scripting.executeScript({world:'MAIN', files}) and that a site may include
// with a <script> tag. It defines window.CXLensFinalizeHandler = {install, uninstall, status}
// once per page, and installs itself only when its tag carries data-auto-install.
// Docs: docs/finalize-handler.md.
import { createFinalizeHandler, type FinalizeHandlerApi } from './finalize-core';
import type { PageWindow } from './bus-and-hook';

const win = window as unknown as PageWindow & { CXLensFinalizeHandler?: FinalizeHandlerApi };

try {
  // Loaded twice (a second injection, or the tag and the extension): keep the first handle, so
  // there is never a second handler and its bus plugin is reused.
  const existing = win.CXLensFinalizeHandler;
  const handler = existing && typeof existing.install === 'function' ? existing : createFinalizeHandler(win);
  win.CXLensFinalizeHandler = handler;

  // Set only while a <script> tag runs this file; null when the extension injects it.
  const script = typeof document !== 'undefined' ? (document.currentScript as HTMLElement | null) : null;
  const data = script?.dataset;
  if (data && data.autoInstall !== undefined) {
    const options: Record<string, unknown> = { source: 'site' };
    if (data.text !== undefined) options.text = data.text;
    if (data.behaviour !== undefined) options.behaviour = data.behaviour;
    if (data.states !== undefined) options.states = data.states.split(',').map((s) => s.trim()).filter(Boolean);
    handler.install(options);
  }
} catch {
  /* never break the page */
}
