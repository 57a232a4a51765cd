// The channel hook's reads of the page's globals (src/page/channel-hook.ts): the cookie provider's
// globals, CX Lens's injection global and TRUSTED_DOMAINS are read by descriptor only, so that a
// page whose globals are getters (to learn who reads them, from `new Error().stack`) never has
// one called. installChannelHook itself needs a DOM: test/e2e/page-tamper.test.ts runs it.
import { describe, expect, it } from 'vitest';
import { providerGlobalsOf, trustedDomainsOf } from '../../../src/page/channel-hook';
import type { TrustedDomains } from '../../../src/page/channel-tap';

const NAMES = ['CookieProvider', 'initCookieProviderExtension', 'CXLensCookieInjection', 'TRUSTED_DOMAINS'];

/** A window-like object whose globals are getters that record each call and throw. */
function trappedWindow(onPrototype = false) {
  const calls: string[] = [];
  const holder: Record<string, unknown> = {};
  for (const name of NAMES) {
    Object.defineProperty(holder, name, {
      configurable: true, enumerable: true,
      get: () => {
        calls.push(name);
        throw new Error(`${name} was read`);
      },
    });
  }
  return { win: onPrototype ? Object.create(Object.create(holder)) : holder, calls };
}

const NOT_DECLARED = (): TrustedDomains => ({ declared: false });

describe('providerGlobalsOf', () => {
  it('never calls a getter of the provider\'s globals: accessors are there, not read; the injection global is no claim', () => {
    for (const onPrototype of [false, true]) {
      const { win, calls } = trappedWindow(onPrototype);
      expect(providerGlobalsOf(win)).toEqual({ cookieProvider: true, extension: true, injected: false });
      expect(calls).toEqual([]);
    }
  });

  it('functions as data properties are found; anything else is not', () => {
    expect(providerGlobalsOf({ CookieProvider: class {}, initCookieProviderExtension: () => {} })).toEqual({ cookieProvider: true, extension: true, injected: false });
    expect(providerGlobalsOf({ CookieProvider: 'no', initCookieProviderExtension: {} })).toEqual({ cookieProvider: false, extension: false, injected: false });
    expect(providerGlobalsOf({})).toEqual({ cookieProvider: false, extension: false, injected: false });
  });

  it('injected: CX Lens\'s claim (own, non-configurable, read-only, an object), whose methods are never called', () => {
    let statusCalls = 0;
    const api = Object.freeze({ status: () => (statusCalls++, { installed: true }) });
    const claimed = {};
    Object.defineProperty(claimed, 'CXLensCookieInjection', { value: api, configurable: false, writable: false });
    expect(providerGlobalsOf(claimed).injected).toBe(true);
    // What the page assigned itself (a writable, configurable property) is no claim.
    expect(providerGlobalsOf({ CXLensCookieInjection: api }).injected).toBe(false);
    expect(statusCalls).toBe(0);
  });
});

describe('trustedDomainsOf', () => {
  it('never calls a TRUSTED_DOMAINS getter, on the window or up its chain: reported as an accessor, the name not read', () => {
    for (const onPrototype of [false, true]) {
      const { win, calls } = trappedWindow(onPrototype);
      let byName = 0;
      expect(trustedDomainsOf(win, () => (byName++, NOT_DECLARED()))).toEqual({ declared: true, accessor: true });
      expect(calls).toEqual([]);
      expect(byName).toBe(0);
    }
  });

  it('a window property (var, assignment) is its value; only without one is the name read (a top-level let/const)', () => {
    const list = ['https://shop.example'];
    expect(trustedDomainsOf({ TRUSTED_DOMAINS: list }, NOT_DECLARED)).toEqual({ declared: true, value: list });
    expect(trustedDomainsOf({}, () => ({ declared: true, value: list }))).toEqual({ declared: true, value: list });
    expect(trustedDomainsOf({}, NOT_DECLARED)).toEqual({ declared: false });
    // Read before its declaration ran (temporal dead zone): not declared yet.
    expect(trustedDomainsOf({}, () => { throw new ReferenceError('TRUSTED_DOMAINS is not defined'); })).toEqual({ declared: false });
  });
});
