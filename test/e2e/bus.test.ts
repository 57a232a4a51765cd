// Bus traffic in the real CX Lens panel: the built extension in Chromium, the demo pages
// with the Widgets emulation and the emulated chat API, the panel opened in the real DevTools.
import { describe, expect, it } from 'vitest';
import type { Frame, Page } from 'puppeteer-core';
import { openLensPanel, openPage, serviceWorker, sleep, stopWorker, waitFor } from '../support/harness';
import { startChat as startDemoChat } from '../support/demo-driver';
import { demoSuite } from './demo-suite';
import { captureStatus, detailText, findRow, rowCounts, setFilter, visibleRows, waitForCount } from '../support/panel-driver';

const suite = demoSuite();

async function open(path: string): Promise<{ page: Page; panel: Frame }> {
  const { page, devtools } = await openPage(suite.lens.browser, `${suite.demo.urls.domainA}${path}`);
  suite.pages.push(page);
  const panel = await openLensPanel(devtools);
  return { page, panel };
}

const startChat = (page: Page) => startDemoChat(page, suite.demo);

describe('bus traffic in the panel', () => {
  it('shows a whole chat: WebChat.open resolved, opened, started, messageReceived', async () => {
    const { page, panel } = await open('/chat.html');
    const sessionId = await startChat(page);
    suite.demo.agent.join(sessionId, 'Agent Smith');
    suite.demo.agent.say(sessionId, 'Hello from the agent');
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="chat-message"]')].some((m) => m.textContent?.includes('Hello from the agent')));

    expect(await findRow(panel, 'kind:command WebChat.open', (r) => r.name === 'WebChat.open' && r.outcome === 'resolved')).toMatchObject({ kind: 'command' });
    expect(await findRow(panel, 'WebChat.opened', (r) => r.name === 'WebChat.opened')).toMatchObject({ kind: 'event' });
    expect(await findRow(panel, 'WebChatService.started', (r) => r.name === 'WebChatService.started')).toMatchObject({ kind: 'event' });
    const received = await findRow(panel, 'WebChatService.messageReceived', (r) => r.name === 'WebChatService.messageReceived');
    expect(received.kind).toBe('event');

    // The agent's text is in a messageReceived payload, visible in the detail pane.
    await setFilter(panel, 'WebChatService.messageReceived');
    const texts: string[] = [];
    for (const handle of await panel.$$('[data-testid="bus-row"]')) {
      await handle.click();
      texts.push(await detailText(panel));
    }
    expect(texts.some((t) => t.includes('Hello from the agent'))).toBe(true);
    expect((await captureStatus(panel)).state).toBe('capturing');
  });

  it('marks a command that never settles as pending, and one cancelled by a before hook', async () => {
    const { page, panel } = await open('/chat.html');
    await page.waitForFunction(() => !!(window as any)._genesys?.widgets?.bus);
    await page.click('[data-testid="cmd-missing"]');
    await page.click('[data-testid="cmd-cancelled"]');
    expect(await findRow(panel, 'WebChat.doesNotExist', (r) => r.name === 'WebChat.doesNotExist')).toMatchObject({ kind: 'command', outcome: 'pending' });
    expect(await findRow(panel, 'outcome:cancelled', (r) => r.name === 'WebChat.open')).toMatchObject({ kind: 'command', outcome: 'cancelled' });
  });

  it('captures the first event of a bus made by an inline <head> script', async () => {
    const { page, panel } = await open('/inline-bus.html');
    expect(await page.evaluate(() => (window as any).inlineFirstPublished)).toBe(true);
    const row = await findRow(panel, 'Inline.first', (r) => r.name === 'Inline.first');
    expect(row.kind).toBe('event');
    // It is the bus's very first event: nothing was published before it.
    await setFilter(panel, 'kind:event');
    await waitFor(async () => (await visibleRows(panel)).length > 0, 'event rows');
    expect((await visibleRows(panel))[0]!.name).toBe('Inline.first');
  });

  it('captures a bus that loads asynchronously after the page', async () => {
    const { panel } = await open('/async-bus.html');
    expect(await findRow(panel, 'App.ready', (r) => r.name === 'App.ready', 'App.ready', 20_000)).toMatchObject({ kind: 'event' });
  });

  it('shows the events that happened before the panel was opened', async () => {
    const { page, devtools } = await openPage(suite.lens.browser, `${suite.demo.urls.domainA}/chat-sync.html`);
    suite.pages.push(page);
    const sessionId = await startChat(page);
    suite.demo.agent.join(sessionId);
    suite.demo.agent.say(sessionId, 'said before DevTools showed CX Lens');
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="chat-message"]')].some((m) => m.textContent?.includes('said before')));
    await sleep(300);
    const panel = await openLensPanel(devtools); // the panel page loads only now
    expect(await findRow(panel, 'WebChat.open', (r) => r.name === 'WebChat.open' && r.outcome === 'resolved')).toBeTruthy();
    expect(await findRow(panel, 'WebChatService.started', (r) => r.name === 'WebChatService.started')).toBeTruthy();
  });

  it('keeps the last N events of a page before the panel opens (N set in the panel) and shows how many were lost', async () => {
    const first = await open('/chat.html');
    await first.panel.click('.frames summary');
    await first.panel.$eval('[data-testid="buffer-cap"]', (el) => {
      const input = el as HTMLInputElement;
      input.value = '200';
      input.dispatchEvent(new Event('change', { bubbles: true }));
    });
    const worker = (await (await serviceWorker(suite.lens.browser)).worker())!;
    await waitFor(() => worker.evaluate(() => chrome.storage.local.get('bufferCap').then((s) => s.bufferCap === 200)), 'the setting saved');
    try {
      const { page, devtools } = await openPage(suite.lens.browser, `${suite.demo.urls.domainA}/chat.html`);
      suite.pages.push(page);
      await page.waitForFunction(() => !!(window as any).CXBus);
      await page.evaluate(() => {
        const bus = (window as any).CXBus.registerPlugin('Early');
        for (let n = 0; n < 500; n++) bus.publish('tick', { n });
      });
      await sleep(500);
      const panel = await openLensPanel(devtools);
      // The frame kept its last 200 records: the newest ticks (a few other records may be among them).
      await setFilter(panel, 'Early.tick');
      const kept = await waitFor(async () => { const { count } = await rowCounts(panel); return count >= 190 ? count : 0; }, '~200 ticks');
      expect(kept).toBeLessThanOrEqual(200);
      const status = await captureStatus(panel);
      expect(status.text).toMatch(/lost/);
      expect(Number(await panel.$eval('[data-testid="capture-status"]', (el) => el.getAttribute('data-lost')))).toBeGreaterThanOrEqual(300);
    } finally {
      await worker.evaluate(() => chrome.storage.local.remove('bufferCap'));
    }
  });

  it('keeps rows across a reload with preserve log, with a separator', async () => {
    const { page, panel } = await open('/chat.html');
    await findRow(panel, 'App.ready', (r) => r.name === 'App.ready');
    await panel.click('[data-testid="preserve-log"]');
    await page.evaluate(() => (window as any).CXBus.registerPlugin('BeforeReload').publish('marker', { n: 1 }));
    await findRow(panel, 'BeforeReload.marker', (r) => r.name === 'BeforeReload.marker');
    await page.reload({ waitUntil: 'load' });
    await page.evaluate(() => (window as any).CXBus.registerPlugin('AfterReload').publish('marker', { n: 2 }));
    await findRow(panel, 'AfterReload.marker', (r) => r.name === 'AfterReload.marker');
    await setFilter(panel, 'marker');
    expect(await waitForCount(panel, 'marker', 2)).toBe(2);
    expect(await panel.$$('[data-testid="nav-separator"]')).not.toHaveLength(0);
    await panel.click('[data-testid="preserve-log"]'); // back off for the other tests
  });

  it('loses nothing when the service worker is stopped mid-stream', async () => {
    const { page, panel } = await open('/chat.html');
    await page.waitForFunction(() => !!(window as any).CXBus);
    const total = 600;
    // The page publishes steadily (30 every 20 ms) while the worker is stopped in the middle.
    await page.evaluate((total) => {
      const bus = (window as any).CXBus.registerPlugin('Stream');
      let n = 0;
      const timer = setInterval(() => {
        for (let i = 0; i < 30 && n < total; i++) bus.publish('tick', { n: n++ });
        if (n >= total) clearInterval(timer);
      }, 20);
    }, total);
    await sleep(150);
    await stopWorker(suite.lens.browser); // resolves once the worker really stopped
    expect(await waitForCount(panel, 'Stream.tick', total, 30_000)).toBe(total);
    const status = await captureStatus(panel);
    expect(status.state).toBe('capturing');
    expect(status.text).not.toMatch(/\d+ lost/);
  });

  it('survives cyclic, DOM-carrying, 5 MB and hostile payloads: the page and the panel keep working', async () => {
    const { page, panel } = await open('/payloads.html');
    await page.waitForFunction(() => typeof (window as any).publishPayload === 'function');
    for (const kind of ['cyclic', 'dom', 'bigString', 'throwingGetter', 'hugeArray']) await page.click(`[data-testid="payload-${kind}"]`);
    await page.waitForFunction(() => document.querySelector('[data-testid="page-ok"]')?.textContent === '5');
    await page.waitForFunction(() => document.querySelector('[data-testid="received"]')?.textContent === '5');

    const big = await findRow(panel, 'Payloads.bigString', (r) => r.name === 'Payloads.bigString');
    expect(big.truncated).toBe('true');
    expect(await findRow(panel, 'Payloads.hugeArray', (r) => r.name === 'Payloads.hugeArray')).toMatchObject({ truncated: 'true' });

    await findRow(panel, 'kind:event Payloads.cyclic', (r) => r.name === 'Payloads.cyclic');
    await panel.click('[data-testid="bus-row"]');
    expect(await detailText(panel)).toMatch(/cycle/i);
    await findRow(panel, 'kind:event Payloads.dom', (r) => r.name === 'Payloads.dom');
    await panel.click('[data-testid="bus-row"]');
    expect(await detailText(panel)).toMatch(/<\w+/); // a DOM node shown as a description, e.g. <div#…>

    // Still capturing afterwards.
    await page.evaluate(() => (window as any).CXBus.registerPlugin('After').publish('ok', {}));
    expect(await findRow(panel, 'After.ok', (r) => r.name === 'After.ok')).toBeTruthy();
    expect((await rowCounts(panel)).total).toBeGreaterThan(5);
  });
});
