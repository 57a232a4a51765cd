// Service worker: a thin shell over Router (routing, src/worker/router.ts) and InjectionManager
// (per-tab injection switches, src/worker/injection.ts). Extension APIs through the promise-based
// `browser` of webextension-polyfill (only here and in the panel: page-side scripts stay small).
import browser from 'webextension-polyfill';
import { Router } from './router';
import { InjectionManager, type InjectionHost } from './injection';
import {
  CONTENT_PORT, PANEL_PORT,
  type ContentToWorker, type InjectFeature, type InjectionSettings, type PanelToWorker,
} from '../shared/protocol';
import { callPageApi, type PageResult } from './page-functions';
import { errorText } from '../shared/error-text';

/** Packaged file and page functions of each injectable feature. */
const FEATURES = {
  finalize: { file: 'finalize-handler.js', api: 'CXLensFinalizeHandler' },
  'cookie-provider': { file: 'cookie-provider-inject.js', api: 'CXLensCookieInjection' },
} as const;
const SETTINGS_KEY = 'injection';

const host: InjectionHost = {
  async install(tabId, feature, options) {
    // The finalize handler is told it was installed by the extension (not by the site itself).
    const installOptions = feature === 'finalize' ? { ...(options as object), source: 'extension' } : options;
    await runInPage(tabId, FEATURES[feature].file, FEATURES[feature].api, 'install', [installOptions]);
  },
  async uninstall(tabId, feature) {
    await runInPage(tabId, null, FEATURES[feature].api, 'uninstall', []);
  },
  async loadSettings() {
    return ((await browser.storage.session.get(SETTINGS_KEY))[SETTINGS_KEY] as Record<string, InjectionSettings> | undefined) ?? {};
  },
  async saveSettings(all) {
    await browser.storage.session.set({ [SETTINGS_KEY]: all });
  },
};
const injection = new InjectionManager(host);

const router = new Router(Date.now, (tabId, frame) => {
  if (!frame.top) return;
  injection.documentStarted(tabId).then(async (failures) => {
    if (!failures.length) return;
    const settings = await injection.settings(tabId); // still switched on: the failure is this page's
    for (const error of failures) router.toPanels(tabId, { type: 'injection', settings, error });
  });
});
const extensionOrigin = new URL(browser.runtime.getURL('/')).origin;

browser.runtime.onConnect.addListener((port) => {
  const sender = port.sender;
  if (sender?.id !== browser.runtime.id) return port.disconnect();

  if (port.name === CONTENT_PORT && sender.tab?.id !== undefined) {
    const conn = router.contentConnected(port, sender.tab.id, sender.frameId ?? 0);
    port.onMessage.addListener((msg) => router.contentMessage(conn, msg as ContentToWorker));
    port.onDisconnect.addListener(() => router.contentDisconnected(conn));
  } else if (port.name === PANEL_PORT && sender.url?.startsWith(extensionOrigin + '/')) {
    // Only our own extension pages (the DevTools panel) may watch a tab or inject into it.
    const conn = router.panelConnected(port);
    port.onMessage.addListener((message) => {
      const msg = message as PanelToWorker;
      router.panelMessage(conn, msg);
      const tabId = conn.tabId;
      if (msg.type === 'subscribe') {
        wakeTab(msg.tabId);
        injection.settings(msg.tabId).then((settings) => port.postMessage({ type: 'injection', settings }));
      } else if (msg.type === 'inject' && tabId !== undefined && msg.feature in FEATURES) {
        setFeature(tabId, msg.feature, msg.options);
      } else if (msg.type === 'simulate' && tabId !== undefined) {
        simulate(tabId, String(msg.state));
      }
    });
    port.onDisconnect.addListener(() => router.panelDisconnected(conn));
  } else {
    port.disconnect();
  }
});

browser.tabs.onRemoved.addListener((tabId) => void injection.tabClosed(tabId));

async function setFeature(tabId: number, feature: InjectFeature, options: unknown): Promise<void> {
  try {
    const settings = await injection.set(tabId, feature, options as never);
    router.toPanels(tabId, { type: 'injection', settings });
  } catch (error) {
    router.toPanels(tabId, { type: 'injection', settings: await injection.settings(tabId), error: { feature, message: errorText(error) } });
  }
}

/** Runs a packaged file (if any), then `api.method(...args)` through callPageApi, in the tab's top
 *  frame, main world, without waiting for the document to finish loading. Throws the page's error. */
async function runInPage(tabId: number, file: string | null, api: string, method: string, args: unknown[]): Promise<void> {
  const target = { tabId, frameIds: [0] };
  if (file) await browser.scripting.executeScript({ target, world: 'MAIN', injectImmediately: true, files: [file] });
  const [result] = await browser.scripting.executeScript({
    target, world: 'MAIN', injectImmediately: true, func: callPageApi as (...args: unknown[]) => unknown, args: [api, method, args],
  });
  const outcome = result?.result as PageResult | undefined;
  if (!outcome?.ok) throw new Error(outcome?.error ?? 'the page did not run the injected script');
}

async function simulate(tabId: number, state: string): Promise<void> {
  try {
    await runInPage(tabId, 'simulate-state.js', 'CXLensSimulate', 'deliver', [state]);
  } catch (error) {
    router.toPanels(tabId, { type: 'injection', settings: await injection.settings(tabId), error: { feature: 'simulate', message: errorText(error) } });
  }
}

/** After a worker restart the frames of an idle tab are not connected: ask them to say hello. */
function wakeTab(tabId: number): void {
  browser.tabs.sendMessage(tabId, { type: 'cx-lens-wake' }).catch(() => {
    /* no content script there (a chrome:// page, or the tab loaded before CX Lens was installed) */
  });
}
