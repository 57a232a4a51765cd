// Page-side fuzz: generated hostile payloads (getters, throwing ones too, proxies with trapping
// handlers, cycles, depth, size, odd and null prototypes, exotic objects, throwing toString /
// toJSON / Symbol.toPrimitive, frozen objects, huge arrays) published and commanded on the bus
// through the real page hook in Chromium, each batch run the same way in a second Chromium
// WITHOUT CX Lens: the page must see exactly the same (return values, what subscribers and
// callbacks got, how often the payload's getters, methods and proxy traps ran, unhandled
// rejections), and no page error. Also the single defects this suite was written for, in Chromium.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'puppeteer-core';
import { launch, type Lens } from '../support/harness';
import { FUZZ_PAGE, FUZZ_SCRIPT } from './page-fuzz-page';
import { CASES, REGRESSIONS, generate, type Case } from './page-fuzz-cases';

const PORT = 8793;
const ORIGIN = `http://127.0.0.1:${PORT}`;
const CXBUS = readFileSync(resolve(import.meta.dirname, '../demo/widgets/cxbus.min.js'), 'utf8');

const BATCH = 150;
/** The hook copies a batch's payloads at its flush: at most about 250 ms after the calls. */
const FLUSH_WAIT_MS = 450;

// ------------------------------------------------------------------------------------------------

interface RunResult {
  results: Record<string, unknown>[];
  counts: { getters: number; methods: number; gets: number; introspect: number };
  unhandled: number;
  handledLater: number;
}

let server: Server;
let withLens: Lens;
let without: Lens;
let lensPage: Page;
let plainPage: Page;
const errors = { lens: [] as string[], plain: [] as string[] };

async function openFuzzPage(lens: Lens, sink: string[]): Promise<Page> {
  const page = await lens.browser.newPage();
  page.on('pageerror', (e) => sink.push(String(e)));
  await page.goto(`${ORIGIN}/`, { waitUntil: 'load' });
  await page.waitForFunction(() => !!(window as any).__fuzz);
  return page;
}

async function run(page: Page, cases: Case[]): Promise<RunResult> {
  await page.evaluate(() => (window as any).__fuzz.reset());
  return page.evaluate((cs, wait) => (window as any).__fuzz.run(cs, wait), cases as never, FLUSH_WAIT_MS) as Promise<RunResult>;
}

/** Runs cases on both pages; on a difference, narrows it down to one case (halving). */
async function compare(cases: Case[]): Promise<{ lens: RunResult; plain: RunResult; culprit?: Case }> {
  const [lens, plain] = await Promise.all([run(lensPage, cases), run(plainPage, cases)]);
  const same = JSON.stringify(lens.results) === JSON.stringify(plain.results) && sameCounts(lens, plain);
  if (same || cases.length === 1) return { lens, plain, culprit: same ? undefined : cases[0] };
  const half = Math.ceil(cases.length / 2);
  for (const part of [cases.slice(0, half), cases.slice(half)]) {
    const found = await compare(part);
    if (found.culprit) return { lens, plain, culprit: found.culprit };
  }
  return { lens, plain, culprit: cases[0] }; // only together: report the first
}

/** Everything but the proxy introspection traps (getPrototypeOf, ownKeys, getOwnPropertyDescriptor),
 *  which a copy cannot avoid (docs/ARCHITECTURE.md, "What a page can still observe"). */
function sameCounts(a: RunResult, b: RunResult): boolean {
  return a.counts.getters === b.counts.getters && a.counts.methods === b.counts.methods && a.counts.gets === b.counts.gets
    && a.unhandled === b.unhandled && a.handledLater === b.handledLater;
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const body = req.url === '/' ? FUZZ_PAGE : req.url === '/cxbus.js' ? CXBUS : req.url === '/fuzz.js' ? FUZZ_SCRIPT : null;
    res.writeHead(body ? 200 : 404, { 'content-type': req.url === '/' ? 'text/html' : 'text/javascript' });
    res.end(body ?? 'not found');
  });
  await new Promise<void>((done) => server.listen(PORT, '127.0.0.1', done));
  [withLens, without] = await Promise.all([launch({ devtools: false }), launch({ devtools: false, extension: false })]);
  [lensPage, plainPage] = await Promise.all([openFuzzPage(withLens, errors.lens), openFuzzPage(without, errors.plain)]);
});

afterAll(async () => {
  await Promise.all([withLens?.close(), without?.close()]);
  await new Promise((done) => server?.close(done));
});

describe('the page cannot tell CX Lens is there (Chromium, the real page hook)', () => {
  it('the hook is there in one browser and not in the other; a class-based bus gets no own properties', async () => {
    const [lens, plain] = await Promise.all([lensPage, plainPage].map((p) => p.evaluate(() => (window as any).__fuzz.tapped())));
    // Tapped methods are proxies of the originals: only Function.prototype.toString tells.
    expect(lens.publish).toBe('function () { [native code] }');
    expect(plain.publish).toMatch(/^function \(\) \{\n|^function\s*\(/);
    expect(lens.classPublish).toBe('function () { [native code] }');
    expect(plain.classPublish).toMatch(/^publish\(evt, data\)/);
    expect(lens.own).toEqual(plain.own); // ['ns', 'subs']: no publish/command shadows
    expect(lens.shape).toEqual(plain.shape); // name, length, own keys, prototype, `new` (a class method throws)
    expect(plain.postMessage).toBe('function postMessage() { [native code] }');
    expect(lens.postMessage).toBe('function () { [native code] }'); // the documented difference
  });

  it('window.postMessage keeps name, length, own properties, prototype and non-constructibility', async () => {
    const probe = () => {
      const pm = window.postMessage as any;
      let constructs: string;
      try {
        new pm('x', '*');
        constructs = 'yes';
      } catch (e) {
        constructs = (e as Error).constructor.name;
      }
      return {
        name: pm.name, length: pm.length, keys: Reflect.ownKeys(pm).map(String), proto: Object.getPrototypeOf(pm) === Function.prototype,
        hasPrototype: 'prototype' in pm, constructs, typeof: typeof pm, own: Object.getOwnPropertyDescriptor(window, 'postMessage') !== undefined,
        attrs: JSON.stringify(Object.getOwnPropertyDescriptor(window, 'postMessage'), ['writable', 'enumerable', 'configurable']),
      };
    };
    const [lens, plain] = await Promise.all([lensPage.evaluate(probe), plainPage.evaluate(probe)]);
    expect(lens).toEqual(plain);
  });

  it("a command's native promise left rejected still raises the page's unhandledrejection", async () => {
    // From the page's own script: Chromium does not raise unhandledrejection for a promise
    // rejected by code the DevTools protocol evaluates.
    const probe = () => (window as any).__fuzz.rejectProbe();
    const [lens, plain] = await Promise.all([lensPage.evaluate(probe), plainPage.evaluate(probe)]);
    expect(plain).toEqual({ unhandled: 1, sameObject: true, handled: 0 });
    expect(lens).toEqual(plain);
  });

  it(`${CASES} generated hostile payloads (and ${REGRESSIONS.length} kept ones): the page sees the same with and without CX Lens, and no page error`, async () => {
    const cases = generate();
    const started = Date.now();
    const introspection = { lens: 0, plain: 0 };
    const failures: string[] = [];
    for (let at = 0; at < cases.length; at += BATCH) {
      const t0 = Date.now();
      const { lens, plain, culprit } = await compare(cases.slice(at, at + BATCH));
      if (process.env.CX_LENS_FUZZ_LOG) console.log(`batch at ${at}: ${Date.now() - t0} ms${culprit ? ` culprit ${culprit.id}` : ''}`);
      introspection.lens += lens.counts.introspect;
      introspection.plain += plain.counts.introspect;
      if (culprit) {
        const [one, other] = await Promise.all([run(lensPage, [culprit]), run(plainPage, [culprit])]);
        failures.push(`case ${culprit.id} ${culprit.op} ${JSON.stringify(culprit.spec)}: with CX Lens ${JSON.stringify(one)}, without ${JSON.stringify(other)}`);
        if (failures.length >= 3) break;
      }
    }
    const seconds = (Date.now() - started) / 1000;
    console.log(`page fuzz: ${cases.length} cases in ${seconds.toFixed(1)} s; proxy introspection traps run: ${introspection.plain} without CX Lens, ${introspection.lens} with`);
    expect(failures).toEqual([]);
    // The hook did look at the payloads: its copies ran the proxies' introspection traps.
    expect(introspection.lens).toBeGreaterThan(introspection.plain);
    expect(errors.lens).toEqual([]);
    expect(errors.plain).toEqual([]);
  }, 180_000);
});
