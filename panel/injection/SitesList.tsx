// The sites CX Lens captures: each switched-on origin with the frame origins it brought in (the
// cookie iframe's host…), a remove button each, and the "all sites" choice (CX Lens's behaviour
// before site access). Changes go to the worker, which answers with the new list.
import type { SiteAccessModel } from '../../src/analysis/injection/site-access';

export function SitesList({ sites }: { sites: SiteAccessModel }) {
  const list = sites.list;
  if (!list) return null; // a file is shown, or the worker has not answered yet
  const rows = sites.sites;
  return (
    <section class="inj-sites" aria-labelledby="inj-sites-heading" data-testid="sites">
      <h3 class="inj-heading" id="inj-sites-heading">Sites CX Lens captures</h3>
      <p class="muted">
        CX Lens's page scripts run only on these sites (every frame of their pages, from the first event), and on the
        frames' origins listed with each. On any other site no CX Lens script runs at all.
      </p>
      <label class="inj-all">
        <input
          type="checkbox" data-testid="sites-all" checked={list.all}
          onChange={(e) => sites.send({ type: 'site-all', on: (e.currentTarget as HTMLInputElement).checked })}
        />
        {' '}Capture on all sites (every frame of every page you visit)
      </label>
      {rows.length === 0 ? (
        <p class="muted" data-testid="sites-empty">No site switched on{list.all ? ' (all sites are captured)' : ''}.</p>
      ) : (
        <ul class="inj-site-list">
          {rows.map((row) => (
            <li key={row.origin} data-testid="site" data-origin={row.origin}>
              <span class="mono">{row.origin}</span>
              {row.frames.length > 0 && (
                <span class="muted" data-testid="site-frames"> · frames: {row.frames.join(', ')}</span>
              )}
              <button
                type="button" data-testid="remove-site" aria-label={`Remove ${row.origin}`}
                onClick={() => sites.send({ type: 'site', origin: row.origin, on: false })}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
