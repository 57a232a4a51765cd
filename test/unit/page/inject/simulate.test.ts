// The simulator's entry, dist/simulate-state.js, as the extension injects it into a page.
import { describe, expect, it } from 'vitest';
import type { SimulatorApi } from '../../../../src/page/inject/simulate-core';
import { createFakeWindow, type FakeWindow } from '../../fakes/fake-widgets';
import { forgetPageAfterEach, loadEntry } from '../../fakes/page-entry';

forgetPageAfterEach();

describe('dist/simulate-state.js entry', () => {
  it('defines window.CXLensSimulate once', async () => {
    const win: FakeWindow & { CXLensSimulate?: SimulatorApi } = createFakeWindow();
    await loadEntry('simulate', win);
    const first = win.CXLensSimulate;
    expect(typeof first!.deliver).toBe('function');
    await loadEntry('simulate', win);
    expect(win.CXLensSimulate).toBe(first);
  });
});
