// chat.html (data-async="true") and chat-sync.html (data-async="false"): Widgets configured and
// loaded as a real page does, plus a page plugin whose before hook can cancel WebChat.open.
(function () {
  var asyncEnabled = document.currentScript.getAttribute('data-async') === 'true';
  window._genesys = { widgets: cxDemo.widgetsConfig(asyncEnabled) };
  cxDemo.onBody(function () {
    cxDemo.banner();
    cxDemo.wireCommands();
  });
  if (!cxDemo.requireBus()) return;

  var page = CXBus.registerPlugin('DemoPage');
  page.before('WebChat.open', function (options) {
    return options && options.blockedByDemo ? false : options;
  });
  cxDemo.loadWidgets();
})();
