// The States view's model: the records its timeline reads (session events, the commands that
// can react to Finalizing/Completed and their outcomes, the hook's transport mode), the network
// source (chat API responses), and the timeline built from both when the view asks for it.
import { textOf } from '../text/bounded';
import type { CaptureRecord } from '../../shared/protocol';
import type { RecordView, ResetCause } from '../store/tab-store';
import { ChatNetworkStore } from './network';
import { TIMELINE_EVENTS, buildTimeline, isReactionCommand, type Timeline } from './timeline';

/** Timeline records kept (the newest): many long chats' worth of messages. */
export const STATES_RECORD_CAP = 50_000;

export const EMPTY_TIMELINE: Timeline = { mode: 'unknown', sessions: [], responses: [], problems: [] };

export interface StatesModelOptions {
  network?: ChatNetworkStore;
  cap?: number;
  now?: () => number;
  /** Called when the network source changes (it is not fed through the store). */
  onChange?: () => void;
}

export class StatesModel implements RecordView {
  readonly kinds: ReadonlySet<string> = new Set(['event', 'command', 'outcome', 'status']);

  /** The records buildTimeline reads, in arrival order. */
  records: CaptureRecord[] = [];
  /** Bumped when `records` change. */
  version = 0;
  /** Chat API responses, as chrome.devtools.network reports them (panel/main.tsx starts it). */
  readonly network: ChatNetworkStore;

  /** Reaction commands still waiting for their outcome, by `docId \n id`. */
  private readonly reactions = new Set<string>();
  private built: { key: string; timeline: Timeline; pending: boolean } | null = null;
  private readonly cap: number;
  private readonly now: () => number;

  constructor(options: StatesModelOptions = {}) {
    this.network = options.network ?? new ChatNetworkStore();
    this.cap = options.cap ?? STATES_RECORD_CAP;
    this.now = options.now ?? Date.now;
    const onChange = options.onChange;
    if (onChange) this.network.subscribe(onChange);
  }

  take(docId: string, record: CaptureRecord): void {
    switch (record.t) {
      case 'event':
        if (!TIMELINE_EVENTS.has(record.name)) return;
        break;
      case 'command':
        if (!isReactionCommand(record.name)) return;
        this.reactions.add(reactionKey(docId, record.id));
        // Commands that never settle must not pile up: forget the oldest.
        if (this.reactions.size > this.cap) this.reactions.delete(this.reactions.values().next().value as string);
        break;
      case 'outcome':
        if (!this.reactions.delete(reactionKey(docId, record.id))) return;
        break;
      case 'status':
        if (record.status?.transport?.asyncEnabled === undefined) return;
        break;
      default:
        return;
    }
    this.records.push(record);
    if (this.records.length > this.cap + (this.cap >> 6)) this.records.splice(0, this.records.length - this.cap);
    this.version++;
  }

  /** A navigation keeps what the new document fetched since it started; a Clear drops every response. */
  reset(cause: ResetCause): void {
    this.records = [];
    this.reactions.clear();
    this.version++;
    this.network.clearBefore(cause.reason === 'navigation' ? cause.frame.seenAt : this.now());
  }

  /**
   * The timeline of the records and responses. Rebuilt when either changed, and on every new
   * `clock` while a reaction is pending (so that "pending" turns into "none" when its window
   * closes); otherwise the last one.
   */
  timeline(clock: number): Timeline {
    const key = `${this.version}/${this.network.version}/${this.built?.pending ? clock : 0}`;
    if (this.built?.key !== key) {
      const timeline = buildTimeline({ records: this.records, network: this.network.entries }, this.now());
      const pending = timeline.sessions.some((s) => s.segments.some((g) => g.rows.some((r) => r.kind === 'state' && r.reaction?.kind === 'pending')));
      this.built = { key, timeline, pending };
    }
    return this.built.timeline;
  }

  /** The timeline last built, without building one (for a view that is not shown). */
  lastTimeline(): Timeline {
    return this.built?.timeline ?? EMPTY_TIMELINE;
  }
}

function reactionKey(docId: string, id: unknown): string {
  return `${docId}\n${textOf(id)}`;
}
