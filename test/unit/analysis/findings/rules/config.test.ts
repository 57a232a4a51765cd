// Rules over the page's Widgets configuration, the poll lock and what the hook could not tap, as
// the hook reports them (src/analysis/findings/rules/config.ts), driven through the real models.
import { describe, expect, it } from 'vitest';
import { T0, ev, pageMade, response, stateAt, status, tab } from '../helpers';

const asyncTransport = { type: 'pureengage-v3-rest', asyncEnabled: true };

describe('async-storage-ignored', () => {
  it('fires when async is on and only getSessionData is a function', () => {
    const t = tab();
    t.feed(status(10, { transport: asyncTransport, chat: { getSessionData: 'function', setSessionData: 'undefined' } }));
    const f = t.one('async-storage-ignored', T0 + 1000);
    expect(f.severity).toBe('error');
    expect(f.title).toContain('setSessionData is not a function');
    expect(f.fix.snippet).toContain('setSessionData: function');
  });
  it('is silent with both functions, with async off, with a getter it did not run, and for a page-made status', () => {
    const t = tab();
    t.feed(status(10, { transport: asyncTransport, chat: { getSessionData: 'function', setSessionData: 'function' } }));
    expect(t.rules(T0 + 1000)).toEqual([]);
    t.feed(status(20, { transport: { ...asyncTransport, asyncEnabled: false }, chat: { getSessionData: 'function', setSessionData: 'undefined' } }));
    expect(t.rules(T0 + 1000)).toEqual([]);
    t.feed(status(30, { transport: asyncTransport, chat: { getSessionData: 'function', setSessionData: 'accessor' } }));
    expect(t.rules(T0 + 1000)).toEqual([]);
    t.feed(pageMade(status(40, { transport: asyncTransport, chat: { getSessionData: 'function', setSessionData: 'undefined' } })));
    expect(t.rules(T0 + 1000)).toEqual([]);
  });
});

describe('async-config-misplaced', () => {
  it('fires when webchat.async is on but the transport is not async', () => {
    const t = tab();
    t.feed(status(10, { transport: { type: 'pureengage-v3-rest' }, chat: { webchatAsyncEnabled: true } }));
    expect(t.one('async-config-misplaced', T0 + 1000).fix.snippet).toContain('transport: {');
  });
  it('is silent when the transport has it', () => {
    const t = tab();
    t.feed(status(10, { transport: asyncTransport, chat: { webchatAsyncEnabled: true, getSessionData: 'function', setSessionData: 'function' } }));
    expect(t.rules(T0 + 1000)).toEqual([]);
  });
});

describe('poll-lock-stuck', () => {
  const lock = (since: number, checkedAt: number) => ({ value: 'true', since: T0 + since, checkedAt: T0 + checkedAt });
  it('fires when the lock read "true" for 30 s with no poll answered', () => {
    const t = tab();
    t.feed(status(10, { chat: { pollLock: lock(1000, 31_000) } }));
    const f = t.one('poll-lock-stuck', T0 + 40_000);
    expect(f.severity).toBe('error');
    expect([f.firstSeen, f.lastSeen]).toEqual([T0 + 1000, T0 + 31_000]);
    expect(f.fix.snippet).toContain("setItem('_genesys.widgets.chatPollPending', 'false')");
  });
  it('is silent for a lock held briefly, a lock at "false", and when polls were answered', () => {
    const t = tab();
    t.feed(status(10, { chat: { pollLock: lock(1000, 9000) } }));
    expect(t.rules(T0 + 40_000)).toEqual([]);
    t.feed(status(20, { chat: { pollLock: { value: 'false', since: T0, checkedAt: T0 } } }));
    expect(t.rules(T0 + 40_000)).toEqual([]);
    t.feed(status(30, { chat: { pollLock: lock(1000, 31_000) } }));
    t.network(response(20_000, { status: { code: 'SUCCESS' }, data: { messages: [stateAt('Active', 19_000)] } }));
    expect(t.rules(T0 + 40_000)).toEqual([]);
  });
  it('is silent when a poll started after the lock was read "true"', () => {
    const t = tab();
    t.feed(ev(500, 'WebChatService.pollingStarted'), status(600, { chat: { pollLock: lock(1000, 31_000) } }));
    expect(t.rules(T0 + 40_000)).toEqual(['poll-lock-stuck']);
    t.feed(ev(25_000, 'WebChatService.pollingStarted'));
    expect(t.rules(T0 + 40_000)).toEqual([]);
  });
});

describe('capture-incomplete', () => {
  it('lists what the hook could not tap, as information', () => {
    const t = tab();
    t.feed(status(10, { problems: ['plugin App interface is frozen: its calls are not captured'] }));
    const f = t.one('capture-incomplete', T0 + 1000);
    expect(f.severity).toBe('info');
    expect(f.why).toContain('frozen');
  });
  it('is silent when the hook sees everything', () => {
    const t = tab();
    t.feed(status(10, {}));
    expect(t.rules(T0 + 1000)).toEqual([]);
  });
});
