import { MUTE_MAX_NAMES, MUTE_NAME_MAX_CHARS, muteList } from '../shared/mutes';

/** Where the muted names live; the service worker passes session storage, tests a fake. */
export interface MuteHost {
  load(): Promise<Record<string, unknown>>;
  save(all: Record<string, string[]>): Promise<void>;
}

/**
 * Per-tab muted event names. Kept in session storage (a worker restart keeps them, a browser
 * restart does not), sent to each relay of the tab after its hello, so they hold across reloads.
 * Changes are chained: two quick clicks never lose one another's write.
 */
export class MuteManager {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly host: MuteHost) {}

  async names(tabId: number): Promise<string[]> {
    await this.queue.catch(() => {});
    return muteList((await this.host.load())[tabId]);
  }

  /** Mutes or unmutes `name` in the tab; resolves with the tab's list. A name that cannot be muted
   *  (not a string, empty, too long) or one past the cap is refused with the reason. */
  set(tabId: number, name: unknown, muted: boolean): Promise<string[]> {
    const run = this.queue.catch(() => {}).then(async () => {
      if (typeof name !== 'string' || !name || name.length > MUTE_NAME_MAX_CHARS) throw new TypeError('not an event name that can be muted');
      const all = await this.load();
      const list = (all[tabId] ?? []).filter((n) => n !== name);
      if (muted) {
        if (list.length >= MUTE_MAX_NAMES) throw new RangeError(`at most ${MUTE_MAX_NAMES} event names can be muted in a tab`);
        list.push(name);
      }
      if (list.length) all[tabId] = list;
      else delete all[tabId];
      await this.host.save(all);
      return list;
    });
    this.queue = run;
    return run;
  }

  async tabClosed(tabId: number): Promise<void> {
    const run = this.queue.catch(() => {}).then(async () => {
      const all = await this.load();
      if (!(tabId in all)) return;
      delete all[tabId];
      await this.host.save(all);
    });
    this.queue = run;
    return run;
  }

  private async load(): Promise<Record<string, string[]>> {
    const stored = await this.host.load();
    const all: Record<string, string[]> = {};
    for (const [tab, names] of Object.entries(stored ?? {})) {
      const list = muteList(names);
      if (/^\d+$/.test(tab) && list.length) all[tab] = list;
    }
    return all;
  }
}
