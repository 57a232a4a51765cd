// The Injection tab: what CX Lens has switched on in this tab, what the injected scripts report
// from the page, and the last error. Read-only: each feature is switched in its own tab (the
// finalize handler and Simulate in States), next to what it affects.
import { textOf } from '../../src/analysis/text/bounded';
import type { TabModels } from '../../src/analysis/store/tab-models';
import type { TabRecord } from '../../src/analysis/store/tab-store';
import type { InjectRecord } from '../../src/shared/protocol';
import { formatClock } from '../../src/analysis/text/summary';
import { useRef } from 'preact/hooks';
import { describeInjectRecord, finalizeStatus } from '../../src/analysis/injection/status';
import { inHiddenTab } from '../components/hidden-tab';
import { useModel } from '../hooks/store';
import { SitesList } from './SitesList';
import './Injection.css';

/** Activity rows listed, newest first. */
const ACTIVITY_MAX = 50;

export function InjectionView({ models }: { models: TabModels }) {
  const { store, injection } = models;
  useModel(store);
  const root = useRef<HTMLDivElement>(null);
  // Hidden behind another tab: no need to render on every change (nothing here keeps state).
  if (inHiddenTab(root.current)) return <div class="states-body injection" ref={root} data-testid="injection-overview" />;
  const { settings, error } = injection;
  const topDocId = store.liveTop()?.frame.docId;
  const finalize = finalizeStatus({ records: injection.records, topDocId, settings: settings.finalize, error });
  const cookie = settings['cookie-provider'];
  const activity = injectActivity(injection.records);

  return (
    <div class="states-body injection" ref={root} data-testid="injection-overview">
      <p class="muted">
        CX Lens runs its packaged scripts in the page's main world (no code strings, so strict-CSP pages work).
        A switch stays on across reloads and navigations of this tab until it is switched off.
      </p>
      <table class="inj-table">
        <thead>
          <tr><th>Feature</th><th>Switch</th><th>In the page</th><th>Options</th></tr>
        </thead>
        <tbody>
          <tr data-feature="finalize">
            <td>Finalize handler<div class="muted">switch it in the States tab</div></td>
            <td>{settings.finalize ? 'on' : 'off'}</td>
            <td class={`inj-state st-${finalize.state}`}>{finalize.text}</td>
            <td class="inj-options">
              {settings.finalize
                ? `${settings.finalize.behaviour}; states ${settings.finalize.states.join(', ')}; “${settings.finalize.text}”`
                : '—'}
            </td>
          </tr>
          <tr data-feature="cookie-provider">
            <td>Cookie provider<div class="muted">switch it in the Cookie sync tab</div></td>
            <td>{cookie ? 'on' : 'off'}</td>
            <td class="muted">see Cookie sync</td>
            <td class="inj-options">{cookie ? `cookie ${cookie.cookieName}; iframe ${cookie.iframeUrl}` : '—'}</td>
          </tr>
        </tbody>
      </table>
      {error && (
        <p class="inj-error" role="alert">
          Last error ({error.feature}, {formatClock(error.time)}): {error.message}
        </p>
      )}
      <h3 class="inj-heading">Reported by the injected scripts</h3>
      {activity.length === 0 ? (
        <p class="muted">Nothing yet. Injected scripts report here when they install, wait for the bus, fire, fail or are removed.</p>
      ) : (
        <ol class="inj-activity" data-testid="injection-activity">
          {activity.map(({ record, docId }, i) => (
            <li key={`${docId}-${record.seq}-${i}`} data-feature={textOf(record.feature)} data-state={textOf(record.state)}>
              <span class="p-time">{formatClock(record.time)}</span>
              <span class="inj-feature">{textOf(record.feature)}</span>
              <span>{describeInjectRecord(record)}</span>
              {docId !== topDocId && <span class="muted"> (earlier document)</span>}
            </li>
          ))}
        </ol>
      )}
      <SitesList sites={models.sites} />
    </div>
  );
}

/** The newest inject records of the tab, newest first. */
function injectActivity(records: readonly TabRecord[]): { record: InjectRecord; docId: string }[] {
  const out: { record: InjectRecord; docId: string }[] = [];
  for (let i = records.length - 1; i >= 0 && out.length < ACTIVITY_MAX; i--) {
    const { record, docId } = records[i]!;
    if (record.t === 'inject') out.push({ record, docId });
  }
  return out;
}
