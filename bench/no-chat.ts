// The bench's part on pages without a chat: CX Lens runs in every frame of every page, so it must
// cost nothing there. Load times of a plain page and of one with 20 iframes, with and without
// CX Lens (no DevTools: ordinary browsing), how many times the extension's service worker started
// over those page loads, and the gzip sizes of the scripts that run in every frame.
//
// The floor: the same extension with its page-side scripts emptied (`void 0`). Chromium then still
// creates the isolated world and runs an injection in every frame, which costs load time by itself;
// the floor's ratio is what any extension with document_start scripts in every frame pays, and
// CX Lens's own cost is its ratio above that. Each ratio is taken within one browser (its own pages
// with and without extensions), and the two browsers' loads alternate.
import type { Page, Target } from 'puppeteer-core';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  DIST, launch, sleep, stopWorker, type Lens,
} from '../test/support';

export const NO_CHAT_LOADS = 30;
const PAGES = { plain: '/plain.html', frames20: '/frames.html' } as const;
type PageKey = keyof typeof PAGES;
/** The page-side scripts, as built: the main-world hooks (bus and channel) and the isolated-world relay. */
const PAGE_SIDE_SCRIPTS = ['src/page/page-hook.iife.js', 'src/content/relay.iife.js'];

interface LoadRatio { without: number; with: number; ratio: number }
/** Main-thread CPU of one load (ms), without and with the extension: the difference is what the
 *  extension's scripts and worlds cost the page's renderer, steadier than load times. */
interface CpuCost { without: number; with: number; extra: number }
export interface NoChatResults {
  loads: number;
  loadMs: Record<PageKey, LoadRatio>;
  /** The same, for the floor extension (page-side scripts emptied). */
  floorMs: Record<PageKey, LoadRatio>;
  cpuMs: Record<PageKey, CpuCost>;
  floorCpuMs: Record<PageKey, CpuCost>;
  /** Service worker starts while the lens browser loaded every page `loads` times. */
  workerStarts: number;
  pageLoadsWithLens: number;
  gzipBytes: Record<string, number>;
  rawBytes: Record<string, number>;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mapPages = <A, B>(m: Record<PageKey, A>, fn: (a: A) => B) =>
  Object.fromEntries(Object.entries(m).map(([k, v]) => [k, fn(v as A)])) as Record<PageKey, B>;

interface Load { ms: number; cpu: number }

/** One load: ms from navigation start to the end of the load event, measured by the page, and the
 *  CPU time of the renderer's main thread meanwhile (CDP Performance, thread ticks; every frame of
 *  these pages is same-site, so in that process). The tab goes to about:blank first, so that the
 *  page before (and the teardown of its frames) is not counted. */
async function load(page: Page, url: string): Promise<Load> {
  await page.goto('about:blank');
  const cdp = await page.createCDPSession();
  try {
    await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
    const taskSeconds = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration')?.value ?? NaN;
    const before = await taskSeconds();
    await page.goto(url, { waitUntil: 'load' });
    const cpu = (await taskSeconds() - before) * 1000;
    const ms = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
      return nav ? nav.loadEventEnd : NaN;
    });
    return { ms, cpu };
  } finally {
    await cdp.detach().catch(() => {});
  }
}

/** A copy of the build whose page-side scripts do nothing. */
function floorBuild(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cx-lens-floor-'));
  cpSync(DIST, dir, { recursive: true });
  for (const file of PAGE_SIDE_SCRIPTS) writeFileSync(join(dir, file), 'void 0;\n');
  return dir;
}

/** A browser with an extension, a tab in its default context (extension on) and one in a context
 *  of its own (extensions off, like an incognito window). */
async function side(lens: Lens) {
  const off = await lens.browser.createBrowserContext();
  return { lens, without: await off.newPage(), with: await lens.browser.newPage() };
}

export async function noChatBench(origin: string): Promise<NoChatResults> {
  const floorDir = floorBuild();
  const sides: Awaited<ReturnType<typeof side>>[] = [];
  try {
    const lensSide = await side(await launch({ devtools: false }));
    sides.push(lensSide);
    const floorSide = await side(await launch({ devtools: false, extensionDir: floorDir }));
    sides.push(floorSide);
    const times = new Map(sides.map((s) => [s, {
      plain: { without: [] as Load[], with: [] as Load[] },
      frames20: { without: [] as Load[], with: [] as Load[] },
    }]));
    const lensBrowser = lensSide.lens.browser;
    // Warm-up: caches, and the worker's start at install, which is not ordinary browsing's.
    for (const s of sides) {
      for (const path of Object.values(PAGES)) {
        await load(s.without, origin + path);
        await load(s.with, origin + path);
      }
    }
    await sleep(500);
    await stopWorker(lensBrowser);
    let workerStarts = 0;
    const onCreated = (t: Target) => {
      if (t.type() === 'service_worker' && t.url().includes('/service-worker')) workerStarts++;
    };
    lensBrowser.on('targetcreated', onCreated);

    let pageLoadsWithLens = 0;
    for (let i = 0; i < NO_CHAT_LOADS; i++) {
      for (const key of Object.keys(PAGES) as PageKey[]) {
        // Alternating, so that a slow moment of the machine falls on every side.
        for (const s of sides) {
          times.get(s)![key].without.push(await load(s.without, origin + PAGES[key]));
          times.get(s)![key].with.push(await load(s.with, origin + PAGES[key]));
        }
        pageLoadsWithLens++;
      }
    }
    await sleep(1000); // a late start would show now
    lensBrowser.off('targetcreated', onCreated);

    /** Per page, the medians of one measure without and with the side's extension. */
    const medians = (s: typeof lensSide, measure: keyof Load) => {
      const out = {} as Record<PageKey, { without: number; with: number }>;
      for (const key of Object.keys(PAGES) as PageKey[]) {
        const loads = times.get(s)![key];
        out[key] = { without: median(loads.without.map((l) => l[measure])), with: median(loads.with.map((l) => l[measure])) };
      }
      return out;
    };
    const ratios = (s: typeof lensSide) => mapPages(medians(s, 'ms'), (m): LoadRatio => ({ ...m, ratio: m.with / m.without }));
    const cpu = (s: typeof lensSide) => mapPages(medians(s, 'cpu'), (m): CpuCost => ({ ...m, extra: m.with - m.without }));
    const gzipBytes: Record<string, number> = {};
    const rawBytes: Record<string, number> = {};
    for (const file of PAGE_SIDE_SCRIPTS) {
      const text = readFileSync(join(DIST, file));
      rawBytes[file] = text.length;
      gzipBytes[file] = gzipSync(text, { level: 9 }).length;
    }
    return {
      loads: NO_CHAT_LOADS, loadMs: ratios(lensSide), floorMs: ratios(floorSide), cpuMs: cpu(lensSide), floorCpuMs: cpu(floorSide),
      workerStarts, pageLoadsWithLens, gzipBytes, rawBytes,
    };
  } finally {
    for (const s of sides) await s.lens.close();
    rmSync(floorDir, { recursive: true, force: true });
  }
}

export function printNoChat(r: NoChatResults): void {
  const fmt = (x: number, d = 1) => x.toFixed(d);
  const line = (m: Record<PageKey, LoadRatio>) =>
    `plain page ${fmt(m.plain.without)} / ${fmt(m.plain.with)} ms = ${fmt(m.plain.ratio, 3)}    `
    + `20 iframes ${fmt(m.frames20.without)} / ${fmt(m.frames20.with)} ms = ${fmt(m.frames20.ratio, 3)}`;
  console.log(`  no chat    load time, median of ${r.loads} loads each, without / with CX Lens (goal ratio ≤ 1.02):`);
  console.log(`             ${line(r.loadMs)}`);
  console.log(`             floor, the same extension with empty page-side scripts: ${line(r.floorMs)}`);
  console.log(`             CX Lens above the floor: plain page ${fmt(r.loadMs.plain.ratio - r.floorMs.plain.ratio, 3)}, `
    + `20 iframes ${fmt(r.loadMs.frames20.ratio - r.floorMs.frames20.ratio, 3)}`);
  const cpuLine = (m: Record<PageKey, CpuCost>) => `plain page +${fmt(m.plain.extra)} ms (of ${fmt(m.plain.without)}), 20 iframes +${fmt(m.frames20.extra)} ms (of ${fmt(m.frames20.without)})`;
  console.log(`             main-thread CPU of a load, added by CX Lens: ${cpuLine(r.cpuMs)}; by the floor: ${cpuLine(r.floorCpuMs)}`);
  console.log(`             service worker started ${r.workerStarts} times over ${r.pageLoadsWithLens} page loads (goal 0)`);
  const total = Object.values(r.gzipBytes).reduce((a, b) => a + b, 0);
  console.log(`  page side  gzip: ${Object.entries(r.gzipBytes).map(([f, n]) => `${f.replace(/^.*\//, '')} ${fmt(n / 1024, 1)} kB`).join(', ')}; total ${fmt(total / 1024, 1)} kB`);
}
