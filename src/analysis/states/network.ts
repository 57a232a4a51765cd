// The network source of the States view: the chat API's message responses
// (`GET .../sessions/{id}/messages`, any host) as chrome.devtools.network sees them. DevTools
// records requests only while it is open, so the panel also reads the HAR once at start for the
// responses that finished before it opened. Works on pages whose bus CX Lens does not tap.
// The store and the HAR conversion are plain code (unit-tested); panel/platform/network.ts feeds
// them from chrome.devtools.
import { chatSessionIdFromUrl, parseChatResponse, type ChatNetworkEntry } from '../../shared/interaction-states';

/** Responses kept; the oldest go first. Empty long polls are never kept, so this is many chats. */
export const NETWORK_ENTRY_CAP = 2000;

/** The HAR fields we read (chrome.devtools.network.Request, or a getHAR entry). */
export interface HarEntryLike {
  startedDateTime?: string;
  time?: number;
  request?: { method?: string; url?: string };
  response?: { status?: number; content?: { text?: string; encoding?: string } };
  getContent?(callback: (content: string | null, encoding: string) => void): void;
}

/** A chat API messages GET that got a response: the only requests the timeline reads. A long
 *  poll still in flight (in the HAR read at start) or cut off by a reload has status 0. */
export function isChatMessagesResponse(entry: HarEntryLike): boolean {
  const url = entry.request?.url;
  if (typeof url !== 'string' || (entry.request?.method ?? 'GET').toUpperCase() !== 'GET') return false;
  if (!(typeof entry.response?.status === 'number' && entry.response.status > 0)) return false;
  return chatSessionIdFromUrl(url) !== undefined;
}

/** Decodes a body as getContent or the HAR gives it; null when there is none. */
export function decodeBody(content: string | null | undefined, encoding: string | undefined): string | null {
  if (typeof content !== 'string') return null;
  if (encoding !== 'base64') return content;
  try {
    const bytes = Uint8Array.from(atob(content), (c) => c.charCodeAt(0));
    return new TextDecoder().decode(bytes);
  } catch {
    return null;
  }
}

/** The entry as the timeline takes it; `time` is when the response finished. */
export function toChatEntry(entry: HarEntryLike, body: string | null): ChatNetworkEntry {
  const started = Date.parse(entry.startedDateTime ?? '');
  const duration = typeof entry.time === 'number' && entry.time > 0 ? entry.time : 0;
  const out: ChatNetworkEntry = {
    url: entry.request?.url ?? '',
    method: entry.request?.method ?? 'GET',
    time: Number.isNaN(started) ? Date.now() : started + duration,
    body,
  };
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

/** Reads one request's body and adds it to the store. */
export function collect(store: ChatNetworkStore, entry: HarEntryLike): void {
  if (!isChatMessagesResponse(entry) || !store.claim(entry)) return;
  const inline = entry.response?.content;
  if (typeof entry.getContent !== 'function') {
    store.add(toChatEntry(entry, decodeBody(inline?.text, inline?.encoding)));
    return;
  }
  try {
    entry.getContent((content, encoding) => store.add(toChatEntry(entry, decodeBody(content, encoding))));
  } catch {
    store.add(toChatEntry(entry, null));
  }
}
