// The number of errors and warnings on the Findings tab's button: its own component, so that it
// stays live while another tab is shown without re-rendering the whole panel.
import type { TabModels } from '../model/tab-models';
import { useFindings } from './use-findings';
import { badgeText, badgeTitle, countBySeverity } from './view-model';

export function FindingsCount({ models }: { models: TabModels }) {
  const { findings } = useFindings(models);
  const counts = countBySeverity(findings);
  return (
    <span class="findings-count" data-testid="findings-count" data-errors={counts.error} data-warnings={counts.warning} data-info={counts.info} title={badgeTitle(counts)}>
      {badgeText(counts)}
    </span>
  );
}
