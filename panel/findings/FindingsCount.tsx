// The number of errors and warnings on the Findings tab's button: its own component, so that it
// stays live while another tab is shown without re-rendering the whole panel.
import type { TabModels } from '../../src/analysis/store/tab-models';
import { unknownText, useFindings } from '../hooks/use-findings';
import { maskString } from '../../src/analysis/text/secrets';
import { badgeTitle, countBySeverity } from '../../src/analysis/findings/view-model';
import { SeverityIcon } from './SeverityIcon';

export function FindingsCount({ models }: { models: TabModels }) {
  const shown = useFindings(models);
  const counts = countBySeverity(shown.findings);
  // Rules that failed: the count is not "0 errors" but unknown.
  const unknown = unknownText(shown);
  return (
    <span
      class="findings-count" data-testid="findings-count" data-errors={counts.error} data-warnings={counts.warning} data-info={counts.info}
      data-unknown={unknown ? 'true' : undefined} title={unknown ? `${badgeTitle(counts)}. ${maskString(unknown)}` : badgeTitle(counts)}
    >
      {counts.error > 0 && <span class="fc">{counts.error}<SeverityIcon severity="error" /></span>}
      {counts.warning > 0 && <span class="fc">{counts.warning}<SeverityIcon severity="warning" /></span>}
      {unknown && <span class="fc fc-unknown" data-testid="findings-unknown-mark">?</span>}
    </span>
  );
}
