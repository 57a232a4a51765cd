// npm run bench: CX Lens's cost and throughput in real Chromium, in one run, as ratios.
//
// 1. Page cost of N publishes with one subscriber on the demo bus (bench.html), DevTools open in
//    every configuration, all in one browser: (a) without CX Lens, (b) with CX Lens capturing and
//    its panel open, (c) without CX Lens but with a naive relay (below) that posts one message per
//    event, (b0) with CX Lens capturing in a tab whose CX Lens panel was never opened (events are
//    kept in the page's buffer, nothing is streamed), and (f) without CX Lens but with a bare
//    pass-through wrapper around publish (the floor of any tap that wraps the bus's methods). The
//    pages without CX Lens are in a browser context of their own, where extensions do not run.
//    Each round runs every configuration TRIES times and keeps its best (noise only adds time);
//    each run starts once the page before it is idle. Ratios are taken within each round, then
//    their median is given: wall time until the subscriber has run N times, and CPU time of the
//    page's main thread until it is idle again (CX Lens's deferred work included).
//    BENCH_ONLY=page-cost runs this part alone.
// 2. Delivery: how many of N reach the panel, and the time until the last one shows.
// 3. Panel: time to render a 100,000-row log and to filter it; heap of worker and panel after.
// 4. No chat (bench/no-chat.ts): load times and main-thread CPU of a plain page and of one with 20
//    iframes. On a site not switched on: with CX Lens installed ÷ without, next to an extension with
//    no content scripts; CX Lens scripts run (CDP); service worker starts over those loads. On a
//    switched-on site: CX Lens and its floor (the extension with empty page-side scripts). Gzip
//    sizes of the page-side scripts.
//    BENCH_ONLY=no-chat runs this part alone.
// 5. Findings: time to compute every finding of a 100,000-record log, in Node (bench/findings.ts).
// 6. Filter: time to filter 100,000 Bus rows with a compound filter, in Node (bench/filter.ts).
// 7. Mute (bench/mute.ts): page CPU of an event published 100 times a second, muted / unmuted.
//    BENCH_ONLY=mute runs this part alone.
import type { Browser, BrowserContext, Frame, Page, Target } from 'puppeteer-core';
import { mkdirSync, writeFileSync } from 'node:fs';
import {
  startDemo, launch, openLensPanel, openPage, serviceWorker, sleep, EXTENSION_ID, inRelayWorld,
} from '../test/support';
import { noChatBench, printNoChat } from './no-chat';
import { benchFindings, printFindingsBench } from './findings';
import { benchFilter, printFilterBench } from './filter';
import { muteBench, printMuteBench } from './mute';
import { wrapEveryPublish } from './page-wrappers';

const N = 20_000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
/** Runs per configuration and round; the round keeps the best. */
const TRIES = 3;
const PANEL_ROWS = 100_000;

async function publishRun(page: Page): Promise<{ ms: number; startedAt: number }> {
  return page.evaluate(async (n) => {
    const startedAt = Date.now();
    const ms = await (window as any).runPublishes(n);
    return { ms, startedAt };
  }, N);
}

/** A new tab of `context` with its DevTools window open, showing url. */
async function openPageIn(context: BrowserContext, url: string): Promise<Page> {
  const browser = context.browser();
  const isDevtools = (t: Target) => t.type() === 'other' && t.url().startsWith('devtools://');
  const before = new Set(browser.targets().filter(isDevtools));
  const page = await context.newPage();
  await browser.waitForTarget((t) => isDevtools(t) && !before.has(t), { timeout: 15_000 });
  await page.goto(url, { waitUntil: 'load' });
  return page;
}

/** Reads the page main thread's CPU time (ms) so far: CDP's TaskDuration in thread time. */
type CpuMeter = () => Promise<number>;
async function cpuMeter(page: Page): Promise<CpuMeter> {
  const session = await page.createCDPSession();
  await session.send('Performance.enable', { timeDomain: 'threadTicks' });
  return async () => {
    const { metrics } = await session.send('Performance.getMetrics');
    return (metrics.find((m) => m.name === 'TaskDuration')?.value ?? NaN) * 1000;
  };
}

/** Resolves once the page's main thread has been idle twice in a row (at most 2 s each), then
 *  lets 100 ms pass. */
async function settle(page: Page): Promise<void> {
  await page.evaluate(() => new Promise<void>((resolve) => {
    const idle = (then: () => void) => requestIdleCallback(() => then(), { timeout: 2000 });
    idle(() => idle(resolve));
  }));
  await sleep(100);
}

/** tsx compiles with esbuild's keepNames, which wraps named functions in a `__name` helper that
 *  does not exist in the page: define it in every page and frame the benchmark evaluates in. */
const NAME_SHIM = 'globalThis.__name = globalThis.__name || ((f) => f);';
async function shim(target: Page | Frame): Promise<void> {
  await target.evaluate(NAME_SHIM);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (x: number, d = 1) => x.toFixed(d);

/** Resolves (in the panel) with Date.now() when the row-count attribute reaches target. */
function whenCount(panel: Frame, attr: 'count' | 'total', target: number, timeoutMs = 60_000): Promise<number | null> {
  return panel.evaluate((attr, target, timeoutMs) => new Promise<number | null>((resolve) => {
    const read = () => Number(document.querySelector<HTMLElement>('[data-testid="row-count"]')?.dataset[attr] ?? 0);
    const done = (v: number | null) => { observer.disconnect(); clearTimeout(timer); resolve(v); };
    const observer = new MutationObserver(() => { if (read() >= target) done(Date.now()); });
    observer.observe(document.body, { subtree: true, attributes: true, childList: true, characterData: true });
    const timer = setTimeout(() => done(null), timeoutMs);
    if (read() >= target) done(Date.now());
  }), attr, target, timeoutMs);
}

async function rowCount(panel: Frame, attr: 'count' | 'total'): Promise<number> {
  return panel.$eval('[data-testid="row-count"]', (el, attr) => Number((el as HTMLElement).dataset[attr]), attr);
}

async function setFilter(panel: Frame, text: string): Promise<number> {
  // Measured in the panel: from the input event to the moment the count shows the new result.
  return panel.evaluate((text) => new Promise<number>((resolve) => {
    const input = document.querySelector<HTMLInputElement>('[data-testid="filter"]')!;
    const counter = document.querySelector<HTMLElement>('[data-testid="row-count"]')!;
    const before = counter.dataset.count;
    const start = performance.now();
    const observer = new MutationObserver(() => {
      if (counter.dataset.count !== before) { observer.disconnect(); resolve(performance.now() - start); }
    });
    observer.observe(counter, { attributes: true });
    input.value = text;
    input.dispatchEvent(new Event('input', { bubbles: true }));
    setTimeout(() => { observer.disconnect(); resolve(performance.now() - start); }, 5000);
  }), text);
}

async function heapMB(browser: Browser, match: (type: string, url: string) => boolean): Promise<number | null> {
  const target = browser.targets().find((t) => match(t.type(), t.url()));
  if (!target) return null;
  const session = await target.createCDPSession();
  const { usedSize } = (await session.send('Runtime.getHeapUsage')) as { usedSize: number };
  await session.detach();
  return usedSize / 2 ** 20;
}

async function main() {
  const demo = await startDemo({ port: 0, apiPort: 0 });
  const url = `${demo.urls.domainB}/bench.html`;
  if (process.env.BENCH_ONLY === 'mute') {
    const lens = await launch();
    try {
      const mute = await muteBench(lens, url);
      console.log('\nCX Lens benchmark: mute at the source');
      printMuteBench(mute);
    } finally {
      await lens.close();
      await demo.close();
    }
    return;
  }
  // First, alone on the machine: the browsers of the other parts are not running yet.
  const noChat = await noChatBench(demo.urls.domainB);
  if (process.env.BENCH_ONLY === 'no-chat') {
    console.log('\nCX Lens benchmark: pages without a chat');
    printNoChat(noChat);
    await demo.close();
    return;
  }
  const lens = await launch();
  // The pages without CX Lens run in the same browser, in a browser context of their own (like an
  // incognito window, where extensions do not run): same processes, same moment of the machine.
  const plain = await lens.browser.createBrowserContext();
  try {
    const untapped = await openPageIn(plain, url);
    if (await untapped.evaluate(() => typeof Object.getOwnPropertyDescriptor(window, 'CXBus')?.get === 'function')) {
      throw new Error('CX Lens runs in the benchmark\'s context without it');
    }
    const floorPage = await plain.newPage();
    await floorPage.evaluateOnNewDocument(NAME_SHIM);
    await floorPage.evaluateOnNewDocument(wrapEveryPublish, false);
    await floorPage.goto(url, { waitUntil: 'load' });
    await floorPage.waitForFunction('typeof window.runPublishes === "function"');
    const naivePage = await plain.newPage();
    await naivePage.evaluateOnNewDocument(NAME_SHIM);
    await naivePage.evaluateOnNewDocument(wrapEveryPublish, true);
    await naivePage.goto(url, { waitUntil: 'load' });
    const quietPage = (await openPage(lens.browser, url)).page; // its DevTools never shows CX Lens
    const { page: lensPage, devtools } = await openPage(lens.browser, url);
    await lensPage.evaluateOnNewDocument(NAME_SHIM);
    await lensPage.waitForFunction('typeof window.runPublishes === "function"');
    const panel = await openLensPanel(devtools);
    for (const target of [untapped, quietPage, lensPage, panel]) await shim(target);
    await quietPage.waitForFunction('typeof window.runPublishes === "function"');

    // 1. Page cost. One warm-up round, then ROUNDS rounds alternating a, c, b.
    const times = { a: [] as number[], b: [] as number[], c: [] as number[], b0: [] as number[], f: [] as number[] };
    const cpu = { a: [] as number[], b: [] as number[], c: [] as number[], b0: [] as number[], f: [] as number[] };
    const meters = new Map<Page, CpuMeter>();
    for (const page of [untapped, naivePage, quietPage, lensPage, floorPage]) meters.set(page, await cpuMeter(page));
    /** One run: its wall time until the subscriber has run N times, and the page main thread's CPU
     *  time from its start until the page is idle again (CX Lens's deferred work included). */
    const measured = async (page: Page) => {
      const meter = meters.get(page)!;
      const before = await meter();
      const { ms } = await publishRun(page);
      await settle(page);
      return { ms, cpu: (await meter()) - before };
    };
    /** The best of TRIES runs (noise on this machine only ever adds time): min wall, min CPU. */
    const best = async (page: Page, afterEach?: () => Promise<void>) => {
      let ms = Infinity;
      let cpuMs = Infinity;
      for (let i = 0; i < TRIES; i++) {
        const run = await measured(page);
        if (afterEach) await afterEach();
        ms = Math.min(ms, run.ms);
        cpuMs = Math.min(cpuMs, run.cpu);
      }
      return { ms, cpu: cpuMs };
    };
    // After each (b) run the pipeline is made idle: every record has reached the panel, and the
    // panel is cleared and settled, so nothing of CX Lens is still busy on the machine's two cores
    // when a page publishes again.
    const drainPanel = async () => {
      await whenCount(panel, 'total', N, 30_000);
      await panel.click('[data-testid="clear"]');
      await sleep(300);
    };
    await panel.click('[data-testid="clear"]');
    for (let round = 0; round <= ROUNDS; round++) {
      // Each run starts once the previous page is idle: work a configuration leaves behind (the
      // naive relay's queued messages, the hook's batch sent at idle time) is not measured in the
      // next configuration's run.
      const a = await best(untapped);
      const c = await best(naivePage);
      const b0 = await best(quietPage);
      const b = await best(lensPage, drainPanel);
      const f = await best(floorPage);
      if (round > 0) {
        times.a.push(a.ms); times.b.push(b.ms); times.c.push(c.ms); times.b0.push(b0.ms); times.f.push(f.ms);
        cpu.a.push(a.cpu); cpu.b.push(b.cpu); cpu.c.push(c.cpu); cpu.b0.push(b0.cpu); cpu.f.push(f.cpu);
      }
    }
    const naiveGot = await naivePage.evaluate(() => (window as any).naiveReceived());
    const [a, b, c, b0] = [median(times.a), median(times.b), median(times.c), median(times.b0)];
    // Each round's own ratios: a slow moment of the machine falls on the whole round, so the
    // median of per-round ratios moves less between runs than the ratio of medians.
    const perRound = (xs: number[], as = times.a) => median(xs.map((x, i) => x / as[i]!));
    const paired = { b_over_a: perRound(times.b), b0_over_a: perRound(times.b0), c_over_a: perRound(times.c), f_over_a: perRound(times.f) };
    const cpuRatios = { b_over_a: perRound(cpu.b, cpu.a), b0_over_a: perRound(cpu.b0, cpu.a), c_over_a: perRound(cpu.c, cpu.a), f_over_a: perRound(cpu.f, cpu.a) };
    const f = median(times.f);
    // CX Lens above the floor of any wrapping tap (f): with DevTools open, V8 keeps an async stack
    // trace for each timer the bus schedules, whose cost grows with the JavaScript frames on the
    // stack, so one frame of wrapper already costs f/a. Per round, as the ratios above.
    const aboveFloor = (xs: number[], fs: number[], as: number[]) => median(xs.map((x, i) => (x - fs[i]!) / as[i]!));
    const beyondFloor = {
      wall: { b: aboveFloor(times.b, times.f, times.a), b0: aboveFloor(times.b0, times.f, times.a) },
      cpu: { b: aboveFloor(cpu.b, cpu.f, cpu.a), b0: aboveFloor(cpu.b0, cpu.f, cpu.a) },
    };
    const pageCost = () => {
      console.log(`  page cost  best of ${TRIES} runs per round, median of ${ROUNDS} rounds; ratios are each round's own, then their median`);
      console.log(`             (a) untapped ${fmt(a)} ms (CPU ${fmt(median(cpu.a))})   (b) CX Lens, panel open ${fmt(b)} ms (CPU ${fmt(median(cpu.b))})   (b0) panel not open ${fmt(b0)} ms (CPU ${fmt(median(cpu.b0))})`);
      console.log(`             (c) naive relay ${fmt(c)} ms   (f) bare one-frame wrapper, no CX Lens ${fmt(f)} ms`);
      console.log(`  b/a = ${fmt(paired.b_over_a, 3)} (target ≤ 1.10)   b0/a = ${fmt(paired.b0_over_a, 3)} (target ≤ 1.05)   f/a = ${fmt(paired.f_over_a, 3)}   c/a = ${fmt(paired.c_over_a, 2)}`);
      console.log(`  CPU of the page's main thread until idle again (deferred work included): b/a = ${fmt(cpuRatios.b_over_a, 3)}   b0/a = ${fmt(cpuRatios.b0_over_a, 3)}   f/a = ${fmt(cpuRatios.f_over_a, 3)}   c/a = ${fmt(cpuRatios.c_over_a, 2)}`);
      console.log(`  above the bare wrapper's floor: (b−f)/a = ${fmt(beyondFloor.wall.b, 3)}   (b0−f)/a = ${fmt(beyondFloor.wall.b0, 3)}   CPU: (b−f)/a = ${fmt(beyondFloor.cpu.b, 3)}   (b0−f)/a = ${fmt(beyondFloor.cpu.b0, 3)}`);
      console.log(`  (b−a)/(c−a) = ${fmt((b - a) / (c - a), 3)} (target ≤ 0.05), from the medians`);
    };
    if (process.env.BENCH_ONLY === 'page-cost') {
      pageCost();
      return;
    }

    // 2. Delivery, on a fresh document: every Bench.tick row counted through the filter.
    await lensPage.reload({ waitUntil: 'load' });
    await lensPage.waitForFunction('typeof window.runPublishes === "function"');
    await panel.click('[data-testid="clear"]');
    await setFilter(panel, 'Bench.tick');
    const shown = whenCount(panel, 'count', N, 60_000);
    const { startedAt } = await publishRun(lensPage);
    const lastShownAt = await shown;
    await sleep(1000);
    const delivered = await rowCount(panel, 'count');

    // 3. Panel with 100,000 rows: fake records handed to the relay in batches of 500, as the hook
    // sends them over its private port (from the relay's own world, test/support/relay-world.ts).
    await panel.click('[data-testid="clear"]');
    await setFilter(panel, '');
    const renderStart = Date.now();
    const rendered = whenCount(panel, 'total', PANEL_ROWS, 120_000);
    await inRelayWorld(lensPage, `(() => {
      const total = ${PANEL_ROWS};
      for (let i = 0; i < total; i += 500) {
        const records = [];
        for (let j = i; j < Math.min(total, i + 500); j++) {
          records.push({ t: 'event', seq: 0, time: Date.now(), name: 'Load.e' + (j % 50), publisher: 'Load', via: 'publish', data: { j, text: 'row ' + j } });
        }
        globalThis.cxLensRelay.takeHookMessage({ type: 'batch', records });
      }
    })()`);
    const renderedAt = await rendered;
    const filters: Record<string, number> = {};
    // Each step changes the count, which is what the measurement waits for.
    for (const text of ['Load.e7', 'kind:event plugin:Load row 9999', '', 'no such row anywhere', '-Load.e1', '', 'Load.e7 OR /^load\\.e1\\d$/ OR data.j:/99$/ -data.text:"row 5"', '']) {
      filters[text || `(cleared ${Object.keys(filters).length})`] = await setFilter(panel, text);
    }
    const worker = await serviceWorker(lens.browser);
    await worker.worker(); // make sure it is running before reading its heap
    const heap = {
      worker: await heapMB(lens.browser, (type, u) => type === 'service_worker' && u.startsWith(`chrome-extension://${EXTENSION_ID}/`)),
      panel: await heapMB(lens.browser, (_t, u) => u.startsWith(`chrome-extension://${EXTENSION_ID}/panel/`)),
    };

    // 5. Findings, in Node, once the browsers are idle.
    const findings = benchFindings();
    const filter = benchFilter();
    const mute = await muteBench(lens, url);

    const results = {
      date: new Date().toISOString(),
      chromium: await lens.browser.version(),
      publishes: N,
      rounds: ROUNDS,
      tries: TRIES,
      pageCostMs: { a_untapped: a, b_cxLens: b, c_naiveRelay: c, b0_cxLensPanelClosed: b0, f_bareWrapper: f, all: times },
      pageCpuMs: cpu,
      ratios: { b_over_a: b / a, extra_b_over_extra_c: (b - a) / (c - a), c_over_a: c / a, b0_over_a: b0 / a, extra_b0_over_extra_c: (b0 - a) / (c - a) },
      perRoundRatios: { wall: paired, cpu: cpuRatios },
      aboveBareWrapper: beyondFloor,
      naiveMessagesReceived: naiveGot,
      delivery: { delivered, of: N, lastShownAfterMs: lastShownAt ? lastShownAt - startedAt : null },
      panel: { rows: PANEL_ROWS, renderMs: renderedAt ? renderedAt - renderStart : null, filterMs: filters, heapMB: heap },
      noChat,
      findings,
      filter,
      mute,
    };
    mkdirSync('bench/results', { recursive: true });
    writeFileSync('bench/results/latest.json', JSON.stringify(results, null, 2));

    console.log(`\nCX Lens benchmark (${results.chromium}), ${N} publishes`);
    pageCost();
    console.log(`  delivery   ${delivered} of ${N} reached the panel; the last showed ${results.delivery.lastShownAfterMs ?? 'never'} ms after the first publish`);
    console.log(`  panel      ${PANEL_ROWS} rows rendered in ${results.panel.renderMs ?? 'timeout'} ms; filter: ${Object.entries(filters).map(([k, v]) => `${k} ${fmt(v)} ms`).join(', ')}`);
    printFindingsBench(findings);
    printFilterBench(filter);
    printMuteBench(mute);
    console.log(`  heap       worker ${heap.worker === null ? '?' : fmt(heap.worker)} MB, panel ${heap.panel === null ? '?' : fmt(heap.panel)} MB`);
    printNoChat(noChat);
    console.log('  (written to bench/results/latest.json)');
  } finally {
    await plain.close().catch(() => {});
    await lens.close();
    await demo.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
