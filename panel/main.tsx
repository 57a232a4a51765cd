// Panel entry: one LogModel for the inspected tab, fed by PanelFeed, rendered by App.
import { render } from 'preact';
import { LogModel } from './model/tab-store';
import { PanelFeed } from './model/feed';
import { App } from './App';
import { readFlag } from './hooks';
import { connectWorker } from './port';
import { PRESERVE_LOG_KEY } from './bus/BusView';
import './panel.css';

function applyTheme(theme: string | undefined): void {
  document.documentElement.dataset.theme = theme === 'dark' ? 'dark' : 'light';
}
applyTheme(chrome.devtools.panels.themeName);
chrome.devtools.panels.setThemeChangeHandler?.((theme) => applyTheme(theme));

const model = new LogModel({ preserveLog: readFlag(PRESERVE_LOG_KEY, false) });
const feed = new PanelFeed(chrome.devtools.inspectedWindow.tabId, connectWorker, model.feed);
model.connectSender((message) => feed.send(message));
feed.start();
addEventListener('pagehide', () => feed.stop());

render(<App model={model} />, document.getElementById('app')!);
