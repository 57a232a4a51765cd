// In-memory model of Digital Channels async chat sessions: the transcript (message stream with
// "<ms>-<n>" indexes), interaction segments and their InteractionStateChange System messages,
// the agent's actions, and long-poll waiters. No HTTP here: digital-channels.mjs and agent.mjs
// put it on the wire.
import { randomUUID } from 'node:crypto';

export const SYSTEM_PARTICIPANT_ID = '00000000-0000-0000-0000-000000000000';
/** States an agent console offers; the agent API accepts any word so tests can send unknown ones. */
export const INTERACTION_STATES = ['Active', 'Finalizing', 'Completed'];
const STATE_PATTERN = /^[A-Za-z]{1,40}$/;
const DEFAULT_AGENT_NICKNAME = 'Agent Alex';

export class ChatError extends Error {
  /** @param {'NOT_FOUND'|'ENDED'|'BAD_REQUEST'} code */
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

/** "1625826338845-0" → [1625826338845, 0]; null when it is not of that form. */
export function parseIndex(index) {
  const match = /^(\d{1,16})-(\d{1,9})$/.exec(String(index));
  return match ? [Number(match[1]), Number(match[2])] : null;
}

function compareIndex(a, b) {
  return a[0] - b[0] || a[1] - b[1];
}

export function createChatStore({ pollTimeoutMs = 2500 } = {}) {
  /** @type {Map<string, any>} */
  const sessions = new Map();
  const transportIds = new Map(); // endpoint → transportId, stable for the server's life
  let lastMs = 0;
  let sequence = 0;

  /** Stream-style index: milliseconds, then a counter for messages within the same millisecond. */
  function nextIndex() {
    const now = Date.now();
    if (now > lastMs) {
      lastMs = now;
      sequence = 0;
    } else {
      sequence += 1;
    }
    return { index: `${lastMs}-${sequence}`, key: [lastMs, sequence], utcTime: new Date(lastMs).toISOString() };
  }

  function append(session, build) {
    const { index, key, utcTime } = nextIndex();
    const message = build({ id: randomUUID(), index, utcTime });
    session.stream.push({ key, message });
    wake(session);
    return message;
  }

  function participantMessage(session, type, from) {
    return append(session, ({ id, index, utcTime }) => ({ type, from, id, utcTime, index }));
  }

  function customerFrom(session) {
    return { type: 'Customer', nickname: session.nickname, participantId: session.participantId };
  }

  function agentFrom(session) {
    return { type: 'Agent', nickname: session.agent.nickname, participantId: session.agent.participantId };
  }

  function stateMessage(session, interactionState) {
    session.interaction.state = interactionState;
    return append(session, ({ id, index, utcTime }) => ({
      type: 'System',
      from: { participantId: SYSTEM_PARTICIPANT_ID, type: 'System' },
      visibility: 'All',
      id,
      event: 'InteractionStateChange',
      data: { interactionState },
      utcTime,
      streamId: index,
      index,
    }));
  }

  /** A new interaction (segment) of the chat starts. */
  function startSegment(session) {
    session.interaction.segment += 1;
    stateMessage(session, 'Active');
  }

  function get(id) {
    const session = sessions.get(id);
    if (!session) throw new ChatError('NOT_FOUND', `no session ${id}`);
    return session;
  }

  function open(id) {
    const session = get(id);
    if (session.ended) throw new ChatError('ENDED', `session ${id} has ended`);
    return session;
  }

  // ---- long poll ----

  function messagesAfter(session, afterKey) {
    return session.stream.filter((entry) => !afterKey || compareIndex(entry.key, afterKey) > 0).map((entry) => entry.message);
  }

  /** Wakes held polls once the current action is done, so all the messages one action adds
   *  (e.g. agent joined + Active + text) arrive in one poll response. */
  function wake(session) {
    if (session.wakePending) return;
    session.wakePending = true;
    queueMicrotask(() => {
      session.wakePending = false;
      for (const waiter of [...session.waiters]) waiter.check();
    });
  }

  function lastIndex(session) {
    return session.stream.length ? session.stream[session.stream.length - 1].message.index : null;
  }

  // ---- API for the chat server (customer side) ----

  function createSession({ firstName = '', lastName = '', nickname = '', email = '', endpoint = '', userData = {} } = {}) {
    if (!transportIds.has(endpoint)) transportIds.set(endpoint, randomUUID());
    const session = {
      id: randomUUID(),
      transportId: transportIds.get(endpoint),
      participantId: randomUUID(),
      firstName: String(firstName),
      lastName: String(lastName),
      nickname: String(nickname || [firstName, lastName].filter(Boolean).join(' ') || 'Customer'),
      email: String(email),
      endpoint: String(endpoint),
      userData: userData && typeof userData === 'object' ? userData : {},
      createdAt: new Date().toISOString(),
      stream: [],
      waiters: new Set(),
      wakePending: false,
      ended: false,
      endedBy: null,
      customerTyping: false,
      agent: { joined: false, nickname: DEFAULT_AGENT_NICKNAME, participantId: randomUUID() },
      interaction: { segment: 0, state: null },
      malformedNextPoll: false,
      clientToken: null, // set by the chat server, which signs it
    };
    sessions.set(session.id, session);
    participantMessage(session, 'ParticipantJoined', customerFrom(session));
    return session;
  }

  /**
   * Long poll: messages after `afterIndex` (all when absent). Answers at once when there are some
   * or the chat ended, else holds up to pollTimeoutMs. `signal` aborts the wait (client went away).
   */
  function poll(session, afterIndex, signal) {
    const afterKey = afterIndex == null ? null : parseIndex(afterIndex);
    if (afterIndex != null && !afterKey) throw new ChatError('BAD_REQUEST', 'index must look like "<ms>-<n>"');
    return new Promise((resolvePoll) => {
      const waiter = {
        check(force = false) {
          const messages = messagesAfter(session, afterKey);
          if (!messages.length && !session.ended && !force) return;
          session.waiters.delete(waiter);
          clearTimeout(waiter.timer);
          signal?.removeEventListener('abort', waiter.abort);
          const malformed = session.malformedNextPoll && messages.length > 0;
          if (malformed) session.malformedNextPoll = false;
          resolvePoll({ messages, chatEnded: session.ended, lastDeliveredIndex: lastIndex(session), malformed });
        },
        abort: () => waiter.check(true),
        timer: null,
      };
      waiter.timer = setTimeout(() => waiter.check(true), pollTimeoutMs);
      session.waiters.add(waiter);
      signal?.addEventListener('abort', waiter.abort);
      waiter.check();
    });
  }

  /** History page: the `count` newest messages (older than `beforeIndex` when given), newest first. */
  function history(session, count, beforeIndex) {
    const beforeKey = beforeIndex == null ? null : parseIndex(beforeIndex);
    if (beforeIndex != null && !beforeKey) throw new ChatError('BAD_REQUEST', 'index must look like "<ms>-<n>"');
    const older = session.stream.filter((entry) => !beforeKey || compareIndex(entry.key, beforeKey) < 0);
    const messages = older.slice(-count).reverse().map((entry) => entry.message);
    return { messages, chatEnded: session.ended, lastDeliveredIndex: lastIndex(session) };
  }

  /** A customer's message. After a finalized segment it starts a new one, as Digital Channels does. */
  function customerSend(session, type, text) {
    if (session.ended) return null;
    if (type === 'TypingStarted' || type === 'TypingStopped') {
      // Typing is shown to the agent, not stored in the transcript.
      session.customerTyping = type === 'TypingStarted';
      return null;
    }
    session.customerTyping = false;
    const message = append(session, ({ id, index, utcTime }) => ({ type: 'Text', text: String(text), from: customerFrom(session), id, utcTime, index }));
    if (session.interaction.state === 'Finalizing' || session.interaction.state === 'Completed') startSegment(session);
    return message;
  }

  function customerLeave(session) {
    if (session.ended) return;
    participantMessage(session, 'ParticipantLeft', customerFrom(session));
    session.ended = true;
    session.endedBy = 'customer';
    wake(session);
  }

  // ---- API for the agent console ----

  function join(id, nickname) {
    const session = open(id);
    if (!session.agent.joined) {
      if (nickname) session.agent.nickname = String(nickname);
      session.agent.joined = true;
      participantMessage(session, 'ParticipantJoined', agentFrom(session));
    }
    if (session.interaction.state !== 'Active') startSegment(session);
    return summary(session);
  }

  function say(id, text) {
    const session = open(id);
    if (typeof text !== 'string' || !text.trim()) throw new ChatError('BAD_REQUEST', 'text is required');
    if (!session.agent.joined) join(id);
    append(session, ({ id: messageId, index, utcTime }) => ({ type: 'Text', text, from: agentFrom(session), id: messageId, utcTime, index }));
    return summary(session);
  }

  /** Active starts a new segment; Completed also takes the agent out of the chat. */
  function setState(id, state) {
    const session = open(id);
    if (typeof state !== 'string' || !STATE_PATTERN.test(state)) throw new ChatError('BAD_REQUEST', 'state must be a word such as Finalizing');
    if (session.interaction.state === state) return summary(session);
    if (state === 'Active') {
      startSegment(session);
      return summary(session);
    }
    stateMessage(session, state);
    if (state === 'Completed' && session.agent.joined) {
      session.agent.joined = false;
      participantMessage(session, 'ParticipantLeft', agentFrom(session));
    }
    return summary(session);
  }

  /** The agent ends the whole chat: polls answer chatEnded: true from now on. */
  function end(id) {
    const session = open(id);
    if (session.agent.joined) {
      session.agent.joined = false;
      participantMessage(session, 'ParticipantLeft', agentFrom(session));
    }
    session.ended = true;
    session.endedBy = 'agent';
    wake(session);
    return summary(session);
  }

  /** The next poll response that delivers messages gets the malformed shape of the guide's sample
   *  poll response (helper objects as items of data.messages). */
  function malformedNextPoll(id) {
    const session = open(id);
    session.malformedNextPoll = true;
    return summary(session);
  }

  function summary(session) {
    return {
      id: session.id,
      participantId: session.participantId,
      transportId: session.transportId,
      nickname: session.nickname,
      firstName: session.firstName,
      lastName: session.lastName,
      email: session.email,
      endpoint: session.endpoint,
      userData: session.userData,
      createdAt: session.createdAt,
      ended: session.ended,
      endedBy: session.endedBy,
      customerTyping: session.customerTyping,
      agentJoined: session.agent.joined,
      agentNickname: session.agent.nickname,
      segment: session.interaction.segment,
      interactionState: session.interaction.state,
      malformedNextPoll: session.malformedNextPoll,
      messages: session.stream.map((entry) => entry.message),
    };
  }

  function list() {
    return [...sessions.values()].map(summary);
  }

  /** Answers every held poll now, so servers can close without waiting for the timeout. */
  function close() {
    for (const session of sessions.values()) for (const waiter of [...session.waiters]) waiter.check(true);
  }

  return {
    sessions,
    createSession,
    find: (id) => sessions.get(id),
    poll,
    history,
    customerSend,
    customerLeave,
    agent: { list, get: (id) => summary(get(id)), join, say, setState, end, malformedNextPoll },
    close,
  };
}
