// Real browsing, through the real CX Lens panel: pages without a chat start nothing; the
// back/forward cache, prerendering, freezing, DevTools closed and reopened, a discarded tab. (The
// worker stopped mid-burst is in bus.test.ts.)
import { describe, expect, it } from 'vitest';
import type { Browser, Frame, Page, Target } from 'puppeteer-core';
import { openLensPanel, openPage, serviceWorker, sleep, stopWorker, waitFor } from '../support/harness';
import { demoSuite } from './demo-suite';
import { captureStatus, findRow, setFilter, waitForCount } from '../support/panel-driver';
import { inRelayWorld } from '../support/relay-world';

// DevTools in a window of its own: the undocked case; nothing below depends on where it is docked.
const suite = demoSuite({ launch: { undockedDevtools: true } });
const url = (path: string) => `${suite.demo.urls.domainA}${path}`;

async function openWithPanel(path: string): Promise<{ page: Page; devtools: Page; panel: Frame }> {
  const { page, devtools } = await openPage(suite.lens.browser, url(path));
  suite.pages.push(page);
  const panel = await openLensPanel(devtools);
  return { page, devtools, panel };
}

/** Publishes `Plugin.marker` from the page's own bus. */
async function publish(page: Page, plugin: string, n = 1): Promise<void> {
  await page.waitForFunction(() => typeof (window as any).CXBus?.registerPlugin === 'function');
  await page.evaluate((plugin, n) => {
    const iface = (window as any).CXBus.registerPlugin(plugin);
    for (let i = 0; i < n; i++) iface.publish('marker', { i });
  }, plugin, n);
}

const isWorker = (t: Target) => t.type() === 'service_worker' && t.url().includes('/service-worker');

/** Counts the service worker's starts from now on. */
function countWorkerStarts(browser: Browser): { starts: () => number; stop: () => void } {
  let starts = 0;
  const onCreated = (t: Target) => { if (isWorker(t)) starts++; };
  browser.on('targetcreated', onCreated);
  return { starts: () => starts, stop: () => browser.off('targetcreated', onCreated) };
}

/** The id of the tab showing `page` (asked from the service worker, by the page's URL). */
async function tabIdOf(page: Page): Promise<number> {
  const worker = (await (await serviceWorker(suite.lens.browser)).worker())!;
  const href = page.url();
  return waitFor(() => worker.evaluate((href) => chrome.tabs.query({}).then((tabs) => tabs.find((t) => t.url === href)?.id ?? 0), href), `the tab of ${href}`);
}

describe('nothing where there is no chat', () => {
  it('pages without a chat start no worker; a chat page opened without the panel keeps its events for it', async () => {
    const worker = (await (await serviceWorker(suite.lens.browser)).worker())!;
    await worker.evaluate(() => chrome.storage.local.set({ panelsOpen: [] })); // no panel open anywhere
    await stopWorker(suite.lens.browser);
    const counter = countWorkerStarts(suite.lens.browser);
    try {
      const opened: Page[] = [];
      for (const path of ['/plain.html', '/frames.html', '/chat.html']) {
        const page = await suite.lens.browser.newPage();
        suite.pages.push(page);
        opened.push(page);
        await page.goto(url(path), { waitUntil: 'load' });
      }
      const chat = opened[2]!;
      await publish(chat, 'BeforePanel', 3);
      await sleep(1500);
      expect(counter.starts()).toBe(0);
      expect(await opened[1]!.evaluate(() => document.querySelectorAll('iframe').length)).toBe(20);

      // No relay read chrome.storage or was told of a panel: the panel-open script is not registered.
      expect(await inRelayWorld(opened[0]!, 'globalThis.cxLensPanelOpen === undefined')).toBe(true);

      // DevTools opened now: the panel starts the worker, wakes the tab, and gets what the page kept.
      const panel = await openLensPanel(await chat.openDevTools());
      expect(await waitForCount(panel, 'kind:event BeforePanel.marker', 3)).toBe(3);
      expect(counter.starts()).toBe(1);

      // While a panel is open, a new top document is told so at its start (src/content/panel-open.ts)
      // and connects at once, even without a chat.
      const liveWorker = (await (await serviceWorker(suite.lens.browser)).worker())!;
      await waitFor(async () => (await liveWorker.evaluate(() => chrome.scripting.getRegisteredContentScripts()))
        .some((script) => script.id === 'cx-lens-panel-open') || null, 'the panel-open script registered');
      await chat.goto(url('/plain.html?after-panel'), { waitUntil: 'load' });
      expect(await inRelayWorld(chat, 'globalThis.cxLensPanelOpen')).toBe(true);
      // Its hook's first status reached the panel (without the script, nothing of a page without a
      // chat would, until the panel woke the tab again).
      await waitFor(async () => (await captureStatus(panel)).state === 'no-bus' || null, 'the plain page\'s hook status in the panel');
    } finally {
      counter.stop();
    }
  });
});

describe('real browsing', () => {
  it('back/forward cache: capture resumes at once, the restored document shows with a separator', async () => {
    const { page, panel } = await openWithPanel('/chat.html?bfcache');
    await publish(page, 'BeforeAway');
    await findRow(panel, 'BeforeAway.marker', (r) => r.name === 'BeforeAway.marker');
    await page.evaluate(() => window.addEventListener('pageshow', (e) => { (window as any).cameBackFromCache = e.persisted; }));
    await page.goto(url('/plain.html?bfcache'), { waitUntil: 'load' });
    await page.goBack({ waitUntil: 'load' }).catch(() => null); // a restore fires no new load
    await page.waitForFunction(() => (window as any).cameBackFromCache === true, { timeout: 10_000 });

    await publish(page, 'AfterBack', 2);
    expect(await waitForCount(panel, 'kind:event AfterBack.marker', 2)).toBe(2);
    const separator = await panel.waitForSelector('[data-testid="nav-separator"][data-restored="true"]');
    expect(await separator!.evaluate((el) => (el as HTMLElement).innerText)).toMatch(/back\/forward cache/);
    const status = await captureStatus(panel);
    expect(status.state).toBe('capturing');
    expect(status.text).not.toMatch(/\d+ lost/);
    // And it goes on: later events too.
    await publish(page, 'Later');
    expect(await waitForCount(panel, 'kind:event Later.marker', 1)).toBe(1);
  });

  it('a prerendered chat page, once activated, shows what it did while prerendering and after', async () => {
    const { page, panel } = await openWithPanel('/prerender.html');
    await sleep(2500); // the browser prerenders the chat page meanwhile: its Widgets start
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }).catch(() => null), page.click('[data-testid="prerendered-link"]')]);
    await page.waitForFunction(() => location.search.includes('prerendered'));
    const activationStart = await page.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming & { activationStart?: number }).activationStart ?? 0);
    expect(activationStart).toBeGreaterThan(0); // it really was prerendered
    // App.ready is published while the page starts, before its activation.
    expect(await findRow(panel, 'App.ready', (r) => r.name === 'App.ready')).toMatchObject({ kind: 'event' });
    await publish(page, 'Activated');
    expect(await waitForCount(panel, 'kind:event Activated.marker', 1)).toBe(1);
    expect((await captureStatus(panel)).state).toBe('capturing');
  });

  it('a page frozen and resumed by the browser goes on being captured', async () => {
    const { page, panel } = await openWithPanel('/chat.html');
    await publish(page, 'BeforeFreeze');
    await findRow(panel, 'BeforeFreeze.marker', (r) => r.name === 'BeforeFreeze.marker');
    const cdp = await page.createCDPSession();
    try {
      // A background tab: the page hides, then freezes; its timers stop until it resumes.
      await cdp.send('Page.setWebLifecycleState', { state: 'frozen' });
      await sleep(1500);
      await cdp.send('Page.setWebLifecycleState', { state: 'active' });
    } finally {
      await cdp.detach();
    }
    await publish(page, 'AfterResume', 3);
    expect(await waitForCount(panel, 'kind:event AfterResume.marker', 3)).toBe(3);
    expect(await waitForCount(panel, 'kind:event BeforeFreeze.marker', 1)).toBe(1);
    expect((await captureStatus(panel)).state).toBe('capturing');
  });

  it('DevTools (undocked) closed and reopened: earlier events and those while it was closed are shown', async () => {
    const { page, devtools, panel } = await openWithPanel('/chat.html');
    await publish(page, 'FirstOpen', 2);
    expect(await waitForCount(panel, 'kind:event FirstOpen.marker', 2)).toBe(2);
    await devtools.close();
    await publish(page, 'WhileClosed', 2);
    await sleep(300);
    const again = await openLensPanel(await page.openDevTools());
    expect(await waitForCount(again, 'kind:event FirstOpen.marker', 2)).toBe(2);
    expect(await waitForCount(again, 'kind:event WhileClosed.marker', 2)).toBe(2);
    await publish(page, 'Reopened');
    expect(await waitForCount(again, 'kind:event Reopened.marker', 1)).toBe(1);
  });

  it('a discarded tab, reloaded, is captured again', async () => {
    const { page } = await openWithPanel('/chat.html?discard');
    await publish(page, 'BeforeDiscard');
    const tabId = await tabIdOf(page);
    const worker = (await (await serviceWorker(suite.lens.browser)).worker())!;
    // Discarding may give the tab a new id.
    const discardedId = await worker.evaluate((id) => chrome.tabs.discard(id).then((t) => (t?.discarded ? t.id ?? 0 : 0)), tabId);
    expect(discardedId).toBeGreaterThan(0);
    await worker.evaluate((id) => chrome.tabs.reload(id), discardedId);
    const target = await suite.lens.browser.waitForTarget((t) => t.type() === 'page' && t.url().includes('/chat.html?discard'), { timeout: 15_000 });
    const reloaded = (await target.page())!;
    suite.pages.push(reloaded);
    await publish(reloaded, 'AfterReload', 2);
    const panel = await openLensPanel(await reloaded.openDevTools());
    expect(await waitForCount(panel, 'kind:event AfterReload.marker', 2)).toBe(2);
    await setFilter(panel, '');
    expect((await captureStatus(panel)).state).toBe('capturing');
  });
});
