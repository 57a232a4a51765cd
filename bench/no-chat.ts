// The bench's part on pages without a chat: CX Lens runs in every frame of every page, so it must
// cost nothing there. Load times of a plain page and of one with 20 iframes, with and without
// CX Lens (no DevTools: ordinary browsing), how many times the extension's service worker started
// over those page loads, and the gzip sizes of the scripts that run in every frame.
import type { Browser, Page, Target } from 'puppeteer-core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DIST, launch, serviceWorker, sleep } from '../test/e2e/harness';

export const NO_CHAT_LOADS = 30;
const PAGES = { plain: '/plain.html', frames20: '/frames.html' } as const;
/** The page-side scripts, as built: the two main-world hooks and the isolated-world relay. */
const PAGE_SIDE_SCRIPTS = ['src/page/page-hook.iife.js', 'src/page/channel-hook.iife.js', 'src/content/relay.iife.js'];

export interface NoChatResults {
  loads: number;
  loadMs: Record<keyof typeof PAGES, { without: number; with: number; ratio: number }>;
  /** Service worker starts while the lens browser loaded every page `loads` times. */
  workerStarts: number;
  pageLoadsWithLens: number;
  gzipBytes: Record<string, number>;
  rawBytes: Record<string, number>;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** ms from navigation start to the end of the load event, measured by the page. The tab goes to
 *  about:blank first, so that the page before (and the teardown of its frames) is not counted. */
async function loadTime(page: Page, url: string): Promise<number> {
  await page.goto('about:blank');
  await page.goto(url, { waitUntil: 'load' });
  return page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
    return nav ? nav.loadEventEnd : NaN;
  });
}

async function stopWorker(browser: Browser): Promise<void> {
  const target = await serviceWorker(browser);
  const gone = new Promise<void>((resolve) => browser.once('targetdestroyed', (t) => t === target && resolve()));
  await (await target.worker())!.close();
  await gone;
}

export async function noChatBench(origin: string): Promise<NoChatResults> {
  const lens = await launch({ devtools: false });
  // Without CX Lens: a browser context of the same browser where extensions do not run (like an
  // incognito window), so both sides share the browser's processes and the machine's moment.
  const plain = await lens.browser.createBrowserContext();
  try {
    const without = await plain.newPage();
    const withLens = await lens.browser.newPage();
    // Warm-up: caches, and the worker's start at install, which is not ordinary browsing's.
    for (const path of Object.values(PAGES)) {
      await loadTime(without, origin + path);
      await loadTime(withLens, origin + path);
    }
    await sleep(500);
    await stopWorker(lens.browser);
    let workerStarts = 0;
    const onCreated = (t: Target) => {
      if (t.type() === 'service_worker' && t.url().includes('/service-worker')) workerStarts++;
    };
    lens.browser.on('targetcreated', onCreated);

    const times = { plain: { without: [] as number[], with: [] as number[] }, frames20: { without: [] as number[], with: [] as number[] } };
    let pageLoadsWithLens = 0;
    for (let i = 0; i < NO_CHAT_LOADS; i++) {
      for (const key of Object.keys(PAGES) as (keyof typeof PAGES)[]) {
        // Alternating, so that a slow moment of the machine falls on both.
        times[key].without.push(await loadTime(without, origin + PAGES[key]));
        times[key].with.push(await loadTime(withLens, origin + PAGES[key]));
        pageLoadsWithLens++;
      }
    }
    await sleep(1000); // a late start would show now
    lens.browser.off('targetcreated', onCreated);

    const loadMs = {} as NoChatResults['loadMs'];
    for (const key of Object.keys(PAGES) as (keyof typeof PAGES)[]) {
      const a = median(times[key].without);
      const b = median(times[key].with);
      loadMs[key] = { without: a, with: b, ratio: b / a };
    }
    const gzipBytes: Record<string, number> = {};
    const rawBytes: Record<string, number> = {};
    for (const file of PAGE_SIDE_SCRIPTS) {
      const text = readFileSync(join(DIST, file));
      rawBytes[file] = text.length;
      gzipBytes[file] = gzipSync(text, { level: 9 }).length;
    }
    return { loads: NO_CHAT_LOADS, loadMs, workerStarts, pageLoadsWithLens, gzipBytes, rawBytes };
  } finally {
    await plain.close().catch(() => {});
    await lens.close();
  }
}

export function printNoChat(r: NoChatResults): void {
  const fmt = (x: number, d = 1) => x.toFixed(d);
  console.log(`  no chat    load time, median of ${r.loads} loads each, without / with CX Lens (goal ratio ≤ 1.02):`);
  console.log(`             plain page ${fmt(r.loadMs.plain.without)} / ${fmt(r.loadMs.plain.with)} ms = ${fmt(r.loadMs.plain.ratio, 3)}    `
    + `20 iframes ${fmt(r.loadMs.frames20.without)} / ${fmt(r.loadMs.frames20.with)} ms = ${fmt(r.loadMs.frames20.ratio, 3)}`);
  console.log(`             service worker started ${r.workerStarts} times over ${r.pageLoadsWithLens} page loads (goal 0)`);
  const total = Object.values(r.gzipBytes).reduce((a, b) => a + b, 0);
  console.log(`  page side  gzip: ${Object.entries(r.gzipBytes).map(([f, n]) => `${f.replace(/^.*\//, '')} ${fmt(n / 1024, 1)} kB`).join(', ')}; total ${fmt(total / 1024, 1)} kB`);
}
