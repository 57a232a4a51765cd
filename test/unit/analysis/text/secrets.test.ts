import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MASK, isSecretKey, isSecretParam, maskSecrets, maskString } from '../../../../src/analysis/text/secrets';
import { CUT_DEPTH, CUT_KEY, CUT_SIZE, DISPLAY_DEPTH } from '../../../../src/analysis/text/bounded';
import type { Copied } from '../../../../src/shared/protocol';
import { deepValue, levelsOf } from '../fixtures';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzZXNzaW9uSWQiOiIxMjMifQ.c2lnbmF0dXJlX2hlcmU';

describe('isSecretKey', () => {
  it('knows header, token, password and cookie keys in any spelling', () => {
    for (const k of ['x-api-key', 'X-API-KEY', 'x-nexus-client-key', 'Authorization', 'token', 'clientToken', 'access_token',
      'password', 'userPassword', 'cookie', 'Set-Cookie', 'apiKey', 'client_secret']) expect(isSecretKey(k), k).toBe(true);
    for (const k of ['name', 'key', 'keys', 'sessionId', 'text', 'tokenType', 'messageIndex']) expect(isSecretKey(k), k).toBe(false);
  });
});

describe('isSecretParam', () => {
  it('knows, beyond the secret keys, the short names that are secret in a query, a form or a cookie', () => {
    for (const k of ['access_token', 'apikey', 'api_key', 'token', 'key', 'code', 'password', 'auth', 'sig', 'client_secret', 'id_token']) expect(isSecretParam(k), k).toBe(true);
    for (const k of ['index', 'count', 'page', 'lang', 'sessionId', 'q']) expect(isSecretParam(k), k).toBe(false);
    expect(isSecretKey('code')).toBe(false); // as an object's key (status.code), not a secret
  });
});

describe('maskString: secrets written in text', () => {
  const M = MASK;
  const cases: [string, string, string][] = [
    ['JSON in a reason', '{"apiKey":"k-1","password":"p","authorization":"Basic dXNlcjpwYXNz","ok":"yes"}',
      `{"apiKey":"${M}","password":"${M}","authorization":"${M}","ok":"yes"}`],
    ['JSON inside a JSON string', '{"message":"{\\"apiKey\\":\\"k\\\\\\"1\\",\\"n\\":1}"}', `{"message":"{\\"apiKey\\":\\"${M}\\",\\"n\\":1}"}`],
    ['a number, an object and an array under a secret key', '{"token": 12345, "secret": {"a": [1, "}"]}, "x-api-key": ["a"], "n": 2}',
      `{"token": ${M}, "secret": ${M}, "x-api-key": ${M}, "n": 2}`],
    ['a URL\'s query', 'https://shop.example/chat?access_token=abc&apikey=k1&index=0&key=K&code=C&lang=en#top',
      `https://shop.example/chat?access_token=${M}&apikey=${M}&index=0&key=${M}&code=${M}&lang=en#top`],
    ['header lines', 'Authorization: Basic dXNlcjpwYXNz\nCookie: a=b; sid=xyz\nAccept: */*', `Authorization: Basic ${M}\nCookie: ${M}\nAccept: */*`],
    ['credentials after a scheme anywhere', 'sent Bearer abc.DEF-123 and Basic dXNlcjpwYXNz', `sent Bearer ${M} and Basic ${M}`],
    ['JavaScript-like text', "{password: 'hunter2', user: 'bob', clientSecret: s3cr3t}", `{password: '${M}', user: 'bob', clientSecret: ${M}}`],
    ['a form body and a cookie', 'user=bob&password=hunter2; x-nexus-client-key=k9; path=/', `user=bob&password=${M}; x-nexus-client-key=${M}; path=/`],
  ];
  for (const [what, input, expected] of cases) it(what, () => expect(maskString(input)).toBe(expected));

  it('leaves prose, empty values, comparisons and what is already masked as they are', () => {
    for (const s of ['a Bearer token and Basic information', 'token: null, password: \'\'', "if (token === 'x') f = token => 1",
      `apiKey: ${MASK}`, 'key: value, code: 404', 'https://example.com:443/path?index=2', 'CX Lens: 3 errors']) {
      expect(maskString(s), s).toBe(s);
    }
  });

  it('takes linear time on a megabyte of pairs and of keys without values', () => {
    for (const s of ['"token":"a",'.repeat(90_000), 'token:'.repeat(200_000), `{"password":"${'x'.repeat(1_000_000)}`, 'a=b&'.repeat(250_000), `"${'a'.repeat(1_000_000)}`]) {
      maskString(s);
    }
  });
});

describe('maskString', () => {
  it('masks JWT-looking parts of strings', () => {
    expect(maskString(JWT)).toBe(MASK);
    expect(maskString(`Bearer ${JWT}`)).toBe(`Bearer ${MASK}`);
    expect(maskString('eyJ alone is fine')).toBe('eyJ alone is fine');
    expect(maskString('a.b.c')).toBe('a.b.c');
  });
});

describe('maskSecrets', () => {
  it('masks values of secret keys at any depth, whatever their type', () => {
    const { value, masked } = maskSecrets({
      transport: { headers: { 'x-api-key': 'k-123', 'Content-Type': 'text/plain' } },
      session: { clientToken: { nested: true }, sessionId: 's1' },
      list: [{ password: 'hunter2' }],
    });
    expect(value).toEqual({
      transport: { headers: { 'x-api-key': MASK, 'Content-Type': 'text/plain' } },
      session: { clientToken: MASK, sessionId: 's1' },
      list: [{ password: MASK }],
    });
    expect(masked).toBe(3);
  });

  it('masks the value of {name, value} header pairs and JWTs anywhere', () => {
    const { value } = maskSecrets({ headers: [{ name: 'x-nexus-client-key', value: 'abc' }, { name: 'Accept', value: '*/*' }], note: `got ${JWT}` });
    expect(value).toEqual({ headers: [{ name: 'x-nexus-client-key', value: MASK }, { name: 'Accept', value: '*/*' }], note: `got ${MASK}` });
  });

  it('masks inside copier markers (a cut string or object under a secret key, escaped objects)', () => {
    const input = {
      token: { $cx: 'string', head: 'abc', length: 5_000_000 },
      big: { $cx: 'object', entries: { authorization: 'Basic xyz' }, keys: 900 },
      odd: { $cx: 'escaped', value: { $cx: 'mine', cookie: 'a=b' } },
    };
    expect(maskSecrets(input).value).toEqual({
      token: MASK,
      big: { $cx: 'object', entries: { authorization: MASK }, keys: 900 },
      odd: { $cx: 'escaped', value: { $cx: 'mine', cookie: MASK } },
    });
  });

  it('leaves empty values visible and shares untouched subtrees', () => {
    const clean = { a: [1, 2], b: { c: 'x' } };
    const input = { token: '', password: null, clean };
    const { value, masked } = maskSecrets(input);
    expect(value).toBe(input);
    expect(masked).toBe(0);
    const other = maskSecrets({ token: 't', clean }).value as { clean: unknown };
    expect(other.clean).toBe(clean);
  });

  it('is bounded on a 200,000-deep value: masks within the display depth, cuts and marks below it', () => {
    const deep = { password: 'p', data: deepValue('object', 200_000, { token: 't' }) } as Copied;
    const { value, masked, cut } = maskSecrets(deep);
    expect(masked).toBe(1);
    expect(cut).toBe(1);
    expect(levelsOf(value)).toBe(DISPLAY_DEPTH);
    expect(JSON.stringify(value)).toContain(JSON.stringify(CUT_DEPTH));
    expect(JSON.stringify(value)).not.toContain('"t"'); // nothing beyond the cut is passed on
    const chain = maskSecrets(deepValue('escaped'));
    expect(chain.cut).toBe(1);
    expect(levelsOf(chain.value)).toBe(DISPLAY_DEPTH);
  });

  it('masks what it walked before the size limit and marks the rest', () => {
    const wide: Record<string, Copied> = { apiKey: 'k' };
    for (let i = 0; i < 20; i++) wide[`k${i}`] = i;
    const { value, masked } = maskSecrets(wide, { maxNodes: 5 });
    expect(value).toEqual({ apiKey: MASK, k0: 0, k1: 1, k2: 2, k3: 3, [CUT_KEY]: CUT_SIZE });
    expect(masked).toBe(1);
  });
});

describe('maskString on a page string', () => {
  const REGEX = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;

  it('masks what the JWT regular expression matches, the same parts', () => {
    fc.assert(fc.property(fc.array(fc.constantFrom('eyJ', 'e', 'y', 'J', 'ab', 'abcd', '.', '-', '_', ' ', '€'), { maxLength: 40 }), (parts) => {
      const s = parts.join('');
      expect(maskString(s)).toBe(s.replace(REGEX, MASK));
    }), { seed: 7, numRuns: 2000 });
  });

  it('takes linear time on a megabyte of "eyJ" without dots (the regex is quadratic: it froze the panel)', () => {
    for (const s of ['eyJ'.repeat(350_000), `eyJabcd.${'eyJ'.repeat(350_000)}`, `${'eyJabcd.'.repeat(100_000)}x`]) {
      maskString(s);
    }
    expect(maskString('a eyJhbGciOi.eyJzdWIiOi.sig b eyJhbGciOi.eyJzdWIiOi.c')).toBe(`a ${MASK} b ${MASK}`);
  });
});
