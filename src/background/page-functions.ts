// Functions that chrome.scripting.executeScript runs in the inspected page's main world, right
// after the feature's packaged file. Chrome injects them itself (no eval, so strict-CSP pages are
// fine); they must be self-contained: no imports, no closures over this module. Chrome does not
// pass an exception of an injected function back, so each returns { ok, error } instead.
import type { CookieProviderOptions, FinalizeOptions } from '../core/protocol';

export interface PageResult {
  ok: boolean;
  error?: string;
}

export function installFinalize(options: FinalizeOptions): PageResult {
  try {
    const handler = (window as any).CXLensFinalizeHandler;
    if (!handler) return { ok: false, error: 'finalize-handler.js did not define CXLensFinalizeHandler' };
    handler.install({ ...options, source: 'extension' });
    return { ok: true };
  } catch (error) {
    return { ok: false, error: String((error as Error)?.message ?? error) };
  }
}

export function uninstallFinalize(): PageResult {
  try {
    (window as any).CXLensFinalizeHandler?.uninstall();
    return { ok: true };
  } catch (error) {
    return { ok: false, error: String((error as Error)?.message ?? error) };
  }
}

export function installCookieProvider(options: CookieProviderOptions): PageResult {
  try {
    const injection = (window as any).CXLensCookieInjection;
    if (!injection) return { ok: false, error: 'cookie-provider-inject.js did not define CXLensCookieInjection' };
    injection.install(options);
    return { ok: true };
  } catch (error) {
    return { ok: false, error: String((error as Error)?.message ?? error) };
  }
}

export function uninstallCookieProvider(): PageResult {
  try {
    (window as any).CXLensCookieInjection?.uninstall();
    return { ok: true };
  } catch (error) {
    return { ok: false, error: String((error as Error)?.message ?? error) };
  }
}

/** Chrome waits for the returned promise, so the panel learns whether the delivery worked. */
export async function simulateState(state: string): Promise<PageResult> {
  try {
    const simulate = (window as any).CXLensSimulate;
    if (!simulate) return { ok: false, error: 'simulate-state.js did not define CXLensSimulate' };
    const outcome = await simulate.deliver(state);
    return outcome?.ok ? { ok: true } : { ok: false, error: String(outcome?.error ?? 'the synthetic message was not delivered') };
  } catch (error) {
    return { ok: false, error: String((error as Error)?.message ?? error) };
  }
}
