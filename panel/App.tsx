// The panel's frame: a tab bar (Bus plus the feature views, and the file actions: Open…, Save
// recording), the banner of an open file, the active view, the status line. While a file is open
// the views show its models instead of the live ones; the live models keep being fed.
import { useMemo, useState } from 'preact/hooks';
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
  const choose = (id: TabId) => {
    setTab(id);
    writeSetting(TAB_KEY, id);
  };
  // A finding's evidence (or a picture's mark) opens its row in another tab, selected.
  const [revealRequest, setRevealRequest] = useState<RevealRequest | null>(null);
  const reveal = useMemo<Reveal>(() => (target) => {
    choose(target.tab);
    setRevealRequest((last) => ({ tab: target.tab, key: target.key, n: (last?.n ?? 0) + 1 }));
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
      <nav class="tabs" role="tablist">
        {TABS.map((t) => (
          <button
            type="button" role="tab" key={t.id} data-testid={`tab-${t.id}`} aria-selected={tab === t.id}
            class={tab === t.id ? 'tab active' : 'tab'} onClick={() => choose(t.id)}
          >
            {t.title}
            {t.id === 'findings' && <FindingsCount models={shown} />}
          </button>
        ))}
        <span class="tab-actions">
          {file.busy && <span class="muted" data-testid="open-busy">{file.busy}</span>}
          <OpenButton onFile={(f) => void file.open(f)} busy={file.busy !== null} />
          <SaveButton onSave={(keep) => void save(keep)} disabled={file.opened ? 'A file is open: go back to live to save the live tab' : null} />
        </span>
      </nav>
      {file.opened && <RecordingBanner file={file.opened.file} parsedIn={file.opened.parsedIn} onBack={file.back} />}
      {file.error && <OpenErrorLine message={file.error} onDismiss={file.dismissError} />}
      {!file.opened && <SiteAccessBanner models={live} />}
      {/* Views stay mounted so their state (filter, selection) survives a tab switch; a file
          gets views of its own (keyed), so no state of the live views leaks into it. */}
      <ShownFileContext.Provider value={shownFile}>
      <RevealContext.Provider value={reveal}>
      <RevealRequestContext.Provider value={revealRequest}>
        {TABS.map(({ id, View }) => (
          <main key={`${id}-${file.opened?.id ?? 'live'}`} class="view" role="tabpanel" hidden={tab !== id} data-testid={`view-${id}`}>
            <ViewActiveContext.Provider value={tab === id}>
              <ViewBoundary what={`the ${titleOf(id)} view`}>
                <View models={shown} />
              </ViewBoundary>
            </ViewActiveContext.Provider>
          </main>
        ))}
      </RevealRequestContext.Provider>
      </RevealContext.Provider>
      </ShownFileContext.Provider>
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
