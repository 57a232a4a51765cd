// The panel's door in the real DevTools panel: a page posts forged records (a channel record whose
// type is a number, a 10,000-deep record, megabyte strings). They show marked (page-made, and
// malformed where they lack their kind's shape); the views keep updating with real traffic;
// selecting the deep row does not crash the detail pane; filtering stays responsive.
import { describe, expect, it } from 'vitest';
import type { Frame, Page } from 'puppeteer-core';
import { openLensPanel, openPage, sleep, waitFor } from '../support/harness';
import { demoSuite } from './demo-suite';
import { rowCounts, setFilter, waitForCount } from '../support/panel-driver';

const suite = demoSuite();

/** Real traffic: a bus event through the tapped CXBus, and a cookie-channel message the page posts
 *  (the channel hook records it: a genuine record of real cross-frame traffic). */
async function realTraffic(page: Page, n: number): Promise<void> {
  await page.evaluate((i) => {
    (window as any).CXBus.registerPlugin(`Real${i}`).publish('happened', { i });
    window.postMessage({ type: 'cx-lens-cookie/hello', v: 1, id: `real-${i}` }, '*');
  }, n);
}

async function channelCount(panel: Frame): Promise<number> {
  return panel.$eval('[data-testid="channel-count"]', (el) => Number(el.getAttribute('data-count'))).catch(() => 0);
}

async function viewErrors(panel: Frame): Promise<string[]> {
  return panel.$$eval('[data-testid="view-error"]', (els) => els.map((el) => (el as HTMLElement).innerText));
}

/** The visible rows matching `filter` with their page-made mark and record kind. */
async function markedRows(panel: Frame, filter: string): Promise<{ name: string; pageMade: boolean; kind: string; type: string }[]> {
  await setFilter(panel, filter);
  await sleep(150);
  return panel.$$eval('[data-testid="bus-row"]', (els) => els.map((el) => ({
    name: (el.getAttribute('data-name') ?? '').slice(0, 40),
    pageMade: el.getAttribute('data-page-made') === 'true',
    kind: el.getAttribute('data-kind') ?? '',
    type: (el.querySelector('.c-kind') as HTMLElement).innerText,
  })));
}

describe('forged records at the panel door', () => {
  it('show marked, never stop the views, the deep one opens, and filtering stays responsive', async () => {
    const { page, devtools } = await openPage(suite.lens.browser, `${suite.demo.urls.domainA}/payloads.html`);
    suite.pages.push(page);
    await page.waitForFunction(() => typeof (window as any).CXBus?.registerPlugin === 'function');
    const panel = await openLensPanel(devtools);
    await realTraffic(page, 0);
    await waitForCount(panel, 'real0.happened', 1);

    // Forged batches in the hook's old window-message shape, as JSON text (the deep record cannot
    // be built as an object and posted: structured clone recurses too). One record a batch: the
    // relay refuses a page-made batch over a million characters.
    await page.evaluate(() => {
      const big = (s: string) => s.repeat(Math.ceil(900_000 / s.length));
      const deep = '['.repeat(10_000) + '1' + ']'.repeat(10_000);
      const channel = { t: 'channel', seq: 0, time: Date.now(), direction: 'in', peer: 'child', senderOrigin: location.origin, receiverOrigin: location.origin, channel: true, type: 42, id: 'forged-1', carriesSession: false, data: {} };
      const event = (name: string, publisher: string, data: string) => `{"t":"event","seq":0,"time":${Date.now()},"name":${JSON.stringify(name)},"publisher":${JSON.stringify(publisher)},"via":"publish","data":${data}}`;
      const records = [
        JSON.stringify(channel),
        event('Deep.chain', 'Deep', deep),
        event(`Huge.name${big('x')}`, 'Huge', '{}'),
        event('Huge.data', big('p'), '{}'),
        event('Huge.jwt', 'Huge', JSON.stringify({ jwt: big('eyJ') })),
        event('Huge.text', 'Huge', JSON.stringify({ text: big('long text ') })),
      ];
      for (const record of records) window.postMessage({ source: 'cx-lens-page', v: 1, type: 'batch', json: `[${record}]`, count: 1 }, location.origin);
    });

    // Marked: the channel record with a number type is malformed; all five are page-made.
    const malformed = await waitFor(async () => {
      const rows = await markedRows(panel, 'malformed');
      return rows.length === 1 ? rows : null;
    }, 'the forged channel record, marked malformed', 20_000);
    expect(malformed[0]).toMatchObject({ kind: 'other', type: 'malformed', pageMade: true });
    await setFilter(panel, 'huge.');
    await waitFor(async () => (await rowCounts(panel)).count >= 4, 'the four rows of megabyte strings');
    const huge = await markedRows(panel, 'huge.');
    expect(huge.map((r) => r.name.slice(0, 9)).sort()).toEqual(['Huge.data', 'Huge.jwt', 'Huge.name', 'Huge.text']);
    expect(huge.every((r) => r.pageMade)).toBe(true);
    expect(await waitForCount(panel, 'deep.chain', 1)).toBe(1);
    const [deepRow] = await markedRows(panel, 'deep.chain');
    expect(deepRow).toMatchObject({ name: 'Deep.chain', pageMade: true });
    const untrusted = await panel.$eval('[data-testid="untrusted"]', (el) => ({ pageMade: Number(el.getAttribute('data-page-made')), malformed: Number(el.getAttribute('data-malformed')) }));
    expect(untrusted.pageMade).toBeGreaterThanOrEqual(6);
    expect(untrusted.malformed).toBeGreaterThanOrEqual(1);

    // Selecting the deep row: the detail pane shows it, cut and marked, and keeps working.
    await setFilter(panel, 'deep.chain');
    await sleep(200);
    await panel.$eval('[data-testid="bus-row"]', (el) => (el as HTMLElement).click());
    await panel.waitForSelector('[data-testid="detail"][data-key]');
    const detail = await panel.$eval('[data-testid="detail"]', (el) => (el as HTMLElement).innerText);
    expect(detail).toContain('Deep.chain');
    expect(detail).toContain('page-made');
    for (let i = 0; i < 6; i++) {
      // Open the tree a few levels, as a user would.
      const toggles = await panel.$$('[data-testid="detail"] .j-branch');
      if (!toggles.length) break;
      await toggles[toggles.length - 1]!.click();
    }
    await panel.$eval('[data-testid="copy-json"]', (el) => (el as HTMLElement).click());
    await sleep(300);
    expect(await viewErrors(panel)).toEqual([]);

    // Filtering a log with megabyte strings stays responsive: each keystroke answers at once.
    await setFilter(panel, '');
    for (const text of ['h', 'hu', 'hug', 'huge', 'huge.t', 'nothing-matches', 'kind:event', 'x', 'p', '']) {
      const took = Date.now();
      await setFilter(panel, text);
      await panel.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
      expect(Date.now() - took, `filter "${text}"`).toBeLessThan(1500);
    }
    expect((await rowCounts(panel)).total).toBeGreaterThanOrEqual(6);

    // The views keep updating with real traffic: the Bus and the Cookie sync view.
    await panel.$eval('[data-testid="tab-cookies"]', (el) => (el as HTMLElement).click());
    const before = await waitFor(async () => (await channelCount(panel)) || null, 'the real channel message in the Cookie sync log');
    for (let i = 1; i <= 3; i++) await realTraffic(page, i);
    await waitFor(async () => (await channelCount(panel)) >= before + 3, 'three more real channel messages counted');
    expect(await viewErrors(panel)).toEqual([]);
    await panel.$eval('[data-testid="tab-bus"]', (el) => (el as HTMLElement).click());
    expect(await waitForCount(panel, 'plugin:real3', 2)).toBe(2); // its registration and its event
    const genuine = await markedRows(panel, 'real3.happened');
    expect(genuine).toEqual([expect.objectContaining({ kind: 'event', pageMade: false })]);
    expect(await viewErrors(panel)).toEqual([]);
  });
});
