// bench.html: page-side timing of n publishes with one subscriber (npm run bench drives it).
(function () {
  if (!cxDemo.requireBus()) return;
  CXBus.configure({ debug: false, pluginsPath: '/widgets/plugins/' });
  var publisher = CXBus.registerPlugin('Bench');
  var sink = CXBus.registerPlugin('BenchSink');
  var run = null; // {target, received, started, resolve}

  sink.subscribe('Bench.tick', function () {
    if (!run) return;
    run.received++;
    if (run.received === run.target) finish();
  });

  function finish() {
    var done = run;
    run = null;
    done.resolve(performance.now() - done.started);
  }

  /** Resolves with the elapsed ms once the subscriber has run n times. One run at a time. */
  window.runPublishes = function (n) {
    if (run) return Promise.reject(new Error('a run is already in progress'));
    return new Promise(function (resolve) {
      run = { target: n, received: 0, started: performance.now(), resolve: resolve };
      if (n <= 0) return finish();
      for (var i = 0; i < n; i++) publisher.publish('tick', { i: i });
    });
  };

  cxDemo.onBody(function () {
    cxDemo.banner();
    document.querySelector('[data-testid="run-bench"]').addEventListener('click', function () {
      window.runPublishes(20000).then(function (ms) {
        document.querySelector('[data-testid="bench-result"]').textContent = '20,000 publishes in ' + ms.toFixed(1) + ' ms';
      });
    });
  });
})();
