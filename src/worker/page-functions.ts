// The function chrome.scripting.executeScript runs in the inspected page's main world, right after
// a feature's packaged file: it calls a method of the global that file defines
// (CXLensFinalizeHandler, CXLensCookieInjection, CXLensSimulate). The worker runs it only in a
// document where its own file claimed that global (page-calls.ts), so the object is CX Lens's. Chrome injects it itself (no
// eval, so strict-CSP pages are fine); it must be self-contained: no imports, no closures over this
// module. Chrome does not pass an injected function's exception back, and it waits for a returned
// promise, so it resolves { ok, error } instead of throwing.

export interface PageResult {
  ok: boolean;
  error?: string;
}

export async function callPageApi(globalName: string, method: string, args: unknown[]): Promise<PageResult> {
  try {
    type PageApi = Record<string, (...args: unknown[]) => unknown>;
    const api = (window as unknown as Record<string, PageApi | undefined>)[globalName];
    if (!api || typeof api[method] !== 'function') {
      // Nothing to remove when it was never installed in this document.
      return method === 'uninstall' ? { ok: true } : { ok: false, error: `the injected file did not define ${globalName}.${method}` };
    }
    const result = (await api[method]!(...args)) as { ok?: unknown; error?: unknown } | null | undefined;
    // deliver() reports its own failure as { ok: false, error }; install() and uninstall() return nothing.
    if (result && typeof result === 'object' && result.ok === false) {
      return { ok: false, error: String(result.error ?? `${globalName}.${method} failed`) };
    }
    return { ok: true };
  } catch (error) {
    return { ok: false, error: String((error as Error)?.message ?? error) };
  }
}
