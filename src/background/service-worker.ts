// Service worker: a thin shell over Router (src/core/router.ts). It routes content-script ports
// to the panel ports of the same tab.
import { Router } from '../core/router';
import { CONTENT_PORT, PANEL_PORT, type ContentToWorker, type PanelToWorker } from '../core/protocol';

const router = new Router();
const extensionOrigin = new URL(chrome.runtime.getURL('/')).origin;

chrome.runtime.onConnect.addListener((port) => {
  const sender = port.sender;
  if (sender?.id !== chrome.runtime.id) return port.disconnect();

  if (port.name === CONTENT_PORT && sender.tab?.id !== undefined) {
    const conn = router.contentConnected(port, sender.tab.id, sender.frameId ?? 0);
    port.onMessage.addListener((msg: ContentToWorker) => router.contentMessage(conn, msg));
    port.onDisconnect.addListener(() => router.contentDisconnected(conn));
  } else if (port.name === PANEL_PORT && sender.url?.startsWith(extensionOrigin + '/')) {
    // Only our own extension pages (the DevTools panel) may watch a tab.
    const conn = router.panelConnected(port);
    port.onMessage.addListener((msg: PanelToWorker) => {
      router.panelMessage(conn, msg);
      if (msg.type === 'subscribe') wakeTab(msg.tabId);
    });
    port.onDisconnect.addListener(() => router.panelDisconnected(conn));
  } else {
    port.disconnect();
  }
});

/** After a worker restart the frames of an idle tab are not connected: ask them to say hello. */
function wakeTab(tabId: number): void {
  chrome.tabs.sendMessage(tabId, { type: 'cx-lens-wake' }).catch(() => {
    /* no content script there (a chrome:// page, or the tab loaded before CX Lens was installed) */
  });
}
