// Cookie strings as document.cookie shows them. Values are opaque on the way: they are copied byte
// for byte between the page and the iframe (never decoded or re-encoded), so whatever library wrote
// them (Widgets' js-cookie) reads them back unchanged. Only decodeCookieJson looks inside one, to
// name the session it holds. Pure: no DOM.

/** Browsers keep a cookie's name and value to 4096 bytes together. */
export const MAX_COOKIE_BYTES = 4096;

/** RFC 6265 token characters, at most 256: the rule of the cookie provider's options, kept once. */
export { isCookieName } from '../shared/injection-options';

/** A value document.cookie can hold as it is: no `;`, no control characters, within the size cap. */
export function isCookieValue(value: unknown): value is string {
  // eslint-disable-next-line no-control-regex -- a cookie value must not hold control characters
  return typeof value === 'string' && value.length <= MAX_COOKIE_BYTES && !/[;\u0000-\u001f\u007f]/.test(value);
}

/** The raw value of the first cookie called `name` in a document.cookie string, or null. */
export function readCookie(cookieString: string, name: string): string | null {
  for (const pair of cookieString.split(';')) {
    const eq = pair.indexOf('=');
    const key = (eq < 0 ? '' : pair.slice(0, eq)).trim();
    if (key === name) return pair.slice(eq + 1).trim();
  }
  return null;
}

/**
 * A short, non-reversible tag of a cookie value (32-bit FNV-1a, hex) so two frames can say
 * "same value" or "different value" without either value leaving its frame.
 */
export function fingerprint(value: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) {
    hash ^= value.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/** The iframe keeps each session cookie under this prefix, so the channel can only ever read or
 *  write cookies of its own, never other cookies of the site that hosts the iframe. */
export const IFRAME_COOKIE_PREFIX = 'cx-lens-cookie.';

export function iframeCookieName(sessionCookieName: string): string {
  return IFRAME_COOKIE_PREFIX + sessionCookieName;
}

/** Longer values are not decoded (a cookie holds at most MAX_COOKIE_BYTES; this leaves room). */
const MAX_DECODED_CHARS = 2 * MAX_COOKIE_BYTES;

/**
 * The JSON a cookie value holds, or undefined when it holds none. Never throws.
 *
 * Tries the value as it is, then percent-decoded. One decodeURIComponent undoes both encodings a
 * page meets: `encodeURIComponent`, and js-cookie's (Widgets' `Cookies.set`), which percent-encodes
 * and then puts `{ } : # $ & + / < > = ? @ [ ] ^ |` and the backtick back as they were. So a
 * value such as `{%22messageIndex%22:%2217000000000030%22%2C%22token%22:%22eyJ...%22}` starts
 * with `{` and is still not JSON until decoded. A malformed escape (`%E0%A4%A`) means "not JSON", not an error.
 * A value in double quotes (allowed by RFC 6265) is read without them first, as js-cookie does.
 */
export function decodeCookieJson(value: unknown): unknown {
  if (typeof value !== 'string' || value.length > MAX_DECODED_CHARS) return undefined;
  const text = value.trim();
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) {
    const unquoted = readJson(text.slice(1, -1));
    if (unquoted !== undefined) return unquoted;
  }
  return readJson(text);
}

/** The text as JSON, else percent-decoded as JSON, else undefined. */
function readJson(text: string): unknown {
  const raw = parseJson(text);
  if (raw !== undefined || !text.includes('%')) return raw;
  let decoded: string;
  try {
    decoded = decodeURIComponent(text);
  } catch {
    return undefined;
  }
  return parseJson(decoded);
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The token a session cookie value names: Widgets' async session cookie is JSON
 * `{messageIndex, token}`, rewritten after every new message with a new messageIndex and the same
 * token for the whole chat. Undefined when the value is not such JSON.
 */
export function sessionTokenOf(value: unknown): string | undefined {
  const parsed = decodeCookieJson(value);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const token = (parsed as { token?: unknown }).token;
  return typeof token === 'string' && token !== '' ? token : undefined;
}
