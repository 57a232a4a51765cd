// npm run bench: CX Lens's cost and throughput in real Chromium, in one run, as ratios.
//
// 1. Page cost of N publishes with one subscriber on the demo bus (bench.html), DevTools open in
//    every configuration: (a) without CX Lens, (b) with CX Lens capturing and its panel open,
//    (c) without CX Lens but with a naive relay (below) that posts one message per event, and
//    (b0) with CX Lens capturing in a tab whose CX Lens panel was never opened (events are kept
//    in the page's buffer, nothing is streamed). Rounds alternate a, c, b0, b, each run starting
//    once the page before it is idle; medians are compared.
// 2. Delivery: how many of N reach the panel, and the time until the last one shows.
// 3. Panel: time to render a 100,000-row log and to filter it; heap of worker and panel after.
// 4. No chat (bench/no-chat.ts): load times of a plain page and of one with 20 iframes, with and
//    without CX Lens; service worker starts over those loads; gzip sizes of the page-side scripts.
//    BENCH_ONLY=no-chat runs this part alone.
// 5. Findings: time to compute every finding of a 100,000-record log, in Node (bench/findings.ts).
import type { Browser, Frame, Page } from 'puppeteer-core';
import { mkdirSync, writeFileSync } from 'node:fs';
import { startDemo } from '../test/demo/server/index.mjs';
import { launch, openLensPanel, openPage, serviceWorker, sleep, EXTENSION_ID } from '../test/e2e/harness';
import { noChatBench, printNoChat } from './no-chat';
import { benchFindings, printFindingsBench } from './findings';
import { inRelayWorld } from '../test/e2e/relay-world';

const N = 20_000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 11);
const PANEL_ROWS = 100_000;

/** The benchmark's naive relay: wraps every plugin's publish and posts one message per event,
 *  with a listener standing in for a content script. Runs before the page's scripts. */
function naiveRelay(): void {
  let received = 0;
  window.addEventListener('message', (e) => {
    if (e.data && e.data.naive) received++;
  });
  (window as any).naiveReceived = () => received;
  let bus: any;
  Object.defineProperty(window, 'CXBus', {
    configurable: true,
    get: () => bus,
    set(value) {
      bus = value;
      const register = value.registerPlugin;
      value.registerPlugin = function (this: unknown, name: string) {
        const iface = register.apply(this, arguments as any);
        if (iface && typeof iface.publish === 'function') {
          const publish = iface.publish;
          iface.publish = function (this: unknown, event: string, data: unknown) {
            window.postMessage({ naive: true, name: `${name}.${event}`, data }, location.origin);
            return publish.apply(this, arguments as any);
          };
        }
        return iface;
      };
    },
  });
}

async function publishRun(page: Page): Promise<{ ms: number; startedAt: number }> {
  return page.evaluate(async (n) => {
    const startedAt = Date.now();
    const ms = await (window as any).runPublishes(n);
    return { ms, startedAt };
  }, N);
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
  // First, alone on the machine: the browsers of the other parts are not running yet.
  const noChat = await noChatBench(demo.urls.domainB);
  if (process.env.BENCH_ONLY === 'no-chat') {
    console.log('\nCX Lens benchmark: pages without a chat');
    printNoChat(noChat);
    await demo.close();
    return;
  }
  const plain = await launch({ extension: false });
  const lens = await launch();
  try {
    const untapped = (await openPage(plain.browser, url)).page;
    const naivePage = await plain.browser.newPage();
    await naivePage.evaluateOnNewDocument(NAME_SHIM);
    await naivePage.evaluateOnNewDocument(naiveRelay);
    await naivePage.goto(url, { waitUntil: 'load' });
    const quietPage = (await openPage(lens.browser, url)).page; // its DevTools never shows CX Lens
    const { page: lensPage, devtools } = await openPage(lens.browser, url);
    await lensPage.evaluateOnNewDocument(NAME_SHIM);
    await lensPage.waitForFunction('typeof window.runPublishes === "function"');
    const panel = await openLensPanel(devtools);
    for (const target of [untapped, quietPage, lensPage, panel]) await shim(target);
    await quietPage.waitForFunction('typeof window.runPublishes === "function"');

    // 1. Page cost. One warm-up round, then ROUNDS rounds alternating a, c, b.
    const times = { a: [] as number[], b: [] as number[], c: [] as number[], b0: [] as number[] };
    const cpu = { a: [] as number[], b: [] as number[], c: [] as number[], b0: [] as number[] };
    const meters = new Map<Page, CpuMeter>();
    for (const page of [untapped, naivePage, quietPage, lensPage]) meters.set(page, await cpuMeter(page));
    /** One run: its wall time until the subscriber has run N times, and the page main thread's CPU
     *  time from its start until the page is idle again (CX Lens's deferred work included). */
    const measured = async (page: Page) => {
      const meter = meters.get(page)!;
      const before = await meter();
      const { ms } = await publishRun(page);
      await settle(page);
      return { ms, cpu: (await meter()) - before };
    };
    await panel.click('[data-testid="clear"]');
    for (let round = 0; round <= ROUNDS; round++) {
      // Each run starts once the previous page is idle: work a configuration leaves behind (the
      // naive relay's queued messages, the hook's batch sent at idle time) is not measured in the
      // next configuration's run, on the machine's two cores.
      const a = await measured(untapped);
      const c = await measured(naivePage);
      const b0 = await measured(quietPage);
      const b = await measured(lensPage);
      // The next round starts with an idle pipeline: this round's records have all reached the
      // panel, and the panel is cleared and settled, so nothing of CX Lens is still busy on the
      // machine's two cores when the page publishes again.
      await whenCount(panel, 'total', N, 30_000);
      await panel.click('[data-testid="clear"]');
      await sleep(300);
      if (round > 0) {
        times.a.push(a.ms); times.b.push(b.ms); times.c.push(c.ms); times.b0.push(b0.ms);
        cpu.a.push(a.cpu); cpu.b.push(b.cpu); cpu.c.push(c.cpu); cpu.b0.push(b0.cpu);
      }
    }
    const naiveGot = await naivePage.evaluate(() => (window as any).naiveReceived());
    const [a, b, c, b0] = [median(times.a), median(times.b), median(times.c), median(times.b0)];
    // Each round's own ratios: a slow moment of the machine falls on the whole round, so the
    // median of per-round ratios moves less between runs than the ratio of medians.
    const perRound = (xs: number[], as = times.a) => median(xs.map((x, i) => x / as[i]!));
    const paired = { b_over_a: perRound(times.b), b0_over_a: perRound(times.b0), c_over_a: perRound(times.c) };
    const cpuRatios = { b_over_a: perRound(cpu.b, cpu.a), b0_over_a: perRound(cpu.b0, cpu.a), c_over_a: perRound(cpu.c, cpu.a) };
    if (process.env.BENCH_ONLY === 'page-cost') {
      console.log(`a ${fmt(a)} b ${fmt(b)} b0 ${fmt(b0)} c ${fmt(c)} | b/a ${fmt(b / a, 3)} b0/a ${fmt(b0 / a, 3)} | per-round b/a ${fmt(paired.b_over_a, 3)} b0/a ${fmt(paired.b0_over_a, 3)} c/a ${fmt(paired.c_over_a, 2)} | cpu a ${fmt(median(cpu.a))} b ${fmt(median(cpu.b))} b0 ${fmt(median(cpu.b0))} per-round b/a ${fmt(cpuRatios.b_over_a, 3)} b0/a ${fmt(cpuRatios.b0_over_a, 3)} c/a ${fmt(cpuRatios.c_over_a, 2)}`);
      console.log(JSON.stringify({ times, cpu }));
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
    // sends them over its private port (from the relay's own world, test/e2e/relay-world.ts).
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
    for (const text of ['Load.e7', 'kind:event plugin:Load row 9999', '', 'no such row anywhere', '-Load.e1', '']) {
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

    const results = {
      date: new Date().toISOString(),
      chromium: await lens.browser.version(),
      publishes: N,
      rounds: ROUNDS,
      pageCostMs: { a_untapped: a, b_cxLens: b, c_naiveRelay: c, b0_cxLensPanelClosed: b0, all: times },
      ratios: { b_over_a: b / a, extra_b_over_extra_c: (b - a) / (c - a), c_over_a: c / a, b0_over_a: b0 / a, extra_b0_over_extra_c: (b0 - a) / (c - a) },
      naiveMessagesReceived: naiveGot,
      delivery: { delivered, of: N, lastShownAfterMs: lastShownAt ? lastShownAt - startedAt : null },
      panel: { rows: PANEL_ROWS, renderMs: renderedAt ? renderedAt - renderStart : null, filterMs: filters, heapMB: heap },
      noChat,
      findings,
    };
    mkdirSync('bench/results', { recursive: true });
    writeFileSync('bench/results/latest.json', JSON.stringify(results, null, 2));

    console.log(`\nCX Lens benchmark (${results.chromium}), ${N} publishes, median of ${ROUNDS} rounds`);
    console.log(`  page cost  (a) untapped ${fmt(a)} ms   (b) CX Lens ${fmt(b)} ms   (c) naive relay ${fmt(c)} ms`);
    console.log(`  b/a = ${fmt(b / a, 3)}  (target ≤ 1.10)    (b−a)/(c−a) = ${fmt((b - a) / (c - a), 3)}  (target ≤ 0.05)    c/a = ${fmt(c / a, 2)}`);
    console.log(`  (b0) CX Lens capturing, its panel not open: ${fmt(b0)} ms   b0/a = ${fmt(b0 / a, 3)}    (b0−a)/(c−a) = ${fmt((b0 - a) / (c - a), 3)}`);
    console.log(`  delivery   ${delivered} of ${N} reached the panel; the last showed ${results.delivery.lastShownAfterMs ?? 'never'} ms after the first publish`);
    console.log(`  panel      ${PANEL_ROWS} rows rendered in ${results.panel.renderMs ?? 'timeout'} ms; filter: ${Object.entries(filters).map(([k, v]) => `${k} ${fmt(v)} ms`).join(', ')}`);
    printFindingsBench(findings);
    console.log(`  heap       worker ${heap.worker === null ? '?' : fmt(heap.worker)} MB, panel ${heap.panel === null ? '?' : fmt(heap.panel)} MB`);
    printNoChat(noChat);
    console.log('  (written to bench/results/latest.json)');
  } finally {
    await plain.close();
    await lens.close();
    await demo.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
