// A finding's severity as an icon drawn with CSS (Findings.css): an emoji may be missing from
// the DevTools font.
import type { Severity } from '../../src/analysis/findings/types';
import { SEVERITY_LABEL } from '../../src/analysis/findings/view-model';

export function SeverityIcon({ severity }: { severity: Severity }) {
  const label = SEVERITY_LABEL[severity] ?? severity;
  return <span class={`sev-icon sev-icon-${severity}`} role="img" aria-label={label} title={label}>{severity === 'info' ? 'i' : '!'}</span>;
}
