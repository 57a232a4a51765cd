// Runs an entry script of src/page/inject/ as a page loads it: `window` and
// `document.currentScript` set as globals (currentScript is the <script> tag, or null when the
// extension injects the file), in a fresh module registry so that each load runs it again.
import { afterEach, vi } from 'vitest';
import type { ClaimResult } from '../../../src/page/inject/claim-global';

const page = globalThis as unknown as { window?: unknown; document?: { currentScript: unknown } };

/** Resolves with the entry's default export: the built file's completion value, which the
 *  service worker reads (scripts/build-standalone.mjs). */
export async function loadEntry(entry: 'finalize-handler' | 'simulate', win: unknown, currentScript: unknown = null): Promise<ClaimResult> {
  page.window = win;
  page.document = { currentScript };
  vi.resetModules();
  return ((await import(`../../../src/page/inject/${entry}.ts`)) as { default: ClaimResult }).default;
}

/** Removes the page globals after each test of the calling file. */
export function forgetPageAfterEach(): void {
  afterEach(() => {
    delete page.window;
    delete page.document;
  });
}
