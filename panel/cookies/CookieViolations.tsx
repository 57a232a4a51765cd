// Trusted-domain violations of the tab's cookie channel (src/analysis/cookies/violations.ts), one row each:
// data-testid="violation-row", data-rule = the rule.
import type { Violation } from '../../src/analysis/cookies/violations';
import { formatClock, formatCount } from '../../src/analysis/text/summary';

const RULES: Record<Violation['rule'], string> = {
  'untrusted-sender': 'untrusted sender',
  'wildcard-target': 'session sent to *',
  'foreign-reply': 'reply from a foreign origin',
  'page-not-trusted': 'page not trusted',
  'lookalike-entry': 'lookalike entry',
  'invalid-entry': 'invalid entry',
};

export function CookieViolations({ violations, selected = null }: { violations: Violation[]; selected?: string | null }) {
  return (
    <section class="cookie-violations" aria-label="Violations">
      <h3>Violations {violations.length > 0 && <span class="count">({violations.length})</span>}</h3>
      {violations.length === 0 ? (
        <p class="hint" data-testid="no-violations">None seen.</p>
      ) : (
        <ul class="violation-list">
          {violations.map((v) => (
            <li key={v.key} class={`violation sev-${v.severity}${v.key === selected ? ' selected' : ''}`} data-testid="violation-row" data-rule={v.rule} data-severity={v.severity}
              data-key={v.key} aria-current={v.key === selected || undefined}
              data-refused={v.refused === undefined ? undefined : String(v.refused)}>
              <span class="badge">{RULES[v.rule]}</span> <span class="violation-message">{v.message}</span>
              {v.count > 1 && <span class="count"> · {formatCount(v.count)} messages</span>}
              {v.firstTime !== undefined && (
                <span class="count"> · {formatClock(v.firstTime)}{v.lastTime !== undefined && v.lastTime !== v.firstTime ? `–${formatClock(v.lastTime)}` : ''}</span>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
