// The page hook against a page that replaces built-ins after the hook is installed. The hook's
// modules are bundled into one classic script (tamper-entry.ts) and run in a node:vm realm of its
// own under a `chrome-extension://` file name, as in a page: its built-ins are that realm's, taken
// when the script loads; the page's scripts of the same realm then replace one built-in at a time,
// with one that always throws, and with one that throws only when `new Error().stack` holds
// `chrome-extension:` (a page hunting for CX Lens), and publish 32 events. The page's own bus keeps
// working (32 of 32 delivered), and every event is recorded, or else counted as not recorded in
// the hook's status (the panel then shows that frame's capture as partial); the hook never calls a
// replacement.
import { beforeAll, describe, expect, it } from 'vitest';
import { build } from 'vite';
import vm from 'node:vm';
import { resolve } from 'node:path';
import { FakeClock } from '../fakes/fake-clock';
import { batchRecords } from './bus-tap-helpers';
import type { CaptureRecord, CommandRecord, EventRecord, HookMessage, HookStatus, OutcomeRecord } from '../../../src/shared/protocol';

const ROOT = resolve(import.meta.dirname, '../../..');
const HOOK_FILE = 'chrome-extension://cxlenstest/src/page/page-hook.iife.js';
const PAGE_FILE = 'https://shop.test/page.js';
const EVENTS = 32;

let hookScript: vm.Script;

beforeAll(async () => {
  const out = await build({
    configFile: false,
    logLevel: 'silent',
    root: ROOT,
    build: {
      write: false,
      target: 'chrome116', // as vite.config.ts builds the real hook
      minify: false,
      lib: { entry: resolve(import.meta.dirname, 'tamper-entry.ts'), formats: ['iife'], name: '__cxLensTamper' },
    },
  });
  const bundle = (Array.isArray(out) ? out[0] : out) as { output: { code: string }[] };
  hookScript = new vm.Script(bundle.output[0]!.code, { filename: HOOK_FILE });
}, 60_000);

// The page: a bus with the real shape (registerPlugin → interface; command returns a native
// promise; data(key) reads, data(key, value) stores), made by its first script, that needs no
// built-in while it publishes (plain loops), so that a replacement cannot break the page itself;
// 32 payloads made before anything is replaced; and the replacement helper, which keeps the
// originals it needs.
const PAGE = `
var __apply = Reflect.apply, __indexOf = String.prototype.indexOf, __define = Object.defineProperty;
var __getDescriptor = Object.getOwnPropertyDescriptor, __construct = Reflect.construct, __Error = Error;
var __Promise = Promise, __TypeError = TypeError;
var __log = { calls: 0, fromHook: 0, stack: '' };
function __fromHook() {
  var stack = new __Error().stack;
  var hook = typeof stack === 'string' && __apply(__indexOf, stack, ['chrome-extension:']) >= 0;
  if (hook && !__log.stack) __log.stack = stack;
  return hook;
}
function __replace(holder, key, mode) {
  var desc = __getDescriptor(holder, key);
  var getter = desc && !('value' in desc);
  var original = getter ? desc.get : desc && desc.value;
  var replacement = function () {
    __log.calls++;
    var hook = __fromHook();
    if (hook) __log.fromHook++;
    if (mode === 'throw' || hook) throw new __TypeError('replaced by the page');
    return new.target ? __construct(original, arguments, new.target) : __apply(original, this, arguments);
  };
  __define(holder, key, getter
    ? { get: replacement, configurable: true, enumerable: desc.enumerable }
    : { value: replacement, writable: true, configurable: true, enumerable: desc ? desc.enumerable : false });
}

var CXBus = (function () {
  var subs = {}, commands = {}, store = {};
  function plugin(ns) {
    return {
      publish: function (evt, data) {
        var name = ns + '.' + evt, list = subs[name] || [];
        for (var i = 0; i < list.length; i++) list[i]({ event: name, publisher: ns, data: data === undefined ? {} : data });
        return true;
      },
      subscribe: function (name, cb) { var list = subs[name] || (subs[name] = []); list[list.length] = cb; return name; },
      registerCommand: function (name, fn) { commands[ns + '.' + name] = fn; return true; },
      command: function (name, options) {
        var fn = commands[name];
        return new __Promise(function (resolve, reject) { if (fn) resolve(fn(options)); else reject('no such command'); });
      },
      data: function (key, value) {
        if (arguments.length < 2) return store[ns + '.' + key];
        store[ns + '.' + key] = value;
        return true;
      }
    };
  }
  var bus = plugin('CXBus');
  bus.registerPlugin = function (ns) { return plugin(ns); };
  return bus;
})();
var tamper = CXBus.registerPlugin('Tamper');
var __delivered = 0;
tamper.subscribe('Tamper.tick', function () { __delivered++; });
tamper.registerCommand('go', function (options) { return { went: options.n }; });
function Element() { this.nodeType = 1; this.nodeName = 'DIV'; this.id = 'n'; this.className = ' a  b '; }
var payloads = [];
for (var i = 0; i < ${EVENTS}; i++) {
  payloads[i] = {
    i: i, list: [i, i + 1], nested: { at: i, when: new Date(0), tags: new Set(['a']) },
    map: new Map([['k', i]]), re: /x+/gi, err: new RangeError('r' + i), node: new Element()
  };
}
payloads[3].nested.back = payloads[3].nested;
`;

const PUBLISH = `
for (var i = 0; i < ${EVENTS}; i++) tamper.publish('tick', payloads[i]);
tamper.data('mood', 'fine');
tamper.command('Tamper.go', { n: 7 });
`;

/** Built-ins a page can replace, as [label, holder, key] expressions of the page's realm. */
const BUILT_INS: [string, string, string][] = [
  ...['push', 'pop', 'slice', 'map', 'join', 'indexOf', 'includes', 'forEach', 'filter', 'concat', 'splice', 'sort', 'some']
    .map((m): [string, string, string] => [`Array.prototype.${m}`, 'Array.prototype', `'${m}'`]),
  ['Array.prototype[Symbol.iterator]', 'Array.prototype', 'Symbol.iterator'],
  ['%ArrayIteratorPrototype%.next', 'Object.getPrototypeOf([][Symbol.iterator]())', "'next'"],
  ['Array.isArray', 'Array', "'isArray'"],
  ['Array.from', 'Array', "'from'"],
  ...['keys', 'entries', 'assign', 'getOwnPropertyDescriptor', 'getPrototypeOf', 'defineProperty', 'create', 'freeze']
    .map((m): [string, string, string] => [`Object.${m}`, 'Object', `'${m}'`]),
  ['Reflect.apply', 'Reflect', "'apply'"],
  ['Reflect.defineProperty', 'Reflect', "'defineProperty'"],
  ['JSON.stringify', 'JSON', "'stringify'"],
  ['String', 'globalThis', "'String'"],
  ...['slice', 'indexOf', 'toLowerCase', 'trim', 'split', 'startsWith', 'charCodeAt', 'replace']
    .map((m): [string, string, string] => [`String.prototype.${m}`, 'String.prototype', `'${m}'`]),
  ...['get', 'set', 'has', 'entries', 'forEach'].map((m): [string, string, string] => [`Map.prototype.${m}`, 'Map.prototype', `'${m}'`]),
  ['Map.prototype.size (getter)', 'Map.prototype', "'size'"],
  ['%MapIteratorPrototype%.next', 'Object.getPrototypeOf(new Map().entries())', "'next'"],
  ...['add', 'has', 'values'].map((m): [string, string, string] => [`Set.prototype.${m}`, 'Set.prototype', `'${m}'`]),
  ...['get', 'set', 'has'].map((m): [string, string, string] => [`WeakMap.prototype.${m}`, 'WeakMap.prototype', `'${m}'`]),
  ...['add', 'has'].map((m): [string, string, string] => [`WeakSet.prototype.${m}`, 'WeakSet.prototype', `'${m}'`]),
  ['Map', 'globalThis', "'Map'"],
  ['WeakMap', 'globalThis', "'WeakMap'"],
  ...['apply', 'call', 'bind'].map((m): [string, string, string] => [`Function.prototype.${m}`, 'Function.prototype', `'${m}'`]),
  ['Promise.prototype.then', 'Promise.prototype', "'then'"],
  ['Promise.prototype.catch', 'Promise.prototype', "'catch'"],
  ['Promise.resolve', 'Promise', "'resolve'"],
  ['Promise', 'globalThis', "'Promise'"],
  ['Date.now', 'Date', "'now'"],
  ['Date.prototype.toISOString', 'Date.prototype', "'toISOString'"],
  ['performance.now', 'performance', "'now'"],
  ['setTimeout', 'globalThis', "'setTimeout'"],
  ['clearTimeout', 'globalThis', "'clearTimeout'"],
  ['MessagePort.prototype.postMessage', 'MessagePort.prototype', "'postMessage'"],
  ...['floor', 'min', 'max'].map((m): [string, string, string] => [`Math.${m}`, 'Math', `'${m}'`]),
  ...['exec', 'test'].map((m): [string, string, string] => [`RegExp.prototype.${m}`, 'RegExp.prototype', `'${m}'`]),
  ['RegExp.prototype[Symbol.split]', 'RegExp.prototype', 'Symbol.split'],
  ['RegExp.prototype.source (getter)', 'RegExp.prototype', "'source'"],
  ['Symbol.prototype.description (getter)', 'Symbol.prototype', "'description'"],
];

interface Run {
  records: CaptureRecord[];
  events: EventRecord[];
  status: HookStatus;
  delivered: number;
  log: { calls: number; fromHook: number; stack: string };
  run: (code: string) => unknown;
}

/** A page with the hook installed at its start, its bus and payloads, then `tamper` (page code). */
async function page(tamper: string | null, publish = PUBLISH): Promise<Run> {
  // Node formats the stack of an error of any realm with the main realm's Error.prepareStackTrace
  // (vitest's, which calls the CallSites' methods with `.call`, in the error's realm): a browser has
  // no such thing. Left out while the page runs, so that V8 formats its stacks itself.
  const prepare = Object.getOwnPropertyDescriptor(Error, 'prepareStackTrace');
  delete (Error as { prepareStackTrace?: unknown }).prepareStackTrace;
  try {
    return await pageRun(tamper, publish);
  } finally {
    if (prepare) Object.defineProperty(Error, 'prepareStackTrace', prepare);
  }
}

async function pageRun(tamper: string | null, publish: string): Promise<Run> {
  const clock = new FakeClock();
  const batches: HookMessage[] = [];
  const context = vm.createContext({
    // The platform's timers and port, which the hook's env takes at install (pageEnv).
    setTimeout: (fn: () => void, ms: number) => clock.setTimer(fn, ms),
    clearTimeout: (id: unknown) => clock.clearTimer(id),
    __send: (message: HookMessage) => batches.push(structuredClone(message)),
  });
  vm.runInContext('var performance = { now: function () { return 0; } }; function MessagePort() {} MessagePort.prototype.postMessage = function () {};', context);
  hookScript.runInContext(context);
  vm.runInContext('__cxLensTamper.installHook(globalThis, __cxLensTamper.pageEnv(globalThis, __send));', context, { filename: HOOK_FILE });
  const run = (code: string) => vm.runInContext(code, context, { filename: PAGE_FILE });
  run(PAGE);
  if (tamper) run(tamper);
  run(publish);
  await clock.advanceAsync(5000);
  const records = batches.flatMap(batchRecords);
  const statuses = records.filter((r) => r.t === 'status');
  return {
    records,
    events: records.filter((r): r is EventRecord => r.t === 'event' && r.name === 'Tamper.tick'),
    status: statuses.at(-1)!.status,
    delivered: run('__delivered') as number,
    log: { ...(run('__log') as Run['log']) },
    run,
  };
}

/** What every tick's copy is, whatever the page replaced. */
function expectedTick(i: number): unknown {
  return {
    i, list: [i, i + 1],
    nested: {
      at: i, when: { $cx: 'date', iso: '1970-01-01T00:00:00.000Z' }, tags: { $cx: 'set', items: ['a'], size: 1 },
      ...(i === 3 ? { back: { $cx: 'cycle', path: '$.nested' } } : {}),
    },
    map: { $cx: 'map', entries: [['k', i]], size: 1 },
    re: { $cx: 'regexp', source: 'x+', flags: 'gi' },
    err: { $cx: 'error', name: 'RangeError', message: `r${i}`, stack: expect.stringContaining(`RangeError: r${i}`) },
    node: { $cx: 'dom', description: 'div#n.a.b' },
  };
}

function expectAllRecorded(r: Run): void {
  expect(r.delivered).toBe(EVENTS); // the page's own bus: 32 of 32 delivered
  // Every event is recorded, or counted as not recorded: nothing goes unnoticed...
  expect(r.events.length + (r.status.unrecorded?.count ?? 0)).toBe(EVENTS);
  // ...and since the hook uses no built-in the page replaced, nothing is missed at all.
  expect(r.status.unrecorded).toBeUndefined();
  expect(r.events.map((e) => (e.data as { i: number }).i)).toEqual(Array.from({ length: EVENTS }, (_, i) => i));
  for (const [i, e] of r.events.entries()) expect(e.data).toEqual(expectedTick(i));
  const command = r.records.find((x): x is CommandRecord => x.t === 'command')!;
  expect(command).toMatchObject({ name: 'Tamper.go', options: { n: 7 } });
  expect(r.records.find((x): x is OutcomeRecord => x.t === 'outcome')).toMatchObject({ id: command.id, outcome: 'resolved', value: { went: 7 } });
  expect(r.records.filter((x) => x.t === 'event' && x.name === 'Tamper.data.mood')).toHaveLength(1);
  expect(r.status).toMatchObject({ cxbus: 'tapped', plugins: ['Tamper'] });
}

describe('the page hook in a realm of its own (node:vm), the page replacing built-ins after install', () => {
  it('an untouched page: every event recorded, copied in full', async () => {
    const r = await page(null);
    expectAllRecorded(r);
    expect(r.log.calls).toBe(0);
  });

  describe.each(['throw', 'marker'] as const)('a replacement that %s', (mode) => {
    it.each(BUILT_INS)('%s: the page\'s bus keeps working, all 32 events recorded, the replacement never called by the hook', async (_label, holder, key) => {
      const r = await page(`__replace(${holder}, ${key}, '${mode}');`);
      expect(r.log.fromHook, r.log.stack).toBe(0); // no stack of a call to the replacement holds chrome-extension:
      expectAllRecorded(r);
    });
  });

  it('every built-in replaced at once, each throwing when the stack holds chrome-extension:', async () => {
    const r = await page(BUILT_INS.map(([, holder, key]) => `__replace(${holder}, ${key}, 'marker');`).join('\n'));
    expect(r.log.fromHook, r.log.stack).toBe(0);
    expectAllRecorded(r);
  });
});

describe('what still fails inside the hook is counted, never silent', () => {
  it('the stack spent in the middle of a publish: the page goes on; every delivered event is recorded or counted, with the reason', async () => {
    // The page publishes at every depth as it unwinds from a stack overflow: near the bottom the
    // hook's own code has no stack left for the record (RangeError, caught in the hook).
    const r = await page(null, `
      var __outcomes = { threw: 0 };
      function deep(n) {
        try { deep(n + 1); } catch (e) { /* the bottom */ }
        try { tamper.publish('tick', n); } catch (e) { __outcomes.threw++; }
      }
      deep(0);
      tamper.publish('after', { ok: true });
    `);
    const deepEvents = r.records.filter((x): x is EventRecord => x.t === 'event' && x.name === 'Tamper.tick');
    const missed = r.status.unrecorded?.count ?? 0;
    expect(r.delivered).toBeGreaterThan(100);
    expect(deepEvents.length + missed).toBeGreaterThanOrEqual(r.delivered);
    expect(missed).toBeGreaterThan(0);
    expect(r.status.unrecorded!.reason).toMatch(/RangeError/);
    // The hook is not left in a broken state: the next publish is recorded as usual.
    expect(r.records.filter((x) => x.t === 'event' && x.name === 'Tamper.after')).toHaveLength(1);
  });
});
