// npm run screenshot: the README's pictures of the panel, made in headless Chromium with the built
// extension, the demo servers and real chats: docs/screenshots/panel.png (Bus), states.png and
// states-chart.png (States and its chart, see screenshot-states.ts), findings.png (Findings, on a
// chat the page did not finish well), cookies.png and cookie-sequence.png (Cookie sync and its
// sequence diagram, a chat continued on domain B) and cookie-sequence-untrusted.png (the
// untrusted site's refused requests).
import { mkdirSync } from 'node:fs';
import type { Frame, Page } from 'puppeteer-core';
import {
  startDemo, launch, openLensPanel, openPage, sleep, waitFor, openCookieSync, startChatFromForm, transcriptHas, waitForSync, startChat, agentJoinsAndSaysHi, customerSays, openStates, waitForStateRow, showFindings, waitForFinding,
} from '../test/support';
import { capturePainted, dockAtBottom, screenshotElement, screenshotStates } from './screenshot-states';

const OUT = 'docs/screenshots';
/** See bench/run.ts: tsx's keepNames helper must exist where puppeteer evaluates functions. */
const NAME_SHIM = 'globalThis.__name = globalThis.__name || ((f) => f);';

async function main() {
  mkdirSync(OUT, { recursive: true });
  // `npm run screenshot -- cookies` (or findings, states) makes only those pictures.
  const only = process.argv[2];
  if (only === 'cookies') return screenshotCookies();
  if (only === 'findings') return screenshotFindings();
  if (only === 'states') return void console.log(`wrote ${await screenshotStates()}`);
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
      (rows.find((r) => r.textContent?.includes('Text')) ?? rows.at(-1))?.click();
    });
    await sleep(300);
    await devtools.screenshot({ path: `${OUT}/panel.png` });
    console.log(`wrote ${OUT}/panel.png`);
  } finally {
    await lens.close();
    await demo.close();
  }
  console.log(`wrote ${await screenshotStates()}`);
  await screenshotFindings();
  await screenshotCookies();
}

/** The Findings tab after a chat whose page did not react to Finalizing (the customer's thanks
 *  then opened a segment) and a command name with a typo. */
async function screenshotFindings() {
  const demo = await startDemo({ port: 0, apiPort: 0, pollTimeoutMs: 600 });
  const lens = await launch();
  try {
    const { page, devtools, panel } = await openStates(lens, `${demo.urls.domainA}/chat.html`);
    await dockAtBottom(devtools, panel);
    for (const target of [page, panel] as (Page | Frame)[]) await target.evaluate(NAME_SHIM);
    const id = await startChat(page, demo);
    await customerSays(page, demo, id, 'Hi, my order #1042 has not arrived yet');
    await agentJoinsAndSaysHi(page, demo, id);
    demo.agent.setState(id, 'Finalizing');
    await waitForStateRow(panel, (r) => r.state === 'Finalizing' && r.reaction === 'none', 'an unanswered Finalizing', 10_000);
    await customerSays(page, demo, id, 'Thank you!');
    await page.click('[data-testid="cmd-typo"]');
    await showFindings(panel);
    await waitForFinding(panel, 'segment-after-finalize');
    await waitForFinding(panel, 'unknown-command');
    await sleep(500);
    const box = (await (await panel.frameElement())!.boundingBox())!;
    const top = Math.max(0, Math.round(box.y) - 28);
    const width = (await devtools.evaluate(() => window.innerWidth));
    await capturePainted(devtools, `${OUT}/findings.png`, { x: 0, y: top, width, height: Math.round(box.y + box.height) - top }, 40_000);
    console.log(`wrote ${OUT}/findings.png`);
  } finally {
    await lens.close();
    await demo.close();
  }
}

/** The sequence diagram alone. */
async function screenshotSequence(devtools: Page, panel: Frame, file: string) {
  await screenshotElement(devtools, panel, '[data-testid="cookie-sequence"]', `${OUT}/${file}`);
  console.log(`wrote ${OUT}/${file}`);
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
    await screenshotSequence(devtools, panel, 'cookie-sequence.png');

    // The untrusted site: its lane and its refused requests in the error colour.
    const untrusted = await openCookieSync(lens, `${demo.urls.untrusted}/steal.html`);
    await untrusted.devtools.setViewport({ width: 1280, height: 900 });
    await untrusted.page.waitForSelector('[data-testid="steal-result"][data-done="true"]', { timeout: 15_000 });
    await waitForSync(untrusted.panel, 'untrusted');
    await sleep(500);
    await screenshotSequence(untrusted.devtools, untrusted.panel, 'cookie-sequence-untrusted.png');
  } finally {
    await lens.close();
    await demo.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
