// payloads.html: publishes payloads that a naive copier chokes on, and counts that the page and
// its own subscriber keep working.
(function () {
  if (!cxDemo.requireBus()) return;
  CXBus.configure({ debug: false, pluginsPath: '/widgets/plugins/' });

  function FakeJQuery(element) {
    this[0] = element;
    this.length = 1;
  }
  FakeJQuery.prototype.jquery = '3.7.1';

  var makers = {
    cyclic: function () {
      var node = { name: 'cyclic', children: [] };
      node.self = node;
      node.children.push({ parent: node });
      return node;
    },
    dom: function () {
      return { element: document.body, $element: new FakeJQuery(document.body), html: document.createElement('div') };
    },
    bigString: function () {
      return { text: 'x'.repeat(5 * 1024 * 1024) };
    },
    throwingGetter: function () {
      var payload = { before: 1, after: 2 };
      Object.defineProperty(payload, 'boom', {
        enumerable: true,
        get: function () {
          throw new Error('getter says no');
        },
      });
      return payload;
    },
    hugeArray: function () {
      var items = new Array(1000000);
      for (var i = 0; i < items.length; i++) items[i] = i;
      return { items: items };
    },
  };

  var publisher = CXBus.registerPlugin('Payloads');
  var sink = CXBus.registerPlugin('PayloadSink');
  var pageOk = 0;
  var received = 0;

  function show() {
    document.querySelector('[data-testid="page-ok"]').textContent = String(pageOk);
    document.querySelector('[data-testid="received"]').textContent = String(received);
  }

  Object.keys(makers).forEach(function (kind) {
    sink.subscribe('Payloads.' + kind, function () {
      received++;
      show();
    });
  });

  /** Publishes one payload of that kind; counts "page ok" only when publish returned normally. */
  window.publishPayload = function (kind) {
    if (!makers[kind]) throw new Error('unknown payload kind ' + kind);
    publisher.publish(kind, makers[kind]());
    pageOk++;
    show();
    return pageOk;
  };

  cxDemo.onBody(function () {
    cxDemo.banner();
    document.querySelectorAll('button[data-payload]').forEach(function (button) {
      button.addEventListener('click', function () {
        window.publishPayload(button.getAttribute('data-payload'));
      });
    });
  });
})();
