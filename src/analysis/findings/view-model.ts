// What the Findings tab and its Markdown copy share, without Preact: counts per severity, the
// order findings are shown in, one finding per key, and the words for severities, tabs and rules.
import type { RevealTab } from '../reveal';
import { maskString } from '../text/secrets';
import type { Finding, Severity } from './types';

export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

export const SEVERITY_LABEL: Record<Severity, string> = { error: 'Error', warning: 'Warning', info: 'Info' };

/** Icons as text (no images): the same in the panel and in a pasted ticket. */
export const SEVERITY_ICON: Record<Severity, string> = { error: '⛔', warning: '⚠️', info: 'ℹ️' };

export const TAB_LABEL: Record<RevealTab, string> = { bus: 'Bus', states: 'States', cookies: 'Cookie sync' };

export interface SeverityCounts {
  error: number;
  warning: number;
  info: number;
}

export function countBySeverity(findings: readonly Finding[]): SeverityCounts {
  const counts: SeverityCounts = { error: 0, warning: 0, info: 0 };
  for (const f of findings) if (f.severity in counts) counts[f.severity]++;
  return counts;
}

/** The badge's tooltip: "2 errors, 1 warning". */
export function badgeTitle(counts: SeverityCounts): string {
  const words = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${words(counts.error, 'error')}, ${words(counts.warning, 'warning')}, ${words(counts.info, 'info finding')}`;
}

const rank = (s: Severity) => {
  const i = SEVERITIES.indexOf(s);
  return i < 0 ? SEVERITIES.length : i;
};

/**
 * One finding per key, most severe first, then the most recently seen first. Should a key come
 * twice (a rule seeing the same problem from two sources) the two merge: the more severe one wins
 * and the seen times span both.
 */
export function orderFindings(findings: readonly Finding[]): Finding[] {
  const byKey = new Map<string, Finding>();
  for (const f of findings) {
    const had = byKey.get(f.key);
    if (!had) {
      byKey.set(f.key, f);
      continue;
    }
    const main = rank(f.severity) < rank(had.severity) ? f : had;
    byKey.set(f.key, { ...main, firstSeen: Math.min(had.firstSeen, f.firstSeen), lastSeen: Math.max(had.lastSeen, f.lastSeen) });
  }
  return [...byKey.values()].sort((a, b) => rank(a.severity) - rank(b.severity) || b.lastSeen - a.lastSeen || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** What the rules look at, for the empty state: nothing found means these were checked. */
export const CHECKED: readonly string[] = [
  'the page’s reaction (WebChat.injectMessage / WebChat.endChat) to every Finalizing and Completed state, and whether it went through',
  'customer messages that opened a new segment after the agent finished',
  'chat API responses the Widgets transport would throw on, error answers, lost sessions, failed restores and disconnections',
  'bus commands that stay pending (a name no plugin registered, a plugin never ready), were rejected or cancelled, and refused plugin registrations',
  'the Widgets transport config: async storage in transport.async, with both getSessionData and setSessionData',
  'the cross-tab poll lock (_genesys.widgets.chatPollPending) left set',
  'the cross-domain cookie channel: the iframe, third-party cookies, TRUSTED_DOMAINS and its entries, untrusted senders, * targets',
  'CX Lens’s own injections into the page, and whether it sees all of the bus',
];

/** The finding with every text that may hold page data masked (JWT-looking strings, secret keys
 *  and parameters' values, credentials: maskString): what the tab shows. Rule ids, severities,
 *  keys and times are the panel's own. A snippet was masked when it was built (snippets.ts), so
 *  that masking it again leaves it as it is. */
export function maskedFinding(f: Finding): Finding {
  const m = (s: string) => maskString(String(s));
  return {
    ...f,
    ...(f.quotes ? { quotes: f.quotes.map(m) } : {}),
    title: m(f.title),
    why: m(f.why),
    sessionId: f.sessionId == null ? f.sessionId : m(f.sessionId),
    evidence: f.evidence.map((e) => ({ ...e, label: m(e.label) })),
    fix: {
      ...f.fix,
      text: m(f.fix.text),
      ...(f.fix.snippet !== undefined ? { snippet: m(f.fix.snippet) } : {}),
      ...(f.fix.action ? { action: { ...f.fix.action, label: m(f.fix.action.label) } } : {}),
    },
  };
}
