// Placeholder: replaced by the feature's own view. Views get the tab's LogModel (see log-model.ts).
import type { LogModel } from '../../src/core/log-model';

export function InjectionView(_props: { model: LogModel }) {
  return <div class="placeholder">Injection: switch CX Lens's packaged scripts on and off in the inspected page. Coming soon.</div>;
}
