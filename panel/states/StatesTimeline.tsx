// The States view's timeline: per chat session, its segments with their state changes and chat
// messages, where each row came from (bus, network or both), the page's reaction to every
// Finalizing/Completed, and the guide's edge case (a customer message after Finalizing/Completed
// that opened a new segment) flagged. Everything from the page renders as text.
import { createContext } from 'preact';
import { useContext, useState } from 'preact/hooks';
import type { Copied } from '../../src/shared/protocol';
import type { EdgeFlag, Segment, SessionTimeline, StateRow, Timeline, TimelineRow } from '../../src/analysis/states/timeline';
import { maskSecrets, maskString } from '../../src/analysis/text/secrets';
import { formatClock, plural } from '../../src/analysis/text/summary';
import { JsonTree } from '../components/JsonTree';
import { reactionText } from '../../src/analysis/states/status';

const MODE_LABEL: Record<Timeline['mode'], string> = {
  async: 'async chat',
  sync: 'non-async chat',
  unknown: 'mode unknown',
};
const MODE_TITLE: Record<Timeline['mode'], string> = {
  async: 'transport.async.enabled is true: the guide notifies the customer (WebChat.injectMessage)',
  sync: 'transport.async.enabled is false: the guide ends the chat (WebChat.endChat)',
  unknown: 'The page hook has not reported the Widgets transport config (no tapped bus on this page?)',
};
const OPENED_BY: Record<Segment['openedBy'], string> = {
  start: 'chat start',
  active: 'Active',
  'customer-after-finalize': 'a customer message after the segment ended',
};
const TEXT_PREVIEW = 160;

/** The key of the row revealed from another tab (a finding's evidence): shown selected. */
export const SelectedStateRow = createContext<string | null>(null);

interface Props {
  timeline: Timeline;
  /** A bus is tapped on the page: without one, CX Lens cannot see the page's reaction. */
  busTapped: boolean;
}

export function StatesTimeline({ timeline, busTapped }: Props) {
  const [open, setOpen] = useState<string | null>(null);
  const toggle = (key: string) => setOpen(open === key ? null : key);
  return (
    <>
      {timeline.sessions.map((session) => (
        <SessionCard
          key={session.sessionId ?? '(unknown)'} session={session} mode={timeline.mode}
          busTapped={busTapped} open={open} onToggle={toggle}
        />
      ))}
    </>
  );
}

interface CardProps {
  session: SessionTimeline;
  mode: Timeline['mode'];
  busTapped: boolean;
  open: string | null;
  onToggle(key: string): void;
}

function SessionCard({ session, mode, busTapped, open, onToggle }: CardProps) {
  const states = session.segments.reduce((n, s) => n + s.rows.filter((r) => r.kind === 'state').length, 0);
  const id = session.sessionId;
  return (
    <section class="session" data-testid="states-session" data-session={id ?? ''}>
      <header class="session-head">
        <h3 class="session-label">Chat session</h3>
        <code class="session-id" title={id ?? undefined}>{id ?? '(not known yet)'}</code>
        <span class={`mode mode-${mode}`} data-testid="session-mode" data-mode={mode} title={MODE_TITLE[mode]}>{MODE_LABEL[mode]}</span>
        <span class="session-counts">
          {plural(session.segments.length, 'segment')} · {plural(states, 'state change')}
        </span>
        {session.flags.length > 0 && (
          <span class="flag-count" title="Customer messages that opened a new segment after Finalizing/Completed">
            ⚑ {plural(session.flags.length, 'segment')} opened by the customer after the agent finished
          </span>
        )}
      </header>
      {session.segments.map((segment) => (
        <SegmentBlock
          key={segment.n} segment={segment} flag={session.flags.find((f) => f.segment === segment.n)}
          busTapped={busTapped} open={open} onToggle={onToggle} sessionKey={id ?? ''}
        />
      ))}
    </section>
  );
}

interface SegmentProps {
  segment: Segment;
  flag?: EdgeFlag;
  busTapped: boolean;
  open: string | null;
  onToggle(key: string): void;
  sessionKey: string;
}

function SegmentBlock({ segment, flag, busTapped, open, onToggle, sessionKey }: SegmentProps) {
  return (
    <div class={`segment${flag ? ' flagged' : ''}`} data-testid="segment" data-segment={segment.n} data-opened-by={segment.openedBy}>
      <div class="segment-head">
        <span class="segment-n">Segment {segment.n}</span>
        <span class="segment-opened">opened by {OPENED_BY[segment.openedBy]}</span>
        {flag && (
          <span class="segment-flag" data-testid="segment-flag" data-after-state={flag.afterState} role="note">
            ⚑ {flag.message}. The finalize handler prevents this.
          </span>
        )}
      </div>
      <div class="t-rows" role="treegrid" aria-label={`Segment ${segment.n}`}>
        {segment.rows.map((row) => {
          const key = `${sessionKey}\n${row.key}`;
          return <TimelineRowView key={key} row={row} busTapped={busTapped} expanded={open === key} onToggle={() => onToggle(key)} />;
        })}
      </div>
    </div>
  );
}

interface RowProps {
  row: TimelineRow;
  busTapped: boolean;
  expanded: boolean;
  onToggle(): void;
}

function TimelineRowView({ row, busTapped, expanded, onToggle }: RowProps) {
  const selected = useContext(SelectedStateRow) === row.key;
  const common = {
    role: 'row' as const,
    'data-key': row.key,
    'data-selected': selected ? 'true' : undefined,
    'aria-selected': selected || undefined,
    tabIndex: 0,
    'aria-expanded': expanded,
    'aria-level': 1,
    'data-source': row.sourceLabel,
    'data-synthetic': row.synthetic ? 'true' : undefined,
    onClick: onToggle,
    onKeyDown: (e: KeyboardEvent) => {
      const row = e.currentTarget as HTMLElement;
      if (e.key === 'Enter' || e.key === ' ' || (e.key === 'ArrowRight' && !expanded) || (e.key === 'ArrowLeft' && expanded)) {
        e.preventDefault();
        onToggle();
      } else if (e.key === 'Escape' && expanded) {
        e.preventDefault();
        e.stopPropagation(); // DevTools would take it (it toggles its drawer)
        onToggle();
      } else if (moveFocus(row, e.key)) {
        e.preventDefault();
      }
    },
  };
  const time = (
    <span class="t-time" role="gridcell" title={row.utcTime ? `server time ${row.utcTime}` : 'when CX Lens saw it'}>
      {formatClock(row.seenAt)}
    </span>
  );
  const sources = (
    <span class="t-sources" role="gridcell" title={sourceTitle(row)}>
      {row.sources.map((s) => <span key={s} class={`src src-${s}`}>{s}</span>)}
    </span>
  );
  const line = row.kind === 'state' ? (
    <div
      {...common} class={`t-row state-row st-${cssName(row.state)}${row.synthetic ? ' synthetic' : ''}`}
      data-testid="state-row" data-state={row.state}
    >
      {time}
      <span class="t-what" role="gridcell">
        <span class="state-pill">{row.state}</span>
        {!row.known && <span class="tag tag-warn" title="Not a state the Digital Channels guide names">unknown state</span>}
        {row.synthetic && <span class="tag tag-synthetic" title="Delivered by CX Lens Simulate, not by Digital Channels">synthetic</span>}
        {row.history && <span class="tag" title="Seen in a restore or history page, not delivered live">history</span>}
      </span>
      {sources}
      <ReactionCell row={row} busTapped={busTapped} />
    </div>
  ) : (
    <div
      {...common} class={`t-row message-row from-${row.from}${row.flagged ? ' flagged' : ''}`}
      data-testid="message-row" data-from={row.from} data-flagged={row.flagged ? 'true' : undefined}
    >
      {time}
      <span class="t-what" role="gridcell">
        <span class="msg-from">{row.from === 'customer' ? 'Customer' : 'Agent'}</span>
        <span class="msg-text">{messageText(row)}</span>
        {row.flagged && <span class="tag tag-flag">⚑ opened a new segment</span>}
      </span>
      {sources}
      <span class="t-reaction" role="gridcell" />
    </div>
  );
  return (
    <>
      {line}
      {expanded && (
        <div role="row" aria-level={2}>
          <div role="gridcell"><RawDetail raw={row.raw} /></div>
        </div>
      )}
    </>
  );
}

/** Up/Down, Home/End between the timeline's rows (of every session and segment). */
function moveFocus(from: HTMLElement, key: string): boolean {
  const rows = [...(from.closest('.states-body')?.querySelectorAll<HTMLElement>('.t-row') ?? [])];
  const at = rows.indexOf(from);
  const to = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: rows.length - 1 }[key];
  const target = to === undefined ? undefined : rows[to];
  target?.focus();
  return to !== undefined;
}

function ReactionCell({ row, busTapped }: { row: StateRow; busTapped: boolean }) {
  const reaction = row.reaction;
  if (!reaction) {
    const why = row.history ? 'replayed from history: not a live change' : '';
    return <span class="t-reaction muted" role="gridcell">{why}</span>;
  }
  // Without a tapped bus CX Lens sees no commands: "none" then means "cannot tell".
  const blind = !busTapped && row.sourceLabel === 'network';
  const title = [reaction.warning, blind ? 'No tapped bus on this page: CX Lens cannot see the page’s commands.' : '']
    .filter(Boolean).join(' ');
  return (
    <span class={`t-reaction r-${reaction.kind}`} role="gridcell">
      <span data-testid="reaction" data-reaction={reaction.kind} title={title || undefined}>{reactionText(reaction)}</span>
      {blind && reaction.kind === 'none' && <span class="muted"> (no bus tapped: commands not visible)</span>}
    </span>
  );
}

function RawDetail({ raw }: { raw: { bus?: Copied; network?: Copied } }) {
  return (
    <div class="t-raw" data-testid="state-raw">
      {raw.bus !== undefined && (
        <div>
          <h4>As WebChatService.messageReceived carried it (originalMessages)</h4>
          <JsonTree value={maskSecrets(raw.bus).value} openDepth={2} />
        </div>
      )}
      {raw.network !== undefined && (
        <div>
          <h4>As the chat API returned it</h4>
          <JsonTree value={maskSecrets(raw.network).value} openDepth={2} />
        </div>
      )}
    </div>
  );
}

function messageText(row: TimelineRow): string {
  const raw = (row.raw.bus ?? row.raw.network) as { [key: string]: Copied } | undefined;
  const text = raw && typeof raw === 'object' && !Array.isArray(raw) ? raw.text : undefined;
  if (typeof text !== 'string') return '';
  const masked = maskString(text); // a token pasted into the chat stays hidden, as in the Bus tab
  return masked.length > TEXT_PREVIEW ? `${masked.slice(0, TEXT_PREVIEW)}…` : masked;
}

function sourceTitle(row: TimelineRow): string {
  const names = row.sources.map((s) => (s === 'bus' ? 'the bus (WebChatService.messageReceived)' : 'the network (chat API response)'));
  return `Seen on ${names.join(' and ')}`;
}

/** A class-safe form of a state name (states are free text from the server). */
function cssName(state: string): string {
  return /^(Active|Finalizing|Completed)$/.test(state) ? state.toLowerCase() : 'other';
}
