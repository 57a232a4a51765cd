// chat.html (data-async="true") and chat-sync.html (data-async="false"): Widgets configured and
// loaded as a real page does, plus a page plugin whose before hook can cancel WebChat.open.
// ?storage=get-only configures async storage with getSessionData alone (Widgets ignores it);
// ?storage=misplaced puts it in webchat.async (the transport reads only webchat.transport.async);
// ?registration=locked takes the bus's master and locks plugin registration once WebChat is
// ready, as a Widgets build that calls lock() does: plugins registered later are refused.
(function () {
  var asyncEnabled = document.currentScript.getAttribute('data-async') === 'true';
  var params = new URLSearchParams(location.search);
  var storage = params.get('storage');
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
  if (params.get('registration') === 'locked') {
    var master = CXBus.registerMaster(); // before Widgets, which then runs without it
    page.subscribe('WebChat.ready', function () {
      if (master) master.lock();
    });
  }
  cxDemo.loadWidgets();
})();
