// The chrome.runtime port behind PanelFeed: the only chrome.* the feed needs.
import { PANEL_PORT } from '../src/shared/protocol';
import type { FeedPort } from './model/feed';

export function connectWorker(): FeedPort {
  const port = chrome.runtime.connect({ name: PANEL_PORT });
  return {
    postMessage: (m) => port.postMessage(m),
    onMessage: (l) => port.onMessage.addListener(l),
    onDisconnect: (l) => port.onDisconnect.addListener(() => l()),
  };
}
