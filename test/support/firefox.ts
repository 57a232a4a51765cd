// Firefox (Debian's firefox-esr) with the Firefox build of CX Lens, driven by puppeteer-core over
// WebDriver BiDi, and the real DevTools toolbox with the CX Lens panel open. Every Firefox
// internal the tests touch is in this file: the browser window's privileged (chrome) context,
// gDevTools for the toolbox, and a frame script that runs code in the panel's document (the panel
// is an extension page in its own process, which BiDi does not list as a browsing context).
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { sleep } from './harness';

export const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
export const FIREFOX_DIST = resolve(import.meta.dirname, '../..', process.env.CX_LENS_FIREFOX_DIST ?? 'dist-firefox');

export function firefoxInstalled(): boolean {
  return existsSync(FIREFOX);
}

export interface FirefoxLens {
  browser: Browser;
  /** The first tab: the one the toolbox is opened for. */
  page: Page;
  close(): Promise<void>;
}

export interface FirefoxOptions {
  /** Load the add-on from this folder (default FIREFOX_DIST). */
  extensionDir?: string;
  /** Accept third-party cookies unpartitioned (Firefox partitions them by top-level site by default). */
  thirdPartyCookies?: boolean;
}

/** Firefox with the add-on installed as a temporary add-on. */
export async function launchFirefox(options: FirefoxOptions = {}): Promise<FirefoxLens> {
  const extensionDir = options.extensionDir ?? FIREFOX_DIST;
  if (!firefoxInstalled()) throw new Error(`no Firefox at ${FIREFOX}: apt-get install firefox-esr (or set FIREFOX_PATH)`);
  if (!existsSync(join(extensionDir, 'manifest.json'))) throw new Error(`no build in ${extensionDir}: run npm run build:firefox first`);
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    // Lets BiDi evaluate in the browser's own window (the DevTools toolbox lives there).
    args: ['--remote-allow-system-access', '--width=1400', '--height=900'],
    defaultViewport: null,
    extraPrefsFirefox: options.thirdPartyCookies ? { 'network.cookie.cookieBehavior': 0 } : {},
  });
  try {
    await browser.installExtension(extensionDir);
    const [page] = await browser.pages();
    return { browser, page, close: () => browser.close().catch(() => {}) };
  } catch (error) {
    await browser.close().catch(() => {});
    throw error;
  }
}

/** Runs `expression` (a promise) in the browser window's privileged context; returns its JSON. */
async function inChrome(browser: Browser, expression: string, timeoutMs = 60_000): Promise<unknown> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from Firefox's chrome context within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([inChromeNow(browser, expression), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function inChromeNow(browser: Browser, expression: string): Promise<unknown> {
  // puppeteer's Firefox Browser exposes its BiDi connection (not in the public types).
  const connection = (browser as unknown as { connection: { send(method: string, params: object): Promise<unknown> } }).connection;
  const { result: tree } = await connection.send('browsingContext.getTree', { 'moz:scope': 'chrome' }) as { result: { contexts: { context: string }[] } };
  const context = tree.contexts[0].context;
  const { result } = await connection.send('script.evaluate', {
    expression: `(async () => JSON.stringify(await (${expression})))()`,
    target: { context }, awaitPromise: true, resultOwnership: 'none',
  }) as { result: { type: string; result?: { value?: string }; exceptionDetails?: { text?: string } } };
  if (result.type !== 'success') throw new Error(`in Firefox's chrome context: ${result.exceptionDetails?.text ?? JSON.stringify(result)}`);
  const text = result.result?.value;
  return text === undefined ? undefined : JSON.parse(text);
}

// Privileged code, as text: finds the CX Lens panel's <browser> in the selected tab's toolbox.
const PANEL_BROWSER = `(() => {
  const { require } = ChromeUtils.importESModule('resource://devtools/shared/loader/Loader.sys.mjs');
  const { gDevTools } = require('devtools/client/framework/devtools');
  const toolbox = gDevTools.getToolboxForTab(gBrowser.selectedTab);
  const id = toolbox && toolbox.visibleAdditionalTools.find((t) => t.startsWith('webext'));
  const frame = id && toolbox.doc.getElementById('toolbox-panel-iframe-' + id);
  return (frame && frame.contentDocument && frame.contentDocument.querySelector('browser')) || null;
})()`;

/** The CX Lens panel in the selected tab's DevTools toolbox. */
export class FirefoxPanel {
  constructor(private readonly browser: Browser) {}

  /** Runs `fn(...args)` in the panel's document and returns its (JSON) result. The function is
   *  sent as text: it may use `window`, `document` and its arguments, nothing of the test's scope. */
  async eval<T, A extends unknown[]>(fn: (...args: A) => T | Promise<T>, ...args: A): Promise<Awaited<T>> {
    const id = randomUUID();
    const script = `${FRAME_SCRIPT.replace('SOURCE', () => fn.toString())}(${JSON.stringify(id)}, ${JSON.stringify(args)})`;
    const answer = await inChrome(this.browser, `new Promise((resolve) => {
      const browser = ${PANEL_BROWSER};
      if (!browser) return resolve({ ok: false, error: 'the CX Lens panel is not open' });
      const id = ${JSON.stringify(id)};
      const mm = browser.messageManager;
      const listener = (message) => {
        if (message.data.id !== id) return;
        mm.removeMessageListener('cx-lens:eval', listener);
        resolve(message.data);
      };
      mm.addMessageListener('cx-lens:eval', listener);
      // A panel that reloads or closes meanwhile never answers.
      setTimeout(() => {
        mm.removeMessageListener('cx-lens:eval', listener);
        resolve({ ok: false, error: 'no answer from the panel within 10 s' });
      }, 10000);
      mm.loadFrameScript('data:,' + encodeURIComponent(${JSON.stringify(script)}), false);
    })`) as { ok: boolean; value?: Awaited<T>; error?: string };
    if (!answer.ok) throw new Error(`in the Firefox panel: ${answer.error}`);
    return answer.value as Awaited<T>;
  }

  /** Polls `fn` in the panel until it returns a truthy value. Until the panel has loaded the call
   *  fails: it is tried again, and the last failure is in the error if it never works. */
  async waitFor<T, A extends unknown[]>(fn: (...args: A) => T, what: string, timeoutMs: number, ...args: A): Promise<NonNullable<Awaited<T>>> {
    const deadline = Date.now() + timeoutMs;
    let last: string = 'nothing yet';
    while (Date.now() < deadline) {
      try {
        const value = await this.eval(fn, ...args);
        if (value) return value as NonNullable<Awaited<T>>;
        last = JSON.stringify(value);
      } catch (error) {
        last = (error as Error).message;
      }
      await sleep(200);
    }
    throw new Error(`timed out waiting in the Firefox panel for ${what}; last: ${last}`);
  }

  /** The Bus rows shown for `filter` (typed into the Bus filter), top to bottom; none on the call
   *  that changes the filter (the list renders after it): poll it. */
  busRows(filter: string): Promise<{ name: string; kind: string }[]> {
    return this.eval((text: string) => {
      const input = document.querySelector('[data-testid="filter"]') as HTMLInputElement;
      if (input.value !== text) {
        input.value = text;
        input.dispatchEvent(new window.Event('input', { bubbles: true }));
        return [];
      }
      return [...document.querySelectorAll('[data-testid="bus-row"]')]
        .sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top)
        .map((el) => ({ name: el.getAttribute('data-name') ?? '', kind: el.getAttribute('data-kind') ?? '' }));
    }, filter);
  }

  /** Clicks the element that matches `selector`. */
  click(selector: string): Promise<boolean> {
    return this.eval((s: string) => {
      const el = document.querySelector(s) as HTMLElement | null;
      el?.click();
      return !!el;
    }, selector);
  }
}

// Runs in the panel's process (a frame script) with the function's text in place of SOURCE (no
// eval: the panel's CSP forbids it). `content` is the panel's window, seen through Firefox's
// wrappers; the function gets it as `window` and its document as `document`.
const FRAME_SCRIPT = `(function (id, args) {
  const window = content;
  const document = content.document;
  Promise.resolve()
    .then(() => (SOURCE)(...args))
    .then(
      (value) => sendAsyncMessage('cx-lens:eval', { id, ok: true, value: value === undefined ? null : JSON.parse(JSON.stringify(value)) }),
      (error) => sendAsyncMessage('cx-lens:eval', { id, ok: false, error: String(error) }),
    );
})`;

/** Waits until the panel captures the tab's page (which must have a bus). If the panel asks for
 *  access to the site instead (a site not switched on yet), grants it, which reloads the page, and
 *  waits for the capture. Call it after each navigation to a new origin. */
export async function captureSite(lens: FirefoxLens, panel: FirefoxPanel, timeoutMs = 20_000): Promise<void> {
  // Capturing this page: the status line names its host (it may still name the page before).
  const host = new URL(lens.page.url()).host;
  const capturing = (h: string) => {
    const status = document.querySelector('[data-testid="capture-status"]');
    return status?.getAttribute('data-state') === 'capturing' && (status.textContent ?? '').includes(h);
  };
  // The offer to switch the site on (the site-access region also lists frames not captured yet
  // and notes: only its button means the site is off).
  const seen = await panel.waitFor((h: string) => {
    if (document.querySelector('[data-testid="capture-site"]')) return 'asked';
    const status = document.querySelector('[data-testid="capture-status"]');
    return status?.getAttribute('data-state') === 'capturing' && (status.textContent ?? '').includes(h) ? 'capturing' : null;
  }, `capture of ${host} or the site-access banner`, timeoutMs, host);
  if (seen === 'capturing') return;
  const reloaded = lens.page.waitForNavigation({ waitUntil: 'domcontentloaded', timeout: timeoutMs });
  reloaded.catch(() => {}); // awaited below, unless the click fails first
  if (!await panel.click('[data-testid="capture-site"]')) throw new Error(`no "Capture this site" button in the panel for ${host}`);
  await reloaded.catch((error: Error) => {
    throw new Error(`the page of ${host} did not reload after "Capture this site": ${error.message}`);
  });
  await panel.waitFor(() => document.querySelector('[data-testid="capture-site"]') === null, 'the offer to capture the site gone', timeoutMs);
  await panel.waitFor(capturing, 'capture after granting the site', timeoutMs, host);
}

/** Opens the DevTools toolbox for the lens's tab (already on the page under test), selects the
 *  CX Lens panel and waits for the capture (granting the site if the panel asks, see captureSite). */
export async function openFirefoxPanel(lens: FirefoxLens, timeoutMs = 60_000): Promise<FirefoxPanel> {
  await lens.page.bringToFront();
  const deadline = Date.now() + timeoutMs;
  await inChrome(lens.browser, `(async () => {
    const { require } = ChromeUtils.importESModule('resource://devtools/shared/loader/Loader.sys.mjs');
    const { gDevTools } = require('devtools/client/framework/devtools');
    const toolbox = await gDevTools.showToolboxForTab(gBrowser.selectedTab);
    for (let i = 0; i < 200; i++) {
      // Extension panels' tool ids start with webext; CX Lens is the only extension here.
      const id = toolbox.visibleAdditionalTools.find((t) => t.startsWith('webext'));
      if (id) { await toolbox.selectTool(id); return true; }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('no CX Lens panel in the toolbox: ' + toolbox.visibleAdditionalTools.join(', '));
  })()`);
  const panel = new FirefoxPanel(lens.browser);
  await panel.waitFor(() => document.querySelector('[data-testid="capture-status"]') !== null, 'the panel', Math.max(1000, deadline - Date.now()));
  await captureSite(lens, panel);
  return panel;
}
