// Rules over the States timeline: what the page did when a segment ended, customers who opened a
// segment after it, and chat API responses the Widgets transport cannot read.
import type { StateRow, TimelineRow } from '../../states/timeline';
import { problemItems } from '../../states/status';
import type { Evidence } from '../types';
import { plural } from '../../text/summary';
import { finding, label, type Rule } from '../context';
import { FINALIZE_HANDLER_SNIPPET } from '../snippets';

/** A reaction command still without an outcome this long after it was sent has failed. */
export const REACTION_SETTLE_MS = 5000;

const sessionLabel = (id: string | null) => (id ? `session ${id}` : 'a chat whose session is not known');
const sessionKey = (id: string | null) => id ?? '-';

function stateEvidence(row: StateRow, text: string): Evidence {
  return { tab: 'states', key: row.key, label: label(text), time: row.seenAt };
}

const finalizeFix = {
  text: 'Subscribe to WebChatService.messageReceived and, on Finalizing or Completed, inject a closing notice (async chat) or end the chat. Or switch on CX Lens\'s finalize handler to try it on this page.',
  snippet: FINALIZE_HANDLER_SNIPPET,
  action: { id: 'finalize-on' as const, label: 'Switch on the finalize handler' },
};

/** The same fix where the page's commands are not visible: whether the page reacts is not known. */
const unseenFinalizeFix = {
  ...finalizeFix,
  text: 'Open the page with CX Lens (or save a CX Lens recording of it): it shows whether the page reacts. If it does not, subscribe to WebChatService.messageReceived and, on Finalizing or Completed, inject a closing notice (async chat) or end the chat, or switch on CX Lens\'s finalize handler to try it.',
};

/** Whether the page's reaction to this state cannot be seen: no bus was tapped and the state
 *  came from the network only (a HAR holds the chat API's responses, never the page's commands). */
const reactionUnseen = (busTapped: boolean, row: StateRow): boolean => !busTapped && !row.sources.includes('bus');

export const noFinalizeReaction: Rule = ({ timeline, busTapped }) =>
  timeline.sessions.flatMap((session) => {
    const states: StateRow[] = [];
    for (const g of session.segments) for (const r of g.rows) if (r.kind === 'state' && r.reaction?.kind === 'none') states.push(r);
    if (!states.length) return [];
    const seen = states.filter((s) => !reactionUnseen(busTapped, s));
    const names = (rows: StateRow[]) => [...new Set(rows.map((s) => s.state))].join(', ');
    const where = sessionLabel(session.sessionId);
    const evidence = states.map((s) => stateEvidence(s, reactionUnseen(busTapped, s)
      ? `${s.state} in ${where}: the page's commands are not visible (no bus tapped), so its reaction cannot be seen`
      : `${s.state} in ${where}: no WebChat.injectMessage or WebChat.endChat within 3 s`));
    const common = {
      rule: 'no-finalize-reaction', key: `no-finalize-reaction:${sessionKey(session.sessionId)}`, evidence,
      sessionId: session.sessionId, quotes: [...states.map((s) => s.state), session.sessionId],
    };
    if (!seen.length) {
      return [finding({
        ...common, severity: 'info',
        title: `The page's reaction to ${plural(states.length, 'end of segment')} (${names(states)}) cannot be seen: no bus was tapped`,
        why: 'CX Lens sees the page\'s reaction (WebChat.injectMessage or WebChat.endChat) on the bus, and this source has none (a HAR holds the chat API\'s responses, not the page\'s commands). Should nothing react, the widget stays open after Finalizing or Completed, and a customer\'s "thank you" opens a new segment that an agent must handle for nothing.',
        fix: unseenFinalizeFix,
      })];
    }
    return [finding({
      ...common, severity: 'warning',
      title: `Nothing reacted to ${plural(seen.length, 'end of segment')} (${names(seen)})`,
      why: 'After Finalizing or Completed the widget stays open: a customer\'s "thank you" opens a new segment that an agent must handle for nothing.',
      fix: finalizeFix,
    })];
  });

export const segmentAfterFinalize: Rule = ({ timeline, busTapped }) =>
  timeline.sessions.flatMap((session) => {
    if (!session.flags.length) return [];
    const wanted = new Set(session.flags.flatMap((f) => [f.messageKey, f.afterStateKey]));
    const rows = new Map<string, TimelineRow>();
    for (const g of session.segments) for (const r of g.rows) if (wanted.has(r.key)) rows.set(r.key, r);
    const evidence = session.flags.map((flag) => {
      const row = rows.get(flag.messageKey);
      return { tab: 'states' as const, key: flag.messageKey, label: label(flag.message), ...(row ? { time: row.seenAt } : {}) };
    });
    // Where the page already told the customer, the handler is in place: only ending the chat stops them.
    const notified = session.flags.every((flag) => {
      const state = rows.get(flag.afterStateKey);
      return state?.kind === 'state' && state.reaction?.kind === 'inject';
    });
    // Without the page's commands (a HAR), whether it notified the customer is not known.
    const unseen = session.flags.every((flag) => {
      const state = rows.get(flag.afterStateKey);
      return state?.kind === 'state' && reactionUnseen(busTapped, state);
    });
    return [finding({
      rule: 'segment-after-finalize', severity: 'warning', key: `segment-after-finalize:${sessionKey(session.sessionId)}`,
      title: `The customer wrote after the segment ended: ${plural(session.flags.length, 'new segment')} opened`,
      why: 'Each such message is routed to an agent as a new interaction, usually a "thank you" with nothing to act on.',
      evidence,
      fix: notified
        ? { text: 'The page injected its closing notice and the customer still wrote. If that happens often, end the chat instead of notifying (WebChat.endChat, or the handler\'s "always end" behaviour), or word the notice so no reply is expected.' }
        : unseen ? unseenFinalizeFix : finalizeFix,
      sessionId: session.sessionId,
      quotes: [...session.flags.map((f) => f.afterState), session.sessionId],
    })];
  });

export const finalizeReactionFailed: Rule = ({ timeline, now }) =>
  timeline.sessions.flatMap((session) => {
    const failed: StateRow[] = [];
    for (const g of session.segments) {
      for (const r of g.rows) {
        if (r.kind !== 'state' || !r.reaction || (r.reaction.kind !== 'inject' && r.reaction.kind !== 'end')) continue;
        const { outcome } = r.reaction;
        if (outcome === 'rejected' || outcome === 'cancelled' || (outcome === 'pending' && now - (r.seenAt + (r.reaction.afterMs ?? 0)) > REACTION_SETTLE_MS)) failed.push(r);
      }
    }
    return [...groupByCommand(failed)].map(([command, rows]) => finding({
      rule: 'finalize-reaction-failed', severity: 'warning',
      key: `finalize-reaction-failed:${sessionKey(session.sessionId)}:${command}`,
      title: `${command} sent after the segment ended did not work`,
      why: `The page reacted to ${rows[0]!.state}, but the bus ${rows[0]!.reaction!.outcome === 'pending' ? 'never settled' : rows[0]!.reaction!.outcome} the command: the customer sees no notice and the chat stays open.`,
      evidence: rows.map((r) => stateEvidence(r, `${r.state}: ${command} by ${r.reaction!.commander ?? '?'} → ${r.reaction!.outcome}`)),
      quotes: [command, ...rows.flatMap((r) => [r.state, r.reaction!.commander]), session.sessionId],
      fix: {
        text: command === 'WebChat.injectMessage'
          ? 'WebChat.injectMessage needs the WebChat plugin ready and an open chat window; send it with {type: "text", text}. Look at the command\'s row for the reason the bus gave.'
          : 'WebChat.endChat needs an active chat; look at the command\'s row for the reason the bus gave.',
      },
      sessionId: session.sessionId,
    }));
  });

function groupByCommand(rows: StateRow[]): Map<string, StateRow[]> {
  const out = new Map<string, StateRow[]>();
  for (const r of rows) {
    const c = r.reaction!.command ?? '?';
    const list = out.get(c);
    if (list) list.push(r);
    else out.set(c, [r]);
  }
  return out;
}

export const malformedResponse: Rule = ({ timeline }) => {
  const items = problemItems(timeline).filter((i) => i.code === 'malformed-response');
  if (!items.length) return [];
  // One finding per kind of fault (the reason without its item position), whatever the count.
  const byReason = new Map<string, typeof items>();
  for (const item of items) {
    const reason = item.title.replace(/\[\d+\]/g, '[n]');
    const list = byReason.get(reason);
    if (list) list.push(item);
    else byReason.set(reason, [item]);
  }
  return [...byReason].map(([reason, list]) => finding({
    rule: 'malformed-response', severity: 'error', key: `malformed-response:${reason}`,
    title: `${plural(list.length, 'chat API response')} the Widgets transport cannot read`,
    why: `${list[0]!.title.replace(/^Malformed chat API response: /, '')}. The real transport throws on it, so the messages it carries never reach the widget.`,
    evidence: list.map((i) => ({ tab: 'states' as const, key: i.key, label: label(`${i.url ?? ''} ${i.title}`), time: i.time })),
    quotes: list.map((i) => i.url),
    fix: {
      text: 'The server (or a proxy in front of it) must answer {status:{code:"SUCCESS"}, data:{messages:[…], lastDeliveredIndex, chatEnded}, operationId, referenceId}: every item of data.messages a message with from.type.',
    },
  }));
};

export const stateRules: Rule[] = [noFinalizeReaction, segmentAfterFinalize, finalizeReactionFailed, malformedResponse];
