// The panel's store for one inspected tab, without Preact or chrome.*: every record the feed
// delivers, the bus list's rows (events, commands paired with their outcomes, plugin
// registrations, records of other kinds, navigation separators), per-document frame status,
// pause, clear, "preserve log", caps. Views read it and subscribe to it.
import type { FeedListener } from './feed';
import type {
  CaptureRecord, CommandRecord, CommandOutcome, EventRecord, FrameInfo, HookStatus, InjectionSettings, OutcomeRecord,
  PanelToWorker, PluginRecord,
} from '../../src/shared/protocol';

/** Record kinds the States, Cookie sync and Injection views show; not rows of the bus list. */
const OTHER_VIEWS_RECORDS: ReadonlySet<string> = new Set(['inject', 'channel', 'channel-gap', 'cookie-facts']);

/** Commands a view can send to the worker. */
export type PanelCommand = Extract<PanelToWorker, { type: 'inject' | 'simulate' }>;
import { summarize } from './summary';

/** Rows the list keeps. It trims in chunks, so it may briefly hold 1/64 more. */
export const DEFAULT_ROW_CAP = 100_000;
/** How long without any frame before the status says no content script answered. */
export const NO_PAGE_AFTER_MS = 1500;
/** The real bus never settles a command whose name does not exist: warn after this. */
export const PENDING_WARN_MS = 5000;

export type BusKind = 'event' | 'command' | 'plugin' | 'other';

export interface BusRow {
  /** Unique and increasing in the model's lifetime: lists key on it. */
  key: number;
  kind: BusKind;
  docId: string;
  time: number;
  /** Full name (`WebChat.opened`); the plugin name for plugin rows; the `t` for other records. */
  name: string;
  /** Publisher, commander, or the registering plugin. */
  source: string;
  /** One line, secrets masked. */
  summary: string;
  truncated: boolean;
  record: CaptureRecord;
  /** Commands: the outcome once it came; none means pending. */
  outcome?: OutcomeRecord;
  /** Lowercased for filtering: `name \n source \n summary`, the name's namespace, the source. */
  search: string;
  namespace: string;
  sourceLower: string;
}

/** A separator the list shows where the inspected page navigated (preserve log on). */
export interface NavRow {
  key: number;
  kind: 'nav';
  docId: string;
  time: number;
  url: string;
}

export type Row = BusRow | NavRow;

export type OutcomeState = CommandOutcome | 'pending';

/** What the panel knows of one document (frame) of the tab. */
export interface DocState {
  frame: FrameInfo;
  /** Latest HookStatus the page hook sent, if any. */
  status?: HookStatus;
  /** The relay's count of records its ring buffer dropped (cumulative, as reported). */
  dropped: number;
  /** Records this panel never received: gaps in the seq numbers. */
  lost: number;
  lastSeq: number;
  /** Bus rows (events, commands, registrations) this document produced since the last clear. */
  busRows: number;
  /** Gone: the frame disconnected (navigated away, removed) or was not re-announced after a reconnect. */
  gone: boolean;
}

export interface TabRecord {
  docId: string;
  record: CaptureRecord;
}

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting';

export type RecordListener = (record: CaptureRecord, docId: string) => void;

export interface LogModelOptions {
  rowCap?: number;
  /** Cap of `records` (all kinds, outcomes and statuses included). Default: twice the row cap. */
  recordCap?: number;
  preserveLog?: boolean;
  now?: () => number;
}

export class LogModel {
  /** The bus list, oldest first. While paused, new rows wait in `held` instead. */
  rows: Row[] = [];
  /** Every record of the tab since the last clear, in arrival order (bounded by recordCap). */
  records: TabRecord[] = [];
  readonly docs = new Map<string, DocState>();
  connection: ConnectionState = 'connecting';
  connectionDetail = '';
  /** When the connection state last changed. */
  connectionSince: number;
  paused = false;
  preserveLog: boolean;
  /** Rows removed from the list (oldest first) because it reached the row cap, since the last clear. */
  rowsDropped = 0;
  recordsDropped = 0;
  /** Rows added since the last clear, by kind (separators not counted). */
  counts: Record<BusKind, number> = { event: 0, command: 0, plugin: 0, other: 0 };
  /** Bumped on every change: views compare it to know when to re-render. */
  version = 0;
  /** Bumped when the log is emptied (clear, navigation without preserve): derived state must reset. */
  epoch = 0;
  /** Bumped when a command's outcome arrives (filters on outcome must re-run). */
  outcomeVersion = 0;

  /** The feed listener: `new PanelFeed(tabId, connect, model.feed)`. */
  readonly feed: FeedListener;
  /** The tab's injection switches as the worker last reported them, with its last error. */
  injection: { settings: InjectionSettings; error?: { feature: string; message: string; time: number } } = { settings: {} };
  private sender: (message: PanelCommand) => boolean = () => false;

  private held: Row[] = [];
  private nextKey = 1;
  private topDocId: string | undefined;
  /** Command rows waiting for their outcome, by `docId \n id`. */
  private pending = new Map<string, BusRow>();
  private readonly changeListeners = new Set<() => void>();
  private readonly recordListeners = new Map<string, Set<RecordListener>>();
  private readonly rowCap: number;
  private readonly recordCap: number;
  private readonly now: () => number;

  constructor(options: LogModelOptions = {}) {
    this.rowCap = options.rowCap ?? DEFAULT_ROW_CAP;
    this.recordCap = options.recordCap ?? this.rowCap * 2;
    this.preserveLog = options.preserveLog ?? false;
    this.now = options.now ?? Date.now;
    this.connectionSince = this.now();
    this.feed = {
      frame: (frame) => this.onFrame(frame),
      frameGone: (docId) => this.onFrameGone(docId),
      records: (docId, records, dropped) => this.onRecords(docId, records, dropped),
      connection: (state, detail) => this.onConnection(state, detail),
      injection: (message) => {
        this.injection = {
          settings: message.settings,
          error: message.error ? { ...message.error, time: this.now() } : this.injection.error,
        };
        this.changed();
      },
    };
  }

  /** Where views' commands (inject, simulate) go: `model.connectSender((m) => feed.send(m))`. */
  connectSender(send: (message: PanelCommand) => boolean): void {
    this.sender = send;
  }

  /** Sends a command to the worker; false when it is not connected. */
  send(message: PanelCommand): boolean {
    if (message.type === 'inject') this.injection = { ...this.injection, error: undefined };
    return this.sender(message);
  }

  // ------------------------------------------------------------------------------------------
  // Subscriptions

  /** Called after every change (batched per feed message). Returns an unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** Called for each new record whose `t` is `t` ('*': every record), paused or not.
   *  Past records are in `records`. Returns an unsubscribe function. */
  onRecord(t: string, listener: RecordListener): () => void {
    let set = this.recordListeners.get(t);
    if (!set) this.recordListeners.set(t, (set = new Set()));
    set.add(listener);
    return () => set!.delete(listener);
  }

  // ------------------------------------------------------------------------------------------
  // User actions

  /** Rows that arrived while paused and are not in the list yet. */
  get heldCount(): number {
    return this.held.length;
  }

  setPaused(paused: boolean): void {
    if (this.paused === paused) return;
    this.paused = paused;
    if (!paused && this.held.length) {
      const held = this.held;
      this.held = [];
      for (const row of held) this.rows.push(row);
      this.trimRows();
    }
    this.changed();
  }

  setPreserveLog(preserve: boolean): void {
    this.preserveLog = preserve;
    this.changed();
  }

  /** Empties the log: rows, held rows, records, counts. Frames and their status stay. */
  clear(): void {
    this.emptyLog();
    this.changed();
  }

  // ------------------------------------------------------------------------------------------
  // Queries

  /** A command row's outcome state. */
  outcomeOf(row: BusRow): OutcomeState {
    return row.outcome?.outcome ?? 'pending';
  }

  /** Live frames, top frame first. */
  liveDocs(): DocState[] {
    return [...this.docs.values()].filter((d) => !d.gone).sort((a, b) => Number(b.frame.top) - Number(a.frame.top));
  }

  // ------------------------------------------------------------------------------------------
  // Feed

  private onConnection(state: 'connected' | 'reconnecting', detail = ''): void {
    if (state === 'connected' && this.connection !== 'connected') {
      // The worker re-announces every frame it knows after a subscribe; the others are gone.
      for (const doc of this.docs.values()) doc.gone = true;
    }
    if (state !== this.connection) this.connectionSince = this.now();
    this.connection = state;
    this.connectionDetail = detail;
    this.changed();
  }

  private onFrame(frame: FrameInfo): void {
    const doc = this.docs.get(frame.docId);
    if (doc) {
      doc.frame = frame;
      doc.gone = false;
    } else {
      this.docs.set(frame.docId, { frame, dropped: 0, lost: 0, lastSeq: 0, busRows: 0, gone: false });
    }
    if (frame.top && frame.docId !== this.topDocId) {
      const navigated = this.topDocId !== undefined;
      this.topDocId = frame.docId;
      if (navigated) this.navigated(frame);
    }
    this.changed();
  }

  private navigated(frame: FrameInfo): void {
    if (this.preserveLog) {
      this.addRow({ key: this.nextKey++, kind: 'nav', docId: frame.docId, time: frame.seenAt, url: frame.url });
    } else {
      this.emptyLog();
      for (const [docId, doc] of this.docs) if (doc.gone) this.docs.delete(docId);
    }
  }

  private onFrameGone(docId: string): void {
    const doc = this.docs.get(docId);
    if (doc) doc.gone = true;
    this.changed();
  }

  private onRecords(docId: string, records: CaptureRecord[], dropped: number): void {
    let doc = this.docs.get(docId);
    if (!doc) {
      // Records of a frame the panel has not been told about (yet): keep them.
      const frame: FrameInfo = { docId, frameId: -1, url: '', origin: '', top: false, seenAt: this.now() };
      this.docs.set(docId, (doc = { frame, dropped: 0, lost: 0, lastSeq: 0, busRows: 0, gone: false }));
    }
    doc.dropped = Math.max(doc.dropped, dropped);
    for (const record of records) {
      if (!record || typeof record !== 'object' || typeof record.t !== 'string') continue;
      if (typeof record.seq === 'number') {
        if (record.seq > doc.lastSeq + 1) doc.lost += record.seq - doc.lastSeq - 1;
        if (record.seq > doc.lastSeq) doc.lastSeq = record.seq;
      }
      this.records.push({ docId, record });
      this.take(docId, doc, record);
      this.emit(record, docId);
    }
    if (this.records.length > this.recordCap + (this.recordCap >> 6)) {
      const excess = this.records.length - this.recordCap;
      this.records.splice(0, excess);
      this.recordsDropped += excess;
    }
    this.changed();
  }

  private take(docId: string, doc: DocState, record: CaptureRecord): void {
    if (record.t === 'event' || record.t === 'command' || record.t === 'plugin') doc.busRows++;
    switch (record.t) {
      case 'event':
        return this.addRow(this.eventRow(docId, record));
      case 'command': {
        const row = this.commandRow(docId, record);
        this.pending.set(pendingKey(docId, record.id), row);
        return this.addRow(row);
      }
      case 'outcome':
        return this.settle(docId, record);
      case 'plugin':
        return this.addRow(this.pluginRow(docId, record));
      case 'status':
        doc.status = record.status;
        return;
      default:
        // Records of the other views (injection status, the cookie channel) are not bus traffic:
        // they stay in `records` for those views. Kinds nobody knows are shown, not lost.
        if (OTHER_VIEWS_RECORDS.has(record.t)) return;
        return this.addRow(this.otherRow(docId, record));
    }
  }

  private settle(docId: string, outcome: OutcomeRecord): void {
    const key = pendingKey(docId, outcome.id);
    const row = this.pending.get(key);
    if (!row) return; // its command was cleared or never reached the panel: the record stays in `records`
    this.pending.delete(key);
    row.outcome = outcome;
    if (outcome.truncated) row.truncated = true;
    this.outcomeVersion++;
  }

  private eventRow(docId: string, r: EventRecord): BusRow {
    return this.busRow(docId, r, 'event', str(r.name), str(r.publisher), summarize(r.data));
  }

  private commandRow(docId: string, r: CommandRecord): BusRow {
    return this.busRow(docId, r, 'command', str(r.name), str(r.commander), summarize(r.options));
  }

  private pluginRow(docId: string, r: PluginRecord): BusRow {
    const names = Array.isArray(r.names) ? r.names.map(str).join(', ') : '';
    const summary = `${str(r.action)}${names ? ' ' + names : ''}${r.ok === false ? ' (refused by the bus)' : ''}`;
    return this.busRow(docId, r, 'plugin', str(r.plugin), str(r.plugin), summary);
  }

  /** A record of a kind this list does not know (a later feature's): shown as it is. */
  private otherRow(docId: string, r: CaptureRecord): BusRow {
    const rest: Record<string, unknown> = { ...r };
    delete rest.t;
    delete rest.seq;
    delete rest.time;
    delete rest.truncated;
    const named = rest as { name?: unknown; publisher?: unknown };
    const name = typeof named.name === 'string' ? named.name : r.t;
    return this.busRow(docId, r, 'other', name, str(named.publisher), summarize(rest as never));
  }

  private busRow(docId: string, record: CaptureRecord, kind: BusKind, name: string, source: string, summary: string): BusRow {
    const dot = name.indexOf('.');
    return {
      key: this.nextKey++, kind, docId, time: typeof record.time === 'number' ? record.time : NaN,
      name, source, summary, truncated: record.truncated === true, record,
      search: `${name}\n${source}\n${summary}`.toLowerCase(),
      namespace: (dot > 0 ? name.slice(0, dot) : name).toLowerCase(),
      sourceLower: source.toLowerCase(),
    };
  }

  private addRow(row: Row): void {
    if (row.kind !== 'nav') this.counts[row.kind]++;
    if (this.paused) {
      this.held.push(row);
      if (this.held.length > this.rowCap) this.dropOldest(this.held, this.held.length - this.rowCap);
    } else {
      this.rows.push(row);
      this.trimRows();
    }
  }

  /** Keeps the list at the cap, trimming in chunks (1/64 of the cap) so appends stay cheap. */
  private trimRows(): void {
    if (this.rows.length > this.rowCap + (this.rowCap >> 6)) this.dropOldest(this.rows, this.rows.length - this.rowCap);
  }

  private dropOldest(list: Row[], count: number): void {
    const removed = list.splice(0, count);
    for (const row of removed) {
      if (row.kind === 'nav') continue;
      this.rowsDropped++;
      if (row.kind === 'command' && !row.outcome) this.pending.delete(pendingKey(row.docId, (row.record as CommandRecord).id));
    }
  }

  private emptyLog(): void {
    this.rows = [];
    this.held = [];
    this.records = [];
    this.pending.clear();
    this.rowsDropped = 0;
    this.recordsDropped = 0;
    this.counts = { event: 0, command: 0, plugin: 0, other: 0 };
    for (const doc of this.docs.values()) doc.busRows = 0;
    this.epoch++;
  }

  private emit(record: CaptureRecord, docId: string): void {
    for (const t of [record.t, '*']) {
      const set = this.recordListeners.get(t);
      if (!set) continue;
      for (const listener of set) {
        try {
          listener(record, docId);
        } catch (error) {
          console.error('CX Lens: a record listener threw', error);
        }
      }
    }
  }

  private changed(): void {
    this.version++;
    for (const listener of this.changeListeners) {
      try {
        listener();
      } catch (error) {
        console.error('CX Lens: a change listener threw', error);
      }
    }
  }
}

function pendingKey(docId: string, id: unknown): string {
  return `${docId}\n${String(id)}`;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
}

// ---------------------------------------------------------------------------------------------
// Capture status: what is being captured and, when nothing is, why.

export type CaptureState = 'connecting' | 'reconnecting' | 'no-page' | 'no-bus' | 'capturing';

export interface FrameSummary {
  docId: string;
  url: string;
  top: boolean;
  /** 'unknown': the page hook has not reported in this frame. */
  bus: HookStatus['cxbus'] | 'unknown';
  quickBus: boolean;
  plugins: string[];
  problems: string[];
  dropped: number;
  lost: number;
  busRows: number;
}

export interface CaptureStatus {
  state: CaptureState;
  /** One sentence for the status line. */
  message: string;
  frames: FrameSummary[];
  dropped: number;
  lost: number;
}

export function captureStatus(model: LogModel, now: number): CaptureStatus {
  const live = model.liveDocs();
  const frames: FrameSummary[] = live.map((d) => ({
    docId: d.frame.docId, url: d.frame.url, top: d.frame.top, bus: d.status?.cxbus ?? 'unknown',
    quickBus: d.status?.quickBus === true,
    plugins: Array.isArray(d.status?.plugins) ? d.status!.plugins.map(String) : [],
    problems: Array.isArray(d.status?.problems) ? d.status!.problems.map(String) : [],
    dropped: d.dropped, lost: d.lost, busRows: d.busRows,
  }));
  let dropped = 0;
  let lost = 0;
  for (const d of model.docs.values()) {
    dropped += d.dropped;
    lost += d.lost;
  }
  const base = { frames, dropped, lost };
  if (model.connection === 'reconnecting') {
    const why = model.connectionDetail ? ` (${model.connectionDetail})` : '';
    return { ...base, state: 'reconnecting', message: `Reconnecting to the CX Lens service worker${why}…` };
  }
  if (model.connection === 'connecting' || (live.length === 0 && now - model.connectionSince < NO_PAGE_AFTER_MS)) {
    return { ...base, state: 'connecting', message: 'Connecting to the CX Lens service worker…' };
  }
  if (live.length === 0) {
    return {
      ...base, state: 'no-page',
      message: 'No CX Lens content script answered in this tab: the page loaded before CX Lens was installed or updated, or it is a browser page (chrome://, the Web Store). Reload the page.',
    };
  }
  const withBus = frames.filter((f) => f.bus === 'tapped');
  const busRows = model.counts.event + model.counts.command + model.counts.plugin;
  if (withBus.length === 0 && busRows === 0) {
    const untappable = frames.filter((f) => f.bus === 'untappable');
    const reported = frames.filter((f) => f.bus !== 'unknown').length;
    const message = untappable.length
      ? `A CXBus was found but could not be tapped (${untappable.map((f) => hostOf(f.url)).join(', ')}): ${untappable.flatMap((f) => f.problems).join('; ') || 'see frames'}.`
      : reported === 0
        ? `Content script running in ${plural(frames.length, 'frame')}, but the page hook has not reported yet.`
        : `Hook running in ${plural(frames.length, 'frame')}; no CXBus on this page yet (it is tapped as soon as it appears).`;
    return { ...base, state: 'no-bus', message };
  }
  const capturing = frames.filter((f) => f.bus === 'tapped' || f.busRows > 0);
  const where = capturing.length
    ? capturing.map((f) => `${f.top ? 'top frame' : 'iframe'} ${hostOf(f.url)}`).join(', ')
    : 'this page'; // only frames that are gone sent bus traffic
  const c = model.counts;
  const counts = [plural(c.event, 'event'), plural(c.command, 'command'), plural(c.plugin, 'registration')];
  if (c.other) counts.push(plural(c.other, 'other record'));
  return { ...base, state: 'capturing', message: `Capturing CXBus in ${where} · ${counts.join(', ')}` };
}

function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}

function hostOf(url: string): string {
  try {
    const u = new URL(url);
    return u.host || u.protocol;
  } catch {
    return url || '(unknown frame)';
  }
}
