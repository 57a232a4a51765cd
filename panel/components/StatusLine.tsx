// The capture status line: what is being captured and, when nothing is, why; per-frame details.
import type { LogModel } from '../../src/core/log-model';
import { captureStatus } from '../../src/core/log-model';
import { formatCount } from '../../src/core/summary';

export function StatusLine({ model, now }: { model: LogModel; now: number }) {
  const s = captureStatus(model, now);
  return (
    <footer class={`status s-${s.state}`} data-testid="capture-status" data-state={s.state} data-dropped={s.dropped} data-lost={s.lost}>
      <span class="dot" aria-hidden="true" />
      <span class="status-text" title={s.message}>{s.message}</span>
      {s.lost > 0 && (
        <span class="warn" data-testid="dropped" title="Records the page's buffer (5,000 per frame) dropped before the panel read them">
          · {formatCount(s.lost)} lost (page buffer full)
        </span>
      )}
      {s.frames.length > 0 && (
        <details class="frames">
          <summary>{s.frames.length} frame{s.frames.length === 1 ? '' : 's'}</summary>
          <ul data-testid="frames">
            {s.frames.map((f) => (
              <li key={f.docId} data-testid="frame-status" data-bus={f.bus} data-top={f.top ? 'true' : 'false'}>
                <b>{f.top ? 'top' : 'iframe'}</b> <span class="mono">{f.url || f.docId}</span>
                {' · CXBus '}{f.bus === 'unknown' ? 'not reported' : f.bus}
                {f.quickBus && ' · QuickBus'}
                {f.plugins.length > 0 && ` · plugins: ${f.plugins.join(', ')}`}
                {/* The relay's count includes records it had already streamed; seq gaps are the real loss. */}
                {f.dropped > 0 && ` · page buffer dropped ${formatCount(f.dropped)} (${formatCount(f.lost)} before this panel read them)`}
                {f.problems.map((p, i) => <div key={i} class="warn">⚠ {p}</div>)}
              </li>
            ))}
          </ul>
        </details>
      )}
    </footer>
  );
}
