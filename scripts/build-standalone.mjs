// Builds the standalone scripts that ship in dist/ beside the extension: plain classic scripts
// (IIFE, no imports) that a site can host itself, and that the service worker injects into the
// inspected page with chrome.scripting.executeScript({ files }) (packaged files, strict-CSP safe).
// Run after `vite build` (which empties dist/).
//
// The files the worker injects return a value: executeScript({files}) hands back the script's
// completion value (the value of its last expression statement) as InjectionResult.result. Their
// entry's default export (a claim outcome, src/page/inject/claim-global.ts) becomes the IIFE's
// return value, and the IIFE call is left as the file's last statement, not assigned to a global
// (a global the page could read, or have given a setter beforehand).
import { build } from 'vite';
import { existsSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// The same files in the Firefox build (CX_LENS_BROWSER=firefox, see vite.config.ts).
const outDir = resolve(root, process.env.CX_LENS_BROWSER === 'firefox'
  ? (process.env.CX_LENS_FIREFOX_DIST ?? 'dist-firefox')
  : (process.env.CX_LENS_DIST ?? 'dist'));

/** entry (source) → output file name in dist/; `completion`: the file's value is the entry's
 *  default export. Entries that do not exist yet are skipped. */
export const STANDALONE = [
  { entry: 'src/page/inject/finalize-handler.ts', out: 'finalize-handler.js', completion: true },
  { entry: 'src/page/inject/simulate.ts', out: 'simulate-state.js', completion: true },
  { entry: 'src/cookie/cookie-provider.ts', out: 'cookie-provider.min.js' },
  { entry: 'src/cookie/iframe.ts', out: 'iframe.min.js' },
  { entry: 'src/page/inject/cookie-provider-inject.ts', out: 'cookie-provider-inject.js', completion: true },
  { entry: 'src/content/panel-open.ts', out: 'panel-open.js', completion: true },
  // Registered by the worker for the switched-on sites (src/worker/site-registry.ts): the page
  // hook (main world; a classic script, so it runs synchronously at document_start) and the relay.
  { entry: 'src/page/page-hook.iife.ts', out: 'page-hook.js', completion: false, bare: true, target: 'chrome116' },
  { entry: 'src/content/relay.iife.ts', out: 'relay.js', completion: false, bare: true, target: 'chrome116' },
];
const BUNDLE_NAME = '__cxLensStandalone';
/** Static files copied as they are: source → dist path. */
export const STATIC = [
  { from: 'src/cookie/iframe.html', to: 'iframe.html' },
];

for (const { entry, out, completion, bare, target } of STANDALONE) {
  if (!existsSync(resolve(root, entry))) continue;
  await build({
    configFile: false,
    logLevel: 'warn',
    root,
    build: {
      outDir,
      emptyOutDir: false,
      target: target ?? 'es2019', // the extension's own scripts: what the extension's Chromium runs (manifest minimum_chrome_version)
      // CX_LENS_UNMINIFIED: readable names in a CPU profile (bench/profile-tap.ts).
      minify: (out.endsWith('.min.js') || bare) && !process.env.CX_LENS_UNMINIFIED ? 'esbuild' : false,
      lib: { entry: resolve(root, entry), formats: ['iife'], name: BUNDLE_NAME, fileName: () => out },
      rollupOptions: { output: { extend: !completion } },
    },
  });
  if (completion) returnCompletionValue(resolve(outDir, out));
  if (bare) checkNoGlobal(resolve(outDir, out));
}

/** A script with no exports must leave no global behind (the page would see the hook's). */
function checkNoGlobal(file) {
  const code = readFileSync(file, 'utf8');
  if (!/^\(function\(\) ?\{/.test(code)) throw new Error(`${file}: unexpected bundle shape; it may set a global`);
}

/** `var __cxLensStandalone = (function() {…return x;})();` → `(function() {…})();`: the IIFE's
 *  return value becomes the script's completion value. Fails the build if the bundle looks different. */
function returnCompletionValue(file) {
  const code = readFileSync(file, 'utf8');
  const prefix = `var ${BUNDLE_NAME} = (function(`;
  if (!code.startsWith(prefix) || !/\n\treturn [^\n]+;\n\}\)\(\);\s*$/.test(code)) {
    throw new Error(`${file}: unexpected bundle shape; its completion value would not be the entry's default export`);
  }
  writeFileSync(file, code.slice(`var ${BUNDLE_NAME} = `.length));
}
for (const { from, to } of STATIC) {
  if (!existsSync(resolve(root, from))) continue;
  mkdirSync(dirname(resolve(outDir, to)), { recursive: true });
  copyFileSync(resolve(root, from), resolve(outDir, to));
}
