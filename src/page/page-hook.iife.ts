// Page hook (MAIN world, document_start, every frame; built as a self-contained classic script):
// opens its private port to the content relay first (hook-link.ts: before any page script runs,
// so the page cannot take it), then taps the page's Genesys bus from its very first event and
// sends batches of records over that port. All the logic is in src/page/bus-tap.ts; see there
// for how the bus is found.
import { hookPort, installHook } from './bus-tap';
import { pageEnv } from './page-env';

try {
  installHook(window, pageEnv(window, hookPort(window)));
} catch {
  // Never break the page, whatever it did to its window before we ran.
}
