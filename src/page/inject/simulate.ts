// dist/simulate-state.js: a plain classic script that CX Lens injects into the inspected page's
// main world. Defines window.CXLensSimulate = {deliver(state)} once; the panel then calls
// deliver through a second executeScript, which returns deliver's promise.
import { createSimulator, type SimulatorApi } from './simulate-core';
import type { PageWindow } from './bus-and-hook';

const win = window as unknown as PageWindow & { CXLensSimulate?: SimulatorApi };

try {
  if (!win.CXLensSimulate || typeof win.CXLensSimulate.deliver !== 'function') win.CXLensSimulate = createSimulator(win);
} catch {
  /* never break the page */
}
