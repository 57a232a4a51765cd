// The models of one inspected tab: the store and the view models it feeds, each registered once.
// panel/main.tsx builds them for the panel; tests build them the same way.
import { TabStore, type TabStoreOptions } from './tab-store';
import { BusModel } from '../bus/bus-model';
import { StatesModel } from '../states/states-model';
import { CookieSyncStore } from '../cookies/cookie-sync';
import { InjectionModel } from '../injection/injection-model';
import { MuteModel } from '../bus/mutes';
import { SiteAccessModel } from '../injection/site-access';

export interface TabModels {
  store: TabStore;
  bus: BusModel;
  states: StatesModel;
  cookies: CookieSyncStore;
  injection: InjectionModel;
  /** The tab's muted event names. */
  mutes: MuteModel;
  /** Site access: the worker's reports (live models only; a file's stay empty). */
  sites: SiteAccessModel;
}

export interface TabModelsOptions extends TabStoreOptions {
  /** Rows the bus list keeps. */
  rowCap?: number;
}

export function createTabModels(options: TabModelsOptions = {}): TabModels {
  // The store keeps every record: twice the rows by default (outcomes and statuses are no rows).
  const recordCap = options.recordCap ?? (options.rowCap !== undefined ? options.rowCap * 2 : undefined);
  const store = new TabStore({ ...options, recordCap });
  const notify = () => store.notify();
  const models: TabModels = {
    store,
    bus: new BusModel({ rowCap: options.rowCap, pageMadeCap: options.pageMadeCap, onChange: notify }),
    states: new StatesModel({ now: options.now, onChange: notify }),
    cookies: new CookieSyncStore(),
    injection: new InjectionModel(options.now),
    mutes: new MuteModel(),
    sites: new SiteAccessModel(),
  };
  store.addView(models.bus);
  store.addView(models.states);
  store.addView(models.cookies);
  store.addView(models.injection);
  store.onInjectionReport((report) => models.injection.report(report));
  store.onMuteReport((report) => models.mutes.report(report.names, report.error));
  store.onSitesReport((report) => models.sites.report(report));
  return models;
}
