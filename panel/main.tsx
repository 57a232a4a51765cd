// Panel entry: the inspected tab's models (one store, its view models), fed by PanelFeed,
// rendered by App, with what saving a recording needs from the extension (version, buffer cap).
import { render } from 'preact';
import browser from 'webextension-polyfill';
import { createTabModels } from '../src/analysis/store/tab-models';
import { PanelFeed } from '../src/analysis/store/feed';
import { App } from './App';
import { readFlag } from './hooks/store';
import { connectWorker } from './platform/port';
import { PRESERVE_LOG_KEY } from './bus/BusView';
import { startChatNetwork } from './platform/network';
import { BUFFER_CAP_KEY, DEFAULT_BUFFER_CAP, bufferCapSetting } from '../src/shared/buffer-cap';
import './panel.css';

function applyTheme(theme: string | undefined): void {
  document.documentElement.dataset.theme = theme === 'dark' ? 'dark' : 'light';
}
applyTheme(chrome.devtools.panels.themeName);
// Chrome calls a handler it is given; Firefox fires devtools.panels.onThemeChanged instead.
const panels = chrome.devtools.panels as typeof chrome.devtools.panels & { onThemeChanged?: { addListener(fn: (theme: string) => void): void } };
if (panels.setThemeChangeHandler) panels.setThemeChangeHandler((theme) => applyTheme(theme));
else panels.onThemeChanged?.addListener((theme) => applyTheme(theme));

const models = createTabModels({ preserveLog: readFlag(PRESERVE_LOG_KEY, false) });
const feed = new PanelFeed(chrome.devtools.inspectedWindow.tabId, connectWorker, models.store.feed);
models.injection.connectSender((message) => feed.send(message));
models.mutes.connectSender((message) => feed.send(message));
models.sites.connectSender((message) => feed.send(message));
feed.start();
const stopNetwork = startChatNetwork(models.states.network);
addEventListener('pagehide', () => {
  feed.stop();
  stopNetwork();
});

const env = {
  lensVersion: browser.runtime.getManifest().version,
  bufferCap: async () => bufferCapSetting((await browser.storage.local.get(BUFFER_CAP_KEY))[BUFFER_CAP_KEY], DEFAULT_BUFFER_CAP),
};

render(<App models={models} env={env} />, document.getElementById('app')!);
