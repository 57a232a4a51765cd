import { describe, expect, it } from 'vitest';
import { findViolations, type ChannelObservation, type ViolationInput } from '../../../../src/analysis/cookies/violations';

const PAGE = 'http://localhost:8770';
const OTHER = 'http://127.0.0.1:8771';
const IFRAME = 'http://[::1]:8772';
const EVIL = 'http://127.0.0.2:8773';

const request = (over: Partial<ChannelObservation> = {}): ChannelObservation => ({
  time: 100, direction: 'page-to-iframe', senderOrigin: PAGE, receiverOrigin: IFRAME, targetOrigin: IFRAME, carriesSession: false, refused: false, ...over,
});
const reply = (over: Partial<ChannelObservation> = {}): ChannelObservation => ({
  time: 110, direction: 'iframe-to-page', senderOrigin: IFRAME, receiverOrigin: PAGE, targetOrigin: PAGE, carriesSession: true, accepted: true, ...over,
});
const input = (over: Partial<ViolationInput> = {}): ViolationInput => ({
  pageOrigin: PAGE, iframeOrigin: IFRAME, trustedDomains: [PAGE, OTHER], messages: [request(), reply()], ...over,
});
const rules = (over: Partial<ViolationInput> = {}) => findViolations(input(over)).map((v) => `${v.rule} ${v.subject}`);

describe('findViolations', () => {
  it('finds nothing on a clean channel', () => {
    expect(findViolations(input())).toEqual([]);
  });

  it('untrusted-sender: one row per origin with a count, times, and whether the iframe refused', () => {
    const flood = Array.from({ length: 1000 }, (_, i) => request({ senderOrigin: EVIL, time: 200 + i, refused: true }));
    const [row] = findViolations(input({ messages: flood }));
    expect(row).toMatchObject({
      rule: 'untrusted-sender', subject: EVIL, count: 1000, firstTime: 200, lastTime: 1199, refused: true, severity: 'warning',
    });
    expect(row.message).toMatch(/and refused them/);

    const leaky = findViolations(input({ messages: [request({ senderOrigin: EVIL, refused: true }), request({ senderOrigin: EVIL, refused: false, time: 300 })] }));
    expect(leaky[0]).toMatchObject({ rule: 'untrusted-sender', refused: false, severity: 'error', count: 2 });
    expect(leaky[0].message).toMatch(/did not refuse all of them/);

    const unknown = findViolations(input({ messages: [request({ senderOrigin: EVIL, refused: undefined })] }));
    expect(unknown[0].refused).toBeUndefined();
  });

  it('untrusted-sender needs the list: without it nothing is claimed', () => {
    expect(rules({ trustedDomains: undefined, messages: [request({ senderOrigin: EVIL })] })).toEqual([]);
  });

  it('wildcard-target: a send with "*" that carries session data, either way', () => {
    expect(rules({ messages: [request({ targetOrigin: '*', carriesSession: true })] })).toEqual([`wildcard-target ${PAGE}`]);
    expect(rules({ messages: [reply({ targetOrigin: '*' })] })).toEqual([`wildcard-target ${IFRAME}`]);
    expect(rules({ messages: [request({ targetOrigin: '*', carriesSession: false })] })).toEqual([]);
  });

  it('foreign-reply: the page accepted a reply from an origin other than the iframe\'s', () => {
    expect(rules({ messages: [reply({ senderOrigin: EVIL })] })).toEqual([`foreign-reply ${EVIL}`]);
    expect(rules({ messages: [reply({ senderOrigin: EVIL, accepted: false })] })).toEqual([]);
    expect(rules({ messages: [reply({ senderOrigin: 'http://[::1]:8772' })] })).toEqual([]);
    expect(rules({ messages: [reply({ senderOrigin: 'http://[::1]:8773' })] })).toEqual(['foreign-reply http://[::1]:8773']);
  });

  it('page-not-trusted, with the near miss as a lookalike-entry', () => {
    expect(rules({ trustedDomains: [OTHER], messages: [] })).toEqual([`page-not-trusted ${PAGE}`]);
    expect(rules({ trustedDomains: ['http://localhost:8770/', OTHER], messages: [] }))
      .toEqual([`page-not-trusted ${PAGE}`, 'lookalike-entry http://localhost:8770/']);
    expect(rules({ trustedDomains: ['https://localhost:8770', OTHER], messages: [] }))
      .toEqual([`page-not-trusted ${PAGE}`, 'lookalike-entry https://localhost:8770']);
  });

  it('lookalike-entry: entries that only look like a trusted origin; trusted ones are errors', () => {
    const found = findViolations(input({
      pageOrigin: 'https://www.domain-a.com',
      iframeOrigin: 'https://cookies.domain-a.com',
      messages: [],
      trustedDomains: [
        'https://www.domain-a.com', 'https://domain-a.com', 'https://www.domain-b.com',
        'https://www.domain-a.com.evil.net', 'http://www.domain-b.com', 'www.domain-b.com', 'https://www.domain-b.com:8443',
      ],
    }));
    expect(found.map((v) => [v.rule, v.subject, v.severity])).toEqual([
      ['lookalike-entry', 'https://www.domain-a.com.evil.net', 'error'],
      ['lookalike-entry', 'http://www.domain-b.com', 'error'],
      ['lookalike-entry', 'www.domain-b.com', 'warning'],
      ['lookalike-entry', 'https://www.domain-b.com:8443', 'error'],
    ]);
    expect(found[0].message).toMatch(/only looks like https:\/\/www.domain-a.com: other host.*It is trusted as it is/);
    expect(found[2].message).toMatch(/no scheme.*The iframe ignores it/);
  });

  it('www and the apex of one domain are no lookalikes of each other', () => {
    expect(rules({ trustedDomains: [PAGE, 'https://www.domain-a.com', 'https://domain-a.com'], messages: [] })).toEqual([]);
  });

  it('invalid-entry: entries that are no origin at all, and a list that is missing or not an array', () => {
    expect(rules({ trustedDomains: [PAGE, 'not an origin', 7], messages: [] })).toEqual(['invalid-entry not an origin', 'invalid-entry 7']);
    const missing = findViolations(input({ trustedDomains: null, messages: [] }));
    expect(missing.map((v) => v.rule)).toEqual(['invalid-entry', 'page-not-trusted']);
    expect(missing[0].message).toMatch(/declares no TRUSTED_DOMAINS/);
    expect(findViolations(input({ trustedDomains: PAGE, messages: [] }))[0].message).toMatch(/not an array/);
  });
});
