// The built cookie-provider.min.js and iframe.min.js in real Chromium, across three sites on one
// machine: domain A (localhost), domain B (127.0.0.1), the cookie iframe ([::1]), and an
// untrusted site (127.0.0.2). No extension: this is the standalone files a site would host.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { DIST, launch, type Lens } from '../support/harness';

const PORT = 8776;
const A = `http://localhost:${PORT}`;
const B = `http://127.0.0.1:${PORT}`;
const UNTRUSTED = `http://127.0.0.2:${PORT}`;
const IFRAME = `http://[::1]:${PORT}/iframe.html`;
const SESSION = '%7B%22token%22%3A%22eyJhbGciOi.e2e-secret%22%2C%22messageIndex%22%3A2%7D';

function iframePage(declare: 'var' | 'let' | 'const'): string {
  return `<!doctype html><meta charset="utf-8"><script>${declare} TRUSTED_DOMAINS = ${JSON.stringify([A, B])};</script>
<script src="/iframe.min.js"></script>`;
}

const routes: Record<string, () => [string, string]> = {
  '/cookie-provider.min.js': () => ['text/javascript', readFileSync(join(DIST, 'cookie-provider.min.js'), 'utf8')],
  '/iframe.min.js': () => ['text/javascript', readFileSync(join(DIST, 'iframe.min.js'), 'utf8')],
  '/iframe.html': () => ['text/html', iframePage('const')],
  '/iframe-let.html': () => ['text/html', iframePage('let')],
  '/iframe-var.html': () => ['text/html', iframePage('var')],
  '/page.html': () => ['text/html', '<!doctype html><meta charset="utf-8"><title>page</title><script src="/cookie-provider.min.js"></script>'],
};

let servers: Server[] = [];

beforeAll(async () => {
  servers = await Promise.all(['127.0.0.1', '::1', '127.0.0.2'].map((host) => new Promise<Server>((resolve, reject) => {
    const server = createServer((req, res) => {
      const route = routes[new URL(req.url ?? '/', 'http://x').pathname];
      if (!route) {
        res.writeHead(404).end();
        return;
      }
      const [type, body] = route();
      res.writeHead(200, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store' }).end(body);
    });
    server.once('error', reject);
    server.listen(PORT, host, () => resolve(server));
  })));
});

afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

async function open(lens: Lens, url: string): Promise<{ page: Page; warnings: string[] }> {
  const page = await lens.browser.newPage();
  const warnings: string[] = [];
  page.on('console', (message) => { if (message.type() === 'warn') warnings.push(message.text()); });
  await page.goto(url, { waitUntil: 'load' });
  return { page, warnings };
}

/** Runs a CookieProvider call in the page and returns its result, or the error's code and message. */
function call(page: Page, method: 'loadCookie' | 'saveCookie' | 'cookieTest', iframeUrl = IFRAME) {
  return page.evaluate(async (method, iframeUrl) => {
    const w = window as unknown as { CookieProvider: new (name: string, url: string) => Record<string, () => Promise<unknown>>; seen?: boolean[] };
    const provider = new w.CookieProvider('sess', iframeUrl);
    try {
      if (method !== 'cookieTest') return await provider[method]();
      w.seen = [];
      const result = await (provider.cookieTest as unknown as (cb: (e: boolean) => void) => Promise<unknown>)((e) => w.seen!.push(e));
      return { ...(result as object), seen: w.seen };
    } catch (error) {
      return { error: (error as { code: string }).code, message: (error as Error).message };
    }
  }, method, iframeUrl);
}

describe('cookie provider in Chromium, third-party cookies allowed', () => {
  let lens: Lens;
  beforeAll(async () => { lens = await launch({ extension: false, devtools: false, thirdPartyCookies: true }); });
  afterAll(async () => { await lens?.close(); });

  it('a session saved on domain A is loaded on domain B', async () => {
    const a = await open(lens, `${A}/page.html`);
    await a.page.evaluate((value) => { document.cookie = `sess=${value}; path=/; samesite=strict`; }, SESSION);
    expect(await call(a.page, 'saveCookie')).toMatchObject({ operation: 'save', status: 'saved' });

    const b = await open(lens, `${B}/page.html`);
    expect(await b.page.evaluate(() => document.cookie)).toBe('');
    expect(await call(b.page, 'loadCookie')).toEqual({ operation: 'load', status: 'loaded' });
    expect(await b.page.evaluate(() => document.cookie)).toBe(`sess=${SESSION}`);
    expect(await call(b.page, 'cookieTest')).toEqual({ operation: 'test', status: 'enabled', seen: [true] });
    // One hidden iframe per page, and nothing logged but warnings we expect none of.
    expect(await b.page.$$eval('iframe', (frames) => frames.map((f) => [f.src, f.hidden]))).toEqual([[IFRAME, true]]);
    expect([...a.warnings, ...b.warnings]).toEqual([]);
  });

  it('reads TRUSTED_DOMAINS declared with var, let or const', async () => {
    const { page } = await open(lens, `${A}/page.html`);
    for (const file of ['iframe.html', 'iframe-let.html', 'iframe-var.html']) {
      const hello = await page.evaluate(async (url) => {
        const w = window as unknown as { CookieProvider: new (name: string, url: string) => { ready: Promise<unknown> } };
        return new w.CookieProvider('sess', url).ready;
      }, `http://[::1]:${PORT}/${file}`);
      expect(hello, file).toEqual({ protocol: 1, trusted: 2 });
    }
  });

  it('an untrusted site gets a refusal and no data, even when it asks by hand', async () => {
    const { page, warnings } = await open(lens, `${UNTRUSTED}/page.html`);
    const result = await call(page, 'loadCookie');
    expect(result).toMatchObject({ error: 'untrusted-origin' });
    expect((result as { message: string }).message).toContain(`add "${UNTRUSTED}" to its TRUSTED_DOMAINS`);
    const replies = await page.evaluate(async (origin) => {
      const frame = document.querySelector('iframe')!;
      const got: unknown[] = [];
      addEventListener('message', (event) => { if (event.source === frame.contentWindow) got.push(event.data); });
      frame.contentWindow!.postMessage({ type: 'cx-lens-cookie/load', v: 1, id: 'by-hand', name: 'sess' }, origin);
      await new Promise((r) => setTimeout(r, 300));
      return got;
    }, new URL(IFRAME).origin);
    expect(replies).toEqual([{ type: 'cx-lens-cookie/reply', v: 1, id: 'by-hand', ok: false, error: { code: 'untrusted-origin', message: `${UNTRUSTED} is not in this iframe's TRUSTED_DOMAINS` } }]);
    expect(await page.evaluate(() => document.cookie)).toBe('');
    expect(warnings.filter((w) => w.includes('loadCookie failed'))).toHaveLength(1);
    expect(warnings.join('\n')).not.toContain('e2e-secret');
  });

  it('runs the provider part of the guide\'s complete sample unchanged (no await, bare CookieProviderExtension)', async () => {
    const a = await open(lens, `${A}/page.html`);
    await a.page.evaluate((value) => { document.cookie = `sess=${value}; path=/`; }, SESSION);
    expect(await call(a.page, 'saveCookie')).toMatchObject({ status: 'saved' });
    const { page, warnings } = await open(lens, `${B}/page.html`);
    await page.deleteCookie({ name: 'sess', url: B });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    const extension = await page.evaluate(`(() => {
      const IFRAME_URL = ${JSON.stringify(IFRAME)};
      const SESSION_COOKIE_NAME = "sess";
      if (!window._genesys) window._genesys = {};
      window._genesys = {
        widgets: {
          webchat: { transport: { type: "pureengage-v3-rest", async: { enabled: true,
            getSessionData: function (sessionData, Cookie, CookieOptions) { Cookie.set(SESSION_COOKIE_NAME, JSON.stringify(sessionData), CookieOptions); },
            setSessionData: function (Open, Cookie, CookieOptions) { return Cookie.get(SESSION_COOKIE_NAME); } } } },
          extensions: { CookieProviderExtension }
        },
      };
      let cookieProvider = new CookieProvider(SESSION_COOKIE_NAME, IFRAME_URL);
      cookieProvider.loadCookie();
      return typeof window._genesys.widgets.extensions.CookieProviderExtension;
    })()`);
    expect(extension).toBe('function');
    await page.waitForFunction(() => document.cookie.includes('sess='), { timeout: 5000 });
    expect(await page.evaluate(() => document.cookie)).toBe(`sess=${SESSION}`);
    expect(errors).toEqual([]);
    expect(warnings).toEqual([]);
  });
});

describe('cookie provider in Chromium, default settings (third-party cookies blocked)', () => {
  let lens: Lens;
  beforeAll(async () => { lens = await launch({ extension: false, devtools: false }); });
  afterAll(async () => { await lens?.close(); });

  it('reports blocked, with the reason, and warns once', async () => {
    const { page, warnings } = await open(lens, `${A}/page.html`);
    await page.evaluate((value) => { document.cookie = `sess=${value}; path=/`; }, SESSION);
    const save = await call(page, 'saveCookie');
    expect(save).toMatchObject({ operation: 'save', status: 'blocked' });
    expect((save as { reason: string }).reason).toMatch(/blocks third-party cookies/);
    expect(await call(page, 'cookieTest')).toMatchObject({ status: 'blocked', seen: [false] });
    expect(await call(page, 'loadCookie')).toMatchObject({ status: 'blocked' });
    expect(warnings.filter((w) => w.includes('blocks third-party cookies'))).toHaveLength(1);
  });
});
