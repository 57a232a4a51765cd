// The Cookie sync tab's verdict and violations, as findings: what breaks a cross-domain chat
// (third-party cookies blocked, the page missing from TRUSTED_DOMAINS, a session loaded too late)
// and what leaks it (a session posted to "*", a sender the iframe should not answer).
import { resultOf, type LogEntry } from '../../cookies/cookie-sync';
import type { Violation } from '../../cookies/violations';
import { normaliseOrigin } from '../../../cookie/origins';
import type { Evidence, Finding, RuleId, Severity } from '../types';
import { finding, label, type FindingContext, type Rule } from '../context';
import { trustedDomainsSnippet } from '../snippets';

function logEvidence(entry: LogEntry, text: string): Evidence {
  return { tab: 'cookies', key: entry.key, label: label(text), time: entry.time };
}

function violationEvidence(v: Violation): Evidence {
  const e: Evidence = { tab: 'cookies', key: `violation:${v.key}`, label: label(v.message) };
  if (v.lastTime !== undefined) e.time = v.lastTime;
  return e;
}

/** The page's replies from the cookie iframe, newest last. */
const replies = (ctx: FindingContext) => ctx.cookieSync.log.filter((e) => e.seenIn === 'page' && e.type === 'reply');

/** The page's and the cookie iframe's own strings the cookie findings quote: origins, the
 *  iframe's URL, TRUSTED_DOMAINS entries, the ids and outcomes of replies. */
function cookieQuotes(ctx: FindingContext, entries: readonly LogEntry[] = [], ...more: (string | undefined)[]): string[] {
  const { facts } = ctx.cookieSync;
  const list = facts.iframe?.trustedDomains;
  const trusted = Array.isArray(list) ? list.filter((e): e is string => typeof e === 'string') : [];
  return [
    String(facts.pageOrigin ?? ''), facts.iframe?.url ?? '', ...trusted, ...more.map((m) => m ?? ''),
    ...entries.flatMap((e) => [e.id ?? '', e.outcome ?? '']),
  ];
}

/** TRUSTED_DOMAINS entries that are valid origins, as the iframe reported them. */
function validEntries(ctx: FindingContext): string[] {
  const list = ctx.cookieSync.facts.iframe?.trustedDomains;
  if (!Array.isArray(list)) return [];
  return list.map((e) => normaliseOrigin(e)).filter((o): o is string => o !== null);
}

export const thirdPartyCookiesBlocked: Rule = (ctx) => {
  const { verdict } = ctx.cookieSync;
  if (verdict.state !== 'blocked') return [];
  const evidence = replies(ctx)
    .filter((e) => typeof resultOf(e).blocked === 'string' || resultOf(e).enabled === false || resultOf(e).saved === false)
    .map((e) => logEvidence(e, `reply ${e.id ?? ''}: the iframe could not keep its cookie`));
  return [finding({
    rule: 'third-party-cookies-blocked', severity: 'error', key: 'third-party-cookies-blocked',
    title: 'Third-party cookies are blocked: the chat cannot follow the customer to your other sites',
    why: verdict.reason,
    evidence, seen: ctx.now, quotes: cookieQuotes(ctx, replies(ctx)),
    fix: {
      text: 'The cookie iframe needs third-party cookies, which Chromium blocks by default and Firefox does not support. Tell customers to allow them for the iframe\'s site, or keep the chat on one site (one domain for every page with the chat).',
    },
  })];
};

export const pageOriginUntrusted: Rule = (ctx) => {
  const { verdict, violations, facts } = ctx.cookieSync;
  const notTrusted = violations.filter((v) => v.rule === 'page-not-trusted');
  if (verdict.state !== 'untrusted' && !notTrusted.length) return [];
  const refusals = replies(ctx).filter((e) => e.outcome === 'untrusted-origin').map((e) => logEvidence(e, `reply ${e.id ?? ''}: untrusted-origin`));
  return [finding({
    rule: 'page-origin-untrusted', severity: 'error', key: `page-origin-untrusted:${facts.pageOrigin}`,
    title: `${facts.pageOrigin} is not in the cookie iframe's TRUSTED_DOMAINS`,
    why: verdict.state === 'untrusted' ? verdict.reason : notTrusted[0]!.message,
    evidence: [...notTrusted.map(violationEvidence), ...refusals], seen: ctx.now,
    quotes: cookieQuotes(ctx, replies(ctx), ...notTrusted.map((v) => v.subject)),
    fix: {
      text: `Add this page's exact origin (scheme, host and port) to TRUSTED_DOMAINS in the iframe's page.`,
      snippet: trustedDomainsSnippet([...validEntries(ctx), facts.pageOrigin]),
    },
  })];
};

export const lateLoad: Rule = (ctx) => {
  const { verdict, facts } = ctx.cookieSync;
  if (verdict.state !== 'late-load') return [];
  const loads = replies(ctx).filter((e) => resultOf(e).found === true).map((e) => logEvidence(e, `reply ${e.id ?? ''}: the session loaded`));
  return [finding({
    rule: 'late-load', severity: 'error', key: 'late-load',
    title: 'The session reached the page after Widgets looked for it',
    why: `${verdict.reason.split('. Wait')[0]}: the chat was not restored on this page.`,
    evidence: loads.slice(-3), seen: facts.widgetsLookedAt ?? ctx.now, quotes: cookieQuotes(ctx, replies(ctx)),
    fix: {
      text: 'Load Widgets only when loadCookie() has finished (its callback or promise), or use the provider\'s Widgets extension, which waits for it.',
      snippet: `cookieProvider.loadCookie().then(function () {\n  // only now: the session cookie is on this page\n  CXBus.loadPlugin('widgets-core');\n});`,
    },
  })];
};

export const outOfSync: Rule = (ctx) => {
  const { verdict } = ctx.cookieSync;
  if (verdict.state !== 'out-of-sync') return [];
  const evidence = replies(ctx).slice(-3).map((e) => logEvidence(e, `reply ${e.id ?? ''}: ${e.outcome ?? ''}`));
  return [finding({
    rule: 'out-of-sync', severity: 'warning', key: 'out-of-sync',
    title: 'The page and the cookie iframe hold different chat sessions',
    why: verdict.reason,
    evidence, seen: ctx.now, quotes: cookieQuotes(ctx, replies(ctx)),
    fix: {
      text: 'Save the session to the iframe whenever Widgets stores it: call saveCookie() from getSessionData (Widgets calls it after every new message), not only once on WebChat.started.',
    },
  })];
};

/** How long a cookie iframe known only by its element may take to load before it is a finding. */
export const IFRAME_LOAD_GRACE_MS = 5000;

export const cookieIframeNotLoaded: Rule = (ctx) => {
  const { verdict, facts } = ctx.cookieSync;
  if (verdict.state !== 'no-iframe' || !facts.iframe || facts.iframe.loaded) return [];
  // An iframe element that has not spoken yet may still be loading.
  if (facts.iframe.silentSince !== undefined && ctx.now - facts.iframe.silentSince < IFRAME_LOAD_GRACE_MS) return [];
  return [finding({
    rule: 'cookie-iframe-not-loaded', severity: 'error', key: `cookie-iframe-not-loaded:${facts.iframe.url}`,
    title: 'The cookie iframe did not load',
    why: `${verdict.reason} Without it no session is saved or loaded across sites.`,
    evidence: [], seen: ctx.now, quotes: cookieQuotes(ctx),
    fix: { text: 'Open the iframe URL in a tab: it must be served (https in production) and allowed by the page\'s Content-Security-Policy frame-src.' },
  })];
};

/** Violations that are findings of their own: rule, and the severity the violation had. */
const VIOLATION_RULES: Partial<Record<Violation['rule'], RuleId>> = {
  'lookalike-entry': 'lookalike-entry',
  'untrusted-sender': 'untrusted-sender',
  'wildcard-target': 'wildcard-target',
  'invalid-entry': 'invalid-trusted-entry',
};

const VIOLATION_TEXT: Record<string, { title: (v: Violation) => string; why: string; fix: (v: Violation, ctx: FindingContext) => Finding['fix'] }> = {
  'lookalike-entry': {
    title: (v) => `TRUSTED_DOMAINS entry "${v.subject}" only looks like a trusted origin`,
    why: 'An origin that merely resembles yours may belong to someone else; if it is a valid origin, the iframe hands it your customers\' chat session.',
    fix: (v, ctx) => ({ text: `Remove "${v.subject}" or write the exact origin you meant.`, snippet: trustedDomainsSnippet(validEntries(ctx).filter((o) => o !== normaliseOrigin(v.subject))) }),
  },
  'untrusted-sender': {
    title: (v) => `The cookie iframe received messages from ${v.subject}, which it does not trust`,
    why: 'A page outside TRUSTED_DOMAINS talks to the iframe; if the iframe answers it, it can read or overwrite the chat session.',
    fix: (v) => ({ text: v.refused === false ? 'The iframe answered an untrusted origin: check the origin test in the iframe\'s code (exact match of event.origin against the list).' : `If ${v.subject} is your own site, add it to TRUSTED_DOMAINS; otherwise the iframe is right to refuse it.` }),
  },
  'wildcard-target': {
    title: (v) => `${v.subject} posted the chat session with targetOrigin "*"`,
    why: 'Any page shown in the receiving window, of any origin, can read the session token and take over the chat.',
    fix: () => ({ text: 'Pass the receiver\'s exact origin as postMessage\'s second argument.', snippet: 'iframe.contentWindow.postMessage(message, \'https://cookies.example.com\');' }),
  },
  'invalid-entry': {
    title: (v) => `TRUSTED_DOMAINS entry "${v.subject}" is ignored`,
    why: 'An entry that is not an origin matches no page: the site it meant gets no answers from the iframe.',
    fix: (v, ctx) => ({ text: 'Write each entry as an origin: scheme, host and port, no path or wildcard.', snippet: trustedDomainsSnippet(validEntries(ctx)) }),
  },
};

export const cookieViolations: Rule = (ctx) => {
  const pageOrigin = normaliseOrigin(ctx.cookieSync.facts.pageOrigin);
  return ctx.cookieSync.violations.flatMap((v) => {
    const rule = VIOLATION_RULES[v.rule];
    if (!rule) return [];
    // The page's own origin refused by the iframe is page-origin-untrusted already.
    if (v.rule === 'untrusted-sender' && v.refused !== false && normaliseOrigin(v.subject) === pageOrigin) return [];
    const text = VIOLATION_TEXT[v.rule]!;
    const severity: Severity = v.severity;
    return [finding({
      rule, severity, key: `${rule}:${v.subject}`, title: text.title(v), why: `${v.message} ${text.why}`,
      evidence: [violationEvidence(v)], seen: ctx.now, fix: text.fix(v, ctx), quotes: cookieQuotes(ctx, [], v.subject),
    })];
  });
};

export const cookieRules: Rule[] = [thirdPartyCookiesBlocked, pageOriginUntrusted, lateLoad, outOfSync, cookieIframeNotLoaded, cookieViolations];
