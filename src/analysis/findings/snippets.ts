// Code the findings' fixes offer to paste. Written for this project: a page's own handler of the
// chat's end states, and corrected config fragments.

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
  const list = [...new Set(origins.filter(Boolean))].map((o) => `  ${JSON.stringify(o)}`).join(',\n');
  return `// In the cookie iframe's page, before iframe.min.js:\nvar TRUSTED_DOMAINS = [\n${list}\n];`;
}
