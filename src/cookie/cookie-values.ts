// Cookie strings as document.cookie shows them. Values are opaque: they are copied byte for byte
// between the page and the iframe (never decoded or re-encoded), so whatever library wrote them
// (Widgets' js-cookie) reads them back unchanged. Pure: no DOM.

/** RFC 6265 token characters: what a cookie name may contain. */
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Browsers keep a cookie's name and value to 4096 bytes together. */
export const MAX_COOKIE_BYTES = 4096;

export function isCookieName(name: unknown): name is string {
  return typeof name === 'string' && name.length <= 256 && COOKIE_NAME.test(name);
}

/** A value document.cookie can hold as it is: no `;`, no control characters, within the size cap. */
export function isCookieValue(value: unknown): value is string {
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
