// The panel driven by the keyboard alone (key presses sent to the real DevTools window): the tab bar
// as WAI-ARIA tabs, the filter shortcut, the Bus list and its detail pane, the save dialog, the States
// chart and timeline, the Cookie sync channel log and sequence diagram, a finding's evidence, and
// focus that stays put while rows stream in and goes somewhere sensible when its element goes away.
// Opening a file is the one step done through the file input (a file picker is the browser's own).
import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import type { Frame, KeyInput, Page } from 'puppeteer-core';
import { demoSuite } from './demo-suite';
import { waitFor } from '../support/harness';
import { sendAsHook } from '../support/relay-world';
import { openCookieSync, waitForSync } from '../support/cookie-driver';
import { openFile, waitForBanner } from '../support/recording-driver';

const CLI_FIXTURES = resolve(import.meta.dirname, '../fixtures/cli');
const suite = demoSuite({ pollTimeoutMs: 600 });

interface Focused {
  testid: string | null;
  id: string;
  role: string | null;
  tag: string;
  text: string;
  /** The view (tab panel) the focused element is in, if any. */
  view: string | null;
}

function focused(panel: Frame): Promise<Focused> {
  return panel.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return {
      testid: el?.getAttribute('data-testid') ?? null,
      id: el?.id ?? '',
      role: el?.getAttribute('role') ?? null,
      tag: el?.tagName.toLowerCase() ?? '',
      text: (el?.textContent ?? '').slice(0, 200),
      view: el?.closest('[role="tabpanel"]')?.id ?? null,
    };
  });
}

function matchesFocus(panel: Frame, selector: string): Promise<boolean> {
  return panel.evaluate((sel) => document.activeElement?.matches(sel) ?? false, selector);
}

/** Presses keys in the DevTools window; they go to the focused element of the panel's frame. */
class Keys {
  constructor(private readonly devtools: Page) {}
  async press(key: KeyInput, modifier?: 'Control' | 'Shift'): Promise<void> {
    if (modifier) await this.devtools.keyboard.down(modifier);
    await this.devtools.keyboard.press(key);
    if (modifier) await this.devtools.keyboard.up(modifier);
  }
  type(text: string): Promise<void> {
    return this.devtools.keyboard.type(text);
  }
}

/** Presses Tab (or Shift+Tab) until the focused element matches `selector`: proves it is reachable. */
async function tabTo(panel: Frame, keys: Keys, selector: string, back = false, max = 80): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await matchesFocus(panel, selector)) return;
    await keys.press('Tab', back ? 'Shift' : undefined);
  }
  throw new Error(`Tab never reached ${selector}; focus is on ${JSON.stringify(await focused(panel))}`);
}

/** Goes back to the tab bar (Shift+Tab) and on to the tab of `view` by arrows. */
async function selectTab(panel: Frame, keys: Keys, view: string): Promise<void> {
  await tabTo(panel, keys, '[role="tab"]', true);
  for (let i = 0; i < 5 && (await focused(panel)).id !== `tab-${view}`; i++) await keys.press('ArrowRight');
  expect(await focused(panel)).toMatchObject({ id: `tab-${view}` });
  expect(await shownView(panel)).toBe(`view-${view}`);
}

async function shownView(panel: Frame): Promise<string> {
  return panel.$eval('[role="tabpanel"]:not([hidden])', (el) => el.id);
}

async function open(path: string) {
  const tab = await openCookieSync(suite.lens, `${suite.demo.urls.domainA}${path}`);
  suite.pages.push(tab.page);
  // Start from nothing focused in the panel, as after a click elsewhere in DevTools.
  await tab.panel.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  return { ...tab, keys: new Keys(tab.devtools) };
}

describe('keyboard only', () => {
  it('tab bar: one tab stop, arrows and Home/End switch views (wrapping), the view follows', async () => {
    const { panel, keys } = await open('/xdomain.html');
    await keys.press('Tab');
    expect(await focused(panel)).toMatchObject({ role: 'tab', id: 'tab-cookies' });
    expect(await panel.$$eval('[role="tab"][tabindex="0"]', (els) => els.map((el) => el.id))).toEqual(['tab-cookies']);

    await keys.press('ArrowRight');
    expect(await focused(panel)).toMatchObject({ id: 'tab-injection' });
    expect(await shownView(panel)).toBe('view-injection');
    await keys.press('ArrowRight'); // wraps to the first
    expect(await focused(panel)).toMatchObject({ id: 'tab-findings' });
    await keys.press('End');
    expect(await focused(panel)).toMatchObject({ id: 'tab-injection' });
    await keys.press('Home');
    expect(await focused(panel)).toMatchObject({ id: 'tab-findings' });
    await keys.press('ArrowLeft'); // wraps to the last
    expect(await focused(panel)).toMatchObject({ id: 'tab-injection' });
    await keys.press('ArrowLeft');
    expect(await shownView(panel)).toBe('view-cookies');
    expect(await panel.$eval('#tab-cookies', (el) => [el.getAttribute('aria-selected'), el.getAttribute('tabindex')])).toEqual(['true', '0']);
    expect(await panel.$eval('#tab-bus', (el) => [el.getAttribute('aria-selected'), el.getAttribute('tabindex')])).toEqual(['false', '-1']);
    // Tab leaves the tab bar for the next control, not the next tab.
    await keys.press('Tab');
    expect((await focused(panel)).role).not.toBe('tab');
  });

  it('Bus: "/" and Ctrl+F focus the filter; Enter goes to the list, arrows select, Enter opens the detail, Escape comes back; focus stays while rows stream in', async () => {
    const { page, panel, keys } = await open('/xdomain.html');
    await panel.waitForSelector('#tab-cookies[aria-selected="true"]');
    await keys.press('Tab');
    // "/" is a shortcut only outside text fields: start from the tab bar, as a user would.
    await waitFor(async () => (await focused(panel)).role === 'tab', 'focus on the tab bar after Tab');
    await keys.press('/');
    await waitFor(() => matchesFocus(panel, '[data-testid="filter"]'), 'the filter focused by "/"');
    expect(await shownView(panel)).toBe('view-bus');

    await sendAsHook(page, [
      { t: 'event', name: 'Keys.one', publisher: 'Keys', via: 'publish', data: { n: 1, nested: { deep: true } } },
      { t: 'event', name: 'Keys.two', publisher: 'Keys', via: 'publish', data: { n: 2 } },
      { t: 'event', name: 'Keys.three', publisher: 'Keys', via: 'publish', data: { n: 3 } },
    ]);
    await keys.type('Keys.');
    await waitFor(async () => (await panel.$eval('[data-testid="row-count"]', (el) => el.getAttribute('data-count'))) === '3', 'three Keys rows');
    await keys.press('Enter');
    expect(await focused(panel)).toMatchObject({ testid: 'bus-list', role: 'grid' });
    await keys.press('ArrowDown');
    await panel.waitForSelector('[data-testid="bus-row"][aria-selected="true"][data-name="Keys.one"]');
    await keys.press('ArrowDown');
    await panel.waitForSelector('[data-testid="bus-row"][aria-selected="true"][data-name="Keys.two"]');
    // The grid names its selected row for screen readers.
    const active = await panel.$eval('[data-testid="bus-list"]', (el) => el.getAttribute('aria-activedescendant'));
    expect(await panel.$eval(`#${active}`, (el) => el.getAttribute('data-name'))).toBe('Keys.two');
    await keys.press('End');
    await panel.waitForSelector('[data-testid="bus-row"][aria-selected="true"][data-name="Keys.three"]');
    await keys.press('Home');
    await panel.waitForSelector('[data-testid="bus-row"][aria-selected="true"][data-name="Keys.one"]');

    // Rows stream in: the focus and the selection stay.
    await sendAsHook(page, Array.from({ length: 40 }, (_, i) => ({ t: 'event', name: `Keys.more${i}`, publisher: 'Keys', via: 'publish', data: {} })));
    await waitFor(async () => (await panel.$eval('[data-testid="row-count"]', (el) => el.getAttribute('data-count'))) === '43', 'the streamed rows');
    expect(await focused(panel)).toMatchObject({ testid: 'bus-list' });
    expect(await panel.$eval('[data-testid="bus-row"][aria-selected="true"]', (el) => el.getAttribute('data-name'))).toBe('Keys.one');

    // Enter opens the row's detail; its controls are reachable; Escape goes back to the list.
    await keys.press('Enter');
    expect(await focused(panel)).toMatchObject({ testid: 'detail' });
    await keys.press('Tab');
    expect(await focused(panel)).toMatchObject({ testid: 'copy-json' });
    await tabTo(panel, keys, '.json-tree button.j-toggle[aria-expanded="true"]');
    const toggle = (await focused(panel)).text;
    await keys.press('Enter');
    expect(await panel.evaluate(() => document.activeElement?.getAttribute('aria-expanded'))).toBe('false');
    expect((await focused(panel)).text).toBe(toggle.replace('▾', '▸'));
    await keys.press('Escape');
    expect(await focused(panel)).toMatchObject({ testid: 'bus-list' });

    // Ctrl+F from anywhere: the filter again.
    await keys.press('f', 'Control');
    await waitFor(() => matchesFocus(panel, '[data-testid="filter"]'), 'the filter focused by Ctrl+F');
    // "/" typed in the filter is text, not the shortcut.
    await keys.press('End');
    await keys.type('/');
    expect(await panel.$eval('[data-testid="filter"]', (el) => (el as HTMLInputElement).value)).toBe('Keys./');
  });

  it('save dialog: Enter opens it with focus inside, Escape closes it and focus returns to its button', async () => {
    const { panel, keys } = await open('/xdomain.html');
    await keys.press('Tab');
    await tabTo(panel, keys, '[data-testid="save-recording"]');
    await keys.press('Enter');
    await panel.waitForSelector('[data-testid="save-dialog"]');
    expect(await focused(panel)).toMatchObject({ testid: 'save-keep-secrets' });
    await keys.press(' ');
    await panel.waitForSelector('[data-testid="save-secrets-warning"]');
    await keys.press('Escape');
    await waitFor(async () => (await panel.$('[data-testid="save-dialog"]')) === null, 'the dialog closed');
    expect(await focused(panel)).toMatchObject({ testid: 'save-recording' });
  });

  it('Cookie sync: the channel log by arrows and Enter, the sequence diagram\'s arrows focusable and opening their row', async () => {
    const { panel, keys } = await open('/xdomain.html');
    await waitForSync(panel, 'blocked');
    await panel.waitForSelector('[data-testid="seq-arrow"][tabindex="0"]');
    await keys.press('Tab');
    await tabTo(panel, keys, '[data-testid="channel-row"]');
    const first = await panel.evaluate(() => [...document.querySelectorAll('[data-testid="channel-row"]')].indexOf(document.activeElement!));
    expect(first).toBe(0);
    await keys.press('ArrowDown');
    expect(await panel.evaluate(() => [...document.querySelectorAll('[data-testid="channel-row"]')].indexOf(document.activeElement!))).toBe(1);
    await keys.press('Enter');
    await panel.waitForSelector('[data-testid="channel-detail"]');
    expect(await panel.evaluate(() => document.activeElement?.getAttribute('aria-current'))).toBe('true');
    await keys.press('Enter');
    await waitFor(async () => (await panel.$('[data-testid="channel-detail"]')) === null, 'the detail hidden again');

    // Back up to the diagram: its arrows are reached by Tab, moved between by arrows, opened by Enter.
    await tabTo(panel, keys, '[data-testid="seq-arrow"]', true);
    const arrows = await panel.$$eval('[data-testid="seq-arrow"][tabindex="0"]', (els) => els.length);
    const at = () => panel.evaluate(() => [...document.querySelectorAll('.seq-body [data-testid="seq-arrow"]')].indexOf(document.activeElement!));
    await keys.press('Home');
    expect(await at()).toBe(0);
    if (arrows > 1) {
      await keys.press('ArrowRight');
      expect(await at()).toBe(1);
    }
    await keys.press('Enter');
    await panel.waitForSelector('[data-testid="channel-row"].selected');
  });

  it('States: Tab reaches the chart\'s marks, arrows move between them, Enter opens the row; timeline rows expand by keyboard', async () => {
    const { panel, keys } = await open('/xdomain.html');
    await openFile(panel, resolve(CLI_FIXTURES, 'no-handler.cx-lens.json'));
    await waitForBanner(panel);
    await selectTab(panel, keys, 'states');
    await panel.waitForSelector('[data-testid="chart-state"]');
    await tabTo(panel, keys, '[data-testid="chart-state"]');
    const stateKey = await panel.evaluate(() => document.activeElement?.getAttribute('data-reveal-key'));
    // Its tooltip, which only a mouse would see, is shown under the chart while it has focus.
    const title = await panel.evaluate(() => document.activeElement?.querySelector(':scope > title')?.textContent);
    expect(title).toBeTruthy();
    expect(await panel.$eval('[data-testid="mark-caption"]', (el) => el.textContent)).toBe(title);
    await keys.press('Enter');
    await panel.waitForSelector(`[data-testid="state-row"][data-selected="true"][data-key="${stateKey}"]`);
    await keys.press('ArrowRight');
    expect(await panel.evaluate(() => document.activeElement?.closest('svg') !== null)).toBe(true);

    await tabTo(panel, keys, '[data-testid="state-row"], [data-testid="message-row"]');
    await keys.press('Enter');
    expect(await panel.evaluate(() => document.activeElement?.getAttribute('aria-expanded'))).toBe('true');
    await panel.waitForSelector('[data-testid="state-raw"]');
    await keys.press('Escape');
    expect(await panel.evaluate(() => document.activeElement?.getAttribute('aria-expanded'))).toBe('false');
    const before = await panel.evaluate(() => [...document.querySelectorAll('.t-row')].indexOf(document.activeElement!));
    await keys.press('ArrowDown');
    expect(await panel.evaluate(() => [...document.querySelectorAll('.t-row')].indexOf(document.activeElement!))).toBe(before + 1);
  });

  it('Findings: an evidence link opens its row in another view and focus goes with it; Back to live and dismissing an error give focus to the tab', async () => {
    const { panel, keys } = await open('/xdomain.html');
    await openFile(panel, resolve(CLI_FIXTURES, 'no-handler.cx-lens.json'));
    await waitForBanner(panel);
    await selectTab(panel, keys, 'findings');
    await panel.waitForSelector('[data-testid="evidence-link"]');
    await tabTo(panel, keys, '[data-testid="evidence-link"][data-tab="bus"], [data-testid="evidence-link"][data-tab="states"]');
    const target = await panel.evaluate(() => document.activeElement!.getAttribute('data-tab'));
    await keys.press('Enter');
    await waitFor(async () => (await shownView(panel)) === `view-${target}`, `the ${target} view`);
    await waitFor(async () => (await focused(panel)).view === `view-${target}`, `focus in the ${target} view`);

    await tabTo(panel, keys, '[data-testid="back-to-live"]', true);
    await keys.press('Enter');
    await waitFor(async () => (await panel.$('[data-testid="recording-banner"]')) === null, 'the live view back');
    await waitFor(async () => (await focused(panel)).id === `tab-${target}`, 'focus on the shown view\'s tab');

    await openFile(panel, resolve(CLI_FIXTURES, 'cut-off.cx-lens.json'));
    await panel.waitForSelector('[data-testid="open-error"]', { timeout: 20_000 });
    await tabTo(panel, keys, '[data-testid="open-error"] button');
    await keys.press('Enter');
    await waitFor(async () => (await panel.$('[data-testid="open-error"]')) === null, 'the error dismissed');
    await waitFor(async () => (await focused(panel)).role === 'tab', 'focus on the tab');
  });
});
