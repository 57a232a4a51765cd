// inline-bus.html: the bus already exists (inline script); load Widgets on it as usual.
(function () {
  window._genesys = { widgets: cxDemo.widgetsConfig(false) };
  cxDemo.onBody(function () {
    cxDemo.banner();
    cxDemo.wireCommands();
    document.querySelector('[data-testid="inline-first-published"]').textContent = String(window.inlineFirstPublished);
  });
  if (cxDemo.requireBus()) cxDemo.loadWidgets();
})();
