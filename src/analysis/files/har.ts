// A HAR file (HTTP Archive 1.2, as DevTools' Network panel saves it): the chat API's message
// responses in it, picked with the live network source's own test (isChatMessagesResponse), so
// that a customer's HAR feeds the States view as DevTools' network would have.
import { decodeBody, isChatMessagesResponse, type HarEntryLike } from '../states/network';
import { isDateTime } from '../text/summary';

/** A HAR: `{log: {entries: [...]}}`. */
export function isHar(data: Record<string, unknown>): boolean {
  const log = data.log as Record<string, unknown> | undefined;
  return typeof log === 'object' && log !== null && Array.isArray(log.entries);
}

export interface HarChat {
  /** The chat API message responses: the fields the network source reads, nothing else. */
  entries: HarEntryLike[];
  /** The page the HAR was recorded on ('' when it does not say). */
  page: string;
  /** ms epoch: when the last chat response finished (0 if none). */
  time: number;
}

export function harChatEntries(har: Record<string, unknown>): HarChat {
  const log = har.log as { entries: unknown[]; pages?: unknown };
  const entries: HarEntryLike[] = [];
  let time = 0;
  let referer = '';
  for (const entry of log.entries) {
    if (typeof entry !== 'object' || entry === null) continue;
    const e = entry as HarEntryLike & { request?: { headers?: unknown } };
    if (typeof e.request !== 'object' || e.request === null || typeof e.response !== 'object' || e.response === null) continue;
    if (!isChatMessagesResponse(e)) continue;
    entries.push(readFields(e));
    const started = Date.parse(typeof e.startedDateTime === 'string' ? e.startedDateTime : '');
    // A HAR may say any number: a duration that takes the time past what a Date holds is none.
    const duration = typeof e.time === 'number' && e.time > 0 && isDateTime(started + e.time) ? e.time : 0;
    if (Number.isFinite(started)) time = Math.max(time, started + duration);
    referer ||= headerOf(e.request.headers, 'referer');
  }
  return { entries, page: pageOf(log.pages) || referer, time };
}

/** DevTools writes the page's URL as the title of the HAR's page. */
function pageOf(pages: unknown): string {
  if (!Array.isArray(pages)) return '';
  for (const p of pages) {
    const title = (p as { title?: unknown } | null)?.title;
    if (typeof title === 'string' && /^https?:\/\//i.test(title)) return title;
  }
  return '';
}

function headerOf(headers: unknown, name: string): string {
  if (!Array.isArray(headers)) return '';
  for (const h of headers) {
    const header = h as { name?: unknown; value?: unknown } | null;
    if (typeof header?.name === 'string' && header.name.toLowerCase() === name && typeof header.value === 'string') return header.value;
  }
  return '';
}

/** What the network source reads of an entry (headers, timings and cookies left behind), a base64
 *  body decoded: this runs in the parse worker, so that the panel's thread never decodes a file's
 *  bodies (a HAR can hold a 99 MB one). */
function readFields(e: HarEntryLike): HarEntryLike {
  const content = e.response?.content;
  const encoding = typeof content?.encoding === 'string' ? content.encoding : undefined;
  const raw = typeof content?.text === 'string' ? content.text : undefined;
  const text = encoding === 'base64' ? decodeBody(raw, encoding) ?? undefined : raw;
  const out: HarEntryLike = {
    request: { method: e.request?.method, url: e.request?.url },
    response: {
      status: e.response?.status,
      content: { text, encoding: encoding === 'base64' ? undefined : encoding },
    },
  };
  if (typeof e.startedDateTime === 'string') out.startedDateTime = e.startedDateTime;
  if (typeof e.time === 'number') out.time = e.time;
  return out;
}
