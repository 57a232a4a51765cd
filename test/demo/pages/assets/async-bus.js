// async-bus.html: the bus script is added late, as pages that defer their chat do.
(function () {
  var delay = Number(new URLSearchParams(location.search).get('delay') || 500);
  window._genesys = { widgets: cxDemo.widgetsConfig(false) };
  cxDemo.onBody(function () {
    cxDemo.banner();
    cxDemo.wireCommands();
  });
  setTimeout(function () {
    var script = document.createElement('script');
    script.src = '/widgets/cxbus.min.js';
    script.async = true;
    script.addEventListener('load', function () {
      cxDemo.loadWidgets();
      CXBus.registerPlugin('AsyncPage').publish('loaded', { delay: delay });
      document.querySelector('[data-testid="bus-status"]').textContent = 'loaded after ' + delay + ' ms';
    });
    script.addEventListener('error', function () {
      cxDemo.notice('The Widgets emulation is missing: /widgets/cxbus.min.js did not load.');
    });
    document.head.appendChild(script);
  }, delay);
})();
