// Service worker: a thin shell over Router (routing, src/worker/router.ts), InjectionManager
// (per-tab injection switches, src/worker/injection.ts) and PageCalls (calls into the page, only of
// objects CX Lens's own files made there, src/worker/page-calls.ts). Extension APIs through the promise-based
// `browser` of webextension-polyfill (only here and in the panel: page-side scripts stay small).
import browser from 'webextension-polyfill';
import { Router } from './router';
import { InjectionManager, type InjectionHost } from './injection';
import {
  CONTENT_PORT, LATE_START_FLAG, PANEL_PORT, RELAY_GLOBAL,
  type ContentToWorker, type InjectFeature, type InjectionSettings, type InjectOptions, type PanelToWorker,
} from '../shared/protocol';
import { isInjectFeature, parseInjectOptions } from '../shared/injection-options';
import { callPageApi } from './page-functions';
import { PageCalls, type ClaimMemory, type PageCallHost } from './page-calls';
import { errorText } from '../shared/error-text';
import { PANELS_OPEN_KEY } from '../shared/panels-open';
import { MuteManager } from './mutes';
import { SiteRegistry, SITE_SCRIPTS, type ScriptSpec, type SiteHost } from './site-registry';
import { SiteAccess } from './site-access';

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
const MUTES_KEY = 'mutes';
const mutes = new MuteManager({
  async load() {
    return ((await browser.storage.session.get(MUTES_KEY))[MUTES_KEY] as Record<string, unknown> | undefined) ?? {};
  },
  async save(all) {
    await browser.storage.session.set({ [MUTES_KEY]: all });
  },
});

const router = new Router(Date.now, (tabId, frame) => {
  // Every document of the tab (reloads, new frames) gets the tab's muted names after its hello.
  mutes.names(tabId).then((names) => {
    if (names.length) router.toContents(tabId, { type: 'mute', names }, frame.docId);
  }, () => {});
  if (!frame.top) return;
  // The frames a page loads (the cookie iframe) come after its top document: look a little later.
  if (router.watchedTabs().includes(tabId)) setTimeout(() => void siteAccess.probeTab(tabId), PROBE_DELAY_MS);
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
      if (msg.type === 'subscribe' || msg.type === 'unsubscribe') savePanelsOpen();
      if (msg.type === 'subscribe') {
        void siteAccess.probeTab(msg.tabId);
        injection.settings(msg.tabId).then((settings) => port.postMessage({ type: 'injection', settings }));
        mutes.names(msg.tabId).then((names) => port.postMessage({ type: 'mutes', names }), () => {});
      } else if (msg.type === 'inject' && tabId !== undefined && isInjectFeature(msg.feature)) {
        setFeature(tabId, msg.feature, msg.options);
      } else if (msg.type === 'simulate' && tabId !== undefined) {
        simulate(tabId, String(msg.state));
      } else if (msg.type === 'mute' && tabId !== undefined) {
        setMute(tabId, msg.name, msg.muted === true);
      } else if (msg.type === 'site' || msg.type === 'site-all' || msg.type === 'site-start-now' || msg.type === 'sites-get') {
        void siteAccess.message((m) => port.postMessage(m), tabId, msg);
      }
    });
    port.onDisconnect.addListener(() => {
      router.panelDisconnected(conn);
      savePanelsOpen();
    });
  } else {
    port.disconnect();
  }
});

browser.tabs.onRemoved.addListener((tabId) => {
  void injection.tabClosed(tabId);
  void pageCalls.tabClosed(tabId);
  void mutes.tabClosed(tabId);
});

/** The panel's mute or unmute of an event name: to every relay of the tab (each hands it to its
 *  hook) and every panel watching it. */
async function setMute(tabId: number, name: unknown, muted: boolean): Promise<void> {
  try {
    const names = await mutes.set(tabId, name, muted);
    router.toContents(tabId, { type: 'mute', names });
    router.toPanels(tabId, { type: 'mutes', names });
  } catch (error) {
    router.toPanels(tabId, { type: 'mutes', names: await mutes.names(tabId).catch(() => []), error: errorText(error) });
  }
}

/** The panel's switch: options to switch on (checked here, as everything a message carries), null
 *  to switch off. Options that are not valid are refused with the reason, nothing is stored. */
async function setFeature(tabId: number, feature: InjectFeature, options: unknown): Promise<void> {
  try {
    let checked: InjectOptions[InjectFeature] | null = null;
    if (options !== null && options !== undefined) {
      const parsed = parseInjectOptions(feature, options);
      if (!parsed.ok) throw new TypeError(`options not valid: ${parsed.reason}`);
      checked = parsed.options;
      await siteAccess.forFeature(tabId, feature);
    }
    const settings = await injection.set(tabId, feature, checked);
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

// Which tabs a panel watches, for the relays of new documents (src/shared/panels-open.ts). Open
// panels subscribe again within seconds of a worker start; then what is stored is made true.
// While a panel is open, src/content/panel-open.ts runs at the start of every frame's document of
// the switched-on sites and tells its relay (a top frame's, or a contested one's, connects at
// once); while none is, it is not registered and costs nothing (site-registry.ts registers it).
let savedPanelsOpen: string | undefined;
function savePanelsOpen(): void {
  const tabs = router.watchedTabs();
  const text = JSON.stringify(tabs);
  if (text === savedPanelsOpen) return;
  savedPanelsOpen = text;
  browser.storage.local.set({ [PANELS_OPEN_KEY]: tabs }).catch(() => {
    savedPanelsOpen = undefined;
  });
  sites.setPanelOpen(tabs.length > 0).catch(() => {
    /* the next change tries again */
  });
}
setTimeout(savePanelsOpen, 5_000);

// ---------------------------------------------------------------------------------------------
// Site access (src/worker/site-registry.ts, the list and registrations; site-access.ts, the panel's
// messages and the tab probes): the page hook and the relay are registered only for
// the origins the user switched on in a panel. Nothing else reaches this: not the page, not a
// content script.

const siteHost: SiteHost = {
  async load(key) {
    return (await browser.storage.local.get(key))[key];
  },
  async save(key, value) {
    await browser.storage.local.set({ [key]: value });
  },
  async registered(ids) {
    return browser.scripting.getRegisteredContentScripts({ ids });
  },
  async register(scripts: ScriptSpec[]) {
    await browser.scripting.registerContentScripts(scripts as Parameters<typeof browser.scripting.registerContentScripts>[0]);
  },
  async update(scripts: ScriptSpec[]) {
    await browser.scripting.updateContentScripts(scripts as Parameters<typeof browser.scripting.updateContentScripts>[0]);
  },
  async unregister(ids) {
    await browser.scripting.unregisterContentScripts({ ids });
  },
};
// Firefox's match patterns carry no port: one with a port is taken and then matches nothing (so
// the scripts would never run). runtime.getBrowserInfo exists in Firefox only.
const patternsTakePorts = typeof (browser.runtime as { getBrowserInfo?: unknown }).getBrowserInfo !== 'function';
const sites = new SiteRegistry(siteHost, patternsTakePorts);
// Every worker start (install, update, browser start, a wake-up): the registrations follow the
// stored list, whatever an update or a crash left.
sites.reconcile().catch(() => {
  /* the next change tries again */
});
// These wake the worker at install, update (which drops dynamic registrations in Chromium) and
// browser start; the top-level reconcile above then runs.
browser.runtime.onInstalled.addListener(() => {});
browser.runtime.onStartup.addListener(() => {});

/** How long after a top document says hello its tab's frames are probed. */
const PROBE_DELAY_MS = 1500;
const siteAccess = new SiteAccess(sites, {
  async tabUrl(tabId) {
    return (await browser.tabs.get(tabId)).url;
  },
  async reload(tabId) {
    await browser.tabs.reload(tabId);
  },
  tabs: () => browser.tabs.query({}),
  async probeFrames(tabId) {
    const runs = await browser.scripting.executeScript({
      target: { tabId, allFrames: true }, injectImmediately: true,
      func: ((name: string) => {
        const relay = (globalThis as unknown as Record<string, { wake?: () => void } | undefined>)[name];
        relay?.wake?.();
        return { origin: location.origin, relay: typeof relay?.wake === 'function' };
      }) as (...args: unknown[]) => unknown,
      args: [RELAY_GLOBAL],
    }).catch(() => []);
    return runs.flatMap((run) => {
      const result = run.result as { origin?: unknown; relay?: unknown } | undefined;
      return typeof result?.origin === 'string' ? [{ frameId: run.frameId, origin: result.origin, relay: result.relay === true }] : [];
    });
  },
  async stopRelays(tabId, origins) {
    await browser.scripting.executeScript({
      target: { tabId, allFrames: true }, injectImmediately: true,
      func: ((name: string, origins: string[]) => {
        if (origins.includes(location.origin)) (globalThis as unknown as Record<string, { stop?: () => void } | undefined>)[name]?.stop?.();
      }) as (...args: unknown[]) => unknown,
      args: [RELAY_GLOBAL, origins],
    }).catch(() => {});
  },
  async startScripts(tabId, frameIds) {
    // The hook first, then the relay (it takes the hook's port when it asks), marked as a late start.
    const target = { tabId, frameIds };
    await browser.scripting.executeScript({ target, world: 'MAIN', injectImmediately: true, files: [SITE_SCRIPTS.hook.file] });
    await browser.scripting.executeScript({
      target, injectImmediately: true,
      func: ((flag: string) => {
        (globalThis as unknown as Record<string, unknown>)[flag] = true;
      }) as (...args: unknown[]) => unknown,
      args: [LATE_START_FLAG],
    });
    await browser.scripting.executeScript({ target, injectImmediately: true, files: [SITE_SCRIPTS.relay.file] });
  },
  toPanels: (tabId, message) => router.toPanels(tabId, message),
  watchedTabs: () => router.watchedTabs(),
  now: Date.now,
});
