// Every rule over the models of one tab (live or opened from a file). Pure: the panel and the
// `cx-lens report` command line run the same code.
import type { TabModels } from '../store/tab-models';
import type { Finding, Severity } from './types';
import { buildContext, type FindingContext, type Rule } from './context';
import { ruleName } from './rule-names';
import { errorLine } from '../text/bounded';
import { stateRules } from './rules/states';
import { busRules } from './rules/bus';
import { sessionRules } from './rules/session';
import { configRules } from './rules/config';
import { cookieRules } from './rules/cookies';
import { injectionRules } from './rules/injection';

/** Every rule, in the order their findings are listed within a severity. */
export const RULES: readonly Rule[] = [...stateRules, ...sessionRules, ...busRules, ...configRules, ...cookieRules, ...injectionRules];

export const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** A rule that failed: what it checks is unknown (never "nothing is wrong"). */
export interface RuleFailure {
  /** The rule's name (rule-names.ts). */
  rule: string;
  /** One line: the error. */
  error: string;
}

export interface RulesResult {
  /** Most severe first, one per key. */
  findings: Finding[];
  /** The rules that failed, in rule order; empty when every rule ran. */
  failed: RuleFailure[];
}

/** All findings of these models at `now` (ms epoch), most severe first, and the rules that failed.
 *  Never throws: a rule that fails is listed, and the others go on. */
export function runRules(models: TabModels, now: number): RulesResult {
  let ctx: FindingContext;
  try {
    ctx = buildContext(models, now);
  } catch (error) {
    console.error('CX Lens: the findings context could not be built', error);
    return { findings: [], failed: RULES.map((rule, i) => ({ rule: ruleName(rule, i), error: errorLine(error) })) };
  }
  const byKey = new Map<string, Finding>();
  const failed: RuleFailure[] = [];
  RULES.forEach((rule, i) => {
    let found: Finding[];
    try {
      found = rule(ctx);
      // What a rule returns is checked as much as it is read: a list of findings with keys.
      if (!Array.isArray(found)) throw new TypeError('the rule returned no list');
      for (const f of found) if (!byKey.has(f.key)) byKey.set(f.key, f);
    } catch (error) {
      // One rule that cannot read odd data must not take the others down, nor pass for "nothing wrong".
      console.error('CX Lens: a findings rule threw', error);
      failed.push({ rule: ruleName(rule, i), error: errorLine(error) });
    }
  });
  return { findings: sortFindings([...byKey.values()]), failed };
}

/** All findings of these models at `now` (ms epoch), most severe first (runRules also says which
 *  rules failed). */
export function computeFindings(models: TabModels, now: number): Finding[] {
  return runRules(models, now).findings;
}

/** Most severe first; within a severity, the most recently seen first. */
export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || b.lastSeen - a.lastSeen || (a.key < b.key ? -1 : 1));
}
