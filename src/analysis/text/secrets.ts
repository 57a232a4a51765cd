// Masking of secrets in captured payloads: API keys, tokens, passwords, cookie values and
// JWT-looking strings are replaced before the panel shows them, unless the user asks to see them.
import type { Copied } from '../../shared/protocol';
import { boundTree, type WalkLimits } from './bounded';

export const MASK = '•••• (masked)';

/** Key names (lowercased, without `-`, `_`, spaces) whose values are always secret. */
const SECRET_KEYS = new Set([
  'authorization', 'proxyauthorization', 'cookie', 'cookies', 'setcookie',
  'password', 'passwd', 'pwd', 'secret', 'token', 'apikey', 'xapikey', 'xnexusclientkey',
]);
/** Suffixes that make a key secret: clientToken, accessToken, clientSecret, x-nexus-client-key... */
const SECRET_SUFFIXES = ['token', 'password', 'secret', 'apikey', 'clientkey'];

/** A JWT: base64url of `{"` (eyJ) header, payload, optional signature:
 *  `eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*`. As a regular expression it is
 *  quadratic on a page's string of "eyJeyJeyJ…" without dots (each start runs to the end and
 *  fails): a megabyte of it froze the panel. maskString finds the same matches in linear time. */
const JWT_START = 'eyJ';

export function isSecretKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[-_\s]/g, '');
  return SECRET_KEYS.has(k) || SECRET_SUFFIXES.some((s) => k.endsWith(s));
}

/** Replaces every JWT-looking part of a string (the leftmost first, as a global regex would). */
export function maskString(s: string): string {
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
