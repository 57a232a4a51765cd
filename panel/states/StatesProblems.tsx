// What the States view could not read cleanly: malformed chat API responses (the real Widgets
// transport would throw on them) and parse problems (helper objects inside `messages`, missing
// or unknown states, cut payloads). Marked, never fatal: the rest of the timeline still shows.
import type { Timeline } from '../../src/analysis/states/timeline';
import { formatClock, plural } from '../../src/analysis/text/summary';
import { problemItems } from '../../src/analysis/states/status';

/** Rows listed; the newest are kept. */
const MAX_LISTED = 100;
/** Lines of detail listed per row (a malformed response can carry a problem per item). */
const MAX_DETAIL = 20;

export function StatesProblems({ timeline }: { timeline: Timeline }) {
  const items = problemItems(timeline);
  if (items.length === 0) return null;
  const shown = items.slice(-MAX_LISTED);
  return (
    <section class="states-problems" aria-label="Problems">
      <h3>⚠ {items.length === 1 ? '1 problem' : `${items.length} problems`} in what the page received</h3>
      {items.length > shown.length && <p class="muted">{items.length - shown.length} earlier problems not listed.</p>}
      <ul>
        {shown.map((item) => (
          <li key={item.key} data-testid="states-problem" data-code={item.code} data-source={item.source}>
            <span class="p-time">{formatClock(item.time)}</span>
            <span class={`src src-${item.source}`}>{item.source}</span>
            <span class="p-title">{item.title}</span>
            {item.url && <span class="p-url" title={item.url}>{shortUrl(item.url)}</span>}
            {item.detail.length > 0 && (
              <ul class="p-detail">
                {item.detail.slice(0, MAX_DETAIL).map((d, i) => <li key={i}>{d}</li>)}
                {item.detail.length > MAX_DETAIL && <li class="muted">… and {plural(item.detail.length - MAX_DETAIL, 'more problem')} in this response</li>}
              </ul>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

function shortUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.pathname}${u.search}`;
  } catch {
    return url;
  }
}
