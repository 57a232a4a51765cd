// Interaction states in the real CX Lens panel: the finalize handler switched on from
// the States tab in both chat modes, switched off, and the timeline's reaction cell for each.
// Real Chromium, the built extension, the demo pages (Widgets emulation) and the emulated chat API.
import { describe, expect, it } from 'vitest';
import { sleep, waitFor } from '../support/harness';
import { startChat } from '../support/demo-driver';
import { demoSuite } from './demo-suite';
import { agentJoinsAndSaysHi, customerSays, finalizeStatus, injectedMessages, openStates, setFinalize, waitForStateRow } from '../support/states-driver';

const NOTICE = 'Please do not respond';

const suite = demoSuite({ pollTimeoutMs: 600 });

async function chatReady(path: string) {
  const tab = await openStates(suite.lens, `${suite.demo.urls.domainA}${path}`);
  suite.pages.push(tab.page);
  const sessionId = await startChat(tab.page, suite.demo);
  await customerSays(tab.page, suite.demo, sessionId, 'My order has not arrived');
  await agentJoinsAndSaysHi(tab.page, suite.demo, sessionId);
  return { ...tab, sessionId };
}

describe('finalize handler from the States tab', () => {
  it('async chat: Finalizing makes the handler inject its notice, and the timeline shows reaction inject', async () => {
    const { page, panel, sessionId } = await chatReady('/chat.html');
    await setFinalize(panel, true);
    suite.demo.agent.setState(sessionId, 'Finalizing');

    await page.waitForFunction((text) =>
      [...document.querySelectorAll('[data-testid="chat-message"][data-type="injected"]')].some((m) => m.textContent?.includes(text)), {}, NOTICE);
    const row = await waitForStateRow(panel, (r) => r.state === 'Finalizing' && r.reaction === 'inject', 'Finalizing with reaction inject');
    expect(row.reactionText).toMatch(/^WebChat\.injectMessage after \d+ ms \(CXLensFinalize\)/);
    // Seen on the bus and in the chat API's response alike: one merged row.
    await waitForStateRow(panel, (r) => r.state === 'Finalizing' && r.source === 'bus network', 'Finalizing from both sources');
    expect(await panel.$eval('[data-testid="finalize-status"]', (el) => [el.getAttribute('data-state'), (el as HTMLElement).innerText]))
      .toEqual(['fired', expect.stringMatching(/^fired \d\d:\d\d:\d\d\.\d{3} — injectMessage \(Finalizing\)$/)]);
    expect(await panel.$eval('[data-testid="session-mode"]', (el) => el.getAttribute('data-mode'))).toBe('async');
    expect(await injectedMessages(page)).toHaveLength(1);

    // The Injection tab lists the switch and what the handler reported.
    await panel.$eval('[data-testid="tab-injection"]', (el) => (el as HTMLElement).click());
    const fired = await panel.waitForSelector('[data-testid="injection-activity"] li[data-feature="finalize"][data-state="fired"]');
    expect(await fired!.evaluate((el) => (el as HTMLElement).innerText)).toContain('injectMessage (Finalizing)');
  });

  it('non-async chat: Completed makes the handler end the chat, and the timeline shows reaction end', async () => {
    const { page, panel, sessionId } = await chatReady('/chat-sync.html');
    await setFinalize(panel, true);
    suite.demo.agent.setState(sessionId, 'Completed');

    await page.waitForSelector('[data-testid="chat-ended"]', { visible: true });
    const row = await waitForStateRow(panel, (r) => r.state === 'Completed' && r.reaction === 'end', 'Completed with reaction end');
    expect(row.reactionText).toMatch(/^WebChat\.endChat after \d+ ms \(CXLensFinalize\)/);
    expect(await panel.$eval('[data-testid="session-mode"]', (el) => el.getAttribute('data-mode'))).toBe('sync');
    expect(await injectedMessages(page)).toEqual([]);
    await waitFor(() => suite.demo.agent.session(sessionId).ended, 'the chat ended at the agent');
  });

  it('switched off: Finalizing changes nothing in the page and the reaction turns to none after the window', async () => {
    const { page, panel, sessionId } = await chatReady('/chat.html');
    await setFinalize(panel, true);
    await setFinalize(panel, false);
    suite.demo.agent.setState(sessionId, 'Finalizing');

    const pending = await waitForStateRow(panel, (r) => r.state === 'Finalizing' && r.reaction !== null, 'Finalizing with a reaction cell');
    expect(['pending', 'none']).toContain(pending.reaction);
    const row = await waitForStateRow(panel, (r) => r.state === 'Finalizing' && r.reaction === 'none', 'reaction none', 10_000);
    expect(row.reactionText).toContain('no reaction');
    await sleep(300);
    expect(await injectedMessages(page)).toEqual([]);
    expect(await page.$('[data-testid="chat-ended"]')).toBeNull();
  });

  it('stays on across a reload: the new document gets the handler, and it fires there', async () => {
    const { page, panel } = await openStates(suite.lens, `${suite.demo.urls.domainA}/chat.html`);
    suite.pages.push(page);
    await setFinalize(panel, true);
    await page.reload({ waitUntil: 'domcontentloaded' });
    // Installed again by the service worker in the new top document (the log starts over).
    await waitFor(async () => (await panel.$eval('[data-testid="toggle-finalize"]', (el) => (el as HTMLInputElement).checked)), 'the switch still on');
    await waitFor(async () => (await finalizeStatus(panel)).state === 'installed', 'installed in the reloaded page');

    const sessionId = await startChat(page, suite.demo);
    await agentJoinsAndSaysHi(page, suite.demo, sessionId);
    suite.demo.agent.setState(sessionId, 'Finalizing');
    await page.waitForFunction((text) =>
      [...document.querySelectorAll('[data-testid="chat-message"][data-type="injected"]')].some((m) => m.textContent?.includes(text)), {}, NOTICE);
    await waitForStateRow(panel, (r) => r.state === 'Finalizing' && r.reaction === 'inject', 'reaction inject after the reload');
  });

  it('switched on twice (on, off, on, then new options) installs one handler: it fires once, with the latest text', async () => {
    const { page, panel, sessionId } = await chatReady('/chat.html');
    await setFinalize(panel, true);
    await setFinalize(panel, false);
    await setFinalize(panel, true);
    // New options while on: sent again, the page's handler takes them (reported as installed).
    await panel.click('[data-testid="finalize-options-toggle"]');
    await panel.$eval('[data-testid="finalize-text"]', (el) => {
      const area = el as HTMLTextAreaElement;
      area.value = 'This conversation is closed. Please do not respond unless you need more help.';
      area.dispatchEvent(new Event('input', { bubbles: true }));
      area.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await page.waitForFunction(() => (window as any).CXLensFinalizeHandler?.status().options?.text.startsWith('This conversation is closed.'));

    suite.demo.agent.setState(sessionId, 'Finalizing');
    await page.waitForFunction((text) =>
      [...document.querySelectorAll('[data-testid="chat-message"][data-type="injected"]')].some((m) => m.textContent?.includes(text)), {}, NOTICE);
    await waitForStateRow(panel, (r) => r.state === 'Finalizing' && r.reaction === 'inject', 'reaction inject');
    await sleep(1500); // a second handler would have fired by now
    expect(await injectedMessages(page)).toEqual([expect.stringContaining('This conversation is closed.')]);
    expect(await page.evaluate(() => (window as any).CXLensFinalizeHandler.status().state)).toBe('installed');
  });

  it('Simulate delivers a synthetic Finalizing: the handler fires and the row is marked synthetic', async () => {
    const { page, panel } = await chatReady('/chat.html');
    await setFinalize(panel, true);
    await panel.select('[data-testid="simulate-state"]', 'Finalizing');
    await panel.click('[data-testid="simulate"]');

    await page.waitForFunction((text) =>
      [...document.querySelectorAll('[data-testid="chat-message"][data-type="injected"]')].some((m) => m.textContent?.includes(text)), {}, NOTICE);
    const row = await waitForStateRow(panel, (r) => r.state === 'Finalizing' && r.reaction === 'inject', 'the synthetic Finalizing');
    // Only the bus saw it (the chat API never did), and it says so.
    expect(row).toMatchObject({ synthetic: true, source: 'bus' });
    await waitFor(async () => (await panel.$eval('[data-testid="simulate-result"]', (el) => el.getAttribute('data-ok'))) === 'true', 'simulate delivered');
    expect(await panel.$eval('[data-testid="simulate-result"]', (el) => (el as HTMLElement).innerText)).toMatch(/^delivered Finalizing \(synthetic\)/);
    expect((await finalizeStatus(panel)).text).toMatch(/— injectMessage \(Finalizing, synthetic\)$/);
  });
});
