import { describe, expect, it } from 'vitest';
import {
  MAX_FRAMES_PER_SITE, capturedOrigins, isCaptured, isOrigin, matchPattern, parseSiteList, siteOrigin, withFrames, withSite,
} from '../../../src/shared/site-access';

describe('siteOrigin', () => {
  it('gives the origin of http and https pages only', () => {
    expect(siteOrigin('https://shop.example.com/a/b?c#d')).toBe('https://shop.example.com');
    expect(siteOrigin('http://localhost:3000/')).toBe('http://localhost:3000');
    expect(siteOrigin('http://[::1]:8080/x')).toBe('http://[::1]:8080');
    expect(siteOrigin('HTTPS://Example.COM:443/')).toBe('https://example.com');
    for (const url of ['chrome://extensions', 'file:///etc/passwd', 'about:blank', 'data:text/html,x', 'javascript:1', 'not a url', '', 42, null]) {
      expect(siteOrigin(url)).toBeNull();
    }
  });

  it('refuses URLs with credentials', () => {
    expect(siteOrigin('https://user:pw@example.com/')).toBeNull();
  });

  it('isOrigin accepts exactly an origin', () => {
    expect(isOrigin('https://example.com')).toBe(true);
    expect(isOrigin('https://example.com/')).toBe(false);
    expect(isOrigin('https://example.com/path')).toBe(false);
    expect(isOrigin('<all_urls>')).toBe(false);
    expect(isOrigin('*://*/*')).toBe(false);
  });
});

describe('parseSiteList', () => {
  it('keeps valid sites and frames, drops everything else', () => {
    const list = parseSiteList({
      all: 'yes',
      sites: {
        'https://a.example': ['https://cookies.example', 'https://cookies.example', 'https://a.example', 'bad', 7],
        'https://b.example/path': [],
        '*://*/*': [],
        'http://localhost:3000': 'not a list',
      },
    });
    expect(list).toEqual({ all: false, sites: { 'https://a.example': ['https://cookies.example'], 'http://localhost:3000': [] } });
  });

  it('gives an empty list for anything not a list', () => {
    for (const value of [undefined, null, 'x', [], 3]) expect(parseSiteList(value)).toEqual({ all: false, sites: {} });
    expect(parseSiteList({ all: true })).toEqual({ all: true, sites: {} });
  });
});

describe('the list', () => {
  const a = 'https://a.example';
  const cookies = 'https://cookies.example';

  it('captures switched-on sites and their frames, or everything with all', () => {
    const list = withFrames(withSite({ all: false, sites: {} }, a, true), a, [cookies]);
    expect(capturedOrigins(list)).toEqual([a, cookies]);
    expect(isCaptured(list, a)).toBe(true);
    expect(isCaptured(list, cookies)).toBe(true);
    expect(isCaptured(list, 'https://other.example')).toBe(false);
    expect(isCaptured(list, null)).toBe(false);
    expect(isCaptured({ all: true, sites: {} }, 'https://other.example')).toBe(true);
  });

  it('removing a site removes the frames it brought in', () => {
    const list = withFrames(withSite({ all: false, sites: {} }, a, true), a, [cookies]);
    const removed = withSite(list, a, false);
    expect(removed.sites).toEqual({});
    expect(isCaptured(removed, cookies)).toBe(false);
  });

  it('adds frames only to a switched-on site, once, without its own origin, up to the cap', () => {
    const list = withSite({ all: false, sites: {} }, a, true);
    expect(withFrames(list, 'https://off.example', [cookies])).toBe(list);
    const once = withFrames(list, a, [cookies, a, 'bad']);
    expect(once.sites[a]).toEqual([cookies]);
    expect(withFrames(once, a, [cookies])).toBe(once);
    let many = list;
    for (let i = 0; i < MAX_FRAMES_PER_SITE + 5; i++) many = withFrames(many, a, [`https://f${i}.example`]);
    expect(many.sites[a]).toHaveLength(MAX_FRAMES_PER_SITE);
  });

  it('does not change the list it is given', () => {
    const list = { all: false, sites: { [a]: [] } };
    withFrames(list, a, [cookies]);
    withSite(list, a, false);
    expect(list).toEqual({ all: false, sites: { [a]: [] } });
  });

  it('match patterns keep the port', () => {
    expect(matchPattern('http://localhost:3000')).toBe('http://localhost:3000/*');
  });

  it('match patterns without the port where the browser takes none (Firefox)', () => {
    expect(matchPattern('http://localhost:3000', false)).toBe('http://localhost/*');
    expect(matchPattern('https://[::1]:8443', false)).toBe('https://[::1]/*');
    expect(matchPattern('https://example.com', false)).toBe('https://example.com/*');
  });
});
