// The demo servers and a Chromium with CX Lens, shared by the tests of one file.
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { Page } from 'puppeteer-core';
import { startDemo, type Demo } from '../demo/server/index.mjs';
import { launch, type Lens, type LaunchOptions } from '../support/harness';
import { clearSiteData } from '../support/demo-driver';

export interface DemoSuite {
  demo: Demo;
  lens: Lens;
  /** Pages to close after the current test. */
  pages: Page[];
}

/** Starts the demo and the browser once for the file; after each test closes its pages and
 *  forgets the sites' data, so that tests do not depend on each other. */
export function demoSuite(options: { pollTimeoutMs?: number; launch?: LaunchOptions } = {}): DemoSuite {
  const suite = { pages: [] } as unknown as DemoSuite;
  beforeAll(async () => {
    suite.demo = await startDemo({ port: 0, apiPort: 0, pollTimeoutMs: options.pollTimeoutMs ?? 800 });
    suite.lens = await launch(options.launch);
  });
  afterAll(async () => {
    await suite.lens?.close();
    await suite.demo?.close();
  });
  afterEach(async () => {
    for (const p of suite.pages.splice(0)) await p.close().catch(() => {});
    await clearSiteData(suite.lens.browser, suite.demo);
  });
  return suite;
}

