// Provenance under attack, in real Chromium with the built extension: a page that can reach a
// frame's window before CX Lens starts in it (a same-origin parent of a slow-loading iframe, the
// opener of a popup) gets that frame's capture marked contested, its records page-made, whether
// or not it took the hook's port; the report key never reaches a listener the page can add; and a
// document rewritten by document.open() keeps answering CX Lens.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Page } from 'puppeteer-core';
import { launch, openLensPanel, openPage, sleep, waitFor, type Lens } from '../support/harness';
import { inRelayWorld, keptRecords } from '../support/relay-world';
import { captureStatus, setFilter } from '../support/panel-driver';
import { setFinalize } from '../support/states-driver';
import { demoSuite } from './demo-suite';

const PORT = 8792;
const A = `http://127.0.0.1:${PORT}`;
const B = `http://localhost:${PORT}`; // another origin, the same server
const CXBUS = readFileSync(join(import.meta.dirname, '../demo/widgets/cxbus.min.js'), 'utf8');

/** A page with a bus that publishes Child.e0 … Child.e4 (or ?name=X: X.e0 …) as soon as it loads. */
const CHILD = `<!doctype html><meta charset="utf-8"><title>child</title><script src="/cxbus.js"></script>
<script>const child = CXBus.registerPlugin(new URLSearchParams(location.search).get('name') || 'Child');
for (let i = 0; i < 5; i++) child.publish('e' + i, { i });</script>`;

/** The attack of the issue: arm listeners for the hand-over on the child's window between its
 *  document's commit and CX Lens's document_start scripts, take the hook's port, hand the relay
 *  a port of its own, and send a forged record through it. */
const ATTACK = `
window.attack = (getWindow, getDocument, first, mode = 'own-port') => new Promise((resolve) => {
  let armed = false;
  const arm = (w) => {
    armed = true;
    let stolen = null;
    // The hook's offer: taken, so that the hook stops offering and the relay never sees it.
    w.addEventListener('cx-lens-hook-offer', (e) => {
      if (e.ports[0] && !e.ports[0].__own) {
        stolen = e.ports[0];
        e.preventDefault();
        e.stopImmediatePropagation();
      }
    }, true);
    // The relay's ask: answered with a port of the page's own, and a forged record through it; or,
    // man in the middle, every batch of the hook's port passed on with its events renamed.
    w.addEventListener('cx-lens-relay-ask', () => {
      const own = new MessageChannel();
      own.port2.__own = true;
      w.dispatchEvent(new MessageEvent('cx-lens-hook-offer', { ports: [own.port2], cancelable: true }));
      if (mode === 'mitm' && stolen) {
        stolen.onmessage = (m) => {
          const batch = m.data;
          const records = 'json' in batch ? JSON.parse(batch.json) : batch.records;
          for (const r of records) if (r.t === 'event') r.name = 'Child.tampered';
          own.port1.postMessage({ type: 'batch', records });
        };
      } else {
        own.port1.postMessage({ type: 'batch', records: [{ t: 'event', seq: 0, time: Date.now(), name: 'Forged.viaOwnPort', publisher: 'Forged', via: 'publish', data: {} }] });
      }
    }, true);
  };
  const started = Date.now();
  (function poll() {
    try {
      const d = getDocument();
      if (d && d !== first && !d.documentElement) arm(getWindow());
    } catch {}
    if (!armed && Date.now() - started < 5000) setTimeout(poll, 0);
    else resolve(armed);
  })();
});`;

const routes: Record<string, (res: import('node:http').ServerResponse) => void> = {
  '/cxbus.js': (res) => res.writeHead(200, { 'content-type': 'text/javascript' }).end(CXBUS),
  '/child.html': (res) => res.writeHead(200, { 'content-type': 'text/html' }).end(CHILD),
  // Headers at once, the body 1.5 s later: the document commits long before it has an element.
  '/slow-child.html': (res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.flushHeaders();
    setTimeout(() => res.end(CHILD), 1500);
  },
  '/top.html': (res) => res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><meta charset="utf-8"><title>top</title><script>${ATTACK}</script><p>top</p>`),
  '/poster.html': (res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><script>for (let i = 0; i < 13; i++) parent.postMessage({ probe: i }, "*");</script>'),
  '/rewrite.html': (res) => res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><meta charset="utf-8"><title>rewrite</title><script src="/cxbus.js"></script><p>before</p>`),
};

let servers: Server[] = [];
let lens: Lens;
const pages: Page[] = [];

beforeAll(async () => {
  servers = await Promise.all(['127.0.0.1', '::1'].map((host) => new Promise<Server>((resolve, reject) => {
    const server = createServer((req, res) => {
      const route = routes[new URL(req.url ?? '/', 'http://x').pathname];
      if (route) route(res);
      else res.writeHead(404).end();
    });
    server.once('error', reject);
    server.listen(PORT, host, () => resolve(server));
  })));
  lens = await launch();
});

afterAll(async () => {
  for (const page of pages) await page.close().catch(() => {});
  await lens?.close();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

const names = (records: Record<string, unknown>[]) => records.map((r) => String(r.name ?? r.t));

async function childFrame(page: Page, path: string): Promise<Frame> {
  return waitFor(() => page.frames().find((f) => f.url().endsWith(path) && f !== page.mainFrame()) ?? null, `the frame ${path}`);
}

describe('a page that reaches a frame before CX Lens starts in it', () => {
  it('a same-origin iframe with a slow body, attacked: contested, every record page-made, said in the panel; a cross-origin one stays genuine', async () => {
    const { page, devtools } = await openPage(lens.browser, `${A}/top.html`);
    pages.push(page);
    const panel = await openLensPanel(devtools);
    const armed = await page.evaluate(async (cross) => {
      const f = document.createElement('iframe');
      document.body.append(f);
      const first = f.contentDocument;
      f.src = '/slow-child.html';
      const attacked = await (window as any).attack(() => f.contentWindow, () => f.contentDocument, first);
      const other = document.createElement('iframe');
      other.src = `${cross}/child.html?name=Cross`;
      document.body.append(other);
      return attacked;
    }, B);
    const slow = await childFrame(page, '/slow-child.html');
    const kept = await waitFor(async () => {
      const k = await keptRecords(page, slow).catch(() => null); // the relay may not have started yet
      if (!k) return null;
      return names(k.pageMade).some((n) => n.startsWith('Child.') || n === 'Forged.viaOwnPort') ? k : null;
    }, 'the slow child\'s records, page-made');
    expect(kept.genuine).toEqual([]);
    // Whether the race was won (armed: the forged record came through the page's own port) or
    // lost (the child's own events came through the hook's), nothing of that frame passes as genuine.
    if (armed) expect(names(kept.pageMade)).toContain('Forged.viaOwnPort');
    // The cross-origin child (another process: its relay is not reachable from this page's
    // session) is not contested: its events are in the Bus, not marked page-made.
    await setFilter(panel, 'Cross.e4');
    const crossRow = await waitFor(() => panel.$eval('[data-testid="bus-row"][data-name="Cross.e4"]', (el) => ({ pageMade: el.getAttribute('data-page-made') })).catch(() => null), 'the cross-origin child\'s row');
    expect(crossRow.pageMade).toBeNull();
    await setFilter(panel, 'Child.');
    expect(await panel.$$eval('[data-testid="bus-row"]', (els) => els.every((el) => el.getAttribute('data-page-made') === 'true'))).toBe(true);
    const status = await waitFor(async () => {
      const s = await panel.$eval('[data-testid="contested"]', (el) => el.textContent ?? '').catch(() => '');
      return s.includes('contested') ? s : null;
    }, 'the contested line of the status');
    expect(status).toMatch(/iframe 127\.0\.0\.1:\d+ \(a same-origin parent page could reach this frame/);
    expect(status).not.toMatch(/localhost/);
    expect((await captureStatus(panel)).text).not.toMatch(/Forged/);
  });

  it('a man in the middle of a same-origin iframe\'s hand-over: its rewritten events are page-made', async () => {
    const { page } = await openPage(lens.browser, `${A}/top.html`);
    pages.push(page);
    const armed = await page.evaluate(async () => {
      const f = document.createElement('iframe');
      document.body.append(f);
      const first = f.contentDocument;
      f.src = '/slow-child.html?name=Mitm';
      return (window as any).attack(() => f.contentWindow, () => f.contentDocument, first, 'mitm');
    });
    const slow = await childFrame(page, '/slow-child.html?name=Mitm');
    const kept = await waitFor(async () => {
      const k = await keptRecords(page, slow).catch(() => null);
      return k && names(k.pageMade).some((n) => n.startsWith('Mitm.') || n === 'Child.tampered') ? k : null;
    }, 'the iframe\'s events, page-made');
    expect(kept.genuine).toEqual([]);
    if (armed) expect(names(kept.pageMade)).toContain('Child.tampered');
    expect(await inRelayWorld(page, 'globalThis.cxLensRelay.contested', slow)).toMatch(/same-origin parent/);
  });

  it('a popup opened by a page of its origin, attacked: contested, every record page-made', async () => {
    const { page } = await openPage(lens.browser, `${A}/top.html`);
    pages.push(page);
    const popupTarget = lens.browser.waitForTarget((t) => t.url().endsWith('/slow-child.html'));
    const armed = page.evaluate(() => {
      const w = window.open('/slow-child.html', 'popup', 'popup')!;
      const first = w.document;
      return (window as any).attack(() => w, () => w.document, first);
    });
    const popup = (await (await popupTarget).page())!;
    pages.push(popup);
    await armed;
    const kept = await waitFor(async () => {
      const k = await keptRecords(popup).catch(() => null);
      return k && names(k.pageMade).some((n) => n.startsWith('Child.') || n === 'Forged.viaOwnPort') ? k : null;
    }, 'the popup\'s records, page-made');
    expect(kept.genuine).toEqual([]);
    expect(await inRelayWorld(popup, 'globalThis.cxLensRelay.contested')).toMatch(/opened this window/);
  });
});

describe('a document rewritten by document.open()', () => {
  it('keeps answering CX Lens: the hook\'s handle, the report listener, cross-origin messages, and the status says so', async () => {
    const { page, devtools } = await openPage(lens.browser, `${A}/rewrite.html`);
    pages.push(page);
    const panel = await openLensPanel(devtools);
    const answered = await page.evaluate(async (poster) => {
      const ask = () => {
        const request: { handle?: unknown } = {};
        dispatchEvent(new CustomEvent('cx-lens-hook-handle', { detail: request }));
        return request.handle !== undefined;
      };
      const before = ask();
      document.open();
      document.write(`<!doctype html><title>rewritten</title><p>after</p><iframe src="${poster}"></iframe>`);
      document.close();
      await new Promise((resolve) => setTimeout(resolve, 50));
      (window as any).CXBus.registerPlugin('After').publish('rewrite', {});
      return { before, after: ask() };
    }, `${B}/poster.html`);
    expect(answered).toEqual({ before: true, after: true });
    // The relay's report listener is back too: a report on the key's event is kept as genuine.
    const key = await inRelayWorld<string>(page, 'globalThis.cxLensRelay.reportKey');
    await page.evaluate((type) => {
      dispatchEvent(new CustomEvent(type, { detail: JSON.stringify({ t: 'inject', seq: 0, time: Date.now(), feature: 'finalize', state: 'installed', detail: { probe: true } }) }));
    }, `cx-lens-report-${key}`);
    const kept = await waitFor(async () => {
      const k = await keptRecords(page);
      return k.genuine.some((r) => r.t === 'inject') && names(k.genuine).includes('After.rewrite') ? k : null;
    }, 'the report and the bus event after the rewrite');
    expect(kept.pageMade.filter((r) => r.t === 'inject')).toEqual([]);
    // The channel hook's message listener is back: the cross-origin child's 13 posts are recorded.
    await waitFor(async () => ((await keptRecords(page)).genuine.filter((r) => r.t === 'channel').length >= 13 ? true : null), 'the 13 cross-origin messages after the rewrite');
    await panel.$eval('.frames summary', (el) => (el as HTMLElement).click());
    await waitFor(async () => ((await panel.$eval('[data-testid="frames"]', (el) => el.textContent ?? '')).includes('document.open()') ? true : null), 'the rewrite in the frame\'s problems');
  });
});

describe('the report key and the page\'s listeners', () => {
  const suite = demoSuite();

  it('a page listener that swaps the hook\'s handle never sees the key; the switch still reports genuinely', async () => {
    const { page, devtools } = await openPage(suite.lens.browser, `${suite.demo.urls.domainA}/chat.html`);
    suite.pages.push(page);
    await page.waitForSelector('[data-testid="chat-open-button"]');
    await page.evaluate(() => {
      const seen: unknown[] = [];
      (window as any).seenByThief = seen;
      addEventListener('cx-lens-hook-handle', (e) => {
        const detail = (e as CustomEvent).detail as { handle?: any };
        // When the hook fills in its handle, a wrapper takes its place: every emit goes through it.
        Object.defineProperty(detail, 'handle', {
          configurable: true,
          set(v) { Object.defineProperty(detail, 'handle', { value: { ...v, emit: (r: unknown, k: unknown) => { seen.push(JSON.stringify([r, k])); return v.emit(r, k); } }, writable: true, configurable: true }); },
        });
      }, true);
    });
    const panel = await openLensPanel(devtools);
    await panel.$eval('[data-testid="tab-states"]', (el) => (el as HTMLElement).click());
    await panel.waitForSelector('[data-testid="toggle-finalize"]');
    await setFinalize(panel, true);
    const kept = await waitFor(async () => {
      const k = await keptRecords(page);
      return k.genuine.some((r) => r.t === 'inject' && r.state === 'installed') ? k : null;
    }, 'the handler\'s genuine installed record');
    expect(kept.pageMade.filter((r) => r.t === 'inject')).toEqual([]);
    await sleep(300);
    const key = await inRelayWorld<string>(page, 'globalThis.cxLensRelay.reportKey');
    const seen = await page.evaluate(() => (window as any).seenByThief as string[]);
    expect(seen.join('\n')).not.toContain(key);
  });
});
