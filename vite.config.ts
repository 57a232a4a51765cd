import { defineConfig } from 'vite';
import { crx } from '@crxjs/vite-plugin';
import preact from '@preact/preset-vite';
import manifest from './manifest.json' with { type: 'json' };
import pkg from './package.json' with { type: 'json' };
import { manifestFor } from './build/manifest';

// CX_LENS_BROWSER=firefox (npm run build:firefox) builds the Firefox variant into dist-firefox/
// from the same sources; the manifest is made for it from the one manifest.json.
const firefox = process.env.CX_LENS_BROWSER === 'firefox';

// One build for the whole extension. The MAIN-world page hook is a `*.iife.ts` file, which
// @crxjs builds as a self-contained classic script, so it runs synchronously at document_start.
export default defineConfig({
  plugins: [
    preact(),
    crx({
      // package.json's version is the one version: the manifest's follows it.
      manifest: manifestFor({ ...manifest, version: pkg.version }, firefox ? 'firefox' : 'chrome') as Parameters<typeof crx>[0]['manifest'],
      browser: firefox ? 'firefox' : 'chrome',
    }),
  ],
  build: {
    // CX_LENS_DIST (CX_LENS_FIREFOX_DIST) lets parallel work build elsewhere; tests read the same variable.
    outDir: firefox ? (process.env.CX_LENS_FIREFOX_DIST ?? 'dist-firefox') : (process.env.CX_LENS_DIST ?? 'dist'),
    emptyOutDir: true,
    target: firefox ? 'firefox153' : 'chrome116',
    sourcemap: false,
    rollupOptions: {
      input: { panel: 'panel/index.html' },
    },
  },
  server: { strictPort: true, port: 5199 },
});
