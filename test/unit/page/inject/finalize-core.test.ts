import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFinalizeHandler, DEFAULT_TEXT, readOptions } from '../../../../src/page/inject/finalize-core';
import { FAST_POLL_FOR_MS, SLOW_POLL_MS } from '../../../../src/page/inject/bus-poll';
import type { InjectRecord } from '../../../../src/shared/protocol';
import type { PageWindow } from '../../../../src/page/inject/bus-and-hook';
import { setHookHandle } from '../../fakes/fake-hook';
import { addQuickBus, createFakeWindow, createWidgetsBus } from '../../fakes/fake-widgets';
import { stateMessage } from '../../fakes/chat-api';


function page(opts: { async?: boolean; chatActive?: boolean; withBus?: boolean; viaQuickBus?: boolean } = {}) {
  const win = createFakeWindow();
  const bus = createWidgetsBus({ chatActive: opts.chatActive ?? true });
  const emitted: InjectRecord[] = [];
  setHookHandle(win, { emit: (r: InjectRecord) => emitted.push(r) });
  win._genesys = { widgets: { webchat: { transport: { type: 'pureengage-v3-rest', async: { enabled: opts.async ?? true } } } } };
  const addBus = () => {
    if (opts.viaQuickBus) addQuickBus(win, bus.CXBus);
    else win.CXBus = bus.CXBus;
  };
  if (opts.withBus ?? true) addBus();
  const handler = createFinalizeHandler(win as unknown as PageWindow);
  /** What WebChatService publishes: {messages, originalMessages, restoring, sessionData, oldMessages}. */
  const deliver = (originalMessages: unknown[], extra: Record<string, unknown> = {}) =>
    bus.service.publish('messageReceived', { messages: [], originalMessages, restoring: false, oldMessages: false, sessionData: { sessionId: 's' }, ...extra });
  const sent = () => bus.calls.filter((c) => c.commander === 'CXLensFinalize');
  return { win, bus, handler, emitted, deliver, sent, addBus };
}

const settle = () => vi.advanceTimersByTimeAsync(10);

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('finalize handler: actions', () => {
  it('async chat: Finalizing → WebChat.injectMessage with the guide text', async () => {
    const p = page({ async: true });
    expect(p.handler.install().state).toBe('installed');
    p.deliver([stateMessage('Active', 'a', '10'), stateMessage('Finalizing', 'f', '11')]);
    await settle();
    expect(p.sent()).toEqual([{ name: 'WebChat.injectMessage', commander: 'CXLensFinalize', data: { type: 'text', text: DEFAULT_TEXT, bubble: { time: false } } }]);
    expect(p.handler.status().lastFired).toMatchObject({ state: 'Finalizing', action: 'inject', messageId: 'f' });
  });

  it('non-async chat: Completed → WebChat.endChat', async () => {
    const p = page({ async: false });
    p.handler.install();
    p.deliver([stateMessage('Completed', 'c', '12')]);
    await settle();
    expect(p.sent().map((c) => c.name)).toEqual(['WebChat.endChat']);
  });

  it('always-notify and always-end ignore the async flag; custom text and states are used', async () => {
    const n = page({ async: false });
    n.handler.install({ behaviour: 'always-notify', text: 'Bye!' });
    n.deliver([stateMessage('Finalizing', 'f', '1')]);
    await settle();
    expect(n.sent()).toMatchObject([{ name: 'WebChat.injectMessage', data: { text: 'Bye!' } }]);

    const e = page({ async: true });
    e.handler.install({ behaviour: 'always-end', states: ['Completed'] });
    e.deliver([stateMessage('Finalizing', 'f', '1')]);
    await settle();
    expect(e.sent()).toEqual([]); // Finalizing is not a trigger here
    e.deliver([stateMessage('Completed', 'c', '2')]);
    await settle();
    expect(e.sent().map((c) => c.name)).toEqual(['WebChat.endChat']);
  });

  it('acts on the last state only, as the guide does, and not on Active', async () => {
    const p = page();
    p.handler.install();
    p.deliver([stateMessage('Finalizing', 'f', '1'), stateMessage('Active', 'a', '2')]);
    await settle();
    expect(p.sent()).toEqual([]);
  });

  it('also works on the QuickBus registerPlugin', async () => {
    const p = page({ viaQuickBus: true });
    expect(p.handler.install()).toMatchObject({ state: 'installed', bus: 'QuickBus' });
    p.deliver([stateMessage('Completed', 'c', '1')]);
    await settle();
    expect(p.sent()).toHaveLength(1);
  });
});

describe('finalize handler: once and only once', () => {
  it('install twice registers one plugin, fires once, and takes the new options', async () => {
    const p = page();
    p.handler.install({ text: 'first' });
    const second = p.handler.install({ text: 'second' });
    expect(second.options!.text).toBe('second');
    expect(p.bus.registerCalls.filter((n) => n === 'CXLensFinalize')).toHaveLength(1);
    expect(p.bus.subscriberCount('WebChatService.messageReceived')).toBe(1);
    p.deliver([stateMessage('Finalizing', 'f', '1')]);
    await settle();
    expect(p.sent()).toMatchObject([{ data: { text: 'second' } }]);
  });

  it('fires once per message id, else per index: a replayed message does not fire again', async () => {
    const p = page();
    p.handler.install();
    const fin = stateMessage('Finalizing', 'f', '1');
    const noId = { ...stateMessage('Completed', '', '1625826338845-0') };
    p.deliver([fin]);
    p.deliver([fin]);
    p.deliver([noId]);
    p.deliver([{ ...noId, index: '16258263388450' }]); // the same index, normalised
    await settle();
    expect(p.sent()).toHaveLength(2);
  });

  it('does not fire for restored or history messages', async () => {
    const p = page();
    p.handler.install();
    p.deliver([stateMessage('Completed', 'old', '1')], { restoring: true });
    p.deliver([stateMessage('Completed', 'older', '0')], { oldMessages: true });
    await settle();
    expect(p.sent()).toEqual([]);
  });

  it('uninstall removes exactly its callback; a reinstall reuses the plugin and fires again', async () => {
    const p = page();
    const other = vi.fn();
    p.bus.CXBus.subscribe('WebChatService.messageReceived', other); // the page's own subscriber
    p.handler.install();
    expect(p.handler.uninstall().state).toBe('not-installed');
    p.deliver([stateMessage('Finalizing', 'f', '1')]);
    await settle();
    expect(p.sent()).toEqual([]);
    expect(other).toHaveBeenCalledTimes(1);

    // registerPlugin would now return false for the taken name: the kept interface is reused
    expect(p.handler.install().state).toBe('installed');
    expect(p.bus.registerCalls.filter((n) => n === 'CXLensFinalize')).toHaveLength(1);
    p.deliver([stateMessage('Completed', 'c', '2')]);
    await settle();
    expect(p.sent()).toHaveLength(1);
  });

  it('fails clearly when the plugin name is taken by someone else', () => {
    const p = page();
    p.bus.registerPlugin('CXLensFinalize');
    const s = p.handler.install();
    expect(s.state).toBe('failed');
    expect(s.message).toMatch(/name is taken/);
    expect(p.emitted.at(-1)).toMatchObject({ feature: 'finalize', state: 'failed' });
  });
});

describe('finalize handler: a bus that appears later', () => {
  it('waits, polls fast then slowly, and installs when the bus shows up', async () => {
    const p = page({ withBus: false });
    expect(p.handler.install()).toMatchObject({ state: 'waiting', message: 'waiting for the bus' });
    await vi.advanceTimersByTimeAsync(FAST_POLL_FOR_MS + 5 * SLOW_POLL_MS);
    expect(p.handler.status().state).toBe('waiting');
    p.addBus();
    await vi.advanceTimersByTimeAsync(SLOW_POLL_MS);
    expect(p.handler.status().state).toBe('installed');
    p.deliver([stateMessage('Finalizing', 'f', '1')]);
    await settle();
    expect(p.sent()).toHaveLength(1);
    expect(p.emitted.map((r) => r.state)).toEqual(['waiting', 'installed', 'fired']);
  });

  it('polls slowly after the first seconds', async () => {
    const p = page({ withBus: false });
    let lookups = 0;
    Object.defineProperty(p.win, 'CXBus', { get: () => { lookups++; return undefined; }, configurable: true });
    p.handler.install();
    await vi.advanceTimersByTimeAsync(FAST_POLL_FOR_MS);
    const fast = lookups;
    await vi.advanceTimersByTimeAsync(10 * SLOW_POLL_MS);
    expect(fast).toBeGreaterThanOrEqual(FAST_POLL_FOR_MS / 100 - 1);
    expect(lookups - fast).toBeGreaterThanOrEqual(9);
    expect(lookups - fast).toBeLessThanOrEqual(11);
  });

  it('uninstall while waiting stops the polling', async () => {
    const p = page({ withBus: false });
    p.handler.install();
    p.handler.uninstall();
    p.addBus();
    await vi.advanceTimersByTimeAsync(5000);
    expect(p.bus.registerCalls).not.toContain('CXLensFinalize');
    expect(p.emitted.map((r) => r.state)).toEqual(['waiting', 'removed']);
  });
});

describe('finalize handler: status records and safety', () => {
  it('reports installed, fired (with time, state, action) and a rejected command as failed', async () => {
    const p = page({ async: true, chatActive: false });
    p.handler.install({ source: 'site' });
    p.deliver([stateMessage('Finalizing', 'f', '1')]);
    await settle();
    expect(p.emitted.map((r) => [r.t, r.feature, r.state])).toEqual([
      ['inject', 'finalize', 'installed'], ['inject', 'finalize', 'fired'], ['inject', 'finalize', 'failed'],
    ]);
    expect(p.emitted[0]!.detail.options).toMatchObject({ source: 'site', behaviour: 'follow-async' });
    expect(p.emitted[1]).toMatchObject({ seq: 0, detail: { state: 'Finalizing', action: 'inject', messageId: 'f', async: true } });
    expect(typeof p.emitted[1]!.time).toBe('number');
    expect(p.emitted[2]!.detail.error).toBe('No chat session to inject into.');
    expect(p.handler.status().lastError).toBe('No chat session to inject into.');
    p.handler.uninstall();
    expect(p.emitted.at(-1)!.state).toBe('removed');
  });

  it('without the page hook, posts a page batch to its own origin', () => {
    const p = page();
    setHookHandle(p.win, undefined);
    p.handler.install();
    expect(p.win.postMessage).toHaveBeenCalledWith(
      { source: 'cx-lens-page', v: 1, type: 'batch', records: [expect.objectContaining({ t: 'inject', feature: 'finalize', state: 'installed' })] },
      'https://shop.example',
    );
  });

  it('never throws into the page: odd payloads, a throwing bus, a throwing hook', async () => {
    const p = page();
    p.handler.install();
    p.deliver('nope' as unknown as unknown[]);
    p.deliver([null, 3, { type: 'System', event: 'InteractionStateChange' }]);
    await settle();
    expect(p.sent()).toEqual([]);

    const q = page();
    setHookHandle(q.win, { emit: () => { throw new Error('hook broke'); } });
    (q.win as { CXBus?: unknown }).CXBus = { registerPlugin: () => { throw new Error('bus broke'); } };
    expect(() => q.handler.install()).not.toThrow();
    expect(q.handler.status()).toMatchObject({ state: 'failed', message: 'bus broke' });
    expect(q.win.postMessage).toHaveBeenCalled(); // the hook threw: fell back to postMessage
  });
});

describe('readOptions', () => {
  it('defaults, and warns about what it does not understand', () => {
    expect(readOptions(undefined)).toEqual({ options: { text: DEFAULT_TEXT, behaviour: 'follow-async', states: ['Finalizing', 'Completed'], source: 'extension' }, warnings: [] });
    const r = readOptions({ text: '  ', behaviour: 'explode', states: [], source: 'x' });
    expect(r.options).toMatchObject({ text: DEFAULT_TEXT, behaviour: 'follow-async', states: ['Finalizing', 'Completed'], source: 'extension' });
    expect(r.warnings).toHaveLength(3);
  });
});
