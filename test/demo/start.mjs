// `npm run demo` (after `npm run build`): starts the demo sites and the emulated chat API on fixed
// ports, prints where everything is, and opens Chromium with CX Lens loaded when there is a display.
// Runs until Ctrl+C.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultDistDir, startDemo } from './server/index.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const port = Number(process.env.CX_DEMO_PORT ?? 8780);
const apiPort = Number(process.env.CX_DEMO_API_PORT ?? 8781);
const distDir = defaultDistDir();

const demo = await startDemo({ port, apiPort, distDir });
const { urls } = demo;
const mainPage = `${urls.domainA}/chat.html`;

console.log(`
CX Lens demo is running.

  Demo pages (index)      ${urls.domainA}/
  Main chat page          ${mainPage}
  Agent console           ${urls.agent}
  Cross-domain chat       ${urls.domainA}/xdomain.html  →  ${urls.domainB}/xdomain.html
  Cookie iframe           ${urls.iframeHost}/cx-lens/iframe.html
  Untrusted site          ${urls.untrusted}/steal.html
  Chat API (dataURL)      ${urls.api}/nexus/v3/chat/sessions   x-api-key: ${demo.apiKey}

Load CX Lens by hand: chrome://extensions → Developer mode → Load unpacked → ${distDir}
Then open DevTools on a demo page and pick the "CX Lens" panel. Walk-through: test/demo/README.md
`);
if (!existsSync(join(distDir, 'manifest.json'))) console.log(`Warning: ${distDir} has no build yet (npm run build).\n`);

let browser = null;
if (process.env.DISPLAY && existsSync(CHROMIUM)) {
  // A profile of its own, kept between runs, so the demo never touches the user's browser profile.
  const profile = join(tmpdir(), 'cx-lens-demo-profile');
  mkdirSync(profile, { recursive: true });
  browser = spawn(
    CHROMIUM,
    [
      `--user-data-dir=${profile}`,
      `--load-extension=${distDir}`,
      '--auto-open-devtools-for-tabs',
      '--no-first-run',
      '--no-default-browser-check',
      mainPage,
      urls.agent,
    ],
    { stdio: 'ignore' },
  );
  browser.on('error', (error) => console.log(`Could not start ${CHROMIUM}: ${error.message}`));
  browser.on('exit', () => {
    browser = null;
    console.log('Chromium closed; the demo servers keep running (Ctrl+C to stop).');
  });
  console.log(`Opened Chromium (pid ${browser.pid}) with CX Lens loaded and DevTools open.`);
} else {
  console.log('No display or no Chromium: open the URLs above in a browser that has CX Lens loaded.');
}
console.log('Press Ctrl+C to stop.');

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  if (browser) browser.kill();
  await demo.close();
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
