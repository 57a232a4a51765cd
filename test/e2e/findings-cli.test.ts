// The command line against the real panel: a demo chat whose page has no finalize handler is saved
// from the real CX Lens panel (a real download), and `npx cx-lens report` on that file prints the
// same rule ids as the panel's Findings tab shows, live and with the file opened.
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { Frame } from 'puppeteer-core';
import { waitFor } from '../support/harness';
import { startChat } from '../support/demo-driver';
import { demoSuite } from './demo-suite';
import { agentJoinsAndSaysHi, customerSays, openStates, stateRows, waitForStateRow } from '../support/states-driver';
import { backToLive, catchDownloads, openFile, showTab, waitForBanner } from '../support/recording-driver';

const ROOT = resolve(import.meta.dirname, '../..');
const suite = demoSuite({ pollTimeoutMs: 600 });

interface PanelFinding {
  rule: string;
  severity: string;
}

async function panelFindings(panel: Frame): Promise<PanelFinding[]> {
  return panel.$$eval('[data-testid="finding"]', (els) => els.map((el) => ({ rule: el.getAttribute('data-rule') ?? '', severity: el.getAttribute('data-severity') ?? '' })));
}

const ruleIds = (findings: readonly { rule: string }[]): string[] => [...new Set(findings.map((f) => f.rule))].sort();

/** `npx cx-lens ARGS` from the repository root, as a user runs it (never fetched: --no-install). */
async function cxLens(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)('npx', ['--no-install', 'cx-lens', ...args], {
      cwd: ROOT,
      // No colours (the output is read as text); no check of npm's own version on the network.
      env: { ...process.env, NO_COLOR: '1', npm_config_update_notifier: 'false' },
      maxBuffer: 64 * 1024 * 1024,
      // A hung command fails here, with its name, rather than as the whole test's timeout.
      timeout: 90_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw error;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('cx-lens report on a recording saved from the panel', () => {
  // A whole chat, its reaction window, a download and two runs of the command (each compiles the
  // TypeScript afresh): longer than one browser step.
  it('a chat without a finalize handler: the CLI prints the rule ids the Findings tab shows, and exits 1 exactly when one is an error', { timeout: 180_000 }, async () => {
    const downloads = await catchDownloads(suite.lens.browser);
    try {
      const { page, panel } = await openStates(suite.lens, `${suite.demo.urls.domainA}/chat.html`);
      suite.pages.push(page);
      const sessionId = await startChat(page, suite.demo);
      await customerSays(page, suite.demo, sessionId, 'My order has not arrived');
      await agentJoinsAndSaysHi(page, suite.demo, sessionId);
      suite.demo.agent.setState(sessionId, 'Finalizing');
      // No handler on this page: once the reaction window closes, the panel says so.
      await waitForStateRow(panel, (r) => r.state === 'Finalizing' && r.reaction === 'none', 'Finalizing without a reaction', 15_000);
      await customerSays(page, suite.demo, sessionId, 'Thank you!');
      await panel.waitForSelector('[data-testid="segment-flag"]');
      // Every state from both sources, as the saved file will hold them.
      await waitFor(async () => {
        const rows = await stateRows(panel);
        return rows.length > 0 && rows.every((r) => r.source === 'bus network');
      }, 'every live state from both sources');

      await showTab(panel, 'findings');
      const live = await waitFor(async () => {
        const found = await panelFindings(panel);
        const rules = ruleIds(found);
        return rules.includes('no-finalize-reaction') && rules.includes('segment-after-finalize') ? found : null;
      }, 'no-finalize-reaction and segment-after-finalize in the Findings tab');

      await panel.$eval('[data-testid="save-recording"]', (el) => (el as HTMLElement).click());
      await panel.$eval('[data-testid="save-recording-confirm"]', (el) => (el as HTMLElement).click());
      const path = await downloads.next();

      const machine = await cxLens(['report', '--json', path]);
      expect(machine.stderr).toBe('');
      const report = JSON.parse(machine.stdout) as { file: { kind: string }; findings: { rule: string; severity: string }[] };
      expect(report.file.kind).toBe('recording');
      expect(ruleIds(report.findings)).toEqual(ruleIds(live));
      const errors = live.some((f) => f.severity === 'error');
      expect(machine.code).toBe(errors ? 1 : 0);

      const human = await cxLens(['report', path]);
      expect(human.code).toBe(machine.code);
      expect(human.stdout).toContain(`Session ${sessionId}`);
      expect(human.stdout).toMatch(/state Finalizing +\[bus\+network\] → ⚠ no reaction/);
      for (const rule of ruleIds(live)) expect(human.stdout).toContain(rule);
      expect(human.stdout).not.toContain('\x1b[');

      // The panel with the saved file open shows the same findings as the command line.
      await openFile(panel, path);
      await waitForBanner(panel);
      await showTab(panel, 'findings');
      const opened = await waitFor(async () => {
        const found = await panelFindings(panel);
        return found.length > 0 ? found : null;
      }, 'the findings of the opened file');
      expect(ruleIds(opened)).toEqual(ruleIds(report.findings));
      await backToLive(panel);
    } finally {
      await downloads.close();
      rmSync(downloads.dir, { recursive: true, force: true });
    }
  });
});
