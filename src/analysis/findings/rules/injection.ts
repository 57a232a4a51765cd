// A switch of the panel (finalize handler, cookie provider, simulate) that could not put its code
// into the page, with the page's own error.
import type { InjectRecord } from '../../../shared/protocol';
import { textOf } from '../../text/bounded';
import { earliest, finding, groupBy, type Rule } from '../context';

const FEATURE_NAMES: Record<string, string> = {
  finalize: 'the finalize handler',
  'cookie-provider': 'the cookie provider',
  simulate: 'the state simulator',
};

function fixFor(message: string): string {
  if (/content security policy|CSP|unsafe-eval|refused to (load|execute)/i.test(message)) {
    return 'The page\'s Content-Security-Policy refuses the script. Ship the handler with the site instead (dist/finalize-handler.js, served from your own origin), or test on a page without that policy.';
  }
  if (/frozen|not extensible|read.?only|cannot (assign|define)/i.test(message)) {
    return 'The page froze the bus or the object the script needs: the code must run before the page freezes it (ship it with the site, loaded before Widgets).';
  }
  return 'Reload the page with the switch on; if it fails again, ship the code with the site instead of injecting it.';
}

export const injectionFailed: Rule = ({ injection }) => {
  const failures: { feature: string; message: string; time: number }[] = [];
  if (injection.error) failures.push(injection.error);
  // Only a feature whose latest report (per document) is a failure: a later install recovered.
  const latest = new Map<string, InjectRecord>();
  for (const { docId, record } of injection.records) {
    const r = record as InjectRecord;
    if (r.t === 'inject') latest.set(`${docId}\n${String(r.feature)}`, r);
  }
  for (const r of latest.values()) {
    if (r.state !== 'failed') continue;
    const detail = r.detail && typeof r.detail === 'object' ? r.detail : {};
    failures.push({ feature: String(r.feature), message: textOf(detail.error ?? detail.message ?? 'no error given', 300), time: r.time });
  }
  return [...groupBy(failures, (f) => `${f.feature}\n${f.message}`)].map(([key, list]) => {
    const { feature, message } = list[0]!;
    const name = FEATURE_NAMES[feature] ?? feature;
    return finding({
      rule: 'injection-failed', severity: 'error', key: `injection-failed:${key}`,
      title: `CX Lens could not inject ${name}: ${message}`,
      why: `The switch is on but ${name} is not running in the page, so what it would fix is still broken there.`,
      evidence: [], seen: earliest(list.map((f) => f.time)), quotes: [message, feature],
      fix: { text: fixFor(message) },
    });
  });
};

export const injectionRules: Rule[] = [injectionFailed];
