// The Bus tab: toolbar (pause, clear, preserve log, filter, export), the virtualized list of bus
// traffic, and the detail pane of the selected row.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { LogModel, Row } from '../model/tab-store';
import { FilteredRows, parseFilter } from './filter';
import { maskSecrets } from '../model/secrets';
import type { Copied } from '../../src/shared/protocol';
import { formatCount } from '../model/summary';
import { BusList } from './BusList';
import { DetailPane } from './DetailPane';
import { downloadText } from '../clipboard';
import { useModel, useNow } from '../hooks';
import { writeSetting } from '../storage';

export const PRESERVE_LOG_KEY = 'cx-lens.preserveLog';

export function BusView({ model }: { model: LogModel }) {
  const version = useModel(model);
  const now = useNow(1000);
  const [filterText, setFilterText] = useState('');
  const [selected, setSelected] = useState<Row | null>(null);
  const [showSecrets, setShowSecrets] = useState(false);
  const filter = useMemo(() => parseFilter(filterText), [filterText]);
  const filtered = useRef(new FilteredRows());
  const rows = filtered.current.update(model.rows, filter, model.epoch, model.outcomeVersion);

  // A cleared log (Clear, or a navigation without preserve log) drops the selection with it.
  const epoch = model.epoch;
  useEffect(() => setSelected(null), [epoch]);

  const busRows = rows.reduce((n, r) => n + (r.kind === 'nav' ? 0 : 1), 0);
  const totalRows = model.rows.reduce((n, r) => n + (r.kind === 'nav' ? 0 : 1), 0);

  const togglePreserve = (on: boolean) => {
    model.setPreserveLog(on);
    writeSetting(PRESERVE_LOG_KEY, on ? '1' : '0');
  };

  const exportLog = () => {
    const host = hostOfTop(model);
    const data = {
      tool: 'CX Lens', exportedAt: new Date().toISOString(), secretsMasked: !showSecrets,
      frames: [...model.docs.values()].map((d) => d.frame),
      records: model.records,
    };
    const value = showSecrets ? data : maskSecrets(data as unknown as Copied).value;
    downloadText(JSON.stringify(value, null, 2), `cx-lens-${host}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  };

  return (
    <div class="bus">
      <div class="toolbar" role="toolbar">
        <button
          type="button" data-testid="pause" aria-pressed={model.paused} class={model.paused ? 'on' : ''}
          title={model.paused ? 'Resume: add the rows that arrived while paused' : 'Pause: stop adding rows (records are kept)'}
          onClick={() => model.setPaused(!model.paused)}
        >
          <span class={model.paused ? 'resume-icon' : 'pause-icon'} aria-hidden="true" />
          {model.paused ? 'Resume' : 'Pause'}
        </button>
        <button type="button" data-testid="clear" title="Clear the log" onClick={() => model.clear()}>⊘ Clear</button>
        <label class="check" title="Keep the log when the page navigates or reloads">
          <input type="checkbox" data-testid="preserve-log" checked={model.preserveLog} onChange={(e) => togglePreserve((e.target as HTMLInputElement).checked)} />
          Preserve log
        </label>
        <input
          type="search" class="filter" data-testid="filter" value={filterText} spellcheck={false}
          placeholder="Filter: text  kind:command  plugin:WebChat  outcome:pending  -kind:plugin"
          aria-invalid={filter.errors.length > 0}
          onInput={(e) => setFilterText((e.target as HTMLInputElement).value)}
        />
        <button type="button" data-testid="export" title="Save the log as JSON (secrets masked unless shown)" onClick={exportLog}>⤓ Export</button>
        {model.paused && (
          <span class="held" data-testid="paused-count" data-count={model.heldCount}>
            Paused · {formatCount(model.heldCount)} new while paused
          </span>
        )}
        <span class="count" data-testid="row-count" data-count={busRows} data-total={totalRows}>
          {filter.empty ? `${formatCount(totalRows)} rows` : `${formatCount(busRows)} of ${formatCount(totalRows)} rows`}
        </span>
        {model.rowsDropped > 0 && (
          <span class="warn" data-testid="rows-dropped" data-count={model.rowsDropped} title="The list keeps the newest 100,000 rows">
            {formatCount(model.rowsDropped)} oldest rows dropped
          </span>
        )}
      </div>
      {filter.errors.length > 0 && (
        <div class="filter-errors" data-testid="filter-errors">{filter.errors.join(' · ')}</div>
      )}
      <div class="split">
        <BusList model={model} rows={rows} version={version} selectedKey={selected?.key ?? null} onSelect={setSelected} now={now} />
        <DetailPane row={selected} model={model} now={now} showSecrets={showSecrets} onShowSecrets={setShowSecrets} />
      </div>
    </div>
  );
}

function hostOfTop(model: LogModel): string {
  const top = model.liveDocs().find((d) => d.frame.top);
  try {
    return new URL(top?.frame.url ?? '').host.replace(/[^\w.-]/g, '_') || 'page';
  } catch {
    return 'page';
  }
}
