// Page hook (MAIN world, document_start, every frame; built as a self-contained classic script):
// taps the page's Genesys bus from its very first event and posts batches of records to the
// content relay. All the logic is in src/page/bus-tap.ts; see there for how the bus is found.
import { installHook } from './bus-tap';
import { pageEnv } from './page-env';

try {
  installHook(window, pageEnv(window));
} catch {
  // Never break the page, whatever it did to its window before we ran.
}
