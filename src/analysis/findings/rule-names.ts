// The name of each rule, for saying which one failed: its export's name in kebab case
// (`noFinalizeReaction` → `no-finalize-reaction`, its RuleId for most). Read from the rule modules'
// export names, which a minified build keeps, unlike the functions' own names.
import * as states from './rules/states';
import * as session from './rules/session';
import * as bus from './rules/bus';
import * as config from './rules/config';
import * as cookies from './rules/cookies';
import * as injection from './rules/injection';

const NAMES = new Map<unknown, string>();
for (const rules of [states, session, bus, config, cookies, injection]) {
  for (const [name, value] of Object.entries(rules)) {
    if (typeof value === 'function' && !NAMES.has(value)) NAMES.set(value, name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`));
  }
}

/** The rule's name; for a rule of no rule module (a test's), its position in the list. */
export function ruleName(rule: unknown, position: number): string {
  return NAMES.get(rule) ?? `rule ${position + 1}`;
}
