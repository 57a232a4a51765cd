// A Bus row's menu, through the real panel and the keyboard sent to the DevTools window: Shift+F10
// on the selected row opens it with focus on its first item, Escape closes it and focus is back on
// the list; it mutes the row's event name at the source (rows stop, the status line counts them as
// muted) and unmutes it (ContextMenu key); a right-click opens it too; arrows wrap; Filter to this
// name and Hide this name add `name:` terms to the filter (to each alternative of an OR).
import { describe, expect, it } from 'vitest';
import type { Frame } from 'puppeteer-core';
import { openLensPanel, openPage, waitFor } from '../support/harness';
import { demoSuite } from './demo-suite';
import { publishNoise } from '../support/demo-driver';
import { rowCounts, setFilter, waitForCount } from '../support/panel-driver';

const suite = demoSuite();
const NAME = 'Noise.tick';


/** The focused element's test id (or tag). */
const focusedId = (panel: Frame) => panel.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName ?? null);
const muted = (panel: Frame) => panel.evaluate(() => {
  const m = document.querySelector('[data-testid="mutes"]');
  return { count: Number(m?.getAttribute('data-count') ?? 0), names: Number(m?.getAttribute('data-names') ?? 0) };
});
const menuText = (panel: Frame) => panel.$$eval('[data-testid="row-menu"] [role="menuitem"]', (els) => els.map((el) => (el as HTMLElement).innerText.trim()));

describe('a Bus row\'s menu', () => {
  it('opens by Shift+F10, ContextMenu and right-click; mutes and unmutes the name; filters to it and hides it; Escape gives focus back to the row', async () => {
    const { page, devtools } = await openPage(suite.lens.browser, `${suite.demo.urls.domainA}/bench.html`);
    suite.pages.push(page);
    const panel = await openLensPanel(devtools);
    const keys = devtools.keyboard;
    const shiftF10 = async () => {
      await keys.down('Shift');
      await keys.press('F10');
      await keys.up('Shift');
    };
    await page.waitForFunction(() => typeof (window as unknown as { runPublishes?: unknown }).runPublishes === 'function');
    await publishNoise(page, 3, 1);
    await waitForCount(panel, NAME, 3);

    // Shift+F10 on the selected row: the menu, focus on its first item. (A click gives the panel's
    // frame the window's focus, for the keys; Home selects by keyboard.)
    await (await panel.waitForSelector(`[data-testid="bus-row"][data-name="${NAME}"]`))!.click();
    await waitFor(() => panel.evaluate(() => document.activeElement?.getAttribute('data-testid') === 'bus-list'), 'the list focused');
    await keys.press('ArrowDown');
    await keys.press('Home');
    await panel.waitForSelector(`[data-testid="bus-row"][aria-selected="true"][data-name="${NAME}"]`);
    await shiftF10();
    await panel.waitForSelector('[data-testid="row-menu"][role="menu"]');
    expect(await menuText(panel)).toEqual([`Mute ${NAME} in this tab`, 'Filter to this name', 'Hide this name', 'Copy name']);
    expect(await focusedId(panel)).toBe('row-menu-mute');
    expect(await panel.$eval('[data-testid="row-menu-mute"]', (el) => el.getAttribute('role'))).toBe('menuitem');

    // Escape: closed, focus back on the list, the row still selected.
    await keys.press('Escape');
    await waitFor(async () => !(await panel.$('[data-testid="row-menu"]')), 'the menu closed');
    expect(await focusedId(panel)).toBe('bus-list');
    expect(await panel.$eval('[data-testid="bus-row"][aria-selected="true"]', (el) => el.getAttribute('data-name'))).toBe(NAME);

    // Mute from the menu: the page stops copying the name; the status line counts it as muted.
    await shiftF10();
    await panel.waitForSelector('[data-testid="row-menu"]');
    await keys.press('Enter');
    await waitFor(async () => (await muted(panel)).names === 1, 'the worker confirms the mute');
    expect(await focusedId(panel)).toBe('bus-list');
    await publishNoise(page, 20, 2);
    await waitFor(async () => (await muted(panel)).count === 20, '20 muted in the status line');
    await setFilter(panel, 'Other.ping');
    await waitFor(async () => (await rowCounts(panel)).count === 3, 'Other.ping still captured');
    await setFilter(panel, NAME);
    await waitFor(async () => (await rowCounts(panel)).count === 3, 'no new Noise.tick rows');
    expect(await panel.$eval('[data-testid="capture-status"]', (el) => el.getAttribute('data-lost'))).toBe('0');

    // Unmute from the menu, opened by the ContextMenu key.
    await (await panel.waitForSelector('[data-testid="bus-row"]'))!.click();
    await keys.press('Home');
    await keys.press('ContextMenu');
    await panel.waitForSelector('[data-testid="row-menu"]');
    expect((await menuText(panel))[0]).toBe(`Unmute ${NAME}`);
    await keys.press('Space');
    await waitFor(async () => (await muted(panel)).names === 0, 'the worker confirms the unmute');
    await publishNoise(page, 2, 0);
    await waitForCount(panel, NAME, 5);

    // A right-click on a row opens its menu; arrows wrap, Home and End; Filter to this name.
    await setFilter(panel, '');
    const row = await panel.waitForSelector(`[data-testid="bus-row"][data-name="${NAME}"]`);
    await row!.click({ button: 'right' });
    await panel.waitForSelector('[data-testid="row-menu"]');
    expect(await panel.$eval('[data-testid="bus-row"][aria-selected="true"]', (el) => el.getAttribute('data-name'))).toBe(NAME);
    expect(await focusedId(panel)).toBe('row-menu-mute');
    await keys.press('ArrowUp');
    expect(await focusedId(panel)).toBe('row-menu-copy');
    await keys.press('ArrowDown');
    expect(await focusedId(panel)).toBe('row-menu-mute');
    await keys.press('End');
    expect(await focusedId(panel)).toBe('row-menu-copy');
    await keys.press('Home');
    await keys.press('ArrowDown');
    expect(await focusedId(panel)).toBe('row-menu-filter');
    await keys.press('Enter');
    await waitFor(async () => !(await panel.$('[data-testid="row-menu"]')), 'the menu closed');
    expect(await panel.$eval('[data-testid="filter"]', (el) => (el as HTMLInputElement).value)).toBe(`name:${NAME}`);
    await waitFor(async () => (await rowCounts(panel)).count === 5, 'only the Noise.tick rows');
    expect(await focusedId(panel)).toBe('bus-list');

    // Hide this name on an OR filter: the term goes to each alternative.
    await setFilter(panel, `${NAME} OR Other.ping`);
    await waitFor(async () => (await rowCounts(panel)).count === 8, 'both names');
    const other = await panel.waitForSelector('[data-testid="bus-row"][data-name="Other.ping"]');
    await other!.click({ button: 'right' });
    await panel.waitForSelector('[data-testid="row-menu"]');
    await panel.$eval('[data-testid="row-menu-hide"]', (el) => (el as HTMLElement).click());
    expect(await panel.$eval('[data-testid="filter"]', (el) => (el as HTMLInputElement).value)).toBe(`${NAME} -name:Other.ping OR Other.ping -name:Other.ping`);
    await waitFor(async () => (await rowCounts(panel)).count === 5, 'Other.ping hidden');
    expect(await focusedId(panel)).toBe('bus-list');

    // Copy name: says how it went; focus stays on the list.
    await (await panel.waitForSelector('[data-testid="bus-row"]'))!.click();
    await keys.press('Home');
    await shiftF10();
    await panel.waitForSelector('[data-testid="row-menu"]');
    await keys.press('End');
    await keys.press('Enter');
    await waitFor(async () => /copied|failed/i.test(await panel.$eval('[data-testid="menu-status"]', (el) => el.textContent ?? '')), 'the copy status');
    expect(await focusedId(panel)).toBe('bus-list');
  });
});
