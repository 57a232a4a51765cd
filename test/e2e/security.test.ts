// What a hostile page can and cannot do to CX Lens, in the real panel: it cannot switch an
// injection on (only the panel's port can), its malformed records are marked rather than lost, and
// markup in what it sends is shown as text.
import { describe, expect, it } from 'vitest';
import type { Frame, Page } from 'puppeteer-core';
import { openLensPanel, openPage, sleep } from '../support/harness';
import { demoSuite } from './demo-suite';
import { findRow, setFilter, visibleRows, waitForCount } from '../support/panel-driver';

const suite = demoSuite();

async function open(path: string): Promise<{ page: Page; panel: Frame }> {
  const { page, devtools } = await openPage(suite.lens.browser, `${suite.demo.urls.domainA}${path}`);
  suite.pages.push(page);
  return { page, panel: await openLensPanel(devtools) };
}

describe('a hostile page', () => {
  it('cannot switch an injection on: messages shaped like panel commands do nothing', async () => {
    const { page, panel } = await open('/chat.html');
    await page.waitForSelector('[data-testid="chat-open-button"]');
    const reachable = await page.evaluate(() => {
      const options = { text: 'pwned', behaviour: 'always-end', states: ['Finalizing'] };
      for (const target of ['*', location.origin]) {
        window.postMessage({ type: 'inject', feature: 'finalize', options }, target);
        window.postMessage({ source: 'cx-lens-page', v: 1, type: 'inject', feature: 'finalize', options }, target);
        window.postMessage({ source: 'cx-lens-page', v: 1, type: 'simulate', state: 'Completed' }, target);
      }
      // No extension API is exposed to the page (CX Lens declares no externally_connectable).
      return typeof (window as any).chrome?.runtime?.sendMessage;
    });
    expect(reachable).toBe('undefined');
    await sleep(1500);
    expect(await page.evaluate(() => typeof (window as any).CXLensFinalizeHandler)).toBe('undefined');
    expect(await page.evaluate(() => typeof (window as any).CXLensSimulate)).toBe('undefined');
    await panel.$eval('[data-testid="tab-states"]', (el) => (el as HTMLElement).click());
    expect(await panel.$eval('[data-testid="toggle-finalize"]', (el) => (el as HTMLInputElement).checked)).toBe(false);
  });

  it('gets its malformed records marked in the panel, not lost, and its markup shown as text', async () => {
    const { page, panel } = await open('/chat.html');
    await page.evaluate(() => {
      const evil = '<img src=x onerror="window.__xss=1">';
      window.postMessage({
        source: 'cx-lens-page', v: 1, type: 'batch',
        records: [42, null, { no: 'kind' }, { t: 'event', seq: 0, time: Date.now(), name: `Forged.${evil}`, publisher: 'Forged', via: 'publish', data: { html: evil } }],
      }, location.origin);
    });
    expect(await waitForCount(panel, 'malformed', 3)).toBe(3);
    const row = await findRow(panel, 'Forged', (r) => r.name.startsWith('Forged.'));
    expect(row.name).toBe('Forged.<img src=x onerror="window.__xss=1">');
    await setFilter(panel, 'Forged');
    await sleep(200);
    await panel.$eval('[data-testid="bus-row"]', (el) => (el as HTMLElement).click()); // the detail pane renders the payload
    await panel.waitForFunction(() => document.querySelector('[data-testid="detail"]')?.textContent?.includes('onerror'));
    expect(await panel.$$('img[src="x"]')).toHaveLength(0);
    expect(await panel.evaluate(() => (window as any).__xss)).toBeUndefined();
    expect(await page.evaluate(() => (window as any).__xss)).toBeUndefined();
    expect((await visibleRows(panel)).length).toBe(1);
  });
});
