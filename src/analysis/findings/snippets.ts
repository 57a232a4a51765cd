// Code the findings' fixes offer to paste. Written for this project: a page's own handler of the
// chat's end states, corrected config fragments, and calls that name what the page named.
//
// A snippet is pasted into a page and run, so what came from the page (a command's name, its
// options, an origin) never becomes code: each string is a JavaScript string literal (escaped by
// JSON.stringify, plus U+2028/U+2029, `<` and `>` so that `</script>` cannot end an inline script,
// and the controls and bidirectional overrides that could hide code in an editor), options are an
// object literal of such values, and secrets are masked before they are written. Every snippet
// parses, and the exits' masking (maskString in the panel, Markdown and the command line) leaves
// it as it is: a snippet it would change is written without the page's value instead.
import type { Copied } from '../../shared/protocol';
import { MASK, maskSecrets, maskString } from '../text/secrets';
import { isMarker, isPlainObject } from '../text/summary';
import { unicodeEscape } from '../text/visible';

/** Reacts to Finalizing/Completed the way the Digital Channels guide recommends: in async mode
 *  tell the customer the conversation is over, otherwise end the chat. */
export const FINALIZE_HANDLER_SNIPPET = `// After the page's Widgets configuration:
CXBus.subscribe('WebChatService.messageReceived', function (event) {
  var raw = (event && event.data && event.data.originalMessages) || [];
  var last = null;
  for (var i = 0; i < raw.length; i++) {
    var m = raw[i];
    if (m && m.type === 'System' && m.event === 'InteractionStateChange') last = m;
  }
  var state = last && last.data && last.data.interactionState;
  if (state !== 'Finalizing' && state !== 'Completed') return;
  var transport = window._genesys.widgets.webchat.transport || {};
  if (transport.async && transport.async.enabled) {
    // Async chat: the customer may come back later; say that this conversation is done.
    CXBus.command('WebChat.injectMessage', {
      type: 'text',
      text: 'Thank you for your query. Please do not reply to this automated message unless you have another question.',
      bubble: { time: false }
    });
  } else {
    // Classic chat: end it on the widget side.
    CXBus.command('WebChat.endChat');
  }
});`;

/** Async storage the v3 transport accepts: both functions, storing and reading one cookie. */
export const ASYNC_STORAGE_SNIPPET = `window._genesys.widgets.webchat.transport.async = {
  enabled: true,
  // Widgets calls this after every new message index: store the session it hands you.
  getSessionData: function (sessionData, Cookies, cookieOptions) {
    Cookies.set('chat-session', JSON.stringify(sessionData), cookieOptions);
  },
  // Widgets calls this to read the session back (a JSON string or an object with a token).
  setSessionData: function (openCookieName, Cookies, cookieOptions) {
    return Cookies.get('chat-session');
  }
};`;

/** `async` moved from the top of the webchat config to the transport, where the v3 transport reads it. */
export const ASYNC_IN_TRANSPORT_SNIPPET = `window._genesys.widgets.webchat = {
  transport: {
    type: 'pureengage-v3-rest',
    // ... dataURL, headers ...
    async: { enabled: true, getSessionData: /* ... */, setSessionData: /* ... */ }
  }
};`;

/** Clears a stuck cross-tab poll lock (once, on load, before Widgets starts). */
export const POLL_LOCK_SNIPPET = `// Before Widgets loads: a "true" left by a tab that closed mid-poll stops every later poll.
try {
  if (localStorage.getItem('_genesys.widgets.chatPollPending') === 'true') {
    localStorage.setItem('_genesys.widgets.chatPollPending', 'false');
  }
} catch (e) { /* storage unavailable */ }`;

/** TRUSTED_DOMAINS in the cookie iframe's page, naming exact origins. */
export function trustedDomainsSnippet(origins: readonly string[]): string {
  const build = (shown: readonly string[]) => {
    const list = [...new Set(shown.filter(Boolean))].map((o) => `  ${jsString(o)}`).join(',\n');
    return `// In the cookie iframe's page, before iframe.min.js:\nvar TRUSTED_DOMAINS = [\n${list}\n];`;
  };
  const masked = origins.map((o) => maskString(String(o)));
  // An origin the masking would change on its own (a host named like a secret key) is left out.
  const kept = masked.filter((o) => steady(jsString(o), () => '') !== '');
  return steady(build(masked), () => steady(build(kept), () => build([])));
}

/** `CXBus.command(name, options)`: the call as the page made it, under another name. */
export function commandSnippet(name: string, options?: Copied): string {
  const call = (args: string) => `CXBus.command(${args});`;
  const named = jsString(maskString(name));
  const withOptions = hasOptions(options) ? call(`${named}, ${jsValue(options)}`) : call(named);
  return steady(withOptions, () => steady(call(named), () => call(jsString(MASK))));
}

/** A `before` hook on a command that returns its options on every path. */
export function beforeHookSnippet(name: string): string {
  const hook = (named: string) => `bus.before(${named}, function (options) {\n  // ... adjust options ...\n  return options;\n});`;
  return steady(hook(jsString(maskString(name))), () => hook(jsString(MASK)));
}

/** A page's string as a JavaScript string literal, safe inside an inline `<script>` too. */
export function jsString(s: string): string {
  return JSON.stringify(String(s)).replace(LITERAL_UNSAFE, unicodeEscape);
}

/** What JSON.stringify leaves as it is but a snippet must not hold raw: DEL and C1 controls,
 *  U+2028/U+2029 (line ends in older engines), the bidirectional marks and overrides, and the
 *  angle brackets of `</script>` and `<!--`. */
const LITERAL_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069<>]/g;

/** The code itself if the exits' masking leaves it unchanged, else the fallback's. */
function steady(code: string, fallback: () => string): string {
  return maskString(code) === code ? code : fallback();
}

function hasOptions(options: Copied | undefined): options is Copied {
  if (options === undefined || options === null) return false;
  if (isPlainObject(options) && !isMarker(options)) return Object.keys(options).length > 0;
  return !(isMarker(options) && options.$cx === 'undefined');
}

/** Levels and values of a page's options a snippet writes (the rest is cut, and marked so). */
const OPTIONS_LIMITS = { maxDepth: 8, maxNodes: 200 };
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** The options as a JavaScript expression (an object literal, an array, a string literal...),
 *  secrets masked. What the page hook could not copy (a function, a DOM node) is `undefined`. */
export function jsValue(value: Copied): string {
  return literal(maskSecrets(value, OPTIONS_LIMITS).value, 0);
}

function literal(v: Copied | undefined, depth: number): string {
  if (v === undefined || depth > OPTIONS_LIMITS.maxDepth + 1) return 'undefined';
  if (v === null || typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'null';
  if (typeof v === 'string') return jsString(v);
  if (Array.isArray(v)) return `[${v.map((item) => literal(item, depth + 1)).join(', ')}]`;
  if (isMarker(v)) return markerLiteral(v as unknown as Record<string, Copied>, depth);
  return objectLiteral(v, depth);
}

function objectLiteral(obj: { [key: string]: Copied }, depth: number): string {
  const entries = Object.keys(obj).map((key) => {
    const name = key === '__proto__' ? `[${jsString(key)}]` : IDENTIFIER.test(key) ? key : jsString(key);
    return `${name}: ${literal(obj[key], depth + 1)}`;
  });
  return entries.length ? `{ ${entries.join(', ')} }` : '{}';
}

/** A copier's marker (`$cx`) as the value it stands for, where that is known. */
function markerLiteral(m: Record<string, Copied>, depth: number): string {
  switch (m.$cx) {
    case 'number':
      return ['NaN', 'Infinity', '-Infinity'].includes(String(m.value)) ? String(m.value) : 'null';
    case 'bigint':
      return /^-?\d+$/.test(String(m.value)) ? `${String(m.value)}n` : 'null';
    case 'string':
      return typeof m.head === 'string' ? jsString(m.head) : 'undefined';
    case 'array':
      return Array.isArray(m.items) ? literal(m.items, depth) : '[]';
    case 'object':
      return isPlainObject(m.entries) ? objectLiteral(m.entries, depth) : '{}';
    case 'escaped':
      return isPlainObject(m.value) && !isMarker(m.value) ? objectLiteral(m.value, depth) : literal(m.value, depth + 1);
    default:
      return 'undefined';
  }
}
