// Runs axe-core inside the real CX Lens panel frame and turns its violations into lines a failing
// test can print: "impact rule ×nodes: help [targets]".
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Frame } from 'puppeteer-core';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** WCAG 2.1 A and AA, and axe's best practices. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];
/** The impacts the panel must have none of. */
export const BLOCKING_IMPACTS = ['critical', 'serious', 'moderate'];

export interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  nodes: number;
  targets: string[];
}

/** Runs axe over the panel's whole document (hidden views are out of it, as for a screen reader). */
export async function runAxe(panel: Frame): Promise<AxeViolation[]> {
  if (!(await panel.evaluate(() => 'axe' in window))) await panel.evaluate(AXE_SOURCE);
  return panel.evaluate(async (tags) => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: { id: string; impact?: string; help: string; nodes: { target: unknown[] }[] }[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id, impact: v.impact ?? 'unknown', help: v.help, nodes: v.nodes.length,
      targets: v.nodes.slice(0, 3).map((n) => JSON.stringify(n.target)),
    }));
  }, AXE_TAGS);
}

/** The violations that count (critical, serious, moderate). */
export function blocking(violations: AxeViolation[]): AxeViolation[] {
  return violations.filter((v) => BLOCKING_IMPACTS.includes(v.impact));
}

export function describeViolations(violations: AxeViolation[]): string {
  return violations.map((v) => `${v.impact} ${v.id} ×${v.nodes}: ${v.help} ${v.targets.join(' ')}`).join('\n');
}
