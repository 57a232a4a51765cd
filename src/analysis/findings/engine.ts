// Every rule over the models of one tab (live or opened from a file). Pure: the panel and the
// `cx-lens report` command line run the same code.
import type { TabModels } from '../store/tab-models';
import type { Finding, Severity } from './types';
import { buildContext, type Rule } from './context';
import { stateRules } from './rules/states';
import { busRules } from './rules/bus';
import { sessionRules } from './rules/session';
import { configRules } from './rules/config';
import { cookieRules } from './rules/cookies';
import { injectionRules } from './rules/injection';

/** Every rule, in the order their findings are listed within a severity. */
export const RULES: readonly Rule[] = [...stateRules, ...sessionRules, ...busRules, ...configRules, ...cookieRules, ...injectionRules];

export const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** All findings of these models at `now` (ms epoch), most severe first. */
export function computeFindings(models: TabModels, now: number): Finding[] {
  const ctx = buildContext(models, now);
  const byKey = new Map<string, Finding>();
  for (const rule of RULES) {
    let found: Finding[];
    try {
      found = rule(ctx);
    } catch (error) {
      // One rule that cannot read odd data must not take the others down.
      console.error('CX Lens: a findings rule threw', error);
      continue;
    }
    for (const f of found) if (!byKey.has(f.key)) byKey.set(f.key, f);
  }
  return sortFindings([...byKey.values()]);
}

/** Most severe first; within a severity, the most recently seen first. */
export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || b.lastSeen - a.lastSeen || (a.key < b.key ? -1 : 1));
}
