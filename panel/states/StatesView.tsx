// The States tab: the finalize handler's switch and Simulate on top, then a timeline of
// InteractionStateChange per chat session, merged from the bus (the tab's captured records) and
// the network (chat API responses, panel/states/network.ts), and the problems found on the way.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { LogModel } from '../model/tab-store';
import type { CaptureRecord } from '../../src/shared/protocol';
import { buildTimeline, type Timeline } from './timeline';
import { StatesFinalizeBar } from './StatesFinalizeBar';
import { StatesProblems } from './StatesProblems';
import { StatesTimeline } from './StatesTimeline';
import { inHiddenTab } from './StatesStatus';
import { useModel, useNow } from '../hooks';
import { ChatNetworkStore, startChatNetwork } from './network';
import './States.css';

const EMPTY_TIMELINE: Timeline = { mode: 'unknown', sessions: [], responses: [], problems: [] };

/** The records buildTimeline reads; the rest of a long log is skipped before it is handed over. */
function timelineRecords(model: LogModel): CaptureRecord[] {
  const out: CaptureRecord[] = [];
  for (const { record } of model.records) {
    const wanted = record.t === 'event'
      ? typeof record.name === 'string' && record.name.startsWith('WebChatService.')
      : record.t !== 'plugin' && record.t !== 'inject';
    if (wanted) out.push(record);
  }
  return out;
}

export function StatesView({ model }: { model: LogModel }) {
  const version = useModel(model);
  const network = useChatNetwork(model);
  const now = useNow(1000);

  // Rebuilt when records or responses change, and every second while a reaction is pending
  // (so that "pending" turns into "none" when the window closes); not while the tab is hidden
  // (views stay mounted, and a busy log would rebuild it every frame for nothing).
  const root = useRef<HTMLDivElement>(null);
  const built = useRef<{ key: string; timeline: Timeline; pending: boolean } | null>(null);
  const key = `${version}/${network.version}/${built.current?.pending ? now : 0}`;
  if (!inHiddenTab(root.current) && built.current?.key !== key) {
    const timeline = buildTimeline({ records: timelineRecords(model), network: network.entries }, Date.now());
    const pending = timeline.sessions.some((s) => s.segments.some((g) => g.rows.some((r) => r.kind === 'state' && r.reaction?.kind === 'pending')));
    built.current = { key, timeline, pending };
  }
  const timeline = built.current?.timeline ?? EMPTY_TIMELINE;

  const live = model.liveDocs();
  const top = live.find((d) => d.frame.top);
  const busTapped = live.some((d) => d.status?.cxbus === 'tapped');
  const empty = timeline.sessions.length === 0;

  return (
    <div class="states" ref={root}>
      <StatesFinalizeBar model={model} topDocId={top?.frame.docId} />
      <div class="states-body" data-testid="states-timeline">
        <p class="states-sources" data-testid="states-sources">
          Sources: <span class={`src src-bus${busTapped ? '' : ' off'}`}>bus</span>{' '}
          {busTapped ? 'WebChatService.messageReceived (tapped)' : 'no tapped bus on this page'} ·{' '}
          <span class="src src-network">network</span>{' '}
          {plural(network.entries.length, 'chat API response')} with messages (recorded while DevTools is open)
        </p>
        {empty && <EmptyState />}
        <StatesTimeline timeline={timeline} busTapped={busTapped} />
        <StatesProblems timeline={timeline} />
      </div>
    </div>
  );
}

function EmptyState() {
  return (
    <div class="states-empty" data-testid="states-empty">
      <h3>No interaction states yet</h3>
      <p>
        Start a chat on the page (or let one restore). Each <code>InteractionStateChange</code> (Active, Finalizing,
        Completed) appears here per chat session and segment, with the page's reaction to Finalizing and Completed.
      </p>
      <p>
        States come from <code>WebChatService.messageReceived</code> on the page's bus and from the chat API's
        responses to <code>GET …/chat/sessions/&#123;id&#125;/messages</code>, which DevTools records while it is open.
        Reload the page with DevTools open to see a chat that started earlier.
      </p>
      <p>
        Switch on the <strong>Finalize handler</strong> above to try the guide's fix on this page, or use{' '}
        <strong>Simulate</strong> to deliver a state without an agent.
      </p>
    </div>
  );
}

/** The panel's network source, cleared with the log (Clear, or a navigation without preserve log). */
function useChatNetwork(model: LogModel): ChatNetworkStore {
  const [store] = useState(() => new ChatNetworkStore());
  const [, setVersion] = useState(0);
  useEffect(() => {
    const unsubscribe = store.subscribe(() => setVersion(store.version));
    const stop = startChatNetwork(store);
    return () => {
      unsubscribe();
      stop();
    };
  }, [store]);

  // Compared with the previous render: a navigation changes the epoch and the top document
  // together, a Clear only the epoch.
  const topDocId = topDocIdOf(model);
  const previous = useRef({ epoch: model.epoch, topDocId });
  useEffect(() => {
    const before = previous.current;
    previous.current = { epoch: model.epoch, topDocId };
    if (model.epoch === before.epoch) return;
    // A navigation keeps what the new document fetched since it started; a Clear drops everything.
    const top = topDocId !== before.topDocId && topDocId !== undefined ? model.docs.get(topDocId) : undefined;
    store.clearBefore(top ? top.frame.seenAt : Date.now());
  });
  return store;
}

function topDocIdOf(model: LogModel): string | undefined {
  return model.liveDocs().find((d) => d.frame.top)?.frame.docId;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
