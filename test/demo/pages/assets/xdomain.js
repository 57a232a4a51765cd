// xdomain.html: the seed guide's "Complete Chat Initialization Sample", placeholders filled in for
// the demo (type, dataURL, endpoint, x-api-key, IFRAME_URL, Widgets from /widgets/). Variants:
//   ?untrusted   the iframe page whose TRUSTED_DOMAINS lacks domain A (only lookalikes of it)
//   ?load=await  waits for loadCookie() before loading Widgets (no race)
//   ?load=late   calls loadCookie() only after WebChat.open (Widgets looked for the session first)
//   ?iframe=missing  an iframe URL where nothing answers (the iframe host's name on a closed port)
(function () {
  var params = new URLSearchParams(location.search);
  var load = params.get('load') || 'guide';
  var demo = window.CX_DEMO;

  cxDemo.onBody(function () {
    cxDemo.banner();
    cxDemo.wireCommands();
    var other = demo.site === 'A' ? demo.origins.domainB : demo.origins.domainA;
    var link = document.querySelector('[data-testid="other-domain"]');
    link.href = other + '/xdomain.html' + location.search;
    link.textContent = other + '/xdomain.html' + location.search;
    document.querySelector('[data-testid="iframe-url"]').textContent = IFRAME_URL;
    document.querySelector('[data-testid="variant"]').textContent = (params.get('iframe') === 'missing' ? 'missing iframe, ' : '') +
      (params.has('untrusted') ? 'untrusted iframe, ' : '') + 'load=' + load;
    setInterval(showPageCookie, 500);
  });

  // ---- the guide's sample ----
  var IFRAME_URL = params.get('iframe') === 'missing' ? missingIframeURL()
    : params.has('untrusted') ? demo.iframeWithoutAURL : demo.iframeURL;
  var SESSION_COOKIE_NAME = demo.sessionCookieName;

  if (!window._genesys) window._genesys = {};

  window._genesys = {
    widgets: {
      webchat: {
        transport: {
          type: 'pureengage-v3-rest',
          dataURL: demo.dataURL,
          endpoint: demo.endpoint,
          headers: {
            'x-api-key': demo.apiKey,
          },
          async: {
            enabled: true,
            getSessionData: function (sessionData, Cookie, CookieOptions) {
              Cookie.set(SESSION_COOKIE_NAME, JSON.stringify(sessionData), CookieOptions);
            },
            setSessionData: function (Open, Cookie, CookieOptions) {
              return Cookie.get(SESSION_COOKIE_NAME);
            },
          },
        },
      },
    },
  };

  if (typeof window.CookieProvider !== 'function') {
    cxDemo.onBody(function () {
      cxDemo.notice('CookieProvider is missing: /cx-lens/cookie-provider.min.js did not load (run npm run build).');
    });
    return;
  }

  var widgetScriptElement = document.createElement('script');
  var widgetBaseUrl = '/widgets/';

  var cookieProvider = new CookieProvider(SESSION_COOKIE_NAME, IFRAME_URL);
  window.cookieProvider = cookieProvider; // for tests and the console
  var loaded = load === 'late' ? null : cookieProvider.loadCookie();

  widgetScriptElement.setAttribute('src', widgetBaseUrl + 'cxbus.min.js');
  widgetScriptElement.addEventListener('load', async function () {
    await CXBus.configure({
      debug: true,
      pluginsPath: widgetBaseUrl + 'plugins/',
    });
    await CXBus.loadPlugin('widgets-core');
    await CXBus.command('WebChat.open');
    if (load === 'late') cookieProvider.loadCookie();

    // set cookie to iframe when chat started
    var cookieProviderPlugin = window._genesys.widgets.bus.registerPlugin('CookieProvider');
    cookieProviderPlugin.subscribe('WebChat.started', function (e) {
      cookieProvider.saveCookie();
    });
  });

  if (load === 'await' && loaded && typeof loaded.then === 'function') {
    loaded.then(appendWidgets, appendWidgets);
  } else {
    appendWidgets();
  }

  function appendWidgets() {
    document.head.appendChild(widgetScriptElement);
  }

  // ---- demo helpers ----
  function showPageCookie() {
    var present = document.cookie.split('; ').some(function (pair) {
      return pair.indexOf(SESSION_COOKIE_NAME + '=') === 0;
    });
    document.querySelector('[data-testid="page-cookie"]').textContent = present ? 'present' : 'absent';
  }

  cxDemo.onBody(function () {
    document.querySelector('[data-testid="cookie-test-button"]').addEventListener('click', function () {
      var out = document.querySelector('[data-testid="cookie-test"]');
      out.textContent = 'testing...';
      cookieProvider.cookieTest(function (enabled) {
        out.textContent = enabled ? 'enabled' : 'disabled';
      });
    });
  });

  /** The iframe host on port 1, where nothing listens: the iframe never loads. */
  function missingIframeURL() {
    var url = new URL(demo.iframeURL);
    url.port = '1';
    return url.href;
  }
})();
