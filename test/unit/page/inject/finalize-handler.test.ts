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
    expect(await loadEntry('finalize-handler', win)).toEqual({ claimed: 'new' });
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
    // The second run cannot tell its own earlier handle from a page's: it says it found one.
    expect(await loadEntry('finalize-handler', win, { dataset: { autoInstall: '' } })).toEqual({ claimed: 'existing' });
    expect(win.CXLensFinalizeHandler).toBe(first);
    expect(bus.subscriberCount('WebChatService.messageReceived')).toBe(1);
  });

  it('its handle cannot be replaced, and its methods cannot be swapped, by the page', async () => {
    const { win } = widgetsPage();
    await loadEntry('finalize-handler', win);
    const ours = win.CXLensFinalizeHandler!;
    expect(() => { win.CXLensFinalizeHandler = pageObject().fake; }).toThrow(TypeError); // module code is strict
    expect(() => Object.defineProperty(win, 'CXLensFinalizeHandler', { value: pageObject().fake })).toThrow(TypeError);
    expect(() => { (ours as { install: unknown }).install = () => {}; }).toThrow(TypeError);
    expect(win.CXLensFinalizeHandler).toBe(ours);
    expect(Object.keys(win)).not.toContain('CXLensFinalizeHandler');
  });

  it('replaces an object the page assigned to the name before, and never calls it', async () => {
    const { win, bus } = widgetsPage();
    const page = pageObject();
    win.CXLensFinalizeHandler = page.fake;
    expect(await loadEntry('finalize-handler', win, { dataset: { autoInstall: '' } })).toEqual({ claimed: 'new' });
    expect(win.CXLensFinalizeHandler).not.toBe(page.fake);
    expect(win.CXLensFinalizeHandler!.status().state).toBe('installed');
    expect(bus.registerCalls).toContain('CXLensFinalize');
    expect(page.called).toEqual([]);
  });

  it('a name the page made non-configurable: reported as found, left as it is', async () => {
    const { win, bus } = widgetsPage();
    const page = pageObject();
    Object.defineProperty(win, 'CXLensFinalizeHandler', { value: page.fake, configurable: false, writable: false });
    expect(await loadEntry('finalize-handler', win)).toEqual({ claimed: 'existing' });
    expect(win.CXLensFinalizeHandler).toBe(page.fake);
    expect(page.called).toEqual([]);
    expect(bus.registerCalls).not.toContain('CXLensFinalize');
  });

  it('a name held by something it could not use (a getter, a writable value) is reported as taken', async () => {
    for (const descriptor of [{ get: () => pageObject().fake }, { value: pageObject().fake, writable: true }]) {
      const { win } = widgetsPage();
      Object.defineProperty(win, 'CXLensFinalizeHandler', { ...descriptor, configurable: false });
      expect(await loadEntry('finalize-handler', win)).toEqual({ claimed: 'taken' });
    }
  });
});

/** An object a page might put under the name, recording what CX Lens calls on it. */
function pageObject() {
  const called: string[] = [];
  const fake: FinalizeHandlerApi = {
    install() { called.push('install'); return new Promise(() => {}) as never; },
    uninstall() { called.push('uninstall'); return {} as never; },
    status() { called.push('status'); return { state: 'installed', options: null }; },
  };
  return { fake, called };
}
