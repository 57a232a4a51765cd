// Masking of secrets in captured payloads: API keys, tokens, passwords, cookie values and
// JWT-looking strings are replaced before the panel shows them, unless the user asks to see them.
import type { Copied } from '../../src/shared/protocol';
import { boundTree, type WalkLimits } from './bounded';

export const MASK = '•••• (masked)';

/** Key names (lowercased, without `-`, `_`, spaces) whose values are always secret. */
const SECRET_KEYS = new Set([
  'authorization', 'proxyauthorization', 'cookie', 'cookies', 'setcookie',
  'password', 'passwd', 'pwd', 'secret', 'token', 'apikey', 'xapikey', 'xnexusclientkey',
]);
/** Suffixes that make a key secret: clientToken, accessToken, clientSecret, x-nexus-client-key... */
const SECRET_SUFFIXES = ['token', 'password', 'secret', 'apikey', 'clientkey'];

/** A JWT: base64url of `{"` (eyJ) header, payload, optional signature. */
const JWT = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;

export function isSecretKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[-_\s]/g, '');
  return SECRET_KEYS.has(k) || SECRET_SUFFIXES.some((s) => k.endsWith(s));
}

/** Replaces every JWT-looking part of a string. */
export function maskString(s: string): string {
  if (!s.includes('eyJ')) return s; // fast path: most strings
  JWT.lastIndex = 0;
  return s.replace(JWT, MASK);
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
