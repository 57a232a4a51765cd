import { describe, expect, it } from 'vitest';
import { syncVerdict, type SyncFacts, type SyncState } from '../../../../src/analysis/cookies/sync-verdict';

const PAGE = 'http://localhost:8770';
const IFRAME = { url: 'http://[::1]:8772/iframe.html', loaded: true, trustedDomains: [PAGE, 'http://127.0.0.1:8771'] };
const SAME = { present: true, expires: null, fingerprint: '1a2b3c4d' };

/** A healthy tab: everything in sync. Each row below changes what it needs. */
const base: SyncFacts = {
  pageOrigin: PAGE,
  iframe: IFRAME,
  cookieTest: 'enabled',
  pageCookie: SAME,
  iframeCookie: { ...SAME, expires: 2_000_000 },
  lastLoad: { at: 1000, status: 'loaded' },
  lastSave: { at: 3000, status: 'saved' },
  widgetsLookedAt: 1500,
  now: 5000,
};

const rows: [string, Partial<SyncFacts>, SyncState, RegExp][] = [
  ['healthy tab', {}, 'in-sync', /hold the same session/],
  ['no chat yet', { pageCookie: { present: false }, iframeCookie: { present: false }, lastLoad: { at: 1000, status: 'empty' }, lastSave: undefined }, 'in-sync', /No session/],
  ['values not compared', { pageCookie: { present: true }, iframeCookie: { present: true } }, 'in-sync', /values not compared/],
  ['no iframe', { iframe: null }, 'no-iframe', /No cookie iframe/],
  ['iframe not loaded', { iframe: { ...IFRAME, loaded: false } }, 'no-iframe', /has not loaded/],
  ['page origin missing', { iframe: { ...IFRAME, trustedDomains: ['http://127.0.0.1:8771'] } }, 'untrusted', /localhost:8770 is not in the iframe's TRUSTED_DOMAINS \(1 valid entry\)/],
  ['near miss named', { iframe: { ...IFRAME, trustedDomains: ['http://localhost:8770/'] } }, 'untrusted', /"http:\/\/localhost:8770\/" comes close \(not an origin/],
  ['other port named', { iframe: { ...IFRAME, trustedDomains: ['http://localhost:9999'] } }, 'untrusted', /other port: 9999 instead of 8770/],
  ['no TRUSTED_DOMAINS', { iframe: { ...IFRAME, trustedDomains: null } }, 'untrusted', /0 valid entries/],
  ['iframe refused', { iframe: { url: IFRAME.url, loaded: true }, refused: true }, 'untrusted', /refused this page's requests/],
  ['cookieTest blocked', { cookieTest: 'blocked' }, 'blocked', /third-party cookies are blocked/],
  ['save blocked, reason given', { lastSave: { at: 3000, status: 'blocked' }, blockedReason: 'the iframe is not served over https' }, 'blocked', /^The iframe is not served over https\.$/],
  ['load blocked', { lastLoad: { at: 1000, status: 'blocked' } }, 'blocked', /third-party/],
  ['loaded after Widgets looked', { lastLoad: { at: 1900, status: 'loaded' }, widgetsLookedAt: 1500 }, 'late-load', /loaded into the page 400 ms after Widgets looked/],
  ['load empty after Widgets looked is no race', { lastLoad: { at: 1900, status: 'empty' }, widgetsLookedAt: 1500 }, 'in-sync', /same session/],
  ['page has, iframe lacks', { iframeCookie: { present: false } }, 'out-of-sync', /page has a session the iframe does not.*last save: saved/],
  ['page has, never saved', { iframeCookie: { present: false }, lastSave: undefined }, 'out-of-sync', /no save yet/],
  ['iframe has, page lacks', { pageCookie: { present: false }, lastLoad: undefined }, 'out-of-sync', /iframe holds a session this page does not: loadCookie has not run/],
  ['iframe cookie expired', { iframeCookie: { ...SAME, expires: 4000 } }, 'out-of-sync', /page has a session the iframe does not/],
  ['different values', { iframeCookie: { ...SAME, fingerprint: 'ffff0000' } }, 'out-of-sync', /different sessions \(#1a2b3c4d on the page, #ffff0000 in the iframe\)/],
  ['iframe cookie unread, save worked', { iframeCookie: undefined }, 'in-sync', /last save succeeded \(the iframe's cookie itself could not be read\)/],
  ['iframe cookie unread, nothing worked', { iframeCookie: undefined, lastSave: undefined, lastLoad: undefined }, 'out-of-sync', /No load or save has succeeded/],
];

describe('syncVerdict', () => {
  it.each(rows)('%s', (_name, change, state, reason) => {
    const verdict = syncVerdict({ ...base, ...change });
    expect(verdict.state).toBe(state);
    expect(verdict.reason).toMatch(reason);
  });

  it('orders the causes: no iframe, then untrusted, then blocked, then late-load', () => {
    const everything: SyncFacts = {
      ...base, iframe: { ...IFRAME, trustedDomains: [] }, cookieTest: 'blocked', lastLoad: { at: 1900, status: 'loaded' },
    };
    expect(syncVerdict(everything).state).toBe('untrusted');
    expect(syncVerdict({ ...everything, iframe: null }).state).toBe('no-iframe');
    expect(syncVerdict({ ...everything, iframe: IFRAME }).state).toBe('blocked');
    expect(syncVerdict({ ...everything, iframe: IFRAME, cookieTest: 'enabled' }).state).toBe('late-load');
  });
});
