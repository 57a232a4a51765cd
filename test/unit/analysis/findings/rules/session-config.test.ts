// Rules over the chat session's life, the page's Widgets configuration and the poll lock as the
// hook reports them, and CX Lens's own injections, driven through the real models.
import { describe, expect, it } from 'vitest';
import type { InjectRecord } from '../../../../../src/shared/protocol';
import { SESSION, T0, ev, messagesUrl, pageMade, response, stateAt, status, tab } from '../helpers';

const asyncTransport = { type: 'pureengage-v3-rest', asyncEnabled: true };

describe('restore-failed', () => {
  it('fires on WebChatService.restoreFailed, with the event as evidence', () => {
    const t = tab();
    t.feed(ev(100, 'WebChat.opened'), ev(200, 'WebChatService.restoreFailed', { status: { code: 'INVALID_SESSION' } }));
    const f = t.one('restore-failed', T0 + 1000);
    expect(f.severity).toBe('error');
    expect(f.evidence[0]).toMatchObject({ tab: 'bus', time: T0 + 200 });
  });

  it('fires when the restore loaded another session than the one the page had', () => {
    const t = tab();
    t.feed(ev(100, 'WebChatService.started', { data: { sessionId: 'old-session' } }), ev(5000, 'WebChatService.restored', { async: true }));
    t.network(response(4900, { status: { code: 'SUCCESS' }, data: { messages: [stateAt('Active', 4800)] } }, messagesUrl('new-session', '?count=20')));
    const f = t.one('restore-failed', T0 + 6000);
    expect(f.why).toContain('old-session');
    expect(f.why).toContain('new-session');
    expect(f.sessionId).toBe('new-session');
  });

  it('is silent on a restore of the same session', () => {
    const t = tab();
    t.feed(ev(100, 'WebChatService.started', { data: { sessionId: SESSION } }), ev(5000, 'WebChatService.restored', { async: true }));
    t.network(response(4900, { status: { code: 'SUCCESS' }, data: { messages: [stateAt('Active', 4800)] } }, messagesUrl(SESSION, '?count=20')));
    expect(t.rules(T0 + 6000)).toEqual([]);
  });
});

describe('session-lost and chat-api-error', () => {
  it('a lost session is an error, and the error published with it is not a second finding', () => {
    const t = tab();
    t.feed(ev(100, 'WebChatService.sessionLost', { status: 404 }), ev(101, 'WebChatService.error', { errors: [{ status: 404 }] }));
    expect(t.rules(T0 + 1000)).toEqual(['session-lost']);
  });
  it('an error on its own is a warning, one per kind', () => {
    const t = tab();
    t.feed(ev(100, 'WebChatService.error', { errors: [{ code: 'pureengage-v3-rest-RATE_LIMIT' }] }), ev(900, 'WebChatService.error', { errors: [{ code: 'pureengage-v3-rest-RATE_LIMIT' }] }));
    const f = t.one('chat-api-error', T0 + 1000);
    expect(f.severity).toBe('warning');
    expect(f.evidence).toHaveLength(2);
  });
  it('an error envelope in a messages response', () => {
    const t = tab();
    t.network(response(100, { status: { code: 'INVALID_SESSION', message: 'gone' } }));
    expect(t.one('chat-api-error', T0 + 1000).title).toContain('INVALID_SESSION');
  });
  it('are silent on a chat that runs', () => {
    const t = tab();
    t.feed(ev(100, 'WebChatService.started', { data: { sessionId: SESSION } }), ev(200, 'WebChatService.messageReceived', { originalMessages: [] }));
    expect(t.rules(T0 + 1000)).toEqual([]);
  });
});

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

describe('injection-failed', () => {
  const inject = (at: number, state: InjectRecord['state'], detail: InjectRecord['detail'] = {}): InjectRecord =>
    ({ t: 'inject', seq: 0, time: T0 + at, feature: 'finalize', state, detail });
  it('fires with the page\'s error when the injected handler failed', () => {
    const t = tab();
    t.feed(inject(100, 'failed', { error: "Refused to execute script: Content Security Policy directive 'script-src'" }));
    const f = t.one('injection-failed', T0 + 1000);
    expect(f.severity).toBe('error');
    expect(f.title).toContain('Content Security Policy');
    expect(f.fix.text).toContain('Content-Security-Policy');
  });
  it('fires on the worker\'s error report', () => {
    const t = tab();
    t.models.injection.report({ type: 'injection', settings: {}, error: { feature: 'finalize', message: 'Cannot access contents of the page' } });
    expect(t.one('injection-failed', T0 + 1000).title).toContain('Cannot access contents of the page');
  });
  it('is silent once a later install worked', () => {
    const t = tab();
    t.feed(inject(100, 'failed', { error: 'bus frozen' }), inject(200, 'installed'));
    expect(t.rules(T0 + 1000)).toEqual([]);
  });
});

describe('chat-disconnected', () => {
  it('fires when no reconnection followed within 30 s', () => {
    const t = tab();
    t.feed(ev(100, 'WebChatService.disconnected'));
    expect(t.rules(T0 + 10_000)).toEqual([]);
    expect(t.one('chat-disconnected', T0 + 40_000).severity).toBe('warning');
  });
  it('is silent after a reconnection', () => {
    const t = tab();
    t.feed(ev(100, 'WebChatService.disconnected'), ev(5000, 'WebChatService.reconnected'));
    expect(t.rules(T0 + 40_000)).toEqual([]);
  });
});
