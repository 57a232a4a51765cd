// The runtime port behind PanelFeed (webextension-polyfill's browser.runtime): the only extension
// API the feed needs.
import browser from 'webextension-polyfill';
import { PANEL_PORT, type WorkerToPanel } from '../../src/shared/protocol';
import type { FeedPort } from '../../src/analysis/store/feed';

export function connectWorker(): FeedPort {
  const port = browser.runtime.connect({ name: PANEL_PORT });
  return {
    postMessage: (m) => port.postMessage(m),
    onMessage: (l) => port.onMessage.addListener((message) => l(message as WorkerToPanel)),
    onDisconnect: (l) => port.onDisconnect.addListener(() => l()),
  };
}
