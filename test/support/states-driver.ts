// Drives the States tab of the real CX Lens panel and the demo chat page, through their stable
// test attributes. Shared by test/e2e/states-*.test.ts.
import type { Frame, Page } from 'puppeteer-core';
import type { Demo } from '../demo/server/index.mjs';
import { waitFor, type Lens } from './harness';
import { openPanelOn, type PanelTab } from './panel-driver';

export interface StateRowView {
  state: string;
  source: string;
  synthetic: boolean;
  reaction: string | null;
  reactionText: string | null;
}

/** Opens `url` in a new tab with DevTools, opens the CX Lens panel and its States tab. */
export function openStates(lens: Lens, url: string): Promise<PanelTab> {
  return openPanelOn(lens, url, 'states', '[data-testid="toggle-finalize"]');
}

/** Waits until this DevTools window runs CX Lens's devtools page: from then on DevTools records
 *  the tab's network (requests made earlier, while it was starting, are not in its HAR). */
export async function devtoolsRecording(devtools: Page): Promise<void> {
  await waitFor(() => devtools.frames().find((f) => f.url().includes('/src/devtools/devtools.html')), 'the CX Lens devtools page');
}

/** The customer types and sends a message in the chat window; waits until the agent has it. */
export async function customerSays(page: Page, demo: Demo, sessionId: string, text: string): Promise<void> {
  await page.type('[data-testid="chat-input"]', text);
  await page.click('[data-testid="chat-send"]');
  await waitFor(
    () => demo.agent.session(sessionId).messages.some((m) => m.type === 'Text' && m.from.type === 'Customer' && m.text === text),
    `the customer's "${text}" at the agent`,
  );
}

/** The agent joins and says hi; waits until the page shows it. */
export async function agentJoinsAndSaysHi(page: Page, demo: Demo, sessionId: string): Promise<void> {
  demo.agent.join(sessionId, 'Agent Alex');
  demo.agent.say(sessionId, 'Hi, how can I help?');
  await page.waitForFunction(() =>
    [...document.querySelectorAll('[data-testid="chat-message"]')].some((m) => m.textContent?.includes('how can I help')));
}

export async function stateRows(panel: Frame): Promise<StateRowView[]> {
  return panel.$$eval('[data-testid="state-row"]', (els) => els.map((el) => {
    const reaction = el.querySelector('[data-testid="reaction"]');
    return {
      state: el.getAttribute('data-state') ?? '',
      source: el.getAttribute('data-source') ?? '',
      synthetic: el.getAttribute('data-synthetic') === 'true',
      reaction: reaction?.getAttribute('data-reaction') ?? null,
      reactionText: reaction ? (reaction as HTMLElement).innerText : null,
    };
  }));
}

/** Waits for a state row that satisfies `match`. */
export async function waitForStateRow(panel: Frame, match: (row: StateRowView) => boolean, what: string, timeoutMs = 15_000): Promise<StateRowView> {
  return waitFor(async () => (await stateRows(panel)).find(match), what, timeoutMs);
}

export async function finalizeStatus(panel: Frame): Promise<{ state: string; text: string }> {
  return panel.$eval('[data-testid="finalize-status"]', (el) => ({ state: el.getAttribute('data-state') ?? '', text: (el as HTMLElement).innerText }));
}

/** Clicks the finalize switch until it shows `on` (as the service worker reports it) and waits for `status`. */
export async function setFinalize(panel: Frame, on: boolean, status = on ? 'installed' : 'removed'): Promise<void> {
  await panel.$eval('[data-testid="toggle-finalize"]', (el, want) => {
    if ((el as HTMLInputElement).checked !== want) (el as HTMLElement).click();
  }, on);
  await waitFor(async () => (await panel.$eval('[data-testid="toggle-finalize"]', (el) => (el as HTMLInputElement).checked)) === on, `the switch ${on ? 'on' : 'off'}`);
  await waitFor(async () => (await finalizeStatus(panel)).state === status, `finalize status "${status}"`);
}

/** Texts of the injected messages in the page's chat window. */
export async function injectedMessages(page: Page): Promise<string[]> {
  return page.$$eval('[data-testid="chat-message"][data-type="injected"]', (els) => els.map((el) => el.textContent ?? ''));
}
