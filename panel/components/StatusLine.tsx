// The capture status line: what is being captured and, when nothing is, why; per-frame details.
import { useEffect, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import type { TabModels } from '../../src/analysis/store/tab-models';
import { BUFFER_CAP_KEY, DEFAULT_BUFFER_CAP, MAX_BUFFER_CAP, MIN_BUFFER_CAP, bufferCapSetting } from '../../src/shared/buffer-cap';
import { captureStatus, lossText, partialText } from '../../src/analysis/store/capture-status';
import { formatCount, plural } from '../../src/analysis/text/summary';
import { mutedOf } from '../../src/analysis/bus/mutes';
import { READ_ONLY_TITLE, useShownFile } from '../recording/shown-file';

export function StatusLine({ models, now }: { models: TabModels; now: number }) {
  const s = captureStatus(models.store, models.bus, now);
  return (
    <footer class={`status s-${s.state}`} data-testid="capture-status" data-state={s.state} data-dropped={s.dropped} data-lost={s.losses.total} data-too-large={s.losses.tooLarge}>
      <span class="dot" aria-hidden="true" />
      <span class="status-text" title={s.message}>{s.message}</span>
      {s.losses.total > 0 && (
        <span class="warn" data-testid="dropped" title="Records this panel never received, by reason">
          · {lossText(s.losses)}
        </span>
      )}
      {s.untrusted && (
        <span class="warn" data-testid="untrusted" data-page-made={s.pageMade} data-malformed={s.malformed} title="Records that did not come from CX Lens's hook, or were no valid record: shown in the Bus, marked">
          · {s.untrusted}
        </span>
      )}
      {s.contested && (
        <span class="warn" data-testid="contested" title="Another page could have reached CX Lens's private hand-over in these frames before CX Lens started: nothing they send can be told from a forgery">
          · {s.contested}
        </span>
      )}
      <Mutes models={models} />
      {s.frames.length > 0 && (
        <details class="frames">
          <summary>{plural(s.frames.length, 'frame')}</summary>
          <ul data-testid="frames">
            {s.frames.map((f) => (
              <li key={f.docId} data-testid="frame-status" data-bus={f.bus} data-top={f.top ? 'true' : 'false'}>
                <b>{f.top ? 'top' : 'iframe'}</b> <span class="mono">{f.url || f.docId}</span>
                {' · CXBus '}{f.bus === 'unknown' ? 'not reported' : f.bus}
                {f.quickBus && ' · QuickBus'}
                {f.plugins.length > 0 && ` · plugins: ${f.plugins.join(', ')}`}
                {/* The relay's count includes records it had already streamed; seq gaps are the real loss. */}
                {f.dropped > 0 && ` · page buffer dropped ${formatCount(f.dropped)} (${formatCount(f.lost)} before this panel read them)`}
                {f.contested && <div class="warn" data-testid="frame-contested">⚠ capture contested: {f.contested}; its records are page-made</div>}
                {f.unrecorded > 0 && <div class="warn" data-testid="frame-partial">⚠ capture partial: {partialText(f)}</div>}
                {f.problems.map((p, i) => <div key={i} class="warn">⚠ {p}</div>)}
              </li>
            ))}
            <li class="buffer-setting"><BufferSetting /></li>
          </ul>
        </details>
      )}
    </footer>
  );
}

/** Events skipped at the source because their name is muted (never a loss), the muted names and
 *  their Unmute buttons. */
function Mutes({ models }: { models: TabModels }) {
  const readOnly = useShownFile() !== null;
  const names = models.mutes.names;
  const counted = mutedOf(models.store);
  if (!names.length && !counted.total && !models.mutes.error) return null;
  const countOf = (name: string) => counted.names.find((n) => n.name === name)?.count ?? 0;
  // Names muted earlier in this document and unmuted since keep their count.
  const shown = [...names, ...counted.names.map((n) => n.name).filter((n) => !names.includes(n))];
  return (
    <details class="mutes" data-testid="mutes" data-count={counted.total} data-names={names.length}>
      <summary title="Events the page did not copy because you muted their name in this tab: not captured, not lost">
        · {formatCount(counted.total)} muted
      </summary>
      {models.mutes.error && <div class="warn" role="alert" data-testid="mute-error">Mute refused: {models.mutes.error}</div>}
      <ul>
        {shown.map((name) => {
          const muted = names.includes(name);
          return (
            <li key={name} data-testid="muted-name" data-name={name} data-count={countOf(name)}>
              <span class="mono">{name}</span> · {formatCount(countOf(name))} skipped{muted ? '' : ' (unmuted)'}{' '}
              {muted && (
                <button type="button" data-testid="unmute" disabled={readOnly} title={readOnly ? READ_ONLY_TITLE : `Capture ${name} again in this tab`} onClick={() => models.mutes.set(name, false)}>
                  Unmute<span class="mutes-hidden-name"> {name}</span>
                </button>
              )}
            </li>
          );
        })}
      </ul>
    </details>
  );
}

/** The page buffer's size: records each frame keeps until a panel reads them (all tabs). */
function BufferSetting() {
  const [cap, setCap] = useState(DEFAULT_BUFFER_CAP);
  useEffect(() => {
    browser.storage.local.get(BUFFER_CAP_KEY).then((stored) => setCap(bufferCapSetting(stored[BUFFER_CAP_KEY], DEFAULT_BUFFER_CAP)), () => {});
  }, []);
  const save = (value: number) => {
    const next = bufferCapSetting(value, cap);
    setCap(next);
    browser.storage.local.set({ [BUFFER_CAP_KEY]: next }).catch(() => {});
  };
  return (
    <label title="Events a frame keeps before DevTools reads them (all tabs). Older ones are dropped and counted.">
      Page buffer{' '}
      <input
        type="number" data-testid="buffer-cap" min={MIN_BUFFER_CAP} max={MAX_BUFFER_CAP} step={1000} value={cap}
        onChange={(e) => save(Number((e.target as HTMLInputElement).value))}
      />{' '}
      records per frame
    </label>
  );
}
