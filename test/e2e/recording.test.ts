// Recordings in the real CX Lens panel: the real Widgets 9.0 recordings (old Export files) open and
// read as the fixtures' README says; a live demo chat saved (a real download) opens to the same
// rows; a HAR written from a demo chat's network feeds the States view; a bad file says why and
// leaves the live view as it was.
import { describe, expect, it } from 'vitest';
import { resolve, join } from 'node:path';
import { mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { Frame } from 'puppeteer-core';
import { waitFor } from '../support/harness';
import { startChat } from '../support/demo-driver';
import { demoSuite } from './demo-suite';
import { openPanelOn, rowCounts, setFilter, visibleRows, waitForCount } from '../support/panel-driver';
import { agentJoinsAndSaysHi, customerSays, stateRows, waitForStateRow } from '../support/states-driver';
import { backToLive, catchDownloads, isDisabled, openFile, readJson, recordHar, showTab, waitForBanner } from '../support/recording-driver';

const REAL = resolve(import.meta.dirname, '../fixtures/real-widgets-9.0');
const suite = demoSuite({ pollTimeoutMs: 600 });
const tmp = mkdtempSync(join(tmpdir(), 'cx-lens-recording-'));

async function sessionModes(panel: Frame): Promise<string[]> {
  return panel.$$eval('[data-testid="session-mode"]', (els) => els.map((el) => el.getAttribute('data-mode') ?? ''));
}

async function openPanel(view = 'bus') {
  const tab = await openPanelOn(suite.lens, `${suite.demo.urls.domainA}/chat.html`, view, '[data-testid="capture-status"]');
  suite.pages.push(tab.page);
  return tab;
}

/** The switches acting on the page are disabled while a file is shown. */
async function expectSwitchesDisabled(panel: Frame, disabled: boolean): Promise<void> {
  expect(await isDisabled(panel, '[data-testid="toggle-finalize"]')).toBe(disabled);
  expect(await isDisabled(panel, '[data-testid="simulate"]')).toBe(disabled);
  expect(await isDisabled(panel, '[data-testid="toggle-cookie-provider"]')).toBe(disabled);
}

describe('the real Widgets 9.0 recordings', () => {
  it('real-async-finalize: one async session, Finalizing and Completed each answered by WebChat.injectMessage, "Thank you!" flagged', async () => {
    const { panel } = await openPanel();
    await openFile(panel, join(REAL, 'real-async-finalize.json'));
    const banner = await waitForBanner(panel);
    // Parsed in the worker: the extension's CSP lets the panel start it.
    expect(banner).toMatchObject({ source: 'recording', kind: 'export', parsedIn: 'worker', name: 'real-async-finalize.json', page: 'page http://127.0.0.1:33001/?async=1' });
    expect(banner.time).toMatch(/^saved 2026-11-2[78] \d\d:\d\d:\d\d$/);

    // Bus: the recorded traffic, the handler's commands resolved.
    await waitFor(async () => (await rowCounts(panel)).total === 362, 'the 362 bus rows of the recording');
    await waitForCount(panel, 'kind:command WebChat.injectMessage', 2);
    expect((await visibleRows(panel)).map((r) => r.outcome)).toEqual(['resolved', 'resolved']);

    // States: one session, async, the reactions and the flag.
    await showTab(panel, 'states');
    await waitForStateRow(panel, (r) => r.state === 'Completed', 'Completed');
    expect(await sessionModes(panel)).toEqual(['async']);
    const rows = await stateRows(panel);
    expect(rows.map((r) => [r.state, r.source, r.reaction])).toEqual([
      ['Finalizing', 'bus', 'inject'], ['Active', 'bus', null], ['Completed', 'bus', 'inject'],
    ]);
    expect(rows[0]!.reactionText).toContain('WebChat.injectMessage');
    const flag = await panel.$eval('[data-testid="segment-flag"]', (el) => [el.getAttribute('data-after-state'), (el as HTMLElement).innerText]);
    expect(flag).toEqual(['Finalizing', expect.stringContaining('The customer wrote after Finalizing')]);
    const flagged = await panel.$eval('[data-testid="message-row"][data-flagged="true"]', (el) => el.textContent);
    expect(flagged).toContain('Thank you!');
    await expectSwitchesDisabled(panel, true);
    // The handler was on in that tab; its last report is the Completed it fired on.
    expect(await panel.$eval('[data-testid="toggle-finalize"]', (el) => (el as HTMLInputElement).checked)).toBe(true);
    expect(await panel.$eval('[data-testid="finalize-status"]', (el) => el.getAttribute('data-state'))).toBe('fired');

    // Cookie sync: the page had no cookie iframe.
    await showTab(panel, 'cookies');
    await waitFor(async () => (await panel.$eval('[data-testid="sync-status"]', (el) => el.getAttribute('data-state'))) === 'no-iframe', 'the no-iframe verdict');

    // Injection: what the injected handler reported in the page.
    await showTab(panel, 'injection');
    const activity = await waitFor(async () => {
      const items = await panel.$$eval('[data-testid="injection-activity"] li', (els) => els.map((el) => `${el.getAttribute('data-feature')}:${el.getAttribute('data-state')}`));
      return items.length ? items : null;
    }, 'the injection activity');
    expect(activity.length).toBe(3);
    expect(activity.every((a) => a.startsWith('finalize:'))).toBe(true);

    // Back to live: the live page, the switches usable again.
    await backToLive(panel);
    await showTab(panel, 'states');
    await panel.waitForSelector('[data-testid="states-empty"]');
    await expectSwitchesDisabled(panel, false);
  });

  it('real-sync-end: one sync session, Completed answered by WebChat.endChat', async () => {
    const { panel } = await openPanel('states');
    await openFile(panel, join(REAL, 'real-sync-end.json'));
    expect(await waitForBanner(panel)).toMatchObject({ source: 'recording', name: 'real-sync-end.json', page: 'page http://127.0.0.1:40029/?async=0' });
    const completed = await waitForStateRow(panel, (r) => r.state === 'Completed', 'Completed');
    expect(completed).toMatchObject({ source: 'bus', reaction: 'end' });
    expect(completed.reactionText).toContain('WebChat.endChat');
    expect((await stateRows(panel)).map((r) => r.state)).toEqual(['Completed']);
    expect(await sessionModes(panel)).toEqual(['sync']);
    expect(await panel.$('[data-testid="segment-flag"]')).toBeNull();
    await showTab(panel, 'bus');
    await waitForCount(panel, 'kind:command WebChat.endChat', 1);
    expect((await visibleRows(panel))[0]!.outcome).toBe('resolved');
  });
});

describe('save and open', () => {
  it('a live demo chat saved (a real download) opens to the same rows as live', async () => {
    const downloads = await catchDownloads(suite.lens.browser);
    try {
      const { page, panel } = await openPanel('states');
      const sessionId = await startChat(page, suite.demo);
      await agentJoinsAndSaysHi(page, suite.demo, sessionId);
      suite.demo.agent.setState(sessionId, 'Finalizing');
      await waitForStateRow(panel, (r) => r.state === 'Finalizing' && r.source === 'bus network', 'Finalizing from both sources');
      await customerSays(page, suite.demo, sessionId, 'One more thing');
      await panel.waitForSelector('[data-testid="segment-flag"]');

      // Each state reaches the panel from the bus and from the network, one after the other: read
      // the live rows once both sources have them, as the saved file will.
      const liveStates = await waitFor(async () => {
        const rows = await stateRows(panel);
        return rows.length >= 3 && rows.every((r) => r.source === 'bus network') ? rows : null;
      }, 'every live state from both sources');
      await showTab(panel, 'bus');
      await setFilter(panel, 'kind:command');
      const liveCommands = await visibleRows(panel);
      expect(liveCommands.length).toBeGreaterThan(0);

      await panel.$eval('[data-testid="save-recording"]', (el) => (el as HTMLElement).click());
      await panel.$eval('[data-testid="save-recording-confirm"]', (el) => (el as HTMLElement).click());
      const path = await downloads.next();
      expect(path).toMatch(new RegExp(`cx-lens-${new URL(suite.demo.urls.domainA).host.replace(/[^\w.-]/g, "_")}-.*\\.json$`));
      const saved = readJson(path);
      expect(saved).toMatchObject({ format: 'cx-lens-recording', version: 1, secretsMasked: true, lensVersion: expect.any(String) });
      expect(saved.network.length).toBeGreaterThan(0);
      expect(JSON.stringify(saved)).not.toMatch(/eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\./); // the client token is masked

      await openFile(panel, path);
      const banner = await waitForBanner(panel);
      expect(banner).toMatchObject({ source: 'recording', kind: 'recording', page: `page ${suite.demo.urls.domainA}/chat.html` });
      await setFilter(panel, 'kind:command');
      await waitFor(async () => (await rowCounts(panel)).count === liveCommands.length, 'the same command rows');
      expect(await visibleRows(panel)).toEqual(liveCommands);
      await showTab(panel, 'states');
      await waitForStateRow(panel, (r) => r.state === 'Finalizing', 'Finalizing in the recording');
      expect(await stateRows(panel)).toEqual(liveStates);
      expect(await panel.$('[data-testid="segment-flag"]')).not.toBeNull();
      await backToLive(panel);
    } finally {
      await downloads.close();
    }
  });

  it('a HAR of a demo chat: its chat responses are the States, from the network; the Bus says a HAR has no bus traffic', async () => {
    const { page, panel } = await openPanel('states');
    const har = await recordHar(page);
    try {
      const sessionId = await startChat(page, suite.demo);
      await agentJoinsAndSaysHi(page, suite.demo, sessionId);
      suite.demo.agent.setState(sessionId, 'Finalizing');
      await waitForStateRow(panel, (r) => r.state === 'Finalizing', 'Finalizing live');
      suite.demo.agent.setState(sessionId, 'Completed');
      await waitForStateRow(panel, (r) => r.state === 'Completed', 'Completed live');
      const path = join(tmp, 'demo-chat.har');
      expect(await har.save(path)).toBeGreaterThan(0);

      await openFile(panel, path);
      const banner = await waitForBanner(panel);
      expect(banner).toMatchObject({ source: 'har', kind: 'har', name: 'demo-chat.har', page: `page ${suite.demo.urls.domainA}/chat.html` });
      await waitForStateRow(panel, (r) => r.state === 'Completed', 'Completed from the HAR');
      const rows = await stateRows(panel);
      expect(rows.map((r) => r.state)).toEqual(['Active', 'Finalizing', 'Completed']);
      expect(rows.every((r) => r.source === 'network')).toBe(true);
      expect(await panel.$eval('[data-testid="states-session"]', (el) => el.getAttribute('data-session'))).toBe(sessionId);
      await showTab(panel, 'bus');
      expect(await panel.$eval('[data-testid="bus-har-note"]', (el) => (el as HTMLElement).innerText)).toContain('no bus traffic');
      expect((await rowCounts(panel)).total).toBe(0);
      await backToLive(panel);
    } finally {
      await har.stop();
    }
  });

  it('a bad file, opened or dropped: a clear message, the live view untouched; a dropped recording opens', async () => {
    const { page, panel } = await openPanel('bus');
    await startChat(page, suite.demo);
    await waitFor(async () => (await rowCounts(panel)).total > 10, 'live rows');
    await setFilter(panel, '');
    const before = (await rowCounts(panel)).total;
    const path = join(tmp, 'notes.json');
    writeFileSync(path, 'these are my notes, not JSON');
    await openFile(panel, path);
    const error = await waitFor(() => panel.$('[data-testid="open-error"]'), 'the open error');
    expect(await error.evaluate((el) => (el as HTMLElement).innerText)).toContain('notes.json is not a JSON file');
    expect(await panel.$('[data-testid="recording-banner"]')).toBeNull();
    expect((await rowCounts(panel)).total).toBeGreaterThanOrEqual(before);

    // 200 MB (a sparse file): refused by its size, before it is read.
    const huge = join(tmp, 'huge.json');
    writeFileSync(huge, '{');
    truncateSync(huge, 200 * 1024 * 1024);
    await openFile(panel, huge);
    await waitFor(async () => (await panel.$$eval('[data-testid="open-error"]', (els) => els.map((el) => (el as HTMLElement).innerText).join(''))).includes('huge.json is 200 MB: CX Lens opens files up to 100 MB'), 'the 200 MB file refused');
    expect(await panel.$('[data-testid="recording-banner"]')).toBeNull();

    // Dropped on the panel: JSON of neither kind.
    await panel.evaluate(() => {
      const data = new DataTransfer();
      data.items.add(new File(['{"hello":"world"}'], 'other.json', { type: 'application/json' }));
      document.querySelector('.app')!.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    });
    await waitFor(async () => (await panel.$$eval('[data-testid="open-error"]', (els) => els.map((el) => (el as HTMLElement).innerText).join(''))).includes('other.json is JSON, but neither a CX Lens recording nor a HAR file'), 'the drop refused');
    expect(await panel.$('[data-testid="recording-banner"]')).toBeNull();

    // Dropped: a real recording opens.
    const text = readFileSync(join(REAL, 'real-sync-end.json'), 'utf8');
    await panel.evaluate((t) => {
      const data = new DataTransfer();
      data.items.add(new File([t], 'dropped.json', { type: 'application/json' }));
      document.querySelector('.app')!.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    }, text);
    expect(await waitForBanner(panel)).toMatchObject({ source: 'recording', name: 'dropped.json' });
    expect(await panel.$('[data-testid="open-error"]')).toBeNull();
  });
});
