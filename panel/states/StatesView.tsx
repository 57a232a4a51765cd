// The States tab: the finalize handler's switch and Simulate on top, then a timeline of
// InteractionStateChange per chat session, merged from the bus (the tab's captured records) and
// the network (chat API responses, src/analysis/states/network.ts), and the problems found on the way.
import { useRef, useState } from 'preact/hooks';
import type { TabModels } from '../../src/analysis/store/tab-models';
import { plural } from '../../src/analysis/text/summary';
import { StatesFinalizeBar } from '../injection/switches/FinalizeSwitch';
import { StatesProblems } from './StatesProblems';
import { SelectedStateRow, StatesTimeline } from './StatesTimeline';
import { StatesCharts } from './StatesChart';
import { scrollSelectedIntoView, useRevealRequest } from '../hooks/reveal';
import { inHiddenTab } from '../components/hidden-tab';
import { useModel, useNow } from '../hooks/store';
import { ViewBoundary } from '../components/ViewBoundary';
import { EMPTY_TIMELINE } from '../../src/analysis/states/states-model';
import { errorLine } from '../../src/analysis/text/bounded';
import { maskString } from '../../src/analysis/text/secrets';
import './States.css';

export function StatesView({ models }: { models: TabModels }) {
  const { store, states, injection } = models;
  useModel(store);
  const now = useNow(1000);

  // The timeline is rebuilt when its records or responses change, and every second while a
  // reaction is pending; not while the tab is hidden (views stay mounted, and a busy log would
  // rebuild it every frame for nothing).
  const root = useRef<HTMLDivElement>(null);
  const [revealed, setRevealed] = useState<string | null>(null);
  useRevealRequest('states', (key) => {
    setRevealed(key);
    scrollSelectedIntoView(root.current, '[data-selected="true"]');
  });
  // A timeline that cannot be built (a bug, or data no one foresaw) is said in its place; the
  // switches and the sources above still show.
  let timeline = EMPTY_TIMELINE;
  let failure: string | null = null;
  try {
    timeline = inHiddenTab(root.current) ? states.lastTimeline() : states.timeline(now);
  } catch (e) {
    console.error('CX Lens: the States timeline could not be built', e);
    failure = errorLine(e);
  }

  const live = store.liveDocs();
  const top = live.find((d) => d.frame.top);
  const busTapped = live.some((d) => d.status?.cxbus === 'tapped');
  const empty = timeline.sessions.length === 0;
  const network = states.network;

  return (
    <div class="states" ref={root}>
      <StatesFinalizeBar injection={injection} topDocId={top?.frame.docId} />
      <div class="states-body" data-testid="states-timeline">
        <p class="states-sources" data-testid="states-sources">
          Sources: <span class={`src src-bus${busTapped ? '' : ' off'}`}>bus</span>{' '}
          {busTapped ? 'WebChatService.messageReceived (tapped)' : 'no tapped bus on this page'} ·{' '}
          <span class="src src-network">network</span>{' '}
          {plural(network.entries.length, 'chat API response')} with messages (recorded while DevTools is open)
        </p>
        {failure !== null ? (
          <div class="view-error" role="alert" data-testid="states-failed">
            CX Lens could not build the timeline: {maskString(failure)}. The chat sessions, their states and the page's reactions are unknown.
          </div>
        ) : (
          <>
            {empty && <EmptyState />}
            <ViewBoundary what="the charts" resetKey={timeline}>
              <StatesCharts timeline={timeline} models={models} now={now} />
            </ViewBoundary>
            <ViewBoundary what="the timeline" resetKey={timeline}>
              <SelectedStateRow.Provider value={revealed}>
                <StatesTimeline timeline={timeline} busTapped={busTapped} />
              </SelectedStateRow.Provider>
            </ViewBoundary>
            <ViewBoundary what="the problems" resetKey={timeline}>
              <StatesProblems timeline={timeline} />
            </ViewBoundary>
          </>
        )}
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
