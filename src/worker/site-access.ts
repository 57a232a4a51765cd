// What the worker does for site access, without chrome.*: answering the panel's site messages,
// probing a watched tab's frames, starting capture without a reload, and switching a site on for
// an injected feature. The worker passes a SiteAccessHost (tabs, scripting, its router); tests pass
// fakes. The list and its registrations are site-registry.ts's.
import { capturedOrigins, isCaptured, isOrigin, siteOrigin, type FrameAccess, type SiteList, type TabAccess } from '../shared/site-access';
import { errorText } from '../shared/error-text';
import type { InjectFeature, PanelToWorker, SiteNote, WorkerToPanel } from '../shared/protocol';
import { frameAccess, type ProbedFrame, type SiteRegistry } from './site-registry';

export interface SiteAccessHost {
  /** The tab's URL (given with host access: no `tabs` permission), undefined when it is gone. */
  tabUrl(tabId: number): Promise<string | undefined>;
  reload(tabId: number): Promise<void>;
  /** Every tab, with its URL. */
  tabs(): Promise<{ id?: number; url?: string }[]>;
  /** Wakes the relay of every frame of the tab (in its isolated world: the page cannot reach it)
   *  and says each frame's origin and whether it has a relay; none where no frame can be scripted. */
  probeFrames(tabId: number): Promise<ProbedFrame[]>;
  /** The relays of the tab's frames of these origins drop what they kept and stop. */
  stopRelays(tabId: number, origins: string[]): Promise<void>;
  /** Runs the hook (main world), then the relay marked as a late start, in these frames. */
  startScripts(tabId: number, frameIds: number[]): Promise<void>;
  toPanels(tabId: number, message: WorkerToPanel): void;
  watchedTabs(): number[];
  now(): number;
}

export class SiteAccess {
  /** The last probe's frames, per tab. */
  private readonly tabFrames = new Map<number, FrameAccess[]>();
  /** The last note per tab (why the list changed), sent with the next reports until replaced. */
  private readonly tabNotes = new Map<number, SiteNote>();

  constructor(private readonly sites: SiteRegistry, private readonly host: SiteAccessHost) {}

  /** A panel watches the tab: where its site is captured, wake every frame's relay and learn the
   *  frames' origins; frames of other origins the site loads are switched on for their next load.
   *  On a site not switched on, nothing runs in the tab. */
  async probeTab(tabId: number): Promise<ProbedFrame[]> {
    const list = await this.sites.current();
    const origin = await this.tabOrigin(tabId);
    const probed = isCaptured(list, origin) ? await this.host.probeFrames(tabId) : [];
    const access = frameAccess(list, origin, probed);
    let after = list;
    if (origin !== null && access.newFrames.length) after = await this.sites.addFrames(origin, access.newFrames);
    this.tabFrames.set(tabId, access.frames);
    await this.report(tabId, after);
    return probed;
  }

  /** The panel's site messages, checked field by field (a message is data, never trusted). The
   *  sender gets the list (it may watch no tab: an extension page), then every watching panel. */
  async message(reply: (message: WorkerToPanel) => void, tabId: number | undefined, msg: PanelToWorker): Promise<void> {
    try {
      if (msg.type === 'site' && isOrigin(msg.origin) && typeof msg.on === 'boolean') {
        const before = await this.sites.current();
        const after = await this.sites.setSite(msg.origin, msg.on);
        if (tabId !== undefined) this.tabNotes.delete(tabId);
        if (!msg.on) await this.stopRemoved(before, after);
        if (msg.on && msg.reload === true && tabId !== undefined && await this.tabOrigin(tabId) === msg.origin) {
          await this.host.reload(tabId);
        }
      } else if (msg.type === 'site-all' && typeof msg.on === 'boolean') {
        await this.sites.setAll(msg.on);
      } else if (msg.type === 'site-start-now' && tabId !== undefined) {
        await this.startNow(tabId);
      }
    } catch (error) {
      if (tabId !== undefined) this.tabNotes.set(tabId, { kind: 'failed', message: errorText(error) });
    }
    const list = await this.sites.current();
    try {
      reply({ type: 'sites', list, ...(tabId !== undefined ? { tab: await this.tabAccess(tabId, list) } : {}) });
    } catch {
      /* the sender went away */
    }
    for (const watched of this.host.watchedTabs()) await this.report(watched, list);
  }

  /** Switching an injected feature on where capture is off switches its site on, and starts
   *  capture now: the feature reports through CX Lens's page scripts. */
  async forFeature(tabId: number, feature: InjectFeature): Promise<void> {
    const list = await this.sites.current();
    const origin = await this.tabOrigin(tabId);
    if (origin === null || isCaptured(list, origin)) return;
    await this.startNow(tabId);
    this.tabNotes.set(tabId, { kind: 'by-feature', origin, feature });
    await this.report(tabId);
  }

  /** The list and the tab's access, with the tab's note, to the tab's panels. */
  async report(tabId: number, list?: SiteList): Promise<void> {
    const current = list ?? await this.sites.current();
    const note = this.tabNotes.get(tabId);
    this.host.toPanels(tabId, { type: 'sites', list: current, tab: await this.tabAccess(tabId, current), ...(note ? { note } : {}) });
  }

  /** Capture starts in the tab now, without a reload: its site is switched on, and the hook and
   *  the relay run in every frame that has none. Their records are contested: the page's scripts
   *  ran first. */
  private async startNow(tabId: number): Promise<void> {
    const origin = await this.tabOrigin(tabId);
    if (origin === null) throw new Error('CX Lens cannot capture this page (not an http or https page)');
    await this.sites.setSite(origin, true);
    const probed = await this.probeTab(tabId);
    const frameIds = probed.filter((f) => !f.relay && isOrigin(f.origin)).map((f) => f.frameId);
    if (frameIds.length) await this.host.startScripts(tabId, frameIds);
    this.tabNotes.set(tabId, { kind: 'started-now', at: this.host.now(), frames: frameIds.length });
    await this.probeTab(tabId); // wakes the new relays: they connect to the panel
  }

  /** A site was switched off: the documents of origins no longer captured drop what their relays
   *  kept, in the tabs showing that site (their next load runs no CX Lens script). */
  private async stopRemoved(before: SiteList, after: SiteList): Promise<void> {
    if (after.all) return;
    const gone = capturedOrigins(before).filter((o) => !isCaptured(after, o));
    if (gone.length === 0) return;
    for (const tab of await this.host.tabs()) {
      if (tab.id === undefined || !gone.includes(siteOrigin(tab.url) ?? '')) continue;
      this.tabFrames.delete(tab.id);
      await this.host.stopRelays(tab.id, gone);
    }
  }

  private async tabOrigin(tabId: number): Promise<string | null> {
    return siteOrigin(await this.host.tabUrl(tabId).catch(() => undefined));
  }

  private async tabAccess(tabId: number, list: SiteList): Promise<TabAccess> {
    const origin = await this.tabOrigin(tabId);
    const capturing = isCaptured(list, origin);
    return { origin, capturing, frames: capturing ? this.tabFrames.get(tabId) ?? [] : [] };
  }
}
