// Which tabs a CX Lens panel watches, as the worker writes it to chrome.storage.local. The relay
// reads it when its document starts: while no panel is open anywhere, no frame connects to the
// worker (ordinary browsing starts no worker); while one is, new documents connect at once, so a
// reload or a navigation in the watched tab is seen from its start (and its injections run).
// Content scripts cannot know their tab's id, hence any watched tab counts. Stale after a crash,
// it heals: the first frame that connects starts the worker, which writes it again.

export const PANELS_OPEN_KEY = 'panelsOpen';

/** True when the stored value says a panel is open somewhere. */
export function anyPanelOpen(stored: unknown): boolean {
  return Array.isArray(stored) && stored.length > 0;
}
