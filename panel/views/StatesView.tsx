// Placeholder: replaced by the feature's own view. Views get the tab's LogModel (see log-model.ts).
import type { LogModel } from '../../src/core/log-model';

export function StatesView(_props: { model: LogModel }) {
  return <div class="placeholder">Interaction states: a timeline of InteractionStateChange per chat, and the finalize handler. Coming soon.</div>;
}
