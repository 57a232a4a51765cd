// The bench's part on pages without a chat. CX Lens runs its page scripts only on the sites the user
// switched on (site access), so:
// - on a site that is NOT switched on it must cost nothing: load times and main-thread CPU of a plain
//   page and of one with 20 iframes, with CX Lens installed ÷ without, next to the same figures for
//   an installed extension that declares no content scripts at all; the CX Lens scripts that ran
//   (counted through CDP: CX Lens execution contexts and scripts parsed from its URLs); and how many
//   times the service worker started over those loads;
// - on a switched-on site (here: all sites) the same pages with CX Lens and with its floor, the same
//   extension with its page-side scripts emptied (`void 0`): Chromium still creates the isolated world
//   and runs an injection in every frame, which costs load time by itself; CX Lens's own cost is its
//   ratio above that.
// Each ratio is taken within one browser (its own pages with and without extensions), and the
// browsers' loads alternate.
import type { Page, Target } from 'puppeteer-core';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  DIST, launch, sleep, stopWorker, watchLensScripts, type Lens,
} from '../test/support';

export const NO_CHAT_LOADS = 30;
const PAGES = { plain: '/plain.html', frames20: '/frames.html' } as const;
type PageKey = keyof typeof PAGES;
/** The page-side scripts, as built: the main-world hooks (bus and channel) and the isolated-world relay. */
const PAGE_SIDE_SCRIPTS = ['page-hook.js', 'relay.js'];
/** Loads of each page counted for CX Lens scripts (with a debugger attached: not timed). */
const SCRIPT_COUNT_LOADS = 10;

interface LoadRatio { without: number; with: number; ratio: number }
/** Main-thread CPU of one load (ms), without and with the extension: the difference is what the
 *  extension's scripts and worlds cost the page's renderer, steadier than load times. */
interface CpuCost { without: number; with: number; extra: number }
export interface NoChatResults {
  loads: number;
  /** A site not switched on: CX Lens installed, no site on. */
  offMs: Record<PageKey, LoadRatio>;
  offCpuMs: Record<PageKey, CpuCost>;
  /** The same, for an installed extension that declares no content scripts. */
  bareMs: Record<PageKey, LoadRatio>;
  bareCpuMs: Record<PageKey, CpuCost>;
  /** CX Lens scripts that ran on the site not switched on, over `scriptCountLoads` loads of each page. */
  lensContexts: number;
  lensScripts: number;
  scriptCountLoads: number;
  /** Service worker starts while the not-switched-on browser loaded every page `loads` times. */
  workerStarts: number;
  pageLoadsWithLens: number;
  /** A switched-on site (all sites on): CX Lens, and its floor (page-side scripts emptied). */
  loadMs: Record<PageKey, LoadRatio>;
  floorMs: Record<PageKey, LoadRatio>;
  cpuMs: Record<PageKey, CpuCost>;
  floorCpuMs: Record<PageKey, CpuCost>;
  gzipBytes: Record<string, number>;
  rawBytes: Record<string, number>;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mapPages = <A, B>(m: Record<PageKey, A>, fn: (a: A) => B) =>
  Object.fromEntries(Object.entries(m).map(([k, v]) => [k, fn(v as A)])) as Record<PageKey, B>;

export interface Load { ms: number; cpu: number }

/** One load: ms from navigation start to the end of the load event, measured by the page, and the
 *  CPU time of the renderer's main thread meanwhile (CDP Performance, thread ticks; every frame of
 *  these pages is same-site, so in that process). The tab goes to about:blank first, so that the
 *  page before (and the teardown of its frames) is not counted. */
export async function load(page: Page, url: string): Promise<Load> {
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

/** An extension that declares no content scripts (nor anything else). */
function bareExtension(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cx-lens-bare-'));
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ manifest_version: 3, name: 'No content scripts', version: '1.0' }));
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
  const bareDir = bareExtension();
  const sides: Awaited<ReturnType<typeof side>>[] = [];
  try {
    const offSide = await side(await launch({ devtools: false, sites: 'none' }));
    sides.push(offSide);
    const bareSide = await side(await launch({ devtools: false, sites: 'none', extensionDir: bareDir }));
    sides.push(bareSide);
    const lensSide = await side(await launch({ devtools: false }));
    sides.push(lensSide);
    const floorSide = await side(await launch({ devtools: false, extensionDir: floorDir }));
    sides.push(floorSide);
    const times = new Map(sides.map((s) => [s, {
      plain: { without: [] as Load[], with: [] as Load[] },
      frames20: { without: [] as Load[], with: [] as Load[] },
    }]));
    const offBrowser = offSide.lens.browser;
    // Warm-up: caches, and the worker's start at install, which is not ordinary browsing's.
    for (const s of sides) {
      for (const path of Object.values(PAGES)) {
        await load(s.without, origin + path);
        await load(s.with, origin + path);
      }
    }
    await sleep(500);
    await stopWorker(offBrowser);
    let workerStarts = 0;
    const onCreated = (t: Target) => {
      if (t.type() === 'service_worker' && t.url().includes('/service-worker')) workerStarts++;
    };
    offBrowser.on('targetcreated', onCreated);

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
    offBrowser.off('targetcreated', onCreated);

    // CX Lens's scripts on the site not switched on, through CDP (every frame, out-of-process ones too).
    const watch = await watchLensScripts(offSide.with);
    for (let i = 0; i < SCRIPT_COUNT_LOADS; i++) {
      for (const path of Object.values(PAGES)) await offSide.with.goto(origin + path, { waitUntil: 'load' });
    }
    await sleep(500);
    const lensContexts = watch.contexts();
    const lensScripts = watch.scripts().length;
    await watch.stop();

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
      loads: NO_CHAT_LOADS,
      offMs: ratios(offSide), offCpuMs: cpu(offSide), bareMs: ratios(bareSide), bareCpuMs: cpu(bareSide),
      lensContexts, lensScripts, scriptCountLoads: SCRIPT_COUNT_LOADS * Object.keys(PAGES).length,
      workerStarts, pageLoadsWithLens,
      loadMs: ratios(lensSide), floorMs: ratios(floorSide), cpuMs: cpu(lensSide), floorCpuMs: cpu(floorSide),
      gzipBytes, rawBytes,
    };
  } finally {
    for (const s of sides) await s.lens.close();
    rmSync(floorDir, { recursive: true, force: true });
    rmSync(bareDir, { recursive: true, force: true });
  }
}

export function printNoChat(r: NoChatResults): void {
  const fmt = (x: number, d = 1) => x.toFixed(d);
  const line = (m: Record<PageKey, LoadRatio>) =>
    `plain page ${fmt(m.plain.without)} / ${fmt(m.plain.with)} ms = ${fmt(m.plain.ratio, 3)}    `
    + `20 iframes ${fmt(m.frames20.without)} / ${fmt(m.frames20.with)} ms = ${fmt(m.frames20.ratio, 3)}`;
  const cpuLine = (m: Record<PageKey, CpuCost>) => `plain page +${fmt(m.plain.extra)} ms (of ${fmt(m.plain.without)}), 20 iframes +${fmt(m.frames20.extra)} ms (of ${fmt(m.frames20.without)})`;
  console.log(`  no chat, site NOT switched on: load time, median of ${r.loads} loads each, without / with the extension installed:`);
  console.log(`             CX Lens:                                 ${line(r.offMs)}`);
  console.log(`             an extension with no content scripts:    ${line(r.bareMs)}`);
  console.log(`             main-thread CPU of a load, added by CX Lens: ${cpuLine(r.offCpuMs)}; by the extension with no content scripts: ${cpuLine(r.bareCpuMs)}`);
  console.log(`             CX Lens scripts run (CDP): ${r.lensContexts} execution contexts, ${r.lensScripts} scripts over ${r.scriptCountLoads} loads (goal 0)`);
  console.log(`             service worker started ${r.workerStarts} times over ${r.pageLoadsWithLens} page loads (goal 0)`);
  console.log(`  no chat, site switched on (all sites): load time, median of ${r.loads} loads each, without / with:`);
  console.log(`             CX Lens: ${line(r.loadMs)}`);
  console.log(`             floor, the same extension with empty page-side scripts: ${line(r.floorMs)}`);
  console.log(`             CX Lens above the floor: plain page ${fmt(r.loadMs.plain.ratio - r.floorMs.plain.ratio, 3)}, `
    + `20 iframes ${fmt(r.loadMs.frames20.ratio - r.floorMs.frames20.ratio, 3)}`);
  console.log(`             main-thread CPU of a load, added by CX Lens: ${cpuLine(r.cpuMs)}; by the floor: ${cpuLine(r.floorCpuMs)}`);
  console.log(`             CPU above the floor per frame of the 20-iframe page: ${fmt((r.cpuMs.frames20.extra - r.floorCpuMs.frames20.extra) / 21, 2)} ms (goal ≤ 1)`);
  const total = Object.values(r.gzipBytes).reduce((a, b) => a + b, 0);
  console.log(`  page side  gzip: ${Object.entries(r.gzipBytes).map(([f, n]) => `${f.replace(/^.*\//, '')} ${fmt(n / 1024, 1)} kB`).join(', ')}; total ${fmt(total / 1024, 1)} kB`);
}
