// The Bus tab: toolbar (pause, clear, preserve log, filter), the virtualized list of bus traffic,
// and the detail pane of the selected row. Saving the tab is the tab bar's Save recording.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { TabModels } from '../../src/analysis/store/tab-models';
import type { BusRow, Row } from '../../src/analysis/bus/bus-model';
import { FILTER_HELP, FilteredRows, parseFilter, type ParsedFilter } from '../../src/analysis/bus/filter';
import { formatCount } from '../../src/analysis/text/summary';
import { BusList, indexOfKey } from './BusList';
import { DetailPane } from './DetailPane';
import { RowMenu } from './RowMenu';
import { ViewBoundary } from '../components/ViewBoundary';
import { useModel, useNow } from '../hooks/store';
import { writeSetting } from '../platform/storage';
import { READ_ONLY_TITLE, useShownFile } from '../recording/shown-file';
import { useRevealRequest } from '../hooks/reveal';

export const PRESERVE_LOG_KEY = 'cx-lens.preserveLog';

export function BusView({ models }: { models: TabModels }) {
  const { store, bus } = models;
  const version = useModel(store);
  const now = useNow(1000);
  const [filterText, setFilterText] = useState('');
  const [selected, setSelected] = useState<Row | null>(null);
  const [showSecrets, setShowSecrets] = useState(false);
  const parsed = useMemo(() => parseFilter(filterText), [filterText]);
  // A filter that does not parse (often half typed) leaves the last good one applied.
  const lastGood = useRef<ParsedFilter>(parsed);
  if (!parsed.error) lastGood.current = parsed;
  const filter = parsed.error ? lastGood.current : parsed;
  const filtered = useRef(new FilteredRows());
  const rows = filtered.current.update(bus.rows, filter, bus.listVersion, bus.outcomeVersion);

  // A row's menu, where it opens, and what its Copy name said.
  const [menu, setMenu] = useState<{ row: BusRow; x: number; y: number } | null>(null);
  const [menuStatus, setMenuStatus] = useState('');

  // A cleared log (Clear, or a navigation without preserve log) drops the selection with it.
  const epoch = bus.epoch;
  useEffect(() => {
    setSelected(null);
    setMenu(null);
  }, [epoch]);

  // A finding's evidence: select the row (the filter is cleared if it hides it).
  useRevealRequest('bus', (key) => {
    const row = bus.rows[indexOfKey(bus.rows, Number(key))];
    if (!row) return;
    if (!filter.empty && indexOfKey(rows, row.key) < 0) setFilterText('');
    setSelected(row);
    requestAnimationFrame(() => focusIn('.list'));
  });

  const busRows = rows.reduce((n, r) => n + (r.kind === 'nav' ? 0 : 1), 0);
  const totalRows = bus.rows.reduce((n, r) => n + (r.kind === 'nav' ? 0 : 1), 0);

  const togglePreserve = (on: boolean) => {
    store.setPreserveLog(on);
    writeSetting(PRESERVE_LOG_KEY, on ? '1' : '0');
  };

  // Keyboard: Enter on a row opens its detail, Escape there goes back to the list; from the
  // filter, Enter or ArrowDown goes to the list.
  const root = useRef<HTMLDivElement>(null);
  const focusIn = (selector: string) => root.current?.querySelector<HTMLElement>(selector)?.focus();
  const fromFilter = (e: KeyboardEvent) => {
    if (e.key !== 'Enter' && e.key !== 'ArrowDown') return;
    e.preventDefault();
    focusIn('.list');
  };
  const backToList = (e: KeyboardEvent) => {
    if (e.key !== 'Escape' || !(e.target instanceof Element) || !e.target.closest('.detail')) return;
    e.preventDefault();
    e.stopPropagation(); // DevTools would take it (it toggles its drawer)
    focusIn('.list');
  };

  // A file shown is read-only: its log is not cleared, and preserve log is the live tab's.
  const shownFile = useShownFile();

  const openMenu = (row: BusRow, at: { x: number; y: number } | null) => {
    const box = at ? null : root.current?.querySelector(`#bus-row-${row.key} .c-name`)?.getBoundingClientRect();
    setSelected(row);
    setMenu({ row, x: at?.x ?? box?.left ?? 0, y: at?.y ?? box?.bottom ?? 0 });
  };
  const closeMenu = (toList: boolean) => {
    setMenu(null);
    if (toList) focusIn('.list');
  };
  // A menu that went away on its own (the log cleared under it) leaves focus on the list.
  const hadMenu = useRef(false);
  useEffect(() => {
    if (!menu && hadMenu.current && document.activeElement === document.body) focusIn('.list');
    hadMenu.current = menu !== null;
  }, [menu]);
  const copied = (ok: boolean) => {
    setMenuStatus(ok ? 'Name copied' : 'Copy failed');
    setTimeout(() => setMenuStatus(''), 1500);
    // The clipboard's fallback focuses a textarea it then removes.
    if (document.activeElement === document.body) focusIn('.list');
  };

  return (
    <div class="bus" ref={root}>
      <div class="toolbar" role="toolbar" aria-label="Bus">
        <button
          type="button" data-testid="pause" aria-pressed={bus.paused} class={bus.paused ? 'on' : ''}
          title={bus.paused ? 'Resume: add the rows that arrived while paused' : 'Pause: stop adding rows (records are kept)'}
          onClick={() => bus.setPaused(!bus.paused)}
        >
          <span class={bus.paused ? 'resume-icon' : 'pause-icon'} aria-hidden="true" />
          {bus.paused ? 'Resume' : 'Pause'}
        </button>
        <button
          type="button" data-testid="clear" title={shownFile ? READ_ONLY_TITLE : 'Clear the log'} disabled={shownFile !== null}
          onClick={() => store.clear()}
        >
          ⊘ Clear
        </button>
        <label class="check" title={shownFile ? READ_ONLY_TITLE : 'Keep the log when the page navigates or reloads'}>
          <input type="checkbox" data-testid="preserve-log" checked={store.preserveLog} disabled={shownFile !== null} onChange={(e) => togglePreserve((e.target as HTMLInputElement).checked)} />
          Preserve log
        </label>
        <input
          type="search" class="filter" data-testid="filter" value={filterText} spellcheck={false}
          placeholder="Filter: text  a OR b  /regex/  kind:command  data.message.type:Finalizing  -term"
          title={FILTER_HELP} aria-invalid={parsed.error !== undefined} aria-describedby={parsed.error ? 'bus-filter-error' : undefined}
          aria-label="Filter the bus rows" aria-keyshortcuts="/ Control+F Meta+F"
          onKeyDown={fromFilter}
          onInput={(e) => setFilterText((e.target as HTMLInputElement).value)}
        />
        {bus.paused && (
          <span class="held" data-testid="paused-count" data-count={bus.heldCount}>
            Paused · {formatCount(bus.heldCount)} new while paused
          </span>
        )}
        <span class="copy-state" data-testid="menu-status" role="status">{menuStatus}</span>
        <span class="count" data-testid="row-count" data-count={busRows} data-total={totalRows}>
          {filter.empty ? `${formatCount(totalRows)} rows` : `${formatCount(busRows)} of ${formatCount(totalRows)} rows`}
        </span>
        {bus.rowsDropped > 0 && (
          <span class="warn" data-testid="rows-dropped" data-count={bus.rowsDropped} title="The list keeps the newest 100,000 rows">
            {formatCount(bus.rowsDropped)} oldest rows dropped
          </span>
        )}
      </div>
      {shownFile?.kind === 'har' && (
        <div class="bus-note" data-testid="bus-har-note">
          A HAR file holds network traffic only: no bus traffic (events, commands) to list. Its chat API responses are in the States tab.
        </div>
      )}
      {parsed.error && (
        <div class="filter-errors" id="bus-filter-error" data-testid="filter-errors" data-at={parsed.error.at} role="status">
          {parsed.errors.join(' · ')}{filter.empty ? '' : ' (the last good filter still applies)'}
        </div>
      )}
      <div class="split" onKeyDown={backToList}>
        <BusList
          bus={bus} rows={rows} version={version} selectedKey={selected?.key ?? null} onSelect={setSelected}
          onOpen={() => focusIn('.detail')} onMenu={openMenu} now={now}
        />
        <ViewBoundary what="this record" class="detail" resetKey={`${selected?.key}/${showSecrets}`}>
          <DetailPane row={selected} store={store} now={now} showSecrets={showSecrets} onShowSecrets={setShowSecrets} mutes={models.mutes} readOnly={shownFile ? READ_ONLY_TITLE : null} />
        </ViewBoundary>
      </div>
      {menu && (
        <RowMenu
          row={menu.row} x={menu.x} y={menu.y} filterText={filterText} mutes={models.mutes} readOnly={shownFile ? READ_ONLY_TITLE : null}
          onFilter={setFilterText} onCopied={copied} onClose={closeMenu}
        />
      )}
    </div>
  );
}
