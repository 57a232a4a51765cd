// The relay's port to the service worker, without chrome.*: when it connects (only once a panel
// asks), how it says hello, and what it does through the page's life (back/forward cache,
// prerendering, freezing). relay.iife.ts wires it to chrome.runtime and the page's events; unit
// tests drive it with fakes.
import { isTooLargeError, type RelayCore, type SendResult } from './relay-core';
import { Backoff } from '../shared/backoff';
import type { ContentToWorker, WorkerToContent } from '../shared/protocol';
import { muteList } from '../shared/mutes';

/** The part of a chrome.runtime.Port the link uses. */
export interface LinkPort {
  postMessage(message: ContentToWorker): void;
  disconnect(): void;
  onMessage(listener: (message: WorkerToContent) => void): void;
  onDisconnect(listener: () => void): void;
}

export interface LinkEnv {
  /** A new port to the worker (this starts the worker when it is stopped), or null when the
   *  extension is gone (reloaded or removed: this script is orphaned). */
  connect(): LinkPort | null;
  setTimer(fn: () => void, ms: number): void;
  /** The document is being prerendered: it is not the tab's page yet. */
  prerendering(): boolean;
  /** The hello of this document (its id, url, origin...), `restored` set by the link. */
  hello(): Extract<ContentToWorker, { type: 'hello' }>;
  /** The tab's muted event names from the worker (checked), for the hook. */
  mute?(names: string[]): void;
}

/**
 * Nothing is connected at first: a page without CX Lens's panel open costs no port and starts no
 * worker; its records wait in the relay's buffer. The link connects when asked (`request`: the
 * worker wakes the tab's frames when a panel subscribes to it, or a panel was open when this
 * document started), and from then on keeps the connection for as long as a panel watches: after
 * a worker restart while streaming it reconnects with back-off; after a restore from the
 * back/forward cache or a freeze it reconnects at once and says hello again (same document id,
 * so the panel's cursor still holds). A prerendered document connects when it is activated.
 */
export class RelayLink {
  private port: LinkPort | null = null;
  private wanted = false;
  private restored = false;
  private reconnecting = false;
  /** Between pagehide into the back/forward cache and pageshow. */
  private inCache = false;
  /** The port was opened in that time (on resume, during the restore): it is not a dead one. */
  private portOpenedInCache = false;

  constructor(
    private readonly relay: RelayCore,
    private readonly env: LinkEnv,
    private readonly backoff = new Backoff(),
  ) {}

  get connected(): boolean {
    return this.port !== null;
  }

  /** A panel asks for this frame's records. */
  request(): void {
    this.wanted = true;
    this.connect();
  }

  /** The prerendered document became the tab's page. */
  activated(): void {
    this.connect();
  }

  /** pagehide. Going into the back/forward cache, the browser closes the page's extension ports
   *  (and may not tell this script): close it here, so the worker and panel know at once. The
   *  next hello is a restored document's: Chromium fires `resume` before `pageshow` on a restore,
   *  and resumed() may connect first. */
  hidden(persisted: boolean): void {
    if (!persisted) return;
    this.restored = true;
    this.inCache = true;
    this.dropPort();
  }

  /** pageshow. Restored from the back/forward cache: capture resumes at once. */
  shown(persisted: boolean): void {
    if (!persisted) return;
    const connectedOnRestore = this.port !== null && this.portOpenedInCache;
    this.inCache = false;
    if (connectedOnRestore) return; // by resumed(), its hello already said restored
    this.restored = true; // said in the next hello, also when a panel asks only later
    if (!this.wanted) return;
    this.dropPort();
    this.connect();
  }

  /** The page was frozen (a background tab) and resumed: its port may have been closed meanwhile. */
  resumed(): void {
    if (this.wanted && !this.port) this.connect();
  }

  /** Posts to the worker; the relay passes this as its way out. */
  send(message: ContentToWorker): SendResult {
    if (!this.port) return 'failed';
    try {
      this.port.postMessage(message);
      return 'sent';
    } catch (error) {
      return isTooLargeError(error) ? 'too-large' : 'failed';
    }
  }

  private connect(): void {
    if (this.port || !this.wanted || this.env.prerendering()) return;
    let port: LinkPort | null;
    try {
      port = this.env.connect();
    } catch {
      port = null;
    }
    if (!port) return;
    this.port = port;
    this.portOpenedInCache = this.inCache;
    port.onMessage((message) => {
      if (this.port === port) this.onWorkerMessage(message);
    });
    port.onDisconnect(() => {
      if (this.port !== port) return;
      this.port = null;
      // Reconnect only while a panel was watching; an idle frame waits for a wake-up instead, so a
      // stopped worker is not woken again and again by every open tab.
      if (this.relay.isStreaming) this.scheduleReconnect();
      this.relay.hold();
    });
    const hello = this.env.hello();
    if (this.restored) hello.restored = true;
    this.restored = false;
    this.send(hello);
  }

  private scheduleReconnect(): void {
    if (this.reconnecting) return;
    this.reconnecting = true;
    this.env.setTimer(() => {
      this.reconnecting = false;
      this.connect();
    }, this.backoff.next());
  }

  private dropPort(): void {
    const port = this.port;
    if (!port) return;
    this.port = null;
    this.relay.hold();
    try {
      port.disconnect();
    } catch {
      /* already closed */
    }
  }

  private onWorkerMessage(message: WorkerToContent): void {
    if (message?.type === 'stream') {
      this.backoff.reset();
      this.relay.stream(message.since);
    } else if (message?.type === 'hold') {
      this.relay.hold(message.notDelivered);
    } else if (message?.type === 'mute') {
      this.env.mute?.(muteList(message.names));
    }
  }
}
