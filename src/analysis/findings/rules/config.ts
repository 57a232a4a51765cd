// Rules over what the page hook reports of the page's Widgets configuration and of the cross-tab
// poll lock (HookStatus.transport and HookStatus.chat).
import { finding, type FindingContext, type Rule } from '../context';
import type { Finding } from '../types';
import { ASYNC_IN_TRANSPORT_SNIPPET, ASYNC_STORAGE_SNIPPET, POLL_LOCK_SNIPPET } from '../snippets';

/** A poll lock read "true" for this long is stuck: no request of the transport holds it so long. */
export const POLL_LOCK_STUCK_MS = 30_000;

/** Findings from each document's status, the top document's first; one per key. */
function perStatus(ctx: FindingContext, make: (s: FindingContext['statuses'][number]) => Finding | null): Finding[] {
  const out = new Map<string, Finding>();
  for (const s of ctx.statuses) {
    const f = make(s);
    if (f && !out.has(f.key)) out.set(f.key, f);
  }
  return [...out.values()];
}

export const asyncStorageIgnored: Rule = (ctx) => perStatus(ctx, ({ status, time }) => {
  const chat = status.chat;
  if (status.transport?.asyncEnabled !== true || !chat || chat.getSessionData === undefined) return null;
  const kinds = [chat.getSessionData, chat.setSessionData ?? 'undefined'];
  if (kinds.includes('accessor') || kinds.every((k) => k === 'function')) return null;
  const missing = (['getSessionData', 'setSessionData'] as const).filter((k) => (chat[k] ?? 'undefined') !== 'function');
  return finding({
    rule: 'async-storage-ignored', severity: 'error', key: 'async-storage-ignored',
    title: `Async storage is ignored: ${missing.join(' and ')} ${missing.length === 1 ? 'is not a function' : 'are not functions'}`,
    why: 'The v3 transport uses transport.async only when both getSessionData and setSessionData are functions; otherwise it silently keeps the session in its own cookies, so an async chat is not restored where the page expects it.',
    evidence: [], seen: time,
    fix: { text: 'Give transport.async both functions: getSessionData stores what Widgets hands it, setSessionData returns it.', snippet: ASYNC_STORAGE_SNIPPET },
  });
});

export const asyncConfigMisplaced: Rule = (ctx) => perStatus(ctx, ({ status, time }) => {
  if (status.chat?.webchatAsyncEnabled !== true || status.transport?.asyncEnabled === true) return null;
  return finding({
    rule: 'async-config-misplaced', severity: 'warning', key: 'async-config-misplaced',
    title: 'webchat.async is set, but the transport runs the chat as non-async',
    why: 'The pureengage-v3-rest transport reads only webchat.transport.async; the top-level webchat.async changes the window\'s behaviour, not the chat\'s mode.',
    evidence: [], seen: time,
    fix: { text: 'Move async (enabled and the session functions) into webchat.transport.', snippet: ASYNC_IN_TRANSPORT_SNIPPET },
  });
});

export const pollLockStuck: Rule = (ctx) => perStatus(ctx, ({ status }) => {
  const lock = status.chat?.pollLock;
  if (!lock || lock.value !== 'true' || lock.checkedAt - lock.since < POLL_LOCK_STUCK_MS) return null;
  // A poll started (the transport publishes pollingStarted as each poll begins, which it does only
  // with the lock at "false") or answered since the lock was first read "true" shows polling works.
  if ((ctx.bus.events.get('WebChatService.pollingStarted') ?? []).some((r) => r.time > lock.since)) return null;
  if (ctx.timeline.responses.some((r) => !r.history && r.seenAt > lock.since)) return null;
  return finding({
    rule: 'poll-lock-stuck', severity: 'error', key: 'poll-lock-stuck',
    title: 'The chat stopped polling: localStorage _genesys.widgets.chatPollPending stays "true"',
    why: `The lock read "true" for ${Math.round((lock.checkedAt - lock.since) / 1000)} s with no poll answered. The transport refuses to poll ("previous poll has not finished.") while it is not "false", so agent messages never arrive; a tab closed mid-poll leaves it so.`,
    evidence: [], seen: lock.since, seenUntil: lock.checkedAt,
    fix: { text: 'Reset the lock once when the page loads, before Widgets starts (or clear the site\'s localStorage to confirm).', snippet: POLL_LOCK_SNIPPET },
  });
});

export const captureIncomplete: Rule = (ctx) => {
  const out = new Map<string, Finding>();
  for (const { status, time } of ctx.statuses) {
    for (const problem of Array.isArray(status.problems) ? status.problems : []) {
      const text = String(problem);
      if (out.has(text)) continue;
      out.set(text, finding({
        rule: 'capture-incomplete', severity: 'info', key: `capture-incomplete:${text}`,
        title: 'CX Lens does not see all of the bus',
        why: `${text}. Findings drawn from the bus may miss what those calls did.`,
        evidence: [], seen: time, quotes: [text],
        fix: { text: 'Open DevTools and reload the page, so that CX Lens is in place before the page creates its bus.' },
      }));
    }
  }
  return [...out.values()];
};

export const configRules: Rule[] = [asyncStorageIgnored, asyncConfigMisplaced, pollLockStuck, captureIncomplete];
