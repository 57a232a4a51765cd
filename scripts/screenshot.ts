// npm run screenshot: the README's pictures of the panel, made in headless Chromium with the built
// extension, the demo servers and a real chat. Writes docs/screenshots/panel.png (the Bus view).
import { mkdirSync } from 'node:fs';
import type { Frame, Page } from 'puppeteer-core';
import { startDemo } from '../test/demo/server/index.mjs';
import { launch, openLensPanel, openPage, sleep, waitFor } from '../test/e2e/harness';

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
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
