// chat.html (data-async="true") and chat-sync.html (data-async="false"): Widgets configured and
// loaded as a real page does, plus a page plugin whose before hook can cancel WebChat.open.
// ?storage=get-only configures async storage with getSessionData alone (Widgets ignores it).
(function () {
  var asyncEnabled = document.currentScript.getAttribute('data-async') === 'true';
  var storage = new URLSearchParams(location.search).get('storage');
  window._genesys = { widgets: cxDemo.widgetsConfig(asyncEnabled, storage) };
  cxDemo.onBody(function () {
    cxDemo.banner();
    cxDemo.wireCommands();
    var lock = document.querySelector('[data-testid="poll-lock-set"]');
    if (lock) {
      lock.addEventListener('click', function () {
        cxDemo.leavePollLockSet();
        lock.textContent = 'Poll lock left set (reload to see polling stop)';
      });
    }
  });
  if (!cxDemo.requireBus()) return;

  var page = CXBus.registerPlugin('DemoPage');
  page.before('WebChat.open', function (options) {
    return options && options.blockedByDemo ? false : options;
  });
  cxDemo.loadWidgets();
})();
