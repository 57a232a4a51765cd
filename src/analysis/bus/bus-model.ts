// The Bus list's model: rows for events, commands (paired with their outcomes), plugin
// registrations and records of kinds no other view reads, navigation separators, pause, the row
// cap. Fed by the TabStore as a RecordView; no Preact, no chrome.*.
import type { ResetCause, RecordView } from '../store/tab-store';
import type {
  CaptureRecord, CommandOutcome, CommandRecord, Copied, EventRecord, FrameInfo, OutcomeRecord, PluginRecord,
} from '../../shared/protocol';
import { summarize } from '../text/summary';
import { textOf } from '../text/bounded';

/** Rows the list keeps. It trims in chunks, so it may briefly hold 1/64 more. */
export const DEFAULT_ROW_CAP = 100_000;
/** Page-made rows the list keeps besides them (their own budget: a page's flood of forged records
 *  never pushes out the rows CX Lens's hook sent). It trims in chunks of a quarter. */
export const DEFAULT_PAGE_MADE_ROW_CAP = 10_000;
/** Characters of a row's name and source that its search text holds (names from the page hook
 *  are at most 10,000; a forged record's could be any length). */
export const SEARCH_FIELD_MAX = 10_000;
/** Names a registration row lists; the detail pane shows them all. */
const PLUGIN_NAMES_SHOWN = 100;
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
  /** The page made the record (it did not come from CX Lens's hook): shown marked, never paired
   *  with a genuine command or outcome. */
  pageMade: boolean;
  record: CaptureRecord;
  /** Commands: the outcome once it came; none means pending. */
  outcome?: OutcomeRecord;
  /** Lowercased for filtering: `name \n source \n summary`, the name's namespace, the source. */
  search: string;
  namespace: string;
  sourceLower: string;
}

/** A separator the list shows where the inspected page navigated (preserve log on), or where a
 *  document came back from the back/forward cache (`restored`). */
export interface NavRow {
  key: number;
  kind: 'nav';
  docId: string;
  time: number;
  url: string;
  restored?: boolean;
}

export type Row = BusRow | NavRow;

export type OutcomeState = CommandOutcome | 'pending';

export interface BusModelOptions {
  rowCap?: number;
  /** Page-made rows kept, besides rowCap. */
  pageMadeCap?: number;
  /** Called when the model changes outside of a feed message (pause, resume). */
  onChange?: () => void;
}

export class BusModel implements RecordView {
  readonly kinds: ReadonlySet<string> = new Set(['event', 'command', 'outcome', 'plugin']);
  readonly takesUnclaimed = true;
  /** The Bus shows page-made records, marked: the only view that takes them. */
  readonly takesPageMade = true;

  /** The list, oldest first. While paused, new rows wait in `held` instead. */
  rows: Row[] = [];
  paused = false;
  /** Rows removed from the list (oldest first) because it reached the row cap, since the last clear. */
  rowsDropped = 0;
  /** Rows added since the last clear, by kind (separators and page-made rows not counted). */
  counts: Record<BusKind, number> = { event: 0, command: 0, plugin: 0, other: 0 };
  /** Page-made rows added since the last clear. */
  pageMadeCount = 0;
  /** Page-made rows removed past their own budget since the last clear. */
  pageMadeDropped = 0;
  /** Bumped when the list is emptied. */
  epoch = 0;
  /** Bumped when the list is emptied or rows were taken out of its middle (page-made rows past
   *  their budget): filtered copies must start over. */
  listVersion = 0;
  /** Bumped when a command's outcome arrives (filters on outcome must re-run). */
  outcomeVersion = 0;

  private held: Row[] = [];
  /** Page-made rows in `rows`, and in `held`. */
  private pageMadeInRows = 0;
  private pageMadeHeld = 0;
  private nextKey = 1;
  /** Command rows waiting for their outcome, by `docId \n id`. */
  private pending = new Map<string, BusRow>();
  /** Events, commands and registrations per document since the last clear (trimmed ones too). */
  private readonly docRows = new Map<string, number>();
  private readonly rowCap: number;
  private readonly pageMadeCap: number;
  private readonly onChange: () => void;

  constructor(options: BusModelOptions = {}) {
    this.rowCap = options.rowCap ?? DEFAULT_ROW_CAP;
    this.pageMadeCap = options.pageMadeCap ?? Math.min(DEFAULT_PAGE_MADE_ROW_CAP, this.rowCap);
    this.onChange = options.onChange ?? (() => {});
  }

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
      this.pageMadeInRows += this.pageMadeHeld;
      this.pageMadeHeld = 0;
      this.trimRows();
    }
    this.onChange();
  }

  /** A command row's outcome state. */
  outcomeOf(row: BusRow): OutcomeState {
    return row.outcome?.outcome ?? 'pending';
  }

  /** Events, commands and registrations a document produced since the last clear. */
  busRowsOf(docId: string): number {
    return this.docRows.get(docId) ?? 0;
  }

  take(docId: string, record: CaptureRecord): void {
    if (record.pageMade === true) return this.takePageMade(docId, record);
    switch (record.t) {
      case 'event':
        this.countDoc(docId);
        return this.addRow(this.eventRow(docId, record));
      case 'command': {
        this.countDoc(docId);
        const row = this.commandRow(docId, record);
        this.pending.set(pendingKey(docId, record.id), row);
        return this.addRow(row);
      }
      case 'outcome':
        this.settle(docId, record);
        return;
      case 'plugin':
        this.countDoc(docId);
        return this.addRow(this.pluginRow(docId, record));
      default:
        // A kind no view reads (a later feature's): shown as it is, never lost.
        return this.addRow(this.otherRow(docId, record));
    }
  }

  /** A page-made record: a row of its own kind, marked; its command and outcome pair only with
   *  each other, and it counts for no document's bus traffic. */
  private takePageMade(docId: string, record: CaptureRecord): void {
    switch (record.t) {
      case 'event':
        return this.addRow(this.eventRow(docId, record));
      case 'command': {
        const row = this.commandRow(docId, record);
        this.pending.set(pendingKey(docId, record.id, true), row);
        return this.addRow(row);
      }
      case 'outcome':
        if (this.settle(docId, record, true)) return;
        return this.addRow(this.otherRow(docId, record));
      case 'plugin':
        return this.addRow(this.pluginRow(docId, record));
      default:
        return this.addRow(this.otherRow(docId, record));
    }
  }

  navigated(frame: FrameInfo): void {
    const row: NavRow = { key: this.nextKey++, kind: 'nav', docId: frame.docId, time: frame.seenAt, url: frame.url };
    if (frame.restored === true) row.restored = true;
    this.addRow(row);
  }

  reset(_cause: ResetCause): void {
    this.rows = [];
    this.held = [];
    this.pageMadeInRows = 0;
    this.pageMadeHeld = 0;
    this.pending.clear();
    this.docRows.clear();
    this.rowsDropped = 0;
    this.counts = { event: 0, command: 0, plugin: 0, other: 0 };
    this.pageMadeCount = 0;
    this.pageMadeDropped = 0;
    this.epoch++;
    this.listVersion++;
  }

  private countDoc(docId: string): void {
    this.docRows.set(docId, (this.docRows.get(docId) ?? 0) + 1);
  }

  /** Pairs an outcome with its pending command; false when there is none. */
  private settle(docId: string, outcome: OutcomeRecord, pageMade = false): boolean {
    const key = pendingKey(docId, outcome.id, pageMade);
    const row = this.pending.get(key);
    if (!row) return false; // its command was cleared or never reached the panel: the record stays in the store
    this.pending.delete(key);
    row.outcome = outcome;
    if (outcome.truncated) row.truncated = true;
    this.outcomeVersion++;
    return true;
  }

  private eventRow(docId: string, r: EventRecord): BusRow {
    return this.busRow(docId, r, 'event', textOf(r.name), textOf(r.publisher), summarize(r.data));
  }

  private commandRow(docId: string, r: CommandRecord): BusRow {
    return this.busRow(docId, r, 'command', textOf(r.name), textOf(r.commander), summarize(r.options));
  }

  private pluginRow(docId: string, r: PluginRecord): BusRow {
    const list = Array.isArray(r.names) ? r.names : [];
    const names = list.slice(0, PLUGIN_NAMES_SHOWN).map((n) => textOf(n)).join(', ') + (list.length > PLUGIN_NAMES_SHOWN ? ', …' : '');
    const summary = `${textOf(r.action)}${names ? ' ' + names : ''}${r.ok === false ? ' (refused by the bus)' : ''}`;
    return this.busRow(docId, r, 'plugin', textOf(r.plugin), textOf(r.plugin), summary);
  }

  private otherRow(docId: string, r: CaptureRecord): BusRow {
    const rest: { [key: string]: Copied } = { ...r };
    delete rest.t;
    delete rest.seq;
    delete rest.time;
    delete rest.truncated;
    const name = typeof rest.name === 'string' ? rest.name : r.t;
    return this.busRow(docId, r, 'other', name, textOf(rest.publisher), summarize(rest));
  }

  private busRow(docId: string, record: CaptureRecord, kind: BusKind, name: string, source: string, summary: string): BusRow {
    const dot = name.indexOf('.');
    return {
      key: this.nextKey++, kind, docId, time: typeof record.time === 'number' ? record.time : NaN,
      name, source, summary, truncated: record.truncated === true, pageMade: record.pageMade === true, record,
      search: searchText(name, source, summary),
      namespace: cutField(dot > 0 ? name.slice(0, dot) : name).toLowerCase(),
      sourceLower: cutField(source).toLowerCase(),
    };
  }

  private addRow(row: Row): void {
    const pageMade = row.kind !== 'nav' && row.pageMade;
    if (pageMade) this.pageMadeCount++;
    else if (row.kind !== 'nav') this.counts[row.kind]++;
    if (this.paused) {
      this.held.push(row);
      if (pageMade) this.pageMadeHeld++;
      const genuine = this.held.length - this.pageMadeHeld;
      if (genuine > this.rowCap) this.pageMadeHeld -= this.dropOldest(this.held, this.prefixWithGenuine(this.held, genuine - this.rowCap));
      if (this.pageMadeHeld > this.pageMadeCap) {
        this.held = this.withoutOldestPageMade(this.held, this.pageMadeHeld - this.pageMadeCap);
        this.pageMadeHeld = this.pageMadeCap;
      }
    } else {
      this.rows.push(row);
      if (pageMade) this.pageMadeInRows++;
      this.trimRows();
    }
  }

  /** Keeps the list at the caps, genuine rows and page-made rows each at theirs, trimming in
   *  chunks so appends stay cheap. */
  private trimRows(): void {
    const genuine = this.rows.length - this.pageMadeInRows;
    if (genuine > this.rowCap + (this.rowCap >> 6)) {
      this.pageMadeInRows -= this.dropOldest(this.rows, this.prefixWithGenuine(this.rows, genuine - this.rowCap));
    }
    if (this.pageMadeInRows > this.pageMadeCap + Math.max(1, this.pageMadeCap >> 2)) {
      this.rows = this.withoutOldestPageMade(this.rows, this.pageMadeInRows - this.pageMadeCap);
      this.pageMadeInRows = this.pageMadeCap;
      this.listVersion++;
    }
  }

  /** How many rows from the front hold `count` genuine rows (the page-made ones between them go too). */
  private prefixWithGenuine(list: readonly Row[], count: number): number {
    let n = 0;
    while (count > 0 && n < list.length) {
      const row = list[n++]!;
      if (row.kind === 'nav' || !row.pageMade) count--;
    }
    return n;
  }

  /** Removes the oldest `count` rows; returns how many of them were page-made. */
  private dropOldest(list: Row[], count: number): number {
    const removed = list.splice(0, count);
    let pageMade = 0;
    for (const row of removed) {
      if (row.kind === 'nav') continue;
      if (row.pageMade) {
        pageMade++;
        this.pageMadeDropped++;
      } else {
        this.rowsDropped++;
      }
      this.forgetPending(row);
    }
    return pageMade;
  }

  /** The list without its oldest `count` page-made rows (counted as dropped). */
  private withoutOldestPageMade(list: readonly Row[], count: number): Row[] {
    this.pageMadeDropped += count;
    return list.filter((row) => {
      if (count <= 0 || row.kind === 'nav' || !row.pageMade) return true;
      count--;
      this.forgetPending(row);
      return false;
    });
  }

  private forgetPending(row: BusRow): void {
    if (row.kind === 'command' && !row.outcome) this.pending.delete(pendingKey(row.docId, (row.record as CommandRecord).id, row.pageMade));
  }
}

/** What the filter's free text searches: `name \n source \n summary`, lowercased, bounded
 *  (the summary is at most SUMMARY_MAX characters, name and source are cut to SEARCH_FIELD_MAX). */
export function searchText(name: string, source: string, summary: string): string {
  return `${cutField(name)}\n${cutField(source)}\n${cutField(summary)}`.toLowerCase();
}

/** A name or source as far as filters read it (a bounded prefix). */
function cutField(s: string): string {
  return s.length > SEARCH_FIELD_MAX ? s.slice(0, SEARCH_FIELD_MAX) : s;
}

/** A command's key among the pending ones; page-made commands have keys of their own, so that
 *  a page-made outcome never settles a genuine command (nor the reverse). */
function pendingKey(docId: string, id: unknown, pageMade = false): string {
  return `${pageMade ? 'page-made\n' : ''}${docId}\n${textOf(id)}`;
}
