// index.html: links to every demo page on every site (absolute URLs, since sites differ by host).
(function () {
  var demo = window.CX_DEMO;
  var o = demo.origins;
  var sections = [
    ['Domain A (' + o.domainA + ')', o.domainA, [
      ['/chat.html', 'Async chat (main demo)'],
      ['/chat-sync.html', 'Chat with async disabled'],
      ['/chat.html?csp=strict', 'Async chat under a strict CSP'],
      ['/chat.html?storage=get-only', 'Async chat whose config has getSessionData only (async storage ignored)'],
      ['/inline-bus.html', 'Bus created by an inline <head> script'],
      ['/async-bus.html', 'Widgets loaded late (async)'],
      ['/payloads.html', 'Hostile payloads (cyclic, DOM, 5 MB, throwing getter, huge array)'],
      ['/bench.html', 'Publish benchmark page'],
      ['/xdomain.html', 'Cross-domain chat: start here'],
      ['/xdomain.html?untrusted', 'Cross-domain chat with an iframe that does not trust domain A'],
    ]],
    ['Domain B (' + o.domainB + ')', o.domainB, [
      ['/xdomain.html', 'Cross-domain chat: continue here'],
      ['/chat.html', 'Async chat'],
    ]],
    ['Cookie iframe host (' + o.iframeHost + ')', o.iframeHost, [
      ['/cx-lens/iframe.html', 'iframe.html (TRUSTED_DOMAINS: domain A and B)'],
      ['/cx-lens/iframe-without-a.html', 'iframe-without-a.html (domain B and lookalikes of A)'],
    ]],
    ['Untrusted site (' + o.untrusted + ')', o.untrusted, [
      ['/steal.html', 'Tries to read the chat cookie through the iframe'],
    ]],
  ];

  cxDemo.onBody(function () {
    cxDemo.banner();
    document.querySelector('[data-testid="agent-link"]').href = demo.agentURL;
    var list = document.querySelector('[data-testid="site-list"]');
    sections.forEach(function (section) {
      list.appendChild(cxDemo.el('h2', null, section[0]));
      var ul = cxDemo.el('ul');
      section[2].forEach(function (page) {
        var li = cxDemo.el('li');
        li.appendChild(cxDemo.el('a', { href: section[1] + page[0] }, page[1]));
        ul.appendChild(li);
      });
      list.appendChild(ul);
    });
  });
})();
