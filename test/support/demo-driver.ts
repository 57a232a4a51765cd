// What tests and scripts do on the demo pages: start a chat as the page's own code would, and
// forget what the demo sites stored in the profile.
import type { Browser, Page } from 'puppeteer-core';
import type { Demo } from '../demo/server/index.mjs';
import { waitFor } from './harness';

/** Forgets what the demo sites stored in the profile, so that tests stay independent: the
 *  chat session cookie (async mode restores it), and Widgets' poll lock in localStorage, which
 *  a page closed mid-poll leaves set (the real transport does too), stopping the next page's polls. */
export async function clearSiteData(browser: Browser, demo: Demo): Promise<void> {
  const browserSession = await browser.target().createCDPSession();
  await browserSession.send('Storage.clearCookies');
  await browserSession.detach();
  // Storage.clearDataForOrigin needs a page's session (the browser's answers "Internal error").
  const [any] = await browser.pages();
  if (!any) return;
  const cdp = await any.createCDPSession();
  try {
    for (const origin of [demo.urls.domainA, demo.urls.domainB]) {
      await cdp.send('Storage.clearDataForOrigin', { origin, storageTypes: 'local_storage,session_storage' });
    }
  } finally {
    await cdp.detach();
  }
}

/** Runs `start` on the page; returns the id of the chat session it opened, once the agent side
 *  has it and the page shows the chat input. */
export async function newChatSession(page: Page, demo: Demo, start: () => Promise<void>): Promise<string> {
  const before = new Set(demo.agent.sessions().map((s) => s.id));
  await start();
  const session = await waitFor(() => demo.agent.sessions().find((s) => !before.has(s.id)), 'a new chat session');
  await page.waitForSelector('[data-testid="chat-input"]', { visible: true });
  return session.id;
}

/** Starts a chat the way the page's own code would, and waits for the agent side to see it. */
export function startChat(page: Page, demo: Demo): Promise<string> {
  return newChatSession(page, demo, async () => {
    await page.waitForSelector('[data-testid="chat-open-button"]'); // WebChat loaded and ready
    await page.evaluate(() => {
      (window as any).CXBus.command('WebChat.open', { form: { autoSubmit: true, firstname: 'Ann', lastname: 'Lee', email: 'ann@example.com' } });
    });
  });
}

/** The page publishes `noise` Noise.tick and `other` Other.ping events through plugins of its own
 *  (the mute and row-menu tests: one noisy event name and one that must stay captured). */
export function publishNoise(page: Page, noise: number, other: number): Promise<void> {
  return page.evaluate((noise, other) => {
    const w = window as unknown as { CXBus: { registerPlugin(name: string): { publish(e: string, d: unknown): void } }; cxNoise?: unknown; cxOther?: unknown };
    const n = (w.cxNoise ??= w.CXBus.registerPlugin('Noise')) as { publish(e: string, d: unknown): void };
    const o = (w.cxOther ??= w.CXBus.registerPlugin('Other')) as { publish(e: string, d: unknown): void };
    for (let i = 0; i < noise; i++) n.publish('tick', { i });
    for (let i = 0; i < other; i++) o.publish('ping', { i });
  }, noise, other);
}
