import {
  PROTOCOL_VERSION,
  type ContentToWorker,
  type FrameInfo,
  type PanelToWorker,
  type WorkerToContent,
  type WorkerToPanel,
} from '../shared/protocol';

/** The part of a chrome.runtime.Port the router uses; tests pass fakes. */
export interface PortLike<Out> {
  postMessage(message: Out): void;
}

export interface ContentConnection {
  port: PortLike<WorkerToContent>;
  tabId: number;
  frameId: number;
  frame?: FrameInfo;
}

export interface PanelConnection {
  port: PortLike<WorkerToPanel>;
  tabId?: number;
  cursors: Record<string, number>;
}

/**
 * The service worker's routing, without chrome.*: content ports (one per frame) and panel ports
 * (one per open CX Lens panel), matched by tab. It keeps no records: a frame's content script
 * holds them (see RecordBuffer), so a worker restart loses nothing; after one, both sides
 * reconnect, say hello / subscribe again, and the frame replays what the panel lacks.
 */
export class Router {
  readonly contents = new Set<ContentConnection>();
  readonly panels = new Set<PanelConnection>();

  constructor(
    private readonly now: () => number = Date.now,
    /** Called when a frame says hello (a new document, or the same one after a worker restart). */
    private readonly onDocument: (tabId: number, frame: FrameInfo) => void = () => {},
  ) {}

  contentConnected(port: PortLike<WorkerToContent>, tabId: number, frameId: number): ContentConnection {
    const conn: ContentConnection = { port, tabId, frameId };
    this.contents.add(conn);
    return conn;
  }

  contentMessage(conn: ContentConnection, msg: ContentToWorker): void {
    if (msg.type === 'hello') {
      if (msg.v !== PROTOCOL_VERSION) return; // a stale content script of an older build
      conn.frame = {
        docId: String(msg.docId), frameId: conn.frameId, url: String(msg.url), origin: String(msg.origin),
        top: msg.top === true, seenAt: this.now(),
      };
      if (msg.restored === true) conn.frame.restored = true;
      if (typeof msg.contested === 'string' && msg.contested) conn.frame.contested = msg.contested.slice(0, 300);
      const watchers = this.panelsOf(conn.tabId);
      for (const panel of watchers) safePost(panel.port, { type: 'frame', frame: conn.frame });
      this.startOrHold(conn);
      this.onDocument(conn.tabId, conn.frame);
    } else if (msg.type === 'chunks') {
      if (!conn.frame) return;
      const watchers = this.panelsOf(conn.tabId);
      if (watchers.length === 0) {
        const first = msg.chunks[0];
        safePost(conn.port, first ? { type: 'hold', notDelivered: first.firstSeq - 1 } : { type: 'hold' });
        return;
      }
      // Passed on as they are: the worker never parses the records.
      const out: WorkerToPanel = { type: 'chunks', docId: conn.frame.docId, chunks: msg.chunks, dropped: msg.dropped, tooLarge: msg.tooLarge ?? 0, pageMadeDropped: msg.pageMadeDropped ?? 0, replay: msg.replay };
      for (const panel of watchers) safePost(panel.port, out);
    }
  }

  contentDisconnected(conn: ContentConnection): void {
    this.contents.delete(conn);
    if (!conn.frame) return;
    for (const panel of this.panelsOf(conn.tabId)) safePost(panel.port, { type: 'frame-gone', docId: conn.frame.docId });
  }

  panelConnected(port: PortLike<WorkerToPanel>): PanelConnection {
    const conn: PanelConnection = { port, cursors: {} };
    this.panels.add(conn);
    return conn;
  }

  panelMessage(conn: PanelConnection, msg: PanelToWorker): void {
    if (msg.type === 'subscribe') {
      if (msg.v !== PROTOCOL_VERSION) {
        safePost(conn.port, { type: 'error', message: `protocol version ${msg.v} is not ${PROTOCOL_VERSION}: reload DevTools` });
        return;
      }
      const previousTab = conn.tabId;
      conn.tabId = msg.tabId;
      conn.cursors = { ...msg.cursors };
      if (previousTab !== undefined && previousTab !== msg.tabId) this.holdIfUnwatched(previousTab);
      for (const content of this.contentsOf(msg.tabId)) {
        if (!content.frame) continue;
        safePost(conn.port, { type: 'frame', frame: content.frame });
        this.startOrHold(content);
      }
    } else if (msg.type === 'unsubscribe') {
      const tab = conn.tabId;
      conn.tabId = undefined;
      if (tab !== undefined) this.holdIfUnwatched(tab);
    }
  }

  panelDisconnected(conn: PanelConnection): void {
    this.panels.delete(conn);
    if (conn.tabId !== undefined) this.holdIfUnwatched(conn.tabId);
  }

  /** The tabs some panel watches, in ascending order. */
  watchedTabs(): number[] {
    const tabs = new Set<number>();
    for (const panel of this.panels) if (panel.tabId !== undefined) tabs.add(panel.tabId);
    return [...tabs].sort((a, b) => a - b);
  }

  /** Sends a message to every relay of a tab, or to one document's. */
  toContents(tabId: number, message: WorkerToContent, docId?: string): void {
    for (const content of this.contentsOf(tabId)) {
      if (docId === undefined || content.frame?.docId === docId) safePost(content.port, message);
    }
  }

  /** Sends a message to every panel watching a tab. */
  toPanels(tabId: number, message: WorkerToPanel): void {
    for (const panel of this.panelsOf(tabId)) safePost(panel.port, message);
  }

  private startOrHold(content: ContentConnection): void {
    const watchers = this.panelsOf(content.tabId);
    if (watchers.length === 0 || !content.frame) {
      safePost(content.port, { type: 'hold' });
      return;
    }
    const docId = content.frame.docId;
    // Replay from the oldest cursor among the watching panels; each panel drops what it holds.
    const since = Math.min(...watchers.map((p) => p.cursors[docId] ?? 0));
    safePost(content.port, { type: 'stream', since });
  }

  private holdIfUnwatched(tabId: number): void {
    if (this.panelsOf(tabId).length > 0) return;
    for (const content of this.contentsOf(tabId)) safePost(content.port, { type: 'hold' });
  }

  private panelsOf(tabId: number): PanelConnection[] {
    return [...this.panels].filter((p) => p.tabId === tabId);
  }

  private contentsOf(tabId: number): ContentConnection[] {
    return [...this.contents].filter((c) => c.tabId === tabId);
  }
}

/** A port whose other end is gone throws on postMessage; the disconnect handler cleans up. */
function safePost<T>(port: PortLike<T>, message: T): void {
  try {
    port.postMessage(message);
  } catch {
    /* disconnected: onDisconnect removes it */
  }
}
