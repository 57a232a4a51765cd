// The row another tab asked to reveal (RevealContext's function records it, App provides it): each
// view obeys the requests for its own tab once, by selecting the row and scrolling it into view.
import { createContext } from 'preact';
import { useContext, useEffect } from 'preact/hooks';
import type { Reveal, RevealTab, RevealTarget } from '../../src/analysis/reveal';

/** Outside an App (tests, pictures drawn alone) revealing does nothing. */
export const RevealContext = createContext<Reveal>(() => {});

export interface RevealRequest extends RevealTarget {
  /** Counts the requests: the same row asked twice is revealed twice. */
  n: number;
}

export const RevealRequestContext = createContext<RevealRequest | null>(null);

/** Calls `apply(key)` once per request for `tab` (also for one made before the view mounted). */
export function useRevealRequest(tab: RevealTab, apply: (key: string) => void): void {
  const request = useContext(RevealRequestContext);
  const n = request && request.tab === tab ? request.n : 0;
  useEffect(() => {
    if (request && n) apply(request.key);
  }, [n]);
}

/** Scrolls the selected element under `root` into view once it is rendered (the view may show
 *  the row only after its next rebuild), giving up after a few seconds. */
export function scrollSelectedIntoView(root: HTMLElement | null, selector = '.selected', tries = 30): void {
  const run = (left: number) => {
    const el = root?.querySelector(selector);
    if (el) el.scrollIntoView({ block: 'nearest' });
    else if (left > 0) setTimeout(() => run(left - 1), 100);
  };
  setTimeout(() => run(tries), 0);
}
