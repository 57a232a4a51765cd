// The Bus panel in the real DevTools: the test hands fake record batches to the content script
// the way the page hook does (over the hook's port, from the relay's own world: relay-world.ts),
// and drives the panel's filter, detail pane,
// copy, secret masking, save recording, pause, clear, preserve log, keyboard, and the stable test attributes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { Frame, Page } from 'puppeteer-core';
import { launch, openLensPanel, openPage, waitFor, type Lens } from '../support/harness';
import { sendAsHook } from '../support/relay-world';
import { detailText as panelDetail, rowCounts, setFilter as setPanelFilter, visibleRows as panelRows } from '../support/panel-driver';

const PORT = 8761;
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzZXNzaW9uSWQiOiJzMSJ9.c2lnbmF0dXJlLXNpZ24';
const PAGE = `<!doctype html><meta charset="utf-8"><title>fake bus</title><h1>fake bus page</h1>`;

let server: Server;
let lens: Lens;
let page: Page;
let panel: Frame;

const ev = (name: string, data: unknown = {}, extra: object = {}) => ({ t: 'event', name, publisher: name.split('.')[0], via: 'publish', data, ...extra });
const cmd = (id: number, name: string, options: unknown = {}, extra: object = {}) => ({ t: 'command', id, name, commander: 'MyExtension', options, ...extra });
const outcome = (id: number, result: string, value: unknown = null) => ({ t: 'outcome', id, outcome: result, value });

/** One batch exactly as the page hook sends it; times are relative to now. */
async function post(records: object[]): Promise<void> {
  await sendAsHook(page, records);
}

const counts = () => rowCounts(panel);
const setFilter = (text: string) => setPanelFilter(panel, text);
const visibleRows = () => panelRows(panel);
const detailText = () => panelDetail(panel);

async function click(selector: string): Promise<void> {
  await panel.$eval(selector, (el) => (el as HTMLElement).click());
}

beforeAll(async () => {
  server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(PAGE);
  });
  await new Promise<void>((resolve) => server.listen(PORT, '127.0.0.1', resolve));
  lens = await launch();
  const opened = await openPage(lens.browser, `http://127.0.0.1:${PORT}/`);
  page = opened.page;
  panel = await openLensPanel(opened.devtools);
  await post([
    { t: 'status', status: { cxbus: 'tapped', quickBus: true, plugins: ['App', 'WebChat'], problems: [] } },
    { t: 'plugin', action: 'registerPlugin', plugin: 'WebChat', names: [], ok: true },
    ev('WebChat.opened', { id: 'chat-1' }),
    cmd(1, 'WebChat.open', { headers: { 'x-api-key': 'KEY-abc-123' }, form: { firstname: 'Ann' }, note: `Bearer ${JWT}` }),
    outcome(1, 'resolved', { opened: true }),
    cmd(2, 'WebChat.doesNotExist', {}, { time: -10_000 }),
    cmd(3, 'WebChat.close'),
    outcome(3, 'cancelled', "Command was cancelled by a 'before' function."),
    ev('WebChatService.messageReceived', { big: { $cx: 'string', head: 'x'.repeat(10_000), length: 5_000_000 }, self: { $cx: 'cycle', path: '$' } }, { truncated: true }),
    ...Array.from({ length: 300 }, (_, i) => ev('App.tick', { i })),
  ]);
  await waitFor(async () => (await counts()).total === 306, 'the first batch in the list');
});

afterAll(async () => {
  await lens?.close();
  await new Promise((resolve) => server?.close(resolve));
});

describe('CX Lens Bus panel', () => {
  it('says it is capturing, in which frame', async () => {
    const status = await panel.$eval('[data-testid="capture-status"]', (el) => ({ state: el.getAttribute('data-state'), text: (el as HTMLElement).innerText }));
    expect(status.state).toBe('capturing');
    expect(status.text).toContain(`127.0.0.1:${PORT}`);
  });

  it('virtualizes the list: 306 rows, far fewer in the DOM', async () => {
    await setFilter('');
    const inDom = await panel.$$eval('[data-testid="bus-row"]', (els) => els.length);
    expect(inDom).toBeGreaterThan(5);
    expect(inDom).toBeLessThan(150);
  });

  it('filters by kind and shows command outcomes, pending ones with a warning', async () => {
    await setFilter('kind:command');
    await waitFor(async () => (await counts()).count === 3, 'three command rows');
    const rows = await visibleRows();
    expect(rows.map((r) => [r.kind, r.name, r.outcome])).toEqual([
      ['command', 'WebChat.open', 'resolved'],
      ['command', 'WebChat.doesNotExist', 'pending'],
      ['command', 'WebChat.close', 'cancelled'],
    ]);
    expect(rows[1]!.stale).toBe('true');
    expect(rows[0]!.stale).toBeNull();
  });

  it('filters by plugin, negation and free text, and reports bad tokens', async () => {
    await setFilter('plugin:WebChat -kind:command');
    await waitFor(async () => (await counts()).count === 2, 'WebChat event and plugin rows');
    expect((await visibleRows()).map((r) => [r.kind, r.name])).toEqual([['plugin', 'WebChat'], ['event', 'WebChat.opened']]);
    await setFilter('tick kind:nonsense');
    await panel.waitForSelector('[data-testid="filter-errors"]');
    expect(await panel.$eval('[data-testid="filter-errors"]', (el) => el.textContent)).toContain('Unknown kind');
    await setFilter('"i: 299"');
    await waitFor(async () => (await counts()).count === 1, 'one App.tick row');
  });

  it('filters with OR, regular expressions and payload fields; a filter that does not parse keeps the last good one', async () => {
    await setFilter('WebChat.opened OR options.form.firstname:ann');
    await waitFor(async () => (await counts()).count === 2, 'the opened event and the open command');
    await setFilter('/^app\\.tick$/ data.i:/^29\\d$/ -data.i:299');
    await waitFor(async () => (await counts()).count === 9, 'App.tick 290..298');
    expect(await panel.$eval('[data-testid="filter"]', (el) => el.getAttribute('title'))).toContain('a OR b');
    await setFilter('/^app\\.tick$/ data.i:/^29\\d$/ -data.i:299 OR');
    const error = await panel.waitForSelector('[data-testid="filter-errors"]');
    expect(await error!.evaluate((el) => el.textContent)).toMatch(/Column 43: OR needs a term after it.*last good filter still applies/);
    expect(await panel.$eval('[data-testid="filter"]', (el) => [el.getAttribute('aria-invalid'), el.getAttribute('aria-describedby')])).toEqual(['true', 'bus-filter-error']);
    expect((await counts()).count).toBe(9);
  });

  it('marks truncated payloads and shows markers in the detail pane', async () => {
    await setFilter('messageReceived');
    await waitFor(async () => (await counts()).count === 1, 'the truncated row');
    const [row] = await visibleRows();
    expect(row!.truncated).toBe('true');
    await click('[data-testid="bus-row"]');
    const text = await detailText();
    expect(text).toContain('string cut: 10,000 of 5,000,000 chars');
    expect(text).toContain('⟳ cycle → $');
  });

  it('masks secrets in the detail pane and the copy, unless asked to show them', async () => {
    await setFilter('kind:command WebChat.open');
    await waitFor(async () => (await counts()).count === 1, 'the WebChat.open row');
    await click('[data-testid="bus-row"][data-name="WebChat.open"]');
    let text = await detailText();
    expect(text).toContain('•••• (masked)');
    expect(text).not.toContain('KEY-abc-123');
    expect(text).not.toContain(JWT);
    expect(text).toContain('opened'); // the resolved value

    // navigator.clipboard refused (as in many DevTools panels): the textarea fallback copies.
    const copied = await panel.evaluate(async () => {
      Object.defineProperty(navigator, 'clipboard', { value: { writeText: () => Promise.reject(new Error('denied')) }, configurable: true });
      let text = '';
      const original = document.execCommand.bind(document);
      document.execCommand = (command: string) => {
        if (command === 'copy') text = (document.activeElement as HTMLTextAreaElement).value;
        return command === 'copy' ? true : original(command);
      };
      (document.querySelector('[data-testid="copy-json"]') as HTMLElement).click();
      for (let i = 0; i < 50 && !text; i++) await new Promise((r) => setTimeout(r, 20));
      return text;
    });
    const json = JSON.parse(copied);
    expect(json).toMatchObject({ t: 'command', name: 'WebChat.open', options: { headers: { 'x-api-key': '•••• (masked)' } } });
    expect(json.outcome).toMatchObject({ outcome: 'resolved', value: { opened: true } });
    expect(copied).not.toContain(JWT);
    await panel.waitForFunction(() => document.querySelector('[data-testid="copy-status"]')?.textContent === 'Copied');

    await click('[data-testid="show-secrets"]');
    text = await detailText();
    expect(text).toContain('KEY-abc-123');
    expect(text).toContain(JWT);
    await click('[data-testid="show-secrets"]');
    expect(await detailText()).not.toContain('KEY-abc-123');
  });

  it('saves the log as a recording with secrets masked', async () => {
    await click('[data-testid="save-recording"]');
    await panel.waitForSelector('[data-testid="save-recording-confirm"]');
    const exported = await panel.evaluate(async () => {
      let link: HTMLAnchorElement | undefined;
      const click = HTMLAnchorElement.prototype.click;
      HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) { link = this; };
      (document.querySelector('[data-testid="save-recording-confirm"]') as HTMLElement).click();
      for (let i = 0; i < 50 && !link; i++) await new Promise((r) => setTimeout(r, 20));
      HTMLAnchorElement.prototype.click = click;
      return { name: link!.download, text: await (await fetch(link!.href)).text() };
    });
    expect(exported.name).toMatch(/^cx-lens-127\.0\.0\.1_\d+-.*\.json$/);
    const log = JSON.parse(exported.text);
    expect(log.records.length).toBeGreaterThanOrEqual(309);
    expect(log.records.some((r: { record: { name?: string } }) => r.record.name === 'WebChat.open')).toBe(true);
    expect(exported.text).not.toContain('KEY-abc-123');
    expect(exported.text).not.toContain(JWT);
  });

  it('moves the selection with the arrow keys', async () => {
    await setFilter('kind:command');
    await waitFor(async () => (await counts()).count === 3, 'three command rows');
    await click('[data-testid="bus-row"][data-name="WebChat.open"]');
    await panel.focus('[data-testid="bus-list"]');
    const devtools = panel.page();
    await devtools.keyboard.press('ArrowDown');
    await waitFor(async () => (await detailText()).includes('WebChat.doesNotExist'), 'the next row selected');
    expect(await detailText()).toMatch(/pending for .*no outcome yet/);
    await devtools.keyboard.press('ArrowDown');
    await waitFor(async () => (await detailText()).includes('WebChat.close'), 'the third row selected');
    await devtools.keyboard.press('ArrowUp');
    await waitFor(async () => (await detailText()).includes('WebChat.doesNotExist'), 'back to the second row');
  });

  it('keeps records while paused and adds them on resume', async () => {
    await setFilter('');
    const before = (await counts()).total;
    await click('[data-testid="pause"]');
    await post([ev('App.whilePaused', { n: 1 }), ev('App.whilePaused', { n: 2 })]);
    await panel.waitForSelector('[data-testid="paused-count"][data-count="2"]');
    expect((await counts()).total).toBe(before);
    await click('[data-testid="pause"]');
    await waitFor(async () => (await counts()).total === before + 2, 'the held rows added');
    expect(await panel.$('[data-testid="paused-count"]')).toBeNull();
  });

  it('clears the list', async () => {
    await click('[data-testid="clear"]');
    await waitFor(async () => (await counts()).total === 0, 'an empty list');
    await post([ev('App.afterClear')]);
    await waitFor(async () => (await counts()).total === 1, 'only the new row');
    expect((await visibleRows()).map((r) => r.name)).toEqual(['App.afterClear']);
  });

  it('keeps rows with a separator across a reload with preserve log, and clears without it', async () => {
    await click('[data-testid="preserve-log"]');
    await page.reload({ waitUntil: 'domcontentloaded' });
    await panel.waitForSelector('[data-testid="nav-separator"]');
    expect(await panel.$eval('[data-testid="nav-separator"]', (el) => el.getAttribute('data-url'))).toBe(`http://127.0.0.1:${PORT}/`);
    await post([ev('App.afterReload')]);
    await waitFor(async () => (await counts()).total === 2, 'old and new rows');
    expect((await visibleRows()).map((r) => r.name)).toEqual(['App.afterClear', 'App.afterReload']);

    await click('[data-testid="preserve-log"]');
    expect(await panel.evaluate(() => localStorage.getItem('cx-lens.preserveLog'))).toBe('0');
    await page.reload({ waitUntil: 'domcontentloaded' });
    await waitFor(async () => (await counts()).total === 0, 'the list cleared by the reload');
    expect(await panel.$('[data-testid="nav-separator"]')).toBeNull();
  });
});
