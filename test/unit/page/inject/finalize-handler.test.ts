// The finalize handler's entry, dist/finalize-handler.js, as a page loads it: by a <script> tag
// (data attributes) or injected by the extension (no currentScript).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FinalizeHandlerApi } from '../../../../src/page/inject/finalize-core';
import { createFakeWindow, createWidgetsBus, type FakeWindow } from '../../fakes/fake-widgets';
import { stateMessage } from '../../fakes/chat-api';
import { forgetPageAfterEach, loadEntry } from '../../fakes/page-entry';

type Win = FakeWindow & { CXLensFinalizeHandler?: FinalizeHandlerApi };

/** A page with the Widgets bus on window.CXBus. */
function widgetsPage() {
  const win: Win = createFakeWindow();
  const bus = createWidgetsBus();
  win.CXBus = bus.CXBus;
  return { win, bus };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());
forgetPageAfterEach();

describe('dist/finalize-handler.js entry', () => {
  it('injected by the extension: defines the handle and installs nothing', async () => {
    const { win, bus } = widgetsPage();
    await loadEntry('finalize-handler', win);
    expect(win.CXLensFinalizeHandler!.status().state).toBe('not-installed');
    expect(bus.registerCalls).not.toContain('CXLensFinalize');
  });

  it('a <script data-auto-install> installs with its data attributes', async () => {
    const { win, bus } = widgetsPage();
    win._genesys = { widgets: { webchat: { transport: { async: { enabled: true } } } } };
    await loadEntry('finalize-handler', win, { dataset: { autoInstall: '', text: 'Done here.', behaviour: 'always-end', states: 'Completed, Finalizing' } });
    expect(win.CXLensFinalizeHandler!.status()).toMatchObject({
      state: 'installed', options: { text: 'Done here.', behaviour: 'always-end', states: ['Completed', 'Finalizing'], source: 'site' },
    });
    bus.service.publish('messageReceived', { originalMessages: [stateMessage('Finalizing', 'f', '1')] });
    await vi.advanceTimersByTimeAsync(10);
    expect(bus.calls.filter((c) => c.commander === 'CXLensFinalize').map((c) => c.name)).toEqual(['WebChat.endChat']);
  });

  it('loaded twice keeps the first handle: still one handler', async () => {
    const { win, bus } = widgetsPage();
    await loadEntry('finalize-handler', win);
    const first = win.CXLensFinalizeHandler;
    first!.install();
    await loadEntry('finalize-handler', win, { dataset: { autoInstall: '' } });
    expect(win.CXLensFinalizeHandler).toBe(first);
    expect(bus.subscriberCount('WebChatService.messageReceived')).toBe(1);
  });
});
