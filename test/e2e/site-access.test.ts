// Site access through the real panel: on a fresh profile no CX Lens script runs on any page; the
// banner's button switches a site on and reloads it, captured from its first event; the
// cross-origin cookie iframe is captured from its next load once seen; the finalize switch
// switches its site on; "all sites" captures everywhere; removing a site stops capture; and the
// list survives a worker stop and a browser restart on the same profile.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame, Page } from 'puppeteer-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemo, type Demo } from '../demo/server/index.mjs';
import { launch, openLensPanel, serviceWorker, sleep, stopWorker, waitFor, type Lens } from '../support/harness';
import { findRow } from '../support/panel-driver';
import { keptRecords } from '../support/relay-world';
import { channelRows } from '../support/cookie-driver';
import { setFinalize } from '../support/states-driver';
import { watchLensScripts, type LensScriptWatch } from '../support/lens-scripts';

let demo: Demo;
let lens: Lens;
const profile = mkdtempSync(join(tmpdir(), 'cx-lens-sites-'));

beforeAll(async () => {
  demo = await startDemo({ port: 0, apiPort: 0 });
  lens = await launch({ sites: 'none', userDataDir: profile });
});
afterAll(async () => {
  await lens?.close();
  await demo?.close();
  rmSync(profile, { recursive: true, force: true });
});

interface WatchedTab { page: Page; devtools: Page; watch: LensScriptWatch }

/** A new tab with its DevTools, counting CX Lens's scripts (CDP) from before `url` loads. */
async function openWatched(url: string): Promise<WatchedTab> {
  const isDevtools = (t: { type(): string; url(): string }) => t.type() === 'other' && t.url().startsWith('devtools://');
  const before = new Set(lens.browser.targets().filter(isDevtools));
  const page = await lens.browser.newPage();
  const devtoolsTarget = await lens.browser.waitForTarget((t) => isDevtools(t) && !before.has(t), { timeout: 15_000 });
  const watch = await watchLensScripts(page);
  await page.goto(url, { waitUntil: 'load' });
  return { page, devtools: await devtoolsTarget.asPage(), watch };
}

async function banner(panel: Frame): Promise<{ origin: string | null; text: string } | null> {
  return panel.$eval('body', () => {
    const el = document.querySelector('[data-testid="site-access"]');
    return el ? { origin: el.getAttribute('data-origin'), text: (el as HTMLElement).innerText } : null;
  });
}

async function siteRows(panel: Frame): Promise<{ origin: string; frames: string }[]> {
  return panel.$$eval('[data-testid="site"]', (els) => els.map((el) => ({
    origin: el.getAttribute('data-origin') ?? '',
    frames: (el.querySelector('[data-testid="site-frames"]') as HTMLElement | null)?.innerText ?? '',
  })));
}

/** The match patterns of CX Lens's registered page hook, as the worker sees them. */
async function hookMatches(): Promise<string[]> {
  const worker = (await (await serviceWorker(lens.browser)).worker())!;
  return worker.evaluate(() => chrome.scripting.getRegisteredContentScripts({ ids: ['cx-lens-page-hook'] }).then((r) => r[0]?.matches ?? []));
}

async function storedSites(): Promise<{ all: boolean; sites: Record<string, string[]> } | undefined> {
  const worker = (await (await serviceWorker(lens.browser)).worker())!;
  return worker.evaluate(() => chrome.storage.local.get('sites').then((s) => s.sites)) as Promise<{ all: boolean; sites: Record<string, string[]> } | undefined>;
}

describe('site access', () => {
  it('on a fresh profile, a plain page and a chat page run no CX Lens script, and the panel offers to capture', async () => {
    const plain = await openWatched(`${demo.urls.domainA}/plain.html`);
    const chat = await openWatched(`${demo.urls.domainA}/chat.html`);
    await chat.page.waitForFunction(() => !!(window as any).CXBus);
    await sleep(500);
    expect(plain.watch.scripts()).toEqual([]);
    expect(plain.watch.contextNames()).toEqual([]);
    expect(chat.watch.scripts()).toEqual([]);
    expect(chat.watch.contextNames()).toEqual([]);

    const panel = await openLensPanel(chat.devtools);
    const shown = await waitFor(() => banner(panel), 'the site access banner');
    expect(shown.origin).toBe(demo.urls.domainA);
    expect(shown.text).toContain(demo.urls.domainA);
    expect(shown.text).toMatch(/not capturing/);
    // Real buttons with their names, in a labelled region.
    expect(await panel.$eval('[data-testid="site-access"]', (el) => [el.getAttribute('role'), el.getAttribute('aria-label')])).toEqual(['region', 'Site access']);
    expect(await panel.$eval('[data-testid="capture-site"]', (el) => [el.tagName, (el as HTMLElement).innerText])).toEqual(['BUTTON', 'Capture this site and reload']);
    // The panel opened on the tab: still nothing of CX Lens ran in the page.
    await sleep(2000);
    expect(chat.watch.scripts()).toEqual([]);
    expect(chat.watch.contextNames()).toEqual([]);
    for (const tab of [plain, chat]) await tab.page.close();
  });

  it('the banner\'s button switches the site on and reloads: captured from the first event', async () => {
    const tab = await openWatched(`${demo.urls.domainA}/inline-bus.html`);
    const panel = await openLensPanel(tab.devtools);
    await waitFor(() => banner(panel), 'the banner');
    expect(tab.watch.scripts()).toEqual([]);
    const reloaded = tab.page.waitForNavigation({ waitUntil: 'load' });
    await panel.click('[data-testid="capture-site"]');
    await reloaded;
    expect(tab.watch.scripts()).toEqual(expect.arrayContaining([expect.stringMatching(/\/page-hook\.js$/), expect.stringMatching(/\/relay\.js$/)]));
    expect(tab.watch.contexts()).toBeGreaterThan(0);
    await findRow(panel, 'Inline.first', (r) => r.name === 'Inline.first');
    await waitFor(async () => (await banner(panel)) === null, 'the banner gone');
    expect(await storedSites()).toEqual({ all: false, sites: { [demo.urls.domainA]: [] } });
    await panel.click('[data-testid="tab-injection"]');
    expect(await siteRows(panel)).toEqual([{ origin: demo.urls.domainA, frames: '' }]);
    await tab.page.close();
  });

  it('the cross-origin cookie iframe is named as not captured yet, then captured from its next load', async () => {
    const tab = await openWatched(`${demo.urls.domainB}/xdomain.html`);
    const panel = await openLensPanel(tab.devtools);
    await panel.click('[data-testid="tab-cookies"]');
    await waitFor(() => banner(panel), 'the banner');
    const reloaded = tab.page.waitForNavigation({ waitUntil: 'load' });
    await panel.click('[data-testid="capture-site"]');
    await reloaded;
    // The iframe's document started without CX Lens: the panel says so, and its origin joins the site.
    const pending = await waitFor(async () => {
      const rows = await panel.$$eval('[data-testid="frame-not-captured"]', (els) => els.map((el) => [el.getAttribute('data-origin'), (el as HTMLElement).innerText]));
      return rows.length ? rows : null;
    }, 'a frame not captured');
    expect(pending).toEqual([[demo.urls.iframeHost, expect.stringMatching(/next load/)]]);
    expect((await storedSites())?.sites[demo.urls.domainB]).toEqual([demo.urls.iframeHost]);
    await waitFor(async () => (await channelRows(panel)).some((r) => r.seenIn === 'page'), 'the page side of the channel');
    expect((await channelRows(panel)).some((r) => r.seenIn === 'iframe')).toBe(false);

    await tab.page.reload({ waitUntil: 'load' });
    await waitFor(async () => (await channelRows(panel)).some((r) => r.seenIn === 'iframe'), 'channel messages seen in the iframe');
    await waitFor(async () => (await panel.$('[data-testid="frame-not-captured"]')) === null, 'no frame left uncaptured');
    await panel.click('[data-testid="tab-injection"]');
    expect(await siteRows(panel)).toContainEqual({ origin: demo.urls.domainB, frames: expect.stringContaining(demo.urls.iframeHost) });
    await tab.page.close();
  });

  it('removing a site drops what its page kept, and its next load runs no CX Lens script', async () => {
    const tab = await openWatched(`${demo.urls.domainA}/inline-bus.html`);
    expect(tab.watch.contexts()).toBeGreaterThan(0);
    expect((await keptRecords(tab.page)).genuine.length).toBeGreaterThan(0);
    const panel = await openLensPanel(tab.devtools);
    await panel.click('[data-testid="tab-injection"]');
    await panel.waitForSelector(`[data-testid="site"][data-origin="${demo.urls.domainA}"]`);
    // Keyboard: the remove button is a real button with its own name.
    expect(await panel.$eval(`[data-testid="site"][data-origin="${demo.urls.domainA}"] [data-testid="remove-site"]`, (el) => el.getAttribute('aria-label'))).toBe(`Remove ${demo.urls.domainA}`);
    await panel.focus(`[data-testid="site"][data-origin="${demo.urls.domainA}"] [data-testid="remove-site"]`);
    await tab.devtools.keyboard.press('Enter');
    await waitFor(async () => (await banner(panel))?.origin === demo.urls.domainA, 'the banner back');
    expect(await keptRecords(tab.page)).toEqual({ genuine: [], pageMade: [] });
    tab.watch.reset();
    await tab.page.reload({ waitUntil: 'load' });
    await sleep(500);
    // (Its reloaded document gets an empty CX Lens world context of Blink's, kept for the frame while
    // a debugger is attached; no CX Lens script runs in it. A new tab shows neither.)
    expect(tab.watch.scripts()).toEqual([]);
    expect((await storedSites())?.sites[demo.urls.domainA]).toBeUndefined();
    const fresh = await openWatched(`${demo.urls.domainA}/inline-bus.html`);
    await sleep(500);
    expect(fresh.watch.scripts()).toEqual([]);
    expect(fresh.watch.contextNames()).toEqual([]);
    await fresh.page.close();
    await tab.page.close();
  });

  it('switching the finalize handler on where capture is off switches the site on too, and says so', async () => {
    const tab = await openWatched(`${demo.urls.domainA}/chat.html`);
    const panel = await openLensPanel(tab.devtools);
    await panel.click('[data-testid="tab-states"]');
    await waitFor(() => banner(panel), 'the banner');
    await setFinalize(panel, true);
    const note = await waitFor(async () => (await banner(panel))?.text.match(/finalize handler switched capture on for \S+/)?.[0], 'the note');
    expect(note).toContain(demo.urls.domainA);
    expect(Object.keys((await storedSites())!.sites)).toContain(demo.urls.domainA);
    await setFinalize(panel, false);
    await tab.page.close();
  });

  it('"all sites" captures every site as before site access, and off again only the list', async () => {
    const first = await openWatched(`${demo.urls.untrusted}/steal.html`);
    const panel = await openLensPanel(first.devtools);
    await panel.click('[data-testid="tab-injection"]');
    await panel.waitForSelector('[data-testid="sites-all"]');
    const toggleAll = () => panel.$eval('[data-testid="sites-all"]', (el) => (el as HTMLElement).click());
    await toggleAll();
    await waitFor(async () => (await storedSites())?.all === true, 'all sites stored');
    await waitFor(async () => (await hookMatches()).includes('<all_urls>'), 'the hook registered for all sites');
    // A page of a site not in the list, without frames (steal.html embeds the cookie iframe, whose
    // origin the list has).
    const any = await openWatched(`${demo.urls.untrusted}/index.html`);
    expect(any.watch.scripts()).toEqual(expect.arrayContaining([expect.stringMatching(/\/page-hook\.js$/)]));
    await toggleAll(); // its tab is in the background now: a click through the DOM
    await waitFor(async () => (await storedSites())?.all === false, 'all sites off');
    await waitFor(async () => !(await hookMatches()).includes('<all_urls>'), 'the hook registered for the list only');
    any.watch.reset();
    await any.page.reload({ waitUntil: 'load' });
    await sleep(500);
    expect(any.watch.scripts()).toEqual([]);
    for (const tab of [first, any]) await tab.page.close();
  });

  it('the list survives a worker stop and a browser restart on the same profile', async () => {
    await stopWorker(lens.browser);
    const afterStop = await openWatched(`${demo.urls.domainB}/plain.html`);
    expect(afterStop.watch.scripts()).toEqual(expect.arrayContaining([expect.stringMatching(/\/page-hook\.js$/)]));
    await afterStop.page.close();

    await lens.close(); // the profile stays
    lens = await launch({ sites: 'none', userDataDir: profile });
    const worker = (await (await serviceWorker(lens.browser)).worker())!;
    await waitFor(() => worker.evaluate(() => chrome.scripting.getRegisteredContentScripts().then((r) => r.length >= 2)), 'the registrations after the restart');
    const tab = await openWatched(`${demo.urls.domainB}/inline-bus.html`);
    expect(tab.watch.scripts()).toEqual(expect.arrayContaining([expect.stringMatching(/\/page-hook\.js$/), expect.stringMatching(/\/relay\.js$/)]));
    const panel = await openLensPanel(tab.devtools);
    await findRow(panel, 'Inline.first', (r) => r.name === 'Inline.first');
    expect(await banner(panel)).toBeNull();
    // A site never switched on stays untouched after the restart too.
    const other = await openWatched(`${demo.urls.untrusted}/index.html`);
    expect(other.watch.scripts()).toEqual([]);
    for (const t of [tab, other]) await t.page.close();
  });
});
