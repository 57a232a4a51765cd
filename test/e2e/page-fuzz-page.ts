// The page the page-side fuzz runs in (test/e2e/page-fuzz.test.ts): the project's CXBus emulation
// in synchronous mode, a class-based bus on `_genesys.widgets.bus` whose commands return native
// promises, and `window.__fuzz.run(cases)`, which builds each case's hostile payload from its JSON
// description, sends it through a bus and reports what the page saw. Plain ES2020, no build step.
export const FUZZ_PAGE = `<!doctype html><html><head>
<script src="/cxbus.js"></script>
<script>CXBus.configure({ async: false, debug: false });</script>
<script src="/fuzz.js"></script>
</head><body><div id="chat" class="cx-widget cx-webchat"><p>hello</p></div></body></html>`;

export const FUZZ_SCRIPT = String.raw`(function () {
  'use strict';
  var C = { getters: 0, methods: 0, gets: 0, introspect: 0 };
  var INTROSPECTION = { getPrototypeOf: 1, ownKeys: 1, getOwnPropertyDescriptor: 1 };
  var TRAPS = ['get', 'has', 'set', 'ownKeys', 'getOwnPropertyDescriptor', 'getPrototypeOf', 'defineProperty', 'deleteProperty', 'apply', 'construct', 'isExtensible', 'preventExtensions', 'setPrototypeOf'];

  function handlerOf(traps, throwing) {
    var handler = {};
    traps.forEach(function (trap) {
      handler[trap] = function () {
        if (INTROSPECTION[trap]) C.introspect++;
        else C.gets++;
        if (throwing) throw new Error('trap ' + trap);
        return Reflect[trap].apply(null, arguments);
      };
    });
    return handler;
  }

  /** obj[key] = value as an own data property, whatever the prototype has (setters, read-only). */
  function define(obj, key, value) {
    Object.defineProperty(obj, key, { value: value, writable: true, enumerable: true, configurable: true });
  }

  function countingGetter(obj, key, throwing) {
    Object.defineProperty(obj, key, {
      get: function () {
        C.getters++;
        if (throwing) throw new Error('getter ' + String(key));
        return 'got';
      },
      set: function () { C.getters++; },
      enumerable: true, configurable: true,
    });
  }

  var METHOD_KEYS = { toJSON: 'toJSON', toString: 'toString', valueOf: 'valueOf', toPrimitive: Symbol.toPrimitive, iterator: Symbol.iterator, inspect: 'inspect' };
  function addMethod(obj, name, throwing) {
    var key = METHOD_KEYS[name];
    if (name === 'toStringTag') return countingGetter(obj, Symbol.toStringTag, throwing);
    define(obj, key, function () {
      C.methods++;
      if (throwing) throw new Error('method ' + name);
      return name === 'valueOf' || name === 'toPrimitive' ? 1 : 'x';
    });
  }

  function protoOf(kind) {
    switch (kind) {
      case 'null': return null;
      case 'class': return (class Payload { hello() { return 1; } }).prototype;
      case 'getterProto': { var p = {}; countingGetter(p, 'inherited', false); countingGetter(p, Symbol.toStringTag, true); return p; }
      case 'proxyProto': return new Proxy({}, handlerOf(TRAPS, false));
      case 'arrayProto': return Array.prototype;
      case 'dateProto': return Date.prototype;
      case 'errorProto': return Error.prototype;
      default: return Object.prototype;
    }
  }

  function finish(obj, freeze) {
    if (freeze === 1) Object.seal(obj);
    else if (freeze === 2) Object.freeze(obj);
    else if (freeze === 3) Object.preventExtensions(obj);
    return obj;
  }

  function exotic(which) {
    switch (which) {
      case 'date': return new Date(86400000);
      case 'baddate': return new Date(NaN);
      case 'regexp': return /a+(b)?/gimsuy;
      case 'map': return new Map([['k', 1], [{ o: 1 }, [2]]]);
      case 'set': return new Set([1, 'two', {}]);
      case 'weakmap': return new WeakMap();
      case 'error': return new Error('boom');
      case 'typeerror': return new TypeError('type boom');
      case 'customError': { class MyError extends Error { get name() { C.getters++; return 'MyError'; } } return new MyError('custom'); }
      case 'typed': return new Float64Array([1.5, NaN, -0]);
      case 'dataview': return new DataView(new ArrayBuffer(8));
      case 'arraybuffer': return new ArrayBuffer(16);
      case 'dom': return document.getElementById('chat');
      case 'domlist': return document.querySelectorAll('body *');
      case 'window': return window;
      case 'document': return document;
      case 'promise': { var p = Promise.reject(new Error('inner')); p.catch(function () {}); return p; }
      case 'boxedstring': return new String('boxed');
      case 'boxednumber': return new Number(7);
      case 'arguments': return (function () { return arguments; })(1, 'a', {});
      case 'generator': return (function* () { yield 1; })();
      case 'jqueryLike': { var fn = { jquery: '3.7.1' }; var j = Object.create(fn); j[0] = document.body; j.length = 1; return j; }
      case 'symbolKeyed': { var o = { visible: 1 }; o[Symbol('hidden')] = 2; Object.defineProperty(o, 'hidden', { value: 3, enumerable: false }); return o; }
      default: return null;
    }
  }

  function special(name) {
    switch (name) {
      case 'undefined': return undefined;
      case 'NaN': return NaN;
      case 'Infinity': return -Infinity;
      case '-0': return -0;
      case 'bigint': return 12345678901234567890n;
      case 'symbol': return Symbol('sym');
      case 'fn': return function named(a, b) { C.methods++; };
      case 'arrow': return function () { return () => 1; }();
      case 'class': return class Thing {};
      case 'asyncfn': return async function later() {};
      case 'bound': return function () {}.bind(null);
      default: return null;
    }
  }

  /** Builds the payload a spec describes; parents: containers being built, for cycles. */
  function build(spec, parents) {
    switch (spec[0]) {
      case 'p': return spec[1];
      case 'sp': return special(spec[1]);
      case 'str': return 'x'.repeat(spec[1]);
      case 'ex': return exotic(spec[1]);
      case 'cycle': return parents.length ? parents[spec[1] % parents.length] : null;
      case 'o': {
        var opts = spec[2];
        var obj = Object.create(protoOf(opts.proto));
        parents.push(obj);
        spec[1].forEach(function (entry) { define(obj, entry[0], build(entry[1], parents)); });
        opts.getters.forEach(function (g) { countingGetter(obj, g[0], g[1]); });
        opts.methods.forEach(function (m) { addMethod(obj, m[0], m[1]); });
        parents.pop();
        return finish(obj, opts.freeze);
      }
      case 'a': {
        var o = spec[2];
        var arr = [];
        parents.push(arr);
        spec[1].forEach(function (item, i) { if (o.holes.indexOf(i) < 0) define(arr, i, build(item, parents)); else arr.length = i + 1; });
        if (o.getterAt >= 0) countingGetter(arr, o.getterAt, o.throwing);
        if (o.extra) arr.extra = 'extra';
        parents.pop();
        return finish(arr, o.freeze);
      }
      case 'huge': {
        var n = spec[1];
        if (spec[2] === 'sparse') { var sparse = new Array(n); sparse[n - 1] = 'last'; sparse[3] = 'third'; return sparse; }
        var big = new Array(n);
        for (var i = 0; i < n; i++) big[i] = spec[2] === 'obj' ? { i: i } : i;
        return big;
      }
      case 'wide': {
        var wide = {};
        for (var k = 0; k < spec[1]; k++) wide['k' + k] = k;
        return wide;
      }
      case 'deep': {
        var root = {};
        var at = root;
        for (var d = 0; d < spec[1]; d++) at = at.next = spec[2] ? [] : {};
        return root;
      }
      case 'dag': {
        var node = { leaf: true };
        for (var l = 0; l < spec[1]; l++) node = { a: node, b: node };
        return node;
      }
      case 'px': {
        var target = build(spec[1], parents);
        if ((typeof target !== 'object' && typeof target !== 'function') || target === null) target = {};
        var px = Proxy.revocable(target, handlerOf(spec[2], spec[3]));
        if (spec[4]) px.revoke();
        return px.proxy;
      }
      default: return null;
    }
  }

  // ---------------------------------------------------------------- the buses

  var fuzz = CXBus.registerPlugin('Fuzz');
  var seen = [];
  fuzz.subscribe('Fuzz.evt', function (e) { seen.push(e); });
  fuzz.registerCommand('echo', function (e) { e.deferred.resolve(e.data); });
  fuzz.registerCommand('fail', function (e) { e.deferred.reject(e.data); });

  class ClassBus {
    constructor(ns) { this.ns = ns; this.subs = []; }
    publish(evt, data) { for (var i = 0; i < this.subs.length; i++) this.subs[i]({ publisher: this.ns, data: data }); return true; }
    subscribe(name, cb) { this.subs.push(cb); return name; }
    command(name, data) {
      if (name === 'reject') return Promise.reject(data);
      if (name === 'resolve') return Promise.resolve({ box: data });
      return name;
    }
    namespace() { return this.ns; }
  }
  var quick = new ClassBus('ClassQuick');
  quick.subscribe('ClassQuick.evt', function (e) { seen.push(e); });
  window._genesys = { widgets: { bus: quick } };

  var unhandled = [];
  addEventListener('unhandledrejection', function (e) { unhandled.push(e.reason); e.preventDefault(); });
  var handledLater = 0;
  addEventListener('rejectionhandled', function () { handledLater++; });

  function describe(value, payload) {
    if (value === payload) return 'payload';
    if (value === undefined || value === null || typeof value !== 'object') return typeof value + ':' + (typeof value === 'symbol' ? 'sym' : String(value));
    return 'object:' + (value instanceof Promise ? 'Promise' : typeof value.done === 'function' ? 'deferred' : Object.prototype.toString.call(Object.keys(value)));
  }

  function runCase(c) {
    var payload;
    try {
      payload = build(c.spec, []);
    } catch (error) {
      return { out: { id: c.id, op: c.op, ret: 'unbuildable: ' + error.message }, from: unhandled.length, payload: undefined };
    }
    var before = { getters: C.getters, methods: C.methods, gets: C.gets, introspect: C.introspect };
    var out = { id: c.id, op: c.op, ret: '', seen: '', settled: '', unhandled: 0 };
    seen.length = 0;
    var from = unhandled.length;
    try {
      var ret;
      switch (c.op) {
        case 'publish': ret = fuzz.publish('evt', payload); break;
        case 'publishDirect': ret = fuzz.publishDirect('evt', payload); break;
        case 'classPublish': ret = quick.publish('evt', payload); break;
        case 'data': ret = fuzz.data('k' + c.id, payload); break;
        case 'command': ret = fuzz.command('Fuzz.echo', payload); ret.done(function (v) { out.settled = v === payload ? 'resolved:payload' : 'resolved:other'; }); break;
        case 'fail': ret = fuzz.command('Fuzz.fail', payload); ret.fail(function (v) { out.settled = v === payload ? 'rejected:payload' : 'rejected:other'; }); break;
        case 'named': ret = fuzz.publish(payload, {}); break; // the payload as the event's name
        case 'commandNamed': ret = fuzz.command(payload, {}); break;
        case 'registerNamed': ret = fuzz.registerEvents(payload); break;
        case 'nativeReject': ret = quick.command('reject', payload); break; // left unhandled on purpose
        case 'nativeResolve': ret = quick.command('resolve', payload); ret.then(function (v) { out.settled = v && v.box === payload ? 'resolved:payload' : 'resolved:other'; }); break;
        case 'nativeCaught': ret = quick.command('reject', payload); ret.catch(function (r) { out.settled = r === payload ? 'caught:payload' : 'caught:other'; }); break;
      }
      out.ret = describe(ret, payload);
    } catch (error) {
      out.ret = 'threw:' + (error && error.message);
    }
    out.seen = seen.map(function (e) { return e.data === payload ? 'payload' : describe(e.data, payload); }).join(',');
    // What the call itself ran of the payload's code (the hook's deep copy runs later: in the totals).
    out.getters = C.getters - before.getters;
    out.methods = C.methods - before.methods;
    out.gets = C.gets - before.gets;
    return { out: out, from: from, payload: payload };
  }

  window.__fuzz = {
    /** Runs the cases, waits for the hook's flush (the deep copy happens then) and reports. */
    run: function (cases, waitMs) {
      var runs = cases.map(runCase);
      return new Promise(function (resolve) { setTimeout(resolve, waitMs); }).then(function () {
        var counts = { getters: C.getters, methods: C.methods, gets: C.gets, introspect: C.introspect };
        return {
          results: runs.map(function (r, i) {
            var next = i + 1 < runs.length ? runs[i + 1].from : unhandled.length;
            r.out.unhandled = unhandled.slice(r.from, next).filter(function (reason) { return reason === r.payload; }).length;
            return r.out;
          }),
          counts: counts,
          unhandled: unhandled.length,
          handledLater: handledLater,
        };
      });
    },
    /** Per-case counters are not separable once copies run at flush time: the totals are compared,
     *  and a failing batch is bisected by the test. */
    reset: function () { C.getters = C.methods = C.gets = C.introspect = 0; unhandled.length = 0; handledLater = 0; },
    /** A command's native promise left rejected, from page script: what unhandledrejection saw. */
    rejectProbe: function () {
      var reason = new Error('no agents');
      var result = { unhandled: 0, sameObject: false, handled: 0 };
      var returned;
      addEventListener('unhandledrejection', function (e) {
        if (e.reason !== reason) return;
        result.unhandled++;
        result.sameObject = e.promise === returned;
      });
      addEventListener('rejectionhandled', function (e) { if (e.reason === reason) result.handled++; });
      returned = quick.command('reject', reason);
      return new Promise(function (resolve) { setTimeout(function () { resolve(result); }, 300); });
    },
    tapped: function () {
      var text = Function.prototype.toString;
      function constructs(fn) {
        try { new fn('evt', {}); return 'constructs'; } catch (error) { return error.constructor.name; }
      }
      return {
        publish: text.call(fuzz.publish), classPublish: text.call(ClassBus.prototype.publish), own: Object.getOwnPropertyNames(quick),
        postMessage: text.call(window.postMessage),
        shape: [fuzz.publish, fuzz.command, quick.publish, quick.command].map(function (fn) {
          return [fn.name, fn.length, Reflect.ownKeys(fn).map(String).join(), 'prototype' in fn, constructs(fn)].join(' ');
        }),
      };
    },
  };
})();`;
