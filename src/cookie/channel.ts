// The cookie channel protocol (version 1) between CookieProvider (in the page) and the cookie
// iframe: message shapes, names and guards. Written down in docs/cookie-channel.md; change both
// together and bump CHANNEL_VERSION on any incompatible change. Pure: no DOM.
import { fingerprint } from './cookie-values';

export const CHANNEL_VERSION = 1;

/** What a load, save or test did: the promise resolves with this. */
export interface CookieResult {
  operation: 'load' | 'save' | 'test';
  /** loaded / empty (load), saved / no-cookie (save), enabled (test), blocked (any). */
  status: 'loaded' | 'empty' | 'saved' | 'no-cookie' | 'enabled' | 'blocked';
  /** Why, for blocked and no-cookie. */
  reason?: string;
  /** save: when the iframe's copy expires (ms since epoch). */
  expires?: number;
}

/** Every message type starts with this, so channel traffic never collides with other postMessages. */
export const CHANNEL_PREFIX = 'cx-lens-cookie/';

export const MessageType = {
  hello: 'cx-lens-cookie/hello',
  load: 'cx-lens-cookie/load',
  save: 'cx-lens-cookie/save',
  test: 'cx-lens-cookie/test',
  reply: 'cx-lens-cookie/reply',
} as const;

export type Operation = 'hello' | 'load' | 'save' | 'test';

/** Page → iframe. `id` is chosen by the sender and echoed in the reply. */
export type ChannelRequest =
  | { type: typeof MessageType.hello; v: number; id: string }
  | { type: typeof MessageType.load; v: number; id: string; name: string }
  | { type: typeof MessageType.save; v: number; id: string; name: string; value: string }
  | { type: typeof MessageType.test; v: number; id: string };

/** Why the browser refused the iframe's cookie. */
export type BlockedReason = 'third-party-cookies' | 'insecure-context';

export interface HelloResult { protocol: number; trusted: number }
export type LoadResult = { found: true; value: string } | { found: false; blocked: BlockedReason | null };
export type SaveResult = { saved: true; expires: number } | { saved: false; blocked: BlockedReason };
export type TestResult = { enabled: true } | { enabled: false; blocked: BlockedReason };

export interface ResultOf {
  hello: HelloResult;
  load: LoadResult;
  save: SaveResult;
  test: TestResult;
}

/** Error codes the iframe sends. */
export type IframeErrorCode = 'untrusted-origin' | 'unsupported-version' | 'bad-request' | 'internal';

/** Iframe → page. */
export type ChannelReply =
  | { type: typeof MessageType.reply; v: number; id: string; ok: true; result: unknown }
  | { type: typeof MessageType.reply; v: number; id: string; ok: false; error: { code: string; message: string } };

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const REQUEST_TYPES: ReadonlySet<string> = new Set([MessageType.hello, MessageType.load, MessageType.save, MessageType.test]);

function isRecord(data: unknown): data is Record<string, unknown> {
  return typeof data === 'object' && data !== null && !Array.isArray(data);
}

/** True for anything that claims to be channel traffic (well-formed or not). */
export function isChannelMessage(data: unknown): data is { type: string } {
  return isRecord(data) && typeof data.type === 'string' && data.type.startsWith(CHANNEL_PREFIX);
}

export function operationOf(type: string): Operation | null {
  return REQUEST_TYPES.has(type) ? (type.slice(CHANNEL_PREFIX.length) as Operation) : null;
}

export interface ParsedRequest {
  op: Operation;
  v: number;
  id: string;
  /** The whole message, for the operation's own fields (name, value), unchecked. */
  fields: Record<string, unknown>;
}

/** The request envelope (type, numeric v, id) or null. Operation fields are checked by the iframe. */
export function parseRequest(data: unknown): ParsedRequest | null {
  if (!isRecord(data) || typeof data.type !== 'string') return null;
  const op = operationOf(data.type);
  if (!op || typeof data.v !== 'number' || typeof data.id !== 'string' || !ID.test(data.id)) return null;
  return { op, v: data.v, id: data.id, fields: data };
}

export function parseReply(data: unknown): ChannelReply | null {
  if (!isRecord(data) || data.type !== MessageType.reply) return null;
  if (typeof data.v !== 'number' || typeof data.id !== 'string' || !ID.test(data.id)) return null;
  if (data.ok === true) return 'result' in data ? (data as ChannelReply) : null;
  if (data.ok !== false || !isRecord(data.error)) return null;
  const { code, message } = data.error;
  return typeof code === 'string' && typeof message === 'string' ? (data as ChannelReply) : null;
}

/** True when a channel message carries a session cookie value (a save request, a load reply). */
export function carriesSessionData(data: unknown): boolean {
  if (!isRecord(data)) return false;
  if (data.type === MessageType.save) return typeof data.value === 'string';
  return data.type === MessageType.reply && isRecord(data.result) && typeof data.result.value === 'string';
}

/** A copy of a channel message with cookie values replaced by their length and fingerprint,
 *  safe to log or show. Other messages are returned as they are. */
export function maskSessionData<T>(data: T): T {
  if (!carriesSessionData(data)) return data;
  const mask = (value: string) => `<masked ${value.length} chars #${fingerprint(value)}>`;
  const message = data as Record<string, unknown>;
  if (message.type === MessageType.save) return { ...message, value: mask(message.value as string) } as T;
  const result = message.result as Record<string, unknown>;
  return { ...message, result: { ...result, value: mask(result.value as string) } } as T;
}
