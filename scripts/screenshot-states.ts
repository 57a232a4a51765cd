// Screenshot of the CX Lens States tab with a real timeline, for the README and docs:
// headless Chromium with the built extension (CX_LENS_DIST or dist/), the demo chat (async),
// an agent driven through the demo's helpers, and the DevTools window captured as it is; then the
// session's chart alone (states-chart.png beside the tab's picture).
//   node --import tsx scripts/screenshot-states.ts [out.png]   (default docs/screenshots/states.png)
// Reusable: `screenshotStates(outFile)` from another script.
import { mkdirSync, writeFileSync } from 'node:fs';
import type { Frame, Page } from 'puppeteer-core';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  startDemo, launch, sleep, waitFor, startChat, agentJoinsAndSaysHi, customerSays, openStates, setFinalize, waitForStateRow,
} from '../test/support';

const WIDTH = 1200;
const HEIGHT = 540;
/** Height left to the (blank) page above DevTools. */
const PAGE_STRIP = 200;
/** DevTools' own tab bar above the panel. */
const TAB_BAR = 28;
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export async function screenshotStates(outFile = resolve(ROOT, 'docs/screenshots/states.png')): Promise<string> {
  const demo = await startDemo({ port: 0, apiPort: 0, pollTimeoutMs: 600 });
  const lens = await launch();
  try {
    const { page, devtools, panel } = await openStates(lens, `${demo.urls.domainA}/chat.html`);
    await dockAtBottom(devtools, panel);
    const id = await startChat(page, demo);
    await customerSays(page, demo, id, 'Hi, my order #1042 has not arrived yet');
    await agentJoinsAndSaysHi(page, demo, id);
    demo.agent.say(id, 'It ships tomorrow morning, sorry for the delay.');

    // Without a handler: the agent finalizes, nothing reacts, the customer's thanks opens segment 2.
    demo.agent.setState(id, 'Finalizing');
    await waitForStateRow(panel, (r) => r.state === 'Finalizing' && r.reaction === 'none', 'an unanswered Finalizing', 10_000);
    await customerSays(page, demo, id, 'Thank you!');
    demo.agent.say(id, 'You are welcome!');

    // With the finalize handler switched on from the panel: the next Finalizing is answered.
    await setFinalize(panel, true);
    demo.agent.setState(id, 'Finalizing');
    await waitForStateRow(panel, (r) => r.state === 'Finalizing' && r.reaction === 'inject', 'an answered Finalizing');

    // Simulate: a synthetic Completed, handled too.
    await panel.select('[data-testid="simulate-state"]', 'Completed');
    await panel.click('[data-testid="simulate"]');
    await waitForStateRow(panel, (r) => r.state === 'Completed' && r.synthetic && r.reaction === 'inject', 'a synthetic Completed');
    await waitFor(async () => (await panel.$$('[data-testid="state-row"]')).length >= 5, 'five state rows');
    await sleep(400);

    const box = (await (await panel.frameElement())!.boundingBox())!;
    const top = Math.max(0, Math.round(box.y) - TAB_BAR);
    mkdirSync(dirname(outFile), { recursive: true });
    await capturePainted(devtools, outFile, { x: 0, y: top, width: WIDTH, height: Math.round(box.y + box.height) - top }, 40_000);

    // The chart alone, once the findings the panel draws on it are there.
    await waitFor(() => panel.$('[data-testid="states-chart"] [data-testid="chart-finding"]'), 'a finding marked on the chart').catch(() => null);
    await sleep(300);
    await screenshotElement(devtools, panel, '[data-testid="states-chart"]', resolve(dirname(outFile), 'states-chart.png'));
    return outFile;
  } finally {
    await lens.close();
    await demo.close();
  }
}

/** One element of the panel, scrolled into view, cut out of the DevTools window (its place is
 *  measured inside the panel and added to the panel frame's place in DevTools). */
export async function screenshotElement(devtools: Page, panel: Frame, selector: string, outFile: string): Promise<void> {
  await waitFor(() => panel.$(selector), selector);
  await panel.evaluate((sel) => document.querySelector(sel)?.scrollIntoView({ block: 'start' }), selector);
  await settle(devtools);
  const rect = await panel.evaluate((sel) => {
    const r = document.querySelector(sel)!.getBoundingClientRect();
    return { x: r.x, y: r.y, width: r.width, height: Math.min(r.height, window.innerHeight - r.y) };
  }, selector);
  const frame = (await (await panel.frameElement())!.boundingBox())!;
  await capturePainted(devtools, outFile, { x: Math.round(frame.x + rect.x), y: Math.round(frame.y + rect.y), width: Math.round(rect.width), height: Math.round(rect.height) }, 5_000);
}

/**
 * Captures `clip` of the DevTools window into `outFile`, again until the picture holds more than
 * `minBytes` of PNG: a DevTools window that has just changed can come out blank, which compresses
 * to almost nothing.
 */
export async function capturePainted(devtools: Page, outFile: string, clip: { x: number; y: number; width: number; height: number }, minBytes: number): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    await sleep(500);
    const png = await devtools.screenshot({ clip });
    if (png.length > minBytes || attempt >= 8) {
      writeFileSync(outFile, png);
      return;
    }
  }
}

/** Lets DevTools paint the panel: a first capture of a changed panel can come out blank. */
export async function settle(devtools: Page): Promise<void> {
  await sleep(400);
  await devtools.screenshot();
}

/** Docks DevTools at the bottom (Ctrl+Shift+D from the default right side) and drags the split
 *  up until DevTools is HEIGHT px tall, so the picture is wide and can be cut to DevTools alone
 *  (the inspected page's area is blank in a screenshot of the DevTools window). */
export async function dockAtBottom(devtools: Page, panel: Frame): Promise<void> {
  await devtools.keyboard.down('Control');
  await devtools.keyboard.down('Shift');
  await devtools.keyboard.press('KeyD');
  await devtools.keyboard.up('Shift');
  await devtools.keyboard.up('Control');
  await devtools.setViewport({ width: WIDTH, height: HEIGHT + PAGE_STRIP });
  await sleep(500);
  const docked = (await (await panel.frameElement())!.boundingBox())!;
  // The resizer sits on DevTools' top edge: grab it just above, clear of the tab bar.
  const split = docked.y - TAB_BAR - 2;
  await devtools.mouse.move(WIDTH / 2, split);
  await devtools.mouse.down();
  await devtools.mouse.move(WIDTH / 2, PAGE_STRIP, { steps: 10 });
  await devtools.mouse.up();
  await devtools.mouse.move(WIDTH / 2, PAGE_STRIP / 2); // no hover marks in the picture
  await sleep(300);
  const resized = (await (await panel.frameElement())!.boundingBox())!;
  if (resized.y > PAGE_STRIP + TAB_BAR * 2) throw new Error(`could not resize DevTools (panel at y=${resized.y})`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = await screenshotStates(process.argv[2] ? resolve(process.argv[2]) : undefined);
  console.log(`wrote ${out}`);
}
