// What the page hook reports of the chat config and the poll lock (src/page/chat-facts.ts), on a
// hooked window-like object: read without running the page's getters, only on a page with a
// webchat config, re-read on a timer only while the lock stays "true".
import { describe, expect, it } from 'vitest';
import { installHook } from '../../../src/page/bus-tap';
import { ChatFactsWatch, POLL_LOCK_KEY } from '../../../src/page/chat-facts';
import { BATCH_INTERVAL_MS, type CaptureRecord, type HookStatus, type HookMessage } from '../../../src/shared/protocol';
import { FakeClock } from '../fakes/fake-clock';

/** A window whose localStorage is an accessor (as in Chromium) and whose Storage has getItem. */
function pageWindow(config?: object) {
  const items = new Map<string, string>();
  const reads = { storage: 0, getItem: 0 };
  class Storage {
    getItem(key: string) {
      reads.getItem++;
      return items.has(key) ? items.get(key)! : null;
    }
  }
  const storage = new Storage();
  const win: any = { location: { origin: 'https://shop.example' }, Storage };
  Object.defineProperty(win, 'localStorage', { configurable: true, enumerable: true, get: () => (reads.storage++, storage) });
  if (config) win._genesys = { widgets: { webchat: config } };
  return { win, items, reads };
}

function hook(win: any) {
  const clock = new FakeClock();
  const batches: HookMessage[] = [];
  const handle = installHook(win, { now: clock.now, setTimer: clock.setTimer, clearTimer: clock.clearTimer, send: (message) => batches.push(structuredClone(message)) });
  const statuses = (): HookStatus[] => {
    clock.advance(BATCH_INTERVAL_MS);
    return batches.flatMap((b) => (b.type === 'emit' ? [b.record] : 'json' in b ? JSON.parse(b.json) as CaptureRecord[] : b.records)).filter((r) => r.t === 'status').map((r) => (r as { status: HookStatus }).status);
  };
  return { clock, handle, statuses, status: () => statuses().at(-1)! };
}

describe('chat facts in the hook status', () => {
  it('names which async storage functions the transport has, and webchat.async', () => {
    const { win } = pageWindow({ async: { enabled: true }, transport: { type: 'pureengage-v3-rest', async: { enabled: true, getSessionData() {} } } });
    const status = hook(win).status();
    expect(status.chat).toMatchObject({ getSessionData: 'function', setSessionData: 'undefined', webchatAsyncEnabled: true });
    expect(status.transport?.asyncEnabled).toBe(true);
  });

  it('never runs a getter the page puts on _genesys itself (in place of the hook\'s accessor): no facts, nothing run', () => {
    const { win } = pageWindow();
    const h = hook(win);
    let ran = 0;
    Object.defineProperty(win, '_genesys', { configurable: true, get: () => (ran++, { widgets: { webchat: {} } }) });
    Object.defineProperty(win, 'Storage', { configurable: true, get: () => (ran++, undefined) });
    h.handle.emit({ t: 'note' }); // any record makes a batch, and each batch checks again
    h.clock.advance(1000);
    expect(h.status().chat).toBeUndefined();
    expect(ran).toBe(0);
  });

  it('never runs a getter of the config: an accessor is reported as such', () => {
    let ran = 0;
    const asyncOptions = { enabled: true, getSessionData() {} };
    Object.defineProperty(asyncOptions, 'setSessionData', { enumerable: true, get: () => (ran++, () => null) });
    const transport = {};
    Object.defineProperty(transport, 'async', { enumerable: true, get: () => (ran++, asyncOptions) });
    const clock = new FakeClock();
    const direct = new ChatFactsWatch(pageWindow({ transport: { async: asyncOptions } }).win, clock, () => {});
    direct.check();
    expect(direct.facts()).toMatchObject({ getSessionData: 'function', setSessionData: 'accessor' });
    const hidden = new ChatFactsWatch(pageWindow({ transport }).win, clock, () => {});
    hidden.check();
    expect(hidden.facts()?.getSessionData).toBeUndefined();
    expect(ran).toBe(0);
  });

  it('reports the poll lock, re-reads it on a timer while it stays "true", and stops once it is "false"', () => {
    const { win, items } = pageWindow({ transport: { type: 'pureengage-v3-rest' } });
    items.set(POLL_LOCK_KEY, 'true');
    const h = hook(win);
    const first = h.status().chat!.pollLock!;
    expect(first).toMatchObject({ value: 'true' });
    expect(first.checkedAt).toBe(first.since);
    h.clock.advance(10_000);
    h.clock.advance(20_000);
    const later = h.status().chat!.pollLock!;
    expect(later.since).toBe(first.since);
    expect(later.checkedAt - later.since).toBeGreaterThanOrEqual(30_000);
    items.set(POLL_LOCK_KEY, 'false');
    h.clock.advance(30_000);
    expect(h.status().chat!.pollLock).toMatchObject({ value: 'false' });
    expect(h.clock.pendingTimers).toBe(0);
  });

  it('stops re-reading after a few times, however long the lock stays "true"', () => {
    const { win, items, reads } = pageWindow({ transport: {} });
    items.set(POLL_LOCK_KEY, 'true');
    const h = hook(win);
    h.clock.advance(3_600_000);
    const count = reads.getItem;
    h.clock.advance(3_600_000);
    expect(reads.getItem).toBe(count);
    expect(h.clock.pendingTimers).toBe(0);
  });

  it('on a page without a chat: no storage read, no timer, no chat facts', () => {
    const { win, items, reads } = pageWindow();
    items.set(POLL_LOCK_KEY, 'true');
    const h = hook(win);
    expect(h.status().chat).toBeUndefined();
    expect(reads).toEqual({ storage: 0, getItem: 0 });
    expect(h.clock.pendingTimers).toBe(0);
  });

  it('reads the lock with the getters it took before page scripts, not the page\'s replacements', () => {
    const { win, items } = pageWindow({ transport: {} });
    const h = hook(win);
    let pageCode = 0;
    Object.defineProperty(win, 'localStorage', { configurable: true, get: () => (pageCode++, { getItem: () => 'forged' }) });
    win.Storage.prototype.getItem = () => (pageCode++, 'forged');
    items.set(POLL_LOCK_KEY, 'true');
    win.CXBus = { registerPlugin() {} }; // any check
    expect(h.status().chat?.pollLock?.value).toBe('true');
    expect(pageCode).toBe(0);
  });

  it('a storage that throws (a sandboxed frame) leaves the lock out, and the hook goes on', () => {
    const win: any = { location: { origin: 'null' }, _genesys: { widgets: { webchat: { transport: {} } } } };
    Object.defineProperty(win, 'localStorage', { get: () => { throw new Error('SecurityError'); } });
    const status = hook(win).status();
    expect(status.chat).toEqual({});
  });
});
