// The Cookie sync tab: the cross-domain cookie channel of the inspected tab. On top the cookie
// provider injection switch, then the sync verdict, the facts behind it, the trusted-domain
// violations and the channel log. Built by src/analysis/cookies/cookie-sync.ts from the records its
// CookieSyncStore took.
import { useMemo, useRef, useState } from 'preact/hooks';
import type { TabModels } from '../../src/analysis/store/tab-models';
import { buildCookieSync } from '../../src/analysis/cookies/cookie-sync';
import { CookieChannelLog } from './CookieChannelLog';
import { CookieFacts, CookieStatus } from './CookieStatus';
import { CookieInjection } from '../injection/switches/CookieProviderSwitch';
import { CookieViolations } from './CookieViolations';
import { CookieSequence } from './CookieSequence';
import { useModel, useNow } from '../hooks/store';
import { scrollSelectedIntoView, useRevealRequest } from '../hooks/reveal';
import './Cookie.css';

export function CookieView({ models }: { models: TabModels }) {
  const { store, cookies, injection } = models;
  useModel(store);
  // Cookie expiry is judged against the clock: re-judge every few seconds.
  const now = useNow(5000);
  const [selected, setSelected] = useState<string | null>(null);
  // A finding's evidence: a channel log entry's key, or `violation:` and a violation's key.
  const [selectedViolation, setSelectedViolation] = useState<string | null>(null);
  const root = useRef<HTMLDivElement>(null);
  useRevealRequest('cookies', (key) => {
    const violation = key.startsWith('violation:') ? key.slice('violation:'.length) : null;
    setSelectedViolation(violation);
    if (violation === null && key) setSelected(key);
    if (key) scrollSelectedIntoView(root.current);
  });

  const provider = injection.settings['cookie-provider'];
  const docs = [...store.docs.values()];
  const framesKey = docs.map((d) => `${d.frame.docId} ${d.frame.url} ${d.frame.top} ${d.gone}`).join('\n');
  const sync = useMemo(() => {
    const gone = new Set(docs.filter((d) => d.gone).map((d) => d.frame.docId));
    return buildCookieSync(cookies, { frames: docs.map((d) => d.frame), gone, injection: provider, now: Date.now() });
  }, [cookies.version, framesKey, provider, now]);
  const topDocId = docs.find((d) => d.frame.top && !d.gone)?.frame.docId;

  return (
    <div class="cookie" ref={root}>
      <CookieInjection
        injection={injection} detected={{ cookieName: sync.cookieName, iframeUrl: sync.iframeUrl }}
        record={topDocId ? cookies.injected.get(topDocId) : undefined}
      />
      <div class="cookie-body" tabIndex={0} aria-label="Cookie sync" role="region">
        <CookieStatus verdict={sync.verdict} />
        <div class="cookie-columns">
          <CookieFacts rows={sync.rows} />
          <CookieViolations violations={sync.violations} selected={selectedViolation} />
        </div>
        <CookieSequence sync={sync} />
        <CookieChannelLog log={sync.log} gaps={sync.gaps} dropped={sync.logDropped} selected={selected} onSelect={setSelected} />
      </div>
    </div>
  );
}
