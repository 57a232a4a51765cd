// Reads and drives the Findings tab of the real CX Lens panel through its stable test attributes.
// Shared by test/e2e/findings.test.ts and anything that needs the panel's findings.
import type { Frame } from 'puppeteer-core';
import { waitFor, type Lens } from './harness';
import { openPanelOn, type PanelTab } from './panel-driver';

export interface FindingView {
  rule: string;
  severity: string;
  key: string;
  firstSeen: number;
  lastSeen: number;
  evidence: number;
  text: string;
}

/** Opens `url` in a new tab with DevTools, then the CX Lens panel on its Findings tab. */
export function openFindings(lens: Lens, url: string): Promise<PanelTab> {
  return openPanelOn(lens, url, 'findings', '[data-testid="copy-findings"]');
}

export async function showFindings(panel: Frame): Promise<void> {
  await panel.$eval('[data-testid="tab-findings"]', (el) => (el as HTMLElement).click());
  await panel.waitForSelector('[data-testid="view-findings"]:not([hidden])');
}

export async function findings(panel: Frame): Promise<FindingView[]> {
  return panel.$$eval('[data-testid="finding"]', (els) => els.map((el) => ({
    rule: el.getAttribute('data-rule') ?? '',
    severity: el.getAttribute('data-severity') ?? '',
    key: el.getAttribute('data-key') ?? '',
    firstSeen: Number(el.getAttribute('data-first-seen')),
    lastSeen: Number(el.getAttribute('data-last-seen')),
    evidence: Number(el.getAttribute('data-evidence')),
    text: (el as HTMLElement).innerText,
  })));
}

/** Waits until a finding of `rule` (and `match`) shows; returns it. */
export async function waitForFinding(panel: Frame, rule: string, match: (f: FindingView) => boolean = () => true, timeoutMs = 20_000): Promise<FindingView> {
  let seen: string[] = [];
  return waitFor(async () => {
    const all = await findings(panel);
    seen = all.map((f) => f.rule);
    return all.find((f) => f.rule === rule && match(f));
  }, `a ${rule} finding`, timeoutMs).catch((e: Error) => { throw new Error(`${e.message} (findings shown: ${seen.join(', ') || 'none'})`); });
}

/** The count on the Findings tab's button. */
export async function findingsCount(panel: Frame): Promise<{ errors: number; warnings: number; text: string }> {
  return panel.$eval('[data-testid="findings-count"]', (el) => ({
    errors: Number(el.getAttribute('data-errors')),
    warnings: Number(el.getAttribute('data-warnings')),
    text: (el as HTMLElement).innerText,
  }));
}

/** Clicks a button inside the finding with this key. */
export async function clickInFinding(panel: Frame, key: string, selector: string): Promise<void> {
  await panel.$$eval('[data-testid="finding"]', (els, k, sel) => {
    const card = els.find((el) => el.getAttribute('data-key') === k);
    const target = card?.querySelector(sel) as HTMLElement | null;
    if (!target) throw new Error(`no ${sel} in finding ${k}`);
    target.click();
  }, key, selector);
}

/** Clicks Copy as Markdown and returns the text it put on the clipboard (the panel's clipboard
 *  write is captured: a headless DevTools frame has no clipboard to read back). */
export async function copyFindings(panel: Frame): Promise<string> {
  await panel.evaluate(() => {
    const w = window as unknown as { __copied?: string };
    delete w.__copied;
    Object.defineProperty(navigator, 'clipboard', {
      configurable: true,
      value: { writeText: (text: string) => { w.__copied = text; return Promise.resolve(); } },
    });
  });
  await panel.click('[data-testid="copy-findings"]');
  return waitFor(() => panel.evaluate(() => (window as unknown as { __copied?: string }).__copied), 'the copied Markdown');
}
