// The sync status of a tab's cross-domain chat session, from facts the hook observes in the page
// and in the cookie iframe. Pure: the panel shows the verdict as data-testid="sync-status"
// with data-state = SyncVerdict.state.
import { textOf } from '../text/bounded';
import { isTrustedOrigin, lookalike, parseTrustedList } from '../../cookie/origins';

export type SyncState = 'in-sync' | 'out-of-sync' | 'blocked' | 'untrusted' | 'no-iframe' | 'late-load';

/** A session cookie as one side holds it. Values never come here: only their fingerprints. */
export interface CookieFact {
  present: boolean;
  /** ms since epoch; null for a session cookie; omitted when unknown. */
  expires?: number | null;
  /** cookie-values.ts fingerprint() of the value, to compare the two sides. */
  fingerprint?: string;
}

export interface SyncFacts {
  pageOrigin: string;
  /** The cookie iframe on the page, or null when there is none. */
  iframe: {
    url: string;
    /** Its document loaded (the hook ran in it, or it answered a hello). */
    loaded: boolean;
    /** TRUSTED_DOMAINS as read inside the iframe: null when it has none, omitted when not read. */
    trustedDomains?: unknown;
    /** Known only as the page's <iframe> element, never heard from: since when (ms epoch). */
    silentSince?: number;
  } | null;
  /** The iframe answered this page with untrusted-origin. */
  refused?: boolean;
  /** The last cookieTest answer. */
  cookieTest?: 'enabled' | 'blocked';
  /** Why the browser refuses the iframe's cookie, as the provider said it. */
  blockedReason?: string;
  /** Omitted when not read. */
  pageCookie?: CookieFact;
  iframeCookie?: CookieFact;
  /** When the last loadCookie / saveCookie finished, and how. */
  lastLoad?: { at: number; status: 'loaded' | 'empty' | 'blocked' | 'failed' };
  lastSave?: { at: number; status: 'saved' | 'no-cookie' | 'blocked' | 'failed' };
  /** When Widgets first looked for the session: its setSessionData call, or WebChat.open. */
  widgetsLookedAt?: number;
  /** Now (ms since epoch), to drop cookies whose expiry has passed. */
  now?: number;
}

export interface SyncVerdict {
  state: SyncState;
  reason: string;
}

const BLOCKED_DEFAULT = 'the browser refuses the cookie iframe\'s cookie: third-party cookies are blocked, so the session cannot follow the customer to other sites';

function holds(cookie: CookieFact, now: number | undefined): boolean {
  return cookie.present && !(typeof cookie.expires === 'number' && now !== undefined && cookie.expires <= now);
}

export function syncVerdict(facts: SyncFacts): SyncVerdict {
  const { iframe } = facts;
  if (!iframe) return { state: 'no-iframe', reason: 'No cookie iframe on this page: no CookieProvider created one, or it was removed.' };
  if (!iframe.loaded) {
    return { state: 'no-iframe', reason: `The cookie iframe ${iframe.url} has not loaded (wrong URL, server down, or refused by the page's Content-Security-Policy frame-src?).` };
  }

  if (iframe.trustedDomains !== undefined) {
    const trusted = parseTrustedList(iframe.trustedDomains);
    if (!isTrustedOrigin(trusted, facts.pageOrigin)) {
      const near = Array.isArray(iframe.trustedDomains)
        ? iframe.trustedDomains.map((entry) => ({ entry: textOf(entry), like: lookalike(textOf(entry), facts.pageOrigin) })).find((e) => e.like)
        : undefined;
      const hint = near ? ` The entry "${near.entry}" comes close (${near.like!.reason}).` : '';
      return {
        state: 'untrusted',
        reason: `${facts.pageOrigin} is not in the iframe's TRUSTED_DOMAINS (${trusted.origins.length} valid ${trusted.origins.length === 1 ? 'entry' : 'entries'}), so the iframe answers this page nothing.${hint}`,
      };
    }
  }
  if (facts.refused) return { state: 'untrusted', reason: `The cookie iframe refused this page's requests: ${facts.pageOrigin} is not among its trusted origins.` };

  if (facts.cookieTest === 'blocked' || facts.lastLoad?.status === 'blocked' || facts.lastSave?.status === 'blocked') {
    return { state: 'blocked', reason: capitalise(facts.blockedReason ?? BLOCKED_DEFAULT) + '.' };
  }

  const looked = facts.widgetsLookedAt;
  if (looked !== undefined && facts.lastLoad?.status === 'loaded' && facts.lastLoad.at > looked) {
    return {
      state: 'late-load',
      reason: `The session was loaded into the page ${facts.lastLoad.at - looked} ms after Widgets looked for it, so Widgets started without it. Wait for loadCookie() before loading Widgets.`,
    };
  }

  const { pageCookie, iframeCookie, now } = facts;
  if (!pageCookie || !iframeCookie) {
    if (facts.lastSave?.status === 'saved' || facts.lastLoad?.status === 'loaded') {
      return { state: 'in-sync', reason: `The last ${facts.lastSave?.status === 'saved' ? 'save' : 'load'} succeeded (the ${!iframeCookie ? 'iframe\'s' : 'page\'s'} cookie itself could not be read).` };
    }
    return { state: 'out-of-sync', reason: `No load or save has succeeded yet, and the ${!iframeCookie ? 'iframe\'s' : 'page\'s'} cookie could not be read.` };
  }
  const onPage = holds(pageCookie, now);
  const inIframe = holds(iframeCookie, now);
  if (!onPage && !inIframe) return { state: 'in-sync', reason: 'No session on the page or in the iframe yet (no chat has started).' };
  if (onPage && !inIframe) {
    const save = facts.lastSave ? ` (last save: ${facts.lastSave.status})` : ' (no save yet)';
    return { state: 'out-of-sync', reason: `The page has a session the iframe does not: saveCookie has not stored it${save}, so other sites cannot continue this chat.` };
  }
  if (!onPage && inIframe) {
    const load = facts.lastLoad ? `the last load ended ${facts.lastLoad.status}` : 'loadCookie has not run on this page';
    return { state: 'out-of-sync', reason: `The iframe holds a session this page does not: ${load}.` };
  }
  if (pageCookie.fingerprint && iframeCookie.fingerprint && pageCookie.fingerprint !== iframeCookie.fingerprint) {
    return {
      state: 'out-of-sync',
      reason: `The page and the iframe hold different sessions (#${pageCookie.fingerprint} on the page, #${iframeCookie.fingerprint} in the iframe): a save is missing after the session last changed.`,
    };
  }
  const compared = pageCookie.fingerprint && iframeCookie.fingerprint ? 'the same session' : 'a session (values not compared)';
  return { state: 'in-sync', reason: `The page and the iframe hold ${compared}.` };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
