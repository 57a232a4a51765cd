// Drives the Cookie sync tab of the real CX Lens panel and the demo's cross-domain pages, through
// their stable test attributes. Shared by test/e2e/cookie-sync*.test.ts and violations*.test.ts.
import type { Frame, Page } from 'puppeteer-core';
import type { Demo } from '../demo/server/index.mjs';
import { newChatSession } from './demo-driver';
import { sleep, type Lens } from './harness';
import { openPanelOn, type PanelTab } from './panel-driver';

/** Opens `url` in a new tab with DevTools, then the CX Lens panel on its Cookie sync tab. */
export function openCookieSync(lens: Lens, url: string): Promise<PanelTab> {
  return openPanelOn(lens, url, 'cookies', '[data-testid="sync-status"]');
}

export async function syncStatus(panel: Frame): Promise<{ state: string; reason: string }> {
  return panel.$eval('[data-testid="sync-status"]', (el) => ({
    state: el.getAttribute('data-state') ?? '',
    reason: (el.querySelector('[data-testid="sync-reason"]') as HTMLElement).innerText,
  }));
}

/** Waits until the verdict is `state`; fails with the last verdict and facts seen. */
export async function waitForSync(panel: Frame, state: string, timeoutMs = 20_000): Promise<{ state: string; reason: string }> {
  const deadline = Date.now() + timeoutMs;
  let last = await syncStatus(panel);
  while (last.state !== state) {
    if (Date.now() > deadline) throw new Error(`sync-status is not ${state}: ${JSON.stringify(last)}; facts ${JSON.stringify(await facts(panel))}; capture ${await panel.$eval('[data-testid="capture-status"]', (el) => (el as HTMLElement).innerText)}`);
    await sleep(100);
    last = await syncStatus(panel);
  }
  return last;
}

export async function violations(panel: Frame): Promise<{ rule: string; severity: string; refused: string | null; text: string }[]> {
  return panel.$$eval('[data-testid="violation-row"]', (els) => els.map((el) => ({
    rule: el.getAttribute('data-rule') ?? '',
    severity: el.getAttribute('data-severity') ?? '',
    refused: el.getAttribute('data-refused'),
    text: (el as HTMLElement).innerText,
  })));
}

/** The facts table as {key: value text}. */
export async function facts(panel: Frame): Promise<Record<string, string>> {
  return panel.$$eval('[data-testid="sync-fact"]', (els) => Object.fromEntries(els.map((el) => [
    el.getAttribute('data-key') ?? '', (el.querySelector('dd') as HTMLElement).innerText,
  ])));
}

export async function channelRows(panel: Frame): Promise<{ type: string; seenIn: string; direction: string; latency: string; text: string }[]> {
  return panel.$$eval('[data-testid="channel-row"]', (els) => els.map((el) => ({
    type: el.getAttribute('data-type') ?? '',
    seenIn: el.getAttribute('data-seen-in') ?? '',
    direction: el.getAttribute('data-direction') ?? '',
    latency: (el.querySelector('[data-testid="channel-latency"]') as HTMLElement).innerText,
    text: (el as HTMLElement).innerText,
  })));
}

/** Fills and submits the chat window's registration form (xdomain.html opens the chat itself);
 *  returns the new session's id once the agent side has it. */
export function startChatFromForm(page: Page, demo: Demo): Promise<string> {
  return newChatSession(page, demo, async () => {
    await page.waitForSelector('[data-testid="chat-form-firstname"]', { visible: true, timeout: 15_000 });
    await page.type('[data-testid="chat-form-firstname"]', 'Ann');
    await page.type('[data-testid="chat-form-lastname"]', 'Lee');
    await page.type('[data-testid="chat-form-email"]', 'ann@example.com');
    await page.click('[data-testid="chat-form-submit"]');
  });
}

/** Whether the chat transcript shows `text`. */
export function transcriptHas(page: Page, text: string): Promise<boolean> {
  return page.evaluate((t) => [...document.querySelectorAll('[data-testid="chat-message"]')].some((m) => m.textContent?.includes(t)), text);
}
