// The simulator's entry, dist/simulate-state.js, as the extension injects it into a page.
import { describe, expect, it } from 'vitest';
import type { SimulatorApi } from '../../../../src/page/inject/simulate-core';
import { createFakeWindow, type FakeWindow } from '../../fakes/fake-widgets';
import { forgetPageAfterEach, loadEntry } from '../../fakes/page-entry';

forgetPageAfterEach();

type Win = FakeWindow & { CXLensSimulate?: SimulatorApi };

describe('dist/simulate-state.js entry', () => {
  it('defines window.CXLensSimulate once', async () => {
    const win: Win = createFakeWindow();
    expect(await loadEntry('simulate', win)).toEqual({ claimed: 'new' });
    const first = win.CXLensSimulate;
    expect(typeof first!.deliver).toBe('function');
    expect(await loadEntry('simulate', win)).toEqual({ claimed: 'existing' });
    expect(win.CXLensSimulate).toBe(first);
  });

  it('replaces a page-assigned CXLensSimulate; one the page made non-configurable stays and is reported', async () => {
    const fake = { deliver: async () => ({ ok: true as const, messageId: 'forged', sessionId: null }) };
    const assigned: Win = createFakeWindow();
    assigned.CXLensSimulate = fake as unknown as SimulatorApi;
    expect(await loadEntry('simulate', assigned)).toEqual({ claimed: 'new' });
    expect(assigned.CXLensSimulate).not.toBe(fake);
    expect(Object.getOwnPropertyDescriptor(assigned, 'CXLensSimulate')).toMatchObject({ configurable: false, writable: false });

    const fixed: Win = createFakeWindow();
    Object.defineProperty(fixed, 'CXLensSimulate', { value: fake, configurable: false, writable: false });
    expect(await loadEntry('simulate', fixed)).toEqual({ claimed: 'existing' });
    expect(fixed.CXLensSimulate).toBe(fake);
  });
});
