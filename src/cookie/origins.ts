// Origins as the cookie channel compares them: exactly (scheme, host, port) after the URL
// parser's normalisation, never by prefix, suffix or substring. Pure: no DOM, no chrome.*.
import { parseHttpUrl } from '../shared/injection-options';

export type OriginParse = { ok: true; origin: string } | { ok: false; reason: string };

/**
 * Parses a TRUSTED_DOMAINS entry (or any origin string) into its serialized origin.
 * Accepts only `http(s)://host[:port]`: the URL parser normalises case, default ports and IP
 * spellings (those name the same origin), but anything that is not an origin is refused with a
 * reason: a missing scheme, a path or trailing slash, credentials, a query, surrounding spaces.
 */
export function parseOrigin(entry: unknown): OriginParse {
  if (typeof entry !== 'string') return { ok: false, reason: `not a string (${typeof entry})` };
  if (entry !== entry.trim() || /\s/.test(entry)) return { ok: false, reason: 'contains spaces' };
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(entry);
  if (!scheme) return { ok: false, reason: 'no scheme: write it as https://host' };
  const authority = entry.slice(scheme[0].length);
  if (/[/\\]/.test(authority)) return { ok: false, reason: 'has a path or trailing slash: an origin ends at the host or port' };
  if (/[?#]/.test(authority)) return { ok: false, reason: 'has a query or fragment' };
  if (authority.includes('@')) return { ok: false, reason: 'has credentials (user@): the host is what follows the @' };
  let url: URL;
  try {
    url = new URL(entry);
  } catch {
    return { ok: false, reason: 'not a valid URL' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, reason: `scheme ${url.protocol} is not http or https` };
  return { ok: true, origin: url.origin };
}

/** The cookie iframe's URL resolved against the page's URL when it is an http(s) URL; else what
 *  is wrong with it (to follow the caller's name for it, e.g. "iframeUrl is not a URL: ..."). */
export function parseIframeUrl(value: unknown, base: string): { ok: true; url: URL } | { ok: false; reason: string } {
  // The rule of the cookie provider's options (src/shared/injection-options.ts), kept once.
  return parseHttpUrl(String(value), base);
}

/** The normalised origin, or null when the string is not an origin. */
export function normaliseOrigin(entry: unknown): string | null {
  const parsed = parseOrigin(entry);
  return parsed.ok ? parsed.origin : null;
}

/** True when both strings are origins and name the same one (scheme, host and port). */
export function sameOrigin(a: unknown, b: unknown): boolean {
  const na = normaliseOrigin(a);
  return na !== null && na === normaliseOrigin(b);
}

export interface TrustedList {
  /** Normalised origins, deduplicated, in list order. */
  origins: string[];
  /** Entries that are not origins: ignored, with why. */
  ignored: { entry: string; reason: string }[];
}

/** Normalises a TRUSTED_DOMAINS value. Anything but an array trusts no one. */
export function parseTrustedList(list: unknown): TrustedList {
  const result: TrustedList = { origins: [], ignored: [] };
  if (!Array.isArray(list)) return result;
  for (const entry of list) {
    const parsed = parseOrigin(entry);
    if (!parsed.ok) result.ignored.push({ entry: String(entry), reason: parsed.reason });
    else if (!result.origins.includes(parsed.origin)) result.origins.push(parsed.origin);
  }
  return result;
}

/** True when origin (as the browser reports it, e.g. MessageEvent.origin) is in the list. */
export function isTrustedOrigin(list: TrustedList, origin: string): boolean {
  const normalised = normaliseOrigin(origin);
  return normalised !== null && list.origins.includes(normalised);
}

interface LooseOrigin {
  scheme: string | null; // null when the entry had none
  host: string;
  port: string; // effective port, '' for the scheme's default
  userinfo: boolean;
}

/** Best-effort reading of something that was meant to be an origin, for diagnostics only. */
function looseParse(entry: string): LooseOrigin | null {
  const text = entry.trim();
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text);
  try {
    const url = new URL(hasScheme ? text : `https://${text.replace(/^\/\//, '')}`);
    if (!url.hostname) return null;
    return {
      scheme: hasScheme ? url.protocol.slice(0, -1) : null,
      host: url.hostname,
      port: url.port,
      userinfo: url.username !== '' || url.password !== '',
    };
  } catch {
    return null;
  }
}

export type LookalikeKind = 'scheme' | 'port' | 'no-scheme' | 'not-an-origin' | 'credentials' | 'subdomain' | 'host';

export interface Lookalike {
  kind: LookalikeKind;
  reason: string;
  /** The entry's host, as far as it could be read. */
  host: string;
}

/**
 * How `entry` only looks like `origin` without being it, or null when it is that origin exactly
 * or is unrelated. Catches: another scheme or port of the same host, a missing scheme, a path
 * or trailing slash, credentials (`https://domain-a.com@evil.net`), a host built from the other
 * (`domain-a.com.evil.net`, `evildomain-a.com`, a trailing dot, `www.domain-a.com`).
 */
export function lookalike(entry: string, origin: string): Lookalike | null {
  const target = normaliseOrigin(origin);
  if (target === null || normaliseOrigin(entry) === target) return null;
  const want = new URL(target);
  const got = looseParse(entry);
  if (!got) return null;
  const wantScheme = want.protocol.slice(0, -1);
  if (got.host === want.hostname) {
    if (got.scheme === null) return { kind: 'no-scheme', host: got.host, reason: `no scheme: ${entry} is not an origin; ${target} is` };
    if (got.scheme !== wantScheme) return { kind: 'scheme', host: got.host, reason: `other scheme: ${got.scheme} instead of ${wantScheme}` };
    if (got.port !== want.port) return { kind: 'port', host: got.host, reason: `other port: ${got.port || 'default'} instead of ${want.port || 'default'}` };
    const parsed = parseOrigin(entry);
    return { kind: 'not-an-origin', host: got.host, reason: `not an origin (${parsed.ok ? 'differs' : parsed.reason}); ${target} is` };
  }
  if (got.userinfo && entry.toLowerCase().includes(want.hostname)) {
    return { kind: 'credentials', host: got.host, reason: `credentials trick: the host of ${entry} is ${got.host}, not ${want.hostname}` };
  }
  const [short, long] = got.host.length <= want.hostname.length ? [got.host, want.hostname] : [want.hostname, got.host];
  if (long.endsWith(`.${short}`)) return { kind: 'subdomain', host: got.host, reason: `other host: ${got.host} and ${want.hostname} are different origins of one domain` };
  // A suffix (domain-a.com.evil.net, a trailing dot), a prefix (evildomain-a.com) or a longer name;
  // without a label boundary only a dotted name counts: "a" inside "domain-a" is no lookalike.
  if (long.startsWith(`${short}.`) || (short.includes('.') && (long.startsWith(short) || long.endsWith(short)))) {
    return { kind: 'host', host: got.host, reason: `other host: ${got.host} only looks like ${want.hostname}` };
  }
  return null;
}

export function describeLookalike(entry: string, origin: string): string | null {
  return lookalike(entry, origin)?.reason ?? null;
}

export function isLookalike(entry: string, origin: string): boolean {
  return lookalike(entry, origin) !== null;
}
