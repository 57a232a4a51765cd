// Shared by the demo pages (window.cxDemo): the Widgets config a real page writes, loading Widgets
// the documented way, the site banner, and buttons that run bus commands and log their outcome.
// Needs /demo-config.js (window.CX_DEMO) first. Renders with textContent only.
(function () {
  var demo = window.CX_DEMO;
  var CHAT_COOKIE = 'cx-demo-chat-session';

  /** window._genesys.widgets for a pureengage-v3-rest chat against the emulated API.
   *  storage 'get-only' leaves out setSessionData (a common mistake): Widgets then ignores the
   *  page's async storage, since both functions must be there. */
  function widgetsConfig(asyncEnabled, storage) {
    var config = {
      main: { theme: 'light', lang: 'en' },
      webchat: {
        transport: {
          type: 'pureengage-v3-rest',
          dataURL: demo.dataURL,
          endpoint: demo.endpoint,
          headers: { 'x-api-key': demo.apiKey },
          async: {
            enabled: asyncEnabled,
            // Widgets calls this to STORE the session, after every new message index.
            getSessionData: function (sessionData, Cookies, cookieOptions) {
              Cookies.set(CHAT_COOKIE, JSON.stringify(sessionData), cookieOptions);
            },
            // Widgets calls this to READ the stored session back (async restore).
            setSessionData: function (openCookieName, Cookies) {
              return Cookies.get(CHAT_COOKIE);
            },
          },
        },
      },
    };
    if (storage === 'get-only') delete config.webchat.transport.async.setSessionData;
    return config;
  }

  /** True when cxbus.min.js ran; otherwise says so on the page. */
  function requireBus() {
    if (window.CXBus) return true;
    onBody(function () {
      notice('The Widgets emulation is missing: /widgets/cxbus.min.js did not define CXBus.');
    });
    return false;
  }

  function loadWidgets() {
    CXBus.configure({ debug: false, pluginsPath: '/widgets/plugins/' });
    CXBus.loadPlugin('widgets-core');
  }

  function onBody(fn) {
    if (document.body) fn();
    else document.addEventListener('DOMContentLoaded', fn);
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    for (var key in attrs || {}) node.setAttribute(key, attrs[key]);
    if (text != null) node.textContent = text;
    return node;
  }

  function notice(text) {
    var box = el('p', { class: 'notice', 'data-testid': 'notice' }, text);
    var main = document.querySelector('main') || document.body;
    main.insertBefore(box, main.firstChild);
  }

  /** The coloured bar that says which site this is, with links to the other sites and the agent. */
  function banner() {
    var header = el('header', { class: 'site', 'data-site': demo.site, 'data-testid': 'site-banner' });
    header.appendChild(el('strong', null, 'CX Lens demo: ' + demo.siteName + ' (' + location.origin + ')'));
    header.appendChild(el('a', { href: '/' }, 'index'));
    header.appendChild(el('a', { href: demo.agentURL, target: 'cx-demo-agent' }, 'agent console'));
    document.body.insertBefore(header, document.body.firstChild);
  }

  /** Buttons with data-command="Plugin.command" (and optional data-options JSON) run that
   *  command through the global CXBus and log resolved / rejected / cancelled / pending. */
  function wireCommands() {
    var log = document.getElementById('command-log');
    document.querySelectorAll('button[data-command]').forEach(function (button) {
      button.addEventListener('click', function () {
        var name = button.getAttribute('data-command');
        var options = button.hasAttribute('data-options') ? JSON.parse(button.getAttribute('data-options')) : undefined;
        var row = el('li', { 'data-testid': 'command-result', 'data-command': name, 'data-outcome': 'pending' });
        var set = function (outcome, detail) {
          row.setAttribute('data-outcome', outcome);
          row.textContent = name + ': ' + outcome + (detail ? ' (' + detail + ')' : '');
        };
        set('pending');
        log.appendChild(row);
        var deferred = CXBus.command(name, options);
        if (!deferred || typeof deferred.done !== 'function') return set('rejected', 'the bus returned no deferred');
        deferred
          .done(function () {
            set('resolved');
          })
          .fail(function (reason) {
            var text = typeof reason === 'string' ? reason : (reason && reason.message) || JSON.stringify(reason);
            set(/cancelled/i.test(text) ? 'cancelled' : 'rejected', text);
          });
      });
    });
  }

  /** Leaves Widgets' cross-tab poll lock set, as a tab closed in the middle of a poll does:
   *  the transport then never polls again until the lock is cleared. */
  function leavePollLockSet() {
    localStorage.setItem('_genesys.widgets.chatPollPending', 'true');
  }

  window.cxDemo = {
    leavePollLockSet: leavePollLockSet,
    widgetsConfig: widgetsConfig,
    requireBus: requireBus,
    loadWidgets: loadWidgets,
    onBody: onBody,
    el: el,
    notice: notice,
    banner: banner,
    wireCommands: wireCommands,
  };
})();
