import { PROTOCOL_VERSION, type CaptureRecord, type FrameInfo, type PanelToWorker, type WorkerToPanel } from '../../shared/protocol';
import { Backoff } from '../../shared/backoff';
import { decodeChunks } from '../../shared/chunks';
import { errorLine } from '../text/bounded';

/** Deliveries of the same records (from the same cursor) before the feed passes over them. */
export const MAX_DELIVERIES = 3;
/** How long the feed waits for a replay it asked for before it takes newer records again. */
export const REPLAY_WAIT_MS = 5000;
/** Delay before asking for a replay (not from inside the message handler). */
const REPLAY_DELAY_MS = 100;

/** The port the panel uses, without chrome.*: tests pass a fake. */
export interface FeedPort {
  postMessage(message: PanelToWorker): void;
  onMessage(listener: (message: WorkerToPanel) => void): void;
  onDisconnect(listener: () => void): void;
}

export interface FeedListener {
  frame(frame: FrameInfo): void;
  frameGone(docId: string): void;
  /** New records of a document, in seq order. Throwing means "not taken": the feed keeps its
   *  cursor and delivers them again (a replay may repeat records taken before the throw). */
  /** `dropped` and `tooLarge`: the relay's counts of records it lost (page buffer full; too large to
   *  send), cumulative per document. */
  records(docId: string, records: CaptureRecord[], dropped: number, tooLarge?: number, pageMadeDropped?: number): void;
  connection(state: 'connected' | 'reconnecting', detail?: string): void;
  /** The tab's injection switches (and the last injection error), from the worker. */
  injection(message: Extract<WorkerToPanel, { type: 'injection' }>): void;
  /** The tab's muted event names, from the worker. */
  mutes?(message: Extract<WorkerToPanel, { type: 'mutes' }>): void;
  /** The site list and the tab's site access, from the worker. */
  sites?(message: Extract<WorkerToPanel, { type: 'sites' }>): void;
}

/**
 * The panel's end of the pipeline: subscribes to one tab, reconnects with back-off when the
 * service worker goes away, and re-subscribes with its cursors (last seq per document) so the
 * frames replay exactly what it lacks. Replays overlap live records; seq decides what is new.
 */
export class PanelFeed {
  private readonly cursors: Record<string, number> = {};
  private port: FeedPort | null = null;
  private readonly backoff: Backoff;
  private stopped = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private keepAlive: ReturnType<typeof setInterval> | undefined;
  private replayTimer: ReturnType<typeof setTimeout> | undefined;
  /** Documents whose last records the listener did not take: how often, since when. */
  private readonly stalls = new Map<string, { failures: number; since: number }>();

  constructor(
    private readonly tabId: number,
    private readonly connectPort: () => FeedPort,
    private readonly listener: FeedListener,
    backoff = new Backoff(),
    private readonly now: () => number = Date.now,
  ) {
    this.backoff = backoff;
  }

  start(): void {
    this.stopped = false;
    this.connect();
    // A message every 20 s keeps the worker from idling out while a panel is open.
    this.keepAlive = setInterval(() => this.post({ type: 'subscribe', v: PROTOCOL_VERSION, tabId: this.tabId, cursors: this.cursors }), 20_000);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.replayTimer);
    this.replayTimer = undefined;
    clearInterval(this.keepAlive);
    this.post({ type: 'unsubscribe' });
  }

  /** Last seq received of a document. */
  lastSeq(docId: string): number {
    return this.cursors[docId] ?? 0;
  }

  /** Asks the worker to switch an injection, simulate a state or change site access. false when
   *  not connected. */
  send(message: Extract<PanelToWorker, { type: 'inject' | 'simulate' | 'site' | 'site-all' | 'site-start-now' | 'sites-get' | 'mute' }>): boolean {
    if (!this.port) return false;
    this.post(message);
    return true;
  }

  private connect(): void {
    if (this.stopped) return;
    let port: FeedPort;
    try {
      port = this.connectPort();
    } catch (error) {
      this.listener.connection('reconnecting', errorLine(error));
      this.timer = setTimeout(() => this.connect(), this.backoff.next());
      return;
    }
    this.port = port;
    port.onMessage((message) => this.onMessage(message));
    port.onDisconnect(() => {
      if (this.port !== port) return;
      this.port = null;
      if (this.stopped) return;
      this.listener.connection('reconnecting', 'service worker disconnected');
      this.timer = setTimeout(() => this.connect(), this.backoff.next());
    });
    this.post({ type: 'subscribe', v: PROTOCOL_VERSION, tabId: this.tabId, cursors: { ...this.cursors } });
    this.listener.connection('connected');
  }

  private onMessage(message: WorkerToPanel): void {
    this.backoff.reset();
    switch (message.type) {
      case 'frame':
        this.listener.frame(message.frame);
        break;
      case 'frame-gone':
        this.listener.frameGone(message.docId);
        break;
      case 'chunks':
        this.onChunks(message);
        break;
      case 'injection':
        this.listener.injection(message);
        break;
      case 'mutes':
        this.listener.mutes?.(message);
        break;
      case 'sites':
        this.listener.sites?.(message);
        break;
      case 'error':
        this.listener.connection('reconnecting', message.message);
        break;
    }
  }

  /**
   * Records of a document. The cursor moves past them only once the listener took them: when it
   * throws, the cursor stays and the feed asks for a replay from it, ignoring newer records until
   * the replay brings the missing ones (for at most REPLAY_WAIT_MS). A message that fails
   * MAX_DELIVERIES times in a row is passed over, so that one poison message cannot stop the
   * feed: the listener then sees a gap in the seqs and counts those records as lost.
   */
  private onChunks(message: Extract<WorkerToPanel, { type: 'chunks' }>): void {
    const { docId } = message;
    const cursor = this.cursors[docId] ?? 0;
    const fresh = decodeChunks(message.chunks, cursor);
    const stall = this.stalls.get(docId);
    if (stall && fresh.length && fresh[0]!.seq > cursor + 1 && this.now() - stall.since < REPLAY_WAIT_MS) return;
    try {
      if (fresh.length || message.dropped || message.tooLarge || message.pageMadeDropped) {
        this.listener.records(docId, fresh, message.dropped, message.tooLarge ?? 0, message.pageMadeDropped ?? 0);
      }
    } catch (error) {
      const failures = (stall?.failures ?? 0) + 1;
      if (failures < MAX_DELIVERIES) {
        console.error('CX Lens: records not taken; asking for them again', error);
        this.stalls.set(docId, { failures, since: this.now() });
        this.requestReplay();
        return;
      }
      console.error(`CX Lens: records not taken after ${MAX_DELIVERIES} deliveries; passed over`, error);
    }
    if (!fresh.length) return; // a dropped count alone: still waiting for the records, if any
    this.stalls.delete(docId);
    this.cursors[docId] = fresh[fresh.length - 1]!.seq;
  }

  /** Subscribes again with the cursors: every frame replays what comes after its cursor. */
  private requestReplay(): void {
    if (this.replayTimer !== undefined) return;
    this.replayTimer = setTimeout(() => {
      this.replayTimer = undefined;
      if (!this.stopped) this.post({ type: 'subscribe', v: PROTOCOL_VERSION, tabId: this.tabId, cursors: { ...this.cursors } });
    }, REPLAY_DELAY_MS);
  }

  private post(message: PanelToWorker): void {
    try {
      this.port?.postMessage(message);
    } catch {
      /* disconnected: onDisconnect reconnects */
    }
  }
}
