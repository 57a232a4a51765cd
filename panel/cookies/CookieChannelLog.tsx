// The channel log: every cross-frame message the channel hook recorded in the tab's frames (cookie
// channel messages and cross-origin messages), with request↔reply latency and the masked payload,
// and a count of what a flood pushed past the hook's rate limit. Page data is rendered as text.
import type { GapSummary, LogEntry } from '../../src/analysis/cookies/cookie-sync';
import { maskSecrets } from '../../src/analysis/text/secrets';
import { formatClock, formatCount, formatDuration, summarize } from '../../src/analysis/text/summary';
import { JsonTree } from '../components/JsonTree';
import { clipText } from '../../src/analysis/text/bounded';

/** A page string as a cell shows it: a bounded prefix. */
const cell = (s: string): string => clipText(s, 300);

/** Rows in the DOM: the newest ones. */
const SHOWN = 300;

interface Props {
  log: LogEntry[];
  gaps: GapSummary | null;
  dropped: number;
  selected: string | null;
  onSelect(key: string | null): void;
}

/** A log row by keyboard: Enter or Space shows (or hides) its payload, arrows and Home/End move between rows. */
function rowKey(e: KeyboardEvent, toggle: () => void): void {
  const row = e.currentTarget as HTMLElement;
  if (e.key === 'Enter' || e.key === ' ') {
    e.preventDefault();
    toggle();
    return;
  }
  const rows = [...(row.parentElement?.children ?? [])] as HTMLElement[];
  const at = rows.indexOf(row);
  const to = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: rows.length - 1 }[e.key];
  if (to === undefined) return;
  e.preventDefault();
  rows[Math.max(0, Math.min(rows.length - 1, to))]?.focus();
}

export function CookieChannelLog({ log, gaps, dropped, selected, onSelect }: Props) {
  const shown = log.length > SHOWN ? log.slice(log.length - SHOWN) : log;
  const chosen = selected ? log.find((e) => e.key === selected) : undefined;
  const skipped = gaps ? gaps.channel + gaps.other : 0;
  return (
    <section class="channel-log" aria-label="Channel log">
      <h3>
        Channel log <span class="count" data-testid="channel-count" data-count={log.length}>({formatCount(log.length)} messages{log.length > SHOWN ? `, newest ${SHOWN} shown` : ''})</span>
      </h3>
      {gaps && (
        <p class="channel-gap warn" data-testid="channel-gap" data-count={skipped}>
          {formatCount(skipped)} messages not recorded ({formatCount(gaps.channel)} channel, {formatCount(gaps.other)} other) between {formatClock(gaps.from)} and{' '}
          {formatClock(gaps.to)}: a flood past the hook's rate limit. Most from {gaps.origins.map((o) => `${o.origin} (${formatCount(o.count)})`).join(', ')}.
        </p>
      )}
      {dropped > 0 && <p class="warn" data-testid="channel-dropped">{formatCount(dropped)} oldest messages dropped from this log.</p>}
      {log.length === 0 ? (
        <p class="hint">No cross-frame messages yet. The hook records the cookie channel's messages and any cross-origin message between a frame and another, in every frame of the tab.</p>
      ) : (
        <div class="channel-table-wrap" tabIndex={0} role="region" aria-label="Channel messages">
          <table class="channel-table">
            <thead>
              <tr><th>time</th><th>seen in</th><th>from → to</th><th>target</th><th>type</th><th>id</th><th>latency</th><th>result</th><th>payload (masked)</th></tr>
            </thead>
            <tbody>
              {shown.map((e) => (
                <tr
                  key={e.key} data-testid="channel-row" data-type={cell(e.type)} data-seen-in={e.seenIn} data-direction={e.direction}
                  class={`${e.channel ? 'is-channel' : 'not-channel'}${e.key === selected ? ' selected' : ''}`}
                  tabIndex={0} aria-current={e.key === selected || undefined}
                  onClick={() => onSelect(e.key === selected ? null : e.key)}
                  onKeyDown={(ev) => rowKey(ev, () => onSelect(e.key === selected ? null : e.key))}
                >
                  <td class="mono">{formatClock(e.time)}</td>
                  <td>{e.seenIn}{e.direction === 'out' ? ' (posted)' : ''}</td>
                  <td class="mono">{cell(e.from)} → {cell(e.to)}</td>
                  <td class="mono">{cell(e.targetOrigin ?? '—')}{e.delivered === false ? ' (dropped)' : ''}</td>
                  <td>{cell(e.type)}</td>
                  <td class="mono">{cell(e.id ?? '')}</td>
                  <td data-testid="channel-latency">{e.latency !== undefined ? formatDuration(e.latency) : ''}</td>
                  <td>{cell(e.outcome ?? '')}</td>
                  <td class="mono payload">{summarize(maskSecrets(e.data).value)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {chosen && (
        <div class="channel-detail" data-testid="channel-detail">
          <h3>{cell(chosen.type)} · {cell(chosen.from)} → {cell(chosen.to)}{chosen.carriesSession ? ' · carries a session cookie (masked)' : ''}</h3>
          <JsonTree value={maskSecrets(chosen.data).value} />
        </div>
      )}
    </section>
  );
}
