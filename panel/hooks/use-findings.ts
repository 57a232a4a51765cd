// The findings of the models shown, for the Findings tab and the count on its button. One
// FindingsModel per models (live, or a file's), shared by both: it recomputes only when the store
// changed or the clock may have changed a finding, and keeps each finding's first sighting.
import { useEffect, useState } from 'preact/hooks';
import type { TabModels } from '../../src/analysis/store/tab-models';
import { useModel, useNow } from './store';
import { FindingsModel } from '../../src/analysis/findings/findings-model';
import type { RuleFailure } from '../../src/analysis/findings/engine';
import type { Finding } from '../../src/analysis/findings/types';
import { orderFindings } from '../../src/analysis/findings/view-model';
import { errorText } from '../../src/shared/error-text';

const byModels = new WeakMap<TabModels, FindingsModel>();

export function findingsModelOf(models: TabModels): FindingsModel {
  let model = byModels.get(models);
  if (!model) byModels.set(models, (model = new FindingsModel(models)));
  return model;
}

export interface ShownFindings {
  findings: Finding[];
  /** Why the findings could not be computed at all (they are then the last ones that could). */
  error: string | null;
  /** The rules that failed: what they check is unknown. */
  failed: RuleFailure[];
}

/** The model's findings at `now`, one per key, most severe first. Whatever goes wrong in a rule
 *  leaves the tab usable: the error is shown with the last findings. */
export function shownFindings(model: Pick<FindingsModel, 'current'> & Partial<Pick<FindingsModel, 'failed'>>, now: number, last: Finding[] = []): ShownFindings {
  try {
    return { findings: orderFindings(model.current(now)), error: null, failed: model.failed?.(now) ?? [] };
  } catch (e) {
    return { findings: last, error: errorText(e), failed: [] };
  }
}

/** Whether the findings shown are incomplete: then no count or empty list may read as "nothing is
 *  wrong". */
export function findingsUnknown(shown: ShownFindings): boolean {
  return shown.error !== null || shown.failed.length > 0;
}

/** What the tab and its button say of findings that are incomplete; null when they are complete. */
export function unknownText(shown: ShownFindings): string | null {
  if (shown.error !== null) return `The findings could not be computed (${shown.error}): what CX Lens checks is unknown; the findings shown are the last that could be computed.`;
  const n = shown.failed.length;
  if (n === 0) return null;
  return `${n === 1 ? '1 rule' : `${n} rules`} failed: what ${n === 1 ? 'it checks' : 'they check'} is unknown, so the findings are incomplete.`;
}

const lastShown = new WeakMap<FindingsModel, Finding[]>();
/** The latest clock any user of a model rendered with: its users never go back in time, so one
 *  that renders later gets the same (cached) findings rather than recomputing with an older clock. */
const latestNow = new WeakMap<FindingsModel, number>();
/** The components that show a model's findings (the Findings tab, the count on its button). */
const usersOf = new WeakMap<FindingsModel, Set<(version: number) => void>>();
function users(model: FindingsModel): Set<(version: number) => void> {
  let set = usersOf.get(model);
  if (!set) usersOf.set(model, (set = new Set()));
  return set;
}

/** The findings of `models`, for every component that shows them. Findings can change with the
 *  clock alone (a reaction window ends), and each component has its own clock tick: when one of
 *  them sees the list change, the others render it too, so that the count on the tab's button never
 *  lags the list it counts. */
export function useFindings(models: TabModels): ShownFindings {
  useModel(models.store);
  const model = findingsModelOf(models);
  const now = Math.max(useNow(1000), latestNow.get(model) ?? -Infinity);
  latestNow.set(model, now);
  const [, rendered] = useState(model.version);
  useEffect(() => {
    const set = users(model);
    set.add(rendered);
    return () => {
      set.delete(rendered);
    };
  }, [model]);
  const shown = shownFindings(model, now, lastShown.get(model));
  if (!shown.error) lastShown.set(model, shown.findings);
  const version = model.version;
  useEffect(() => {
    for (const render of users(model)) render(version);
  }, [model, version]);
  return shown;
}
