// CX Lens's own records cannot be forged, in real Chromium with the real panel: a page that posts
// batches in the hook's shape and tries every way in it can find (the port hand-over events, the
// channel hook's link, the hook's handle, window properties) gets its records kept as page-made,
// or nowhere, never as genuine; and a flood of forged batches evicts no genuine record.
import { describe, expect, it } from 'vitest';
import type { Frame, Page } from 'puppeteer-core';
import { openLensPanel, openPage, sleep, waitFor } from '../support/harness';
import { demoSuite } from './demo-suite';
import { captureStatus, rowCounts, setFilter, waitForCount } from '../support/panel-driver';
import { inRelayWorld, keptRecords } from '../support/relay-world';
import { setFinalize } from '../support/states-driver';

const suite = demoSuite();

async function openPayloads(): Promise<{ page: Page; devtools: Page }> {
  const opened = await openPage(suite.lens.browser, `${suite.demo.urls.domainA}/payloads.html`);
  suite.pages.push(opened.page);
  await opened.page.waitForFunction(() => typeof (window as any).CXBus?.registerPlugin === 'function');
  return opened;
}

const names = (records: Record<string, unknown>[]) => records.map((r) => String(r.name ?? r.state ?? r.t ?? ''));

describe('a page forging CX Lens records', () => {
  it('gets page-made records (or nothing) whichever way it tries, never genuine ones', async () => {
    const { page, devtools } = await openPayloads();
    const panel = await openLensPanel(devtools);
    const found = await page.evaluate(async () => {
      const forged = (name: string) => ({ t: 'event', seq: 0, time: Date.now(), name, publisher: name.split('.')[0], via: 'publish', data: {} });
      // 1. Window messages in the hook's old batch shape, as objects and as JSON text.
      window.postMessage({ source: 'cx-lens-page', v: 1, type: 'batch', records: [forged('Forged.window'), { t: 'forged-kind', name: 'Forged.kind' }] }, location.origin);
      window.postMessage({ source: 'cx-lens-page', v: 1, type: 'batch', json: JSON.stringify([forged('Forged.json')]), count: 1 }, '*');
      // 2. The port hand-over: ask for the hook's port, and offer one of its own.
      const stolen: unknown[] = [];
      const steal = (e: Event) => stolen.push(...(e as MessageEvent).ports);
      addEventListener('cx-lens-hook-offer', steal, true);
      dispatchEvent(new Event('cx-lens-relay-ask'));
      removeEventListener('cx-lens-hook-offer', steal, true);
      const own = new MessageChannel();
      const offer = new MessageEvent('cx-lens-hook-offer', { ports: [own.port2], cancelable: true });
      const offerTaken = !dispatchEvent(offer);
      own.port1.postMessage({ type: 'batch', records: [forged('Forged.port')] });
      own.port1.postMessage({ type: 'batch', json: JSON.stringify([forged('Forged.portJson')]), count: 1 });
      // 3. The channel hook's private link.
      const link: { emit?: unknown } = {};
      dispatchEvent(new CustomEvent('cx-lens-channel-link', { detail: link }));
      // 4. The hook's handle, which the page can ask for too: emit with no key and with guessed ones.
      const request: { handle?: { emit(r: unknown, key?: unknown): void; synthetic(fn: () => unknown): unknown } } = {};
      dispatchEvent(new CustomEvent('cx-lens-hook-handle', { detail: request }));
      const handle = request.handle;
      handle?.emit(forged('Forged.emit'));
      handle?.emit({ t: 'inject', feature: 'finalize', state: 'installed', detail: { forged: true } });
      handle?.emit({ t: 'inject', feature: 'finalize', state: 'fired', detail: { forged: true } }, 'a-guessed-key');
      handle?.emit({ t: 'status', status: { cxbus: 'absent', quickBus: false, plugins: [], problems: ['forged'] } }, null);
      // 5. Anything of CX Lens's on the window or its prototype chain.
      const keys: string[] = [];
      for (let o: object | null = window; o; o = Object.getPrototypeOf(o)) {
        for (const k of Reflect.ownKeys(o)) {
          const text = typeof k === 'symbol' ? String(k.description) : k;
          if (/cx-?lens/i.test(text) && !/^CXLens(FinalizeHandler|Simulate|CookieInjection)$/.test(text)) keys.push(text);
        }
      }
      // A genuine event, through the tapped bus.
      (window as any).CXBus.registerPlugin('Real').publish('one', { n: 1 });
      await new Promise((r) => setTimeout(r, 300));
      return { stolen: stolen.length, offerTaken, link: typeof link.emit, handle: typeof handle, keys };
    });
    expect(found).toEqual({ stolen: 0, offerTaken: false, link: 'undefined', handle: 'object', keys: [] });

    const kept = await waitFor(async () => {
      const k = await keptRecords(page);
      return names(k.genuine).includes('Real.one') && k.pageMade.length >= 7 ? k : null;
    }, 'the genuine event and the page-made records in the relay');
    // Never genuine: nothing forged among the records of the hook's port.
    expect(names(kept.genuine).filter((n) => /Forged/.test(n))).toEqual([]);
    expect(kept.genuine.filter((r) => r.t === 'inject')).toEqual([]);
    expect(kept.genuine.some((r) => JSON.stringify(r).includes('forged'))).toBe(false);
    // Page-made: what went through the window or the handle, every record marked.
    expect(names(kept.pageMade)).toEqual(['Forged.window', 'Forged.kind', 'Forged.json', 'Forged.emit', 'installed', 'fired', 'status']);
    expect(kept.pageMade.every((r) => r.pageMade === true)).toBe(true);
    // Nowhere: what the page posted on a port of its own.
    expect(JSON.stringify(kept).includes('Forged.port')).toBe(false);

    // The panel gets the records with their mark; the hook's status is the genuine one.
    expect(await waitForCount(panel, 'Real.one', 1)).toBe(1);
    await setFilter(panel, 'Forged.kind');
    await waitFor(async () => (await rowCounts(panel)).count === 1, 'the forged record of an unknown kind');
    await panel.$eval('[data-testid="bus-row"]', (el) => (el as HTMLElement).click());
    await panel.waitForFunction(() => /pageMade/.test(document.querySelector('[data-testid="detail"]')?.textContent ?? ''));
    const status = await captureStatus(panel);
    expect(status.text).toMatch(/Capturing CXBus/);
    expect(status.text).not.toMatch(/lost|missing/);
  });

  it('a flood of 5,000 forged batches leaves every genuine event in the panel, with the status line right', async () => {
    const { page, devtools } = await openPayloads();
    await page.evaluate(() => {
      const p = (window as any).CXBus.registerPlugin('Before');
      for (let i = 0; i < 50; i++) p.publish(`e${i}`, { i });
    });
    await sleep(300); // the hook's batch goes out before the flood
    const flood = await page.evaluate(() => {
      // Malformed rows in the hook's batch shape: 20 a batch, 100,000 in all.
      const rows = JSON.stringify(Array.from({ length: 20 }, (_, i) => (i % 2 ? 42 : { t: 'event', name: 42 })));
      const start = performance.now();
      for (let i = 0; i < 5000; i++) window.postMessage({ source: 'cx-lens-page', v: 1, type: 'batch', json: rows, count: 20 }, location.origin);
      return performance.now() - start;
    });
    await sleep(500);
    await page.evaluate(() => {
      const p = (window as any).CXBus.registerPlugin('After');
      for (let i = 0; i < 50; i++) p.publish(`e${i}`, { i });
    });
    await sleep(500);
    const kept = await keptRecords(page);
    expect(kept.genuine.filter((r) => r.t === 'event')).toHaveLength(100);
    expect(kept.genuine.some((r) => r.t === 'status')).toBe(true);
    expect(kept.pageMade.length).toBeLessThanOrEqual(1000); // their own budget

    const panel: Frame = await openLensPanel(devtools); // opened after the flood: a replay from the relay
    expect(await waitForCount(panel, 'kind:event Before', 50, 30_000)).toBe(50);
    expect(await waitForCount(panel, 'kind:event After', 50)).toBe(50);
    const status = await captureStatus(panel);
    expect(status.state).toBe('capturing');
    expect(status.text).not.toMatch(/has not reported yet/);
    expect(status.text).not.toMatch(/lost|missing|buffer full/);
    expect(status.text).toMatch(/Capturing CXBus in top frame/);
    expect(flood).toBeGreaterThan(0);
  });

  it("the features CX Lens injects report genuine records: they carry the document's report key", async () => {
    const { page, devtools } = await openPage(suite.lens.browser, `${suite.demo.urls.domainA}/chat.html`);
    suite.pages.push(page);
    await page.waitForSelector('[data-testid="chat-open-button"]');
    const panel = await openLensPanel(devtools);
    await panel.$eval('[data-testid="tab-states"]', (el) => (el as HTMLElement).click());
    await panel.waitForSelector('[data-testid="toggle-finalize"]');
    await setFinalize(panel, true); // the panel shows the handler installed
    const kept = await waitFor(async () => {
      const k = await keptRecords(page);
      return k.genuine.some((r) => r.t === 'inject' && r.state === 'installed') ? k : null;
    }, 'the handler\'s genuine installed record');
    expect(kept.pageMade.filter((r) => r.t === 'inject')).toEqual([]);
    // The key is nowhere the page can read it.
    const key = await inRelayWorldKey(page);
    expect(key).toMatch(/^[0-9a-f-]{32,36}$/);
    expect(await page.evaluate((k) => document.documentElement.outerHTML.includes(k) || JSON.stringify(Object.keys(window)).includes(k), key)).toBe(false);
  });
});

async function inRelayWorldKey(page: Page): Promise<string> {
  return inRelayWorld<string>(page, 'globalThis.cxLensRelay.reportKey');
}
