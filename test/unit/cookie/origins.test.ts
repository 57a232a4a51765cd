import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  describeLookalike, isLookalike, isTrustedOrigin, lookalike, normaliseOrigin, parseOrigin, parseTrustedList, sameOrigin,
} from '../../../src/cookie/origins';

describe('parseOrigin', () => {
  it.each([
    ['https://www.domain-a.com', 'https://www.domain-a.com'],
    ['HTTPS://WWW.Domain-A.com', 'https://www.domain-a.com'],
    ['https://domain-a.com:443', 'https://domain-a.com'],
    ['http://domain-a.com:80', 'http://domain-a.com'],
    ['http://domain-a.com:8080', 'http://domain-a.com:8080'],
    ['http://[::1]:8772', 'http://[::1]:8772'],
    ['http://127.0.0.1:8771', 'http://127.0.0.1:8771'],
    ['https://xn--dmain-a-9ig.com', 'https://xn--dmain-a-9ig.com'],
  ])('accepts %s as %s', (entry, origin) => {
    expect(parseOrigin(entry)).toEqual({ ok: true, origin });
  });

  it.each([
    ['domain-a.com', /no scheme/],
    ['//domain-a.com', /no scheme/],
    ['https:domain-a.com', /no scheme/],
    ['https://domain-a.com/', /trailing slash/],
    ['https://domain-a.com/chat', /path/],
    ['https://domain-a.com\\', /path/],
    ['https://domain-a.com?x=1', /query/],
    ['https://domain-a.com#top', /query or fragment/],
    ['https://domain-a.com@evil.net', /credentials/],
    [' https://domain-a.com', /spaces/],
    ['ftp://domain-a.com', /not http or https/],
    ['https://', /not a valid URL/],
    [42, /not a string/],
  ])('refuses %s', (entry, reason) => {
    const parsed = parseOrigin(entry);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(reason);
  });

  it('compares exactly: scheme, host and port', () => {
    expect(sameOrigin('https://domain-a.com', 'HTTPS://domain-a.com:443')).toBe(true);
    expect(sameOrigin('https://domain-a.com', 'http://domain-a.com')).toBe(false);
    expect(sameOrigin('https://domain-a.com', 'https://domain-a.com:8443')).toBe(false);
    expect(sameOrigin('https://domain-a.com', 'https://www.domain-a.com')).toBe(false);
    expect(sameOrigin('null', 'null')).toBe(false);
  });

  it('parses a trusted list: normalised, deduplicated, with what it ignored and why', () => {
    const list = parseTrustedList(['https://a.com', 'HTTPS://A.COM', 'https://b.com/', 'c.com', null]);
    expect(list.origins).toEqual(['https://a.com']);
    expect(list.ignored.map((i) => i.entry)).toEqual(['https://b.com/', 'c.com', 'null']);
    expect(parseTrustedList('https://a.com')).toEqual({ origins: [], ignored: [] });
    expect(isTrustedOrigin(list, 'https://a.com')).toBe(true);
    expect(isTrustedOrigin(list, 'https://b.com')).toBe(false);
  });
});

describe('lookalike entries', () => {
  const origin = 'https://domain-a.com';
  it.each([
    ['https://domain-a.com.evil.net', 'host'],
    ['https://evildomain-a.com', 'host'],
    ['https://domain-a.community', 'host'],
    ['https://domain-a.com.', 'host'],
    ['https://www.domain-a.com', 'subdomain'],
    ['https://domain-a.com:8443', 'port'],
    ['http://domain-a.com', 'scheme'],
    ['domain-a.com', 'no-scheme'],
    ['https://domain-a.com/', 'not-an-origin'],
    ['https://domain-a.com/chat', 'not-an-origin'],
    ['https://domain-a.com@evil.net', 'credentials'],
  ])('%s looks like %s (%s)', (entry, kind) => {
    expect(lookalike(entry, origin)?.kind).toBe(kind);
    expect(isTrustedOrigin(parseTrustedList([entry]), origin)).toBe(false);
  });

  it.each(['https://domain-a.com', 'HTTPS://DOMAIN-A.COM:443', 'https://other.org', 'https://a', 'not a url at all'])(
    '%s is not a lookalike', (entry) => {
      expect(isLookalike(entry, origin)).toBe(false);
    },
  );

  it('says why', () => {
    expect(describeLookalike('https://domain-a.com@evil.net', origin)).toBe('credentials trick: the host of https://domain-a.com@evil.net is evil.net, not domain-a.com');
    expect(describeLookalike('https://domain-a.com:8443', origin)).toBe('other port: 8443 instead of default');
  });
});

// ---------------------------------------------------------------------------------------------
// Properties: generated origins and their lookalikes.

const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,6}[a-z0-9])?$/).filter((l) => !/^xn--/.test(l) && !l.includes('--'));
const tld = fc.stringMatching(/^[a-z]{2,6}$/);
const host = fc.tuple(fc.array(label, { minLength: 1, maxLength: 3 }), tld).map(([labels, t]) => [...labels, t].join('.'));
const scheme = fc.constantFrom('http', 'https');
const port = fc.option(fc.integer({ min: 1, max: 65535 }), { nil: null });
const originParts = fc.record({ scheme, host, port }).map((o) => ({
  ...o,
  port: o.port === (o.scheme === 'https' ? 443 : 80) ? null : o.port,
}));
type Parts = { scheme: string; host: string; port: number | null };
const serialise = (o: Parts) => `${o.scheme}://${o.host}${o.port === null ? '' : `:${o.port}`}`;
const effectivePort = (o: Parts) => o.port ?? (o.scheme === 'https' ? 443 : 80);
const evil = fc.tuple(label, tld).map(([l, t]) => `${l}.${t}`);
const HOMOGLYPHS: Record<string, string> = { a: '\u0430', e: '\u0435', o: '\u043e', c: '\u0441', p: '\u0440' };

/** Lookalikes of an origin, each with what it must be flagged as (or null: only "never matches"). */
function lookalikesOf(o: Parts, bad: string, otherPort: number, upper: boolean) {
  const tail = o.port === null ? '' : `:${o.port}`;
  const flip = o.scheme === 'https' ? 'http' : 'https';
  const samePortOther = { ...o, port: otherPort === effectivePort(o) ? otherPort + 1 : otherPort };
  const list: [string, string | null][] = [
    [`${o.scheme}://${o.host}.${bad}${tail}`, 'host'], // suffix
    [`${o.scheme}://${bad.split('.')[0]}${o.host}${tail}`, 'host'], // prefix
    [`${o.scheme}://${o.host}.${tail}`, 'host'], // trailing dot
    [serialise(samePortOther), 'port'],
    [`${flip}://${o.host}:${effectivePort(o)}`, 'scheme'], // same port number, other scheme
    [`${o.scheme}://${o.host}${tail}@${bad}`, 'credentials'],
    [`${o.host}${tail}`, 'no-scheme'],
    [`${serialise(o)}/`, 'not-an-origin'],
    [`${upper ? serialise(o).toUpperCase() : serialise(o)}/chat`, 'not-an-origin'],
  ];
  const glyph = [...o.host].findIndex((ch) => ch in HOMOGLYPHS);
  if (glyph >= 0) list.push([`${o.scheme}://${o.host.slice(0, glyph)}${HOMOGLYPHS[o.host[glyph]]}${o.host.slice(glyph + 1)}${tail}`, null]);
  return list;
}

describe('origin matching properties', () => {
  it('every origin matches itself after normalisation (any case, explicit default port)', () => {
    fc.assert(fc.property(originParts, fc.boolean(), fc.boolean(), (o, upper, explicitPort) => {
      const canonical = serialise(o);
      expect(normaliseOrigin(canonical)).toBe(new URL(canonical).origin);
      let variant = `${o.scheme}://${o.host}:${effectivePort(o)}`;
      if (!explicitPort) variant = canonical;
      if (upper) variant = variant.toUpperCase();
      expect(sameOrigin(variant, canonical)).toBe(true);
      expect(isTrustedOrigin(parseTrustedList([variant]), new URL(canonical).origin)).toBe(true);
      expect(isLookalike(variant, canonical)).toBe(false);
    }), { numRuns: 300 });
  });

  it('a generated lookalike never matches the trusted origin, either way round, and is flagged', () => {
    fc.assert(fc.property(originParts, evil, fc.integer({ min: 1, max: 65534 }), fc.boolean(), (o, bad, otherPort, upper) => {
      const trustedOrigin = serialise(o);
      const list = parseTrustedList([trustedOrigin]);
      for (const [fake, kind] of lookalikesOf(o, bad, otherPort, upper)) {
        // As a sender: a page at the fake URL has its own origin (a URL with a path, or without
        // a scheme, names no other origin: those fakes are list-entry mistakes only).
        if (kind !== 'not-an-origin' && kind !== 'no-scheme') expect(isTrustedOrigin(list, new URL(fake).origin), fake).toBe(false);
        expect(isTrustedOrigin(list, fake), fake).toBe(false);
        // As a list entry: it never admits the trusted origin.
        expect(isTrustedOrigin(parseTrustedList([fake]), trustedOrigin), fake).toBe(false);
        expect(sameOrigin(fake, trustedOrigin), fake).toBe(false);
        if (kind) expect(lookalike(fake, trustedOrigin)?.kind, fake).toBe(kind);
      }
    }), { numRuns: 300 });
  });

  it('an origin the browser serialises (MessageEvent.origin) always parses to itself', () => {
    const ip = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => p.join('.'));
    const anyHost = fc.oneof(host, ip, fc.constant('[::1]'), fc.constant('localhost'));
    fc.assert(fc.property(scheme, anyHost, port, fc.webPath(), (s, h, p, path) => {
      const origin = new URL(`${s}://${h}${p === null ? '' : `:${p}`}${path}`).origin;
      expect(parseOrigin(origin)).toEqual({ ok: true, origin });
    }), { numRuns: 300 });
  // fc.webPath() makes long paths: generous time on a loaded machine.
  }, 30_000);
});
