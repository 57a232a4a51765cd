// Mute at the source, through the real panel: a row's detail pane mutes its event name for the tab;
// the page's hook stops copying it (no rows; the status line counts it as muted, never as lost),
// other events are still captured, the mute holds across a reload, a saved recording carries it,
// and Unmute in the status line brings the rows back.
import { describe, expect, it } from 'vitest';
import type { Frame } from 'puppeteer-core';
import { openLensPanel, openPage, waitFor } from '../support/harness';
import { demoSuite } from './demo-suite';
import { publishNoise } from '../support/demo-driver';
import { rowCounts, setFilter, waitForCount } from '../support/panel-driver';
import { catchDownloads, readJson } from '../support/recording-driver';

const suite = demoSuite();
const NAME = 'Noise.tick';


async function mutes(panel: Frame): Promise<{ count: number; names: number; text: string; lost: string | null }> {
  const lost = await panel.$eval('[data-testid="capture-status"]', (el) => el.getAttribute('data-lost'));
  const m = await panel.$('[data-testid="mutes"]');
  if (!m) return { count: 0, names: 0, text: '', lost };
  return { ...(await m.evaluate((el) => ({ count: Number(el.getAttribute('data-count')), names: Number(el.getAttribute('data-names')), text: (el as HTMLElement).innerText }))), lost };
}

describe('mute at the source', () => {
  it('mutes an event name from its row, counts it as muted, keeps it across a reload, saves it, and unmutes', async () => {
    const { page, devtools } = await openPage(suite.lens.browser, `${suite.demo.urls.domainA}/bench.html`);
    suite.pages.push(page);
    const panel = await openLensPanel(devtools);
    await page.waitForFunction(() => typeof (window as unknown as { runPublishes?: unknown }).runPublishes === 'function');
    await publishNoise(page, 3, 1);
    await waitForCount(panel, NAME, 3);

    // The row's detail pane: Mute this event (a native button, by keyboard as by mouse).
    await panel.$eval('[data-testid="bus-row"]', (el) => (el as HTMLElement).click());
    const button = await panel.waitForSelector('[data-testid="mute-event"]');
    expect(await button!.evaluate((el) => [el.textContent, el.getAttribute('data-muted')])).toEqual(['Mute this event', 'false']);
    await button!.focus();
    await panel.page().keyboard.press('Enter');
    await waitFor(async () => (await panel.$eval('[data-testid="mute-event"]', (el) => el.getAttribute('data-muted'))) === 'true', 'the worker confirms the mute');
    expect((await mutes(panel)).names).toBe(1);

    // The page cannot mute (or forge a mute list): only the content script holds the hook's port.
    await page.evaluate(() => {
      window.postMessage({ type: 'mute', names: ['Other.ping'] }, '*');
      window.dispatchEvent(new MessageEvent('message', { data: { type: 'mute', names: ['Other.ping'] } }));
    });
    await publishNoise(page, 50, 5);
    await waitForCount(panel, 'Other.ping', 6);
    await waitFor(async () => (await mutes(panel)).count === 50, '50 muted in the status line');
    expect((await rowCounts(panel))).toMatchObject({ count: 6 });
    await setFilter(panel, NAME);
    await waitFor(async () => (await rowCounts(panel)).count === 3, 'no new Noise.tick rows');
    const status = await mutes(panel);
    expect(status.text).toContain('50 muted');
    expect(status.lost).toBe('0');
    expect(await panel.$eval('[data-testid="capture-status"]', (el) => (el as HTMLElement).innerText)).not.toMatch(/lost|dropped/);

    // Across a reload: the worker sends the tab's mutes to the new document's relay after its hello.
    await page.reload({ waitUntil: 'load' });
    await page.waitForFunction(() => typeof (window as unknown as { runPublishes?: unknown }).runPublishes === 'function');
    await waitFor(async () => {
      await publishNoise(page, 1, 0);
      // Whether the panel keeps the old document's count (50) or not (0), the new one's adds to it.
      const { count } = await mutes(panel);
      return count !== 50 && count !== 0;
    }, 'the new document mutes Noise.tick too', 20_000);
    await panel.$eval('[data-testid="clear"]', (el) => (el as HTMLElement).click());
    const before = (await mutes(panel)).count;
    await publishNoise(page, 10, 1);
    await waitForCount(panel, 'Other.ping', 1);
    await waitFor(async () => (await mutes(panel)).count >= before + 10, '10 more muted');
    await waitForCount(panel, NAME, 0);

    // A saved recording carries the mutes (caps.mutes) and the hooks' counts (status records).
    const downloads = await catchDownloads(suite.lens.browser);
    try {
      await panel.$eval('[data-testid="save-recording"]', (el) => (el as HTMLElement).click());
      await panel.$eval('[data-testid="save-recording-confirm"]', (el) => (el as HTMLElement).click());
      const saved = readJson(await downloads.next());
      expect(saved.caps.mutes).toEqual([NAME]);
      const counted = saved.records.flatMap((r: { record: { t: string; status?: { muted?: { name: string; count: number }[] } } }) => r.record.status?.muted ?? []);
      expect(counted.some((m: { name: string; count: number }) => m.name === NAME && m.count > 0)).toBe(true);
    } finally {
      await downloads.close();
    }

    // Unmute from the status line's list of mutes: rows come again.
    await panel.$eval('[data-testid="mutes"] summary', (el) => (el as HTMLElement).click());
    const unmute = await panel.waitForSelector('[data-testid="muted-name"][data-name="Noise.tick"] [data-testid="unmute"]', { visible: true });
    expect(await unmute!.evaluate((el) => (el as HTMLElement).innerText.replace(/\s+/g, ' ').trim())).toBe('Unmute Noise.tick');
    await unmute!.click();
    await waitFor(async () => (await mutes(panel)).names === 0, 'the worker confirms the unmute');
    await publishNoise(page, 4, 0);
    await waitForCount(panel, NAME, 4);
  });
});
