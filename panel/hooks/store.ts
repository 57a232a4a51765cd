// Preact hooks over the tab's models: re-render on store changes (at most once a frame), a clock,
// and an injection switch.
import { createContext } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import type { TabStore } from '../../src/analysis/store/tab-store';
import type { InjectionModel, PanelCommand } from '../../src/analysis/injection/injection-model';
import type { InjectFeature, InjectOptions } from '../../src/shared/protocol';
import { readSetting } from '../platform/storage';

/** Whether the view around is shown. Hidden views stay mounted (their filter and selection
 *  survive a tab switch) but do not re-render while records stream in: during a burst the panel
 *  then works only for what is on screen, and leaves the machine's cores to the page. */
export const ViewActiveContext = createContext(true);

/** Re-renders the calling component after changes of the tab's store (and of the view models,
 *  which notify through it), coalesced to one render per frame (bursts of 20,000 events must
 *  not render 20,000 times), and at once when its view is shown again. Returns the store's version. */
export function useModel(store: TabStore): number {
  const active = useContext(ViewActiveContext);
  const [version, setVersion] = useState(store.version);
  useEffect(() => {
    if (!active) return;
    const unsubscribe = renderersOf(store).add(setVersion);
    setVersion(store.version);
    return unsubscribe;
  }, [store, active]);
  return version;
}

export interface Renderers {
  /** Renders `render` after the store's changes; returns its removal. */
  add(render: (version: number) => void): () => void;
}
const renderersByStore = new WeakMap<TabStore, Renderers>();

/** The components that render a store, updated together: one store subscription and one frame
 *  (or timer) for all of them, so that every view, and the Findings tab's count, shows the same
 *  version at once (with a timer each, one view could be seen updated before another). */
export function renderersOf(store: TabStore): Renderers {
  let renderers = renderersByStore.get(store);
  if (renderers) return renderers;
  const set = new Set<(version: number) => void>();
  let unsubscribe: (() => void) | null = null;
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    for (const render of [...set]) render(store.version);
  };
  const onChange = () => {
    if (scheduled) return;
    scheduled = true;
    // rAF does not run in a hidden panel; the timer makes sure the views still catch up.
    const timer = setTimeout(flush, 100);
    requestAnimationFrame(() => {
      clearTimeout(timer);
      if (scheduled) flush();
    });
  };
  renderers = {
    add(render) {
      set.add(render);
      unsubscribe ??= store.subscribe(onChange);
      return () => {
        set.delete(render);
        if (set.size === 0 && unsubscribe) {
          unsubscribe();
          unsubscribe = null;
        }
      };
    },
  };
  renderersByStore.set(store, renderers);
  return renderers;
}

/** The current time, updated every `intervalMs`. */
export function useNow(intervalMs = 1000): number {
  const active = useContext(ViewActiveContext);
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs, active]);
  return now;
}

/** A boolean from the panel's localStorage ('1' / '0'), or `initial`. */
export function readFlag(key: string, initial: boolean): boolean {
  const v = readSetting(key);
  return v === null ? initial : v === '1';
}

/**
 * An injection switch of the inspected tab. The switch lives in the service worker (per tab, kept
 * across reloads): `on` is what the worker reports; `checked` follows a click at once, until the
 * worker's settings (or its error) confirm or undo it. `options` are the ones being edited; the
 * worker's win when they change (panel reopened, another panel of the tab changed them).
 */
export function useInjectionSwitch<F extends InjectFeature>(injection: InjectionModel, feature: F, initial: () => InjectOptions[F]) {
  const settings = injection.settings[feature] as InjectOptions[F] | undefined;
  const on = settings !== undefined;
  const [options, setOptions] = useState<InjectOptions[F]>(() => settings ?? initial());
  const [wanted, setWanted] = useState<boolean | null>(null); // clicked, not confirmed yet
  const settingsKey = JSON.stringify(settings ?? null);
  useEffect(() => {
    setWanted(null);
    if (settings) setOptions(settings);
  }, [settingsKey]);
  const errorTime = injection.error?.time;
  useEffect(() => setWanted(null), [errorTime]);

  /** Sends the switch: options to switch on (or update), null to switch off. `click` marks the
   *  switch as moved until the worker answers. False when the worker is not connected. */
  const send = (next: InjectOptions[F] | null, click: boolean): boolean => {
    const sent = injection.send({ type: 'inject', feature, options: next } as PanelCommand);
    if (click) setWanted(sent ? next !== null : null);
    return sent;
  };
  return { on, settings, options, setOptions, wanted, checked: wanted ?? on, switching: wanted !== null && wanted !== on, send };
}
