// The States view's control bar: switch the finalize handler on and off in the inspected tab
// (with its options), its status in the page, and "Simulate" (a synthetic InteractionStateChange).
// The switch itself lives in the service worker (per tab, kept across reloads): the checkbox
// shows what the worker reports, not what was clicked.
import './switches.css';
import { textOf } from '../../../src/analysis/text/bounded';
import { useEffect, useState } from 'preact/hooks';
import type { InjectionModel } from '../../../src/analysis/injection/injection-model';
import { FINALIZE_STATES } from '../../../src/shared/interaction-states';
import {
  DEFAULT_FINALIZE_TEXT, FINALIZE_BEHAVIOURS, isFinalizeText, parseFinalizeOptions,
  type FinalizeBehaviour, type FinalizeOptions,
} from '../../../src/shared/injection-options';
import { formatClock } from '../../../src/analysis/text/summary';
import { describeInjectRecord, finalizeStatus, latestInject } from '../../../src/analysis/injection/status';
import { readJsonSetting, writeJsonSetting } from '../../platform/storage';
import { useInjectionSwitch } from '../../hooks/store';
import { READ_ONLY_TITLE, useShownFile } from '../../recording/shown-file';

const OPTIONS_KEY = 'cx-lens.finalizeOptions';
const BEHAVIOUR_LABELS: Record<FinalizeBehaviour, string> = {
  'follow-async': 'Follow the async flag (notify if async, else end)',
  'always-notify': 'Always notify (WebChat.injectMessage)',
  'always-end': 'Always end the chat (WebChat.endChat)',
};
const SIMULATE_STATES = ['Finalizing', 'Completed', 'Active'];
const CUSTOM = '__custom';

interface Props {
  injection: InjectionModel;
  topDocId: string | undefined;
}

export function StatesFinalizeBar({ injection, topDocId }: Props) {
  const { on, settings, options, setOptions, wanted, checked, switching, send: sendSwitch } = useInjectionSwitch(injection, 'finalize', savedOptions);
  const [sendError, setSendError] = useState<string | null>(null);
  const [showOptions, setShowOptions] = useState(false);
  // A file shown: the switch would act on the live page, not on what is on screen.
  const readOnly = useShownFile() !== null;

  const send = (next: FinalizeOptions | null, click: boolean): void => {
    const ok = sendSwitch(next, click);
    setSendError(ok ? null : 'not connected to the CX Lens service worker: try again in a moment');
  };

  const toggle = (checked: boolean): void => send(checked ? options : null, true);

  const change = (next: FinalizeOptions): void => {
    if (readOnly) return;
    setOptions(next);
    saveOptions(next);
    if (on) send(next, false);
  };

  const status = finalizeStatus({ records: injection.records, topDocId, settings, error: injection.error });

  return (
    <section class="finalize-bar" aria-label="Finalize handler">
      <div class="fb-line">
        <label class="switch" title={readOnly ? READ_ONLY_TITLE : "Inject the guide's finalize handler into this tab: it stays on across reloads until switched off"}>
          <input type="checkbox" role="switch" data-testid="toggle-finalize" checked={checked} disabled={readOnly} onChange={(e) => toggle((e.target as HTMLInputElement).checked)} />
          <span class="switch-track" aria-hidden="true" />
          <span class="fb-title">Finalize handler</span>
        </label>
        <span class={`fb-status st-${status.state}`} data-testid="finalize-status" data-state={status.state} title={status.text}>
          <span class="fb-dot" aria-hidden="true" />
          {switching ? (wanted ? 'switching on…' : 'switching off…') : status.text}
        </span>
        <button
          type="button" class="fb-more" aria-expanded={showOptions} data-testid="finalize-options-toggle"
          onClick={() => setShowOptions(!showOptions)}
        >
          {showOptions ? '▾' : '▸'} Options
        </button>
        <span class="fb-summary" title={options.text}>{summaryOf(options)}</span>
        <SimulateControls injection={injection} topDocId={topDocId} />
      </div>
      {sendError && <div class="fb-error" role="alert">{sendError}</div>}
      {showOptions && <OptionsForm options={options} onChange={change} readOnly={readOnly} />}
    </section>
  );
}

function OptionsForm({ options, onChange, readOnly }: { options: FinalizeOptions; onChange: (o: FinalizeOptions) => void; readOnly: boolean }) {
  const [text, setText] = useState(options.text);
  useEffect(() => setText(options.text), [options.text]);
  // Sent when the field is committed (blur, or Ctrl+Enter), not on every key.
  const commitText = (typed: string) => {
    const value = isFinalizeText(typed) ? typed : DEFAULT_FINALIZE_TEXT;
    setText(value);
    if (value !== options.text) onChange({ ...options, text: value });
  };
  const toggleState = (state: string, checked: boolean) => {
    const states = FINALIZE_STATES.filter((s) => (s === state ? checked : options.states.includes(s)));
    if (states.length) onChange({ ...options, states });
  };
  return (
    <div class="fb-options" data-testid="finalize-options">
      <label class="fb-field fb-text">
        <span>Message when it notifies (applied on leaving the field, or Ctrl+Enter)</span>
        <textarea
          rows={2} data-testid="finalize-text" value={text} spellcheck={false} disabled={readOnly}
          onInput={(e) => setText((e.target as HTMLTextAreaElement).value)}
          onChange={(e) => commitText((e.target as HTMLTextAreaElement).value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) commitText((e.target as HTMLTextAreaElement).value);
          }}
        />
      </label>
      <label class="fb-field">
        <span>Behaviour</span>
        <select
          data-testid="finalize-behaviour" value={options.behaviour} disabled={readOnly}
          onChange={(e) => onChange({ ...options, behaviour: (e.target as HTMLSelectElement).value as FinalizeBehaviour })}
        >
          {FINALIZE_BEHAVIOURS.map((b) => <option key={b} value={b}>{BEHAVIOUR_LABELS[b]}</option>)}
        </select>
      </label>
      <fieldset class="fb-field fb-states">
        <legend>Trigger states</legend>
        {FINALIZE_STATES.map((s) => (
          <label key={s} class="check">
            <input
              type="checkbox" data-testid={`finalize-state-${s}`} checked={options.states.includes(s)}
              disabled={readOnly || (options.states.length === 1 && options.states.includes(s))}
              onChange={(e) => toggleState(s, (e.target as HTMLInputElement).checked)}
            />
            {s}
          </label>
        ))}
      </fieldset>
    </div>
  );
}

/** Simulate: delivers a synthetic state to the page's messageReceived subscribers. */
function SimulateControls({ injection, topDocId }: Props) {
  const [choice, setChoice] = useState('Finalizing');
  const [custom, setCustom] = useState('');
  const [clickedAt, setClickedAt] = useState<number | null>(null);
  const [sendError, setSendError] = useState<string | null>(null);
  const readOnly = useShownFile() !== null;
  const state = choice === CUSTOM ? custom.trim() : choice;

  const simulate = () => {
    if (!state) return;
    setClickedAt(Date.now());
    const ok = injection.send({ type: 'simulate', state });
    setSendError(ok ? null : 'not connected to the CX Lens service worker');
  };

  // The page's answer (a simulate record) or the worker's error, whichever is newer than the click.
  let result: { ok: boolean; text: string } | null = null;
  if (sendError) result = { ok: false, text: sendError };
  else if (clickedAt !== null) {
    const record = latestInject(injection.records, topDocId, 'simulate', (r) => r.time >= clickedAt);
    const error = injection.error?.feature === 'simulate' && injection.error.time >= clickedAt ? injection.error : undefined;
    if (error && (!record || error.time >= record.time)) result = { ok: false, text: `failed: ${error.message}` };
    else if (record?.state === 'delivered') result = { ok: true, text: `delivered ${textOf(record.detail.state)} (synthetic) ${formatClock(record.time)}` };
    else if (record) result = { ok: false, text: describeInjectRecord(record) };
  }

  return (
    <span class="simulate" title="Deliver a synthetic InteractionStateChange to the page's WebChatService.messageReceived subscribers (marked synthetic)">
      <span class="simulate-label">Simulate a state change</span>
      <select data-testid="simulate-state" aria-label="State to simulate" value={choice} onChange={(e) => setChoice((e.target as HTMLSelectElement).value)}>
        {SIMULATE_STATES.map((s) => <option key={s} value={s}>{s}</option>)}
        <option value={CUSTOM}>Custom…</option>
      </select>
      {choice === CUSTOM && (
        <input
          type="text" class="simulate-custom" data-testid="simulate-custom" placeholder="state name" value={custom} spellcheck={false}
          onInput={(e) => setCustom((e.target as HTMLInputElement).value)}
        />
      )}
      <button type="button" data-testid="simulate" disabled={!state || readOnly} title={readOnly ? READ_ONLY_TITLE : undefined} onClick={simulate}>Simulate</button>
      {result && (
        <span class={result.ok ? 'sim-ok' : 'sim-failed'} data-testid="simulate-result" data-ok={String(result.ok)} role="status">
          {result.text}
        </span>
      )}
    </span>
  );
}

function summaryOf(o: FinalizeOptions): string {
  const behaviour = o.behaviour === 'follow-async' ? 'notify if async, else end' : o.behaviour === 'always-notify' ? 'always notify' : 'always end';
  return `on ${o.states.join(' / ')}: ${behaviour}`;
}

/** The options last used in the panel (localStorage): each one missing or not valid is its default. */
export function savedOptions(): FinalizeOptions {
  const parsed = parseFinalizeOptions(readJsonSetting(OPTIONS_KEY));
  const { text, behaviour, states } = parsed.ok ? parsed.options : parsed.fallback;
  return { text, behaviour, states };
}

function saveOptions(options: FinalizeOptions): void {
  writeJsonSetting(OPTIONS_KEY, options);
}
