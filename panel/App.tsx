// The panel's frame: a tab bar (Bus plus the feature views, and the file actions: Open…, Save
// recording), the banner of an open file, the active view, the status line. While a file is open
// the views show its models instead of the live ones; the live models keep being fed.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { TabModels } from '../src/analysis/store/tab-models';
import { StatusLine } from './components/StatusLine';
import { SiteAccessBanner } from './components/SiteAccess';
import { ViewBoundary } from './components/ViewBoundary';
import { useModel, useNow, ViewActiveContext } from './hooks/store';
import { BusView } from './bus/BusView';
import { CookieView } from './cookies/CookieView';
import { InjectionView } from './injection/InjectionView';
import { StatesView } from './states/StatesView';
import { readSetting, writeSetting } from './platform/storage';
import { downloadText } from './platform/clipboard';
import { recordingFileName, recordingJson } from '../src/analysis/files/format';
import { useOpenedFile } from './recording/use-opened-file';
import { ShownFileContext } from './recording/shown-file';
import { OpenButton, OpenErrorLine, RecordingBanner, SaveButton } from './recording/RecordingControls';
import { DEFAULT_ROW_CAP } from '../src/analysis/bus/bus-model';
import { FindingsView } from './findings/FindingsView';
import { FindingsCount } from './findings/FindingsCount';
import type { Reveal } from '../src/analysis/reveal';
import { RevealContext, RevealRequestContext, type RevealRequest } from './hooks/reveal';

const TABS = [
  { id: 'findings', title: 'Findings', View: FindingsView },
  { id: 'bus', title: 'Bus', View: BusView },
  { id: 'states', title: 'States', View: StatesView },
  { id: 'cookies', title: 'Cookie sync', View: CookieView },
  { id: 'injection', title: 'Injection', View: InjectionView },
] as const;
type TabId = (typeof TABS)[number]['id'];
const titleOf = (id: TabId): string => TABS.find((tab) => tab.id === id)!.title;
const TAB_KEY = 'cx-lens.tab';

/** What the panel's entry provides for saving a recording. */
export interface RecordingEnv {
  lensVersion: string;
  /** The page buffer's size setting (null when it cannot be read). */
  bufferCap(): Promise<number | null>;
}

export function App({ models: live, env }: { models: TabModels; env: RecordingEnv }) {
  const [tab, setTab] = useState<TabId>(() => {
    const saved = readSetting(TAB_KEY);
    return TABS.some((t) => t.id === saved) ? (saved as TabId) : 'bus';
  });
  const tabRef = useRef(tab);
  tabRef.current = tab;
  const choose = (id: TabId) => {
    tabRef.current = id;
    setTab(id);
    writeSetting(TAB_KEY, id);
  };
  // A finding's evidence (or a picture's mark) opens its row in another tab, selected.
  const [revealRequest, setRevealRequest] = useState<RevealRequest | null>(null);
  const reveal = useMemo<Reveal>(() => (target) => {
    choose(target.tab);
    setRevealRequest((last) => ({ tab: target.tab, key: target.key, n: (last?.n ?? 0) + 1 }));
    // The link that asked is now hidden: focus goes to the shown view, lest it fall to the page's body.
    requestAnimationFrame(() => {
      const view = document.getElementById(`view-${target.tab}`);
      if (view && !view.contains(document.activeElement)) view.focus();
    });
  }, []);
  const file = useOpenedFile();
  const shown = file.opened?.models ?? live;
  const shownFile = file.opened ? { kind: file.opened.file.kind, name: file.opened.file.name } : null;

  const save = async (keepSecrets: boolean) => {
    const savedAt = Date.now();
    const bufferCap = await env.bufferCap().catch(() => null);
    const text = recordingJson(live, { keepSecrets, savedAt, lensVersion: env.lensVersion, bufferCap, rowCap: DEFAULT_ROW_CAP });
    downloadText(text, recordingFileName(live.store.liveTop()?.frame.url ?? '', savedAt));
  };

  // WAI-ARIA tabs: arrows move between the tabs (and show the view), Home/End go to the ends.
  const onTabKey = (e: KeyboardEvent) => {
    const at = TABS.findIndex((t) => t.id === tab);
    const to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: TABS.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    const next = TABS[(to + TABS.length) % TABS.length]!.id;
    choose(next);
    document.getElementById(`tab-${next}`)?.focus();
  };

  // The filter shortcut ("/" outside a text field, or Ctrl/Cmd+F): the shown view's filter, else the Bus's.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const typing = e.target instanceof HTMLElement && e.target.closest('input, textarea, select, [contenteditable="true"]') !== null;
      const slash = e.key === '/' && !typing && !e.ctrlKey && !e.metaKey && !e.altKey;
      const find = e.key.toLowerCase() === 'f' && (e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey;
      if (!slash && !find) return;
      const inView = (id: string) => document.querySelector<HTMLInputElement>(`#view-${id} input[type="search"]`);
      const own = inView(tabRef.current);
      if (!own && !inView('bus')) return;
      e.preventDefault();
      // Before DevTools' own listener, which forwards Ctrl/Cmd+F to DevTools' search.
      e.stopPropagation();
      if (!own) choose('bus');
      // The Bus view is shown (no longer hidden) only after this render.
      requestAnimationFrame(() => {
        const input = inView(own ? tabRef.current : 'bus');
        input?.focus();
        input?.select();
      });
    };
    document.addEventListener('keydown', onKey, true);
    return () => document.removeEventListener('keydown', onKey, true);
  }, []);

  // A file opened or closed gives the views new elements: focus that was in the old ones goes to
  // the shown view, not to the page's body.
  const shownId = file.opened?.id ?? 'live';
  const firstShown = useRef(shownId);
  useEffect(() => {
    if (shownId === firstShown.current) return;
    firstShown.current = shownId;
    const lost = !document.activeElement || document.activeElement === document.body;
    if (lost) document.getElementById(`view-${tabRef.current}`)?.focus();
  }, [shownId]);

  // A button that goes away with what it closed hands focus to the shown view's tab.
  const focusTab = () => requestAnimationFrame(() => document.getElementById(`tab-${tabRef.current}`)?.focus());

  const drop = (e: DragEvent) => {
    const dropped = e.dataTransfer?.files?.[0];
    if (!dropped) return;
    e.preventDefault();
    void file.open(dropped);
  };

  return (
    <div
      class="app" data-showing={file.opened ? 'file' : 'live'}
      onDragOver={(e) => {
        if (e.dataTransfer?.types.includes('Files')) e.preventDefault();
      }}
      onDrop={drop}
    >
      <header class="tabs">
        <h1 class="visually-hidden">CX Lens</h1>
        <div class="tablist" role="tablist" aria-label="Views" onKeyDown={onTabKey}>
          {TABS.map((t) => (
            <button
              type="button" role="tab" key={t.id} id={`tab-${t.id}`} data-testid={`tab-${t.id}`} aria-selected={tab === t.id}
              aria-controls={`view-${t.id}`} tabIndex={tab === t.id ? 0 : -1}
              class={tab === t.id ? 'tab active' : 'tab'} onClick={() => choose(t.id)}
            >
              {t.title}
              {t.id === 'findings' && <FindingsCount models={shown} />}
            </button>
          ))}
        </div>
        <span class="tab-actions">
          {file.busy && <span class="muted" data-testid="open-busy">{file.busy}</span>}
          <OpenButton onFile={(f) => void file.open(f)} busy={file.busy !== null} />
          <SaveButton onSave={(keep) => void save(keep)} disabled={file.opened ? 'A file is open: go back to live to save the live tab' : null} />
        </span>
      </header>
      <main class="main">
      {file.opened && <RecordingBanner file={file.opened.file} parsedIn={file.opened.parsedIn} onBack={() => { file.back(); focusTab(); }} />}
      {file.error && <OpenErrorLine message={file.error} onDismiss={() => { file.dismissError(); focusTab(); }} />}
      {!file.opened && <SiteAccessBanner models={live} />}
      {/* Views stay mounted so their state (filter, selection) survives a tab switch; a file
          gets views of its own (keyed), so no state of the live views leaks into it. */}
      <ShownFileContext.Provider value={shownFile}>
      <RevealContext.Provider value={reveal}>
      <RevealRequestContext.Provider value={revealRequest}>
        {TABS.map(({ id, View }) => (
          <div
            key={`${id}-${file.opened?.id ?? 'live'}`} id={`view-${id}`} class="view" role="tabpanel" aria-labelledby={`tab-${id}`} tabIndex={-1}
            hidden={tab !== id} data-testid={`view-${id}`}
          >
            <h2 class="visually-hidden">{titleOf(id)}</h2>
            <ViewActiveContext.Provider value={tab === id}>
              <ViewBoundary what={`the ${titleOf(id)} view`}>
                <View models={shown} />
              </ViewBoundary>
            </ViewActiveContext.Provider>
          </div>
        ))}
      </RevealRequestContext.Provider>
      </RevealContext.Provider>
      </ShownFileContext.Provider>
      </main>
      <Status models={live} />
    </div>
  );
}

/** Its own component so that store changes re-render the status line, not the whole panel.
 *  It always tells the live capture, also while a file is shown. */
function Status({ models }: { models: TabModels }) {
  useModel(models.store);
  const now = useNow(500);
  return <StatusLine models={models} now={now} />;
}
