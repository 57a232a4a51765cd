// The injection switches' status text (no Preact, no chrome.*; unit-tested): what the finalize
// handler reports from the page, as the switch, the Injection tab and the findings show it.
import { textOf } from '../text/bounded';
import type { TabRecord } from '../store/tab-store';
import type { Copied, FinalizeOptions, InjectRecord } from '../../shared/protocol';
import { formatClock } from '../text/summary';


/** `data-state` of the finalize status. `installing`: switched on, the page has not answered yet. */
export type FinalizeState = 'installed' | 'waiting' | 'fired' | 'failed' | 'removed' | 'off' | 'installing';

export interface FinalizeStatusView {
  state: FinalizeState;
  text: string;
}

export interface FinalizeStatusInput {
  records: readonly TabRecord[];
  /** The tab's current top document; records of earlier documents do not count. */
  topDocId: string | undefined;
  /** The switch, as the service worker reports it. */
  settings: FinalizeOptions | undefined;
  /** The worker's last injection error (panel clock). */
  error?: { feature: string; message: string; time: number };
}

/** The latest `t:'inject'` record of `feature` in document `docId` (that `accept`s). */
export function latestInject(
  records: readonly TabRecord[],
  docId: string | undefined,
  feature: InjectRecord['feature'],
  accept: (record: InjectRecord) => boolean = () => true,
): InjectRecord | undefined {
  if (docId === undefined) return undefined;
  for (let i = records.length - 1; i >= 0; i--) {
    const { docId: d, record } = records[i]!;
    if (d === docId && record.t === 'inject' && record.feature === feature && accept(record)) return record;
  }
  return undefined;
}

function text(v: Copied | undefined): string {
  return textOf(v);
}

/** Who installed the handler a record reports: a site may ship finalize-handler.js itself. */
function installedBySite(record: InjectRecord): boolean {
  const options = record.detail?.options;
  return typeof options === 'object' && options !== null && !Array.isArray(options) && options.source === 'site';
}

/** "fired 12:03:04.123 — injectMessage (Finalizing)" and the like. */
export function describeInjectRecord(record: InjectRecord): string {
  const d = record.detail ?? {};
  switch (record.state) {
    case 'installed':
      return d.bus ? `installed (${text(d.bus)})` : 'installed';
    case 'waiting':
      return 'waiting for the bus';
    case 'fired': {
      const command = text(d.command).replace(/^WebChat\./, '') || text(d.action);
      const synthetic = d.synthetic === true ? ', synthetic' : '';
      return `fired ${formatClock(record.time)} — ${command} (${text(d.state)}${synthetic})`;
    }
    case 'failed':
      return `failed: ${text(d.error) || 'unknown error'}`;
    case 'removed':
      return 'removed from the page';
    case 'delivered':
      return `delivered ${text(d.state)} (synthetic)`;
    default:
      return textOf(record.state);
  }
}

export function finalizeStatus(input: FinalizeStatusInput): FinalizeStatusView {
  const last = latestInject(input.records, input.topDocId, 'finalize');
  const error = input.error?.feature === 'finalize' && (!last || input.error.time >= last.time) ? input.error : undefined;
  if (error) return { state: 'failed', text: `failed: ${error.message}` };
  if (input.settings) {
    if (!last || last.state === 'removed') return { state: 'installing', text: 'installing…' };
    return { state: last.state as FinalizeState, text: describeInjectRecord(last) };
  }
  if (last && last.state !== 'removed' && last.state !== 'failed') {
    // Off in CX Lens, yet a handler reports: the page ships its own copy (data-auto-install).
    const install = latestInject(input.records, input.topDocId, 'finalize', (r) => r.state === 'installed' || r.state === 'waiting');
    if (install && installedBySite(install)) {
      return { state: last.state as FinalizeState, text: `${describeInjectRecord(last)} — the page's own copy` };
    }
  }
  if (last?.state === 'removed') return { state: 'removed', text: 'off (removed from the page)' };
  return { state: 'off', text: 'off' };
}
