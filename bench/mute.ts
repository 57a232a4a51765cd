// The bench's part on muting: a page publishes one event 100 times a second (a typing or poll
// notification, with a real Widgets messageReceived payload), DevTools and the CX Lens panel open,
// unmuted and then muted from the panel's own button, rounds alternating the order. Measured: the
// CPU time of the page's main thread from the first publish until the page is idle again (the
// hook's deferred copy and post included). The ratio muted / unmuted is taken in each round, then
// the median is given. Runs inside `npm run bench`; BENCH_ONLY=mute runs it alone.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Frame, Page } from 'puppeteer-core';
import { openLensPanel, openPage, sleep, waitFor, type Lens } from '../test/support';

const PER_SECOND = 100;
const SECONDS = 5;
const ROUNDS = Number(process.env.BENCH_MUTE_ROUNDS ?? 3);
const NAME = 'MuteBench.typing';
const SOURCE = resolve(import.meta.dirname, '../test/fixtures/real-widgets-9.0/real-async-finalize.json');

export interface MuteBench {
  perSecond: number;
  seconds: number;
  rounds: number;
  /** Page main-thread CPU (ms) per run, median over the rounds. */
  unmutedCpuMs: number;
  mutedCpuMs: number;
  /** Median of each round's muted / unmuted. */
  ratio: number;
  /** Rows the panel got for the muted event during the muted runs (should be 0), and the hooks' muted count. */
  rowsWhileMuted: number;
  mutedCounted: number;
}

/** A real messageReceived payload of the Widgets 9.0 recording. */
function payload(): unknown {
  const file = JSON.parse(readFileSync(SOURCE, 'utf8')) as { records: { record: { t: string; name?: string; data?: unknown } }[] };
  return file.records.map((r) => r.record).find((r) => r.t === 'event' && r.name === 'WebChatService.messageReceived')!.data;
}

async function cpuOf(page: Page): Promise<() => Promise<number>> {
  const session = await page.createCDPSession();
  await session.send('Performance.enable', { timeDomain: 'threadTicks' });
  return async () => {
    const { metrics } = await session.send('Performance.getMetrics');
    return (metrics.find((m) => m.name === 'TaskDuration')?.value ?? NaN) * 1000;
  };
}

/** The page publishes NAME PER_SECOND times a second for SECONDS, then CX Lens's deferred work
 *  (a batch waits up to about a second; a muted count's status a second) runs; until idle. */
async function run(page: Page, cpu: () => Promise<number>, data: unknown): Promise<number> {
  const before = await cpu();
  await page.evaluate(`new Promise((resolve) => {
    const plugin = window.cxMuteBench || (window.cxMuteBench = CXBus.registerPlugin('MuteBench'));
    const data = ${JSON.stringify(data)};
    let n = 0;
    const id = setInterval(() => {
      plugin.publish('typing', data);
      if (++n >= ${PER_SECOND * SECONDS}) { clearInterval(id); resolve(n); }
    }, ${1000 / PER_SECOND});
  })`);
  await sleep(1500);
  await page.evaluate(() => new Promise<void>((done) => requestIdleCallback(() => requestIdleCallback(() => done(), { timeout: 2000 }), { timeout: 2000 })));
  return (await cpu()) - before;
}

async function setMuted(panel: Frame, muted: boolean): Promise<void> {
  const state = () => panel.$eval('[data-testid="mute-event"]', (el) => el.getAttribute('data-muted'));
  if ((await state()) === String(muted)) return;
  await panel.$eval('[data-testid="mute-event"]', (el) => (el as HTMLElement).click());
  await waitFor(async () => (await state()) === String(muted), muted ? 'muted' : 'unmuted');
}

async function count(panel: Frame, selector: string, attr: string): Promise<number> {
  return panel.$eval(selector, (el, attr) => Number(el.getAttribute(attr)), attr).catch(() => 0);
}

export async function muteBench(lens: Lens, url: string): Promise<MuteBench> {
  const { page, devtools } = await openPage(lens.browser, url);
  try {
    const panel = await openLensPanel(devtools);
    await page.bringToFront();
    await page.waitForFunction('typeof window.CXBus === "object" && typeof window.runPublishes === "function"');
    const data = payload();
    const cpu = await cpuOf(page);
    // A first event gives the Bus a row whose detail pane holds the Mute button.
    await page.evaluate(`(window.cxMuteBench = CXBus.registerPlugin('MuteBench')).publish('typing', {})`);
    const input = '[data-testid="filter"]';
    await panel.$eval(input, (el, name) => {
      (el as HTMLInputElement).value = name;
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }, NAME);
    await waitFor(() => panel.$('[data-testid="bus-row"]'), 'the MuteBench row');
    await panel.$eval('[data-testid="bus-row"]', (el) => (el as HTMLElement).click());
    await panel.waitForSelector('[data-testid="mute-event"]');
    await run(page, cpu, data); // warm-up
    const unmuted: number[] = [];
    const muted: number[] = [];
    let rowsWhileMuted = 0;
    for (let round = 0; round < ROUNDS; round++) {
      for (const mute of round % 2 ? [true, false] : [false, true]) {
        await setMuted(panel, mute);
        const rowsBefore = await count(panel, '[data-testid="row-count"]', 'data-count');
        const ms = await run(page, cpu, data);
        if (mute) {
          muted.push(ms);
          rowsWhileMuted += (await count(panel, '[data-testid="row-count"]', 'data-count')) - rowsBefore;
        } else {
          unmuted.push(ms);
        }
      }
    }
    await sleep(1200);
    const mutedCounted = await count(panel, '[data-testid="mutes"]', 'data-count');
    await setMuted(panel, false);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    return {
      perSecond: PER_SECOND, seconds: SECONDS, rounds: ROUNDS,
      unmutedCpuMs: median(unmuted), mutedCpuMs: median(muted), ratio: median(muted.map((m, i) => m / unmuted[i]!)),
      rowsWhileMuted, mutedCounted,
    };
  } finally {
    await page.close().catch(() => {});
  }
}

export function printMuteBench(b: MuteBench): void {
  console.log(`  mute       a page publishing ${NAME} ${b.perSecond}/s for ${b.seconds} s (a real messageReceived payload), panel open; page main-thread CPU, median of ${b.rounds} rounds:`);
  console.log(`             unmuted ${b.unmutedCpuMs.toFixed(1)} ms, muted ${b.mutedCpuMs.toFixed(1)} ms: muted/unmuted = ${b.ratio.toFixed(3)} (target < 1); ${b.rowsWhileMuted} rows while muted, ${b.mutedCounted} counted as muted`);
}
