// Opening and saving recordings in the real CX Lens panel, and a HAR written from what the
// browser's network saw (CDP), for test/e2e/recording.test.ts.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, CDPSession, ElementHandle, Frame, Page } from 'puppeteer-core';
import { waitFor } from './harness';

export interface Banner {
  source: string | null;
  kind: string | null;
  /** 'worker' when the parse worker read the file, 'panel' when the panel had to. */
  parsedIn: string | null;
  name: string;
  page: string;
  time: string;
}

/** Opens a file through the panel's Open… input. */
export async function openFile(panel: Frame, path: string): Promise<void> {
  const input = (await panel.$('[data-testid="open-file"]')) as ElementHandle<HTMLInputElement>;
  await input.uploadFile(path);
}

/** The open file's banner, once it shows. */
export async function waitForBanner(panel: Frame): Promise<Banner> {
  await panel.waitForSelector('[data-testid="recording-banner"]', { timeout: 20_000 });
  return panel.$eval('[data-testid="recording-banner"]', (el) => ({
    source: el.getAttribute('data-source'),
    kind: el.getAttribute('data-kind'),
    parsedIn: el.getAttribute('data-parsed-in'),
    name: el.querySelector('[data-testid="recording-name"]')!.textContent ?? '',
    page: el.querySelector('[data-testid="recording-page"]')!.textContent ?? '',
    time: el.querySelector('[data-testid="recording-time"]')!.textContent ?? '',
  }));
}

export async function backToLive(panel: Frame): Promise<void> {
  await panel.$eval('[data-testid="back-to-live"]', (el) => (el as HTMLElement).click());
  await waitFor(async () => (await panel.$('[data-testid="recording-banner"]')) === null, 'the live view back');
}

export async function showTab(panel: Frame, view: string): Promise<void> {
  await panel.$eval(`[data-testid="tab-${view}"]`, (el) => (el as HTMLElement).click());
}

export async function isDisabled(panel: Frame, selector: string): Promise<boolean> {
  return panel.$eval(selector, (el) => (el as HTMLInputElement).disabled);
}

/** Lets the browser save downloads to a fresh temp directory; returns a function that waits for
 *  the next finished download there and returns its path. */
export async function catchDownloads(browser: Browser): Promise<{ dir: string; next(): Promise<string>; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'cx-lens-downloads-'));
  const session = await browser.target().createCDPSession();
  await session.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: dir, eventsEnabled: true });
  const seen = new Set<string>();
  return {
    dir,
    async next() {
      return waitFor(() => {
        const done = readdirSync(dir).find((f) => f.endsWith('.json') && !seen.has(f));
        if (done) seen.add(done);
        return done ? join(dir, done) : undefined;
      }, 'a finished download', 20_000);
    },
    async close() {
      await session.send('Browser.setDownloadBehavior', { behavior: 'default' }).catch(() => {});
      await session.detach().catch(() => {});
    },
  };
}

interface Pending {
  url: string;
  method: string;
  started: number;
  headers: Record<string, string>;
  status?: number;
  mimeType?: string;
}

/** Records the page's network through CDP and writes it as a HAR 1.2 file, as DevTools would. */
export async function recordHar(page: Page): Promise<{ save(path: string): Promise<number>; stop(): Promise<void> }> {
  const cdp: CDPSession = await page.createCDPSession();
  await cdp.send('Network.enable');
  const pending = new Map<string, Pending>();
  const finished: Promise<unknown>[] = [];
  const entries: unknown[] = [];
  cdp.on('Network.requestWillBeSent', (e) => {
    pending.set(e.requestId, { url: e.request.url, method: e.request.method, started: e.wallTime * 1000, headers: e.request.headers });
  });
  cdp.on('Network.responseReceived', (e) => {
    const p = pending.get(e.requestId);
    if (p) Object.assign(p, { status: e.response.status, mimeType: e.response.mimeType });
  });
  cdp.on('Network.loadingFinished', (e) => {
    const p = pending.get(e.requestId);
    if (!p) return;
    pending.delete(e.requestId);
    const ended = Date.now();
    finished.push(cdp.send('Network.getResponseBody', { requestId: e.requestId }).then(
      (body) => ({ text: body.body, encoding: body.base64Encoded ? 'base64' : undefined }),
      () => ({ text: undefined, encoding: undefined }),
    ).then(({ text, encoding }) => {
      entries.push({
        startedDateTime: new Date(p.started).toISOString(),
        time: Math.max(0, ended - p.started),
        request: { method: p.method, url: p.url, httpVersion: 'HTTP/1.1', headers: Object.entries(p.headers).map(([name, value]) => ({ name, value })), queryString: [], cookies: [], headersSize: -1, bodySize: -1 },
        response: {
          status: p.status ?? 0, statusText: '', httpVersion: 'HTTP/1.1', headers: [], cookies: [], redirectURL: '', headersSize: -1, bodySize: -1,
          content: { size: text?.length ?? 0, mimeType: p.mimeType ?? '', ...(text !== undefined ? { text } : {}), ...(encoding ? { encoding } : {}) },
        },
        cache: {},
        timings: { send: 0, wait: Math.max(0, ended - p.started), receive: 0 },
      });
    }));
  });
  return {
    async save(path) {
      await Promise.all(finished);
      const har = { log: { version: '1.2', creator: { name: 'cx-lens-e2e', version: '1' }, pages: [{ startedDateTime: new Date().toISOString(), id: 'page_1', title: page.url(), pageTimings: {} }], entries } };
      writeFileSync(path, JSON.stringify(har));
      return entries.length;
    },
    async stop() {
      await cdp.detach().catch(() => {});
    },
  };
}

export function readJson(path: string): any {
  return JSON.parse(readFileSync(path, 'utf8'));
}
