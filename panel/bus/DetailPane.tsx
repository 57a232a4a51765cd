// The selected row's full record: fields, payload trees, copy as JSON, secrets masked by default.
import { useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import type { TabStore } from '../../src/analysis/store/tab-store';
import { PENDING_WARN_MS, type Row } from '../../src/analysis/bus/bus-model';
import type { CommandRecord, Copied, EventRecord, PluginRecord } from '../../src/shared/protocol';
import { maskSecrets } from '../../src/analysis/text/secrets';
import { boundedStringify, textOf } from '../../src/analysis/text/bounded';
import { formatClock, formatDuration, plural } from '../../src/analysis/text/summary';
import { copyText } from '../platform/clipboard';
import { JsonTree } from '../components/JsonTree';
import { PAGE_MADE_TITLE, clip } from './BusList';
import type { MuteModel } from '../../src/analysis/bus/mutes';

/** Characters a field shows (a page's name or source can be megabytes; Copy as JSON has it all). */
const FIELD_MAX = 10_000;

interface Props {
  row: Row | null;
  store: TabStore;
  now: number;
  showSecrets: boolean;
  onShowSecrets(show: boolean): void;
  /** The tab's mutes: an event row gets a Mute / Unmute button. */
  mutes?: MuteModel;
  /** Why the page cannot be acted on (a file is shown), or null. */
  readOnly?: string | null;
}

/** The JSON "Copy as JSON" puts on the clipboard: the record, its outcome, and its frame.
 *  Bounded (levels and size): what is cut is marked in the JSON. */
export function rowJson(row: Row, store: TabStore, showSecrets: boolean): string {
  const url = store.docs.get(row.docId)?.frame.url;
  const value = row.kind === 'nav'
    ? { [row.restored ? 'restored' : 'navigated']: row.url, time: row.time }
    : { ...row.record, ...(row.kind === 'command' ? { outcome: row.outcome ?? 'pending' } : {}), frame: url };
  const shown = showSecrets ? value : maskSecrets(value as unknown as Copied).value;
  return boundedStringify(shown, 2);
}

export function DetailPane({ row, store, now, showSecrets, onShowSecrets, mutes, readOnly = null }: Props) {
  const [copyState, setCopyState] = useState('');
  if (!row) {
    return <section class="detail empty" data-testid="detail" aria-label="Record detail" tabIndex={-1}>Select a row to see its full record.</section>;
  }
  const mask = (v: Copied) => (showSecrets ? { value: v, masked: 0 } : maskSecrets(v));
  const doc = store.docs.get(row.docId);
  const frameText = doc ? `${doc.frame.url || row.docId}${doc.frame.top ? ' (top)' : ' (iframe)'}` : row.docId;

  const copy = async () => {
    const ok = await copyText(rowJson(row, store, showSecrets));
    setCopyState(ok ? 'Copied' : 'Copy failed');
    setTimeout(() => setCopyState(''), 1500);
  };

  const header = (
    <div class="detail-bar">
      <button type="button" data-testid="copy-json" onClick={copy}>Copy as JSON</button>
      <label class="check" title="Secrets (API keys, tokens, passwords, cookie values, JWTs) are masked by default">
        <input type="checkbox" data-testid="show-secrets" checked={showSecrets} onChange={(e) => onShowSecrets((e.target as HTMLInputElement).checked)} />
        Show secrets
      </label>
      {row.kind === 'event' && mutes && <MuteButton name={row.name} mutes={mutes} readOnly={readOnly} />}
      <span class="copy-state" data-testid="copy-status" aria-live="polite">{copyState}</span>
    </div>
  );

  if (row.kind === 'nav') {
    return (
      <section class="detail" data-testid="detail" aria-label="Record detail" tabIndex={-1}>
        {header}
        <h2>Navigated</h2>
        <Fields items={[['URL', row.url], ['at', formatClock(row.time)]]} />
      </section>
    );
  }

  const sections: ComponentChildren[] = [];
  let masked = 0;
  const tree = (title: string, value: Copied) => {
    const m = mask(value);
    masked += m.masked;
    sections.push(
      <section key={`${row.key}:${title}`}>
        <h3>{title}</h3>
        <JsonTree value={m.value} />
      </section>,
    );
  };
  const fields: [string, string][] = [['time', formatClock(row.time)]];
  const r = row.record;
  if (row.kind === 'event') {
    const e = r as EventRecord;
    fields.push(['publisher', row.source], ['via', textOf(e.via)]);
    if (e.subscriber) fields.push(['replayed to', textOf(e.subscriber)]);
    tree('Data', e.data);
  } else if (row.kind === 'command') {
    const c = r as CommandRecord;
    fields.push(['commander', row.source], ['call id', textOf(c.id)]);
    tree('Options', c.options);
    const o = row.outcome;
    if (o) {
      fields.push(['outcome', `${o.outcome} after ${formatDuration(o.time - row.time)}`]);
      tree(o.outcome === 'resolved' ? 'Resolved with' : o.outcome === 'rejected' ? 'Rejected with' : 'Cancelled', o.value);
    } else {
      const waited = now - row.time;
      fields.push(['outcome', `pending for ${formatDuration(waited)}${waited > PENDING_WARN_MS ? ': no outcome yet. The bus never settles a command whose name does not exist.' : ''}`]);
    }
  } else if (row.kind === 'plugin') {
    const p = r as PluginRecord;
    fields.push(['plugin', row.source], ['action', textOf(p.action)], ['accepted', p.ok === false ? 'no (refused by the bus)' : 'yes']);
    tree('Names', (Array.isArray(p.names) ? p.names : []) as Copied);
  } else {
    fields.push(['record type', textOf(r.t)]);
    tree('Record', r as unknown as Copied);
  }
  fields.push(['frame', frameText], ['seq', textOf(r.seq)]);
  if (row.pageMade) fields.push(['made by', 'the page, not CX Lens\'s hook: never used for a verdict, a reaction or a finding']);
  if (row.truncated) fields.push(['truncated', 'yes: cut or replaced in the page (marked below)']);

  return (
    <section class="detail" data-testid="detail" data-key={row.key} aria-label="Record detail" tabIndex={-1}>
      {header}
      <h2 title={clip(row.name, 2000)}>
        {clip(row.name, 2000)} <span class={`badge kind-${row.kind}`}>{row.kind}</span>
        {row.pageMade && <span class="badge page-made" data-testid="detail-page-made" title={PAGE_MADE_TITLE}>page-made</span>}
      </h2>
      <Fields items={fields} />
      {sections}
      {masked > 0 && !showSecrets && <p class="hint" data-testid="masked-count">{plural(masked, 'secret')} masked</p>}
    </section>
  );
}

/** Mutes the event's name in the inspected tab (its hooks stop copying it), or unmutes it. */
function MuteButton({ name, mutes, readOnly }: { name: string; mutes: MuteModel; readOnly: string | null }) {
  const muted = mutes.isMuted(name);
  const title = readOnly ?? (muted
    ? `Capture ${name} again in this tab`
    : `Stop capturing ${name} in this tab, at the source: the page no longer copies it (counted as muted in the status line), across reloads, until unmuted`);
  return (
    <button
      type="button" data-testid="mute-event" data-muted={muted ? 'true' : 'false'} disabled={readOnly !== null} title={title}
      onClick={() => mutes.set(name, !muted)}
    >
      {muted ? 'Unmute this event' : 'Mute this event'}
    </button>
  );
}

function Fields({ items }: { items: [string, string][] }) {
  return (
    <dl class="fields">
      {items.map(([k, v]) => [<dt key={`${k}-t`}>{k}</dt>, <dd key={`${k}-d`}>{clip(v, FIELD_MAX)}</dd>])}
    </dl>
  );
}
