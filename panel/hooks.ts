// Preact hooks over the tab's models: re-render on store changes (at most once a frame), a clock,
// and an injection switch.
import { createContext } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import type { TabStore } from './model/tab-store';
import type { InjectionModel, PanelCommand } from './injection/injection-model';
import type { InjectFeature, InjectOptions } from '../src/shared/protocol';
import { readSetting } from './storage';

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
    let scheduled = false;
    const flush = () => {
      scheduled = false;
      setVersion(store.version);
    };
    const unsubscribe = store.subscribe(() => {
      if (scheduled) return;
      scheduled = true;
      // rAF does not run in a hidden panel; the timer makes sure the view still catches up.
      const timer = setTimeout(flush, 100);
      requestAnimationFrame(() => {
        clearTimeout(timer);
        if (scheduled) flush();
      });
    });
    setVersion(store.version);
    return unsubscribe;
  }, [store, active]);
  return version;
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
