// The main-world entry (MAIN world, document_start, every frame; built as a self-contained classic
// script): the page hook opens its private port to the content relay first (hook-link.ts: before
// any page script runs, so the page cannot take it), then taps the page's Genesys bus from its very
// first event and sends batches of records over that port (all the logic is in src/page/bus-tap.ts;
// see there for how the bus is found); then the channel hook (channel-hook.ts) links to it and
// records cross-frame messages. One script rather than two: each content script a frame runs has a
// cost of its own (about 0.4 ms a frame in a fresh page, measured in Chromium 156).
import { hookPort, installHook } from './bus-tap';
import { pageEnv } from './page-env';
import { installChannelHook } from './channel-hook';

try {
  // What the content script sends back on the private port (the muted names) goes to the hook.
  let control: ((data: unknown) => void) | null = null;
  const send = hookPort(window, (data) => control?.(data));
  installHook(window, pageEnv(window, send, (listener) => {
    control = listener;
  }));
} catch {
  // Never break the page, whatever it did to its window before we ran.
}
try {
  installChannelHook(window as unknown as Window & Record<PropertyKey, unknown>);
} catch {
  // The same.
}
