// Feeds the States view's network store (src/analysis/states/network.ts) from chrome.devtools.network:
// the requests that finish while the panel lives, and the HAR of those that finished before.
import { collect, type ChatNetworkStore, type HarEntryLike } from '../../src/analysis/states/network';

/** Listens to the inspected tab's network for as long as the panel lives; returns a stop function. */
export function startChatNetwork(store: ChatNetworkStore): () => void {
  const network = chrome.devtools?.network;
  if (!network) return () => {};
  const onFinished = (request: chrome.devtools.network.Request) => collect(store, request as unknown as HarEntryLike);
  network.onRequestFinished.addListener(onFinished);
  try {
    network.getHAR((har) => {
      for (const entry of har?.entries ?? []) collect(store, entry as unknown as HarEntryLike);
    });
  } catch {
    /* no HAR (DevTools closing): live requests still come */
  }
  return () => network.onRequestFinished.removeListener(onFinished);
}
