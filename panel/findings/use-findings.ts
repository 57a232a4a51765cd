// The findings of the models shown, for the Findings tab and the count on its button: computed
// once per store change (coalesced, as every view's renders are) and at most once a second for
// rules that depend on the clock (a reaction window, a pending command), shared by both users.
import type { TabModels } from '../model/tab-models';
import { useModel, useNow } from '../hooks';
import { computeFindings } from './engine';
import type { Finding } from './types';
import { orderFindings } from './view-model';

interface Cached {
  version: number;
  now: number;
  findings: Finding[];
  error: string | null;
}

const cache = new WeakMap<TabModels, Cached>();

/** The models' findings at `now`, reusing the last result while nothing changed. A rule that
 *  throws leaves the tab usable: the error is reported instead of the findings. */
export function findingsOf(models: TabModels, now: number, compute = computeFindings): Cached {
  const had = cache.get(models);
  if (had && had.version === models.store.version && Math.abs(now - had.now) < 1000) return had;
  let next: Cached;
  try {
    next = { version: models.store.version, now, findings: orderFindings(compute(models, now)), error: null };
  } catch (e) {
    next = { version: models.store.version, now, findings: had?.findings ?? [], error: e instanceof Error ? e.message : String(e) };
  }
  cache.set(models, next);
  return next;
}

export function useFindings(models: TabModels): { findings: Finding[]; error: string | null } {
  useModel(models.store);
  const now = useNow(1000);
  const { findings, error } = findingsOf(models, now);
  return { findings, error };
}
