// The options of the features CX Lens injects into a page, defined once: the finalize handler
// (src/page/inject/finalize-core.ts) and the cookie provider (src/page/inject/cookie-injection.ts).
// Their types, defaults, allowed values and ONE validator per feature, used by every place that
// takes them: the injected code's install(), the panel (what it saved in localStorage), the service
// worker (the panel's `inject` message, before it is stored and injected) and a recording file.
//
// The validators take anything (untrusted JSON, a page's object) and never throw. They run in the
// page's main world too (bundled into dist/finalize-handler.js and dist/cookie-provider-inject.js),
// so this file imports only from src/shared and:
// - calls no method of the value it checks and reads only its own properties, each once (a
//   polluted Object.prototype, or a `__proto__` key of a JSON file, supplies no option; a getter
//   cannot answer differently to the check and to the use);
// - copies only primitives into fresh objects and arrays, and walks arrays by index, never with
//   their iterator (a list over MAX_STATE_ENTRIES entries is refused unread);
// - uses only the built-ins it took when it was loaded (below), so a page that replaces
//   Array.isArray, String.prototype.trim, RegExp.prototype.exec, URL or JSON afterwards changes
//   nothing. A page that replaced them before the file ran can still deceive it, as it can
//   claim-global.ts (docs/finalize-handler.md).
import { FINALIZE_STATES } from './state-names';

// ---------------------------------------------------------------------------------------------
// Built-ins taken at load.

const { apply } = Reflect;
const { isArray } = Array;
const { stringify } = JSON;
const { getOwnPropertyDescriptor } = Object;
const hasOwn = Object.prototype.hasOwnProperty;
const trimString = String.prototype.trim;
const sliceString = String.prototype.slice;
/** The cookie provider's, in an object of this file's own: taken in a call marked pure, so that
 *  a bundle without the cookie provider (dist/finalize-handler.js) leaves them out. */
const cookieBuiltIns = /* @__PURE__ */ takeCookieBuiltIns();

function takeCookieBuiltIns() {
  const getter = (key: string): (() => unknown) | undefined => getOwnPropertyDescriptor(URL.prototype, key)?.get;
  return { regExpExec: RegExp.prototype.exec, URL, href: getter('href'), protocol: getter('protocol') };
}

// ---------------------------------------------------------------------------------------------
// Features

export const INJECT_FEATURES = ['finalize', 'cookie-provider'] as const;
export type InjectFeature = (typeof INJECT_FEATURES)[number];

export function isInjectFeature(value: unknown): value is InjectFeature {
  return value === 'finalize' || value === 'cookie-provider';
}

export interface InjectOptions {
  finalize: FinalizeOptions;
  'cookie-provider': CookieProviderOptions;
}

/** A validator's answer: the options, or why there are none (one sentence, naming the option). */
export type OptionsParse<T> = { ok: true; options: T } | { ok: false; reason: string };

/** The options of `feature`, validated by its validator (the service worker's check of the panel's
 *  message). A cookie provider's iframeUrl must be a full URL here: there is no page to resolve it
 *  against. */
export function parseInjectOptions(feature: InjectFeature, value: unknown): OptionsParse<InjectOptions[InjectFeature]> {
  if (feature === 'cookie-provider') return parseCookieProviderOptions(value);
  const parsed = parseFinalizeOptions(value);
  return parsed.ok ? parsed : { ok: false, reason: parsed.reason };
}

// ---------------------------------------------------------------------------------------------
// The finalize handler

export const FINALIZE_BEHAVIOURS = ['follow-async', 'always-notify', 'always-end'] as const;
/** follow-async: notify when transport.async.enabled, else end (the guide's behaviour). */
export type FinalizeBehaviour = (typeof FINALIZE_BEHAVIOURS)[number];
/** Who installed the handler: CX Lens's switch, or the site (its own <script> tag or call). */
export const FINALIZE_SOURCES = ['extension', 'site'] as const;
export type FinalizeSource = (typeof FINALIZE_SOURCES)[number];

export const DEFAULT_FINALIZE_TEXT =
  'Thank you for your query. Please do not respond to this automated message if you do not have additional questions.';
export const DEFAULT_FINALIZE_BEHAVIOUR: FinalizeBehaviour = 'follow-async';
/** Where the options do not say: the handler's own install() reports `extension`. */
export const DEFAULT_FINALIZE_SOURCE: FinalizeSource = 'extension';
/** The states it can react to are FINALIZE_STATES (src/shared/state-names.ts), the
 *  default: it reacts to both. A states list longer than this is refused without being read (the
 *  panel sends at most FINALIZE_STATES.length; a hostile list may hold millions). */
export const MAX_STATE_ENTRIES = 100;

export interface FinalizeOptions {
  /** The message it injects when it notifies: at least one character that is not a space. */
  text: string;
  behaviour: FinalizeBehaviour;
  /** The states that trigger it: FINALIZE_STATES entries, each once, in the order given. */
  states: string[];
  /** Set by the page (the handler always reports one); the panel's switch does not send it, the
   *  service worker adds `extension` when it installs. */
  source?: FinalizeSource;
}

/** The defaults, as a fresh object: {text: the guide's text, behaviour: follow-async, states:
 *  Finalizing and Completed}. */
export function defaultFinalizeOptions(): FinalizeOptions {
  return { text: DEFAULT_FINALIZE_TEXT, behaviour: DEFAULT_FINALIZE_BEHAVIOUR, states: copyList(FINALIZE_STATES) };
}

export function isFinalizeText(value: unknown): value is string {
  return typeof value === 'string' && apply(trimString, value, []) !== '';
}

export function isFinalizeBehaviour(value: unknown): value is FinalizeBehaviour {
  return indexIn(FINALIZE_BEHAVIOURS, value) >= 0;
}

export type FinalizeParse =
  | { ok: true; options: FinalizeOptions }
  | {
      ok: false;
      /** The first thing wrong, or the first option missing ("text is missing"). */
      reason: string;
      /** What a lenient reader uses instead: every valid option as given, every missing or invalid
       *  one its default (the page's install() and the panel's saved options). */
      fallback: FinalizeOptions;
      /** One line per option given but invalid, saying what is used instead (an option that is
       *  only missing, or a wrong `source`, is not warned about: the handler's install() never did). */
      warnings: string[];
    };

/**
 * The one validator of the finalize handler's options. `ok` when `value` is an object whose text,
 * behaviour and states are all given and valid (and its source, if given); anything else is
 * refused with a reason, and comes with the lenient reading (`fallback`, `warnings`).
 *
 * Where the validators it replaces disagreed, the strictest rule that the tests accept is kept:
 * - states: only FINALIZE_STATES (the panel's rule; the handler took any non-empty string, the
 *   file reader any string), each once, in the order given (the handler's: the panel reordered);
 *   other entries are left out of the fallback, with a warning, and make the options invalid;
 * - all three of text, behaviour and states are required (the file reader's rule; the handler and
 *   the panel filled missing ones with defaults, which the fallback still does);
 * - behaviour is checked everywhere (the file reader let any string through).
 * Text: as all of them did, any string with a character that is not a space; none had a length
 * limit, and neither does this.
 */
export function parseFinalizeOptions(value: unknown): FinalizeParse {
  const fallback = defaultFinalizeOptions();
  const warnings: string[] = [];
  let reason: string | undefined;
  const problem = (text: string, instead: string | null) => {
    reason ??= text;
    if (instead !== null) warnings[warnings.length] = `${text}: ${instead}`;
  };
  try {
    if (!isRecord(value)) return { ok: false, reason: `the options must be an object, not ${describe(value)}`, fallback, warnings };
    const text = own(value, 'text');
    const behaviour = own(value, 'behaviour');
    const states = own(value, 'states');
    const source = own(value, 'source');

    if (text === undefined) problem('text is missing', null);
    else if (isFinalizeText(text)) fallback.text = text;
    else problem(`text must be a string with a character that is not a space, not ${describe(text)}`, 'the default text is used');

    if (behaviour === undefined) problem('behaviour is missing', null);
    else if (isFinalizeBehaviour(behaviour)) fallback.behaviour = behaviour;
    else problem(`behaviour must be one of ${BEHAVIOUR_LIST}, not ${describe(behaviour)}`, `${DEFAULT_FINALIZE_BEHAVIOUR} is used`);

    if (states === undefined) problem('states is missing', null);
    else {
      const read = readStates(states);
      if (read.states.length) fallback.states = read.states;
      if (read.problem) problem(`states ${read.problem}`, read.states.length ? 'the others are used' : `${STATE_LIST} are used`);
    }

    if (source !== undefined) {
      if (indexIn(FINALIZE_SOURCES, source) >= 0) fallback.source = source as FinalizeSource;
      else problem(`source must be extension or site, not ${describe(source)}`, null);
    }
  } catch {
    // A page's Proxy whose trap threw: nothing of it is used.
    return { ok: false, reason: 'the options could not be read', fallback: defaultFinalizeOptions(), warnings: [] };
  }
  return reason === undefined ? { ok: true, options: fallback } : { ok: false, reason, fallback, warnings };
}

const BEHAVIOUR_LIST = FINALIZE_BEHAVIOURS.join(', ');
const STATE_LIST = FINALIZE_STATES.join(' and ');

/** The allowed states of a states list, each once in the order given, and what was wrong with it. */
function readStates(value: unknown): { states: string[]; problem?: string } {
  const states: string[] = [];
  const shape = `must be a list of ${STATE_LIST}, each at most once`;
  if (!isArray(value)) return { states, problem: `${shape}, not ${describe(value)}` };
  const length: unknown = value.length;
  if (typeof length !== 'number' || length > MAX_STATE_ENTRIES) return { states, problem: `${shape}, not a list of ${describe(length)} entries` };
  let ignored = 0;
  let first: unknown;
  for (let i = 0; i < length; i++) {
    const entry: unknown = value[i];
    const at = indexIn(FINALIZE_STATES, entry);
    if (at >= 0 && indexIn(states, entry) < 0) states[states.length] = FINALIZE_STATES[at]!;
    else if (ignored++ === 0) first = entry;
  }
  if (ignored) return { states, problem: `${shape}: ${describe(first)}${ignored > 1 ? ` and ${ignored - 1} more` : ''} left out` };
  if (!states.length) return { states, problem: `${shape}, not an empty list` };
  return { states };
}

// ---------------------------------------------------------------------------------------------
// The cookie provider

/** RFC 6265 token characters: what a cookie name may contain. */
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
export const MAX_COOKIE_NAME_CHARS = 256;

export interface CookieProviderOptions {
  /** The session cookie's name (the guide's SESSION_COOKIE_NAME): isCookieName. */
  cookieName: string;
  /** The cookie iframe's URL (the guide's IFRAME_URL): http or https. */
  iframeUrl: string;
}

export function isCookieName(name: unknown): name is string {
  return typeof name === 'string' && name.length <= MAX_COOKIE_NAME_CHARS && apply(cookieBuiltIns.regExpExec, COOKIE_NAME, [name]) !== null;
}

/** `value` as an http(s) URL: resolved against `base` when there is one (a page's URL), else it
 *  must be a full URL. The reason follows the caller's name for it ("iframeUrl must be..."). */
export function parseHttpUrl(value: string, base?: string): { ok: true; url: URL } | { ok: false; reason: string } {
  const { URL: NativeURL, href, protocol: protocolOf } = cookieBuiltIns;
  let url: URL;
  try {
    url = base === undefined ? new NativeURL(value) : new NativeURL(value, base);
  } catch {
    return { ok: false, reason: base === undefined ? `must be a full URL, e.g. https://www.example.com/iframe.html, not ${quote(value)}` : `is not a URL: ${quote(value)}` };
  }
  const protocol = urlPart(protocolOf, url, 'protocol');
  if (protocol !== 'http:' && protocol !== 'https:') return { ok: false, reason: `must be http or https: ${quote(urlPart(href, url, 'href'))}` };
  return { ok: true, url };
}

/**
 * The one validator of the cookie provider's options: an object with a cookie name and an http(s)
 * iframe URL. With `base` (the page's URL, as the injected provider has it) the URL may be relative
 * and the options hold it resolved (the URL's href, which the page compares with its iframes'
 * `src`); without it (the panel, the service worker, a file) it must be a full URL and is kept as
 * given. The rules are the ones the panel and the injected code had; the panel's saved options and
 * a file's were checked only for being strings, and are now checked the same way.
 */
export function parseCookieProviderOptions(value: unknown, base?: string): OptionsParse<CookieProviderOptions> {
  try {
    if (!isRecord(value)) return { ok: false, reason: `the options must be an object, not ${describe(value)}` };
    const cookieName = own(value, 'cookieName');
    const iframeUrl = own(value, 'iframeUrl');
    if (!isCookieName(cookieName)) {
      return { ok: false, reason: `cookieName must be a cookie name (letters, digits and !#$%&'*+-.^_\`|~, at most ${MAX_COOKIE_NAME_CHARS}), not ${describe(cookieName)}` };
    }
    if (typeof iframeUrl !== 'string') return { ok: false, reason: `iframeUrl must be a URL, not ${describe(iframeUrl)}` };
    const parsed = parseHttpUrl(iframeUrl, base);
    if (!parsed.ok) return { ok: false, reason: `iframeUrl ${parsed.reason}` };
    return { ok: true, options: { cookieName, iframeUrl: base === undefined ? iframeUrl : urlPart(cookieBuiltIns.href, parsed.url, 'href') } };
  } catch {
    return { ok: false, reason: 'the options could not be read' };
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers: none calls a method of the value it is given.

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !isArray(value);
}

/** An own property's value (undefined when it is not one). */
function own(o: Record<string, unknown>, key: string): unknown {
  return apply(hasOwn, o, [key]) ? o[key] : undefined;
}

function indexIn(list: readonly unknown[], value: unknown): number {
  for (let i = 0; i < list.length; i++) if (list[i] === value) return i;
  return -1;
}

function copyList<T>(list: readonly T[]): T[] {
  const out: T[] = [];
  for (let i = 0; i < list.length; i++) out[i] = list[i]!;
  return out;
}

function urlPart(getter: (() => unknown) | undefined, url: URL, key: 'href' | 'protocol'): string {
  const part: unknown = getter ? apply(getter, url, []) : url[key];
  return typeof part === 'string' ? part : '';
}

/** A string for a message: quoted, cut to 80 characters. */
function quote(text: string): string {
  return stringify(text.length > 80 ? `${apply(sliceString, text, [0, 80]) as string}…` : text);
}

/** A value for a message, without calling anything of it. */
function describe(value: unknown): string {
  if (typeof value === 'string') return quote(value);
  if (value === null || value === undefined || typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return `${value}`;
  if (typeof value !== 'object') return `a ${typeof value}`;
  return isArray(value) ? 'a list' : 'an object';
}
