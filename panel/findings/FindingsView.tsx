// The Findings tab: what is wrong with this page's chat, why, where it was seen, how to fix it.
// Each finding links its evidence to the row it came from (Bus, States, Cookie sync) and offers
// its fix as a snippet to copy, or as the panel action that tries it. Everything from the page is
// rendered as text, with secrets masked.
import { useContext, useState } from 'preact/hooks';
import type { TabModels } from '../../src/analysis/store/tab-models';
import type { FinalizeOptions } from '../../src/shared/protocol';
import { RevealContext } from '../hooks/reveal';
import { maskString } from '../../src/analysis/text/secrets';
import { formatClock } from '../../src/analysis/text/summary';
import { copyText } from '../platform/clipboard';
import { READ_ONLY_TITLE, useShownFile } from '../recording/shown-file';
import { savedOptions as savedFinalizeOptions } from '../injection/switches/FinalizeSwitch';
import type { Evidence, Finding, Fix } from '../../src/analysis/findings/types';
import { CHECKED, TAB_LABEL, countBySeverity, maskedFinding } from '../../src/analysis/findings/view-model';
import { SeverityIcon } from './SeverityIcon';
import { findingsMarkdown } from '../../src/analysis/findings/markdown';
import { unknownText, useFindings } from '../hooks/use-findings';
import './Findings.css';

export function FindingsView({ models }: { models: TabModels }) {
  const shown = useFindings(models);
  const { findings, failed } = shown;
  // Rules that failed: the list is incomplete and must never read as "nothing is wrong".
  const unknown = unknownText(shown);
  const counts = countBySeverity(findings);
  const shownFile = useShownFile();
  const [copied, setCopied] = useState<{ ok: boolean; at: number } | null>(null);

  const copy = async () => {
    const source = shownFile ? shownFile.name : models.store.liveTop()?.frame.url;
    const text = findingsMarkdown(findings, { source, generatedAt: Date.now(), failed, ...(shown.error ? { unknown: shown.error } : {}) });
    setCopied({ ok: await copyText(text), at: Date.now() });
  };

  return (
    <div class="findings">
      <div class="toolbar findings-bar" role="toolbar">
        <span class="findings-summary" data-testid="findings-summary" data-errors={counts.error} data-warnings={counts.warning} data-info={counts.info} data-unknown={unknown ? 'true' : undefined}>
          {counts.error} {counts.error === 1 ? 'error' : 'errors'} · {counts.warning} {counts.warning === 1 ? 'warning' : 'warnings'} · {counts.info} info
          {unknown && <strong class="warn"> · incomplete: {failed.length ? `${failed.length} ${failed.length === 1 ? 'rule' : 'rules'} failed` : 'not computed'}</strong>}
        </span>
        <button type="button" data-testid="copy-findings" onClick={() => void copy()} title="Copy every finding, with its evidence and fix, as Markdown for a support ticket (secrets masked)">
          Copy as Markdown
        </button>
        {copied && (
          <span class={copied.ok ? 'muted' : 'warn'} data-testid="copy-findings-result" data-ok={String(copied.ok)} role="status">
            {copied.ok ? `copied ${formatClock(copied.at)}` : 'the clipboard refused the copy'}
          </span>
        )}
      </div>
      {unknown && (
        <div class="warn findings-error" data-testid="findings-error" role="alert">
          <p>{maskString(unknown)}</p>
          {failed.length > 0 && (
            <ul>
              {failed.map((f, i) => <li key={i} data-testid="failed-rule" data-rule={f.rule}><code>{f.rule}</code>: {maskString(f.error)}</li>)}
            </ul>
          )}
        </div>
      )}
      <div class="findings-body">
        {findings.length > 0
          ? findings.map((f) => <FindingCard key={f.key} finding={f} models={models} readOnly={shownFile !== null} />)
          : unknown ? <UnknownState /> : <EmptyState />}
      </div>
    </div>
  );
}

/** No finding, but not every rule ran: nothing can be said to be right. */
function UnknownState() {
  return (
    <div class="findings-empty" data-testid="findings-unknown">
      <h3>Findings unknown</h3>
      <p>The rules that ran found nothing, but not every rule ran (see above): what the others check is not known to be right.</p>
    </div>
  );
}

function EmptyState() {
  return (
    <div class="findings-empty" data-testid="findings-empty">
      <h3>No findings</h3>
      <p>Nothing CX Lens checks for is wrong on this page so far. It checked:</p>
      <ul>
        {CHECKED.map((what) => <li key={what}>{what}</li>)}
      </ul>
      <p class="muted">Findings appear here live as the page's chat goes on (start a chat, or let one restore).</p>
    </div>
  );
}

function FindingCard({ finding, models, readOnly }: { finding: Finding; models: TabModels; readOnly: boolean }) {
  const f = maskedFinding(finding);
  const seen = f.firstSeen === f.lastSeen
    ? `seen ${formatClock(f.firstSeen)}`
    : `first seen ${formatClock(f.firstSeen)} · last seen ${formatClock(f.lastSeen)}`;
  return (
    <article class={`finding sev-${f.severity}`} data-testid="finding" data-rule={f.rule} data-severity={f.severity} data-key={f.key}
      data-first-seen={f.firstSeen} data-last-seen={f.lastSeen} data-evidence={f.evidence.length}>
      <header class="finding-head">
        <SeverityIcon severity={f.severity} />
        <h3 class="finding-title" data-testid="finding-title">{f.title}</h3>
      </header>
      <div class="finding-meta">
        <code class="finding-rule">{f.rule}</code>
        <span class="finding-seen muted" data-testid="finding-seen">{seen}</span>
      </div>
      <p class="finding-why" data-testid="finding-why">{f.why}</p>
      {f.sessionId && <p class="finding-session muted">Chat session <code>{f.sessionId}</code></p>}
      {f.evidence.length > 0 && <EvidenceList evidence={f.evidence} />}
      <FixBlock fix={f.fix} models={models} readOnly={readOnly} />
    </article>
  );
}

/** Evidence rows listed before "show all": a finding seen many times stays short. */
const EVIDENCE_SHOWN = 8;

function EvidenceList({ evidence }: { evidence: Evidence[] }) {
  const reveal = useContext(RevealContext);
  const [all, setAll] = useState(false);
  const shown = all ? evidence : evidence.slice(0, EVIDENCE_SHOWN);
  return (
    <div class="finding-evidence">
      <h4>Evidence</h4>
      <ul>
        {shown.map((e, i) => (
          <li key={`${e.tab}\n${e.key}\n${i}`}>
            <button
              type="button" class="link" data-testid="evidence-link" data-tab={e.tab} data-key={e.key}
              title={`Open this row in the ${TAB_LABEL[e.tab] ?? e.tab} tab`} onClick={() => reveal({ tab: e.tab, key: e.key })}
            >
              {TAB_LABEL[e.tab] ?? e.tab}
            </button>
            {e.time !== undefined && <span class="muted mono"> {formatClock(e.time)}</span>}
            <span class="evidence-label"> {e.label}</span>
          </li>
        ))}
      </ul>
      {evidence.length > shown.length && (
        <button
          type="button" class="link" data-testid="evidence-more"
          onClick={(e) => {
            // This button goes away: focus the first row it brought, not the page's body.
            const list = (e.currentTarget as HTMLElement).previousElementSibling;
            setAll(true);
            requestAnimationFrame(() => list?.querySelectorAll<HTMLElement>('[data-testid="evidence-link"]')[EVIDENCE_SHOWN]?.focus());
          }}
        >
          show all {evidence.length} rows
        </button>
      )}
    </div>
  );
}

function FixBlock({ fix, models, readOnly }: { fix: Fix; models: TabModels; readOnly: boolean }) {
  const snippet = fix.snippet;
  const [copied, setCopied] = useState<boolean | null>(null);
  return (
    <div class="finding-fix" data-testid="finding-fix">
      <h4>Fix</h4>
      <p>{fix.text}</p>
      {snippet !== undefined && (
        <div class="snippet">
          <pre data-testid="fix-snippet" tabIndex={0} aria-label="Snippet"><code>{snippet}</code></pre>
          <button type="button" class="snippet-copy" data-testid="copy-snippet" onClick={() => void copyText(snippet).then(setCopied)}>
            {copied === null ? 'Copy' : copied ? 'Copied' : 'Copy refused'}
          </button>
        </div>
      )}
      {fix.action && <FixAction action={fix.action} models={models} readOnly={readOnly} />}
    </div>
  );
}

function FixAction({ action, models, readOnly }: { action: NonNullable<Fix['action']>; models: TabModels; readOnly: boolean }) {
  const reveal = useContext(RevealContext);
  const [sent, setSent] = useState<string | null>(null);
  const { injection } = models;
  const finalizeOn = injection.settings.finalize !== undefined;

  if (action.id === 'finalize-on') {
    const run = () => {
      const options: FinalizeOptions = savedFinalizeOptions();
      const ok = injection.send({ type: 'inject', feature: 'finalize', options });
      setSent(ok ? 'sent: the handler is switched on in this tab' : 'not connected to the CX Lens service worker: try again in a moment');
    };
    return (
      <div class="fix-action">
        <button
          type="button" data-testid="fix-action" data-action={action.id} disabled={readOnly || finalizeOn}
          title={readOnly ? READ_ONLY_TITLE : finalizeOn ? 'The finalize handler is on in this tab (States tab)' : undefined} onClick={run}
        >
          {action.label}
        </button>
        {finalizeOn && <span class="muted" data-testid="fix-action-state" data-state="on"> The finalize handler is on: the next Finalizing or Completed gets its reaction.</span>}
        {!finalizeOn && sent && <span class="muted" data-testid="fix-action-state" data-state="sent"> {sent}</span>}
      </div>
    );
  }
  // The cookie provider needs the cookie name and iframe URL: its switch, with those inputs,
  // is in the Cookie sync tab.
  return (
    <div class="fix-action">
      <button type="button" data-testid="fix-action" data-action={action.id} onClick={() => reveal({ tab: 'cookies', key: '' })}>
        {action.label}
      </button>
      <span class="muted"> (opens the switch in the Cookie sync tab)</span>
    </div>
  );
}
