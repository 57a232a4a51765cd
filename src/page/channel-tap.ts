// The channel hook's logic: in every frame, records the cookie channel's messages and any
// cross-origin message between this frame and another, and the frame's cookie-sync facts.
// Written against a small env so it runs on fakes in node tests; src/page/channel-hook.ts
// passes the real window.
//
// What a page script can see in Chromium: a `message` event for every message delivered to this
// frame (sender origin, source window), and calls of this window's own `postMessage` (an own
// property of each window, not of Window.prototype). A post to a cross-origin window goes through
// a per-realm built-in that cannot be replaced, so each cross-frame message is recorded once, by
// the hook of the frame that receives it; its targetOrigin is seen only for posts to a window of
// the sender's own origin.
//
// Cost: a message outside the scope (same-origin, not the channel's) costs a type check and a
// string compare. Recorded messages are rate-limited per kind (token buckets); what a flood
// pushes past the limit is counted and sent as a `channel-gap` record, never dropped silently.
//
// The page's objects are read by descriptor (page-objects.ts): the page's globals through the env
// (channel-hook.ts), a posted message through dataOnly. The built-ins this file uses are taken at
// load (a page may replace them later); the cookie helpers of src/cookie/ it calls on the facts'
// strings are not: they run with the page's String and Array methods of the moment.
import { CHANNEL_PREFIX, carriesSessionData, isChannelMessage, maskSessionData, MessageType, operationOf } from '../cookie/channel';
import { fingerprint, readCookie, sessionTokenOf } from '../cookie/cookie-values';
import {
  PAGE_SOURCE,
  type ChannelGapRecord, type ChannelRecord, type CookieFactEntry, type CookieFactsRecord, type Copied,
} from '../shared/protocol';

/** Token buckets: burst size and sustained rate (records per second) of each kind. Channel
 *  messages have their own bucket, so a flood of other messages cannot starve them. */
export const CHANNEL_BURST = 100;
export const CHANNEL_PER_SECOND = 20;
export const OTHER_BURST = 50;
export const OTHER_PER_SECOND = 5;
/** Skipped messages are reported at most this often. */
export const GAP_REPORT_MS = 1000;
/** Facts are re-read at most this often, and this long after the traffic that triggers them
 *  (so the iframe's and the provider's own handlers of the same message have run). */
export const FACTS_DELAY_MS = 250;
export const MAX_COOKIES = 50;
export const MAX_FRAMES = 20;
export const MAX_TRUSTED_ENTRIES = 100;
/** Strings in facts (urls, names, list entries) are cut to this. */
export const MAX_FACT_CHARS = 500;
/** A string payload is cut to this before it is copied. */
export const MAX_STRING_PAYLOAD = 2000;

export interface ChannelEnv {
  now(): number;
  setTimer(fn: () => void, ms: number): unknown;
  /** This window and its parent (null in the top frame). */
  self: unknown;
  parent: unknown;
  origin: string;
  url(): string;
  /** Sends a record (through the page hook's handle). */
  emit(record: ChannelRecord | ChannelGapRecord | CookieFactsRecord): void;
  /** The src of this document's <iframe> whose window is `win`; null when `win` is no child frame. */
  childFrameUrl(win: unknown): string | null;
  /** TRUSTED_DOMAINS of this realm, found without running page code (channel-hook.ts). */
  trustedDomains(): TrustedDomains;
  providerGlobals(): { cookieProvider: boolean; extension: boolean; injected: boolean };
  /** src of this document's <iframe> elements. */
  iframeUrls(): string[];
  /** document.cookie, or null when it cannot be read. */
  cookieString(): string | null;
  /** Hands `done` the expiry of each cookie by name (cookieStore), or null where there is no
   *  cookieStore or it fails; once, now or later. */
  cookieExpiries(done: (expiries: Map<string, number | null> | null) => void): void;
}

/** What a listener gets from a MessageEvent. */
export interface MessageLike {
  data: unknown;
  origin: string;
  source: unknown;
  isTrusted?: boolean;
}

class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(private readonly burst: number, private readonly perSecond: number, now: number) {
    this.tokens = burst;
    this.last = now;
  }
  take(now: number): boolean {
    if (now > this.last) {
      this.tokens = min(this.burst, this.tokens + ((now - this.last) * this.perSecond) / 1000);
      this.last = now;
    }
    if (this.tokens < 1) return false;
    this.tokens--;
    return true;
  }
}

type Obj = Record<string, unknown>;
const { getOwnPropertyDescriptor: ownDescriptor, defineProperty, keys: objectKeys } = Object;
const { apply } = Reflect;
const { stringify } = JSON;
const { min, max } = Math;
const isArray = Array.isArray;
const toText = String;
const stringSlice = String.prototype.slice;
const stringIndexOf = String.prototype.indexOf;
const stringTrim = String.prototype.trim;
const stringStartsWith = String.prototype.startsWith;
const mapGet = Map.prototype.get;
const mapHas = Map.prototype.has;
const NativeURL = typeof URL === 'function' ? URL : undefined;
const urlOrigin = NativeURL && ownDescriptor(NativeURL.prototype, 'origin')?.get;

/** TRUSTED_DOMAINS as the env finds it: not declared, a value, or an accessor (never read). */
export type TrustedDomains = { declared: false } | { declared: true; value: unknown } | { declared: true; accessor: true };

export class ChannelTap {
  private readonly channelBucket: TokenBucket;
  private readonly otherBucket: TokenBucket;
  private gap: { channel: number; other: number; from: number; to: number; origins: { origin: string; count: number }[] } | null = null;
  private sawRequest = false;
  private sawReply = false;
  private factsTimer = false;
  private lastFactsAt = -Infinity;
  private lastFacts = '';

  constructor(private readonly env: ChannelEnv) {
    this.channelBucket = new TokenBucket(CHANNEL_BURST, CHANNEL_PER_SECOND, env.now());
    this.otherBucket = new TokenBucket(OTHER_BURST, OTHER_PER_SECOND, env.now());
  }

  /** A `message` event delivered to this frame. Never throws. */
  onMessage(event: MessageLike): void {
    try {
      if (event.isTrusted === false) return; // dispatched by a script of this page, not a cross-frame message
      // A window posting to itself is not cross-frame traffic (CX Lens's own batches are such
      // posts). Decided before reading `data`, whose getter copies the whole payload into this world.
      if (event.source === this.env.self) return;
      const { data, origin } = event;
      if (isOwnTraffic(data)) return;
      const channel = isChannelMessage(data);
      if (!channel && origin === this.env.origin) return; // same-origin traffic of the page: out of scope
      if (!this.admit(channel, origin)) return;
      const source = event.source;
      let peer: ChannelRecord['peer'];
      let peerUrl: string | null = null;
      if (source === null || source === undefined) peer = 'none';
      else if (source === this.env.parent) peer = 'parent';
      else if ((peerUrl = this.env.childFrameUrl(source)) !== null) peer = 'child';
      else peer = 'other';
      const record = this.record('in', peer, origin, this.env.origin, data, channel);
      if (peerUrl !== null) record.peerUrl = cut(peerUrl);
      this.env.emit(record);
      if (channel) this.channelTraffic(record);
    } catch {
      /* never break the page's message delivery */
    }
  }

  /**
   * A call of this window's own postMessage that returned normally. Never throws. The page's own
   * message object is read without running its getters or proxy `get` traps: its `type` from the
   * descriptor, then (a channel message) a getter-free copy (dataOnly).
   */
  onPost(rawMessage: unknown, targetOrigin: unknown): void {
    try {
      if (!isObj(rawMessage)) return;
      const type = ownDescriptor(rawMessage, 'type');
      if (!type || typeof type.value !== 'string' || !apply(stringStartsWith, type.value, [CHANNEL_PREFIX])) return; // only channel posts: the rest is the page's own business
      const message = dataOnly(rawMessage, 0);
      if (isOwnTraffic(message) || !isChannelMessage(message)) return;
      if (!this.admit(true, this.env.origin)) return;
      const target = targetOfPost(targetOrigin);
      const record = this.record('out', 'self', this.env.origin, this.env.origin, message, true);
      record.targetOrigin = cut(target);
      record.delivered = target === '*' || target === '/' || originOf(target) === this.env.origin;
      this.env.emit(record);
    } catch {
      /* never break the page's postMessage */
    }
  }

  /** DOMContentLoaded, load, a cookie change: re-read the facts if this frame has a role. */
  refresh(): void {
    try {
      // A frame with no role yet (most frames: no cookie sync) costs no timer.
      if (this.role()) this.scheduleFacts();
    } catch {
      /* never into the page's event */
    }
  }

  // ---------------------------------------------------------------------------------------------

  /** Takes a token for one record, or counts the message as skipped. */
  private admit(channel: boolean, origin: string): boolean {
    const now = this.env.now();
    if ((channel ? this.channelBucket : this.otherBucket).take(now)) return true;
    let gap = this.gap;
    if (!gap) {
      gap = this.gap = { channel: 0, other: 0, from: now, to: now, origins: [] };
      this.env.setTimer(() => this.reportGap(), GAP_REPORT_MS);
    }
    if (channel) gap.channel++;
    else gap.other++;
    gap.to = now;
    countOrigin(gap.origins, origin);
    return false;
  }

  private reportGap(): void {
    const gap = this.gap;
    this.gap = null;
    if (!gap) return;
    const origins = topOrigins(gap.origins, 5);
    try {
      this.env.emit({ t: 'channel-gap', seq: 0, time: gap.to, channel: gap.channel, other: gap.other, from: gap.from, to: gap.to, origins });
    } catch {
      /* nothing to report to */
    }
  }

  private record(direction: 'in' | 'out', peer: ChannelRecord['peer'], senderOrigin: string, receiverOrigin: string, data: unknown, channel: boolean): ChannelRecord {
    const record: ChannelRecord = {
      t: 'channel', seq: 0, time: this.env.now(), direction, peer, senderOrigin: cut(toText(senderOrigin)), receiverOrigin: cut(receiverOrigin),
      channel, carriesSession: false, data: null,
    };
    if (channel) {
      const message = data as Obj;
      record.type = cut(toText(message.type));
      if (typeof message.id === 'string') record.id = cut(message.id);
      if (message.type === MessageType.reply) {
        if (typeof message.ok === 'boolean') record.ok = message.ok;
        const error = message.error;
        if (isObj(error) && typeof error.code === 'string') record.errorCode = cut(error.code);
      }
      record.carriesSession = carriesSessionData(data);
      record.data = maskPayload(data);
    } else {
      record.data = (typeof data === 'string' && data.length > MAX_STRING_PAYLOAD
        ? { $cx: 'string', head: apply(stringSlice, data, [0, MAX_STRING_PAYLOAD]) as string, length: data.length }
        : data) as Copied; // the hook's record sink copies it safely and boundedly
    }
    return record;
  }

  private channelTraffic(record: ChannelRecord): void {
    if (record.peer === 'parent' && record.type && operationOf(record.type)) this.sawRequest = true;
    else if (record.peer === 'child' && record.type === MessageType.reply) this.sawReply = true;
    else return;
    this.scheduleFacts();
  }

  private role(): { role: CookieFactsRecord['role']; trusted?: TrustedDomains } | null {
    const trusted = this.env.parent !== null ? this.env.trustedDomains() : { declared: false as const };
    if (trusted.declared || this.sawRequest) return { role: 'iframe', trusted };
    const globals = this.env.providerGlobals();
    if (this.sawReply || globals.cookieProvider || globals.injected) return { role: 'page' };
    return null;
  }

  private scheduleFacts(): void {
    if (this.factsTimer) return;
    this.factsTimer = true;
    const wait = max(FACTS_DELAY_MS, this.lastFactsAt + FACTS_DELAY_MS - this.env.now());
    this.env.setTimer(() => {
      this.factsTimer = false;
      try {
        this.lastFactsAt = this.env.now();
        this.collectFacts();
      } catch {
        /* never into the page's timer */
      }
    }, wait);
  }

  /** Reads the facts and sends them if they changed; the cookies' expiry may come later (no
   *  promise of the hook's own: nothing of it for the page's Promise.prototype to see). */
  private collectFacts(): void {
    const role = this.role();
    if (!role) return;
    const record: CookieFactsRecord = { t: 'cookie-facts', seq: 0, time: 0, role: role.role, url: cut(this.env.url()), origin: cut(this.env.origin), cookies: [] };
    if (role.role === 'iframe') {
      const trusted = role.trusted;
      record.trustedDomains = !trusted?.declared ? null : 'accessor' in trusted ? 'accessor' : trustedStrings(trusted.value);
    } else {
      record.provider = this.env.providerGlobals();
      const urls = this.env.iframeUrls();
      const frames: { url: string; origin: string }[] = [];
      for (let i = 0; i < urls.length && i < MAX_FRAMES; i++) frames[i] = { url: cut(urls[i]!), origin: originOf(urls[i]!) ?? '' };
      record.frames = frames;
    }
    const cookieString = this.env.cookieString();
    if (cookieString === null) {
      record.cookiesUnreadable = true;
      this.sendFacts(record);
      return;
    }
    let done = false;
    const withExpiries = (expiries: Map<string, number | null> | null): void => {
      if (done) return;
      done = true;
      try {
        const { entries, leftOut } = cookieFacts(cookieString, expiries);
        record.cookies = entries;
        if (leftOut) record.cookiesLeftOut = leftOut;
        this.sendFacts(record);
      } catch {
        /* never into the page */
      }
    };
    try {
      this.env.cookieExpiries(withExpiries);
    } catch {
      withExpiries(null); // expiry unknown
    }
  }

  private sendFacts(record: CookieFactsRecord): void {
    const json = stringify(record);
    if (json === this.lastFacts) return;
    this.lastFacts = json;
    record.time = this.env.now();
    this.env.emit(record);
  }
}

/** Counts one skipped message of `origin` (at most 20 origins named, the rest together). */
function countOrigin(origins: { origin: string; count: number }[], origin: string): void {
  let other: { origin: string; count: number } | undefined;
  for (let i = 0; i < origins.length; i++) {
    if (origins[i]!.origin === origin) {
      origins[i]!.count++;
      return;
    }
    if (origins[i]!.origin === '(other origins)') other = origins[i];
  }
  if (origins.length < 20) origins[origins.length] = { origin, count: 1 };
  else if (other) other.count++;
  else origins[origins.length] = { origin: '(other origins)', count: 1 };
}

/** The `n` most frequent origins, most frequent first (no sort, slice or map of the page's). */
function topOrigins(origins: { origin: string; count: number }[], n: number): { origin: string; count: number }[] {
  const out: { origin: string; count: number }[] = [];
  const taken: boolean[] = [];
  while (out.length < n) {
    let best = -1;
    for (let i = 0; i < origins.length; i++) if (!taken[i] && (best < 0 || origins[i]!.count > origins[best]!.count)) best = i;
    if (best < 0) break;
    taken[best] = true;
    out[out.length] = { origin: cut(origins[best]!.origin), count: origins[best]!.count };
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Pure helpers (exported for tests and the panel)

/** CX Lens's own page-hook batches: never recorded. */
function isOwnTraffic(data: unknown): boolean {
  try {
    return isObj(data) && data.source === PAGE_SOURCE;
  } catch {
    return false;
  }
}

/** A channel message with its cookie values masked (maskSessionData masks string values; a value
 *  of any other type in the same place is masked too). */
export function maskPayload(data: unknown): Copied {
  const masked = maskSessionData(data) as Obj;
  if (masked.type === MessageType.save && 'value' in masked && typeof masked.value !== 'string') {
    return { ...masked, value: '<masked>' } as Copied;
  }
  if (masked.type === MessageType.reply && isObj(masked.result) && 'value' in masked.result && typeof masked.result.value !== 'string') {
    return { ...masked, result: { ...masked.result, value: '<masked>' } } as Copied;
  }
  return masked as Copied;
}

/** TRUSTED_DOMAINS as strings (bounded), or the type's name when it is not an array. The array is
 *  read by descriptor (an entry behind a getter reads as 'accessor'), and an object entry is not
 *  stringified (its toString is page code). */
export function trustedStrings(value: unknown): string[] | string {
  if (!isArray(value)) return value === null ? 'null' : typeof value;
  const length = ownDescriptor(value, 'length')?.value as number;
  const out: string[] = [];
  for (let i = 0; i < length && i < MAX_TRUSTED_ENTRIES; i++) {
    const desc = ownDescriptor(value, i);
    out[i] = !desc ? 'undefined' : 'value' in desc ? cut(primitiveText(desc.value)) : 'accessor';
  }
  return out;
}

/** The frame's cookies as facts: names, lengths and fingerprints, never values. */
export function cookieFacts(cookieString: string, expiries: Map<string, number | null> | null): { entries: CookieFactEntry[]; leftOut: number } {
  const entries: CookieFactEntry[] = [];
  const seen: string[] = [];
  let leftOut = 0;
  for (let start = 0; start <= cookieString.length;) {
    let end = apply(stringIndexOf, cookieString, [';', start]) as number;
    if (end < 0) end = cookieString.length;
    const pair = apply(stringSlice, cookieString, [start, end]) as string;
    start = end + 1;
    const eq = apply(stringIndexOf, pair, ['=']) as number;
    const name = eq < 0 ? '' : (apply(stringTrim, apply(stringSlice, pair, [0, eq]), []) as string);
    if (!name || seenBefore(seen, name)) continue;
    if (entries.length >= MAX_COOKIES) {
      leftOut++;
      continue;
    }
    const value = readCookie(cookieString, name) ?? '';
    const entry: CookieFactEntry = { name: cut(name), length: value.length, value: fingerprint(value), session: sessionFingerprint(value) };
    if (expiries && apply(mapHas, expiries, [name])) entry.expires = apply(mapGet, expiries, [name]) as number | null;
    entries[entries.length] = entry;
  }
  return { entries, leftOut };
}

/**
 * The fingerprint of the session a cookie value names. Widgets' async session cookie is JSON
 * `{messageIndex, token}` (encoded by its cookie library) and is rewritten after every new
 * message: the token names the session, the index only says how far the transcript was read.
 */
export function sessionFingerprint(value: string): string {
  return fingerprint(sessionTokenOf(value) ?? value);
}

/** The targetOrigin of postMessage(message, targetOrigin) or postMessage(message, {targetOrigin}). */
function targetOfPost(argument: unknown): string {
  if (argument === undefined) return '/';
  if (isObj(argument) || typeof argument === 'function') {
    const target = ownDescriptor(argument, 'targetOrigin'); // never a getter
    return target && 'value' in target && target.value !== undefined ? primitiveText(target.value) : '/';
  }
  return primitiveText(argument);
}

/** A primitive as text; an object (whose toString is page code) as '[unnamed]'. */
function primitiveText(value: unknown): string {
  if (typeof value === 'string') return value;
  if ((typeof value === 'object' && value !== null) || typeof value === 'function' || typeof value === 'symbol') return '[unnamed]';
  return toText(value);
}

/** Whether name is in seen; adds it if not (a short list: no Set of the page's). */
function seenBefore(seen: string[], name: string): boolean {
  for (let i = 0; i < seen.length; i++) if (seen[i] === name) return true;
  seen[seen.length] = name;
  return false;
}

/** Levels and keys per level dataOnly copies of a posted message (channel messages are small). */
const DATA_ONLY_DEPTH = 4;
const DATA_ONLY_KEYS = 50;

/**
 * A copy of a posted message that runs no page code: own enumerable data properties only, a few
 * levels deep; an accessor, a function, a symbol or what lies deeper becomes null. (The hook
 * handle's emit then copies the record with the usual caps.)
 */
function dataOnly(value: unknown, depth: number): unknown {
  if (typeof value === 'function' || typeof value === 'symbol') return null;
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= DATA_ONLY_DEPTH) return null;
  const out: Record<string, unknown> = isArray(value) ? ([] as unknown as Record<string, unknown>) : {};
  const names = objectKeys(value);
  for (let i = 0; i < names.length && i < DATA_ONLY_KEYS; i++) {
    const desc = ownDescriptor(value, names[i]!);
    const item = desc && 'value' in desc ? dataOnly(desc.value, depth + 1) : null;
    defineProperty(out, names[i]!, { value: item, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

export function originOf(url: string): string | null {
  try {
    if (!NativeURL || !urlOrigin) return null;
    const origin = apply(urlOrigin, new NativeURL(url), []) as string;
    return origin === 'null' ? null : origin;
  } catch {
    return null;
  }
}

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null;
}

function cut(text: string): string {
  return text.length > MAX_FACT_CHARS ? (apply(stringSlice, text, [0, MAX_FACT_CHARS]) as string) + '…' : text;
}
