// The injected features' options, defined and checked once (src/shared/injection-options.ts): the
// defaults, every allowed value, a refusal (with its reason) of every wrong shape, hostile input that
// never makes it throw, the page's built-ins replaced after load, and a recording file whose
// options are not valid.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  DEFAULT_FINALIZE_TEXT, FINALIZE_BEHAVIOURS, MAX_STATE_ENTRIES, defaultFinalizeOptions, isCookieName, isInjectFeature,
  parseCookieProviderOptions, parseFinalizeOptions, parseInjectOptions, type FinalizeOptions,
} from '../../../src/shared/injection-options';
import { FINALIZE_STATES } from '../../../src/shared/interaction-states';
import { readOptions } from '../../../src/page/inject/finalize-core';
import { readInjectionOptions } from '../../../src/page/inject/cookie-injection';
import { createTabModels } from '../../../src/analysis/store/tab-models';
import { buildRecording, type SaveOptions } from '../../../src/analysis/files/format';
import { parseFile } from '../../../src/analysis/files/parse';
import { loadFile } from '../../../src/analysis/files/load';
import { connected } from '../analysis/fixtures';

const DEFAULTS = { text: DEFAULT_FINALIZE_TEXT, behaviour: 'follow-async', states: ['Finalizing', 'Completed'] };
const VALID: FinalizeOptions = { text: 'We will close this chat.', behaviour: 'always-end', states: ['Completed'] };
const COOKIE = { cookieName: 'SESSION_ID', iframeUrl: 'https://www.iframe.example/cx/iframe.html' };

/** The reason of a refusal (fails the test when it was accepted). */
function reasonOf(result: { ok: true } | { ok: false; reason: string }): string {
  expect(result.ok).toBe(false);
  return result.ok ? '' : result.reason;
}

describe('finalize options: defaults', () => {
  it('are the guide\'s text, follow-async and both end states, as a fresh object each time', () => {
    expect(defaultFinalizeOptions()).toEqual(DEFAULTS);
    const a = defaultFinalizeOptions();
    a.states.push('Active');
    expect(defaultFinalizeOptions().states).toEqual(['Finalizing', 'Completed']);
    expect(FINALIZE_STATES).toEqual(['Finalizing', 'Completed']);
  });

  it('fill what is missing in the lenient reading, without a warning', () => {
    for (const value of [undefined, null, {}, 5, 'text', []]) {
      const r = parseFinalizeOptions(value);
      expect(r).toMatchObject({ ok: false, fallback: DEFAULTS, warnings: [] });
    }
    expect(parseFinalizeOptions({ text: 'Bye' })).toMatchObject({ ok: false, reason: 'behaviour is missing', fallback: { ...DEFAULTS, text: 'Bye' }, warnings: [] });
    expect(parseFinalizeOptions({ behaviour: 'always-notify', states: ['Completed'] })).toMatchObject({ ok: false, reason: 'text is missing', warnings: [] });
    expect(parseFinalizeOptions({ text: 'Bye', behaviour: 'always-notify' })).toMatchObject({ ok: false, reason: 'states is missing' });
    // An option explicitly undefined is missing, as install() always read it.
    expect(parseFinalizeOptions({ ...VALID, text: undefined })).toMatchObject({ ok: false, reason: 'text is missing', warnings: [] });
  });

  it('the handler\'s install() reads them, reporting source extension unless told', () => {
    expect(readOptions(undefined)).toEqual({ options: { ...DEFAULTS, source: 'extension' }, warnings: [] });
    expect(readOptions({ ...VALID, source: 'site' })).toEqual({ options: { ...VALID, source: 'site' }, warnings: [] });
    expect(readOptions({ behaviour: 'always-notify' }).options).toEqual({ ...DEFAULTS, behaviour: 'always-notify', source: 'extension' });
  });
});

describe('finalize options: every allowed value', () => {
  it('accepts each behaviour', () => {
    expect(FINALIZE_BEHAVIOURS).toEqual(['follow-async', 'always-notify', 'always-end']);
    for (const behaviour of FINALIZE_BEHAVIOURS) expect(parseFinalizeOptions({ ...VALID, behaviour })).toEqual({ ok: true, options: { ...VALID, behaviour } });
  });

  it('accepts each non-empty choice of states, in the order given', () => {
    for (const states of [['Finalizing'], ['Completed'], ['Finalizing', 'Completed'], ['Completed', 'Finalizing']]) {
      expect(parseFinalizeOptions({ ...VALID, states })).toEqual({ ok: true, options: { ...VALID, states } });
    }
  });

  it('accepts any text with a character that is not a space, kept as given', () => {
    for (const text of ['x', '  padded  ', 'Ünïcödé ✓ 😀', '<b>html is text</b>', 'a'.repeat(100_000), '\u00a0x']) {
      expect(parseFinalizeOptions({ ...VALID, text })).toEqual({ ok: true, options: { ...VALID, text } });
    }
  });

  it('accepts source extension or site, and leaves it out when not given', () => {
    for (const source of ['extension', 'site'] as const) expect(parseFinalizeOptions({ ...VALID, source })).toEqual({ ok: true, options: { ...VALID, source } });
    const r = parseFinalizeOptions(VALID);
    expect(r.ok && 'source' in r.options).toBe(false);
  });

  it('copies: the options hold nothing of the value checked', () => {
    const input = { ...VALID, states: ['Completed'], extra: { deep: true } };
    const r = parseFinalizeOptions(input);
    if (!r.ok) throw new Error(r.reason);
    expect(r.options.states).not.toBe(input.states);
    expect(r.options).not.toHaveProperty('extra');
    input.states.push('Finalizing');
    expect(r.options.states).toEqual(['Completed']);
  });
});

describe('finalize options: wrong shapes are refused with a reason', () => {
  it('text: blank, not a string', () => {
    for (const text of ['', '   ', '\n\t\u00a0\u2028\ufeff', 5, 0, true, null, {}, ['Bye'], { toString: () => 'Bye' }]) {
      const r = parseFinalizeOptions({ ...VALID, text });
      expect(reasonOf(r)).toMatch(/^text must be a string with a character that is not a space/);
      expect(r).toMatchObject({ fallback: { ...VALID, text: DEFAULT_FINALIZE_TEXT }, warnings: [expect.stringMatching(/the default text is used$/)] });
    }
  });

  it('behaviour: unknown, wrong case, not a string', () => {
    for (const behaviour of ['explode', 'Follow-Async', ' always-end', 'always-end ', '', 5, null, {}, ['always-end'], { valueOf: () => 'always-end' }]) {
      const r = parseFinalizeOptions({ ...VALID, behaviour });
      expect(reasonOf(r)).toMatch(/^behaviour must be one of follow-async, always-notify, always-end, not /);
      expect(r).toMatchObject({ fallback: { ...VALID, behaviour: 'follow-async' }, warnings: [expect.stringMatching(/follow-async is used$/)] });
    }
  });

  it('states: not a list, empty, only states it cannot react to', () => {
    for (const states of ['Finalizing', 'Finalizing,Completed', 5, null, {}, { 0: 'Finalizing', length: 1 }, [], ['Active'], ['finalizing'], [5], [null], [{}], [['Finalizing']], [{ state: 'Completed' }]]) {
      const r = parseFinalizeOptions({ ...VALID, states });
      expect(reasonOf(r)).toMatch(/^states must be a list of Finalizing and Completed, each at most once/);
      expect(r).toMatchObject({ fallback: { ...VALID, states: ['Finalizing', 'Completed'] }, warnings: [expect.stringMatching(/Finalizing and Completed are used$/)] });
    }
  });

  it('states: a list with other entries or repeats is refused; the lenient reading keeps the allowed ones', () => {
    for (const [states, kept] of [
      [['Completed', 'Active'], ['Completed']],
      [['Finalizing', 5, 'Completed'], ['Finalizing', 'Completed']],
      [['Completed', 'Completed'], ['Completed']],
      [['Finalizing', { toString: () => 'Completed' }], ['Finalizing']],
    ] as [unknown[], string[]][]) {
      const r = parseFinalizeOptions({ ...VALID, states });
      expect(reasonOf(r)).toMatch(/left out$/);
      expect(r).toMatchObject({ fallback: { ...VALID, states: kept }, warnings: [expect.stringMatching(/the others are used$/)] });
    }
  });

  it('states: a huge list is refused unread, at once', () => {
    const huge = new Array(200_000).fill('Finalizing');
    let reads = 0;
    const counted = new Proxy(huge, { get: (target, key, receiver) => { if (key !== 'length') reads++; return Reflect.get(target, key, receiver); } });
    expect(reasonOf(parseFinalizeOptions({ ...VALID, states: counted }))).toMatch(/not a list of 200000 entries/);
    expect(reads).toBe(0);
    expect(parseFinalizeOptions({ ...VALID, states: new Array(MAX_STATE_ENTRIES + 1).fill('Completed') }).ok).toBe(false);
    // A sparse list of a huge length is no different.
    const sparse: unknown[] = [];
    sparse[4_000_000_000] = 'Completed';
    expect(parseFinalizeOptions({ ...VALID, states: sparse }).ok).toBe(false);
    // At the cap it is read (and its repeats refused).
    const atCap = parseFinalizeOptions({ ...VALID, states: new Array(MAX_STATE_ENTRIES).fill('Completed') });
    expect(atCap).toMatchObject({ ok: false, reason: expect.stringMatching(/"Completed" and 98 more left out$/), fallback: { states: ['Completed'] } });
  });

  it('source: anything but extension or site (no warning: install() never warned about it)', () => {
    for (const source of ['page', 'Site', 5, null, {}]) {
      const r = parseFinalizeOptions({ ...VALID, source });
      expect(reasonOf(r)).toMatch(/^source must be extension or site/);
      expect(r).toMatchObject({ fallback: VALID, warnings: [] });
      expect(readOptions({ ...VALID, source })).toEqual({ options: { ...VALID, source: 'extension' }, warnings: [] });
    }
  });

  it('a value that is not an object', () => {
    for (const value of [undefined, null, 0, 'options', true, [VALID], () => VALID, Symbol('x'), 10n]) {
      expect(reasonOf(parseFinalizeOptions(value))).toMatch(/^the options must be an object, not /);
    }
  });

  it('several problems: the first is the reason, each given one a warning (install() keeps its three warnings)', () => {
    const r = parseFinalizeOptions({ text: '  ', behaviour: 'explode', states: [], source: 'x' });
    expect(reasonOf(r)).toMatch(/^text must be/);
    expect(r).toMatchObject({ fallback: DEFAULTS, warnings: [expect.stringMatching(/^text/), expect.stringMatching(/^behaviour/), expect.stringMatching(/^states/)] });
    expect(readOptions({ text: '  ', behaviour: 'explode', states: [], source: 'x' }).warnings).toHaveLength(3);
  });

  it('reasons stay short: a long value is cut, nested values are named, not printed', () => {
    const long = parseFinalizeOptions({ ...VALID, behaviour: 'x'.repeat(1_000_000) });
    expect(reasonOf(long).length).toBeLessThan(200);
    expect(reasonOf(parseFinalizeOptions({ ...VALID, text: { nested: { deep: ['x'] } } }))).toMatch(/not an object$/);
    expect(reasonOf(parseFinalizeOptions({ ...VALID, text: ['x'] }))).toMatch(/not a list$/);
  });
});

describe('finalize options: hostile input', () => {
  it('a `__proto__` key of JSON, an inherited option, a polluted Object.prototype supply nothing', () => {
    const json = JSON.parse('{"__proto__": {"text": "pwned", "behaviour": "always-end", "states": ["Completed"]}}');
    expect(parseFinalizeOptions(json)).toMatchObject({ ok: false, reason: 'text is missing', fallback: DEFAULTS });
    const withProto = JSON.parse('{"text": "Bye", "behaviour": "always-end", "states": ["Completed"], "__proto__": {"source": "site"}}');
    expect(parseFinalizeOptions(withProto)).toEqual({ ok: true, options: { text: 'Bye', behaviour: 'always-end', states: ['Completed'] } });
    expect(parseFinalizeOptions(Object.create(VALID))).toMatchObject({ ok: false, fallback: DEFAULTS });
    const proto = Object.prototype as Record<string, unknown>;
    let polluted: unknown[];
    proto.behaviour = 'always-end';
    proto.states = ['Active'];
    try {
      polluted = [parseFinalizeOptions({ text: 'Bye' }), readOptions({}).options];
    } finally {
      delete proto.behaviour;
      delete proto.states;
    }
    expect(polluted).toEqual([
      { ok: false, reason: 'behaviour is missing', fallback: { ...DEFAULTS, text: 'Bye' }, warnings: [] },
      { ...DEFAULTS, source: 'extension' },
    ]);
  });

  it('a getter is read once: it cannot pass the check with one value and be used with another', () => {
    let reads = 0;
    const value = { ...VALID, get behaviour() { return reads++ === 0 ? 'always-notify' : 'explode'; } };
    expect(parseFinalizeOptions(value)).toEqual({ ok: true, options: { ...VALID, behaviour: 'always-notify' } });
    expect(reads).toBe(1);
  });

  it('a Proxy whose traps throw, a revoked Proxy, a throwing getter: refused, never thrown', () => {
    const throwing = new Proxy({}, { get() { throw new Error('trap'); }, getOwnPropertyDescriptor() { throw new Error('trap'); }, has() { throw new Error('trap'); } });
    const { proxy: revoked, revoke } = Proxy.revocable({}, {});
    revoke();
    const getter = { get text() { throw new Error('getter'); } };
    const states = new Proxy(['Completed'], { get(target, key) { if (key === '0') throw new Error('entry'); return Reflect.get(target, key); } });
    for (const value of [throwing, revoked, getter, { ...VALID, states }]) {
      expect(parseFinalizeOptions(value)).toMatchObject({ ok: false, reason: 'the options could not be read', fallback: DEFAULTS, warnings: [] });
      expect(() => readOptions(value)).not.toThrow();
    }
  });

  it('never throws, and what it accepts is valid and accepted again (property test)', () => {
    const option = fc.oneof(
      fc.anything(),
      fc.constantFrom(...FINALIZE_BEHAVIOURS, ...FINALIZE_STATES, 'Active', '', ' ', 'extension', 'site'),
      fc.array(fc.oneof(fc.constantFrom(...FINALIZE_STATES, 'Active'), fc.anything()), { maxLength: 5 }),
    );
    const keys = fc.constantFrom('text', 'behaviour', 'states', 'source', '__proto__', 'constructor', 'toString', 'length');
    const values = fc.oneof(
      fc.anything(),
      fc.dictionary(keys, option),
      fc.record({ text: option, behaviour: option, states: option, source: option }, { requiredKeys: [] }),
      fc.json().map((text) => JSON.parse(text) as unknown),
    );
    fc.assert(fc.property(values, (value) => {
      const r = parseFinalizeOptions(value);
      const options = r.ok ? r.options : r.fallback;
      expect(typeof options.text === 'string' && options.text.trim() !== '').toBe(true);
      expect(FINALIZE_BEHAVIOURS).toContain(options.behaviour);
      expect(options.states.length).toBeGreaterThan(0);
      expect(new Set(options.states).size).toBe(options.states.length);
      for (const s of options.states) expect(FINALIZE_STATES).toContain(s);
      if (r.ok) expect(parseFinalizeOptions(JSON.parse(JSON.stringify(r.options)))).toEqual(r);
      else expect(typeof r.reason).toBe('string');
    }), { numRuns: 2000 });
  });
});

describe('cookie provider options', () => {
  it('accepts a cookie name and an http(s) URL, kept as given', () => {
    for (const options of [
      COOKIE,
      { cookieName: "a!#$%&'*+-.^_`|~Z9", iframeUrl: 'http://localhost:8080/iframe.html?x=1#y' },
      { cookieName: 'x'.repeat(256), iframeUrl: 'https://[::1]/i' },
      { cookieName: 'sess', iframeUrl: 'HTTPS://Example.COM' },
    ]) {
      expect(parseCookieProviderOptions(options)).toEqual({ ok: true, options });
      expect(parseInjectOptions('cookie-provider', options)).toEqual({ ok: true, options });
    }
  });

  it('with the page\'s URL as base: a relative URL is resolved, and the options hold the href', () => {
    const base = 'https://site.example/shop/page.html';
    expect(parseCookieProviderOptions({ cookieName: 'a', iframeUrl: '/iframe.html' }, base)).toEqual({ ok: true, options: { cookieName: 'a', iframeUrl: 'https://site.example/iframe.html' } });
    expect(parseCookieProviderOptions({ cookieName: 'a', iframeUrl: '//cdn.example/i.html' }, base)).toEqual({ ok: true, options: { cookieName: 'a', iframeUrl: 'https://cdn.example/i.html' } });
    expect(parseCookieProviderOptions({ cookieName: 'a', iframeUrl: 'HTTPS://Example.COM' }, base)).toEqual({ ok: true, options: { cookieName: 'a', iframeUrl: 'https://example.com/' } });
    expect(readInjectionOptions({ cookieName: 'a', iframeUrl: 'i.html' }, base)).toEqual({ cookieName: 'a', iframeUrl: 'https://site.example/shop/i.html' });
    // Without a base (panel, worker, file) it must be a full URL.
    expect(reasonOf(parseCookieProviderOptions({ cookieName: 'a', iframeUrl: '/iframe.html' }))).toMatch(/^iframeUrl must be a full URL/);
  });

  it('refuses a name that is not a cookie name', () => {
    for (const cookieName of ['', 'bad name', 'a;b', 'a=b', 'é', 'x'.repeat(257), 'a\n', 5, null, undefined, {}, ['sess']]) {
      expect(reasonOf(parseCookieProviderOptions({ ...COOKIE, cookieName }))).toMatch(/^cookieName must be a cookie name/);
      expect(isCookieName(cookieName)).toBe(false);
    }
  });

  it('refuses a URL that is not http(s), not a URL, not a string', () => {
    for (const iframeUrl of ['javascript:alert(1)', 'data:text/html,x', 'file:///etc/passwd', 'ftp://x.example/', 'blob:https://x.example/1']) {
      expect(reasonOf(parseCookieProviderOptions({ ...COOKIE, iframeUrl }))).toMatch(/^iframeUrl must be http or https: /);
      expect(reasonOf(parseCookieProviderOptions({ ...COOKIE, iframeUrl }, 'https://site.example/'))).toMatch(/^iframeUrl must be http or https: /);
    }
    for (const iframeUrl of ['', 'iframe.html', 'https://', 'http://a b.example/']) expect(reasonOf(parseCookieProviderOptions({ ...COOKIE, iframeUrl }))).toMatch(/^iframeUrl must be a full URL/);
    expect(reasonOf(parseCookieProviderOptions({ ...COOKIE, iframeUrl: 'http://[' }, 'https://site.example/'))).toMatch(/^iframeUrl is not a URL: /);
    for (const iframeUrl of [5, null, undefined, {}, [COOKIE.iframeUrl], { toString: () => COOKIE.iframeUrl }]) {
      expect(reasonOf(parseCookieProviderOptions({ ...COOKIE, iframeUrl }, 'https://site.example/'))).toMatch(/^iframeUrl must be a URL, not /);
    }
  });

  it('refuses what is not an object, an inherited or `__proto__` option, and never throws', () => {
    for (const value of [undefined, null, 'x', 5, [COOKIE], Object.create(COOKIE), JSON.parse(`{"__proto__": ${JSON.stringify(COOKIE)}}`)]) {
      expect(parseCookieProviderOptions(value).ok).toBe(false);
    }
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(parseCookieProviderOptions(proxy)).toEqual({ ok: false, reason: 'the options could not be read' });
    const name = fc.oneof(fc.anything(), fc.string(), fc.constantFrom('sess', 'a b', ''));
    const url = fc.oneof(fc.anything(), fc.webUrl(), fc.string(), fc.constantFrom('javascript:x', '/i.html'));
    fc.assert(fc.property(fc.oneof(fc.anything(), fc.record({ cookieName: name, iframeUrl: url }, { requiredKeys: [] })), fc.option(fc.webUrl(), { nil: undefined }), (value, base) => {
      const r = parseCookieProviderOptions(value, base);
      if (r.ok) {
        expect(isCookieName(r.options.cookieName)).toBe(true);
        expect(new URL(r.options.iframeUrl).protocol).toMatch(/^https?:$/);
      } else expect(typeof r.reason).toBe('string');
    }), { numRuns: 2000 });
  });
});

describe('the features', () => {
  it('names them, and checks each one\'s options with its validator (the service worker\'s check)', () => {
    expect(['finalize', 'cookie-provider'].every(isInjectFeature)).toBe(true);
    for (const feature of ['simulate', 'toString', '__proto__', '', null]) expect(isInjectFeature(feature)).toBe(false);
    expect(parseInjectOptions('finalize', VALID)).toEqual({ ok: true, options: VALID });
    expect(parseInjectOptions('finalize', { ...VALID, behaviour: 'explode' })).toEqual({ ok: false, reason: expect.stringMatching(/^behaviour must be one of/) });
    expect(parseInjectOptions('finalize', { text: 'Bye' })).toEqual({ ok: false, reason: 'behaviour is missing' });
    expect(parseInjectOptions('cookie-provider', VALID)).toMatchObject({ ok: false });
    expect(parseInjectOptions('finalize', COOKIE)).toMatchObject({ ok: false });
  });
});

describe('the page\'s built-ins replaced after load', () => {
  it('change nothing: it uses those it took when it was loaded', () => {
    const before = [
      parseFinalizeOptions({ ...VALID, states: ['Completed', 'Finalizing'] }),
      parseFinalizeOptions({ text: ' ', behaviour: 'explode', states: ['Active'] }),
      parseCookieProviderOptions({ cookieName: 'a', iframeUrl: '/i.html' }, 'https://site.example/'),
      parseCookieProviderOptions({ cookieName: 'bad name', iframeUrl: 'javascript:x' }),
    ];
    const g = globalThis as Record<string, unknown>;
    let after: unknown[];
    const saved = {
      isArray: Array.isArray, trim: String.prototype.trim, exec: RegExp.prototype.exec, test: RegExp.prototype.test,
      includes: Array.prototype.includes, filter: Array.prototype.filter, push: Array.prototype.push, iterator: Array.prototype[Symbol.iterator],
      hasOwn: Object.prototype.hasOwnProperty, apply: Reflect.apply, stringify: JSON.stringify, URL: g.URL,
    };
    try {
      Array.isArray = ((): boolean => false) as unknown as typeof Array.isArray;
      String.prototype.trim = () => '';
      RegExp.prototype.exec = () => null;
      RegExp.prototype.test = () => false;
      Array.prototype.includes = () => false;
      Array.prototype.filter = () => [];
      Array.prototype.push = () => 0;
      Array.prototype[Symbol.iterator] = function* () { /* nothing */ } as unknown as typeof saved.iterator;
      Object.prototype.hasOwnProperty = () => false;
      Reflect.apply = () => { throw new Error('replaced'); };
      JSON.stringify = () => 'replaced';
      g.URL = function FakeURL() { return { href: 'https://evil.example/', protocol: 'https:' }; };
      after = [
        parseFinalizeOptions({ ...VALID, states: ['Completed', 'Finalizing'] }),
        parseFinalizeOptions({ text: ' ', behaviour: 'explode', states: ['Active'] }),
        parseCookieProviderOptions({ cookieName: 'a', iframeUrl: '/i.html' }, 'https://site.example/'),
        parseCookieProviderOptions({ cookieName: 'bad name', iframeUrl: 'javascript:x' }),
      ];
    } finally {
      Array.isArray = saved.isArray;
      String.prototype.trim = saved.trim;
      RegExp.prototype.exec = saved.exec;
      RegExp.prototype.test = saved.test;
      Array.prototype.includes = saved.includes;
      Array.prototype.filter = saved.filter;
      Array.prototype.push = saved.push;
      Array.prototype[Symbol.iterator] = saved.iterator;
      Object.prototype.hasOwnProperty = saved.hasOwn;
      Reflect.apply = saved.apply;
      JSON.stringify = saved.stringify;
      g.URL = saved.URL;
    }
    expect(after).toEqual(before);
    expect(before.map((r) => r.ok)).toEqual([true, false, true, false]);
  });
});

describe('a recording file', () => {
  const SAVE: SaveOptions = { keepSecrets: true, savedAt: Date.parse('2026-11-28T04:40:00.000Z'), lensVersion: '1.2.3', bufferCap: 5000, rowCap: 100_000 };

  /** A saved recording whose injection part is then edited, as a hand-made or hostile file would be. */
  async function open(edit: (injection: Record<string, unknown>) => void) {
    const models = createTabModels();
    connected(models.store, 'a');
    models.store.feed.injection({ type: 'injection', settings: structuredClone({ finalize: VALID, 'cookie-provider': COOKIE }), error: { feature: 'cookie-provider', message: 'no access' } });
    const recording = JSON.parse(JSON.stringify(buildRecording(models, SAVE))) as { injection: Record<string, unknown> };
    edit(recording.injection);
    return loadFile(parseFile(JSON.stringify(recording), 'edited.json'));
  }

  it('opens valid options as they were saved', async () => {
    const opened = await open(() => {});
    expect(opened.injection.settings).toEqual({ finalize: VALID, 'cookie-provider': COOKIE });
    expect(opened.injection.error).toMatchObject({ feature: 'cookie-provider', message: 'no access' });
  });

  it('an invalid behaviour does not reach the model: that feature is left out, the others stay', async () => {
    const opened = await open((injection) => {
      (injection.settings as { finalize: Record<string, unknown> }).finalize.behaviour = 'explode';
    });
    expect(opened.injection.settings.finalize).toBeUndefined();
    expect(opened.injection.settings).toEqual({ 'cookie-provider': COOKIE });
  });

  it('neither do other wrong shapes: states it cannot react to, a number for text, nested objects, a huge list, __proto__', async () => {
    const finalizes: unknown[] = [
      { ...VALID, states: ['Active'] },
      { ...VALID, text: 42 },
      { ...VALID, behaviour: { nested: 'always-end' } },
      { ...VALID, states: new Array(200_000).fill('Completed') },
      JSON.parse('{"text": "Bye", "__proto__": {"behaviour": "always-end", "states": ["Completed"]}}'),
    ];
    for (const finalize of finalizes) {
      const opened = await open((injection) => {
        injection.settings = { finalize, 'cookie-provider': { cookieName: 'bad name', iframeUrl: COOKIE.iframeUrl } };
      });
      expect(opened.injection.settings).toEqual({});
    }
  });

  it('an injection error of an unknown feature is left out', async () => {
    const opened = await open((injection) => {
      injection.error = { feature: 'explode', message: 'x', time: 1 };
    });
    expect(opened.injection.error).toBeUndefined();
  });
});
