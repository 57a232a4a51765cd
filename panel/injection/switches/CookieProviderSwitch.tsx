// The cookie provider injection switch (data-testid="toggle-cookie-provider"): asks for the session
// cookie name and the iframe URL, and has the service worker inject CX Lens's provider into the
// inspected tab (kept across reloads until switched off). The checkbox shows what the worker
// reports; the status line adds what the injected provider itself said (its inject records).
import { useEffect, useState } from 'preact/hooks';
import type { InjectionModel } from '../../../src/analysis/injection/injection-model';
import type { InjectRecord } from '../../../src/shared/protocol';
import { parseCookieProviderOptions, type CookieProviderOptions } from '../../../src/shared/injection-options';
import { readJsonSetting, writeJsonSetting } from '../../platform/storage';
import { useInjectionSwitch } from '../../hooks/store';
import { READ_ONLY_TITLE, useShownFile } from '../../recording/shown-file';

const OPTIONS_KEY = 'cx-lens.cookieProviderOptions';

interface Props {
  injection: InjectionModel;
  /** The cookie name and iframe URL seen on the page, to prefill the inputs. */
  detected: { cookieName: string | null; iframeUrl: string | null };
  /** The injected provider's latest report from the top frame. */
  record: InjectRecord | undefined;
}

/** Why the options cannot be used (src/shared/injection-options.ts), or null. */
export function optionsError(options: CookieProviderOptions): string | null {
  const parsed = parseCookieProviderOptions(options);
  return parsed.ok ? null : parsed.reason;
}

export function CookieInjection({ injection, detected, record }: Props) {
  const { on, options, setOptions, checked, switching, send } = useInjectionSwitch(
    injection, 'cookie-provider', () => saved() ?? { cookieName: detected.cookieName ?? '', iframeUrl: detected.iframeUrl ?? '' },
  );
  const [error, setError] = useState<string | null>(null);
  // A file shown: the switch would act on the live page, not on what is on screen.
  const readOnly = useShownFile() !== null;
  // Prefill empty inputs from what the page shows, once it shows it.
  useEffect(() => {
    setOptions((o) => ({ cookieName: o.cookieName || detected.cookieName || '', iframeUrl: o.iframeUrl || detected.iframeUrl || '' }));
  }, [detected.cookieName, detected.iframeUrl]);

  const toggle = (checked: boolean) => {
    const problem = checked ? optionsError(options) : null;
    if (problem) {
      setError(problem);
      return;
    }
    if (checked) save(options);
    const sent = send(checked ? options : null, true);
    setError(sent ? null : 'Not connected to the CX Lens service worker: try again in a moment.');
  };

  const workerError = injection.error?.feature === 'cookie-provider' ? injection.error.message : null;
  const state = switching ? 'switching' : workerError ? 'failed' : on ? record?.state ?? 'on' : 'off';

  return (
    <section class="cookie-inject" aria-label="Inject the cookie provider">
      <label class="cookie-switch" title={readOnly ? READ_ONLY_TITLE : "Inject CX Lens's cookie provider into this tab: it stays on across reloads until switched off"}>
        <input type="checkbox" role="switch" data-testid="toggle-cookie-provider" checked={checked} disabled={readOnly} onChange={(e) => toggle((e.target as HTMLInputElement).checked)} />
        <strong>Inject cookie provider</strong>
      </label>
      <label class="cookie-input">
        cookie name
        <input
          type="text" data-testid="cookie-provider-name" value={options.cookieName} spellcheck={false} disabled={on || readOnly}
          placeholder="SESSION_COOKIE_NAME" onInput={(e) => setOptions({ ...options, cookieName: (e.target as HTMLInputElement).value.trim() })}
        />
      </label>
      <label class="cookie-input wide">
        iframe URL
        <input
          type="url" data-testid="cookie-provider-iframe-url" value={options.iframeUrl} spellcheck={false} disabled={on || readOnly}
          placeholder="https://www.iframe.com/iframe.html" onInput={(e) => setOptions({ ...options, iframeUrl: (e.target as HTMLInputElement).value.trim() })}
        />
      </label>
      <span class={`cookie-inject-status st-${state}`} data-testid="cookie-provider-status" data-state={state}>
        {statusText(state, record, workerError)}
      </span>
      {error && <p class="cookie-inject-error" role="alert" data-testid="cookie-provider-error">{error}</p>}
    </section>
  );
}

function statusText(state: string, record: InjectRecord | undefined, workerError: string | null): string {
  if (state === 'switching') return 'switching…';
  if (workerError) return `failed: ${workerError}`;
  if (state === 'off') return 'off';
  const detail = record?.detail ?? {};
  const text = (key: string) => (typeof detail[key] === 'string' ? (detail[key] as string) : '');
  switch (record?.state) {
    case 'installed': return text('message') || `on: provider in the page${detail.bus ? ', saving on chat events' : ''}`;
    case 'waiting': return text('message') || 'on: waiting for the bus';
    case 'fired': return `on: ${text('operation')} ${text('status')}${text('reason') ? ` (${text('reason')})` : ''}`;
    case 'failed': return `failed in the page: ${text('error')}`;
    case 'removed': return 'removed from the page';
    default: return 'on (no report from the page yet)';
  }
}

/** The options last switched on in the panel (localStorage), if they are still valid. */
function saved(): CookieProviderOptions | null {
  const parsed = parseCookieProviderOptions(readJsonSetting(OPTIONS_KEY));
  return parsed.ok ? parsed.options : null;
}

function save(options: CookieProviderOptions): void {
  writeJsonSetting(OPTIONS_KEY, options);
}
