// Rules over the chat session's life (src/analysis/findings/rules/session.ts), driven through the
// real models.
import { describe, expect, it } from 'vitest';
import { SESSION, T0, ev, messagesUrl, response, stateAt, tab } from '../helpers';

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
