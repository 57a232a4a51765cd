// Security violations of a tab's cookie channel, from the messages the hook saw between the page
// and the cookie iframe and from the iframe's TRUSTED_DOMAINS. Pure: the panel shows each row as
// data-testid="violation-row" with data-rule = Violation.rule.
import { textOf } from '../text/bounded';
import { isTrustedOrigin, lookalike, normaliseOrigin, parseTrustedList, type Lookalike } from '../../cookie/origins';

export type ViolationRule =
  | 'untrusted-sender' // the iframe received a message from an origin outside TRUSTED_DOMAINS
  | 'wildcard-target' // a send with targetOrigin "*" carried session data
  | 'foreign-reply' // the page accepted a reply from an origin other than the iframe's
  | 'page-not-trusted' // the page's own origin is missing from TRUSTED_DOMAINS
  | 'lookalike-entry' // a TRUSTED_DOMAINS entry only looks like a trusted (or the page's) origin
  | 'invalid-entry'; // a TRUSTED_DOMAINS entry (or the list itself) that is no origin: ignored

/** One cross-frame message of the channel, as the hook saw it at the send or at the receipt. */
export interface ChannelObservation {
  time: number;
  direction: 'page-to-iframe' | 'iframe-to-page';
  /** Origin of the sending window (MessageEvent.origin at the receipt). */
  senderOrigin: string;
  receiverOrigin: string;
  /** The targetOrigin passed to postMessage, when the send was seen. */
  targetOrigin?: string;
  /** It carried a session cookie value (channel.ts carriesSessionData, or a foreign protocol's). */
  carriesSession: boolean;
  /** Seen in the iframe: it refused the message (error reply or silence). */
  refused?: boolean;
  /** Seen in the page: the page took it as the channel's reply. */
  accepted?: boolean;
}

export interface ViolationInput {
  pageOrigin: string;
  /** Origin of the cookie iframe's URL, null when there is no iframe. */
  iframeOrigin: string | null;
  /** TRUSTED_DOMAINS as read inside the iframe: null when it has none, omitted when not read. */
  trustedDomains?: unknown;
  messages: readonly ChannelObservation[];
}

export interface Violation {
  rule: ViolationRule;
  severity: 'error' | 'warning';
  /** Stable identity of the row (rule and subject), for keys and deduplication. */
  key: string;
  /** The origin or list entry the row is about. */
  subject: string;
  message: string;
  /** Messages behind the row (a flood is one row with a count). */
  count: number;
  firstTime?: number;
  lastTime?: number;
  /** untrusted-sender: true when the iframe refused every one of them, false when it did not
   *  refuse some, omitted when unknown. */
  refused?: boolean;
}

export function findViolations(input: ViolationInput): Violation[] {
  const rows = new Map<string, Violation>();
  const add = (row: Omit<Violation, 'key' | 'count'>, time?: number): Violation => {
    const key = `${row.rule} ${row.subject}`;
    let existing = rows.get(key);
    if (!existing) rows.set(key, (existing = { ...row, key, count: 0 }));
    existing.count++;
    if (time !== undefined) {
      existing.firstTime = Math.min(existing.firstTime ?? time, time);
      existing.lastTime = Math.max(existing.lastTime ?? time, time);
    }
    return existing;
  };
  const listKnown = input.trustedDomains !== undefined;
  const trusted = parseTrustedList(input.trustedDomains);
  const pageTrusted = isTrustedOrigin(trusted, input.pageOrigin);
  const iframeOrigin = input.iframeOrigin === null ? null : normaliseOrigin(input.iframeOrigin);

  for (const m of input.messages) {
    if (m.direction === 'page-to-iframe' && listKnown && !isTrustedOrigin(trusted, m.senderOrigin)) {
      const row = add({
        rule: 'untrusted-sender', severity: 'warning', subject: m.senderOrigin,
        message: `The cookie iframe received messages from ${m.senderOrigin}, which is not in its TRUSTED_DOMAINS.`,
      }, m.time);
      if (m.refused === false) row.refused = false;
      else if (m.refused === true && row.refused !== false) row.refused = true;
      if (row.refused === false) {
        row.severity = 'error';
        row.message = `The cookie iframe received messages from ${m.senderOrigin}, which is not in its TRUSTED_DOMAINS, and did not refuse all of them.`;
      } else if (row.refused) {
        row.message = `The cookie iframe received messages from ${m.senderOrigin}, which is not in its TRUSTED_DOMAINS, and refused them.`;
      }
    }
    if (m.targetOrigin === '*' && m.carriesSession) {
      add({
        rule: 'wildcard-target', severity: 'error', subject: m.senderOrigin,
        message: `${m.senderOrigin} posted session data with targetOrigin "*": whatever page that window shows (any origin) can read it.`,
      }, m.time);
    }
    if (m.direction === 'iframe-to-page' && m.accepted && iframeOrigin !== null && normaliseOrigin(m.senderOrigin) !== iframeOrigin) {
      add({
        rule: 'foreign-reply', severity: 'error', subject: m.senderOrigin,
        message: `The page accepted a channel reply from ${m.senderOrigin}, not from the cookie iframe's origin ${iframeOrigin}.`,
      }, m.time);
    }
  }

  if (!listKnown) return [...rows.values()];
  const entries: unknown[] = Array.isArray(input.trustedDomains) ? input.trustedDomains : [];
  if (!Array.isArray(input.trustedDomains)) {
    add({
      rule: 'invalid-entry', severity: 'error', subject: 'TRUSTED_DOMAINS',
      message: input.trustedDomains === null
        ? 'The cookie iframe declares no TRUSTED_DOMAINS before iframe.min.js: it trusts no one.'
        : 'The cookie iframe\'s TRUSTED_DOMAINS is not an array: it trusts no one.',
    });
  }
  if (!pageTrusted) {
    add({
      rule: 'page-not-trusted', severity: 'error', subject: input.pageOrigin,
      message: `This page's origin ${input.pageOrigin} is not in the cookie iframe's TRUSTED_DOMAINS: the iframe answers it nothing.`,
    });
  }
  // Near misses of the page's origin matter only when the page is not trusted. Between entries,
  // an entry is flagged only when it is the one derived from the other (see derivedFrom).
  for (const entry of entries) {
    const text = textOf(entry);
    const own = normaliseOrigin(entry);
    const nearPage = pageTrusted ? null : lookalike(text, input.pageOrigin);
    const nearEntry = nearPage ? null : trusted.origins
      .filter((origin) => origin !== own)
      .map((origin) => ({ origin, like: lookalike(text, origin) }))
      .find((e) => e.like && derivedFrom(own, e.like, e.origin));
    const like = nearPage ?? nearEntry?.like;
    const reference = nearPage ? input.pageOrigin : nearEntry?.origin;
    if (like) {
      add({
        rule: 'lookalike-entry', severity: own !== null ? 'error' : 'warning', subject: text,
        message: `TRUSTED_DOMAINS entry "${text}" only looks like ${reference}: ${like.reason}.${own !== null ? ' It is trusted as it is.' : ' The iframe ignores it.'}`,
      });
    } else if (own === null) {
      const why = trusted.ignored.find((i) => i.entry === text)?.reason ?? 'not an origin';
      add({ rule: 'invalid-entry', severity: 'warning', subject: text, message: `TRUSTED_DOMAINS entry "${text}" is ignored: ${why}.` });
    }
  }
  return [...rows.values()];
}

/**
 * Whether a list entry that looks like another entry is the derived one: an entry that is no
 * origin always is; otherwise the longer host (domain-a.com.evil.net, not domain-a.com), http
 * beside https, a non-default port beside the default one. Two origins of one domain (www and
 * the apex) are a normal list.
 */
function derivedFrom(own: string | null, like: Lookalike, reference: string): boolean {
  if (own === null) return true;
  const entry = new URL(own);
  const other = new URL(reference);
  switch (like.kind) {
    case 'host': return like.host.length > other.hostname.length;
    case 'scheme': return entry.protocol === 'http:' && other.protocol === 'https:';
    case 'port': return entry.port !== '' && other.port === '';
    default: return false;
  }
}
