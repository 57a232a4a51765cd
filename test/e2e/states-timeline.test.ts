// Interaction states in the real CX Lens panel: the timeline's edge-case flag, a
// malformed poll response marked without breaking anything, and the network source on its own
// (a page whose bus CX Lens cannot see, and responses that finished before the panel opened).
import { describe, expect, it } from 'vitest';
import { DEMO_API_KEY, SESSIONS_PATH } from '../demo/server/index.mjs';
import { openLensPanel, openPage, sleep, waitFor } from '../support/harness';
import { startChat } from '../support/demo-driver';
import { demoSuite } from './demo-suite';
import { agentJoinsAndSaysHi, customerSays, devtoolsRecording, openStates, stateRows, waitForStateRow } from '../support/states-driver';

const suite = demoSuite({ pollTimeoutMs: 600 });

async function problems(panel: import('puppeteer-core').Frame) {
  return panel.$$eval('[data-testid="states-problem"]', (els) => els.map((el) => ({
    code: el.getAttribute('data-code'), source: el.getAttribute('data-source'), text: (el as HTMLElement).innerText,
  })));
}

describe('states timeline', () => {
  it('flags a customer message after Finalizing that opened a new segment', async () => {
    const { page, panel } = await openStates(suite.lens, `${suite.demo.urls.domainA}/chat.html`);
    suite.pages.push(page);
    const sessionId = await startChat(page, suite.demo);
    await agentJoinsAndSaysHi(page, suite.demo, sessionId);
    suite.demo.agent.setState(sessionId, 'Finalizing');
    await waitForStateRow(panel, (r) => r.state === 'Finalizing', 'Finalizing');
    expect(await panel.$('[data-testid="segment-flag"]')).toBeNull();

    await customerSays(page, suite.demo, sessionId, 'Thanks a lot!');
    const flag = await waitFor(() => panel.$('[data-testid="segment-flag"]'), 'the segment flag');
    expect(await flag.evaluate((el) => [el.getAttribute('data-after-state'), (el as HTMLElement).innerText]))
      .toEqual(['Finalizing', expect.stringContaining('The customer wrote after Finalizing: this opened segment 2')]);
    // The flag sits on segment 2, whose flagged row is the customer's message.
    const segment = await flag.evaluate((el) => {
      const seg = el.closest('[data-testid="segment"]')!;
      const flagged = seg.querySelector('[data-testid="message-row"][data-flagged="true"]');
      return { n: seg.getAttribute('data-segment'), openedBy: seg.getAttribute('data-opened-by'), message: flagged?.textContent ?? null };
    });
    expect(segment).toEqual({ n: '2', openedBy: 'customer-after-finalize', message: expect.stringContaining('Thanks a lot!') });
    // Digital Channels started the new segment with Active.
    await waitFor(async () => (await stateRows(panel)).map((r) => r.state).join(',') === 'Active,Finalizing,Active', 'Active, Finalizing, Active');
  });

  it('marks a malformed poll response without breaking the page or the panel', async () => {
    const { page, panel } = await openStates(suite.lens, `${suite.demo.urls.domainA}/chat.html`);
    suite.pages.push(page);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    const sessionId = await startChat(page, suite.demo);
    await agentJoinsAndSaysHi(page, suite.demo, sessionId);
    suite.demo.agent.malformedNextPoll(sessionId);
    suite.demo.agent.setState(sessionId, 'Finalizing');

    const problem = await waitFor(async () => (await problems(panel)).find((p) => p.code === 'malformed-response'), 'the malformed response marked');
    expect(problem.source).toBe('network');
    expect(problem.text).toContain('Malformed chat API response');
    expect(problem.text).toMatch(/lastDeliveredIndex, chatEnded/);
    // The state it carried is still on the timeline.
    await waitForStateRow(panel, (r) => r.state === 'Finalizing' && r.source.includes('network'), 'Finalizing from the malformed response');

    // The page keeps chatting, the panel keeps following.
    suite.demo.agent.say(sessionId, 'Anything else?');
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="chat-message"]')].some((m) => m.textContent?.includes('Anything else?')));
    // While another tab is shown the States view rests; shown again, it is up to date.
    await panel.$eval('[data-testid="tab-bus"]', (el) => (el as HTMLElement).click());
    suite.demo.agent.setState(sessionId, 'Completed');
    await waitFor(() => suite.demo.agent.session(sessionId).messages.some((m) => m.data?.interactionState === 'Completed'), 'Completed sent');
    await sleep(1500);
    expect((await stateRows(panel)).map((r) => r.state)).not.toContain('Completed');
    await panel.$eval('[data-testid="tab-states"]', (el) => (el as HTMLElement).click());
    await waitForStateRow(panel, (r) => r.state === 'Completed' && r.source === 'bus network', 'a later Completed from both sources');
    // The emulated transport throws on the helper items, as the real one does: it reads
    // `from.type` of every item of data.messages.
    expect(errors.some((e) => /reading 'type'/.test(e))).toBe(true);
  });

  it('reads states from the network alone: a page with no Widgets bus, its responses from before the panel opened', async () => {
    // A hand-written chat client (plain fetch, no Widgets): the hook has no bus to tap here.
    const { page, devtools } = await openPage(suite.lens.browser, `${suite.demo.urls.domainA}/`);
    suite.pages.push(page);
    await devtoolsRecording(devtools);
    const api = `${suite.demo.urls.api}${SESSIONS_PATH}`;
    const sessionId = await page.evaluate(async (api, key) => {
      const res = await fetch(api, { method: 'POST', headers: { 'x-api-key': key, 'content-type': 'application/json' }, body: JSON.stringify({ data: { firstName: 'Ann' } }) });
      const token: string = (await res.json()).data.clientToken;
      const sessionId: string = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))).sessionId;
      const w = window as any;
      w.pollCount = 0;
      let index = '';
      const poll = async () => {
        const r = await fetch(`${api}/${sessionId}/messages${index ? `?index=${index}` : ''}`, { headers: { 'x-api-key': key, 'x-nexus-client-key': token } });
        const body = await r.json();
        index = body.data?.lastDeliveredIndex ?? index;
        w.pollCount++;
        setTimeout(poll, 50);
      };
      poll();
      return sessionId;
    }, api, DEMO_API_KEY);
    suite.demo.agent.join(sessionId);
    suite.demo.agent.setState(sessionId, 'Finalizing');
    await waitFor(() => suite.demo.agent.session(sessionId).interactionState === 'Finalizing', 'Finalizing set');
    const polls = await page.evaluate(() => (window as any).pollCount as number);
    await page.waitForFunction((n) => (window as any).pollCount > n + 1, {}, polls); // the client has fetched it

    // Only now the CX Lens panel opens: what DevTools recorded so far comes from its HAR.
    const panel = await openLensPanel(devtools);
    await panel.$eval('[data-testid="tab-states"]', (el) => (el as HTMLElement).click());
    const early = await waitForStateRow(panel, (r) => r.state === 'Finalizing', 'Finalizing read from the HAR');
    expect(early.source).toBe('network');

    // And live responses after it opened.
    suite.demo.agent.setState(sessionId, 'Completed');
    const live = await waitForStateRow(panel, (r) => r.state === 'Completed', 'Completed read live');
    expect(live.source).toBe('network');
    expect((await stateRows(panel)).map((r) => `${r.state}:${r.source}`)).toEqual(['Active:network', 'Finalizing:network', 'Completed:network']);
    expect(await panel.$eval('[data-testid="session-mode"]', (el) => el.getAttribute('data-mode'))).toBe('unknown');
    expect(await panel.$eval('[data-testid="states-sources"]', (el) => (el as HTMLElement).innerText)).toContain('no tapped bus on this page');
    expect(await panel.$eval('[data-testid="states-session"]', (el) => el.getAttribute('data-session'))).toBe(sessionId);

    // Simulate needs the tapped WebChatService: it says why it cannot run here.
    await panel.click('[data-testid="simulate"]');
    const result = await waitFor(() => panel.$('[data-testid="simulate-result"][data-ok="false"]'), 'the simulate failure');
    expect(await result.evaluate((el) => (el as HTMLElement).innerText)).toMatch(/^failed: WebChatService is not tapped/);
  });
});
