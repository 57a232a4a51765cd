// Rules over the chat session's life as the bus and the network show it: a restore that failed
// or came back as another session, a session the server lost, chat API errors.
import type { BusRow } from '../../bus/bus-model';
import { plural } from '../../text/summary';
import { busEvidence, earliest, finding, groupBy, label, type FindingContext, type Rule } from '../context';

/** How far around a WebChatService.restored event its transcript response may finish. */
const RESTORE_WINDOW_MS = 10_000;
/** Errors published this soon after a lost session or failed restore are part of it. */
const ERROR_ECHO_MS = 1000;

const events = (bus: FindingContext['bus'], name: string): BusRow[] => bus.events.get(name) ?? [];

function sessionOfStarted(row: BusRow): string | undefined {
  const data = (row.record as { data?: unknown }).data as { data?: { sessionId?: unknown } } | null;
  const id = data && typeof data === 'object' ? data.data?.sessionId : undefined;
  return typeof id === 'string' && id ? id : undefined;
}

export const restoreFailed: Rule = ({ bus, timeline }) => {
  const out = [];
  const failed = events(bus, 'WebChatService.restoreFailed');
  if (failed.length) {
    out.push(finding({
      rule: 'restore-failed', severity: 'error', key: 'restore-failed:failed',
      title: `The chat could not be restored (${plural(failed.length, 'time')})`,
      why: 'Widgets tried to bring back the saved chat and the server answered with an error or no session: the customer lost the conversation.',
      evidence: failed.map((r) => busEvidence(r, `WebChatService.restoreFailed ${r.summary}`)),
      quotes: failed.map((r) => r.summary),
      fix: {
        text: 'In async mode setSessionData must return what getSessionData stored (a JSON string or an object with the token), and the server must still know that session. Look at the restore request and its answer in the Network panel.',
      },
    }));
  }
  // An async restore the server answered with another session: the transcript it loaded is not
  // the one of the session the page knew before.
  const known: { time: number; sessionId: string }[] = [];
  for (const r of events(bus, 'WebChatService.started')) {
    const id = sessionOfStarted(r);
    if (id) known.push({ time: r.time, sessionId: id });
  }
  for (const resp of timeline.responses) if (resp.sessionId && !resp.history) known.push({ time: resp.seenAt, sessionId: resp.sessionId });
  known.sort((a, b) => a.time - b.time);
  const switched = events(bus, 'WebChatService.restored').flatMap((row) => {
    const transcript = timeline.responses.find((resp) => resp.history && resp.sessionId && Math.abs(resp.seenAt - row.time) <= RESTORE_WINDOW_MS);
    const before = [...known].reverse().find((k) => k.time < row.time);
    if (!transcript?.sessionId || !before || before.sessionId === transcript.sessionId) return [];
    return [{ row, from: before.sessionId, to: transcript.sessionId }];
  });
  for (const [key, list] of groupBy(switched, (s) => `${s.from}\n${s.to}`)) {
    const { from, to } = list[0]!;
    out.push(finding({
      rule: 'restore-failed', severity: 'error', key: `restore-failed:new-session:${key}`,
      title: 'The restore brought back a new session instead of the saved one',
      why: `The page had session ${from}; the restore loaded session ${to}, so the customer's conversation so far is gone and an agent gets a new chat.`,
      evidence: list.map((s) => busEvidence(s.row, `WebChatService.restored: session ${to}, expected ${from}`)),
      fix: { text: 'The restore must send the saved token (x-nexus-client-key) and the server must answer the same session: check what setSessionData returns and the POST to dataURL that follows.' },
      sessionId: to,
      quotes: [from, to],
    }));
  }
  return out;
};

export const sessionLost: Rule = ({ bus }) => {
  const lost = events(bus, 'WebChatService.sessionLost');
  if (!lost.length) return [];
  return [finding({
    rule: 'session-lost', severity: 'error', key: 'session-lost',
    title: `The server lost the chat session (${plural(lost.length, 'time')})`,
    why: 'The chat API answered INVALID_SESSION or 404 (or 401 while restoring): Widgets deleted its cookies and ended the chat for the customer.',
    evidence: lost.map((r) => busEvidence(r)),
    quotes: lost.map((r) => r.summary),
    fix: { text: 'Check that every page uses the same dataURL and API key, that the session has not expired server-side, and that a restore sends the token of a live session.' },
  })];
};

export const chatApiError: Rule = ({ bus, timeline }) => {
  const echoes = [...events(bus, 'WebChatService.sessionLost'), ...events(bus, 'WebChatService.restoreFailed')].map((r) => r.time);
  const errors = events(bus, 'WebChatService.error').filter((r) => !echoes.some((t) => r.time >= t && r.time - t <= ERROR_ECHO_MS));
  const out = [...groupBy(errors, (r) => r.summary)].map(([summary, rows]) => finding({
    rule: 'chat-api-error', severity: 'warning', key: `chat-api-error:bus:${summary}`,
    title: `WebChatService reported an error (${plural(rows.length, 'time')})`,
    why: `A chat API call failed: ${label(summary)}. Messages may be missing or not sent.`,
    evidence: rows.map((r) => busEvidence(r)),
    quotes: [summary, label(summary)],
    fix: { text: 'Open the failed request in the Network panel: its status and body say what the server refused (an expired API key, a wrong dataURL, a rate limit).' },
  }));
  const statusProblems = timeline.problems.filter((p) => p.code === 'error-status');
  for (const [message, list] of groupBy(statusProblems, (p) => p.message)) {
    out.push(finding({
      rule: 'chat-api-error', severity: 'warning', key: `chat-api-error:network:${message}`,
      title: `The chat API answered ${message}`,
      why: `${plural(list.length, 'messages request')} came back with an error envelope instead of messages.`,
      evidence: [], seen: earliest(list.map((p) => p.seenAt)), quotes: [message],
      fix: { text: 'Look at the response in the Network panel; INVALID_SESSION means the session is gone (Widgets ends the chat).' },
    }));
  }
  return out;
};

/** A disconnection not followed by a reconnection within this long is reported. */
export const RECONNECT_WAIT_MS = 30_000;

export const chatDisconnected: Rule = ({ bus, now }) => {
  const back = events(bus, 'WebChatService.reconnected').map((r) => r.time);
  const ended = events(bus, 'WebChatService.ended').map((r) => r.time);
  const open = events(bus, 'WebChatService.disconnected')
    .filter((r) => now - r.time >= RECONNECT_WAIT_MS && !back.some((t) => t >= r.time) && !ended.some((t) => t >= r.time));
  if (!open.length) return [];
  return [finding({
    rule: 'chat-disconnected', severity: 'warning', key: 'chat-disconnected',
    title: 'The chat lost its connection to the server and has not reconnected',
    why: 'A poll failed with no response at all (HTTP status 0: offline, blocked by CORS or a proxy, server down); the customer sees no new messages until a poll succeeds.',
    evidence: open.map((r) => busEvidence(r)),
    quotes: open.map((r) => r.summary),
    fix: { text: 'Open the failed poll in the Network panel: a CORS error means the chat API does not allow this page\'s origin; otherwise check the network path to dataURL.' },
  })];
};

export const sessionRules: Rule[] = [restoreFailed, sessionLost, chatApiError, chatDisconnected];
