import type { InjectFeature, InjectionSettings, InjectOptions } from '../shared/protocol';
import { errorText } from '../shared/error-text';

/** What the injection logic needs from the browser; the service worker passes scripting and
 *  session storage, tests pass fakes. */
export interface InjectionHost {
  /** Runs the feature's packaged file in the tab's top frame (main world), then installs it.
   *  Rejects when the global is not CX Lens's own, or the page does not answer in time (PageCalls). */
  install<F extends InjectFeature>(tabId: number, feature: F, options: InjectOptions[F]): Promise<void>;
  uninstall(tabId: number, feature: InjectFeature): Promise<void>;
  loadSettings(): Promise<Record<string, InjectionSettings>>;
  saveSettings(all: Record<string, InjectionSettings>): Promise<void>;
}

/**
 * Per-tab injection switches. A switched-on feature is installed at once and again in every
 * new top document of that tab (reload, navigation) until switched off. Settings live in
 * session storage, so a service-worker restart keeps them.
 */
export class InjectionManager {
  constructor(private readonly host: InjectionHost) {}

  async settings(tabId: number): Promise<InjectionSettings> {
    return (await this.host.loadSettings())[tabId] ?? {};
  }

  /** Switch a feature on (options) or off (null). Resolves with the tab's settings. */
  async set<F extends InjectFeature>(tabId: number, feature: F, options: InjectOptions[F] | null): Promise<InjectionSettings> {
    const all = await this.host.loadSettings();
    const tab: InjectionSettings = { ...all[tabId] };
    if (options) tab[feature] = options;
    else delete tab[feature];
    if (Object.keys(tab).length) all[tabId] = tab;
    else delete all[tabId];
    await this.host.saveSettings(all);
    if (options) await this.host.install(tabId, feature, options);
    else await this.host.uninstall(tabId, feature);
    return tab;
  }

  /** A new top document started in the tab: install what is switched on. Returns the features
   *  that failed with their errors (the page may be one where scripts cannot run). */
  async documentStarted(tabId: number): Promise<{ feature: InjectFeature; message: string }[]> {
    const tab = await this.settings(tabId);
    const failures: { feature: InjectFeature; message: string }[] = [];
    for (const feature of Object.keys(tab) as InjectFeature[]) {
      const options = tab[feature];
      if (!options) continue;
      try {
        await this.host.install(tabId, feature, options);
      } catch (error) {
        failures.push({ feature, message: errorText(error) });
      }
    }
    return failures;
  }

  async tabClosed(tabId: number): Promise<void> {
    const all = await this.host.loadSettings();
    if (!(tabId in all)) return;
    delete all[tabId];
    await this.host.saveSettings(all);
  }
}
