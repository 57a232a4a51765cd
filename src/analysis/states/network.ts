// The network source of the States view: the chat API's message responses
// (`GET .../sessions/{id}/messages`, any host) as chrome.devtools.network sees them. DevTools
// records requests only while it is open, so the panel also reads the HAR once at start for the
// responses that finished before it opened. Works on pages whose bus CX Lens does not tap.
// The store and the HAR conversion are plain code (unit-tested); panel/platform/network.ts feeds
// them from chrome.devtools.
import { chatSessionIdFromUrl, parseChatResponse, type ChatNetworkEntry } from '../../shared/interaction-states';
import { formatBytes } from '../files/read-file';
import { isDateTime } from '../text/summary';

/** Responses kept; the oldest go first. Empty long polls are never kept, so this is many chats. */
export const NETWORK_ENTRY_CAP = 2000;

/** The HAR fields we read (chrome.devtools.network.Request, or a getHAR entry). */
export interface HarEntryLike {
  startedDateTime?: string;
  time?: number;
  request?: { method?: string; url?: string };
  response?: { status?: number; content?: { text?: string; encoding?: string } };
  getContent?(callback: (content: string | null, encodingOrMimeType: string) => void): void;
}

/** A chat API messages GET that got a response: the only requests the timeline reads. A long
 *  poll still in flight (in the HAR read at start) or cut off by a reload has status 0. */
export function isChatMessagesResponse(entry: HarEntryLike): boolean {
  const url = entry.request?.url;
  if (typeof url !== 'string' || (entry.request?.method ?? 'GET').toUpperCase() !== 'GET') return false;
  if (!(typeof entry.response?.status === 'number' && entry.response.status > 0)) return false;
  return chatSessionIdFromUrl(url) !== undefined;
}

/** Characters of a live response's body the panel reads on its own thread at most (decoding
 *  base64, then JSON.parse on every timeline build): a larger one is marked too large to read,
 *  with its size. A file's bodies are decoded in the parse worker (files/har.ts). */
export const LIVE_BODY_MAX_CHARS = 16 * 1024 * 1024;

/** Characters of base64 decoded at once (a multiple of 4). */
const BASE64_SLICE = 1 << 20;

/** The bytes of base64 text, decoded a slice at a time into one array (never a second copy of the
 *  whole body as a string of bytes); null when the text is no base64. */
export function base64Bytes(text: string): Uint8Array | null {
  const b64 = /\s/.test(text) ? text.replace(/\s+/g, '') : text;
  const out = new Uint8Array(Math.ceil(b64.length / 4) * 3);
  let at = 0;
  for (let i = 0; i < b64.length; i += BASE64_SLICE) {
    let bytes: string;
    try {
      bytes = atob(b64.slice(i, i + BASE64_SLICE));
    } catch {
      return null;
    }
    for (let j = 0; j < bytes.length; j++) out[at++] = bytes.charCodeAt(j);
  }
  return out.subarray(0, at);
}

/** Decodes a body as getContent or the HAR gives it; null when there is none (or it is no base64). */
export function decodeBody(content: string | null | undefined, encoding: string | undefined): string | null {
  if (typeof content !== 'string') return null;
  if (encoding !== 'base64') return content;
  const bytes = base64Bytes(content);
  return bytes ? new TextDecoder().decode(bytes) : null;
}

/** A body read within a size: the text, or null and why it was not read (too large). */
export interface ReadBody {
  body: string | null;
  unread?: string;
}

/** Decodes a body unless it is longer than `max` characters: then it is not read, and says why. */
export function readBody(content: string | null | undefined, encoding: string | undefined, max = LIVE_BODY_MAX_CHARS): ReadBody {
  if (typeof content === 'string' && content.length > max) {
    const size = `${formatBytes(content.length)}${encoding === 'base64' ? ' of base64' : ''}`;
    return { body: null, unread: `the response body (${size}) is too large to read in the panel, which reads up to ${formatBytes(max)} of a live response` };
  }
  return { body: decodeBody(content, encoding) };
}

/** The entry as the timeline takes it; `time` is when the response finished. */
export function toChatEntry(entry: HarEntryLike, body: string | null | ReadBody): ChatNetworkEntry {
  const read: ReadBody = typeof body === 'object' && body !== null ? body : { body };
  const started = Date.parse(typeof entry.startedDateTime === 'string' ? entry.startedDateTime : '');
  // A HAR may say any number (1e400 is Infinity once parsed): a time no Date holds is no duration.
  const duration = typeof entry.time === 'number' && entry.time > 0 && isDateTime(started + entry.time) ? entry.time : 0;
  const out: ChatNetworkEntry = {
    url: typeof entry.request?.url === 'string' ? entry.request.url : '',
    method: typeof entry.request?.method === 'string' ? entry.request.method : 'GET',
    time: Number.isNaN(started) ? Date.now() : started + duration,
    body: read.body,
  };
  if (read.unread !== undefined) out.bodyUnread = read.unread;
  if (typeof entry.response?.status === 'number') out.status = entry.response.status;
  return out;
}

/** Identity of one request across getHAR and onRequestFinished. */
function keyOf(entry: HarEntryLike): string {
  return `${entry.startedDateTime ?? ''} ${entry.request?.url ?? ''}`;
}

/** The responses the timeline reads: only those that carry messages or problems. */
export class ChatNetworkStore {
  entries: ChatNetworkEntry[] = [];
  /** Bumped on every change (memo key for the timeline). */
  version = 0;
  private readonly seen = new Set<string>();
  private readonly listeners = new Set<() => void>();

  constructor(private readonly cap = NETWORK_ENTRY_CAP) {}

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** False when the request was already added (getHAR and onRequestFinished both saw it). */
  claim(entry: HarEntryLike): boolean {
    const key = keyOf(entry);
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    if (this.seen.size > this.cap * 4) this.seen.delete(this.seen.values().next().value as string);
    return true;
  }

  add(entry: ChatNetworkEntry): void {
    const parsed = parseChatResponse(entry);
    // An empty long poll (no messages, nothing wrong) tells the timeline nothing.
    if (!parsed || (parsed.facts.length === 0 && parsed.problems.length === 0 && !parsed.malformed)) return;
    // Keep finish order: the HAR read at start may land after the first live responses.
    let i = this.entries.length;
    while (i > 0 && this.entries[i - 1]!.time > entry.time) i--;
    this.entries.splice(i, 0, entry);
    if (this.entries.length > this.cap) this.entries.splice(0, this.entries.length - this.cap);
    this.changed();
  }

  /** Drops the responses that finished before `time` (a clear, or the page navigated). */
  clearBefore(time: number): void {
    const kept = this.entries.filter((e) => e.time >= time);
    if (kept.length === this.entries.length) return;
    this.entries = kept;
    this.changed();
  }

  private changed(): void {
    this.version++;
    for (const listener of this.listeners) listener();
  }
}

/** Reads one request's body (up to `maxChars`, see LIVE_BODY_MAX_CHARS) and adds it to the store. */
export function collect(store: ChatNetworkStore, entry: HarEntryLike, maxChars = LIVE_BODY_MAX_CHARS): void {
  if (!isChatMessagesResponse(entry) || !store.claim(entry)) return;
  const inline = entry.response?.content;
  if (typeof entry.getContent !== 'function') {
    store.add(toChatEntry(entry, readBody(inline?.text, inline?.encoding, maxChars)));
    return;
  }
  try {
    // Chrome hands (content, encoding), Firefox (content, mimeType): only 'base64' is taken as an
    // encoding, so a MIME type leaves the text as it is.
    entry.getContent((content, encoding) => store.add(toChatEntry(entry, readBody(content, encoding, maxChars))));
  } catch {
    store.add(toChatEntry(entry, null));
  }
}
