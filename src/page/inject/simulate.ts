// dist/simulate-state.js: a plain classic script that CX Lens injects into the inspected page's
// main world. Claims window.CXLensSimulate = {deliver(state)} once (claim-global.ts); the worker
// then calls deliver through a second executeScript, which returns deliver's promise, only when
// the completion value of this file says the global is CX Lens's own.
import { createSimulator } from './simulate-core';
import { claimGlobal, type ClaimResult } from './claim-global';
import type { PageWindow } from './bus-and-hook';

const win = window as unknown as PageWindow;

// The completion value of dist/simulate-state.js (scripts/build-standalone.mjs).
export default claimGlobal(win, 'CXLensSimulate', () => createSimulator(win)).result satisfies ClaimResult;
