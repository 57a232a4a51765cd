// Fuzz of the panel's door: generated records (any JSON, any kind, valid kinds with wrong field
// types, huge and deep values, page-made or not) go through the real feed (chunk JSON, as the
// service worker sends it) into createTabModels' store, then through every view model and every
// pure derivation a view runs. 0 exceptions; every record is taken by a view (shown) or is a
// malformed record, and the counts add up.
// The seed is fixed (DOOR_FUZZ_SEED overrides it); fast-check prints seed and path on failure.
// Cases that once failed are kept in REGRESSIONS and replayed first.
import { afterEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { createTabModels, type TabModels } from '../../../../src/analysis/store/tab-models';
import { PanelFeed, type FeedPort } from '../../../../src/analysis/store/feed';
import { RECORD_SHAPES, shapeProblem } from '../../../../src/analysis/store/record-shape';
import type { RecordView } from '../../../../src/analysis/store/tab-store';
import { SEARCH_FIELD_MAX, type BusRow } from '../../../../src/analysis/bus/bus-model';
import { FilteredRows, matchRow, parseFilter } from '../../../../src/analysis/bus/filter';
import { rowJson } from '../../../../panel/bus/DetailPane';
import { maskSecrets } from '../../../../src/analysis/text/secrets';
import { SUMMARY_MAX, isMarker, markerLabel, summarize } from '../../../../src/analysis/text/summary';
import { childrenOf, treeNode } from '../../../../panel/components/json-tree-model';
import { buildCookieSync } from '../../../../src/analysis/cookies/cookie-sync';
import { describeInjectRecord, finalizeStatus, latestInject } from '../../../../src/analysis/injection/status';
import { problemItems, reactionText } from '../../../../src/analysis/states/status';
import { captureStatus, lossText } from '../../../../src/analysis/store/capture-status';
import { runRules } from '../../../../src/analysis/findings/engine';
import { layoutChart } from '../../../../src/analysis/states/chart-model';
import { collect, type HarEntryLike } from '../../../../src/analysis/states/network';
import { recordingJson } from '../../../../src/analysis/files/format';
import type { Copied, FrameInfo, InjectRecord, PanelToWorker, WorkerToPanel } from '../../../../src/shared/protocol';

const SEED = Number(process.env.DOOR_FUZZ_SEED ?? 20261128);
/** Runs of the main property, and records per run: 60 × 20..40 ≥ 1,200 records. */
const RUNS = Number(process.env.DOOR_FUZZ_RUNS ?? 60);
const NOW = 1_700_000_000_000;

/** Cases that once failed (seed and path as fast-check printed them), replayed on every run. */
const REGRESSIONS: { seed: number; path: string; what: string }[] = [
  { seed: 20261128, path: '1', what: 'a megabyte "eyJeyJ…" string without dots: the JWT mask (a regex) was quadratic and froze the panel' },
];

// ------------------------------------------------------------------------------------------
// Values

/** Placeholders for values too deep to build as objects (JSON.stringify would overflow): the
 *  batch's JSON text gets them written out as text, the way a page posts them. */
const DEEP = /"@@deep@@(\d+)@@(array|object|escaped)@@"/g;
const deepText = (levels: number, kind: string): string => {
  const [open, close] = kind === 'array' ? ['[', ']'] : kind === 'object' ? ['{"a":', '}'] : ['{"$cx":"escaped","value":', '}'];
  return open.repeat(levels) + '1' + close.repeat(levels);
};
const deepValue = fc.record({ levels: fc.constantFrom(70, 1000, 10_000), kind: fc.constantFrom('array', 'object', 'escaped') })
  .map(({ levels, kind }) => `@@deep@@${levels}@@${kind}@@`);

/** Placeholders for arrays of a few hundred thousand items (a 0.4 MB chat response of 200,000
 *  items once overflowed `push(...items)`), written out as text: `0`s, helper objects, or state
 *  messages that each open a segment. */
const LARGE_ARRAY = /"@@large@@(\d+)@@(zero|helper|state)@@"/g;
const LARGE_ITEM: Record<string, (i: number) => string> = {
  zero: () => '0',
  helper: () => '{"lastDeliveredIndex":"1-0","chatEnded":false}',
  state: (i) => `{"type":"System","from":{"type":"System"},"event":"InteractionStateChange","data":{"interactionState":"${i % 2 ? 'Finalizing' : 'Active'}"},"id":"s${i}","index":"${i}"}`,
};
const largeText = (items: number, kind: string): string => `[${Array.from({ length: items }, (_, i) => LARGE_ITEM[kind]!(i)).join(',')}]`;
const largeArray = fc.record({ items: fc.constantFrom(1000, 200_000), kind: fc.constantFrom('zero', 'helper', 'state') })
  .map(({ items, kind }) => `@@large@@${items}@@${kind}@@`);

/** Numbers a page or a file can write: ±1e300, the largest, the smallest, and (as text, no
 *  JSON.stringify writes them) 1e400 and -1e400, which JSON.parse makes ±Infinity. */
const EXTREME_NUMBER = /"@@number@@(-?1e400)@@"/g;
const finiteExtreme = fc.constantFrom(1e300, -1e300, Number.MAX_VALUE, -Number.MAX_VALUE, 5e-324, 8.64e15 + 1, -8.64e15 - 1);
const extremeNumber = fc.oneof(finiteExtreme, fc.constantFrom('@@number@@1e400@@', '@@number@@-1e400@@'));

/** What the generated input held, over a whole fuzz run: the test checks that each kind came. */
const written = { large: 0, infinite: 0, extreme: 0 };

/** The JSON text of a value with every placeholder written out. */
const writeOut = (json: string): string => {
  if (/1e\+300|1\.7976931348623157e\+308/.test(json)) written.extreme++;
  return json
    .replace(DEEP, (_m, levels: string, kind: string) => deepText(Number(levels), kind))
    .replace(LARGE_ARRAY, (_m, items: string, kind: string) => (items === '200000' && written.large++, largeText(Number(items), kind)))
    .replace(EXTREME_NUMBER, (_m, n: string) => (written.infinite++, n));
};

const MARKERS = ['cycle', 'function', 'dom', 'jquery', 'window', 'string', 'array', 'object', 'depth', 'budget', 'threw',
  'undefined', 'number', 'bigint', 'symbol', 'date', 'regexp', 'error', 'map', 'set', 'escaped', 'too-large'];
const KEYS = ['name', 'value', 'items', 'entries', 'length', 'keys', 'size', 'head', 'path', 'message', 'stack', 'token', 'type',
  'description', 'source', 'iso', '__proto__', 'constructor', 'toString', '$cx', 'data', 'id', 'result', 'messages'];

/** Any value a page can put where a payload, a name or a number is expected. */
const anyValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { maxDepth: 3, depthSize: 'small' },
    { weight: 6, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    { weight: 2, arbitrary: fc.constantFrom(42, -1, 0, 1e308, 'x', '', true, false, null, [], {}, 'eyJhbGciOi.eyJzdWIiOi.sig', 'cx-lens-cookie/reply') },
    { weight: 1, arbitrary: extremeNumber },
    { weight: 1, arbitrary: deepValue },
    // Huge strings: rare, but megabytes.
    { weight: 1, arbitrary: fc.constantFrom(100_000, 1_000_000).chain((n) => fc.constantFrom('x', 'eyJ', ' \n', 'A.b').map((s) => s.repeat(Math.ceil(n / s.length)))) },
    { weight: 2, arbitrary: fc.record({ $cx: fc.constantFrom(...MARKERS) }).chain((m) => fc.dictionary(fc.constantFrom(...KEYS), tie('value'), { maxKeys: 3 }).map((rest) => ({ ...rest, ...m }))) },
    { weight: 1, arbitrary: fc.dictionary(fc.constantFrom(...KEYS), tie('value'), { maxKeys: 4 }) },
    { weight: 1, arbitrary: fc.array(tie('value'), { maxLength: 4 }) },
  ),
})).value;

// ------------------------------------------------------------------------------------------
// Records

const str = fc.string({ maxLength: 20 });
const name = fc.oneof(fc.constantFrom(
  'WebChatService.started', 'WebChatService.ended', 'WebChatService.messageReceived', 'WebChat.injectMessage', 'WebChat.endChat',
  'WebChatService.endChat', 'WebChat.open', 'WebChatService.asyncRestore', 'App.ready', 'constructor', '__proto__',
), str);
const origin = fc.constantFrom('http://localhost:8760', 'http://[::1]:8780', 'https://a.test', 'null', '', 'not an origin');
/** A time a record's field may hold (a finite number: the door refuses ±Infinity there). */
const time = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: NOW - 10_000, max: NOW + 10_000 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -1, Number.MAX_SAFE_INTEGER) },
  { weight: 1, arbitrary: finiteExtreme },
);
/** A record's own time: also 1e400 (Infinity once parsed), which makes the record malformed. */
const recordTime = fc.oneof({ weight: 20, arbitrary: time }, { weight: 1, arbitrary: fc.constantFrom('@@number@@1e400@@', '@@number@@-1e400@@') });
const id = fc.integer({ min: 0, max: 5 });
const chatMessage = fc.record({
  id: fc.oneof(fc.string({ maxLength: 4 }), anyValue), index: fc.oneof(fc.integer({ min: 0, max: 9 }), anyValue),
  type: fc.constantFrom('Message', 'Notice', 'ParticipantJoined', 'TypingStarted'),
  from: fc.record({ type: fc.constantFrom('Agent', 'Client', 'External') }),
  text: fc.constantFrom('Finalizing', 'Completed', 'Active', 'hi'), utcTime: fc.constantFrom('2026-11-28T12:00:00.000Z', 'nope'),
}, { requiredKeys: [] });
const eventData = fc.oneof(
  { weight: 10, arbitrary: anyValue },
  { weight: 10, arbitrary: fc.record({ data: fc.record({ id: fc.string({ maxLength: 4 }), messages: fc.array(chatMessage, { maxLength: 3 }) }, { requiredKeys: [] }) }) },
  // A messageReceived payload whose originalMessages is a large array: read by the States timeline.
  { weight: 1, arbitrary: largeArray.map((list) => ({ originalMessages: list, messages: [], sessionData: { sessionId: 's1' } })) },
);

/** A record of each kind, as the hook (or the relay) writes it: it has its kind's shape. */
const validByKind: Record<string, fc.Arbitrary<Record<string, unknown>>> = {
  event: fc.record({ name, publisher: str, via: fc.constantFrom('publish', 'publishDirect', 'republish', 'replay', 'data', 'synthetic'), data: eventData }),
  command: fc.record({ id, name, commander: str, options: anyValue }),
  outcome: fc.record({ id, outcome: fc.constantFrom('resolved', 'rejected', 'cancelled'), value: anyValue }),
  plugin: fc.record({ action: fc.constantFrom('registerPlugin', 'subscribe', 'before'), plugin: str, names: fc.array(str, { maxLength: 5 }), ok: fc.boolean() }),
  status: fc.record({ status: fc.record({
    cxbus: fc.constantFrom('absent', 'tapped', 'untappable'), quickBus: fc.boolean(), plugins: fc.array(str, { maxLength: 3 }), problems: fc.array(str, { maxLength: 2 }),
    transport: fc.record({ type: str, asyncEnabled: fc.boolean() }, { requiredKeys: [] }),
  }, { requiredKeys: ['cxbus', 'quickBus', 'plugins', 'problems'] }) }),
  inject: fc.record({
    feature: fc.constantFrom('finalize', 'simulate', 'cookie-provider'), state: fc.constantFrom('installed', 'waiting', 'fired', 'delivered', 'failed', 'removed'),
    detail: fc.dictionary(fc.constantFrom('bus', 'command', 'action', 'state', 'error', 'options', 'message', 'synthetic'), anyValue, { maxKeys: 3 }),
  }),
  channel: fc.record({
    direction: fc.constantFrom('in', 'out'), peer: fc.constantFrom('parent', 'child', 'self', 'other', 'none'), peerUrl: fc.constantFrom('http://[::1]:8780/iframe.html', 'x'),
    senderOrigin: origin, receiverOrigin: origin, targetOrigin: fc.constantFrom('*', 'http://[::1]:8780'), delivered: fc.boolean(), channel: fc.boolean(),
    type: fc.constantFrom('cx-lens-cookie/reply', 'cx-lens-cookie/load', 'cx-lens-cookie/save', 'cx-lens-cookie/hello', 'other'),
    id: fc.constantFrom('r1', 'r2'), ok: fc.boolean(), errorCode: fc.constantFrom('untrusted-origin', 'x'), carriesSession: fc.boolean(),
    data: fc.oneof(anyValue, fc.record({ result: fc.record({ found: fc.boolean(), saved: fc.boolean(), enabled: fc.boolean(), blocked: fc.constantFrom(null, 'insecure-context', 'x'), protocol: fc.constant(1) }, { requiredKeys: [] }), name: str })),
  }, { requiredKeys: ['direction', 'peer', 'senderOrigin', 'receiverOrigin', 'channel', 'carriesSession', 'data'] }),
  'channel-gap': fc.record({ channel: fc.nat(), other: fc.nat(), from: time, to: time, origins: fc.array(fc.record({ origin, count: fc.nat() }), { maxLength: 5 }) }),
  'cookie-facts': fc.record({
    role: fc.constantFrom('page', 'iframe'), url: fc.constantFrom('http://[::1]:8780/iframe.html', 'http://localhost:8760/'), origin,
    trustedDomains: fc.oneof(fc.constant(null), str, fc.array(fc.oneof(origin, str), { maxLength: 4 })),
    provider: fc.record({ cookieProvider: fc.boolean(), extension: fc.boolean(), injected: fc.boolean() }),
    frames: fc.array(fc.record({ url: str, origin }), { maxLength: 3 }),
    cookies: fc.array(fc.record({ name: fc.constantFrom('sess', 'cx-lens-cookie.sess', 'x'), length: fc.oneof(fc.nat(), finiteExtreme), value: str, session: str, expires: fc.oneof(fc.constant(null), time) }, { requiredKeys: ['name', 'length', 'value', 'session'] }), { maxLength: 3 }),
    cookiesLeftOut: fc.nat(), cookiesUnreadable: fc.boolean(),
  }, { requiredKeys: ['role', 'url', 'origin', 'cookies'] }),
  malformed: fc.record({ reason: str, value: anyValue }),
};
const KINDS = Object.keys(validByKind);

type Made = { entry: unknown; valid: boolean; docId: 'top' | 'ifr' };

const pageMade = fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 2, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: anyValue });
const base = fc.record({ time: recordTime, truncated: fc.option(fc.boolean(), { nil: undefined }), pageMade });
const withBase = (fields: Record<string, unknown>, b: { time: unknown; truncated?: boolean; pageMade?: unknown }, t: string) => {
  const out: Record<string, unknown> = { t, time: b.time, ...fields };
  if (b.truncated !== undefined) out.truncated = b.truncated;
  if (b.pageMade !== undefined) out.pageMade = b.pageMade;
  return out;
};

/** A valid record (its kind's shape; pageMade may be forged to anything, which breaks it). */
const validRecord = fc.constantFrom(...KINDS).chain((t) => fc.tuple(validByKind[t]!, base).map(([fields, b]) => {
  const entry = withBase(fields, b, t);
  return { entry, valid: (b.pageMade === undefined || b.pageMade === true) && typeof b.time === 'number' };
}));
/** A valid record with one field the views read replaced by any value (most are wrong types). */
const brokenRecord = fc.constantFrom(...KINDS).chain((t) => fc.tuple(validByKind[t]!, base, fc.constantFrom(...Object.keys(RECORD_SHAPES[t]!), 'seq', 'time', 'truncated'), anyValue)
  .map(([fields, b, field, value]) => ({ entry: { ...withBase(fields, b, t), [field]: value }, valid: false })));
/** Any object with some kind (known, unknown, odd) and any fields. */
const kindAny = fc.oneof(fc.constantFrom(...KINDS), fc.constantFrom('future-kind', 'constructor', '__proto__', 'toString', 'hasOwnProperty', ''), str);
const randomRecord = fc.tuple(kindAny, fc.dictionary(fc.constantFrom(...KEYS, 'time', 'seq', 'pageMade', 'publisher', 'status', 'direction'), anyValue, { maxKeys: 6 }))
  .map(([t, fields]) => ({ entry: { ...fields, t }, valid: false }));
/** Not a record at all. */
const notRecord = anyValue.map((entry) => ({ entry, valid: false }));

const made: fc.Arbitrary<Made> = fc.tuple(
  fc.oneof({ weight: 4, arbitrary: validRecord }, { weight: 3, arbitrary: brokenRecord }, { weight: 2, arbitrary: randomRecord }, { weight: 1, arbitrary: notRecord }),
  fc.constantFrom('top' as const, 'ifr' as const),
).map(([m, docId]) => ({ ...m, docId }));

/** A chat API response as chrome.devtools.network hands it: any duration (±1e300, Infinity), the
 *  body small or large, plain or base64, JSON or not. */
const chatResponse: fc.Arbitrary<HarEntryLike> = fc.record({
  time: fc.oneof(fc.integer({ min: 0, max: 5000 }), extremeNumber, fc.constant(NaN)),
  messages: fc.oneof(fc.array(chatMessage, { maxLength: 3 }), largeArray, anyValue),
  base64: fc.boolean(),
  json: fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
}).map(({ time, messages, base64, json }) => {
  const text = json ? writeOut(JSON.stringify({ status: { code: 'SUCCESS' }, data: { messages } })) : '{"status":';
  return {
    startedDateTime: new Date(NOW - 5000).toISOString(),
    time: typeof time === 'number' ? time : time === '@@number@@1e400@@' ? Infinity : -Infinity,
    request: { method: 'GET', url: 'https://api.example.com/nexus/v3/chat/sessions/s1/messages' },
    response: { status: 200, content: base64 ? { text: Buffer.from(text).toString('base64'), encoding: 'base64' } : { text } },
  };
});

// ------------------------------------------------------------------------------------------
// The panel

const TOP: FrameInfo = { docId: 'top', frameId: 0, url: 'http://localhost:8760/chat.html', origin: 'http://localhost:8760', top: true, seenAt: NOW - 60_000 };
const IFR: FrameInfo = { docId: 'ifr', frameId: 3, url: 'http://[::1]:8780/iframe.html', origin: 'http://[::1]:8780', top: false, seenAt: NOW - 59_000 };

class FakePort implements FeedPort {
  listener: (message: WorkerToPanel) => void = () => {};
  postMessage(_message: PanelToWorker): void {}
  onMessage(listener: (message: WorkerToPanel) => void): void { this.listener = listener; }
  onDisconnect(): void {}
}

/** The JSON text of a batch, deep placeholders written out. */
function batchJson(entries: readonly unknown[]): string {
  return `[${entries.map((e) => writeOut(JSON.stringify(e) ?? 'null')).join(',')}]`;
}

interface Tab {
  models: TabModels;
  port: FakePort;
  feed: PanelFeed;
  /** Views that took each record, by `docId seq`. */
  takenBy: Map<string, Set<string>>;
  nextSeq: Record<string, number>;
}

function openTab(): Tab {
  const models = createTabModels({ now: () => NOW });
  const takenBy = new Map<string, Set<string>>();
  const views: [string, RecordView][] = [['bus', models.bus], ['states', models.states], ['cookies', models.cookies], ['injection', models.injection]];
  for (const [label, view] of views) {
    const take = view.take.bind(view);
    (view as { take: RecordView['take'] }).take = (docId, record) => {
      const key = `${docId} ${record.seq}`;
      let set = takenBy.get(key);
      if (!set) takenBy.set(key, (set = new Set()));
      set.add(label);
      take(docId, record);
    };
  }
  const port = new FakePort();
  const feed = new PanelFeed(1, () => port, models.store.feed);
  feed.start();
  port.listener({ type: 'frame', frame: TOP });
  port.listener({ type: 'frame', frame: IFR });
  return { models, port, feed, takenBy, nextSeq: { top: 1, ifr: 1 } };
}

/** One chunks message per document, as the worker sends them; returns the seqs given. */
function deliver(tab: Tab, batch: readonly Made[]): Map<string, Made> {
  const bySeq = new Map<string, Made>();
  for (const docId of ['top', 'ifr'] as const) {
    const mine = batch.filter((m) => m.docId === docId);
    if (!mine.length) continue;
    const firstSeq = tab.nextSeq[docId]!;
    tab.nextSeq[docId] = firstSeq + mine.length;
    mine.forEach((m, i) => bySeq.set(`${docId} ${firstSeq + i}`, m));
    tab.port.listener({ type: 'chunks', docId, dropped: 0, replay: false, chunks: [{ firstSeq, count: mine.length, json: batchJson(mine.map((m) => m.entry)) }] });
  }
  return bySeq;
}

/** What the JSON tree renders of a value: one level per node, as far as a user could open it. */
function walkTree(value: Copied, budget = 400): void {
  const queue: [Copied, number][] = [[value, 1]];
  for (let visited = 0; queue.length && visited < budget; visited++) {
    const [v, depth] = queue.shift()!;
    const node = treeNode(v, depth);
    if (node.kind === 'branch') for (const [, child] of node.children.entries.slice(0, 100)) queue.push([child, depth + 1]);
    else if (node.kind === 'leaf' && isMarker(v)) markerLabel(v as never);
    else if (node.kind === 'leaf' && typeof v === 'object' && v !== null) summarize(v);
  }
  childrenOf(value);
}

/** Every derivation the views run over the tab, as they run it. */
function runViews(tab: Tab, filters: readonly string[]): void {
  const { models } = tab;
  const { store, bus, states, cookies, injection } = models;
  const rows = bus.rows.filter((r): r is BusRow => r.kind !== 'nav');
  for (const row of rows) {
    expect(row.summary.length).toBeLessThanOrEqual(SUMMARY_MAX);
    expect(row.search.length).toBeLessThanOrEqual(2 * SEARCH_FIELD_MAX + SUMMARY_MAX + 2);
    // The detail pane: its masked trees, and Copy as JSON (valid JSON, secrets shown or not).
    const record = row.record as unknown as Record<string, Copied>;
    for (const part of [record.data, record.options, record.value, record.names, record as unknown as Copied]) {
      if (part !== undefined) walkTree(maskSecrets(part).value);
    }
    if (row.outcome) walkTree(maskSecrets(row.outcome.value).value);
    for (const show of [false, true]) JSON.parse(rowJson(row, store, show));
  }
  for (const text of filters) {
    const filter = parseFilter(text);
    new FilteredRows().update(bus.rows, filter, bus.listVersion, bus.outcomeVersion);
    for (const row of bus.rows) matchRow(row, filter);
  }
  const timeline = states.timeline(NOW);
  for (const session of timeline.sessions) {
    for (const segment of session.segments) for (const row of segment.rows) if (row.kind === 'state' && row.reaction) reactionText(row.reaction);
  }
  problemItems(timeline);
  const frames = [...store.docs.values()].map((d) => d.frame);
  for (const injectionOn of [undefined, { cookieName: 'sess', iframeUrl: IFR.url }]) {
    const sync = buildCookieSync(cookies, { frames, gone: new Set(), now: NOW, injection: injectionOn });
    for (const entry of sync.log) summarize(maskSecrets(entry.data).value);
  }
  finalizeStatus({ records: injection.records, topDocId: 'top', settings: undefined });
  finalizeStatus({ records: injection.records, topDocId: 'top', settings: { text: 'bye', behaviour: 'follow-async', states: ['Finalizing'] } });
  latestInject(injection.records, 'top', 'cookie-provider');
  for (const { record } of injection.records) describeInjectRecord(record as InjectRecord);
  lossText(captureStatus(store, bus, NOW).losses);
  const { findings, failed } = runRules(models, NOW);
  expect(failed).toEqual([]);
  for (const session of timeline.sessions) layoutChart({ session, findings, width: 800, now: NOW });
  for (const keepSecrets of [false, true]) JSON.parse(recordingJson(models, { keepSecrets, savedAt: NOW, lensVersion: '0.0.0', bufferCap: null, rowCap: 100_000 }));
}

/** Every record fed is in the store, shown by a view or malformed, and the counts add up. */
function checkCounts(tab: Tab, fed: Map<string, Made>): void {
  const { store, bus } = tab.models;
  expect(store.records).toHaveLength(fed.size);
  let malformed = 0;
  let pageMade = 0;
  for (const { docId, record } of store.records) {
    const key = `${docId} ${record.seq}`;
    const source = fed.get(key);
    expect(source, key).toBeDefined();
    const isMalformed = (record.t as string) === 'malformed';
    if (isMalformed) malformed++;
    else expect(shapeProblem(record), key).toBeNull(); // the door let through only records with their kind's shape
    if (source!.valid) expect(isMalformed && (source!.entry as { t: string }).t !== 'malformed', `${key}: a valid record was marked`).toBe(false);
    const views = tab.takenBy.get(key);
    expect(views?.size ?? 0, `${key} (${record.t}) was shown by no view`).toBeGreaterThan(0);
    if (record.pageMade === true) {
      pageMade++;
      expect([...views!], `${key}: a page-made record went beyond the Bus`).toEqual(['bus']);
    }
  }
  expect(store.malformedCount).toBe(malformed);
  expect(store.pageMadeCount).toBe(pageMade);
  // Rows: a genuine record is one row, except the kinds only other views read and outcomes (they
  // settle their command's row); a page-made record is one row, except an outcome that settled a
  // page-made command.
  const genuineRows = store.records.filter(({ record }) => record.pageMade !== true && !OTHER_VIEWS_KINDS.has(record.t) && record.t !== 'outcome').length;
  const c = bus.counts;
  expect(c.event + c.command + c.plugin + c.other).toBe(genuineRows);
  const pageMadeSettled = bus.rows.filter((r) => r.kind === 'command' && r.pageMade && r.outcome).length;
  expect(bus.pageMadeCount + pageMadeSettled).toBe(pageMade);
}

/** Kinds the Bus leaves to the other views (and the store). */
const OTHER_VIEWS_KINDS = new Set(['status', 'inject', 'channel', 'channel-gap', 'cookie-facts']);

// ------------------------------------------------------------------------------------------

describe('the panel door, fuzzed', () => {
  afterEach(() => vi.restoreAllMocks());

  let records = 0;
  const property = fc.property(
    fc.array(fc.array(made, { minLength: 6, maxLength: 14 }), { minLength: 3, maxLength: 3 }),
    fc.array(fc.string({ maxLength: 6 }), { maxLength: 3 }),
    fc.array(chatResponse, { maxLength: 2 }),
    (batches, words, responses) => {
      const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
      const tab = openTab();
      const fed = new Map<string, Made>();
      const filters = ['', 'kind:event', '-kind:plugin outcome:pending', 'x', 'webchat', ...words];
      try {
        // In three deliveries: the views must keep updating after each. The chat API responses
        // come in with the first, through the live network path (collect: decoding, the cap).
        for (const [i, batch] of batches.entries()) {
          if (i === 0) for (const response of responses) collect(tab.models.states.network, response);
          for (const [key, m] of deliver(tab, batch)) fed.set(key, m);
          runViews(tab, filters);
        }
        checkCounts(tab, fed);
        expect(errors.mock.calls.map((c) => String(c[0]))).toEqual([]);
        records += fed.size;
      } finally {
        tab.feed.stop();
        errors.mockRestore();
      }
    },
  );

  it('generates valid records of every kind the door knows', () => {
    expect([...KINDS].sort()).toEqual(Object.keys(RECORD_SHAPES).sort());
  });

  it('replays the cases that once failed', () => {
    for (const { seed, path } of REGRESSIONS) fc.assert(property, { seed, path, numRuns: 1, endOnFailure: true });
  });

  it(`takes ≥ 1,000 generated records with 0 exceptions, each shown or marked (seed ${SEED})`, () => {
    records = 0;
    written.large = written.infinite = written.extreme = 0;
    try {
      fc.assert(property, { seed: SEED, numRuns: RUNS, endOnFailure: true });
    } catch (error) {
      console.info(`door fuzz failed with seed ${SEED} (DOOR_FUZZ_SEED=${SEED} replays it; keep its seed and path in REGRESSIONS)`);
      throw error;
    }
    expect(records).toBeGreaterThanOrEqual(1000);
    // Arrays of 200,000 items, ±1e300 and the largest number, and ±1e400 (Infinity) all came.
    expect(written.large).toBeGreaterThan(0);
    expect(written.extreme).toBeGreaterThan(0);
    expect(written.infinite).toBeGreaterThan(0);
  }, 300_000);
});
