// Every rule over the models of one tab (live or opened from a file). Pure: the panel and the
// `cx-lens report` command line run the same code.
import type { TabModels } from '../model/tab-models';
import type { Finding } from './types';

/** All findings of these models at `now` (ms epoch), most severe first. */
export function computeFindings(_models: TabModels, _now: number): Finding[] {
  return [];
}
