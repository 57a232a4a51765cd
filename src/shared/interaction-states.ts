// Interaction states: pure parsing of Digital Channels chat messages from the two places CX Lens
// sees them — the bus (`WebChatService.messageReceived`, as the page hook copied it) and the
// network (the chat API's `GET .../chat/sessions/{id}/messages` responses). Bad input is marked as
// a ParseProblem and never throws. The States tab builds its timeline from these
// (buildTimeline, src/analysis/states/timeline.ts).
import type { Copied } from './protocol';
import { errorText } from './error-text';
import { FINALIZE_STATES, KNOWN_STATES } from './state-names';

export { FINALIZE_STATES, KNOWN_STATES };
/** Message ids of synthetic states made by CX Lens ("Simulate") start with this. */
export const SYNTHETIC_ID_PREFIX = 'cx-lens-synthetic-';

export type StateSource = 'bus' | 'network';

interface FactBase {
  sessionId?: string;
  /** Digital Channels message id (a UUID), when present. */
  id?: string;
  /** Message index with the "-" removed, as Widgets keys it ("1625826338845-0" → "16258263388450"). */
  index?: string;
  utcTime?: string;
  source: StateSource;
  /** ms epoch on the page's clock when CX Lens saw it (bus event time, or network response end). */
  seenAt: number;
  /** From a restore or a history page, not delivered live. */
  history: boolean;
  /** Made by CX Lens "Simulate" (id prefix or payload flag). */
  synthetic?: boolean;
  raw: Copied;
}

/** A System / InteractionStateChange message. */
export interface StateEvent extends FactBase {
  kind: 'state';
  state: string;
  known: boolean;
}

/** A customer's or an agent's text message: what the timeline needs to see a new segment open. */
export interface MessageFact extends FactBase {
  kind: 'message';
  from: 'customer' | 'agent';
  /** `from.type` as sent: Customer (Client after Widgets' transform), Agent, Bot, Supervisor. */
  fromType: string;
}

export type ChatFact = StateEvent | MessageFact;

export type ProblemCode =
  | 'invalid-json' // the response body is not JSON
  | 'no-body' // the response body could not be read
  | 'no-messages' // no messages array where one belongs
  | 'not-a-message' // an item without `from.type`, e.g. {lastDeliveredIndex, chatEnded}
  | 'missing-state' // InteractionStateChange without a string data.interactionState
  | 'unknown-state' // a state outside KNOWN_STATES
  | 'truncated' // the page hook's copier cut the messages array
  | 'error-status'; // status.code other than SUCCESS

export interface ParseProblem {
  code: ProblemCode;
  source: StateSource;
  sessionId?: string;
  seenAt: number;
  /** Where in the payload, e.g. `data.messages[1]`. */
  where: string;
  message: string;
  /** Network only: the response URL. */
  url?: string;
}

export interface ParseResult {
  /** The chat session: from the payload's sessionData or the URL, else the one passed in. */
  sessionId?: string;
  /** A restore or history page (bus: restoring/oldMessages; network: a `count` query). */
  history: boolean;
  facts: ChatFact[];
  problems: ParseProblem[];
  /** Set when the real Widgets transport could not process this response (it throws on items
   *  without `from.type`): the first such reason. Network only. */
  malformed?: string;
}

/** A chat API response as the panel reads it from chrome.devtools.network. */
export interface ChatNetworkEntry {
  url: string;
  method?: string;
  /** HTTP status. */
  status?: number;
  /** ms epoch when the response finished (HAR startedDateTime + time). */
  time: number;
  /** Response text; null when it could not be read. */
  body: string | null;
  /** Why `body` is null when the panel chose not to read it (too large), for the problem list. */
  bodyUnread?: string;
}

type Obj = { [key: string]: Copied };

const HELPER_KEYS = ['lastDeliveredIndex', 'chatEnded', 'operationId', 'referenceId'];
const TEXT_TYPES = new Set(['Text', 'Message']); // Widgets renames Text to Message in `messages`
const CUSTOMER_TYPES = new Set(['Customer', 'Client']);
const AGENT_TYPES = new Set(['Agent', 'Bot', 'Supervisor']);
const MESSAGES_PATH = /\/sessions\/([^/?#]+)\/messages\/?(?:[?#]|$)/;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Undo the copier's container markers ($cx array/object/escaped); `cut` when it truncated. */
function unwrap(v: Copied | undefined): { value: Copied | undefined; cut: boolean } {
  if (!isObj(v) || typeof v.$cx !== 'string') return { value: v, cut: false };
  switch (v.$cx) {
    case 'array': return { value: v.items, cut: true };
    case 'object': return { value: v.entries, cut: true };
    case 'string': return { value: v.head, cut: true };
    case 'escaped': return { value: v.value, cut: false };
    default: return { value: v, cut: false };
  }
}

function str(v: Copied | undefined): string | undefined {
  const u = unwrap(v).value;
  return typeof u === 'string' && u !== '' ? u : undefined;
}

/** Widgets' de-duplication key: the index with "-" removed. */
export function normaliseIndex(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string' || v === '') return undefined;
  return v.replace(/-/g, '');
}

/** The session id of a chat API messages URL (`.../sessions/{id}/messages`), else undefined. */
export function chatSessionIdFromUrl(url: string): string | undefined {
  const m = MESSAGES_PATH.exec(url);
  return m ? decodeURIComponent(m[1]!) : undefined;
}

/** Restore transcripts and history pages carry `count`; the live poll does not. */
function isHistoryUrl(url: string): boolean {
  try {
    return new URL(url).searchParams.has('count');
  } catch {
    return /[?&]count=/.test(url);
  }
}

interface Context {
  source: StateSource;
  sessionId?: string;
  seenAt: number;
  history: boolean;
  synthetic: boolean;
  url?: string;
}

function problem(ctx: Context, code: ProblemCode, where: string, message: string): ParseProblem {
  const p: ParseProblem = { code, source: ctx.source, seenAt: ctx.seenAt, where, message };
  if (ctx.sessionId) p.sessionId = ctx.sessionId;
  if (ctx.url) p.url = ctx.url;
  return p;
}

/** Reads one array of raw chat messages into facts and problems. */
function readMessages(list: Copied | undefined, where: string, ctx: Context, out: ParseResult): void {
  const { value, cut } = unwrap(list);
  if (!Array.isArray(value)) {
    out.problems.push(problem(ctx, 'no-messages', where, `${where} is ${describe(value)}, not an array`));
    return;
  }
  if (cut) out.problems.push(problem(ctx, 'truncated', where, `${where} was cut by the copier: later messages are not seen`));
  value.forEach((item, i) => {
    const at = `${where}[${i}]`;
    const m = unwrap(item).value;
    if (!isObj(m)) {
      out.problems.push(problem(ctx, 'not-a-message', at, `${at} is ${describe(m)}, not a message`));
      return;
    }
    const from = unwrap(m.from).value;
    const fromType = isObj(from) ? str(from.type) : undefined;
    if (!fromType) {
      const helper = Object.keys(m).filter((k) => HELPER_KEYS.includes(k));
      const what = helper.length ? `a helper object {${Object.keys(m).join(', ')}}` : 'an item without from.type';
      const reason = `${at} is ${what}: the Widgets transport reads from.type of every item and throws on it`;
      out.problems.push(problem(ctx, 'not-a-message', at, reason));
      if (ctx.source === 'network' && out.malformed === undefined) out.malformed = reason;
      return;
    }
    const base: FactBase = { source: ctx.source, seenAt: ctx.seenAt, history: ctx.history, raw: m };
    if (ctx.sessionId) base.sessionId = ctx.sessionId;
    const id = str(m.id);
    if (id) base.id = id;
    const index = normaliseIndex(unwrap(m.index).value);
    if (index) base.index = index;
    const utcTime = str(m.utcTime) ?? str(m.timestamp);
    if (utcTime) base.utcTime = utcTime;
    if (ctx.synthetic || id?.startsWith(SYNTHETIC_ID_PREFIX)) base.synthetic = true;

    const type = str(m.type);
    if (type === 'System' && str(m.event) === 'InteractionStateChange') {
      const data = unwrap(m.data).value;
      const state = isObj(data) ? str(data.interactionState) : undefined;
      if (!state) {
        out.problems.push(problem(ctx, 'missing-state', at, `${at} is an InteractionStateChange without data.interactionState`));
        return;
      }
      const known = (KNOWN_STATES as readonly string[]).includes(state);
      if (!known) out.problems.push(problem(ctx, 'unknown-state', at, `${at} has an unknown interaction state "${state}"`));
      out.facts.push({ ...base, kind: 'state', state, known });
    } else if (type && TEXT_TYPES.has(type) && (CUSTOMER_TYPES.has(fromType) || AGENT_TYPES.has(fromType))) {
      out.facts.push({ ...base, kind: 'message', from: CUSTOMER_TYPES.has(fromType) ? 'customer' : 'agent', fromType });
    }
  });
}

function describe(v: Copied | undefined): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  return Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/**
 * Facts of one `WebChatService.messageReceived` payload as the hook copied it:
 * `{messages, originalMessages, restoring, sessionData, oldMessages}`. Only `originalMessages`
 * (the raw server objects) is read. `sessionId` is the session known from earlier events; the
 * payload's own `sessionData.sessionId` wins.
 */
export function parseBusMessageReceived(data: Copied, seenAt: number, sessionId?: string): ParseResult {
  const out: ParseResult = { history: false, facts: [], problems: [] };
  const payload = unwrap(data).value;
  const ctx: Context = { source: 'bus', seenAt, history: false, synthetic: false };
  if (sessionId) out.sessionId = ctx.sessionId = sessionId;
  if (!isObj(payload)) {
    out.problems.push(problem(ctx, 'no-messages', 'data', `the event data is ${describe(payload)}`));
    return out;
  }
  const own = sessionIdOf(payload.sessionData);
  if (own) out.sessionId = ctx.sessionId = own;
  out.history = ctx.history = payload.restoring === true || payload.oldMessages === true;
  ctx.synthetic = payload.cxLensSynthetic === true;
  readMessages(payload.originalMessages, 'data.originalMessages', ctx, out);
  return out;
}

/** `sessionId` of a session object (messageReceived's sessionData, WebChatService.started's data.data). */
export function sessionIdOf(v: Copied | undefined): string | undefined {
  const o = unwrap(v).value;
  return isObj(o) ? str(o.sessionId) : undefined;
}

/** Facts of one chat API response. Returns null for a URL that is not a messages GET. */
export function parseChatResponse(entry: ChatNetworkEntry): ParseResult | null {
  const sessionId = chatSessionIdFromUrl(entry.url);
  if (sessionId === undefined || (entry.method && entry.method.toUpperCase() !== 'GET')) return null;
  const history = isHistoryUrl(entry.url);
  const out: ParseResult = { sessionId, history, facts: [], problems: [] };
  const ctx: Context = { source: 'network', sessionId, seenAt: entry.time, history, synthetic: false, url: entry.url };
  if (entry.body === null) {
    out.problems.push(problem(ctx, 'no-body', 'body', typeof entry.bodyUnread === 'string' ? entry.bodyUnread : 'the response body could not be read'));
    return out;
  }
  let json: Copied;
  try {
    json = JSON.parse(entry.body) as Copied;
  } catch (e) {
    const reason = `the response is not JSON (${errorText(e)})`;
    out.problems.push(problem(ctx, 'invalid-json', 'body', reason));
    out.malformed = reason;
    return out;
  }
  if (!isObj(json)) {
    const reason = `the response is ${describe(json)}, not an object`;
    out.problems.push(problem(ctx, 'no-messages', 'body', reason));
    out.malformed = reason;
    return out;
  }
  const status = isObj(json.status) ? str(json.status.code) : undefined;
  if (status && status !== 'SUCCESS') {
    const text = isObj(json.status) ? str(json.status.message) : undefined;
    out.problems.push(problem(ctx, 'error-status', 'status', `status ${status}${text ? `: ${text}` : ''}`));
    if (!isObj(json.data)) return out; // an error envelope carries no messages
  }
  if (!isObj(json.data)) {
    const reason = `data is ${describe(json.data)}: no messages`;
    out.problems.push(problem(ctx, 'no-messages', 'data', reason));
    out.malformed = reason;
    return out;
  }
  const before = out.problems.length;
  readMessages(json.data.messages, 'data.messages', ctx, out);
  if (out.malformed === undefined && out.problems.slice(before).some((p) => p.code === 'no-messages')) {
    out.malformed = out.problems[before]!.message;
  }
  return out;
}
