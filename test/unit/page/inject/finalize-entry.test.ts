// The entry files as a page loads them: dist/finalize-handler.js by a <script> tag (data
// attributes) or by the extension (no currentScript), and dist/simulate-state.js.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FinalizeHandlerApi } from '../../../../src/page/inject/finalize-core';
import type { SimulatorApi } from '../../../../src/page/inject/simulate-core';
import { createFakeWindow, createWidgetsBus, stateMessage, type FakeWindow } from '../../fakes/fake-widgets';

type Win = FakeWindow & { CXLensFinalizeHandler?: FinalizeHandlerApi; CXLensSimulate?: SimulatorApi };
const g = globalThis as unknown as { window?: Win; document?: { currentScript: unknown } };

async function load(entry: 'finalize-handler' | 'simulate', win: Win, currentScript: unknown = null) {
  g.window = win;
  g.document = { currentScript };
  vi.resetModules();
  await import(`../../../../src/page/inject/${entry}.ts`);
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  delete g.window;
  delete g.document;
  vi.useRealTimers();
});

describe('dist/finalize-handler.js entry', () => {
  it('injected by the extension: defines the handle and installs nothing', async () => {
    const win: Win = createFakeWindow();
    const bus = createWidgetsBus();
    win.CXBus = bus.CXBus;
    await load('finalize-handler', win);
    expect(win.CXLensFinalizeHandler!.status().state).toBe('not-installed');
    expect(bus.registerCalls).not.toContain('CXLensFinalize');
  });

  it('a <script data-auto-install> installs with its data attributes', async () => {
    const win: Win = createFakeWindow();
    const bus = createWidgetsBus();
    win.CXBus = bus.CXBus;
    win._genesys = { widgets: { webchat: { transport: { async: { enabled: true } } } } };
    await load('finalize-handler', win, { dataset: { autoInstall: '', text: 'Done here.', behaviour: 'always-end', states: 'Completed, Finalizing' } });
    expect(win.CXLensFinalizeHandler!.status()).toMatchObject({
      state: 'installed', options: { text: 'Done here.', behaviour: 'always-end', states: ['Completed', 'Finalizing'], source: 'site' },
    });
    bus.service.publish('messageReceived', { originalMessages: [stateMessage('Finalizing', 'f', '1')] });
    await vi.advanceTimersByTimeAsync(10);
    expect(bus.calls.filter((c) => c.commander === 'CXLensFinalize').map((c) => c.name)).toEqual(['WebChat.endChat']);
  });

  it('loaded twice keeps the first handle: still one handler', async () => {
    const win: Win = createFakeWindow();
    const bus = createWidgetsBus();
    win.CXBus = bus.CXBus;
    await load('finalize-handler', win);
    const first = win.CXLensFinalizeHandler;
    first!.install();
    await load('finalize-handler', win, { dataset: { autoInstall: '' } });
    expect(win.CXLensFinalizeHandler).toBe(first);
    expect(bus.subscriberCount('WebChatService.messageReceived')).toBe(1);
  });
});

describe('dist/simulate-state.js entry', () => {
  it('defines window.CXLensSimulate once', async () => {
    const win: Win = createFakeWindow();
    await load('simulate', win);
    const first = win.CXLensSimulate;
    expect(typeof first!.deliver).toBe('function');
    await load('simulate', win);
    expect(win.CXLensSimulate).toBe(first);
  });
});
