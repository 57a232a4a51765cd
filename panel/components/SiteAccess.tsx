// The site access banner: on a page CX Lens does not capture, it says so, names the origin, and
// offers to switch the site on (and reload, so capture starts from the first event) or to start
// now without a reload. Where the site is captured, it lists the frames that are not yet, and the
// worker's last note (a feature switched the site on, capture started without a reload).
import type { TabModels } from '../../src/analysis/store/tab-models';
import { useModel } from '../hooks/store';

export function SiteAccessBanner({ models }: { models: TabModels }) {
  useModel(models.store);
  const { sites } = models;
  const origin = sites.offer;
  const pending = sites.pendingFrames;
  const note = sites.noteText();
  if (!origin && pending.length === 0 && !note) return null;
  return (
    <section class="site-access" role="region" aria-label="Site access" data-testid="site-access" data-origin={origin ?? undefined}>
      {origin && (
        <div class="sa-offer">
          <p>
            CX Lens is not capturing <b class="mono" data-testid="site-origin">{origin}</b>: it runs no script on sites you have not
            switched on. States still shows the chat API responses DevTools records; bus traffic, the cookie channel and
            injection reports need capture.
          </p>
          <div class="sa-actions">
            <button type="button" data-testid="capture-site" onClick={() => sites.send({ type: 'site', origin, on: true, reload: true })}>
              Capture this site and reload
            </button>
            <button type="button" data-testid="capture-now" onClick={() => sites.send({ type: 'site-start-now' })}>
              Start now, without reload
            </button>
          </div>
        </div>
      )}
      {pending.length > 0 && (
        <div class="sa-frames" data-testid="frames-not-captured">
          <p>Frames not captured yet:</p>
          <ul>
            {pending.map((f) => (
              <li key={f.origin} data-testid="frame-not-captured" data-origin={f.origin}>
                <span class="mono">{f.origin}</span>: {f.why}
              </li>
            ))}
          </ul>
        </div>
      )}
      <p role="status" class="sa-note" data-testid="site-note">{note ?? ''}</p>
    </section>
  );
}
