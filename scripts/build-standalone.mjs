// Builds the standalone scripts that ship in dist/ beside the extension: plain classic scripts
// (IIFE, no imports) that a site can host itself, and that the service worker injects into the
// inspected page with chrome.scripting.executeScript({ files }) (packaged files, strict-CSP safe).
// Run after `vite build` (which empties dist/).
import { build } from 'vite';
import { existsSync, copyFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = resolve(root, process.env.CX_LENS_DIST ?? 'dist');

/** entry (source) → output file name in dist/. Entries that do not exist yet are skipped. */
export const STANDALONE = [
  { entry: 'src/page/inject/finalize-handler.ts', out: 'finalize-handler.js' },
  { entry: 'src/page/inject/simulate.ts', out: 'simulate-state.js' },
  { entry: 'src/cookie/cookie-provider.ts', out: 'cookie-provider.min.js' },
  { entry: 'src/cookie/iframe.ts', out: 'iframe.min.js' },
  { entry: 'src/page/inject/cookie-provider-inject.ts', out: 'cookie-provider-inject.js' },
];
/** Static files copied as they are: source → dist path. */
export const STATIC = [
  { from: 'src/cookie/iframe.html', to: 'iframe.html' },
];

for (const { entry, out } of STANDALONE) {
  if (!existsSync(resolve(root, entry))) continue;
  await build({
    configFile: false,
    logLevel: 'warn',
    root,
    build: {
      outDir,
      emptyOutDir: false,
      target: 'es2019',
      minify: out.endsWith('.min.js') ? 'esbuild' : false,
      lib: { entry: resolve(root, entry), formats: ['iife'], name: '__cxLensStandalone', fileName: () => out },
      rollupOptions: { output: { extend: true } },
    },
  });
}
for (const { from, to } of STATIC) {
  if (!existsSync(resolve(root, from))) continue;
  mkdirSync(dirname(resolve(outDir, to)), { recursive: true });
  copyFileSync(resolve(root, from), resolve(outDir, to));
}
