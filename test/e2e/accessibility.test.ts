// axe-core inside the real CX Lens panel, in DevTools' light and dark themes: every view, with the
// states that matter shown (a selected Bus row and its detail pane, the States chart, the sequence
// diagram, findings, an open file's banner, the save dialog, an error message, a Bus row's menu).
// Fails on any critical, serious or moderate violation (WCAG 2.1 A/AA and best practice), listing
// them all.
import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import type { Frame } from 'puppeteer-core';
import { demoSuite } from './demo-suite';
import { waitFor } from '../support/harness';
import { openCookieSync, waitForSync } from '../support/cookie-driver';
import { openFile, showTab, waitForBanner } from '../support/recording-driver';
import { blocking, describeViolations, runAxe, type AxeViolation } from '../support/axe-driver';

const CLI_FIXTURES = resolve(import.meta.dirname, '../fixtures/cli');

async function show(panel: Frame, view: string): Promise<void> {
  await showTab(panel, view);
  await panel.waitForSelector(`[data-testid="view-${view}"]:not([hidden])`);
}

/** Selects the first Bus row and waits for its detail pane. */
async function selectFirstBusRow(panel: Frame): Promise<void> {
  await panel.waitForSelector('[data-testid="bus-row"]', { timeout: 20_000 });
  await panel.$eval('[data-testid="bus-row"]', (el) => (el as HTMLElement).click());
  await panel.waitForSelector('[data-testid="detail"][data-key]');
}

/** Opens an event row's menu by a right-click on it; returns whether its Mute item is disabled. */
async function openRowMenu(panel: Frame): Promise<boolean> {
  const row = await panel.waitForSelector('[data-testid="bus-row"][data-kind="event"]', { timeout: 20_000 });
  await row!.click({ button: 'right' });
  await panel.waitForSelector('[data-testid="row-menu"] [role="menuitem"]:focus');
  return panel.$eval('[data-testid="row-menu-mute"]', (el) => el.getAttribute('aria-disabled') === 'true');
}

async function closeRowMenu(panel: Frame): Promise<void> {
  await panel.$eval('[data-testid="row-menu"]', (el) => el.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true })));
  await waitFor(async () => !(await panel.$('[data-testid="row-menu"]')), 'the row menu closed');
}

const suite = demoSuite({ pollTimeoutMs: 600 });

describe('axe in the panel', () => {
  for (const theme of ['light', 'dark'] as const) {
    it(`${theme} theme: every view and state, no critical, serious or moderate violation`, async () => {
      const results = new Map<string, AxeViolation[]>();
      // Live: the cross-domain page, whose cookie channel draws the sequence diagram.
      const tab = await openCookieSync(suite.lens, `${suite.demo.urls.domainA}/xdomain.html`);
      suite.pages.push(tab.page);
      const panel = tab.panel;
      const check = async (state: string) => { results.set(state, blocking(await runAxe(panel))); };
      // DevTools follows the system's colour scheme by default and tells the panel its theme.
      await tab.devtools.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: theme }]);
      await waitFor(async () => (await panel.evaluate(() => document.documentElement.dataset.theme)) === theme, `the ${theme} theme`);
      expect(await panel.evaluate(() => document.documentElement.dataset.theme)).toBe(theme);
      await waitForSync(panel, 'blocked');
      await panel.waitForSelector('[data-testid="seq-arrow"]');
      await panel.$eval('[data-testid="channel-row"]', (el) => (el as HTMLElement).click());
      await panel.waitForSelector('[data-testid="channel-detail"]');
      await check('live Cookie sync (sequence diagram, a channel message shown)');
      await show(panel, 'bus');
      await selectFirstBusRow(panel);
      await check('live Bus (row selected, detail pane)');
      expect(await openRowMenu(panel)).toBe(false);
      await check('live Bus (a row\'s menu open)');
      await closeRowMenu(panel);
      await show(panel, 'states');
      await check('live States (no chat yet)');
      await show(panel, 'findings');
      await panel.waitForSelector('[data-testid="finding"]', { timeout: 20_000 });
      await check('live Findings (findings listed)');
      await show(panel, 'injection');
      await check('live Injection');

      await panel.click('[data-testid="save-recording"]');
      await panel.waitForSelector('[data-testid="save-dialog"]');
      await panel.click('[data-testid="save-keep-secrets"]');
      await panel.waitForSelector('[data-testid="save-secrets-warning"]');
      await check('save dialog (keep secrets warning)');
      await panel.click('[data-testid="save-recording-cancel"]');

      await openFile(panel, resolve(CLI_FIXTURES, 'cut-off.cx-lens.json'));
      await panel.waitForSelector('[data-testid="open-error"]', { timeout: 20_000 });
      await check('error message (a cut-off file)');

      // An open recording: the banner over every view.
      await openFile(panel, resolve(CLI_FIXTURES, 'no-handler.cx-lens.json'));
      await waitForBanner(panel);
      await show(panel, 'bus');
      await selectFirstBusRow(panel);
      await check('file Bus (banner, row selected, detail pane)');
      // A file is read-only: the menu's Mute is disabled, with the reason.
      expect(await openRowMenu(panel)).toBe(true);
      await check('file Bus (a row\'s menu open, Mute disabled)');
      await closeRowMenu(panel);
      await show(panel, 'states');
      await panel.waitForSelector('[data-testid="states-chart"] [data-testid="chart-state"]', { timeout: 20_000 });
      await panel.$eval('[data-testid="state-row"]', (el) => (el as HTMLElement).click());
      await panel.waitForSelector('[data-testid="state-raw"]');
      await check('file States (chart, timeline, a row expanded)');
      await show(panel, 'findings');
      await waitFor(() => panel.$('[data-testid="finding"]'), 'the file\'s findings');
      await check('file Findings');
      await show(panel, 'cookies');
      await check('file Cookie sync');
      await show(panel, 'injection');
      await check('file Injection');

      const summary = [...results].map(([state, v]) => `${theme} | ${state} | ${v.reduce((n, x) => n + x.nodes, 0)} nodes in ${v.length} rules${v.length ? `: ${v.map((x) => `${x.impact} ${x.id}×${x.nodes}`).join(', ')}` : ''}`);
      console.log(`axe (critical/serious/moderate) per view:\n${summary.join('\n')}`);
      const failing = [...results].filter(([, v]) => v.length).map(([state, v]) => `${state}:\n${describeViolations(v)}`);
      expect(failing.join('\n\n')).toBe('');
    });
  }
});
