// The panel's pictures in the real DevTools panel on the demo pages: the States chart of a chat
// (its states, segments, messages and the reaction arrow with its latency) and the Cookie sync
// sequence diagram (lanes for the page and the cookie iframe; on the untrusted site, its lane and
// its refused messages in the error colour).
import type { Frame } from 'puppeteer-core';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../support/harness';
import { startChat } from '../support/demo-driver';
import { demoSuite } from './demo-suite';
import { openCookieSync, waitForSync } from '../support/cookie-driver';
import { agentJoinsAndSaysHi, customerSays, openStates, setFinalize, waitForStateRow } from '../support/states-driver';

const suite = demoSuite({ pollTimeoutMs: 600 });

interface ChartView {
  session: string;
  states: { state: string; title: string }[];
  messages: string[];
  reactions: { kind: string; latency: string | null; label: string; title: string }[];
  segments: { flagged: boolean; title: string }[];
  ticks: string[];
}

function chart(panel: Frame): Promise<ChartView | null> {
  return panel.evaluate(() => {
    const svg = document.querySelector('[data-testid="states-chart"]');
    if (!svg) return null;
    const title = (el: Element) => el.querySelector(':scope > title')?.textContent ?? '';
    return {
      session: svg.getAttribute('data-session') ?? '',
      states: [...svg.querySelectorAll('[data-testid="chart-state"]')].map((el) => ({ state: el.getAttribute('data-state') ?? '', title: title(el) })),
      messages: [...svg.querySelectorAll('[data-testid="chart-message"]')].map((el) => el.getAttribute('data-from') ?? ''),
      reactions: [...svg.querySelectorAll('[data-testid="chart-reaction"]')].map((el) => ({
        kind: el.getAttribute('data-reaction') ?? '', latency: el.getAttribute('data-latency-ms'), label: el.querySelector('text')?.textContent ?? '', title: title(el),
      })),
      segments: [...svg.querySelectorAll('[data-testid="chart-segment"]')].map((el) => ({ flagged: el.classList.contains('flagged'), title: title(el) })),
      ticks: [...svg.querySelectorAll('[data-testid="chart-tick"] text')].map((el) => el.textContent ?? ''),
    };
  });
}

/** The row of the States timeline shown selected (revealed from another tab or a picture). */
function selectedStateRow(panel: Frame): Promise<{ key: string | null; testid: string | null; state: string | null } | null> {
  return panel.evaluate(() => {
    const row = document.querySelector('[data-testid="view-states"] [data-selected="true"]');
    return row ? { key: row.getAttribute('data-key'), testid: row.getAttribute('data-testid'), state: row.getAttribute('data-state') } : null;
  });
}

interface SequenceView {
  lanes: { role: string; origin: string; tone: string; color: string }[];
  arrows: { type: string; tone: string; from: string; to: string; label: string; title: string; stroke: string }[];
  error: string;
}

/** Lanes and arrows of the sequence diagram, with the colours the theme gave them. */
function sequence(panel: Frame): Promise<SequenceView | null> {
  return panel.evaluate(() => {
    const root = document.querySelector('[data-testid="cookie-sequence"]');
    if (!root) return null;
    const probe = document.createElement('span');
    probe.style.color = 'var(--error)';
    document.body.append(probe);
    const error = getComputedStyle(probe).color;
    probe.remove();
    return {
      error,
      lanes: [...root.querySelectorAll('[data-testid="seq-lane"]')].map((el) => ({
        role: el.getAttribute('data-role') ?? '', origin: el.getAttribute('data-origin') ?? '', tone: el.getAttribute('data-tone') ?? '',
        color: getComputedStyle(el.querySelector('text')!).fill,
      })),
      arrows: [...root.querySelectorAll('[data-testid="seq-arrow"]')].map((el) => ({
        type: el.getAttribute('data-type') ?? '', tone: el.getAttribute('data-tone') ?? '', from: el.getAttribute('data-from') ?? '', to: el.getAttribute('data-to') ?? '',
        label: [...el.querySelectorAll('text:not(.seq-time)')].map((t) => t.textContent).join(' '),
        title: el.querySelector(':scope > title')?.textContent ?? '',
        stroke: getComputedStyle(el.querySelector('line, path')!).stroke,
      })),
    };
  });
}

describe('pictures', () => {
  it('States: the chart shows the session\'s states, segments, messages and the reaction arrow with its latency', async () => {
    const { page, panel } = await openStates(suite.lens, `${suite.demo.urls.domainA}/chat.html`);
    suite.pages.push(page);
    const sessionId = await startChat(page, suite.demo);
    await customerSays(page, suite.demo, sessionId, 'Where is my order?');
    await agentJoinsAndSaysHi(page, suite.demo, sessionId);

    // Nobody reacts to the first Finalizing; the customer's thanks opens segment 2.
    suite.demo.agent.setState(sessionId, 'Finalizing');
    await waitForStateRow(panel, (r) => r.state === 'Finalizing' && r.reaction === 'none', 'an unanswered Finalizing', 10_000);
    await customerSays(page, suite.demo, sessionId, 'Thanks!');
    // With the handler on, the next Finalizing is answered.
    await setFinalize(panel, true);
    suite.demo.agent.setState(sessionId, 'Finalizing');
    await waitForStateRow(panel, (r) => r.state === 'Finalizing' && r.reaction === 'inject', 'an answered Finalizing');

    const view = await waitFor(async () => {
      const v = await chart(panel);
      return v && v.reactions.some((r) => r.kind === 'inject') && v.states.length >= 4 ? v : null;
    }, 'the chart with an inject arrow');
    expect(view.session).toBe(sessionId);
    expect(view.states.map((s) => s.state)).toEqual(['Active', 'Finalizing', 'Active', 'Finalizing']);
    expect(view.states.every((s) => s.title.startsWith(s.state))).toBe(true);
    expect(view.segments).toHaveLength(2);
    expect(view.segments[1]!.flagged).toBe(true);
    expect(view.messages).toContain('customer');
    expect(view.messages).toContain('agent');
    expect(view.ticks.length).toBeGreaterThanOrEqual(2);
    expect(view.ticks.every((t) => /^\d\d:\d\d(:\d\d)?(\.\d{3})?$/.test(t))).toBe(true);

    const [none, inject] = view.reactions;
    expect(none).toMatchObject({ kind: 'none', latency: null, label: 'none in 3 s' });
    expect(inject!.kind).toBe('inject');
    expect(inject!.label).toMatch(/^inject \d+ ms$/);
    expect(inject!.label).toBe(`inject ${Math.round(Number(inject!.latency))} ms`);
    expect(inject!.title).toMatch(/^Finalizing → WebChat\.injectMessage after \d+ ms by CXLensFinalize/);

    // The finding on the unanswered Finalizing is marked; a click on a mark opens its row, selected.
    const finding = await waitFor(() => panel.$('[data-testid="states-chart"] [data-testid="chart-finding"][data-rule="no-finalize-reaction"]'), 'the no-finalize-reaction mark');
    await finding.click();
    const findingKey = await finding.evaluate((el) => el.getAttribute('data-reveal-key'));
    expect(await waitFor(() => selectedStateRow(panel), 'a selected row')).toEqual({ key: findingKey, testid: 'state-row', state: 'Finalizing' });
    const thanks = (await panel.$$('[data-testid="chart-message"].flagged'))[0]!;
    await thanks.click();
    const thanksKey = await thanks.evaluate((el) => el.getAttribute('data-reveal-key'));
    expect(await waitFor(async () => {
      const row = await selectedStateRow(panel);
      return row?.key === thanksKey ? row : null;
    }, 'the customer\'s thanks selected')).toEqual({ key: thanksKey, testid: 'message-row', state: null });
  });

  it('Cookie sync: lanes for the page and the cookie iframe, arrows with type and latency', async () => {
    const { page, panel } = await openCookieSync(suite.lens, `${suite.demo.urls.domainA}/xdomain.html`);
    suite.pages.push(page);
    await waitForSync(panel, 'blocked'); // the provider's hello and load went through
    const view = await waitFor(async () => {
      const v = await sequence(panel);
      return v && v.arrows.some((a) => a.type === 'reply' && /\d+ ms/.test(a.label)) ? v : null;
    }, 'the sequence diagram with a reply');
    expect(view.lanes.slice(0, 2).map((l) => [l.role, l.tone])).toEqual([['page', 'normal'], ['iframe', 'normal']]);
    expect(view.lanes[0]!.origin).toBe(suite.demo.urls.domainA);
    const hello = view.arrows.find((a) => a.type === 'hello')!;
    expect(hello).toMatchObject({ from: view.lanes[0]!.origin, to: view.lanes[1]!.origin, tone: 'normal' });
    expect(hello.label).toMatch(/^hello · \d+ ms$/);
    expect(hello.title).toContain(`hello ${suite.demo.urls.domainA} → ${view.lanes[1]!.origin}`);
    expect(view.arrows.filter((a) => a.tone === 'error')).toEqual([]);
    expect(view.arrows.every((a) => a.stroke !== view.error)).toBe(true);

    // A click on an arrow opens its row of the channel log, selected.
    await (await panel.$('[data-testid="seq-arrow"][data-type="hello"]'))!.click();
    const selected = await waitFor(() => panel.$('[data-testid="channel-row"].selected'), 'a selected channel row');
    expect(await selected.evaluate((el) => [el.getAttribute('data-type'), el.getAttribute('data-seen-in')])).toEqual(['hello', 'iframe']);
  });

  it('Cookie sync on the untrusted site: its lane and its refused messages in the error colour', async () => {
    const { page, panel } = await openCookieSync(suite.lens, `${suite.demo.urls.untrusted}/steal.html`);
    suite.pages.push(page);
    await page.waitForSelector('[data-testid="steal-result"][data-done="true"]', { timeout: 15_000 });
    await waitForSync(panel, 'untrusted');
    const view = await waitFor(async () => {
      const v = await sequence(panel);
      return v && v.arrows.filter((a) => a.type === 'reply' && a.tone === 'error').length > 0 && v.lanes.some((l) => l.tone === 'error') ? v : null;
    }, 'an untrusted lane and refused replies');
    const untrusted = view.lanes.find((l) => l.role === 'page')!;
    expect(untrusted).toMatchObject({ origin: suite.demo.urls.untrusted, tone: 'error', color: view.error });
    expect(view.lanes.find((l) => l.role === 'iframe')).toMatchObject({ tone: 'normal' });
    const refused = view.arrows.filter((a) => a.tone === 'error');
    expect(refused.some((a) => a.type === 'load' && a.from === suite.demo.urls.untrusted)).toBe(true);
    expect(refused.some((a) => a.type === 'reply' && a.title.includes('untrusted-origin'))).toBe(true);
    expect(refused.every((a) => a.stroke === view.error)).toBe(true);
  });
});
