// The tab bar's file actions (Open…, Save recording with its small dialog), the banner of the
// file shown, and the message of a file that could not be opened.
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { ParsedFile } from '../../src/analysis/files/parse';
import { isDateTime } from '../../src/analysis/text/summary';

/** Open…: a file input styled as a button; the panel also takes a file dropped on it. */
export function OpenButton({ onFile, busy }: { onFile: (file: File) => void; busy: boolean }) {
  return (
    <label class={`file-action${busy ? ' busy' : ''}`} title="Open a CX Lens recording or a HAR file (or drop one on the panel)">
      <input
        type="file" data-testid="open-file" accept=".json,.har,application/json" class="file-input"
        onChange={(e) => {
          const input = e.target as HTMLInputElement;
          const file = input.files?.[0];
          input.value = ''; // the same file can be opened again
          if (file) onFile(file);
        }}
      />
      Open…
    </label>
  );
}

/** Save recording: a dialog that keeps secrets masked unless the user chooses otherwise. */
export function SaveButton({ onSave, disabled }: { onSave: (keepSecrets: boolean) => void; disabled: string | null }) {
  const [asking, setAsking] = useState(false);
  const [keepSecrets, setKeepSecrets] = useState(false);
  const opener = useRef<HTMLButtonElement>(null);
  const dialog = useRef<HTMLDivElement>(null);
  // Focus goes into the dialog when it opens (before it is painted), and back to its button when it closes.
  useLayoutEffect(() => {
    if (asking) dialog.current?.querySelector<HTMLElement>('input, button')?.focus();
  }, [asking]);
  const close = () => {
    setAsking(false);
    setKeepSecrets(false);
    opener.current?.focus();
  };
  return (
    <span class="save-wrap">
      <button
        ref={opener} type="button" class="file-action" data-testid="save-recording" disabled={disabled !== null} aria-expanded={asking}
        title={disabled ?? 'Save everything this tab captured as a recording file'} onClick={() => setAsking(!asking)}
      >
        ⤓ Save recording
      </button>
      {asking && (
        <div
          class="save-dialog" role="dialog" aria-label="Save recording" data-testid="save-dialog" ref={dialog}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.preventDefault();
              e.stopPropagation();
              close();
            }
          }}
        >
          <p>Saves the frames, every record, the chat API responses, the injection settings and the capture caps of this tab.</p>
          <label class="check">
            <input type="checkbox" data-testid="save-keep-secrets" checked={keepSecrets} onChange={(e) => setKeepSecrets((e.target as HTMLInputElement).checked)} />
            Keep secrets (API keys, tokens, passwords, cookie values)
          </label>
          {keepSecrets ? (
            <p class="warn" data-testid="save-secrets-warning" role="alert">
              The file will hold the page's secrets as captured. Anyone who gets it can use them: share it only with people allowed to see them.
            </p>
          ) : (
            <p class="muted">Secrets are masked (•••• (masked)) in the file.</p>
          )}
          <div class="save-buttons">
            <button type="button" data-testid="save-recording-confirm" onClick={() => { onSave(keepSecrets); close(); }}>Save</button>
            <button type="button" data-testid="save-recording-cancel" onClick={close}>Cancel</button>
          </div>
        </div>
      )}
    </span>
  );
}

const KIND_TITLE: Record<ParsedFile['kind'], string> = {
  recording: 'Recording',
  export: 'Recording (Bus export)',
  har: 'HAR file',
};

export function RecordingBanner({ file, parsedIn, onBack }: { file: ParsedFile; parsedIn: string; onBack: () => void }) {
  return (
    <div
      class="recording-banner" role="status" data-testid="recording-banner" data-source={file.kind === 'har' ? 'har' : 'recording'}
      data-kind={file.kind} data-parsed-in={parsedIn}
    >
      <span class="rb-kind">{KIND_TITLE[file.kind]}</span>
      <span class="rb-name mono" data-testid="recording-name" title={file.name}>{file.name}</span>
      <span class="rb-page" data-testid="recording-page" title={file.page}>page {file.page || 'not named in the file'}</span>
      <span class="rb-time" data-testid="recording-time">{file.time ? `${file.kind === 'har' ? 'last response' : 'saved'} ${localTime(file.time)}` : 'time unknown'}</span>
      {file.secretsMasked === false && <span class="rb-secrets warn">holds secrets</span>}
      <span class="rb-readonly">read-only</span>
      <button type="button" data-testid="back-to-live" onClick={onBack}>← Back to live</button>
    </div>
  );
}

export function OpenErrorLine({ message, onDismiss }: { message: string; onDismiss: () => void }) {
  return (
    <div class="open-error" role="alert" data-testid="open-error">
      <span>{message}</span>
      <button type="button" class="link" aria-label="Dismiss" onClick={onDismiss}>✕</button>
    </div>
  );
}

/** Local time as YYYY-MM-DD HH:MM:SS. */
function localTime(ms: number): string {
  if (!isDateTime(ms)) return 'an unknown time';
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
