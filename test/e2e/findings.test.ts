// The Findings tab in the real CX Lens panel, on the demo pages: a page without a finalize handler,
// the customer's "thank you" after Finalizing, the fix switched on from the finding, async storage
// configured by half, a command name with a typo, the cross-domain pages whose cookie channel fails,
// evidence links that open their row, and Copy as Markdown.
import { describe, expect, it } from 'vitest';
import type { Frame } from 'puppeteer-core';
import { sleep, waitFor } from '../support/harness';
import { startChat } from '../support/demo-driver';
import { demoSuite } from './demo-suite';
import { agentJoinsAndSaysHi, customerSays, finalizeStatus, setFinalize } from '../support/states-driver';
import { waitForSync } from '../support/cookie-driver';
import { clickInFinding, copyFindings, findings, findingsCount, openFindings, showFindings, waitForFinding } from '../support/findings-driver';

const NOTICE = 'Please do not respond';
/** The States timeline's reaction window (REACTION_WINDOW_MS) and a margin. */
const AFTER_REACTION_WINDOW_MS = 3000 + 1500;

const suite = demoSuite({ pollTimeoutMs: 600 });

async function showTab(panel: Frame, tab: string): Promise<void> {
  await panel.$eval(`[data-testid="tab-${tab}"]`, (el) => (el as HTMLElement).click());
  await panel.waitForSelector(`[data-testid="view-${tab}"]:not([hidden])`);
}

async function openOn(path: string) {
  const tab = await openFindings(suite.lens, `${suite.demo.urls.domainA}${path}`);
  suite.pages.push(tab.page);
  return tab;
}

describe('Findings tab', () => {
  it('a page without a finalize handler: no-finalize-reaction, then segment-after-finalize; the fix switches the handler on and the next Finalizing draws no new finding', async () => {
    const { page, panel } = await openOn('/chat.html');
    expect(await panel.$eval('[data-testid="findings-empty"]', (el) => (el as HTMLElement).innerText)).toMatch(/It checked:/);
    const sessionId = await startChat(page, suite.demo);
    await customerSays(page, suite.demo, sessionId, 'My order has not arrived');
    await agentJoinsAndSaysHi(page, suite.demo, sessionId);

    // The count on the tab follows while another tab is shown.
    await showTab(panel, 'bus');
    suite.demo.agent.setState(sessionId, 'Finalizing');
    const counted = await waitFor(async () => {
      const count = await findingsCount(panel);
      return count.errors + count.warnings > 0 ? count : null;
    }, 'errors or warnings counted on the Findings tab', 20_000);
    expect(counted.text).not.toBe('');

    await showFindings(panel);
    const missing = await waitForFinding(panel, 'no-finalize-reaction');
    expect(['error', 'warning']).toContain(missing.severity);
    expect(missing.text).toMatch(/Finalizing/);

    // The customer writes again after the agent finished: a new segment for nothing.
    await customerSays(page, suite.demo, sessionId, 'thank you');
    await waitFor(() => suite.demo.agent.session(sessionId).segment === 2, 'segment 2 at the agent');
    const reopened = await waitForFinding(panel, 'segment-after-finalize');
    expect(reopened.text).toContain('thank you');

    // Live, never duplicated: one finding per problem.
    const rules = (await findings(panel)).map((f) => f.rule);
    expect(rules.filter((r) => r === 'no-finalize-reaction')).toHaveLength(1);
    expect(rules.filter((r) => r === 'segment-after-finalize')).toHaveLength(1);
    expect(new Set((await findings(panel)).map((f) => f.key)).size).toBe(rules.length);

    // Its evidence opens the customer's message in the States tab, selected.
    const evidenceKey = await panel.$$eval('[data-testid="finding"]', (els, key) => {
      const card = els.find((el) => el.getAttribute('data-key') === key)!;
      const link = card.querySelector('[data-testid="evidence-link"][data-tab="states"]') as HTMLElement;
      const k = link.getAttribute('data-key');
      link.click();
      return k;
    }, reopened.key);
    await panel.waitForSelector('[data-testid="view-states"]:not([hidden])');
    const selected = await waitFor(() => panel.$$eval('[data-selected="true"]', (els) => els.map((el) => ({
      key: el.getAttribute('data-key'), testid: el.getAttribute('data-testid'), text: (el as HTMLElement).innerText,
    }))).then((rows) => rows[0]), 'the revealed States row');
    expect(selected.key).toBe(evidenceKey);
    expect(selected.text).toContain('thank you');

    // Copy as Markdown: every finding with its rule id, ready for a ticket.
    await showFindings(panel);
    const markdown = await copyFindings(panel);
    expect(markdown).toContain('`no-finalize-reaction`');
    expect(markdown).toContain('`segment-after-finalize`');
    expect(markdown).toMatch(/\*\*Fix\*\*/);
    expect(markdown).not.toContain('eyJ'); // the chat's session token stays masked

    // The fix, from the finding: switch on the finalize handler.
    const before = await waitForFinding(panel, 'no-finalize-reaction');
    await clickInFinding(panel, before.key, '[data-testid="fix-action"][data-action="finalize-on"]');
    await panel.waitForSelector('[data-testid="fix-action-state"][data-state="on"]');
    // The switch it moved is the States tab's (a hidden tab is brought up to date when shown).
    await showTab(panel, 'states');
    await waitFor(async () => (await panel.$eval('[data-testid="toggle-finalize"]', (el) => (el as HTMLInputElement).checked)), 'the finalize switch on');
    await waitFor(async () => (await finalizeStatus(panel)).state === 'installed', 'the handler installed in the page');
    await showFindings(panel);

    // The next Finalizing gets the handler's notice, and draws no new finding.
    suite.demo.agent.setState(sessionId, 'Finalizing');
    await page.waitForFunction((text) =>
      [...document.querySelectorAll('[data-testid="chat-message"][data-type="injected"]')].some((m) => m.textContent?.includes(text)), {}, NOTICE);
    await sleep(AFTER_REACTION_WINDOW_MS);
    const after = await findings(panel);
    const stillMissing = after.filter((f) => f.rule === 'no-finalize-reaction');
    expect(stillMissing).toHaveLength(1);
    expect(stillMissing[0]).toMatchObject({ key: before.key, lastSeen: before.lastSeen, evidence: before.evidence });
    expect(after.filter((f) => f.rule === 'segment-after-finalize')).toHaveLength(1);
  });

  it('async storage with getSessionData only: async-storage-ignored', async () => {
    const { panel } = await openOn('/chat.html?storage=get-only');
    const found = await waitForFinding(panel, 'async-storage-ignored');
    expect(found.text).toContain('setSessionData');
    // The page's own async chat (both functions) draws no such finding.
    const { panel: whole } = await openOn('/chat.html');
    await whole.waitForSelector('[data-testid="capture-status"]');
    await sleep(1500);
    expect((await findings(whole)).map((f) => f.rule)).not.toContain('async-storage-ignored');
  });

  it('WebChat.opne: unknown-command naming WebChat.open; its evidence opens the command in the Bus tab, selected', async () => {
    const { page, panel } = await openOn('/chat.html');
    await page.waitForSelector('[data-testid="chat-open-button"]'); // Widgets ready
    await page.click('[data-testid="cmd-typo"]');
    const found = await waitForFinding(panel, 'unknown-command', (f) => f.text.includes('WebChat.opne'));
    expect(found.text).toContain('WebChat.open');
    expect(found.severity).toBe('error');
    expect((await findingsCount(panel)).errors).toBeGreaterThan(0);

    const markdown = await copyFindings(panel);
    expect(markdown).toContain('`unknown-command`');
    expect(markdown).toContain('WebChat.open');

    // A name the page made up is shown as text, never as markup.
    await page.evaluate(() => { (window as any).CXBus.command('WebChat.<img src=x data-pwned=1>'); });
    const markup = await waitForFinding(panel, 'unknown-command', (f) => f.text.includes('<img src=x data-pwned=1>'));
    expect(markup.severity).toBe('error');
    expect(await panel.$('img[data-pwned]')).toBeNull();

    await clickInFinding(panel, found.key, '[data-testid="evidence-link"][data-tab="bus"]');
    await panel.waitForSelector('[data-testid="view-bus"]:not([hidden])');
    const row = await panel.waitForSelector('[data-testid="bus-row"][aria-selected="true"]');
    expect(await row!.evaluate((el) => [el.getAttribute('data-kind'), el.getAttribute('data-name')])).toEqual(['command', 'WebChat.opne']);
    expect(await panel.$eval('[data-testid="detail"]', (el) => (el as HTMLElement).innerText)).toContain('WebChat.opne');
  });

  it('cross-domain with third-party cookies blocked: third-party-cookies-blocked', async () => {
    const { panel } = await openOn('/xdomain.html');
    await showTab(panel, 'cookies');
    await waitForSync(panel, 'blocked');
    await showFindings(panel);
    const found = await waitForFinding(panel, 'third-party-cookies-blocked');
    expect(found.severity).toBe('error');
  });

  it('cross-domain whose cookie iframe never loads: cookie-iframe-not-loaded, after its load grace', async () => {
    const { panel } = await openOn('/xdomain.html?iframe=missing');
    await showTab(panel, 'cookies');
    await waitForSync(panel, 'no-iframe');
    await showFindings(panel);
    const found = await waitForFinding(panel, 'cookie-iframe-not-loaded');
    expect(found.severity).toBe('error');
  });

  it('cross-domain whose iframe does not trust the page: page-origin-untrusted and lookalike-entry; evidence opens the violation, selected', async () => {
    const { panel } = await openOn('/xdomain.html?untrusted');
    const untrusted = await waitForFinding(panel, 'page-origin-untrusted');
    expect(untrusted.text).toContain(suite.demo.urls.domainA);
    await waitForFinding(panel, 'lookalike-entry');

    const link = await panel.$$eval('[data-testid="finding"]', (els, key) => {
      const card = els.find((el) => el.getAttribute('data-key') === key)!;
      const a = card.querySelector('[data-testid="evidence-link"][data-tab="cookies"]') as HTMLElement | null;
      return a ? a.getAttribute('data-key') : null;
    }, untrusted.key);
    expect(link).not.toBeNull();
    await clickInFinding(panel, untrusted.key, '[data-testid="evidence-link"][data-tab="cookies"]');
    await panel.waitForSelector('[data-testid="view-cookies"]:not([hidden])');
    const selected = await panel.waitForSelector('[data-testid="view-cookies"] .selected');
    if (link!.startsWith('violation:')) {
      expect(await selected!.evaluate((el) => [el.getAttribute('data-testid'), el.getAttribute('data-key')])).toEqual(['violation-row', link!.slice('violation:'.length)]);
    } else {
      expect(await selected!.evaluate((el) => el.getAttribute('data-testid'))).toBe('channel-row');
    }
  });

  it('the demo\'s other config pages: async-config-misplaced; a bus that locks registration makes the finalize switch draw injection-failed', async () => {
    const { panel: misplaced } = await openOn('/chat.html?storage=misplaced');
    expect((await waitForFinding(misplaced, 'async-config-misplaced')).text).toContain('webchat.transport');

    const { page, panel } = await openOn('/chat.html?registration=locked');
    await page.waitForSelector('[data-testid="chat-open-button"]'); // WebChat ready: registration locked
    await showTab(panel, 'states');
    await setFinalize(panel, true, 'failed');
    await showFindings(panel);
    const failed = await waitForFinding(panel, 'injection-failed');
    expect(failed.severity).toBe('error');
    expect(failed.text).toContain('registerPlugin');
  });
});
