// The one manifest.json, made fit for each browser at build time (vite.config.ts) and for the
// stores (scripts/package.ts). Works on whatever manifest.json holds: with or without
// content_scripts, which the worker may register at run time instead.

export type Browser = 'chrome' | 'firefox';

/** The add-on id Firefox keys storage and updates on (a stable id; AMO would sign under it). */
export const GECKO_ID = 'cx-lens@cx-lens.invalid';
/** The oldest Firefox CX Lens runs in: scripting.executeScript results carry documentId from 153
 *  on (the worker's page calls need it to answer from the document they prepared). */
export const FIREFOX_MIN_VERSION = '153.0';

type Manifest = Record<string, unknown> & { background?: { service_worker?: string; scripts?: string[]; type?: string } };

/** The manifest for `browser`; never changes its input. */
export function manifestFor<M extends object>(source: M, browser: Browser): M {
  const manifest = structuredClone(source) as unknown as Manifest;
  if (browser === 'chrome') return manifest as unknown as M;
  // The key pins the Chrome extension id for tests; Firefox takes its id from gecko.id instead.
  delete manifest.key;
  delete manifest.minimum_chrome_version;
  // Firefox runs MV3 background code as an event page, not a service worker.
  const worker = manifest.background?.service_worker;
  if (worker) manifest.background = { scripts: [worker], type: 'module' };
  manifest.browser_specific_settings = {
    gecko: {
      id: GECKO_ID,
      strict_min_version: FIREFOX_MIN_VERSION,
      // CX Lens sends nothing anywhere: what it captures stays in the browser.
      data_collection_permissions: { required: ['none'] },
    },
  };
  return manifest as unknown as M;
}

/** The manifest a store gets: the development key gone (a store assigns the id). */
export function storeManifest<M extends object>(manifest: M): M {
  const copy = structuredClone(manifest) as Record<string, unknown>;
  delete copy.key;
  return copy as M;
}
