// npm run screenshot: the README's pictures of the panel, made in headless Chromium with the built
// extension, the demo servers and real chats: docs/screenshots/panel.png (Bus), states.png
// (States, see screenshot-states.ts) and cookies.png (Cookie sync, a chat continued on domain B).
import { mkdirSync } from 'node:fs';
import type { Frame, Page } from 'puppeteer-core';
import { startDemo } from '../test/demo/server/index.mjs';
import { launch, openLensPanel, openPage, sleep, waitFor } from '../test/e2e/harness';
import { openCookieSync, startChatFromForm, transcriptHas, waitForSync } from '../test/e2e/cookie-driver';
import { screenshotStates } from './screenshot-states';

const OUT = 'docs/screenshots';
/** See bench/run.ts: tsx's keepNames helper must exist where puppeteer evaluates functions. */
const NAME_SHIM = 'globalThis.__name = globalThis.__name || ((f) => f);';

async function main() {
  mkdirSync(OUT, { recursive: true });
  const demo = await startDemo({ port: 0, apiPort: 0, pollTimeoutMs: 800 });
  const lens = await launch({ undockedDevtools: true });
  try {
    const { page, devtools } = await openPage(lens.browser, `${demo.urls.domainA}/chat.html`);
    await devtools.setViewport({ width: 1280, height: 720 });
    const panel = await openLensPanel(devtools);
    for (const target of [page, panel] as (Page | Frame)[]) await target.evaluate(NAME_SHIM);

    await page.waitForSelector('[data-testid="chat-open-button"]');
    await page.evaluate(() => {
      (window as any).CXBus.command('WebChat.open', { form: { autoSubmit: true, firstname: 'Ann', lastname: 'Lee', email: 'ann@example.com' } });
    });
    const session = await waitFor(() => demo.agent.sessions()[0], 'a chat session');
    demo.agent.join(session.id, 'Sam');
    demo.agent.say(session.id, 'Hi Ann, how can I help?');
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="chat-message"]')].some((m) => m.textContent?.includes('how can I help')));
    await page.click('[data-testid="cmd-missing"]');
    await sleep(2500);

    // Select the last messageReceived so the detail pane shows a real payload.
    await panel.evaluate(() => {
      const rows = [...document.querySelectorAll<HTMLElement>('[data-testid="bus-row"]')].filter((r) => r.dataset.name === 'WebChatService.messageReceived');
      rows.find((r) => r.textContent?.includes('Text'))?.click() ?? rows.at(-1)?.click();
    });
    await sleep(300);
    await devtools.screenshot({ path: `${OUT}/panel.png` });
    console.log(`wrote ${OUT}/panel.png`);
  } finally {
    await lens.close();
    await demo.close();
  }
  console.log(`wrote ${await screenshotStates()}`);
  await screenshotCookies();
}

/** The Cookie sync view on domain B after a chat started on domain A (third-party cookies allowed). */
async function screenshotCookies() {
  const demo = await startDemo({ port: 0, apiPort: 0, pollTimeoutMs: 800 });
  const lens = await launch({ thirdPartyCookies: true, undockedDevtools: true });
  try {
    const { page, devtools, panel } = await openCookieSync(lens, `${demo.urls.domainA}/xdomain.html`);
    await devtools.setViewport({ width: 1280, height: 620 });
    for (const target of [page, panel] as (Page | Frame)[]) await target.evaluate(NAME_SHIM);
    const sessionId = await startChatFromForm(page, demo);
    demo.agent.join(sessionId, 'Sam');
    demo.agent.say(sessionId, 'Hello from domain A');
    await waitFor(() => transcriptHas(page, 'Hello from domain A'), 'the agent text on domain A');
    await page.goto(`${demo.urls.domainB}/xdomain.html?load=await`, { waitUntil: 'domcontentloaded' });
    await page.evaluate(NAME_SHIM);
    await waitFor(() => transcriptHas(page, 'Hello from domain A'), 'the transcript restored on domain B');
    await waitForSync(panel, 'in-sync');
    await sleep(500);
    await devtools.screenshot({ path: `${OUT}/cookies.png` });
    console.log(`wrote ${OUT}/cookies.png`);
  } finally {
    await lens.close();
    await demo.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
