// What CX Lens shows happened, and what it lost is counted with its reason, in the real panel:
// events too large for one extension message, a record that a view cannot digest, and a page
// that defines the global of an injected feature before the switch is turned on.
import { describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { openLensPanel, openPage, sleep, waitFor } from '../support/harness';
import { demoSuite } from './demo-suite';
import { captureStatus, rowCounts, setFilter, waitForCount } from '../support/panel-driver';
import { finalizeStatus } from '../support/states-driver';
import { sendJsonAsHook } from '../support/relay-world';

const suite = demoSuite();

async function openWithoutPanel(path: string): Promise<{ page: Page; devtools: Page }> {
  const opened = await openPage(suite.lens.browser, `${suite.demo.urls.domainA}${path}`);
  suite.pages.push(opened.page);
  return opened;
}

describe('nothing lost without a count', () => {
  it('events whose batch is over the extension message limit all reach the panel, or are counted as too large', async () => {
    const { page, devtools } = await openWithoutPanel('/payloads.html');
    const panel = await openLensPanel(devtools);
    await page.waitForFunction(() => typeof (window as any).CXBus?.registerPlugin === 'function');
    // 8 events of 1,000 strings of 10,000 characters: each within the hook's copy caps, together
    // about 80 MB of JSON, over Chrome's 64 MiB limit for one extension message.
    await page.evaluate(() => {
      const big = (window as any).CXBus.registerPlugin('Big');
      for (let i = 0; i < 8; i++) {
        const items: string[] = [];
        for (let k = 0; k < 1000; k++) items.push(String(k % 10).repeat(10_000));
        big.publish(`large${i}`, { items });
      }
    });
    await setFilter(panel, 'kind:event plugin:Big');
    const seen = await waitFor(async () => {
      const shown = (await rowCounts(panel)).count;
      const status = (await captureStatus(panel)).text;
      const tooLarge = Number(/(\d+) too large/.exec(status)?.[1] ?? 0);
      return shown === 8 || (tooLarge > 0 && shown + tooLarge === 8) ? { shown, tooLarge, status } : null;
    }, '8 large events shown or counted as too large', 60_000);
    expect(seen.shown + seen.tooLarge).toBe(8);
    expect(seen.status).not.toMatch(/buffer full/);
  });

  it('a record that no view can digest is marked alone; the events after it are shown', async () => {
    const { page, devtools } = await openWithoutPanel('/payloads.html');
    await page.waitForFunction(() => typeof (window as any).CXBus?.registerPlugin === 'function');
    await page.evaluate(() => {
      const p = (window as any).CXBus.registerPlugin('Around');
      for (let i = 0; i < 50; i++) p.publish(`before${i}`, { i });
    });
    await sleep(300); // the hook's batch of the first 50 goes out before the forged one
    {
      // A record in the hook's batch shape whose payload is a 100,000-deep chain of escape markers,
      // handed to the content script as the hook's port would (relay-world.ts).
      const depth = 100_000;
      const data = '{"$cx":"escaped","value":'.repeat(depth) + '1' + '}'.repeat(depth);
      const json = `[{"t":"event","time":${Date.now()},"name":"Deep.chain","publisher":"Deep","via":"publish","data":${data}}]`;
      await sendJsonAsHook(page, json, 1);
    }
    await sleep(300);
    await page.evaluate(() => {
      const p = (window as any).CXBus.registerPlugin('Around2');
      for (let i = 0; i < 50; i++) p.publish(`after${i}`, { i });
    });
    await sleep(500);
    const panel = await openLensPanel(devtools); // the panel opens after all of it: a replay
    // kind:event: the plugins' registrations are rows of their own (plugin:X matches them too).
    expect(await waitForCount(panel, 'kind:event plugin:Around2', 50, 20_000)).toBe(50);
    expect(await waitForCount(panel, 'kind:event Around', 100)).toBe(100);
    // The deep record is there (shown or marked), and selecting it does not break the panel.
    await waitForCount(panel, 'Deep', 1);
    await panel.$eval('[data-testid="bus-row"]', (el) => (el as HTMLElement).click());
    await panel.waitForSelector('[data-testid="detail"]');
    expect(await panel.$eval('[data-testid="detail"]', (el) => (el as HTMLElement).innerText.length)).toBeGreaterThan(0);
    const status = await captureStatus(panel);
    expect(status.text).not.toMatch(/lost/);
  });
});

describe('nothing shown that did not happen', () => {
  for (const how of ['assigned', 'non-configurable'] as const) {
    it(`a page-defined CXLensFinalizeHandler (${how}) never gets called and never shows as installed`, async () => {
      const { page, devtools } = await openWithoutPanel('/chat.html');
      await page.waitForSelector('[data-testid="chat-open-button"]');
      await page.evaluate((mode) => {
        const fake = {
          install() { (window as any).__fakeCalled = true; return new Promise(() => {}); },
          uninstall() { (window as any).__fakeCalled = true; },
          status() { return { installed: true }; },
        };
        if (mode === 'assigned') (window as any).CXLensFinalizeHandler = fake;
        else Object.defineProperty(window, 'CXLensFinalizeHandler', { value: fake, configurable: false, writable: false });
      }, how);
      const panel = await openLensPanel(devtools);
      await panel.$eval('[data-testid="tab-states"]', (el) => (el as HTMLElement).click());
      await panel.waitForSelector('[data-testid="toggle-finalize"]');
      await panel.$eval('[data-testid="toggle-finalize"]', (el) => (el as HTMLElement).click());
      // Within a few seconds: CX Lens's own handler is installed, or the switch says why it failed.
      const final = await waitFor(async () => {
        const s = await finalizeStatus(panel);
        return s.state === 'installed' || s.state === 'failed' || s.state === 'waiting' ? s : null;
      }, 'the finalize switch to settle', 8_000);
      expect(await page.evaluate(() => (window as any).__fakeCalled === true)).toBe(false);
      if (how === 'non-configurable') {
        expect(final.state).toBe('failed');
        expect(final.text).toMatch(/CXLensFinalizeHandler/);
      } else {
        expect(final.state).toBe('installed');
        expect(await page.evaluate(() => typeof (window as any).CXLensFinalizeHandler.install === 'function'
          && (window as any).CXLensFinalizeHandler.install.toString().includes('__fakeCalled'))).toBe(false);
      }
    });
  }
});
