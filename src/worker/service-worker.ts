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
  type SiteNote, type WorkerToPanel,
} from '../shared/protocol';
import { isInjectFeature, parseInjectOptions } from '../shared/injection-options';
import { callPageApi } from './page-functions';
import { PageCalls, type ClaimMemory, type PageCallHost } from './page-calls';
import { errorText } from '../shared/error-text';
import { PANELS_OPEN_KEY } from '../shared/panels-open';
import { MuteManager } from './mutes';
import { SiteRegistry, SITE_SCRIPTS, frameAccess, type ProbedFrame, type ScriptSpec, type SiteHost } from './site-registry';
import { capturedOrigins, isCaptured, isOrigin, siteOrigin, type FrameAccess, type SiteList, type TabAccess } from '../shared/site-access';

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
  if (router.watchedTabs().includes(tabId)) setTimeout(() => void probeTab(tabId), PROBE_DELAY_MS);
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
        void probeTab(msg.tabId);
        injection.settings(msg.tabId).then((settings) => port.postMessage({ type: 'injection', settings }));
        mutes.names(msg.tabId).then((names) => port.postMessage({ type: 'mutes', names }), () => {});
      } else if (msg.type === 'inject' && tabId !== undefined && isInjectFeature(msg.feature)) {
        setFeature(tabId, msg.feature, msg.options);
      } else if (msg.type === 'simulate' && tabId !== undefined) {
        simulate(tabId, String(msg.state));
      } else if (msg.type === 'mute' && tabId !== undefined) {
        setMute(tabId, msg.name, msg.muted === true);
      } else if (msg.type === 'site' || msg.type === 'site-all' || msg.type === 'site-start-now' || msg.type === 'sites-get') {
        void siteMessage(port, tabId, msg);
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
      await siteForFeature(tabId, feature);
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
// Site access (src/worker/site-registry.ts): the page hook and the relay are registered only for
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
/** The last probe's frames, per tab. */
const tabFrames = new Map<number, FrameAccess[]>();
/** The last note per tab (why the list changed), sent with the next reports until replaced. */
const tabNotes = new Map<number, SiteNote>();

async function tabOrigin(tabId: number): Promise<string | null> {
  // The tab's URL is given with host access (<all_urls>): no `tabs` permission needed.
  const tab = await browser.tabs.get(tabId).catch(() => undefined);
  return siteOrigin(tab?.url);
}

async function tabAccess(tabId: number, list: SiteList): Promise<TabAccess> {
  const origin = await tabOrigin(tabId);
  const capturing = isCaptured(list, origin);
  return { origin, capturing, frames: capturing ? tabFrames.get(tabId) ?? [] : [] };
}

async function reportSites(tabId: number, list?: SiteList): Promise<void> {
  const current = list ?? await sites.current();
  const note = tabNotes.get(tabId);
  router.toPanels(tabId, { type: 'sites', list: current, tab: await tabAccess(tabId, current), ...(note ? { note } : {}) });
}

/** A panel watches the tab: where its site is captured, wake every frame's relay (in its isolated
 *  world: the page cannot reach it), and learn the frames' origins; frames of other origins its
 *  site loads are switched on for their next load. On a site not switched on, nothing runs. */
async function probeTab(tabId: number): Promise<ProbedFrame[]> {
  const list = await sites.current();
  const origin = await tabOrigin(tabId);
  let probed: ProbedFrame[] = [];
  if (isCaptured(list, origin)) {
    const runs = await browser.scripting.executeScript({
      target: { tabId, allFrames: true }, injectImmediately: true,
      func: ((name: string) => {
        const relay = (globalThis as unknown as Record<string, { wake?: () => void } | undefined>)[name];
        relay?.wake?.();
        return { origin: location.origin, relay: typeof relay?.wake === 'function' };
      }) as (...args: unknown[]) => unknown,
      args: [RELAY_GLOBAL],
    }).catch(() => []);
    probed = runs.flatMap((run) => {
      const result = run.result as { origin?: unknown; relay?: unknown } | undefined;
      return typeof result?.origin === 'string' ? [{ frameId: run.frameId, origin: result.origin, relay: result.relay === true }] : [];
    });
  }
  const access = frameAccess(list, origin, probed);
  let after = list;
  if (origin !== null && access.newFrames.length) after = await sites.addFrames(origin, access.newFrames);
  tabFrames.set(tabId, access.frames);
  await reportSites(tabId, after);
  return probed;
}

/** The panel's site messages, checked field by field (a message is data, never trusted). */
async function siteMessage(port: { postMessage(m: WorkerToPanel): void }, tabId: number | undefined, msg: PanelToWorker): Promise<void> {
  try {
    if (msg.type === 'site' && isOrigin(msg.origin) && typeof msg.on === 'boolean') {
      const before = await sites.current();
      const after = await sites.setSite(msg.origin, msg.on);
      if (tabId !== undefined) tabNotes.delete(tabId);
      if (!msg.on) await stopRemoved(before, after);
      if (msg.on && msg.reload === true && tabId !== undefined && await tabOrigin(tabId) === msg.origin) {
        await browser.tabs.reload(tabId);
      }
    } else if (msg.type === 'site-all' && typeof msg.on === 'boolean') {
      await sites.setAll(msg.on);
    } else if (msg.type === 'site-start-now' && tabId !== undefined) {
      await startNow(tabId);
    }
  } catch (error) {
    if (tabId !== undefined) tabNotes.set(tabId, { kind: 'failed', message: errorText(error) });
  }
  const list = await sites.current();
  // The sender first (it may watch no tab: an extension page), then every panel of each tab.
  try {
    port.postMessage({ type: 'sites', list, ...(tabId !== undefined ? { tab: await tabAccess(tabId, list) } : {}) });
  } catch {
    /* the sender went away */
  }
  for (const watched of router.watchedTabs()) await reportSites(watched, list);
}

/** A site was switched off: the documents of origins no longer captured drop what their relays
 *  kept, in the tabs showing that site (their next load runs no CX Lens script). */
async function stopRemoved(before: SiteList, after: SiteList): Promise<void> {
  if (after.all) return;
  const gone = capturedOrigins(before).filter((o) => !isCaptured(after, o));
  if (gone.length === 0) return;
  const tabs = await browser.tabs.query({});
  for (const tab of tabs) {
    if (tab.id === undefined || !gone.includes(siteOrigin(tab.url) ?? '')) continue;
    tabFrames.delete(tab.id);
    await browser.scripting.executeScript({
      target: { tabId: tab.id, allFrames: true }, injectImmediately: true,
      func: ((name: string, origins: string[]) => {
        if (origins.includes(location.origin)) (globalThis as unknown as Record<string, { stop?: () => void } | undefined>)[name]?.stop?.();
      }) as (...args: unknown[]) => unknown,
      args: [RELAY_GLOBAL, gone],
    }).catch(() => {});
  }
}

/** Capture starts in the watched tab now, without a reload: its site is switched on, and the hook
 *  and the relay run in every frame that has none (in that order: the relay takes the hook's port
 *  when it asks). Their records are contested (LATE_START_FLAG): the page's scripts ran first. */
async function startNow(tabId: number): Promise<void> {
  const origin = await tabOrigin(tabId);
  if (origin === null) throw new Error('CX Lens cannot capture this page (not an http or https page)');
  await sites.setSite(origin, true);
  const probed = await probeTab(tabId);
  const frameIds = probed.filter((f) => !f.relay && isOrigin(f.origin)).map((f) => f.frameId);
  if (frameIds.length) {
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
  }
  tabNotes.set(tabId, { kind: 'started-now', at: Date.now(), frames: frameIds.length });
  await probeTab(tabId); // wakes the new relays: they connect to the panel
}

/** Switching an injected feature on where capture is off switches its site on, and starts capture
 *  now: the feature reports through CX Lens's page scripts. */
async function siteForFeature(tabId: number, feature: InjectFeature): Promise<void> {
  const list = await sites.current();
  const origin = await tabOrigin(tabId);
  if (origin === null || isCaptured(list, origin)) return;
  await startNow(tabId);
  tabNotes.set(tabId, { kind: 'by-feature', origin, feature });
  await reportSites(tabId);
}
