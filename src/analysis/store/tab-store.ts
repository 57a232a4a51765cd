// The panel's store for one inspected tab, without Preact or chrome.*: the tab's documents
// (frames) and their status, the connection to the service worker, "preserve log", clear, and
// every record the feed delivers. It hands each record to the view models that read its kind
// (RecordView): the one way every view gets its data.
import type { FeedListener } from './feed';
import type { CaptureRecord, FrameInfo, HookStatus, WorkerToPanel } from '../../shared/protocol';
import { TEXT_MAX, clipText, errorLine, textOf } from '../text/bounded';
import { shapeProblem } from './record-shape';

/** Records kept in `records` (all kinds): the export, and views registered late, read them. */
export const DEFAULT_RECORD_CAP = 200_000;
/** Page-made records kept besides them: their own budget, so a page's flood never evicts the
 *  records CX Lens's hook sent. */
export const DEFAULT_PAGE_MADE_CAP = 10_000;

/** Gone documents kept for a return from the back/forward cache (the browser keeps a few). */
const PARKED_DOCS = 16;

/** Record kinds the store reads itself (a frame's HookStatus): never bus rows of their own. */
const STORE_KINDS: readonly string[] = ['status'];

/** What the panel knows of one document (frame) of the tab. */
export interface DocState {
  frame: FrameInfo;
  /** Latest HookStatus the page hook sent, if any. */
  status?: HookStatus;
  /** The relay's count of records its ring buffer dropped (cumulative, as reported). */
  dropped: number;
  /** The relay's count of records too large to send (cumulative, as reported). */
  tooLarge: number;
  /** Records this panel never received: gaps in the seq numbers. */
  lost: number;
  /** The relay's count of page-made records it did not keep (their own budget; cumulative). Their
   *  seq gaps are no loss of genuine records. */
  pageMadeDropped?: number;
  lastSeq: number;
  /** Gone: the frame disconnected (navigated away, removed) or was not re-announced after a reconnect. */
  gone: boolean;
}

export interface TabRecord {
  docId: string;
  record: CaptureRecord;
}

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting';

/** Why the log was emptied: the user cleared it, or the top document changed with preserve log off. */
export type ResetCause = { reason: 'clear' } | { reason: 'navigation'; frame: FrameInfo };

/**
 * A view's model, fed by the store. It declares which record kinds (`t`) it reads; the store
 * gives it, on registration, the past records of those kinds it still holds, then every new one
 * in arrival order, and resets it when the log is emptied.
 */
export interface RecordView {
  /** The record kinds this view reads, read once on registration. Several views may read a kind. */
  readonly kinds: ReadonlySet<string>;
  /** Also take every record of a kind that no registered view lists (nor the store itself
   *  reads): kinds nobody knows are shown, never lost. */
  readonly takesUnclaimed?: boolean;
  /** Also take page-made records (`pageMade: true`), of every kind: only a view that shows them
   *  as such (the Bus) does. The others never see one, so no verdict, reaction or finding rests
   *  on what the page made. */
  readonly takesPageMade?: boolean;
  /** One record of its kinds, checked at the door: it has its kind's shape (record-shape.ts),
   *  or it is a `malformed` record that says why not. */
  take(docId: string, record: CaptureRecord): void;
  /** The log was emptied: forget every record taken. */
  reset(cause: ResetCause): void;
  /** The top document changed and the log was kept (preserve log on). */
  navigated?(frame: FrameInfo): void;
}

export type InjectionReport = Extract<WorkerToPanel, { type: 'injection' }>;
export type MuteReport = Extract<WorkerToPanel, { type: 'mutes' }>;
export type SitesReport = Extract<WorkerToPanel, { type: 'sites' }>;

export interface TabStoreOptions {
  /** Cap of `records` (all kinds, outcomes and statuses included), page-made ones not counted. */
  recordCap?: number;
  /** Cap of the page-made records in `records`. */
  pageMadeCap?: number;
  preserveLog?: boolean;
  now?: () => number;
}

export class TabStore {
  /** Every record of the tab since the last clear, in arrival order (bounded by recordCap). */
  records: TabRecord[] = [];
  recordsDropped = 0;
  /** `malformed` records since the last clear: what the relay could not read as a record, what
   *  did not have its kind's shape, what a view could not take. Each is shown in the Bus. */
  malformedCount = 0;
  /** Page-made records since the last clear (`pageMade: true`): shown in the Bus only. */
  pageMadeCount = 0;
  /** Page-made records removed from `records` past their own budget, since the last clear. */
  pageMadeDropped = 0;
  readonly docs = new Map<string, DocState>();
  connection: ConnectionState = 'connecting';
  connectionDetail = '';
  /** When the connection state last changed. */
  connectionSince: number;
  preserveLog: boolean;
  /** Bumped on every change: views compare it to know when to re-render. */
  version = 0;
  /** Bumped when the log is emptied (clear, navigation without preserve log). */
  epoch = 0;

  /** The feed listener: `new PanelFeed(tabId, connect, store.feed)`. */
  readonly feed: FeedListener;

  private readonly views: RecordView[] = [];
  /** Views by the kind they read; kinds not in it go to `unclaimed`. */
  private routes = new Map<string, RecordView[]>();
  private unclaimed: RecordView[] = [];
  private topDocId: string | undefined;
  /** Gone documents left out of the log by a navigation, by docId (see park). */
  private readonly parked = new Map<string, DocState>();
  private readonly changeListeners = new Set<() => void>();
  private readonly injectionListeners = new Set<(report: InjectionReport) => void>();
  private readonly muteListeners = new Set<(report: MuteReport) => void>();
  private readonly sitesListeners = new Set<(report: SitesReport) => void>();
  private readonly recordCap: number;
  private readonly pageMadeCap: number;
  /** Page-made records in `records`. */
  private pageMadeKept = 0;
  private readonly now: () => number;

  constructor(options: TabStoreOptions = {}) {
    this.recordCap = options.recordCap ?? DEFAULT_RECORD_CAP;
    this.pageMadeCap = options.pageMadeCap ?? DEFAULT_PAGE_MADE_CAP;
    this.preserveLog = options.preserveLog ?? false;
    this.now = options.now ?? Date.now;
    this.connectionSince = this.now();
    this.feed = {
      frame: (frame) => this.onFrame(frame),
      frameGone: (docId) => this.onFrameGone(docId),
      records: (docId, records, dropped, tooLarge, pageMadeDropped) => this.onRecords(docId, records, dropped, tooLarge ?? 0, pageMadeDropped ?? 0),
      connection: (state, detail) => this.onConnection(state, detail),
      injection: (report) => {
        for (const listener of this.injectionListeners) guard('an injection listener', () => listener(report));
        this.notify();
      },
      mutes: (report) => {
        for (const listener of this.muteListeners) guard('a mute listener', () => listener(report));
        this.notify();
      },
      sites: (report) => {
        for (const listener of this.sitesListeners) guard('a site access listener', () => listener(report));
        this.notify();
      },
    };
  }

  // ------------------------------------------------------------------------------------------
  // Views and subscriptions

  /** Registers a view model: it takes the past records of its kinds now, new ones as they
   *  come. Returns a function that unregisters it. */
  addView(view: RecordView): () => void {
    if (this.views.includes(view)) return () => this.removeView(view);
    this.views.push(view);
    this.route();
    for (const { docId, record } of this.records) {
      if (this.viewsOf(record).includes(view)) guard('a view', () => view.take(docId, record));
    }
    return () => this.removeView(view);
  }

  /** Called after every change (batched per feed message). Returns an unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** The worker's report of the tab's injection switches (not a record). */
  onInjectionReport(listener: (report: InjectionReport) => void): () => void {
    this.injectionListeners.add(listener);
    return () => this.injectionListeners.delete(listener);
  }

  /** The worker's report of the tab's muted event names (not a record). */
  onMuteReport(listener: (report: MuteReport) => void): () => void {
    this.muteListeners.add(listener);
    return () => this.muteListeners.delete(listener);
  }

  /** The worker's report of the site list and the tab's site access (not a record). */
  onSitesReport(listener: (report: SitesReport) => void): () => void {
    this.sitesListeners.add(listener);
    return () => this.sitesListeners.delete(listener);
  }

  /** Tells subscribers that something they show changed (a view model's own state, e.g. pause). */
  notify(): void {
    this.version++;
    for (const listener of this.changeListeners) guard('a change listener', listener);
  }

  // ------------------------------------------------------------------------------------------
  // User actions and queries

  setPreserveLog(preserve: boolean): void {
    this.preserveLog = preserve;
    this.notify();
  }

  /** Empties the log: records and every view's data. Frames and their status stay. */
  clear(): void {
    this.emptyLog({ reason: 'clear' });
    this.notify();
  }

  /** Live frames, top frame first. */
  liveDocs(): DocState[] {
    return [...this.docs.values()].filter((d) => !d.gone).sort((a, b) => Number(b.frame.top) - Number(a.frame.top));
  }

  /** The live top document, if any. */
  liveTop(): DocState | undefined {
    for (const doc of this.docs.values()) if (doc.frame.top && !doc.gone) return doc;
    return undefined;
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
    this.notify();
  }

  private onFrame(frame: FrameInfo): void {
    let doc = this.docs.get(frame.docId);
    if (!doc && this.parked.has(frame.docId)) {
      // Back from the back/forward cache: its seq numbers go on where they were.
      doc = this.parked.get(frame.docId)!;
      this.parked.delete(frame.docId);
      this.docs.set(frame.docId, doc);
    }
    // A new hello of a restored document (not the worker announcing it again: same seenAt).
    const restoredNow = frame.restored === true && frame.seenAt !== doc?.frame.seenAt;
    if (doc) {
      doc.frame = frame;
      doc.gone = false;
    } else {
      this.docs.set(frame.docId, { frame, dropped: 0, tooLarge: 0, lost: 0, lastSeq: 0, gone: false });
    }
    if (frame.top && frame.docId !== this.topDocId) {
      const navigated = this.topDocId !== undefined;
      this.topDocId = frame.docId;
      if (navigated) this.navigated(frame);
    } else if (frame.top && restoredNow) {
      this.separate(frame); // it was the top document all along: nothing to empty
    }
    this.notify();
  }

  private navigated(frame: FrameInfo): void {
    if (this.preserveLog) {
      this.separate(frame);
    } else {
      this.emptyLog({ reason: 'navigation', frame });
      for (const [docId, doc] of this.docs) {
        if (!doc.gone) continue;
        this.docs.delete(docId);
        this.park(docId, doc);
      }
      if (frame.restored) this.separate(frame); // the log starts where the document came back
    }
  }

  /** Tells the views where the top document changed (their separator rows). */
  private separate(frame: FrameInfo): void {
    for (const view of this.views) if (view.navigated) guard('a view', () => view.navigated!(frame));
  }

  /** Keeps a gone document's counts for a while: it may come back from the back/forward cache. */
  private park(docId: string, doc: DocState): void {
    this.parked.set(docId, doc);
    if (this.parked.size > PARKED_DOCS) this.parked.delete(this.parked.keys().next().value!);
  }

  private onFrameGone(docId: string): void {
    const doc = this.docs.get(docId);
    if (doc) doc.gone = true;
    this.notify();
  }

  private onRecords(docId: string, records: CaptureRecord[], dropped: number, tooLarge: number, pageMadeDropped = 0): void {
    let doc = this.docs.get(docId);
    if (!doc) {
      // Records of a frame the panel has not been told about (yet): keep them.
      const frame: FrameInfo = { docId, frameId: -1, url: '', origin: '', top: false, seenAt: this.now() };
      this.docs.set(docId, (doc = { frame, dropped: 0, tooLarge: 0, lost: 0, lastSeq: 0, gone: false }));
    }
    doc.dropped = Math.max(doc.dropped, dropped);
    doc.tooLarge = Math.max(doc.tooLarge, tooLarge);
    if (pageMadeDropped > (doc.pageMadeDropped ?? 0)) doc.pageMadeDropped = pageMadeDropped;
    for (const entry of records as unknown[]) {
      const seq = (entry as { seq?: unknown } | null)?.seq;
      if (typeof seq === 'number' && Number.isFinite(seq)) {
        // Already taken: the feed delivers again what a failed delivery may have half taken.
        if (seq <= doc.lastSeq) continue;
        if (seq > doc.lastSeq + 1) doc.lost += seq - doc.lastSeq - 1;
        doc.lastSeq = seq;
      }
      // The door: no view sees a record that does not have its kind's shape.
      const problem = shapeProblem(entry);
      const record = problem === null ? (entry as CaptureRecord) : malformedMark(entry, `not a valid record: ${problem}`, this.now());
      if (isMalformed(record)) this.malformedCount++;
      if (record.pageMade === true) this.pageMadeCount++;
      // The hook's status of its frame; one the page made tells nothing of the hook.
      else if (record.t === 'status') doc.status = record.status;
      this.keep({ docId, record: this.deliver(docId, record) });
    }
    this.trimRecords();
    this.notify();
  }

  private keep(kept: TabRecord): void {
    this.records.push(kept);
    if (kept.record.pageMade === true) this.pageMadeKept++;
  }

  /** Keeps the genuine records at their cap and the page-made ones at theirs, trimming the oldest
   *  in chunks (1/64 of the cap) so that appends stay cheap. */
  private trimRecords(): void {
    const genuine = this.records.length - this.pageMadeKept;
    if (genuine > this.recordCap + (this.recordCap >> 6)) {
      // Drop from the front until the genuine records are back at the cap; page-made ones older
      // than them go with them.
      let excess = genuine - this.recordCap;
      let cut = 0;
      let pageMade = 0;
      while (excess > 0 && cut < this.records.length) {
        if (this.records[cut]!.record.pageMade === true) pageMade++;
        else excess--;
        cut++;
      }
      this.records.splice(0, cut);
      this.recordsDropped += cut - pageMade;
      this.pageMadeDropped += pageMade;
      this.pageMadeKept -= pageMade;
    }
    if (this.pageMadeKept > this.pageMadeCap + (this.pageMadeCap >> 6)) {
      let excess = this.pageMadeKept - this.pageMadeCap;
      this.pageMadeDropped += excess;
      this.pageMadeKept -= excess;
      this.records = this.records.filter((r) => r.record.pageMade !== true || excess-- <= 0);
    }
  }

  /**
   * The one path from a record to the views: one Map lookup by kind. A record that a view cannot
   * take (it threw) is marked: the store keeps a `malformed` record in its place, which goes to
   * the views of that kind (the bus list shows it), and the next records are taken as usual.
   * Returns the record kept.
   */
  private deliver(docId: string, record: CaptureRecord): CaptureRecord {
    const views = this.viewsOf(record);
    let failure: { error: unknown } | undefined;
    for (let i = 0; i < views.length; i++) {
      try {
        views[i]!.take(docId, record);
      } catch (error) {
        console.error('CX Lens: a view threw on a record', error);
        failure ??= { error };
      }
    }
    if (!failure) return record;
    if (!isMalformed(record)) this.malformedCount++;
    const marked = malformedMark(record, `a view could not read this record: ${errorLine(failure.error)}`, this.now());
    for (const view of this.viewsOf(marked)) guard('a view', () => view.take(docId, marked));
    return marked;
  }

  /** The views a record goes to: those of its kind; a page-made one only to views that show
   *  page-made records. */
  private viewsOf(record: CaptureRecord): RecordView[] {
    const views = this.routes.get(record.t) ?? this.unclaimed;
    if (record.pageMade !== true) return views;
    return this.views.filter((v) => v.takesPageMade);
  }

  private route(): void {
    const routes = new Map<string, RecordView[]>();
    for (const kind of STORE_KINDS) routes.set(kind, []);
    for (const view of this.views) {
      for (const kind of view.kinds) {
        let list = routes.get(kind);
        if (!list) routes.set(kind, (list = []));
        list.push(view);
      }
    }
    this.routes = routes;
    this.unclaimed = this.views.filter((v) => v.takesUnclaimed);
  }

  private removeView(view: RecordView): void {
    const i = this.views.indexOf(view);
    if (i < 0) return;
    this.views.splice(i, 1);
    this.route();
  }

  private emptyLog(cause: ResetCause): void {
    this.records = [];
    this.recordsDropped = 0;
    this.malformedCount = 0;
    this.pageMadeCount = 0;
    this.pageMadeDropped = 0;
    this.pageMadeKept = 0;
    this.epoch++;
    for (const view of this.views) guard('a view', () => view.reset(cause));
  }
}

/** The mark of a record that was no valid record or that a view could not take: its seq and
 *  time, its name if it had one, whether the page made it, and a short bounded text of it (it
 *  may be the very value that made a view throw). */
function malformedMark(entry: unknown, reason: string, now: number): CaptureRecord {
  const r = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
  const own = (key: string): unknown => (Object.hasOwn(r, key) ? r[key] : undefined);
  const seq = own('seq');
  const time = own('time');
  const name = own('name');
  const mark: Record<string, unknown> = {
    t: 'malformed',
    seq: typeof seq === 'number' && Number.isFinite(seq) ? seq : 0,
    time: typeof time === 'number' && Number.isFinite(time) ? time : now,
    reason,
  };
  if (typeof name === 'string') mark.name = name.slice(0, 200);
  if (own('pageMade') === true) mark.pageMade = true;
  mark.value = clipText(textOf(entry), TEXT_MAX);
  return mark as unknown as CaptureRecord;
}

/** Runs a view's or listener's code: one that throws must not stop the others. */
function guard(what: string, run: () => void): void {
  try {
    run();
  } catch (error) {
    console.error(`CX Lens: ${what} threw`, error);
  }
}

/** A `malformed` record: no kind of the protocol's union, made by the relay or by this store. */
function isMalformed(record: CaptureRecord): boolean {
  return (record.t as string) === 'malformed';
}
