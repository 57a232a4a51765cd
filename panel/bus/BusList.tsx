// The virtualized bus list: fixed-height rows, only the visible ones (plus a few) in the DOM.
// Follows the newest rows while scrolled to the bottom, like the Console.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { PENDING_WARN_MS, type BusModel, type BusRow, type Row } from '../../src/analysis/bus/bus-model';
import { formatClock, formatDuration } from '../../src/analysis/text/summary';
import { clipText } from '../../src/analysis/text/bounded';

export const ROW_HEIGHT = 20;
const OVERSCAN = 8;
/** Characters of a name or source a cell, and its tooltip, show: a page can make them megabytes
 *  long (the detail pane shows the record). */
const CELL_MAX = 300;
const TITLE_MAX = 2000;
export const PAGE_MADE_TITLE = 'Made by the page, not by CX Lens\'s hook: shown as it came, never used for a verdict, a reaction or a finding';

/** A page string cut for a cell. */
export const clip = clipText;

interface Props {
  bus: BusModel;
  rows: Row[];
  /** Changes whenever `rows` may have changed (the array is updated in place). */
  version: number;
  selectedKey: number | null;
  onSelect(row: Row): void;
  /** Enter on the selected row: open its detail (focus the detail pane). */
  onOpen(): void;
  /** Open a row's menu: at a point (a right-click, its ⋯ button), or null at the row (keyboard). */
  onMenu(row: BusRow, at: { x: number; y: number } | null): void;
  now: number;
}

/** Index of the row with this key in a key-ordered list, or -1. */
export function indexOfKey(rows: readonly Row[], key: number | null): number {
  if (key === null) return -1;
  let lo = 0;
  let hi = rows.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const k = rows[mid]!.key;
    if (k === key) return mid;
    if (k < key) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** What a scroll of the list does: follow the newest rows when scrolled to the bottom, and render
 *  the rows in view. A scroll event can come after the list was removed (a file opened or closed
 *  while it scrolled): the element is gone then, and there is nothing to do. */
export function scrollHandler(
  scroller: { readonly current: Pick<HTMLElement, 'scrollTop' | 'clientHeight' | 'scrollHeight'> | null },
  following: { current: boolean },
  setScrollTop: (top: number) => void,
): () => void {
  return () => {
    const el = scroller.current;
    if (!el) return;
    following.current = el.scrollTop + el.clientHeight >= el.scrollHeight - ROW_HEIGHT / 2;
    setScrollTop(el.scrollTop);
  };
}

/** The id of a row's element, for the grid's aria-activedescendant. */
const rowId = (key: number) => `bus-row-${key}`;

/** The row element an event happened in (a right-click), or null. */
function rowKeyAt(target: EventTarget | null): number | null {
  const el = target instanceof Element ? target.closest('[role="row"][id^="bus-row-"]') : null;
  return el ? Number(el.id.slice('bus-row-'.length)) : null;
}

export function BusList({ bus, rows, version, selectedKey, onSelect, onOpen, onMenu, now }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(400);
  const following = useRef(true);
  const total = rows.length * ROW_HEIGHT;

  useLayoutEffect(() => {
    const el = scroller.current!;
    const observer = new ResizeObserver(() => setHeight(el.clientHeight));
    observer.observe(el);
    setHeight(el.clientHeight);
    return () => observer.disconnect();
  }, []);

  // Keep showing the newest rows while the user has not scrolled up.
  useLayoutEffect(() => {
    const el = scroller.current!;
    if (following.current) el.scrollTop = el.scrollHeight;
    // Also catches the browser clamping scrollTop when the list shrank (filter, clear).
    setScrollTop(el.scrollTop);
  }, [version, total]);

  const selectedIndex = indexOfKey(rows, selectedKey);

  // Bring the selected row into view when the selection moves (keyboard).
  useEffect(() => {
    if (selectedIndex < 0) return;
    const el = scroller.current!;
    const top = (selectedIndex + 1) * ROW_HEIGHT; // below the sticky header row
    const scrollTo = top < el.scrollTop + ROW_HEIGHT ? top - ROW_HEIGHT
      : top + ROW_HEIGHT > el.scrollTop + el.clientHeight ? top + ROW_HEIGHT - el.clientHeight : null;
    if (scrollTo === null) return;
    el.scrollTop = scrollTo;
    // Scrolled to a row (revealed from another tab): new rows must not scroll it away again.
    following.current = selectedIndex === rows.length - 1;
  }, [selectedKey]);

  const onScroll = scrollHandler(scroller, following, setScrollTop);

  // A right-click on a row opens its menu; one on the list itself (the browser's own ContextMenu
  // or Shift+F10, sent to the focused list) the selected row's.
  const onContextMenu = (e: MouseEvent) => {
    const key = rowKeyAt(e.target);
    const row = key !== null ? rows[indexOfKey(rows, key)] : e.target === scroller.current ? rows[selectedIndex] : undefined;
    if (!row || row.kind === 'nav') return;
    e.preventDefault();
    if (key === null) return onMenu(row, null);
    onSelect(row);
    onMenu(row, { x: e.clientX, y: e.clientY });
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (!rows.length) return;
    if (e.key === 'ContextMenu' || (e.key === 'F10' && e.shiftKey)) {
      const row = rows[selectedIndex];
      if (row && row.kind !== 'nav') {
        e.preventDefault();
        e.stopPropagation(); // DevTools would take F10 (the debugger's step over)
        onMenu(row, null);
      }
      return;
    }
    if (e.key === 'Enter' && selectedIndex >= 0) {
      e.preventDefault();
      onOpen();
      return;
    }
    const page = Math.max(1, Math.floor(height / ROW_HEIGHT) - 2);
    const from = selectedIndex < 0 ? (e.key === 'ArrowUp' ? rows.length : -1) : selectedIndex;
    const moves: Record<string, number> = {
      ArrowDown: from + 1, ArrowUp: from - 1, PageDown: from + page, PageUp: from - page, Home: 0, End: rows.length - 1,
    };
    const to = moves[e.key];
    if (to === undefined) return;
    e.preventDefault();
    const index = Math.min(rows.length - 1, Math.max(0, to));
    following.current = index === rows.length - 1;
    onSelect(rows[index]!);
  };

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
  const visible = rows.slice(first, last);
  // The selected row, for screen readers, while it is rendered (the list is virtualized).
  const active = selectedIndex >= first && selectedIndex < last ? rowId(selectedKey!) : undefined;

  return (
    <div
      class="list" ref={scroller} tabIndex={0} onScroll={onScroll} onKeyDown={onKeyDown} onContextMenu={onContextMenu} role="grid" aria-label="Bus traffic"
      aria-keyshortcuts="Shift+F10 ContextMenu"
      aria-rowcount={rows.length + 1} aria-activedescendant={active} data-testid="bus-list"
    >
      <div class="row head" role="row" aria-rowindex={1}>
        <span class="c-time" role="columnheader">Time</span>
        <span class="c-kind" role="columnheader">Kind</span>
        <span class="c-name" role="columnheader">Name</span>
        <span class="c-source" role="columnheader">By</span>
        <span class="c-summary" role="columnheader">Summary</span>
        <span class="c-outcome" role="columnheader">Outcome</span>
      </div>
      <div class="rows" role="rowgroup" style={{ height: `${total}px` }}>
        {visible.map((row, i) => (
          <RowView key={row.key} bus={bus} row={row} index={first + i} selected={row.key === selectedKey} onSelect={onSelect} onMenu={onMenu} now={now} />
        ))}
      </div>
      {rows.length === 0 && (
        <div class="list-empty" role="row">
          <span role="gridcell">No bus traffic{bus.counts.event + bus.counts.command + bus.counts.plugin + bus.counts.other + bus.pageMadeCount ? ' matches the filter' : ' yet'}.</span>
        </div>
      )}
    </div>
  );
}

function RowView({ bus, row, index, selected, onSelect, onMenu, now }: { bus: BusModel; row: Row; index: number; selected: boolean; onSelect(row: Row): void; onMenu: Props['onMenu']; now: number }) {
  const style = { transform: `translateY(${index * ROW_HEIGHT}px)` };
  // Stripes by position in the list, not in the DOM (which changes as the list scrolls).
  const stripe = index % 2 ? ' alt' : '';
  if (row.kind === 'nav') {
    return (
      <div class={`row nav${selected ? ' selected' : ''}`} style={style} data-testid="nav-separator" data-url={row.url} data-restored={row.restored ? 'true' : undefined} onClick={() => onSelect(row)}
        role="row" id={rowId(row.key)} aria-rowindex={index + 2} aria-selected={selected}>
        <span class="c-time" role="gridcell">{formatClock(row.time)}</span>
        <span class="nav-text" role="gridcell" title={row.url}>{row.restored ? `Back to ${row.url} (restored from the back/forward cache)` : `Navigated to ${row.url}`}</span>
      </div>
    );
  }
  const outcome = row.kind === 'command' ? bus.outcomeOf(row) : undefined;
  const pendingFor = outcome === 'pending' ? now - row.time : 0;
  const stale = pendingFor > PENDING_WARN_MS;
  return (
    <div
      class={`row k-${row.kind}${stripe}${row.pageMade ? ' page-made' : ''}${selected ? ' selected' : ''}${outcome ? ` o-${outcome}` : ''}${stale ? ' stale' : ''}`}
      style={style}
      role="row"
      id={rowId(row.key)}
      aria-rowindex={index + 2}
      aria-selected={selected}
      data-testid="bus-row"
      data-kind={row.kind}
      data-name={clip(row.name, TITLE_MAX)}
      data-outcome={outcome}
      data-stale={stale ? 'true' : undefined}
      data-truncated={row.truncated ? 'true' : undefined}
      data-page-made={row.pageMade ? 'true' : undefined}
      onClick={() => onSelect(row)}
    >
      <span class="c-time" role="gridcell">{formatClock(row.time)}</span>
      <span class="c-kind" role="gridcell">{row.kind === 'other' ? clip(String(row.record.t), 40) : row.kind}</span>
      <span class="c-name" role="gridcell" title={clip(row.name, TITLE_MAX)}>
        {row.pageMade && <span class="badge page-made" data-testid="page-made" title={PAGE_MADE_TITLE}>page-made</span>}
        {clip(row.name, CELL_MAX)}
      </span>
      <span class="c-source" role="gridcell" title={clip(row.source, TITLE_MAX)}>{clip(row.source, CELL_MAX)}</span>
      <span class="c-summary" role="gridcell" title={row.summary}>
        {row.truncated && <span class="cut-mark" title="Payload cut or replaced by the page-side copier: see the detail pane">✂</span>}
        {row.summary}
      </span>
      <span class="c-outcome" role="gridcell">
        {outcome && <OutcomeCell outcome={outcome} pendingFor={pendingFor} stale={stale} row={row} />}
        {/* The mouse's way to the row's menu (shown on hover and on the selected row); the keyboard's
            is Shift+F10 or ContextMenu on the list, which stays the grid's one tab stop. */}
        <button
          type="button" class="row-menu-button" tabIndex={-1} aria-hidden="true" data-testid="row-menu-button" title="Row menu (Shift+F10)"
          onMouseDown={(e) => e.preventDefault()}
          onClick={(e) => {
            e.stopPropagation();
            const box = (e.currentTarget as HTMLElement).getBoundingClientRect();
            onSelect(row);
            onMenu(row, { x: box.left, y: box.bottom });
          }}
        >⋯</button>
      </span>
    </div>
  );
}

function OutcomeCell({ outcome, pendingFor, stale, row }: { outcome: string; pendingFor: number; stale: boolean; row: Row }) {
  if (outcome === 'pending') {
    return (
      <span title={stale ? 'No outcome after 5 s: the bus never settles a command whose name does not exist' : 'Waiting for the command to settle'}>
        {stale ? '⚠ ' : ''}pending {formatDuration(pendingFor)}
      </span>
    );
  }
  const icon = outcome === 'resolved' ? '✓' : outcome === 'rejected' ? '✗' : '⊘';
  const took = row.kind !== 'nav' && row.outcome ? formatDuration(row.outcome.time - row.time) : '';
  return <span title={`${outcome} after ${took}`}>{icon} {outcome}</span>;
}
