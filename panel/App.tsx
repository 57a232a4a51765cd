// The panel's frame: a tab bar (Bus plus the feature views), the active view, the status line.
import { useState } from 'preact/hooks';
import type { TabModels } from './model/tab-models';
import { StatusLine } from './components/StatusLine';
import { ViewBoundary } from './components/ViewBoundary';
import { useModel, useNow } from './hooks';
import { BusView } from './bus/BusView';
import { CookieView } from './cookies/CookieView';
import { InjectionView } from './injection/InjectionView';
import { StatesView } from './states/StatesView';
import { readSetting, writeSetting } from './storage';

const TABS = [
  { id: 'bus', title: 'Bus', View: BusView },
  { id: 'states', title: 'States', View: StatesView },
  { id: 'cookies', title: 'Cookie sync', View: CookieView },
  { id: 'injection', title: 'Injection', View: InjectionView },
] as const;
type TabId = (typeof TABS)[number]['id'];
const titleOf = (id: TabId): string => TABS.find((tab) => tab.id === id)!.title;
const TAB_KEY = 'cx-lens.tab';

export function App({ models }: { models: TabModels }) {
  const [tab, setTab] = useState<TabId>(() => {
    const saved = readSetting(TAB_KEY);
    return TABS.some((t) => t.id === saved) ? (saved as TabId) : 'bus';
  });
  const choose = (id: TabId) => {
    setTab(id);
    writeSetting(TAB_KEY, id);
  };
  return (
    <div class="app">
      <nav class="tabs" role="tablist">
        {TABS.map((t) => (
          <button
            type="button" role="tab" key={t.id} data-testid={`tab-${t.id}`} aria-selected={tab === t.id}
            class={tab === t.id ? 'tab active' : 'tab'} onClick={() => choose(t.id)}
          >
            {t.title}
          </button>
        ))}
      </nav>
      {/* Views stay mounted so their state (filter, selection) survives a tab switch. */}
      {TABS.map(({ id, View }) => (
        <main key={id} class="view" role="tabpanel" hidden={tab !== id} data-testid={`view-${id}`}>
          <ViewBoundary what={`the ${titleOf(id)} view`}>
            <View models={models} />
          </ViewBoundary>
        </main>
      ))}
      <Status models={models} />
    </div>
  );
}

/** Its own component so that store changes re-render the status line, not the whole panel. */
function Status({ models }: { models: TabModels }) {
  useModel(models.store);
  const now = useNow(500);
  return <StatusLine models={models} now={now} />;
}
