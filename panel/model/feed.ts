import { PROTOCOL_VERSION, type CaptureRecord, type FrameInfo, type PanelToWorker, type WorkerToPanel } from '../../src/shared/protocol';
import { Backoff } from '../../src/shared/backoff';
import { decodeChunks } from '../../src/shared/chunks';

/** The port the panel uses, without chrome.*: tests pass a fake. */
export interface FeedPort {
  postMessage(message: PanelToWorker): void;
  onMessage(listener: (message: WorkerToPanel) => void): void;
  onDisconnect(listener: () => void): void;
}

export interface FeedListener {
  frame(frame: FrameInfo): void;
  frameGone(docId: string): void;
  /** New records of a document, in seq order, never one the panel had already. */
  records(docId: string, records: CaptureRecord[], dropped: number): void;
  connection(state: 'connected' | 'reconnecting', detail?: string): void;
  /** The tab's injection switches (and the last injection error), from the worker. */
  injection(message: Extract<WorkerToPanel, { type: 'injection' }>): void;
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

  constructor(
    private readonly tabId: number,
    private readonly connectPort: () => FeedPort,
    private readonly listener: FeedListener,
    backoff = new Backoff(),
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
    clearInterval(this.keepAlive);
    this.post({ type: 'unsubscribe' });
  }

  /** Last seq received of a document. */
  lastSeq(docId: string): number {
    return this.cursors[docId] ?? 0;
  }

  /** Asks the worker to switch an injection or simulate a state. false when not connected. */
  send(message: Extract<PanelToWorker, { type: 'inject' | 'simulate' }>): boolean {
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
      this.listener.connection('reconnecting', String(error));
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
      case 'chunks': {
        const fresh = decodeChunks(message.chunks, this.cursors[message.docId] ?? 0);
        if (fresh.length) this.cursors[message.docId] = fresh[fresh.length - 1]!.seq;
        if (fresh.length || message.dropped) this.listener.records(message.docId, fresh, message.dropped);
        break;
      }
      case 'injection':
        this.listener.injection(message);
        break;
      case 'error':
        this.listener.connection('reconnecting', message.message);
        break;
    }
  }

  private post(message: PanelToWorker): void {
    try {
      this.port?.postMessage(message);
    } catch {
      /* disconnected: onDisconnect reconnects */
    }
  }
}
