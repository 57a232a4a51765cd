// Placeholder: replaced by the feature's own view. Views get the tab's LogModel (see log-model.ts).
import type { LogModel } from '../../src/core/log-model';

export function CookieView(_props: { model: LogModel }) {
  return <div class="placeholder">Cookie sync: the cross-domain cookie channel, its sync status and trusted-domain violations. Coming soon.</div>;
}
