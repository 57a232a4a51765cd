import { defineConfig } from 'vite';
import { crx } from '@crxjs/vite-plugin';
import preact from '@preact/preset-vite';
import manifest from './manifest.json' with { type: 'json' };

// One build for the whole extension. The MAIN-world page hook is a `*.iife.ts` file, which
// @crxjs builds as a self-contained classic script, so it runs synchronously at document_start.
export default defineConfig({
  plugins: [preact(), crx({ manifest: manifest as Parameters<typeof crx>[0]['manifest'] })],
  build: {
    // CX_LENS_DIST lets parallel work build elsewhere; tests read the same variable.
    outDir: process.env.CX_LENS_DIST ?? 'dist',
    emptyOutDir: true,
    target: 'chrome116',
    sourcemap: false,
    rollupOptions: {
      input: { panel: 'panel/index.html' },
    },
  },
  server: { strictPort: true, port: 5199 },
});
