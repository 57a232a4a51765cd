// steal.html (untrusted site): asks the cookie iframe for the chat session cookie in every
// plausible message shape and shows what came back. It has "stolen" the session when any reply
// carries a clientToken (a JWT).
(function () {
  var demo = window.CX_DEMO;
  var NAME = demo.sessionCookieName;
  var IFRAME_ORIGIN = new URL(demo.iframeURL).origin;
  var WAIT_MS = 2000;
  var JWT = /eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/;
  var replies = [];
  var frame;

  function requests() {
    var id = Date.now();
    return [
      // CX Lens's own cookie channel (docs/cookie-channel.md), exactly as the provider sends it.
      { type: 'cx-lens-cookie/load', v: 1, id: 'steal-' + id + '-1', name: NAME },
      { type: 'cx-lens-cookie/hello', v: 1, id: 'steal-' + id + '-2' },
      { type: 'cx-lens-cookie/test', v: 1, id: 'steal-' + id + '-3' },
      // Guesses at other bridges' shapes (a generic read/write bridge, ad-hoc names).
      { id: 'steal-' + id + '-4', operation: 'read', key: NAME },
      { type: 'loadCookie', name: NAME },
      { action: 'get', name: NAME },
    ];
  }

  window.addEventListener('message', function (event) {
    if (!frame || event.source !== frame.contentWindow) return;
    var text;
    try {
      text = typeof event.data === 'string' ? event.data : JSON.stringify(event.data);
    } catch (error) {
      text = String(event.data);
    }
    replies.push({ origin: event.origin, text: text });
    var row = cxDemo.el('li', { 'data-testid': 'steal-reply' }, event.origin + ' → ' + text);
    document.querySelector('[data-testid="steal-replies"]').appendChild(row);
  });

  function attempt() {
    var result = document.querySelector('[data-testid="steal-result"]');
    result.setAttribute('data-done', 'false');
    result.textContent = 'trying...';
    var sent = 0;
    requests().forEach(function (request) {
      [IFRAME_ORIGIN, '*'].forEach(function (target) {
        frame.contentWindow.postMessage(request, target);
        sent++;
      });
    });
    var direct = 'blocked';
    try {
      direct = String(frame.contentWindow.document.cookie);
    } catch (error) {
      direct = 'blocked (' + error.name + ')';
    }
    setTimeout(function () {
      var stolen = replies.some(function (reply) {
        return JWT.test(reply.text);
      }) || JWT.test(direct);
      result.setAttribute('data-stolen', stolen ? 'yes' : 'no');
      result.setAttribute('data-done', 'true');
      result.textContent = (stolen ? 'GOT the chat session' : 'nothing: no session data came back') +
        ' (' + sent + ' requests sent, ' + replies.length + ' replies, direct document.cookie read: ' + direct + ')';
    }, WAIT_MS);
  }

  cxDemo.onBody(function () {
    cxDemo.banner();
    document.querySelector('[data-testid="iframe-url"]').textContent = demo.iframeURL;
    frame = cxDemo.el('iframe', { src: demo.iframeURL, title: 'cookie iframe', 'data-testid': 'cookie-iframe' });
    frame.style.display = 'none';
    frame.addEventListener('load', attempt);
    document.body.appendChild(frame);
    document.querySelector('[data-testid="steal-again"]').addEventListener('click', attempt);
  });
})();
