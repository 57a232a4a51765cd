// Service worker: a thin shell over Router (routing, src/worker/router.ts), InjectionManager
// (per-tab injection switches, src/worker/injection.ts) and PageCalls (calls into the page, only of
// objects CX Lens's own files made there, src/worker/page-calls.ts). Extension APIs through the promise-based
// `browser` of webextension-polyfill (only here and in the panel: page-side scripts stay small).
import browser from 'webextension-polyfill';
import { Router } from './router';
import { InjectionManager, type InjectionHost } from './injection';
import {
  CONTENT_PORT, PANEL_PORT, RELAY_GLOBAL,
  type ContentToWorker, type InjectFeature, type InjectionSettings, type PanelToWorker,
} from '../shared/protocol';
import { callPageApi } from './page-functions';
import { PageCalls, type ClaimMemory, type PageCallHost } from './page-calls';
import { errorText } from '../shared/error-text';

/** Packaged file and page functions of each injectable feature. */
const FEATURES = {
  finalize: { file: 'finalize-handler.js', api: 'CXLensFinalizeHandler' },
  'cookie-provider': { file: 'cookie-provider-inject.js', api: 'CXLensCookieInjection' },
} as const;
const SIMULATE = { file: 'simulate-state.js', api: 'CXLensSimulate' } as const;
const SETTINGS_KEY = 'injection';
const CLAIMS_KEY = 'injection-claims';

/** Scripts run in the tab's top frame without waiting for the document to finish loading. */
const pageCallHost: PageCallHost = {
  async runFile(tabId, file) {
    const [run] = await browser.scripting.executeScript({ target: { tabId, frameIds: [0] }, world: 'MAIN', injectImmediately: true, files: [file] });
    return run;
  },
  async callApi(tabId, documentId, api, method, args) {
    const [run] = await browser.scripting.executeScript({
      target: { tabId, documentIds: [documentId] }, world: 'MAIN', injectImmediately: true,
      func: callPageApi as (...args: unknown[]) => unknown, args: [api, method, args],
    });
    return run;
  },
  async topDocument(tabId) {
    // Isolated world: nothing of the page runs or is touched.
    const [run] = await browser.scripting.executeScript({ target: { tabId, frameIds: [0] }, injectImmediately: true, func: () => 0 });
    return run?.documentId;
  },
  async reportKey(tabId, documentId) {
    // The content script's isolated world (executeScript's default): the page cannot reach it.
    const [run] = await browser.scripting.executeScript({
      target: { tabId, documentIds: [documentId] }, injectImmediately: true,
      func: ((name: string) => {
        const key = (globalThis as unknown as Record<string, { reportKey?: unknown } | undefined>)[name]?.reportKey;
        return typeof key === 'string' ? key : null;
      }) as (...args: unknown[]) => unknown,
      args: [RELAY_GLOBAL],
    });
    return typeof run?.result === 'string' ? run.result : null;
  },
  async loadClaims() {
    return ((await browser.storage.session.get(CLAIMS_KEY))[CLAIMS_KEY] as ClaimMemory | undefined) ?? {};
  },
  async saveClaims(claims) {
    await browser.storage.session.set({ [CLAIMS_KEY]: claims });
  },
  setTimer: (fn, ms) => setTimeout(fn, ms),
  clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
const pageCalls = new PageCalls(pageCallHost);

const host: InjectionHost = {
  async install(tabId, feature, options) {
    // The finalize handler is told it was installed by the extension (not by the site itself).
    const installOptions = feature === 'finalize' ? { ...(options as object), source: 'extension' } : options;
    await pageCalls.call(tabId, FEATURES[feature].file, FEATURES[feature].api, 'install', [installOptions]);
  },
  async uninstall(tabId, feature) {
    await pageCalls.uninstall(tabId, FEATURES[feature].api);
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

browser.tabs.onRemoved.addListener((tabId) => {
  void injection.tabClosed(tabId);
  void pageCalls.tabClosed(tabId);
});

async function setFeature(tabId: number, feature: InjectFeature, options: unknown): Promise<void> {
  try {
    const settings = await injection.set(tabId, feature, options as never);
    router.toPanels(tabId, { type: 'injection', settings });
  } catch (error) {
    router.toPanels(tabId, { type: 'injection', settings: await injection.settings(tabId), error: { feature, message: errorText(error) } });
  }
}

async function simulate(tabId: number, state: string): Promise<void> {
  try {
    await pageCalls.call(tabId, SIMULATE.file, SIMULATE.api, 'deliver', [state]);
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
