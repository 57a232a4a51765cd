// The Cookie sync tab in the real DevTools, on the demo's cross-domain sites (domain A localhost,
// domain B 127.0.0.1, the cookie iframe on [::1]): the chat restored across domains with the
// verdict in-sync (third-party cookies allowed), blocked (Chromium's default), late-load, and the
// cookie-provider injection switch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, SESSION_COOKIE_NAME, type Demo } from '../demo/server/index.mjs';
import { launch, waitFor, type Lens } from '../support/harness';
import { channelRows, facts, openCookieSync, startChatFromForm, syncStatus, transcriptHas, waitForSync } from '../support/cookie-driver';

let demo: Demo;
beforeAll(async () => { demo = await startDemo({ port: 0, apiPort: 0 }); });
afterAll(async () => { await demo?.close(); });

describe('third-party cookies allowed', () => {
  let lens: Lens;
  beforeAll(async () => { lens = await launch({ thirdPartyCookies: true }); });
  afterAll(async () => { await lens?.close(); });

  it('a chat started on domain A continues on domain B, and the panel says in-sync', async () => {
    const { page, panel } = await openCookieSync(lens, `${demo.urls.domainA}/xdomain.html`);
    const sessionId = await startChatFromForm(page, demo);
    demo.agent.join(sessionId, 'Agent Alex');
    demo.agent.say(sessionId, 'Hello from domain A');
    await waitFor(() => transcriptHas(page, 'Hello from domain A'), 'the agent text on domain A');
    // The guide's sample saves on WebChat.started; the iframe then holds the session.
    await waitFor(async () => (await facts(panel))['last-save']?.startsWith('saved'), 'a save on domain A');
    expect((await facts(panel))['iframe-cookie']).toMatch(/^present/);
    expect((await syncStatus(panel)).state).toBe('in-sync');

    await page.goto(`${demo.urls.domainB}/xdomain.html?load=await`, { waitUntil: 'domcontentloaded' });
    await waitFor(() => transcriptHas(page, 'Hello from domain A'), 'the transcript restored on domain B');
    expect(demo.agent.sessions().map((s) => s.id)).toEqual([sessionId]);
    demo.agent.say(sessionId, 'Still here on B');
    await waitFor(() => transcriptHas(page, 'Still here on B'), 'the chat going on on domain B');

    const status = await waitForSync(panel, 'in-sync');
    expect(status.reason).toMatch(/same session/);
    const table = await facts(panel);
    expect(table.loaded).toBe('yes');
    expect(table['page-trusted']).toBe(`yes: ${demo.urls.domainB}`);
    expect(table['third-party']).toMatch(/^work/);
    expect(table.name).toBe(SESSION_COOKIE_NAME);
    expect(table['page-cookie']).toMatch(/^present/);
    expect(table['last-load']).toMatch(/^loaded/);
    // Values never reach the panel: the fingerprints do, and the session token nowhere.
    const token = demo.agent.sessions()[0]!;
    const text = await panel.$eval('[data-testid="view-cookies"]', (el) => (el as HTMLElement).innerText);
    expect(text).not.toContain('eyJ');
    expect(text).not.toContain(token.participantId);

    // The channel log: the page's requests seen in the iframe, the replies seen in the page, matched by id.
    const rows = await channelRows(panel);
    const load = rows.find((r) => r.type === 'load' && r.seenIn === 'iframe');
    const reply = rows.find((r) => r.type === 'reply' && r.seenIn === 'page' && /\bok\b/.test(r.text));
    expect(load?.latency).toMatch(/ms|s$/);
    expect(reply?.latency).toMatch(/ms|s$/);
    expect(rows.some((r) => r.type === 'hello')).toBe(true);
  });

  it('late-load: loadCookie() finishing after Widgets looked for the session (?load=late)', async () => {
    // The iframe holds the session of the previous test; this page loads it only after WebChat.open.
    const { panel } = await openCookieSync(lens, `${demo.urls.domainB}/xdomain.html?load=late`);
    const status = await waitForSync(panel, 'late-load');
    expect(status.reason).toMatch(/ms after Widgets looked for it/);
    expect((await facts(panel)).looked).toMatch(/^at /);
  });
});

describe('default profile: third-party cookies blocked', () => {
  let lens: Lens;
  beforeAll(async () => { lens = await launch(); });
  afterAll(async () => { await lens?.close(); });

  it('says blocked, and why', async () => {
    const { panel } = await openCookieSync(lens, `${demo.urls.domainA}/xdomain.html`);
    const status = await waitForSync(panel, 'blocked');
    expect(status.reason).toMatch(/blocks third-party cookies/);
    const table = await facts(panel);
    expect(table['third-party']).toMatch(/^blocked/);
    expect(table['last-load']).toMatch(/^blocked/);
  });

  it('the cookie-provider switch injects the provider into a page without one, and keeps it across reloads', async () => {
    const { page, panel } = await openCookieSync(lens, `${demo.urls.domainA}/chat.html`);
    const iframeUrl = `${demo.urls.iframeHost}/cx-lens/iframe.html`;
    await waitForSync(panel, 'no-iframe');
    expect(await page.$$eval('iframe', (f) => f.length)).toBe(0);

    // A URL that is not http(s) is refused in the panel, nothing is sent.
    await setInput(panel, 'cookie-provider-name', 'cx-demo-chat-session');
    await setInput(panel, 'cookie-provider-iframe-url', 'javascript:alert(1)');
    await panel.$eval('[data-testid="toggle-cookie-provider"]', (el) => (el as HTMLElement).click());
    expect(await panel.$eval('[data-testid="cookie-provider-error"]', (el) => (el as HTMLElement).innerText)).toMatch(/full URL|http or https/);
    expect(await panel.$eval('[data-testid="toggle-cookie-provider"]', (el) => (el as HTMLInputElement).checked)).toBe(false);

    await setInput(panel, 'cookie-provider-iframe-url', iframeUrl);
    await panel.$eval('[data-testid="toggle-cookie-provider"]', (el) => (el as HTMLElement).click());
    await page.waitForFunction((url) => [...document.querySelectorAll('iframe')].some((f) => f.src === url), {}, iframeUrl);
    // Blocked profile: the injected provider's load reports the browser's refusal.
    await waitForSync(panel, 'blocked');
    expect((await facts(panel)).provider).toMatch(/injected by CX Lens/);
    await waitFor(async () => /blocked|saving|provider in the page/.test(await injectStatus(panel)), 'the injected provider\'s report');

    await page.reload({ waitUntil: 'domcontentloaded' });
    await page.waitForFunction((url) => [...document.querySelectorAll('iframe')].some((f) => f.src === url), {}, iframeUrl);
    await waitForSync(panel, 'blocked');

    await panel.$eval('[data-testid="toggle-cookie-provider"]', (el) => (el as HTMLElement).click());
    await page.waitForFunction((url) => ![...document.querySelectorAll('iframe')].some((f) => f.src === url), {}, iframeUrl);
    expect(await page.evaluate(() => (window as unknown as { CXLensCookieInjection: { status(): { installed: boolean } } }).CXLensCookieInjection.status().installed)).toBe(false);
  });
});

async function setInput(panel: import('puppeteer-core').Frame, testId: string, value: string): Promise<void> {
  await panel.$eval(`[data-testid="${testId}"]`, (el, v) => {
    const input = el as HTMLInputElement;
    input.value = v;
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }, value);
}

async function injectStatus(panel: import('puppeteer-core').Frame): Promise<string> {
  return panel.$eval('[data-testid="cookie-provider-status"]', (el) => (el as HTMLElement).innerText);
}
