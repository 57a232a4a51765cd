// The simulator (src/page/inject/simulate-core.ts): a synthetic interaction state delivered to the
// page's WebChatService.messageReceived subscribers, on the fake bus.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSimulator } from '../../../../src/page/inject/simulate-core';
import { createFinalizeHandler } from '../../../../src/page/inject/finalize-core';
import type { InjectRecord } from '../../../../src/shared/protocol';
import type { PageWindow } from '../../../../src/page/inject/bus-and-hook';
import { setHookHandle } from '../../fakes/fake-hook';
import { createFakeWindow, createWidgetsBus } from '../../fakes/fake-widgets';


describe('CXLensSimulate.deliver', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function page(withHook = true) {
    const win = createFakeWindow();
    const bus = createWidgetsBus({ session: { sessionId: 'live-session', participantId: 'p' } });
    const emitted: InjectRecord[] = [];
    win.CXBus = bus.CXBus;
    win._genesys = { widgets: { webchat: { transport: { async: { enabled: true } } } } };
    if (withHook) setHookHandle(win, { emit: (r: InjectRecord) => emitted.push(r), interfaces: new Map([['WebChatService', bus.service]]) });
    return { win, bus, emitted, simulator: createSimulator(win as unknown as PageWindow) };
  }

  it('publishes the synthetic state to the subscribers with the current session, and the handler fires', async () => {
    const p = page();
    const handler = createFinalizeHandler(p.win as unknown as PageWindow);
    handler.install();
    const seen: unknown[] = [];
    p.bus.CXBus.subscribe('WebChatService.messageReceived', (e: unknown) => seen.push(e));
    const result = p.simulator.deliver('Finalizing');
    await vi.advanceTimersByTimeAsync(20);
    const r = await result;
    expect(r).toMatchObject({ ok: true, sessionId: 'live-session' });
    expect(seen).toMatchObject([{ publisher: 'WebChatService', event: 'WebChatService.messageReceived', data: { cxLensSynthetic: true, sessionData: { sessionId: 'live-session' } } }]);
    expect(p.bus.calls.filter((c) => c.commander === 'CXLensFinalize').map((c) => c.name)).toEqual(['WebChat.injectMessage']);
    expect(p.emitted.filter((e) => e.feature === 'simulate')).toMatchObject([{ state: 'delivered', detail: { state: 'Finalizing', sessionId: 'live-session' } }]);
    expect(p.emitted.find((e) => e.feature === 'finalize' && e.state === 'fired')!.detail.synthetic).toBe(true);
  });

  it('delivers without session data when getSessionData does not answer', async () => {
    const p = page();
    p.bus.service.registerCommand('getSessionData', () => { /* never settles */ });
    const result = p.simulator.deliver('Completed');
    await vi.advanceTimersByTimeAsync(1500);
    expect(await result).toMatchObject({ ok: true, sessionId: null });
  });

  it('fails clearly without the page hook, and for a bad state', async () => {
    const p = page(false);
    const r = await p.simulator.deliver('Completed');
    expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/WebChatService is not tapped/) });
    expect(p.win.postMessage).toHaveBeenCalledWith(
      expect.objectContaining({ records: [expect.objectContaining({ feature: 'simulate', state: 'failed' })] }), 'https://shop.example');
    const q = page();
    expect(await q.simulator.deliver('' as string)).toMatchObject({ ok: false });
  });
});
