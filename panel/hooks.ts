// Preact hooks over the LogModel: re-render on model changes (at most once a frame) and a clock.
import { useEffect, useState } from 'preact/hooks';
import type { LogModel } from '../src/core/log-model';
import { readSetting } from './storage';

/** Re-renders the calling component after model changes, coalesced to one render per frame
 *  (bursts of 20,000 events must not render 20,000 times). Returns the model's version. */
export function useModel(model: LogModel): number {
  const [version, setVersion] = useState(model.version);
  useEffect(() => {
    let scheduled = false;
    const flush = () => {
      scheduled = false;
      setVersion(model.version);
    };
    const unsubscribe = model.subscribe(() => {
      if (scheduled) return;
      scheduled = true;
      // rAF does not run in a hidden panel; the timer makes sure the view still catches up.
      const timer = setTimeout(flush, 100);
      requestAnimationFrame(() => {
        clearTimeout(timer);
        if (scheduled) flush();
      });
    });
    setVersion(model.version);
    return unsubscribe;
  }, [model]);
  return version;
}

/** The current time, updated every `intervalMs`. */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/** A boolean from the panel's localStorage ('1' / '0'), or `initial`. */
export function readFlag(key: string, initial: boolean): boolean {
  const v = readSetting(key);
  return v === null ? initial : v === '1';
}
