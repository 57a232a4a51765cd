// Muted event names of the inspected tab: what the worker says is muted (the page hooks skip their
// copy and count them), how many each frame skipped, and the way mute commands go to the worker.
import type { PanelToWorker } from '../../shared/protocol';
import { muteList, mutedCounts, type MutedCount } from '../../shared/mutes';
import type { TabStore } from '../store/tab-store';

export type MuteCommand = Extract<PanelToWorker, { type: 'mute' }>;

export class MuteModel {
  /** The tab's muted names as the worker last reported them (or a file recorded them). */
  names: string[] = [];
  /** The worker's last refusal, until the next command. */
  error?: string;
  private sender: (message: MuteCommand) => boolean = () => false;

  constructor(private readonly onChange: () => void = () => {}) {}

  /** The worker's report (also a file's capture settings): the whole list. */
  report(names: unknown, error?: unknown): void {
    this.names = muteList(names);
    this.error = typeof error === 'string' && error ? error.slice(0, 300) : undefined;
    this.onChange();
  }

  connectSender(send: (message: MuteCommand) => boolean): void {
    this.sender = send;
  }

  isMuted(name: string): boolean {
    return this.names.includes(name);
  }

  /** Asks the worker to mute or unmute; false when not connected. */
  set(name: string, muted: boolean): boolean {
    this.error = undefined;
    return this.sender({ type: 'mute', name, muted });
  }
}

/** Events the tab's hooks skipped because they were muted: in total and per name (summed over the
 *  documents the store knows, from their hooks' status). Never a loss. */
export function mutedOf(store: TabStore): { total: number; names: MutedCount[] } {
  const byName = new Map<string, number>();
  let total = 0;
  for (const doc of store.docs.values()) {
    const counts = mutedCounts(doc.status?.muted);
    total += counts.total;
    for (const { name, count } of counts.names) byName.set(name, (byName.get(name) ?? 0) + count);
  }
  return { total, names: [...byName].map(([name, count]) => ({ name, count })) };
}
