// Masking of secrets in captured payloads and in text: API keys, tokens, passwords, cookie values
// and JWT-looking strings are replaced before the panel shows them, and wherever text leaves the
// panel (Markdown, snippets, the command line's text and JSON), unless the user asks to see them.
import type { Copied } from '../../shared/protocol';
import { boundTree, type WalkLimits } from './bounded';

export const MASK = '•••• (masked)';

/** Key names (lowercased, without `-`, `_`, `.`, spaces) whose values are always secret. */
const SECRET_KEYS = new Set([
  'authorization', 'proxyauthorization', 'cookie', 'cookies', 'setcookie',
  'password', 'passwd', 'pwd', 'secret', 'token', 'jwt', 'credential', 'credentials',
  'apikey', 'xapikey', 'xnexusclientkey',
]);
/** Suffixes that make a key secret: clientToken, accessToken, access_token, clientSecret,
 *  x-nexus-client-key, privateKey... */
const SECRET_SUFFIXES = ['token', 'password', 'secret', 'apikey', 'clientkey', 'privatekey', 'secretkey', 'accesskey', 'passphrase'];
/** Names that are secret as a URL's query parameter, a form field or a cookie (`name=value`),
 *  beyond the secret keys: short names that, as an object's key, mostly mean something else. */
const SECRET_PARAMS = new Set(['key', 'code', 'auth', 'sig', 'signature', 'pass', 'ticket', 'otp']);

/** A JWT: base64url of `{"` (eyJ) header, payload, optional signature:
 *  `eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*`. As a regular expression it is
 *  quadratic on a page's string of "eyJeyJeyJ…" without dots (each start runs to the end and
 *  fails): a megabyte of it froze the panel. maskString finds the same matches in linear time. */
const JWT_START = 'eyJ';

const normalised = (key: string) => key.toLowerCase().replace(/[-_.\s]/g, '');

export function isSecretKey(key: string): boolean {
  const k = normalised(key);
  return SECRET_KEYS.has(k) || SECRET_SUFFIXES.some((s) => k.endsWith(s));
}

/** Whether `name=value` (a URL's query, a form body, a cookie) holds a secret value. */
export function isSecretParam(name: string): boolean {
  return isSecretKey(name) || SECRET_PARAMS.has(normalised(name));
}

/**
 * A string with its secrets masked: JWT-looking parts; the values of secret keys and parameters
 * written in the text (`"apiKey":"…"` of JSON, also escaped inside another JSON string,
 * `password: …`, `?access_token=…&key=…`, `Cookie: …` and `Authorization: Basic …` header lines);
 * and the credentials after `Bearer` or `Basic` anywhere. Linear in the string's length.
 */
export function maskString(s: string): string {
  return maskCredentials(maskPairs(maskJwts(s)));
}

/** Replaces every JWT-looking part of a string (the leftmost first, as a global regex would). */
function maskJwts(s: string): string {
  let i = s.indexOf(JWT_START);
  if (i < 0) return s; // fast path: most strings
  const runEnd = base64urlRunEnds(s);
  let out = '';
  let last = 0;
  while (i >= 0) {
    const end = jwtEnd(s, runEnd, i);
    if (end < 0) {
      i = s.indexOf(JWT_START, i + 1);
      continue;
    }
    out += s.slice(last, i) + MASK;
    last = end;
    i = s.indexOf(JWT_START, end);
  }
  return last === 0 ? s : out + s.slice(last);
}

function isBase64url(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 45 || code === 95;
}

/** For each index, where the run of base64url characters starting there ends (one pass). */
function base64urlRunEnds(s: string): Int32Array {
  const ends = new Int32Array(s.length + 1);
  ends[s.length] = s.length;
  for (let k = s.length - 1; k >= 0; k--) ends[k] = isBase64url(s.charCodeAt(k)) ? ends[k + 1]! : k;
  return ends;
}

/** The end of the JWT starting at `start` (at an "eyJ"), or -1. Each part is a whole run of
 *  base64url characters: no shorter run can be followed by the dot. */
function jwtEnd(s: string, runEnd: Int32Array, start: number): number {
  const header = start + JWT_START.length;
  const headerEnd = runEnd[header]!;
  if (headerEnd - header < 4 || s.charCodeAt(headerEnd) !== 46) return -1;
  const payloadEnd = runEnd[headerEnd + 1]!;
  if (payloadEnd - headerEnd - 1 < 4 || s.charCodeAt(payloadEnd) !== 46) return -1;
  return runEnd[payloadEnd + 1]!;
}

// ---------------------------------------------------------------------------------------------
// Secrets written in text: `key: value`, `"key": "value"`, `key=value`.

/** A key and its separator: `"apiKey":`, `\"apiKey\":` (JSON inside a JSON string),
 *  `password: `, `access_token=`. Keys are at most 64 characters, so a try at each position
 *  costs at most that much: the scan is linear. */
const PAIR = /(?<![\w$.\-\\])(\\*)(["']?)([A-Za-z_$][\w$.-]{0,63})(?:\\*\2)?[ \t]{0,8}([:=])[ \t]{0,8}/g;
/** Header lines whose value runs to the end of the line (a cookie list, a scheme and credentials). */
const LINE_KEYS = new Set(['cookie', 'setcookie', 'authorization', 'proxyauthorization']);
/** An authorization scheme, kept visible before the masked credentials. */
const SCHEME = /^(?:Basic|Bearer|Digest|Negotiate|NTLM|Token|Hawk|OAuth|AWS4-HMAC-SHA256)[ \t]+/i;
/** Where an unquoted value ends: after `key:`, after `name=`, and in a header line. */
const VALUE_RUN = /[^\s,;&"'`<>(){}[\]\\]*/y;
const PARAM_RUN = /[^\s,;&#"'`<>(){}[\]\\]*/y;
const LINE_RUN = /[^\r\n"'`<>\\]*/y;
/** The credentials after a scheme: one token (base64, a JWT, an opaque token). */
const CREDENTIALS_RUN = /[^\s,;"'`<>\\]*/y;
const LINE_BREAK = /[\r\n]/g;
/** Unquoted values that say there is nothing (as empty values, left visible). */
const EMPTY_WORDS = new Set(['null', 'undefined', 'false', 'none', '']);

/** A part every secret key and parameter name has (as written, before normalising): most
 *  strings have none, and are left at once. */
const SECRET_HINT = /auth|cookie|pass|pwd|secret|token|jwt|credential|key|code|sig|ticket|otp/i;

function maskPairs(s: string): string {
  if ((s.indexOf(':') < 0 && s.indexOf('=') < 0) || !SECRET_HINT.test(s)) return s; // fast path: most strings
  let out = '';
  let last = 0;
  const lines = new LineEnds(s);
  PAIR.lastIndex = 0;
  for (let m = PAIR.exec(s); m; m = PAIR.exec(s)) {
    const key = m[3]!;
    const name = key.slice(key.lastIndexOf('.') + 1);
    const secret = m[4] === ':' ? isSecretKey(name) : isSecretParam(name);
    if (!secret) continue;
    const line = m[2] === '' && m[4] === ':' && LINE_KEYS.has(normalised(name));
    const value = valueSpan(s, m.index + m[0].length, m[4] === '=' ? PARAM_RUN : line ? LINE_RUN : VALUE_RUN, lines);
    if (!value) continue;
    out += s.slice(last, value.start) + MASK;
    last = value.end;
    PAIR.lastIndex = value.end;
  }
  return last === 0 ? s : out + s.slice(last);
}

/** Where the value starting at `p` is (a quoted value: its inside), or null when there is none
 *  worth masking (empty, already masked, a comparison `==`, an arrow `=>`). */
function valueSpan(s: string, p: number, run: RegExp, lines: LineEnds): { start: number; end: number } | null {
  if (s.startsWith(MASK, p)) return null;
  let b = p;
  while (s.charCodeAt(b) === 92 /* \ */) b++;
  const quote = s[b];
  if (quote === '"' || quote === "'") {
    const start = b + 1;
    if (s.startsWith(MASK, start)) return null;
    const end = quotedEnd(s, start, quote, b - p, lines.after(start));
    return end > start ? { start, end } : null;
  }
  if (b > p) return null;
  const c = s[p];
  if (c === '{' || c === '[') return { start: p, end: bracketEnd(s, p) };
  if (c === '=' || c === '>' || c === '<') return null;
  const scheme = SCHEME.exec(s.slice(p, p + 40));
  const start = p + (scheme ? scheme[0].length : 0);
  const runner = scheme ? CREDENTIALS_RUN : run;
  runner.lastIndex = start;
  runner.test(s);
  const end = runner.lastIndex;
  if (s.startsWith(MASK, start)) return null;
  if (!scheme && EMPTY_WORDS.has(s.slice(start, end).toLowerCase())) return null;
  return end > start ? { start, end } : null;
}

/** Where the line that holds a position ends; the positions asked for only grow, so that the
 *  text is searched once. */
class LineEnds {
  private end = -1;
  constructor(private readonly s: string) {}
  after(p: number): number {
    if (this.end < p) {
      LINE_BREAK.lastIndex = p;
      this.end = LINE_BREAK.test(this.s) ? LINE_BREAK.lastIndex - 1 : this.s.length;
    }
    return this.end;
  }
}

/** The end of a quoted value's inside: its closing quote (escaped `level` times, as it opened:
 *  `\"` closes `\"…`), else the end of the line. */
function quotedEnd(s: string, start: number, quote: string, level: number, lineEnd: number): number {
  for (let i = start; ;) {
    const j = s.indexOf(quote, i);
    if (j < 0 || j >= lineEnd) return lineEnd;
    let k = j;
    while (k > start && s.charCodeAt(k - 1) === 92) k--;
    const slashes = j - k;
    if (level === 0 ? slashes % 2 === 0 : slashes === level) return j - level;
    i = j + 1;
  }
}

/** The end of the object or array starting at `p` (brackets counted outside strings), or the end
 *  of the text when it is not closed (a value cut short is masked to the end). */
function bracketEnd(s: string, p: number): number {
  let depth = 0;
  let inString = false;
  for (let i = p; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) depth++;
    else if ((c === 125 || c === 93) && --depth === 0) return i + 1;
  }
  return s.length;
}

/** `Bearer <token>`, `Basic <base64>` anywhere: credentials look like one (a digit, a symbol of
 *  a token, or mixed case), so that prose ("a Bearer token", "Basic information") stays. */
const CREDENTIALS = /\b(Bearer|Basic)([ \t]+)([A-Za-z0-9\-._~+/]{8,}=*)/gi;

function maskCredentials(s: string): string {
  if (!/bearer|basic/i.test(s)) return s;
  return s.replace(CREDENTIALS, (all, scheme: string, space: string, credentials: string) => {
    const looksLikeOne = /[0-9\-._~+/=]/.test(credentials) || (/[a-z]/.test(credentials) && /[A-Z]/.test(credentials.slice(1)));
    return looksLikeOne ? `${scheme}${space}${MASK}` : all;
  });
}

/** Whether a value under a secret key is worth masking: empty values help debugging as they are. */
function hasContent(v: Copied): boolean {
  return v !== null && v !== false && v !== '';
}

export interface Masked {
  value: Copied;
  /** How many values were masked. */
  masked: number;
  /** How many containers were cut by the walk's limits (marked CUT_DEPTH / CUT_SIZE). */
  cut: number;
}

/**
 * A copy of the tree with secrets masked: values of secret keys (whatever their type), the
 * `value` of `{name: <secret key>, value}` pairs (header lists), and JWT-looking strings anywhere.
 * Subtrees without secrets are shared, not copied. Marker objects (`$cx`) are walked like any object.
 * The walk is bounded (boundTree): deeper levels and an oversized rest are cut and marked, so
 * nothing unmasked is ever passed on beyond the limits.
 */
export function maskSecrets(value: Copied, limits?: WalkLimits): Masked {
  let masked = 0;
  const { value: out, cut } = boundTree(value, limits, {
    string(s) {
      const m = maskString(s);
      if (m !== s) masked++;
      return m;
    },
    entry(obj, key, item) {
      const secret = isSecretKey(key) || (key === 'value' && typeof obj.name === 'string' && isSecretKey(obj.name));
      if (!secret || !hasContent(item)) return undefined;
      masked++;
      return MASK;
    },
  });
  return { value: out, masked, cut };
}
