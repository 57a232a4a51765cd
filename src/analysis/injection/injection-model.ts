// What CX Lens injects into the inspected tab, for the Injection view, the States view's finalize
// bar and the Cookie sync view's provider switch: the switches as the service worker reports
// them (with its last error), what the injected scripts report from the page (`inject` records),
// and the way commands (inject, simulate) go to the worker.
import type { InjectionSettings, PanelToWorker } from '../../shared/protocol';
import type { InjectionReport, RecordView, ResetCause, TabRecord } from '../store/tab-store';

/** Commands a view can send to the worker. */
export type PanelCommand = Extract<PanelToWorker, { type: 'inject' | 'simulate' }>;

/** `inject` records kept (the newest): scripts report a handful per install, fire or failure. */
export const INJECT_RECORD_CAP = 1000;

export interface InjectionError {
  feature: string;
  message: string;
  /** Panel clock: when the report arrived. */
  time: number;
}

export class InjectionModel implements RecordView {
  readonly kinds: ReadonlySet<string> = new Set(['inject']);

  /** The tab's injection switches as the worker last reported them. */
  settings: InjectionSettings = {};
  /** The worker's last injection error, until the next inject command. */
  error?: InjectionError;
  /** The injected scripts' reports since the last clear, oldest first (all `t: 'inject'`). */
  records: TabRecord[] = [];

  private sender: (message: PanelCommand) => boolean = () => false;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly cap = INJECT_RECORD_CAP,
  ) {}

  /** The worker's report (from the store's feed). An error stays until a newer one or a send. */
  report(message: InjectionReport): void {
    this.settings = message.settings;
    if (message.error) this.error = { ...message.error, time: this.now() };
  }

  /** Where commands go: `injection.connectSender((m) => feed.send(m))`. */
  connectSender(send: (message: PanelCommand) => boolean): void {
    this.sender = send;
  }

  /** Sends a command to the worker; false when it is not connected. */
  send(message: PanelCommand): boolean {
    if (message.type === 'inject') this.error = undefined;
    return this.sender(message);
  }

  take(docId: string, record: TabRecord['record']): void {
    this.records.push({ docId, record });
    if (this.records.length > this.cap + (this.cap >> 4)) this.records.splice(0, this.records.length - this.cap);
  }

  reset(_cause: ResetCause): void {
    this.records = [];
  }
}
