// Browser-test harness: real Chromium (Debian's), the built extension from dist/, and the real
// DevTools window with the CX Lens panel open: Chromium opens DevTools for every tab, and Ctrl+[
// in DevTools cycles its panels until the CX Lens panel frame exists.
import puppeteer, { type Browser, type Frame, type Page, type Target } from 'puppeteer-core';
import { existsSync, mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PANEL_PORT } from '../../src/shared/protocol';

export const DIST = resolve(import.meta.dirname, '../..', process.env.CX_LENS_DIST ?? 'dist');
export const EXTENSION_ID = 'abcnaglcdelnddjejkabiebgfobkmbol'; // fixed by manifest.json "key"
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface LaunchOptions {
  /** Allow third-party cookies in this profile (Chromium blocks them by default). */
  thirdPartyCookies?: boolean;
  /** Load the extension (default true). */
  extension?: boolean;
  /** Load the extension from this folder instead of the build (default DIST). */
  extensionDir?: string;
  /** Open DevTools for every tab (default true). */
  devtools?: boolean;
  /** DevTools in its own window rather than docked (screenshots of the whole panel). */
  undockedDevtools?: boolean;
  /** Site access after launch, switched on the way the panel does (sendPanelMessage): 'all'
   *  (default: every site, CX Lens's behaviour before site access) or 'none' (a fresh profile). */
  sites?: 'all' | 'none';
  /** Use this profile (e.g. a browser restart on the same profile) and leave it on close. */
  userDataDir?: string;
}

export interface Lens {
  browser: Browser;
  userDataDir: string;
  close(): Promise<void>;
}

export async function launch(options: LaunchOptions = {}): Promise<Lens> {
  const extensionDir = options.extensionDir ?? DIST;
  if (options.extension !== false && !existsSync(join(extensionDir, 'manifest.json'))) {
    throw new Error(`no build in ${extensionDir}: run npm run build first`);
  }
  const ownProfile = options.userDataDir === undefined;
  const userDataDir = options.userDataDir ?? mkdtempSync(join(tmpdir(), 'cx-lens-profile-'));
  const preferences: Record<string, unknown> = {};
  if (options.thirdPartyCookies) preferences.profile = { cookie_controls_mode: 0 };
  if (options.undockedDevtools) preferences.devtools = { preferences: { currentDockState: '"undocked"' } };
  if (ownProfile && Object.keys(preferences).length) {
    mkdirSync(join(userDataDir, 'Default'), { recursive: true });
    writeFileSync(join(userDataDir, 'Default', 'Preferences'), JSON.stringify(preferences));
  }
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    pipe: true,
    userDataDir,
    devtools: options.devtools !== false,
    enableExtensions: options.extension === false ? false : [extensionDir],
    args: [
      '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-quic', '--window-size=1400,900',
    ],
    defaultViewport: null,
  });
  const lens: Lens = {
    browser,
    userDataDir,
    async close() {
      await browser.close().catch(() => {});
      if (ownProfile) rmSync(userDataDir, { recursive: true, force: true });
    },
  };
  if (options.extension !== false && (options.sites ?? 'all') === 'all') {
    await sendPanelMessage(browser, { type: 'site-all', on: true }).catch(async (error: unknown) => {
      await lens.close();
      throw error;
    });
  }
  return lens;
}

/** What the worker answers a site message with. */
export interface SitesReply {
  type: 'sites';
  list: { all: boolean; sites: Record<string, string[]> };
}

/** Sends `message` to the service worker exactly as the CX Lens panel does (a runtime port named
 *  cx-lens-panel, from an extension page), and returns the worker's `sites` answer. It runs in the
 *  browser's first tab, put on an extension page for the moment and back on about:blank after. */
export async function sendPanelMessage(browser: Browser, message: Record<string, unknown>): Promise<SitesReply> {
  const page = (await browser.pages())[0] ?? await browser.newPage();
  await page.goto(`chrome-extension://${EXTENSION_ID}/src/devtools/devtools.html`, { waitUntil: 'load' });
  try {
    return await page.evaluate((msg, name) => new Promise<SitesReply>((resolve, reject) => {
      const port = chrome.runtime.connect({ name });
      const timer = setTimeout(() => reject(new Error(`no answer to ${JSON.stringify(msg)}`)), 10_000);
      port.onMessage.addListener((reply: { type?: string }) => {
        if (reply.type !== 'sites') return;
        clearTimeout(timer);
        port.disconnect();
        resolve(reply as SitesReply);
      });
      port.postMessage(msg);
    }), message, PANEL_PORT);
  } finally {
    await page.goto('about:blank').catch(() => {});
  }
}

/** The extension's service worker target. */
export async function serviceWorker(browser: Browser): Promise<Target> {
  return browser.waitForTarget(
    (t) => t.type() === 'service_worker' && t.url().startsWith(`chrome-extension://${EXTENSION_ID}/`),
    { timeout: 15_000 },
  );
}

/** Stops the extension's service worker and resolves once it is gone. */
export async function stopWorker(browser: Browser): Promise<void> {
  const target = await serviceWorker(browser);
  // Not `once`: another target (a tab, a DevTools window) may go first, and would take the listener.
  let listener: ((t: Target) => void) | undefined;
  const gone = new Promise<void>((resolve) => {
    listener = (t: Target) => {
      if (t === target) resolve();
    };
    browser.on('targetdestroyed', listener);
  });
  try {
    await (await target.worker())!.close();
    await gone;
  } finally {
    browser.off('targetdestroyed', listener!);
  }
}

/** Opens url in a new tab and returns it with the DevTools window that belongs to it. */
export async function openPage(browser: Browser, url: string): Promise<{ page: Page; devtools: Page }> {
  const before = new Set(browser.targets().filter(isDevtools));
  const page = await browser.newPage();
  const devtoolsTarget = await browser.waitForTarget((t) => isDevtools(t) && !before.has(t), { timeout: 15_000 });
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  const devtools = await devtoolsTarget.asPage();
  return { page, devtools };
}

function isDevtools(t: Target): boolean {
  return t.type() === 'other' && t.url().startsWith('devtools://');
}

/** Cycles DevTools panels (Ctrl+[) until the CX Lens panel frame exists, and returns that frame. */
export async function openLensPanel(devtools: Page, timeoutMs = 20_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const frame = findPanelFrame(devtools);
    if (frame) {
      await frame.waitForSelector('[data-testid="capture-status"]', { timeout: 10_000 });
      return frame;
    }
    await devtools.keyboard.down('Control');
    await devtools.keyboard.press('[');
    await devtools.keyboard.up('Control');
    await sleep(150);
  }
  throw new Error('the CX Lens panel did not appear in DevTools');
}

function findPanelFrame(devtools: Page): Frame | undefined {
  // Any extension's panel: a build without the manifest's key (the Chrome package) has another id.
  return devtools.frames().find((f) => /^chrome-extension:\/\/[a-p]{32}\/panel\/index\.html/.test(f.url()));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls fn until it returns a truthy value, or throws with the last value seen. */
export async function waitFor<T>(fn: () => Promise<T> | T, what: string, timeoutMs = 15_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await fn();
    if (last) return last as NonNullable<T>;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)}`);
}
