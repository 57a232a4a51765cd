// Registered by the service worker (scripting.registerContentScripts) while a CX Lens panel is open
// anywhere, unregistered when the last one closes. It runs at document_start in every frame of
// every new document, in the relay's isolated world (the page cannot see or fake it), and tells
// the relay that a panel is open: a top frame connects at once (a reload or a navigation in a
// watched tab is seen from its start), and so does a contested frame (src/content/hand-over.ts).
// So no relay reads chrome.storage at document start (which cost an ordinary page about 10 ms of
// its load): while no panel is open this script does not exist, and a page costs nothing.
import { PANEL_OPEN_FLAG, RELAY_GLOBAL } from '../shared/protocol';

const world = globalThis as unknown as Record<string, unknown>;
// Whichever runs first: the relay reads the flag when it starts, or is told now.
world[PANEL_OPEN_FLAG] = true;
(world[RELAY_GLOBAL] as { panelOpen?: () => void } | undefined)?.panelOpen?.();

// The build makes this the script's completion value (scripts/build-standalone.mjs), so that the
// bundle sets no global of its own.
export default true;
