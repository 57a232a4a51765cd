// The Cookie sync verdict (data-testid="sync-status", data-state) and the facts table behind it.
// Every value comes from the page or the iframe: rendered as text only.
import type { SyncVerdict } from '../../src/analysis/cookies/sync-verdict';
import type { FactRow } from '../../src/analysis/cookies/cookie-sync';

const TITLES: Record<SyncVerdict['state'], string> = {
  'in-sync': 'In sync',
  'out-of-sync': 'Out of sync',
  blocked: 'Blocked by the browser',
  untrusted: 'Not trusted',
  'no-iframe': 'No cookie iframe',
  'late-load': 'Loaded too late',
};

export function CookieStatus({ verdict }: { verdict: SyncVerdict }) {
  return (
    <section class={`sync-status sync-${verdict.state}`} data-testid="sync-status" data-state={verdict.state} aria-live="polite">
      <strong class="sync-title">{TITLES[verdict.state]}</strong>
      <span class="sync-reason" data-testid="sync-reason">{verdict.reason}</span>
    </section>
  );
}

export function CookieFacts({ rows }: { rows: FactRow[] }) {
  return (
    <section class="cookie-facts" aria-label="Sync facts">
      <h3>Facts</h3>
      <dl class="fields" data-testid="sync-facts">
        {rows.map((row) => (
          <div key={row.key} class="fact" data-testid="sync-fact" data-key={row.key}>
            <dt>{row.label}</dt>
            <dd class={`tone-${row.tone}`}>{row.value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
