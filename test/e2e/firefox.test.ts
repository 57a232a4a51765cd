// The Firefox build (dist-firefox/, npm run build:firefox) in Debian's firefox-esr with the real
// DevTools toolbox and the CX Lens panel: bus capture from the first event, a recording opened, the
// cross-domain Cookie sync verdict, and the finalize handler switched on from the panel. One
// browser and one tab for the file (the panel follows the tab across navigations). Without Firefox
// installed these tests fail, as the Chromium ones do without Chromium: CI installs both (.ci/run).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { startDemo, type Demo } from '../demo/server/index.mjs';
import { waitFor } from '../support/harness';
import { startChat } from '../support/demo-driver';
import { startChatFromForm, transcriptHas } from '../support/cookie-driver';
import { customerSays, agentJoinsAndSaysHi } from '../support/states-driver';
import { captureSite, launchFirefox, openFirefoxPanel, type FirefoxLens, type FirefoxPanel } from '../support/firefox';

const RECORDING = resolve(import.meta.dirname, '../fixtures/cli/no-handler.cx-lens.json');

let demo: Demo;
let lens: FirefoxLens;
let panel: FirefoxPanel;

beforeAll(async () => {
  demo = await startDemo({ port: 0, apiPort: 0, pollTimeoutMs: 600 });
  // Third-party cookies unpartitioned, so that the cookie iframe carries the chat across domains.
  lens = await launchFirefox({ thirdPartyCookies: true });
});
afterAll(async () => {
  await lens?.close();
  await demo?.close();
});

/** The panel the first test opened: a test after it fails at once, and says why, if it did not. */
function live(): FirefoxPanel {
  if (!panel) throw new Error('the CX Lens panel was not opened (the first test failed to open it: see its error)');
  return panel;
}

/** Shows a tab of the panel by its button. */
async function showTab(view: string): Promise<void> {
  expect(await live().click(`[data-testid="tab-${view}"]`)).toBe(true);
}

function syncVerdict(): Promise<{ state: string; reason: string }> {
  return live().eval(() => {
    const el = document.querySelector('[data-testid="sync-status"]');
    return { state: el?.getAttribute('data-state') ?? '', reason: (el?.querySelector('[data-testid="sync-reason"]') as HTMLElement | null)?.innerText ?? '' };
  });
}

describe('CX Lens in Firefox', () => {
  it('captures a bus from its first event, and the panel shows the rows', async () => {
    await lens.page.goto(`${demo.urls.domainA}/inline-bus.html`, { waitUntil: 'domcontentloaded' });
    expect(await lens.page.evaluate(() => (window as any).inlineFirstPublished)).toBe(true);
    panel = await openFirefoxPanel(lens);
    await showTab('bus');
    // It is the bus's very first event: nothing was published before it.
    const events = await waitFor(async () => {
      const rows = await panel.busRows('kind:event').catch(() => []); // tried again until it answers
      return rows.length > 0 ? rows : undefined;
    }, 'event rows in the Bus view');
    expect(events.every((r) => r.kind === 'event')).toBe(true);
    expect(events[0]!.name).toBe('Inline.first');
    const status = await panel.eval(() => document.querySelector('[data-testid="capture-status"]')?.getAttribute('data-state'));
    expect(status).toBe('capturing');
  });

  it('opens a recording: the banner names the file and the views show its records', async () => {
    const text = readFileSync(RECORDING, 'utf8');
    await live().eval((content: string) => {
      // What choosing the file in Open… hands the panel.
      const transfer = new window.DataTransfer();
      transfer.items.add(new window.File([content], 'no-handler.cx-lens.json', { type: 'application/json' }));
      const input = document.querySelector('[data-testid="open-file"]') as HTMLInputElement;
      input.files = transfer.files;
      input.dispatchEvent(new window.Event('change', { bubbles: true }));
    }, text);
    const banner = await live().waitFor(() => {
      const el = document.querySelector('[data-testid="recording-banner"]');
      return el && { source: el.getAttribute('data-source'), name: el.querySelector('[data-testid="recording-name"]')?.textContent };
    }, 'the recording banner', 20_000);
    expect(banner).toEqual({ source: 'recording', name: 'no-handler.cx-lens.json' });
    await showTab('states');
    const states = await live().waitFor(() => {
      const rows = [...document.querySelectorAll('[data-testid="state-row"]')].map((el) => el.getAttribute('data-state'));
      return rows.length ? rows : null;
    }, 'state rows of the recording', 10_000);
    expect(states).toEqual(['Finalizing', 'Active', 'Completed']);
    expect(await live().click('[data-testid="back-to-live"]')).toBe(true);
    await live().waitFor(() => document.querySelector('[data-testid="recording-banner"]') === null, 'the live view back', 10_000);
  });

  it('the cross-domain demo: a chat started on domain A goes on on domain B, and Cookie sync says in-sync', async () => {
    await lens.page.goto(`${demo.urls.domainA}/xdomain.html`, { waitUntil: 'domcontentloaded' });
    await captureSite(lens, live());
    await showTab('cookies');
    const sessionId = await startChatFromForm(lens.page, demo);
    demo.agent.join(sessionId, 'Agent Alex');
    demo.agent.say(sessionId, 'Hello from domain A');
    await waitFor(() => transcriptHas(lens.page, 'Hello from domain A'), 'the agent text on domain A');

    await lens.page.goto(`${demo.urls.domainB}/xdomain.html?load=await`, { waitUntil: 'domcontentloaded' });
    await captureSite(lens, live());
    await waitFor(() => transcriptHas(lens.page, 'Hello from domain A'), 'the transcript restored on domain B');
    expect(demo.agent.sessions().map((s) => s.id)).toEqual([sessionId]);
    const verdict = await waitFor(async () => {
      const v = await syncVerdict();
      return v.state === 'in-sync' ? v : undefined;
    }, 'the verdict in-sync', 20_000).catch(async (e: Error) => { throw new Error(`${e.message}; last ${JSON.stringify(await syncVerdict())}`); });
    expect(verdict.reason).toMatch(/same session/);
    demo.agent.end(sessionId);
  });

  it('the finalize handler switched on from the States tab injects its notice in an async chat', async () => {
    await lens.page.goto(`${demo.urls.domainA}/chat.html`, { waitUntil: 'domcontentloaded' });
    await captureSite(lens, live());
    await showTab('states');
    const sessionId = await startChat(lens.page, demo);
    await customerSays(lens.page, demo, sessionId, 'My order has not arrived');
    await agentJoinsAndSaysHi(lens.page, demo, sessionId);

    await live().waitFor(() => document.querySelector('[data-testid="toggle-finalize"]') !== null, 'the finalize switch', 10_000);
    expect(await live().click('[data-testid="toggle-finalize"]')).toBe(true);
    await live().waitFor(() => document.querySelector('[data-testid="finalize-status"]')?.getAttribute('data-state') === 'installed', 'finalize installed', 15_000);
    demo.agent.setState(sessionId, 'Finalizing');

    await lens.page.waitForFunction(() => [...document.querySelectorAll('[data-testid="chat-message"][data-type="injected"]')]
      .some((m) => m.textContent?.includes('Please do not respond')), { timeout: 15_000 });
    const status = await live().waitFor(() => {
      const el = document.querySelector('[data-testid="finalize-status"]');
      return el?.getAttribute('data-state') === 'fired' && (el as HTMLElement).innerText;
    }, 'finalize status fired', 15_000);
    expect(status).toMatch(/injectMessage \(Finalizing\)/);
    const reaction = await live().waitFor(() => [...document.querySelectorAll('[data-testid="state-row"][data-state="Finalizing"] [data-testid="reaction"]')]
      .map((el) => el.getAttribute('data-reaction')).find((r) => r === 'inject'), 'the reaction inject on the timeline', 15_000);
    expect(reaction).toBe('inject');
    // Seen on the bus and in the chat API's response (devtools.network in Firefox) alike: one merged row.
    await live().waitFor(() => [...document.querySelectorAll('[data-testid="state-row"][data-state="Finalizing"]')]
      .some((el) => el.getAttribute('data-source') === 'bus network'), 'Finalizing from both sources', 15_000);
  });
});
