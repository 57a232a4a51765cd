// The store packages in release/ (npm run package), unpacked and checked: what a store requires
// of them, and that each, unpacked, loads in its browser and captures a page's bus from the first
// event with the panel showing the rows. web-ext lint on the Firefox build: no error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { startDemo, type Demo } from '../demo/server/index.mjs';
import { launch, openLensPanel, openPage, waitFor } from '../support/harness';
import { findRow } from '../support/panel-driver';
import { FIREFOX_DIST, launchFirefox, openFirefoxPanel } from '../support/firefox';
import { readZip, type ZipEntry } from '../../build/zip';
import { manifestFiles } from '../../build/manifest-files';
import { FIREFOX_MIN_VERSION, GECKO_ID } from '../../build/manifest';

const ROOT = resolve(import.meta.dirname, '../..');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const RELEASE = join(ROOT, 'release');

let demo: Demo;
const unpacked: string[] = [];
beforeAll(async () => {
  demo = await startDemo({ port: 0, apiPort: 0 });
});
afterAll(async () => {
  await demo?.close();
  for (const dir of unpacked) rmSync(dir, { recursive: true, force: true });
});

/** The zip's entries, and the folder they were written to. */
function unpack(file: string): { entries: ZipEntry[]; dir: string; manifest: any } {
  const entries = readZip(readFileSync(join(RELEASE, file)));
  const dir = mkdtempSync(join(tmpdir(), 'cx-lens-unpacked-'));
  unpacked.push(dir);
  for (const { name, data } of entries) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), data);
  }
  return { entries, dir, manifest: JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true }).map(String)
    .filter((f) => statSync(join(dir, f)).isFile()).map((f) => f.split('\\').join('/')).sort();
}

/** Checks what both stores require of a package. */
function storeReady({ entries, dir, manifest }: ReturnType<typeof unpack>): void {
  expect(entries.some((e) => e.name === 'manifest.json')).toBe(true);
  expect(manifest).not.toHaveProperty('key');
  expect(manifest.version).toBe(VERSION);
  expect(entries.filter((e) => e.name.endsWith('.map'))).toEqual([]);
  expect(entries.filter((e) => /sourceMappingURL/.test(e.data.toString('utf8')))).toEqual([]);
  const names = new Set(filesUnder(dir));
  const named = manifestFiles(manifest);
  expect(named.length).toBeGreaterThan(5);
  expect(named.filter((f) => !names.has(f))).toEqual([]);
  // The files the service worker injects by name.
  for (const file of ['finalize-handler.js', 'simulate-state.js', 'cookie-provider-inject.js', 'panel-open.js']) expect(names.has(file)).toBe(true);
}

describe('the Chrome package', () => {
  it('is store-ready: manifest.json at the root, no key, no source maps, every named file, the version of package.json', () => {
    const chrome = unpack(`cx-lens-${VERSION}-chrome.zip`);
    storeReady(chrome);
    expect(chrome.manifest.background.service_worker).toBeTruthy();
  });

  // A browser started for one test: its start-up counts in the test's time.
  it('unpacked, loads in Chromium and captures a bus from its first event', { timeout: 180_000 }, async () => {
    const { dir } = unpack(`cx-lens-${VERSION}-chrome.zip`);
    // sites: 'none': the harness's shortcut talks to the repository build's id; this one has another.
    const lens = await launch({ extensionDir: dir, sites: 'none' });
    try {
      const { page, devtools } = await openPage(lens.browser, `${demo.urls.domainA}/inline-bus.html`);
      const panel = await openLensPanel(devtools);
      // A site not switched on yet: the panel asks for it, and switching it on reloads the page.
      await panel.waitForSelector('[data-testid="site-access"]');
      const reloaded = page.waitForNavigation({ waitUntil: 'domcontentloaded' });
      await panel.click('[data-testid="capture-site"]');
      await reloaded;
      // Not the repository's build: without the key, Chrome gives the extension another id.
      expect(panel.url()).not.toContain('abcnaglcdelnddjejkabiebgfobkmbol');
      const row = await findRow(panel, 'Inline.first', (r) => r.name === 'Inline.first');
      expect(row.kind).toBe('event');
    } finally {
      await lens.close();
    }
  });
});

describe('the Firefox package', () => {
  it('web-ext lint finds no error in the Firefox build', async () => {
    const { stdout } = await promisify(execFile)(join(ROOT, 'node_modules/.bin/web-ext'), ['lint', '--source-dir', FIREFOX_DIST, '--output', 'json', '--no-config-discovery'], { maxBuffer: 16 * 1024 * 1024 })
      .catch((e: { stdout?: string }) => ({ stdout: e.stdout ?? '' }));
    const report = JSON.parse(stdout) as { summary: { errors: number }; errors: { code: string; message: string; file?: string }[] };
    expect(report.errors.map((e) => `${e.code} ${e.file ?? ''}: ${e.message}`)).toEqual([]);
    expect(report.summary.errors).toBe(0);
  });

  it('is the Firefox build, store-ready, with its gecko id and floor', () => {
    const firefox = unpack(`cx-lens-${VERSION}-firefox.zip`);
    storeReady(firefox);
    expect(filesUnder(firefox.dir)).toEqual(filesUnder(FIREFOX_DIST));
    expect(firefox.manifest.background).toEqual({ scripts: [expect.any(String)], type: 'module' });
    expect(firefox.manifest.browser_specific_settings.gecko).toMatchObject({ id: GECKO_ID, strict_min_version: FIREFOX_MIN_VERSION });
  });

  it('unpacked, loads in Firefox as a temporary add-on and captures a bus from its first event', { timeout: 180_000 }, async () => {
    const { dir } = unpack(`cx-lens-${VERSION}-firefox.zip`);
    const lens = await launchFirefox({ extensionDir: dir });
    try {
      await lens.page.goto(`${demo.urls.domainA}/inline-bus.html`, { waitUntil: 'domcontentloaded' });
      const panel = await openFirefoxPanel(lens);
      expect(await panel.click('[data-testid="tab-bus"]')).toBe(true);
      const names = await waitFor(async () => {
        const rows = await panel.busRows('Inline.first').catch(() => []); // tried again until it answers
        return rows.length > 0 && rows;
      }, 'the row Inline.first');
      expect(names).toEqual([{ name: 'Inline.first', kind: 'event' }]);
    } finally {
      await lens.close();
    }
  });
});

