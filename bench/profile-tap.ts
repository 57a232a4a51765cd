// Where the page's time goes when CX Lens taps a busy bus: a V8 CPU profile (sampled every 100 µs)
// of the bench page (bench.html, 20,000 publishes with one subscriber, DevTools open) in the
// benchmark's configurations: (a) without CX Lens, (f) with the bare one-frame wrapper, (b0) CX Lens
// with no panel open, (b) CX Lens with its panel open. Prints each one's samples by part (the page's
// own code, the timers' async stacks, the tap's hot path, the deferred copy and the batches, the
// relay) and the heaviest functions. The profiler slows what it samples: compare the parts, and
// take the costs themselves from `npm run bench`.
//
// PROFILE=parts measures instead which page-side script costs what at a frame's start on a
// switched-on site without a chat: main-thread CPU added to a load of plain.html and of frames.html
// (20 same-origin iframes), median of PROFILE_RUNS loads, for copies of the build whose hook or
// relay is emptied (`void 0`) or kept only to be parsed (inside a block that never runs).
// PROFILE=start profiles instead the loads of a page with 20 same-origin iframes and no chat on a
// switched-on site (PROFILE_RUNS loads): what each frame's start of the hook and the relay costs.
//
//   npm run build && CX_LENS_UNMINIFIED=1 node scripts/build-standalone.mjs   (readable names)
//   node --import tsx bench/profile-tap.ts            (PROFILE_RUNS=5 runs per side)
import type { CDPSession, Page } from 'puppeteer-core';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIST, launch, openPage, openLensPanel, sleep, startDemo, type Lens } from '../test/support';
import { wrapEveryPublish } from './page-wrappers';
import { load } from './no-chat';

const RUNS = Number(process.env.PROFILE_RUNS ?? 5);
const N = 20_000;
const TOP = 15;

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
}
interface Profile { nodes: ProfileNode[]; samples?: number[]; timeDeltas?: number[]; startTime: number; endTime: number }

/** Self time (ms) per node id, from the samples and their time deltas. */
function selfTimes(profile: Profile): Map<number, number> {
  const out = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const next = i + 1 < deltas.length ? deltas[i + 1]! : 0;
    out.set(samples[i]!, (out.get(samples[i]!) ?? 0) + next / 1000);
  }
  return out;
}

/** The hook's functions that run inside the page's publish call (the rest of the hook runs later). */
const HOT_PATH = new Set(['event', 'snapshot', 'now', 'skipMuted', 'add', 'enter', 'nestedEvent', 'fullName']);

function partOf(file: string, functionName: string, lineNumber: number, hookTrapLine: number): string {
  if (file === 'page-hook.js') {
    if (HOT_PATH.has(functionName) || lineNumber + 1 === hookTrapLine) return 'tap, in the call';
    return 'hook, deferred (copy, batch, post)';
  }
  if (file === 'relay.js') return 'relay (content script)';
  if (file === 'cxbus.min.js' || file === 'bench.js' || file.startsWith('pptr:')) return 'page (bus, bench)';
  if (functionName === 'setTimeout') return 'setTimeout (async stack with DevTools open)';
  if (functionName === 'postMessage') return 'postMessage (native)';
  if (functionName === '(garbage collector)') return 'garbage collector';
  return 'other native';
}

function summarize(profile: Profile, hookTrapLine: number): { total: number; rows: Array<[string, number]>; parts: Array<[string, number]> } {
  const self = selfTimes(profile);
  const byKey = new Map<string, number>();
  const byPart = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const ms = self.get(node.id) ?? 0;
    if (!ms) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)' || functionName === '(program)') continue;
    total += ms;
    const file = url.split('/').pop() || '(native)';
    const key = file === 'page-hook.js' ? `hook: ${functionName || '(anonymous)'}:${lineNumber + 1}` : `${file}: ${functionName || '(anonymous)'}`;
    byKey.set(key, (byKey.get(key) ?? 0) + ms);
    const part = partOf(file, functionName, lineNumber, hookTrapLine);
    byPart.set(part, (byPart.get(part) ?? 0) + ms);
  }
  const sorted = (map: Map<string, number>) => [...map].sort((x, y) => y[1] - x[1]);
  return { total, rows: sorted(byKey), parts: sorted(byPart) };
}

async function profiled(page: Page): Promise<Profile> {
  const session: CDPSession = await page.createCDPSession();
  await session.send('Profiler.enable');
  await session.send('Profiler.setSamplingInterval', { interval: 100 });
  await session.send('Profiler.start');
  for (let i = 0; i < RUNS; i++) {
    await page.evaluate((n) => (window as unknown as { runPublishes(n: number): Promise<number> }).runPublishes(n), N);
    // the deferred copy and post, at idle time
    await page.evaluate(() => new Promise<void>((resolve) => requestIdleCallback(() => requestIdleCallback(() => resolve(), { timeout: 2000 }), { timeout: 2000 })));
  }
  const { profile } = await session.send('Profiler.stop') as unknown as { profile: Profile };
  await session.detach();
  return profile;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
type Rewrite = (code: string) => string;
const kept: Rewrite = (code) => code;
const emptied: Rewrite = () => 'void 0;\n';
const parsedOnly: Rewrite = (code) => `if (Math.random() < 0) {\n${code}\n}\n`;

/** A copy of the build with its hook and relay rewritten. */
function variantBuild(hook: Rewrite, relay: Rewrite): string {
  const dir = mkdtempSync(join(tmpdir(), 'cx-lens-variant-'));
  cpSync(DIST, dir, { recursive: true });
  writeFileSync(join(dir, 'page-hook.js'), hook(readFileSync(join(DIST, 'page-hook.js'), 'utf8')));
  writeFileSync(join(dir, 'relay.js'), relay(readFileSync(join(DIST, 'relay.js'), 'utf8')));
  return dir;
}

async function measureParts(origin: string): Promise<void> {
  const variants = [
    { label: 'floor (both emptied)', dir: variantBuild(emptied, emptied) },
    { label: 'CX Lens', dir: variantBuild(kept, kept) },
    { label: 'hook only', dir: variantBuild(kept, emptied) },
    { label: 'relay only', dir: variantBuild(emptied, kept) },
    { label: 'both parsed, not run', dir: variantBuild(parsedOnly, parsedOnly) },
  ];
  const sides: Array<{ label: string; lens: Lens; with: Page; without: Page; cpu: Record<string, number[]> }> = [];
  try {
    for (const v of variants) {
      const lens = await launch({ devtools: false, extensionDir: v.dir });
      const off = await lens.browser.createBrowserContext(); // extensions do not run there
      sides.push({ label: v.label, lens, with: await lens.browser.newPage(), without: await off.newPage(), cpu: {} });
    }
    const pages = ['/plain.html', '/frames.html'];
    for (const s of sides) for (const path of pages) for (const tab of [s.with, s.without]) await load(tab, origin + path); // warm-up
    for (let i = 0; i < RUNS; i++) {
      for (const s of sides) { // alternating: a slow moment of the machine falls on every side
        for (const path of pages) {
          for (const [key, tab] of [[`${path} with`, s.with], [`${path} without`, s.without]] as const) (s.cpu[key] ??= []).push((await load(tab, origin + path)).cpu);
        }
      }
    }
    console.log(`\nmain-thread CPU added to a load (median of ${RUNS} loads, each side in its own browser, with / without extensions)`);
    for (const s of sides) {
      const added = (path: string) => median(s.cpu[`${path} with`]!) - median(s.cpu[`${path} without`]!);
      console.log(`  ${s.label.padEnd(22)} plain page +${added('/plain.html').toFixed(1)} ms   20 iframes +${added('/frames.html').toFixed(1)} ms (+${(added('/frames.html') / 21).toFixed(2)} a frame)`);
    }
  } finally {
    for (const s of sides) await s.lens.close();
    for (const v of variants) rmSync(v.dir, { recursive: true, force: true });
  }
}

/** Loads `url` RUNS times under the profiler; self time by script and function (the page's
 *  main thread: every same-origin frame, and the content scripts' isolated worlds). */
async function profileStarts(url: string): Promise<void> {
  const lens = await launch({ devtools: false });
  try {
    const page = await lens.browser.newPage();
    await page.goto(url, { waitUntil: 'load' });
    const session = await page.createCDPSession();
    await session.send('Profiler.enable');
    await session.send('Profiler.setSamplingInterval', { interval: 50 });
    await session.send('Profiler.start');
    for (let i = 0; i < RUNS; i++) {
      await page.reload({ waitUntil: 'load' });
      await sleep(200);
    }
    const { profile } = await session.send('Profiler.stop') as unknown as { profile: Profile };
    const self = selfTimes(profile);
    const byScript = new Map<string, number>();
    const byFunction = new Map<string, number>();
    for (const node of profile.nodes) {
      const ms = self.get(node.id) ?? 0;
      if (!ms) continue;
      const { functionName, url: at, lineNumber } = node.callFrame;
      const file = at.split('/').pop() || `(native) ${functionName}`;
      byScript.set(file, (byScript.get(file) ?? 0) + ms);
      if (file === 'page-hook.js' || file === 'relay.js') {
        const key = `${file}: ${functionName || '(anonymous)'}:${lineNumber + 1}`;
        byFunction.set(key, (byFunction.get(key) ?? 0) + ms);
      }
    }
    const print = (map: Map<string, number>, n: number) => {
      for (const [key, ms] of [...map].sort((x, y) => y[1] - x[1]).slice(0, n)) console.log(`  ${(ms / RUNS).toFixed(2).padStart(8)} ms a load  ${key}`);
    };
    console.log(`\n${url}: ${RUNS} loads (21 frames each), samples by script`);
    print(byScript, 20);
    console.log('CX Lens page scripts, by function');
    print(byFunction, 25);
  } finally {
    await lens.close();
  }
}

async function main() {
  if (process.env.PROFILE === 'parts') {
    const demo = await startDemo({ port: 0, apiPort: 0 });
    try {
      await measureParts(demo.urls.domainB);
    } finally {
      await demo.close();
    }
    return;
  }
  if (process.env.PROFILE === 'start') {
    const demo = await startDemo({ port: 0, apiPort: 0 });
    try {
      await profileStarts(`${demo.urls.domainB}/frames.html`);
    } finally {
      await demo.close();
    }
    return;
  }
  const demo = await startDemo({ port: 0, apiPort: 0 });
  const url = `${demo.urls.domainB}/bench.html`;
  const lens = await launch();
  try {
    // The trap of the publish wrappers: the line of `function(target, self, args)` right after
    // eventWrapper's `this.proxy(orig,` in the unminified build (0 when minified: no split).
    const hookTrapLine = await hookTrapLineOf();
    const ready = (page: Page) => page.waitForFunction('typeof window.runPublishes === "function"');
    const plainContext = await lens.browser.createBrowserContext();
    const plain = await plainContext.newPage();
    await plain.goto(url, { waitUntil: 'load' });
    const floor = await plainContext.newPage();
    await floor.evaluateOnNewDocument(wrapEveryPublish, false);
    await floor.goto(url, { waitUntil: 'load' });
    const quiet = (await openPage(lens.browser, url)).page;
    const { page, devtools } = await openPage(lens.browser, url);
    await openLensPanel(devtools);
    for (const p of [plain, floor, quiet, page]) await ready(p);
    await sleep(1000);
    const sides = [['(a) without CX Lens', plain], ['(f) bare one-frame wrapper', floor], ['(b0) CX Lens, no panel', quiet], ['(b) CX Lens, panel open', page]] as const;
    for (const [label, target] of sides) {
      const { total, rows, parts } = summarize(await profiled(target), hookTrapLine);
      console.log(`\n${label}: ${total.toFixed(1)} ms of samples over ${RUNS} runs of ${N} publishes`);
      for (const [key, ms] of parts) console.log(`  ${ms.toFixed(1).padStart(8)} ms  ${(100 * ms / total).toFixed(1).padStart(5)}%  ${key}`);
      console.log('  heaviest functions:');
      for (const [key, ms] of rows.slice(0, TOP)) console.log(`  ${ms.toFixed(1).padStart(8)} ms  ${(100 * ms / total).toFixed(1).padStart(5)}%  ${key}`);
    }
  } finally {
    await lens.close();
    await demo.close();
  }
}

async function hookTrapLineOf(): Promise<number> {
  const code = readFileSync(join(DIST, 'page-hook.js'), 'utf8').split('\n');
  const at = code.findIndex((line, i) => /this\.proxy\(orig, function\(target, self, args\)/.test(line) && code.slice(i, i + 8).some((l) => l.includes('recording an event') || l.includes('entered')));
  return at + 1;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
