// The Cookie sync view's model: collects the tab's channel records, cookie facts and the bus
// commands that show when Widgets looked for the session (CookieSyncStore, a view the TabStore
// feeds record by record), and builds from them the sync facts and verdict, the violations, the
// channel log with request↔reply latencies, and the facts table (buildCookieSync). Pure: no DOM,
// no chrome.*.
import { MessageType, operationOf, type Operation } from '../../cookie/channel';
import { iframeCookieName } from '../../cookie/cookie-values';
import { isTrustedOrigin, normaliseOrigin, parseTrustedList } from '../../cookie/origins';
import { boundTree, textOf, type WalkLimits } from '../text/bounded';
import { syncVerdict, type CookieFact, type SyncFacts, type SyncVerdict } from './sync-verdict';
import { findViolations, type ChannelObservation, type Violation } from './violations';
import type {
  CaptureRecord, Copied, ChannelGapRecord, ChannelRecord, CookieFactEntry, CookieFactsRecord, CookieProviderOptions, FrameInfo, InjectRecord,
} from '../../shared/protocol';
import { formatClock, isoTime } from '../text/summary';
import type { RecordView } from '../store/tab-store';

/** Channel records the store keeps (oldest dropped first, counted). */
export const MAX_CHANNEL_ENTRIES = 5000;
/** Bus commands after which Widgets has read the stored session (its async restore). */
/** TRUSTED_DOMAINS is a list of origin strings: a few levels and entries are plenty. */
const TRUSTED_LIST_LIMITS: WalkLimits = { maxDepth: 4, maxNodes: 10_000 };

export const SESSION_LOOKUP_COMMANDS: readonly string[] = ['WebChatService.asyncRestore', 'WebChatService.restore', 'WebChat.open'];

export interface ChannelEntry {
  docId: string;
  record: ChannelRecord;
}

export interface GapEntry {
  docId: string;
  record: ChannelGapRecord;
}

/** Everything of a tab the Cookie sync view needs, kept as records arrive. */
export class CookieSyncStore implements RecordView {
  readonly kinds: ReadonlySet<string> = new Set(['channel', 'channel-gap', 'cookie-facts', 'command', 'inject']);
  channel: ChannelEntry[] = [];
  channelDropped = 0;
  gaps: GapEntry[] = [];
  /** Latest cookie-facts record per document. */
  readonly facts = new Map<string, CookieFactsRecord>();
  /** Earliest session-lookup command per document. */
  readonly looked = new Map<string, number>();
  /** Latest report of the injected cookie provider per document. */
  readonly injected = new Map<string, InjectRecord>();
  /** Bumped on every change the view shows. */
  version = 0;

  take(docId: string, record: CaptureRecord): void {
    switch (record.t) {
      case 'channel':
        this.channel.push({ docId, record });
        if (this.channel.length > MAX_CHANNEL_ENTRIES + (MAX_CHANNEL_ENTRIES >> 4)) {
          const excess = this.channel.length - MAX_CHANNEL_ENTRIES;
          this.channel.splice(0, excess);
          this.channelDropped += excess;
        }
        break;
      case 'channel-gap':
        this.gaps.push({ docId, record });
        if (this.gaps.length > 1000) this.gaps.splice(0, this.gaps.length - 1000);
        break;
      case 'cookie-facts':
        this.facts.set(docId, record);
        break;
      case 'inject':
        if (record.feature !== 'cookie-provider') return;
        this.injected.set(docId, record);
        break;
      case 'command': {
        if (!SESSION_LOOKUP_COMMANDS.includes(record.name)) return;
        const before = this.looked.get(docId);
        if (before !== undefined && before <= record.time) return;
        this.looked.set(docId, record.time);
        break;
      }
      default:
        return;
    }
    this.version++;
  }

  reset(): void {
    this.channel = [];
    this.channelDropped = 0;
    this.gaps = [];
    this.facts.clear();
    this.looked.clear();
    this.injected.clear();
    this.version++;
  }
}

export interface CookieSyncContext {
  /** The tab's documents (live and gone). */
  frames: readonly FrameInfo[];
  /** Documents that are gone (navigated away, removed). */
  gone: ReadonlySet<string>;
  /** The cookie-provider injection switched on from the panel, if any. */
  injection?: CookieProviderOptions;
  now: number;
}

/** One row of the channel log. */
export interface LogEntry {
  key: string;
  time: number;
  /** Where it was seen: the page (top frame), the cookie iframe, another frame. */
  seenIn: 'page' | 'iframe' | 'frame';
  direction: 'in' | 'out';
  from: string;
  to: string;
  targetOrigin?: string;
  delivered?: boolean;
  channel: boolean;
  /** e.g. load, reply, or "(not channel)" */
  type: string;
  id?: string;
  /** request: ms until its reply reached the page; reply: ms since the iframe received its request. */
  latency?: number;
  /** reply: ok, or the error code. */
  outcome?: string;
  carriesSession: boolean;
  data: ChannelRecord['data'];
}

export interface GapSummary {
  channel: number;
  other: number;
  from: number;
  to: number;
  origins: { origin: string; count: number }[];
}

export interface FactRow {
  key: string;
  label: string;
  value: string;
  /** ok, bad or neutral: how the view colours it. */
  tone: 'ok' | 'bad' | 'neutral';
}

export interface CookieSync {
  verdict: SyncVerdict;
  facts: SyncFacts;
  rows: FactRow[];
  violations: Violation[];
  log: LogEntry[];
  /** Messages the hooks did not record (rate limit), summed over the tab. */
  gaps: GapSummary | null;
  /** Channel records the panel dropped past its cap. */
  logDropped: number;
  cookieName: string | null;
  iframeUrl: string | null;
}

interface Request {
  op: Operation;
  time: number;
  name?: string;
}

interface Reply {
  time: number;
  record: ChannelRecord;
}

export function buildCookieSync(store: CookieSyncStore, ctx: CookieSyncContext): CookieSync {
  const live = ctx.frames.filter((f) => !ctx.gone.has(f.docId));
  // The current top document: the newest, should the old one not be gone yet.
  const top = live.filter((f) => f.top).sort((a, b) => b.seenAt - a.seenAt)[0];
  const pageOrigin = top?.origin ?? '';
  const pageFacts = top ? roleFacts(store, top.docId, 'page') : undefined;

  // The cookie iframe: the panel's injection, else the child that answers channel requests, else
  // a frame that declares TRUSTED_DOMAINS.
  const fromPage = top ? store.channel.filter((e) => e.docId === top.docId) : [];
  const replies = fromPage.filter((e) => e.record.direction === 'in' && e.record.peer === 'child' && e.record.type === MessageType.reply);
  const iframeDocs = live.filter((f) => !f.top && (roleFacts(store, f.docId, 'iframe') || store.channel.some((e) => e.docId === f.docId && e.record.peer === 'parent' && e.record.channel)));
  let iframeUrl: string | null = ctx.injection?.iframeUrl ?? null;
  if (!iframeUrl) iframeUrl = [...replies].reverse().find((e) => e.record.peerUrl)?.record.peerUrl ?? null;
  if (!iframeUrl && iframeDocs.length) iframeUrl = iframeDocs[iframeDocs.length - 1]!.url;
  // A cookie provider whose iframe never spoke (a wrong URL, a server down, a frame-src refusal:
  // no document of CX Lens runs in it): the page's only <iframe> element that no frame matches.
  let silentSince: number | undefined;
  if (!iframeUrl && top && pageFacts?.provider?.cookieProvider) {
    const silent = (pageFacts.frames ?? []).filter((f) => typeof f?.url === 'string' && !live.some((d) => !d.top && sameUrl(d.url, f.url)));
    if (silent.length === 1) {
      iframeUrl = silent[0]!.url;
      silentSince = top.seenAt;
    }
  }
  const iframeOrigin = iframeUrl ? normaliseOrigin(originOrNull(iframeUrl)) : null;
  const iframeDoc = iframeUrl
    ? iframeDocs.find((f) => sameUrl(f.url, iframeUrl!)) ?? iframeDocs.find((f) => f.origin === iframeOrigin)
      ?? live.find((f) => !f.top && sameUrl(f.url, iframeUrl!))
    : undefined;
  const iframeFacts = iframeDoc ? roleFacts(store, iframeDoc.docId, 'iframe') : undefined;

  // Requests as the iframe received them (by id), replies as the page received them (by id).
  const requests = new Map<string, Request>();
  if (iframeDoc) {
    for (const { docId, record } of store.channel) {
      if (docId !== iframeDoc.docId || record.direction !== 'in' || record.peer !== 'parent' || !record.id || !record.type) continue;
      const op = operationOf(record.type);
      if (!op || requests.has(record.id)) continue;
      const name = (record.data as { name?: unknown } | null)?.name;
      requests.set(record.id, { op, time: record.time, name: typeof name === 'string' ? name : undefined });
    }
  }
  const replyById = new Map<string, Reply>();
  for (const { record } of replies) if (record.id && !replyById.has(record.id)) replyById.set(record.id, { time: record.time, record });

  // What the replies from the cookie iframe's origin say.
  let refused = false;
  let cookieTest: SyncFacts['cookieTest'];
  let blockedReason: string | undefined;
  let cookiesWork: boolean | undefined;
  let helloOk = false;
  let lastLoad: SyncFacts['lastLoad'];
  let lastSave: SyncFacts['lastSave'];
  for (const { record } of replies) {
    if (iframeOrigin && normaliseOrigin(record.senderOrigin) !== iframeOrigin) continue;
    const op = (record.id ? requests.get(record.id)?.op : undefined) ?? opOfResult(record);
    const result = resultOf(record);
    if (record.ok === false) {
      refused = record.errorCode === 'untrusted-origin';
      if (op === 'load') lastLoad = { at: record.time, status: 'failed' };
      if (op === 'save') lastSave = { at: record.time, status: 'failed' };
      continue;
    }
    refused = false;
    const blocked = typeof result.blocked === 'string' ? result.blocked : null;
    if (blocked) {
      blockedReason = blockedText(blocked, iframeOrigin ?? record.senderOrigin);
      cookiesWork = false;
    }
    if (op === 'hello') helloOk = true;
    else if (op === 'test') {
      cookieTest = result.enabled === true ? 'enabled' : 'blocked';
      if (result.enabled === true) cookiesWork = true;
    } else if (op === 'load') {
      lastLoad = { at: record.time, status: result.found === true ? 'loaded' : blocked ? 'blocked' : 'empty' };
      if (result.found === true || result.blocked === null) cookiesWork = true;
    } else if (op === 'save') {
      lastSave = { at: record.time, status: result.saved === true ? 'saved' : 'blocked' };
      if (result.saved === true) cookiesWork = true;
    }
  }

  const cookieName = ctx.injection?.cookieName ?? [...requests.values()].reverse().find((r) => r.name)?.name ?? null;
  // The page's list, bounded once: what reads it (String(), JSON.stringify, the origin parser)
  // recurses into nested entries.
  const trustedDomains = iframeFacts ? (iframeFacts.trustedDomains === undefined ? null : boundTree(iframeFacts.trustedDomains as Copied, TRUSTED_LIST_LIMITS).value) : undefined;
  const facts: SyncFacts = {
    pageOrigin,
    iframe: iframeUrl ? { url: iframeUrl, loaded: iframeDoc !== undefined || helloOk } : null,
    now: ctx.now,
  };
  if (facts.iframe && silentSince !== undefined) facts.iframe.silentSince = silentSince;
  if (facts.iframe && trustedDomains !== undefined) facts.iframe.trustedDomains = trustedDomains;
  if (refused) facts.refused = true;
  if (cookieTest) facts.cookieTest = cookieTest;
  if (blockedReason) facts.blockedReason = blockedReason;
  if (lastLoad) facts.lastLoad = lastLoad;
  if (lastSave) facts.lastSave = lastSave;
  const looked = top ? store.looked.get(top.docId) : undefined;
  if (looked !== undefined) facts.widgetsLookedAt = looked;
  const pageEntry = cookieName && pageFacts && !pageFacts.cookiesUnreadable ? pageFacts.cookies.find((c) => c.name === cookieName) : undefined;
  const iframeEntry = cookieName && iframeFacts && !iframeFacts.cookiesUnreadable
    ? iframeFacts.cookies.find((c) => c.name === iframeCookieName(cookieName)) ?? iframeFacts.cookies.find((c) => c.name === cookieName)
    : undefined;
  if (cookieName && pageFacts && !pageFacts.cookiesUnreadable) facts.pageCookie = cookieFact(pageEntry);
  if (cookieName && iframeFacts && !iframeFacts.cookiesUnreadable) facts.iframeCookie = cookieFact(iframeEntry);

  const verdict = top ? syncVerdict(facts) : { state: 'no-iframe' as const, reason: 'No page in this tab is connected to CX Lens yet.' };

  // Violations, from what the iframe received and what the page received.
  const observations: ChannelObservation[] = [];
  for (const { docId, record } of store.channel) {
    if (iframeDoc && docId === iframeDoc.docId && record.direction === 'in' && record.peer === 'parent') {
      const observation: ChannelObservation = {
        time: record.time, direction: 'page-to-iframe', senderOrigin: record.senderOrigin, receiverOrigin: record.receiverOrigin, carriesSession: record.carriesSession,
      };
      // Refused: its reply (same id) is an error; answered: a result. No reply seen: unknown.
      const reply = record.id ? replyById.get(record.id) : undefined;
      if (reply) observation.refused = reply.record.ok === false;
      observations.push(observation);
    } else if (top && docId === top.docId && record.direction === 'in' && record.peer === 'child' && record.channel) {
      observations.push({ time: record.time, direction: 'iframe-to-page', senderOrigin: record.senderOrigin, receiverOrigin: record.receiverOrigin, carriesSession: record.carriesSession });
    } else if (record.direction === 'out' && record.carriesSession && record.targetOrigin === '*') {
      const inIframe = iframeDoc !== undefined && docId === iframeDoc.docId;
      observations.push({
        time: record.time, direction: inIframe ? 'page-to-iframe' : 'iframe-to-page', senderOrigin: record.senderOrigin,
        receiverOrigin: record.receiverOrigin, targetOrigin: '*', carriesSession: true,
      });
    }
  }
  const violations = top ? findViolations({ pageOrigin, iframeOrigin, trustedDomains, messages: observations }) : [];

  const log = buildLog(store, live, top?.docId, iframeDoc?.docId, requests, replyById);
  const rows = factRows({ facts, verdict, pageFacts, iframeFacts, cookieName, pageEntry, iframeEntry, cookiesWork, blockedReason, trustedDomains, pageOrigin, injection: ctx.injection });
  return { verdict, facts, rows, violations, log, gaps: sumGaps(store.gaps, live), logDropped: store.channelDropped, cookieName, iframeUrl };
}

function roleFacts(store: CookieSyncStore, docId: string, role: CookieFactsRecord['role']): CookieFactsRecord | undefined {
  const facts = store.facts.get(docId);
  return facts?.role === role ? facts : undefined;
}

function cookieFact(entry: CookieFactEntry | undefined): CookieFact {
  if (!entry) return { present: false };
  const fact: CookieFact = { present: true, fingerprint: entry.session };
  if (entry.expires !== undefined) fact.expires = entry.expires;
  return fact;
}

/** The `result` object of a channel message (a record or a log row), or {} when it has none. */
export function resultOf(message: Pick<ChannelRecord, 'data'>): Record<string, unknown> {
  const result = (message.data as { result?: unknown } | null)?.result;
  return typeof result === 'object' && result !== null && !Array.isArray(result) ? (result as Record<string, unknown>) : {};
}

/** The operation a successful reply answers, from its result's shape (when its request was not seen). */
function opOfResult(record: ChannelRecord): Operation | undefined {
  const result = resultOf(record);
  if ('protocol' in result) return 'hello';
  if ('found' in result) return 'load';
  if ('saved' in result) return 'save';
  if ('enabled' in result) return 'test';
  return undefined;
}

function blockedText(reason: string, iframeOrigin: string): string {
  if (reason === 'insecure-context') {
    return `the cookie iframe at ${iframeOrigin} is not served over https (or a loopback host), so it cannot keep a Secure, SameSite=None cookie`;
  }
  return `the browser blocks third-party cookies, so the cookie iframe at ${iframeOrigin} cannot keep the chat session for other sites (Chromium blocks them by default; allow third-party cookies for this site to share the session)`;
}

function sameUrl(a: string, b: string): boolean {
  return a.split('#')[0] === b.split('#')[0];
}

function originOrNull(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

function buildLog(
  store: CookieSyncStore, live: readonly FrameInfo[], topDocId: string | undefined, iframeDocId: string | undefined,
  requests: Map<string, Request>, replies: Map<string, Reply>,
): LogEntry[] {
  const liveIds = new Set(live.map((f) => f.docId));
  const out: LogEntry[] = [];
  for (const { docId, record } of store.channel) {
    if (!liveIds.has(docId)) continue;
    const seenIn = docId === topDocId ? 'page' : docId === iframeDocId ? 'iframe' : 'frame';
    const entry: LogEntry = {
      key: `${docId}:${record.seq}:${record.time}`, time: record.time, seenIn, direction: record.direction,
      from: record.senderOrigin, to: record.receiverOrigin, channel: record.channel,
      type: record.channel && record.type ? record.type.replace('cx-lens-cookie/', '') : '(not channel)',
      carriesSession: record.carriesSession, data: record.data,
    };
    if (record.targetOrigin !== undefined) entry.targetOrigin = record.targetOrigin;
    if (record.delivered !== undefined) entry.delivered = record.delivered;
    if (record.id) entry.id = record.id;
    if (record.id && seenIn === 'iframe' && record.peer === 'parent') {
      const reply = replies.get(record.id);
      if (reply) entry.latency = reply.time - record.time;
    } else if (record.id && seenIn === 'page' && record.type === MessageType.reply) {
      const request = requests.get(record.id);
      if (request) entry.latency = record.time - request.time;
      entry.outcome = record.ok === false ? record.errorCode ?? 'error' : 'ok';
    }
    out.push(entry);
  }
  return out.sort((a, b) => a.time - b.time);
}

function sumGaps(gaps: readonly GapEntry[], live: readonly FrameInfo[]): GapSummary | null {
  const liveIds = new Set(live.map((f) => f.docId));
  let sum: GapSummary | null = null;
  const origins = new Map<string, number>();
  for (const { docId, record } of gaps) {
    if (!liveIds.has(docId)) continue;
    sum ??= { channel: 0, other: 0, from: record.from, to: record.to, origins: [] };
    sum.channel += record.channel;
    sum.other += record.other;
    sum.from = Math.min(sum.from, record.from);
    sum.to = Math.max(sum.to, record.to);
    for (const { origin, count } of record.origins ?? []) origins.set(origin, (origins.get(origin) ?? 0) + count);
  }
  if (sum) sum.origins = [...origins].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([origin, count]) => ({ origin, count }));
  return sum;
}

interface RowInput {
  facts: SyncFacts;
  verdict: SyncVerdict;
  pageFacts?: CookieFactsRecord;
  iframeFacts?: CookieFactsRecord;
  cookieName: string | null;
  pageEntry?: CookieFactEntry;
  iframeEntry?: CookieFactEntry;
  cookiesWork?: boolean;
  blockedReason?: string;
  trustedDomains: unknown;
  pageOrigin: string;
  injection?: CookieProviderOptions;
}

function factRows(input: RowInput): FactRow[] {
  const { facts, pageFacts, iframeFacts, cookieName, pageEntry, iframeEntry } = input;
  const rows: FactRow[] = [];
  const row = (key: string, label: string, value: string, tone: FactRow['tone'] = 'neutral') => rows.push({ key, label, value, tone });

  const provider = pageFacts?.provider;
  const providerText = [
    provider?.cookieProvider ? 'CookieProvider' : null,
    provider?.extension ? 'initCookieProviderExtension' : null,
    provider?.injected || input.injection ? 'injected by CX Lens' : null,
  ].filter(Boolean).join(', ');
  row('provider', 'Cookie provider on the page', providerText || (facts.iframe ? 'not seen' : 'none'), providerText ? 'ok' : 'neutral');
  row('iframe', 'Cookie iframe', facts.iframe ? facts.iframe.url : 'none', facts.iframe ? 'neutral' : 'bad');
  if (facts.iframe) row('loaded', 'Loaded', facts.iframe.loaded ? 'yes' : 'no (no document of that URL reported)', facts.iframe.loaded ? 'ok' : 'bad');

  const td = input.trustedDomains;
  if (td === undefined) row('trusted', 'TRUSTED_DOMAINS', facts.iframe ? 'not read (the iframe has not reported)' : '—');
  else if (td === null) row('trusted', 'TRUSTED_DOMAINS', 'not declared', 'bad');
  else if (!Array.isArray(td)) row('trusted', 'TRUSTED_DOMAINS', `not an array (${String(td)})`, 'bad');
  else row('trusted', 'TRUSTED_DOMAINS', td.length ? td.map((e) => (typeof e === 'string' ? JSON.stringify(e) : textOf(e))).join(', ') : '[] (empty)', td.length ? 'neutral' : 'bad');

  if (td !== undefined && input.pageOrigin) {
    const trusted = isTrustedOrigin(parseTrustedList(td), input.pageOrigin);
    row('page-trusted', 'Page origin trusted', `${trusted ? 'yes' : 'no'}: ${input.pageOrigin}`, trusted ? 'ok' : 'bad');
  } else if (facts.refused) {
    row('page-trusted', 'Page origin trusted', `no: the iframe refused ${input.pageOrigin}`, 'bad');
  }
  row('third-party', 'Third-party cookies', input.cookiesWork === true ? 'work (the iframe keeps its cookie)' : input.cookiesWork === false ? `blocked: ${input.blockedReason ?? ''}` : 'unknown (no load, save or test answered yet)',
    input.cookiesWork === true ? 'ok' : input.cookiesWork === false ? 'bad' : 'neutral');
  row('name', 'Session cookie name', cookieName ?? 'unknown (no load or save request seen)');
  row('page-cookie', 'Cookie on the page', cookieText(pageEntry, pageFacts, cookieName));
  row('iframe-cookie', 'Cookie in the iframe', cookieText(iframeEntry, iframeFacts, cookieName));
  if (pageEntry && iframeEntry) {
    const sameSession = pageEntry.session === iframeEntry.session;
    const sameValue = pageEntry.value === iframeEntry.value;
    row('same', 'Same session', sameSession ? (sameValue ? 'yes, same value' : 'yes (same token; the message index differs)') : 'no: different sessions', sameSession ? 'ok' : 'bad');
  }
  row('last-load', 'Last load', facts.lastLoad ? `${facts.lastLoad.status} at ${formatClock(facts.lastLoad.at)}` : 'none seen', facts.lastLoad?.status === 'loaded' || facts.lastLoad?.status === 'empty' ? 'ok' : facts.lastLoad ? 'bad' : 'neutral');
  row('last-save', 'Last save', facts.lastSave ? `${facts.lastSave.status} at ${formatClock(facts.lastSave.at)}` : 'none seen', facts.lastSave?.status === 'saved' ? 'ok' : facts.lastSave ? 'bad' : 'neutral');
  row('looked', 'Widgets looked for the session', facts.widgetsLookedAt !== undefined ? `at ${formatClock(facts.widgetsLookedAt)} (first async restore or WebChat.open)` : 'not yet');
  return rows;
}

function cookieText(entry: CookieFactEntry | undefined, frameFacts: CookieFactsRecord | undefined, name: string | null): string {
  if (!name) return 'unknown';
  if (!frameFacts) return 'not reported';
  if (frameFacts.cookiesUnreadable) return 'unreadable in that frame';
  if (!entry) return 'absent';
  const expiry = entry.expires === undefined ? 'expiry unknown' : entry.expires === null ? 'session cookie' : `expires ${isoTime(entry.expires, `at ${String(entry.expires)} (not a date)`)}`;
  return `present, ${entry.length} chars, #${entry.value} (session #${entry.session}), ${expiry}`;
}

