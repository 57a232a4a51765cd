// The Cookie sync tab: the cross-domain cookie channel of the inspected tab. On top the cookie
// provider injection switch, then the sync verdict, the facts behind it, the trusted-domain
// violations and the channel log. Built by panel/cookies/cookie-sync.ts from the tab's records.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { LogModel } from '../model/tab-store';
import { buildCookieSync, CookieSyncStore } from './cookie-sync';
import { CookieChannelLog } from './CookieChannelLog';
import { CookieFacts, CookieStatus } from './CookieStatus';
import { CookieInjection } from './CookieInjection';
import { CookieViolations } from './CookieViolations';
import { useModel, useNow } from '../hooks';
import './Cookie.css';

const KINDS = new Set(['channel', 'channel-gap', 'cookie-facts', 'command', 'inject']);

/** A store fed with the model's past records and every new one, emptied with the log. It listens
 *  from its creation on (not from an effect, which runs a frame later: records of that frame
 *  would be missed). */
function useCookieStore(model: LogModel): CookieSyncStore {
  const ref = useRef<{ store: CookieSyncStore; epoch: number; unsubscribe: () => void } | null>(null);
  const sync = (state: { store: CookieSyncStore; epoch: number }) => {
    if (state.epoch === model.epoch) return false;
    state.epoch = model.epoch;
    state.store.reset();
    for (const { docId, record } of model.records) if (KINDS.has(record.t)) state.store.add(docId, record);
    return true;
  };
  if (!ref.current) {
    const state = { store: new CookieSyncStore(), epoch: -1, unsubscribe: () => {} };
    sync(state);
    state.unsubscribe = model.onRecord('*', (record, docId) => {
      // After a clear, the model's records already hold this one.
      if (!sync(state) && KINDS.has(record.t)) state.store.add(docId, record);
    });
    ref.current = state;
  }
  sync(ref.current);
  useEffect(() => () => ref.current?.unsubscribe(), []);
  return ref.current.store;
}

export function CookieView({ model }: { model: LogModel }) {
  useModel(model);
  const store = useCookieStore(model);
  // Cookie expiry is judged against the clock: re-judge every few seconds.
  const now = useNow(5000);
  const [selected, setSelected] = useState<string | null>(null);

  const injection = model.injection.settings['cookie-provider'];
  const docs = [...model.docs.values()];
  const framesKey = docs.map((d) => `${d.frame.docId} ${d.frame.url} ${d.frame.top} ${d.gone}`).join('\n');
  const sync = useMemo(() => {
    const gone = new Set(docs.filter((d) => d.gone).map((d) => d.frame.docId));
    return buildCookieSync(store, { frames: docs.map((d) => d.frame), gone, injection, now: Date.now() });
  }, [store.version, framesKey, injection, now]);
  const topDocId = docs.find((d) => d.frame.top && !d.gone)?.frame.docId;

  return (
    <div class="cookie">
      <CookieInjection
        model={model} detected={{ cookieName: sync.cookieName, iframeUrl: sync.iframeUrl }}
        record={topDocId ? store.injected.get(topDocId) : undefined}
      />
      <div class="cookie-body">
        <CookieStatus verdict={sync.verdict} />
        <div class="cookie-columns">
          <CookieFacts rows={sync.rows} />
          <CookieViolations violations={sync.violations} />
        </div>
        <CookieChannelLog log={sync.log} gaps={sync.gaps} dropped={sync.logDropped} selected={selected} onSelect={setSelected} />
      </div>
    </div>
  );
}
