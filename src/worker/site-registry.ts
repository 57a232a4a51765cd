// The site list and the content-script registrations that follow it, without chrome.*: the
// worker passes a SiteHost (storage.local, chrome.scripting), tests pass fakes. The page hook and
// the relay are registered only for the switched-on origins (or every site when `all`), so on any
// other site no CX Lens script runs and the service worker never starts.
import {
  EMPTY_SITE_LIST, SITES_KEY, capturedOrigins, isCaptured, isOrigin, matchPattern, parseSiteList, withFrames, withSite,
  type FrameAccess, type SiteList,
} from '../shared/site-access';
import { PANEL_OPEN_SCRIPT } from '../shared/protocol';

/** The scripts registered per site: the hook (main world) first, then the relay (the hand-over
 *  works in either order, see src/shared/hook-link.ts), and panel-open.js while a panel is open. */
export const SITE_SCRIPTS = {
  hook: { id: 'cx-lens-page-hook', file: 'page-hook.js' },
  relay: { id: 'cx-lens-relay', file: 'relay.js' },
} as const;
const PANEL_OPEN = PANEL_OPEN_SCRIPT;
const OUR_IDS: string[] = [SITE_SCRIPTS.hook.id, SITE_SCRIPTS.relay.id, PANEL_OPEN.id];

/** One registration, in chrome.scripting.RegisteredContentScript's shape. */
export interface ScriptSpec {
  id: string;
  js: string[];
  matches: string[];
  runAt: 'document_start';
  allFrames: true;
  world: 'MAIN' | 'ISOLATED';
  /** about:blank, srcdoc, blob: and data: frames of a matched origin (Chromium 119+; left out
   *  where the browser refuses it). */
  matchOriginAsFallback?: boolean;
  persistAcrossSessions: boolean;
}

/** What getRegisteredContentScripts gives back (only what the plan compares). */
export interface Registered {
  id: string;
  js?: string[];
  matches?: string[];
  world?: string;
  persistAcrossSessions?: boolean;
}

export interface SiteHost {
  load(key: string): Promise<unknown>;
  save(key: string, value: unknown): Promise<void>;
  /** CX Lens's registrations among `ids`. */
  registered(ids: string[]): Promise<Registered[]>;
  register(scripts: ScriptSpec[]): Promise<void>;
  update(scripts: ScriptSpec[]): Promise<void>;
  unregister(ids: string[]): Promise<void>;
}

/** The registrations a list wants: none when nothing is switched on. `ports`: whether the
 *  browser's match patterns take a port (see matchPattern). */
export function wantedScripts(list: SiteList, panelOpen: boolean, ports = true): ScriptSpec[] {
  const matches = list.all ? ['<all_urls>'] : [...new Set(capturedOrigins(list).map((o) => matchPattern(o, ports)))];
  if (matches.length === 0) return [];
  const base = { matches, runAt: 'document_start', allFrames: true, matchOriginAsFallback: true } as const;
  const scripts: ScriptSpec[] = [
    { ...base, id: SITE_SCRIPTS.hook.id, js: [SITE_SCRIPTS.hook.file], world: 'MAIN', persistAcrossSessions: true },
    { ...base, id: SITE_SCRIPTS.relay.id, js: [SITE_SCRIPTS.relay.file], world: 'ISOLATED', persistAcrossSessions: true },
  ];
  // Lives only as long as this browser session: a panel is open now.
  if (panelOpen) scripts.push({ ...base, id: PANEL_OPEN.id, js: [PANEL_OPEN.file], world: 'ISOLATED', persistAcrossSessions: false });
  return scripts;
}

/** What to change so that the registrations are `wanted`, script by script: a script registered
 *  differently is updated in place (never unregistered then registered again: a page loading in
 *  between would run without it), a missing one registered, one no longer wanted unregistered. */
export function planRegistration(wanted: ScriptSpec[], registered: Registered[]): { unregister: string[]; update: ScriptSpec[]; register: ScriptSpec[] } {
  const ours = registered.filter((r) => OUR_IDS.includes(r.id));
  const plan = { unregister: [] as string[], update: [] as ScriptSpec[], register: [] as ScriptSpec[] };
  for (const w of wanted) {
    const r = ours.find((o) => o.id === w.id);
    if (!r) plan.register.push(w);
    else if (!sameList(r.js, w.js) || !sameList(r.matches, w.matches) || (r.world ?? 'ISOLATED') !== w.world
      || (r.persistAcrossSessions ?? true) !== w.persistAcrossSessions) plan.update.push(w);
  }
  for (const r of ours) if (!wanted.some((w) => w.id === r.id)) plan.unregister.push(r.id);
  return plan;
}

function sameList(a: string[] | undefined, b: string[]): boolean {
  return Array.isArray(a) && a.length === b.length && a.every((x) => b.includes(x));
}

/** Registers, leaving out options this browser refuses (matchOriginAsFallback: Firefox before
 *  its support, older Chromium); the first refusal is remembered. */
export async function registerScripts(
  call: (scripts: ScriptSpec[]) => Promise<void>, scripts: ScriptSpec[], support: { fallback: boolean },
): Promise<void> {
  if (scripts.length === 0) return;
  if (support.fallback) {
    try {
      await call(scripts);
      return;
    } catch (error) {
      if (!/matchOriginAsFallback|match_origin_as_fallback|Unexpected property/i.test(String((error as Error)?.message ?? error))) throw error;
      support.fallback = false;
    }
  }
  await call(scripts.map(({ matchOriginAsFallback: _, ...rest }) => rest));
}

/**
 * The site list (storage.local, so it survives browser and worker restarts and updates) and the
 * registrations made to match it. Every change runs after the previous one (a chain): each
 * leaves storage and registrations as asked last.
 */
export class SiteRegistry {
  private list: SiteList | null = null;
  private panelOpen = false;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly support = { fallback: true };

  /** `ports`: whether this browser's match patterns take a port (false in Firefox). */
  constructor(private readonly host: SiteHost, private readonly ports = true) {}

  /** The list as stored (read once per worker life). */
  current(): Promise<SiteList> {
    return this.queue(async () => this.read());
  }

  /** Makes the registrations match the stored list: at worker start (an update or a restart may
   *  have left others, or none). */
  reconcile(): Promise<SiteList> {
    return this.queue(async () => {
      const list = await this.read();
      await this.apply(list);
      return list;
    });
  }

  setSite(origin: string, on: boolean): Promise<SiteList> {
    return this.change((list) => withSite(list, origin, on));
  }

  setAll(on: boolean): Promise<SiteList> {
    return this.change((list) => ({ all: on, sites: list.sites }));
  }

  /** Frame origins seen in a switched-on site's tab: captured from their next load. */
  addFrames(site: string, frames: string[]): Promise<SiteList> {
    return this.change((list) => withFrames(list, site, frames));
  }

  /** Whether a panel is open somewhere (panel-open.js is registered only then). */
  setPanelOpen(open: boolean): Promise<SiteList> {
    return this.queue(async () => {
      this.panelOpen = open;
      const list = await this.read();
      await this.apply(list);
      return list;
    });
  }

  private change(edit: (list: SiteList) => SiteList): Promise<SiteList> {
    return this.queue(async () => {
      const before = await this.read();
      const after = edit(before);
      if (after !== before) {
        await this.host.save(SITES_KEY, after);
        this.list = after;
      }
      await this.apply(after);
      return after;
    });
  }

  private async read(): Promise<SiteList> {
    if (!this.list) this.list = parseSiteList(await this.host.load(SITES_KEY).catch(() => EMPTY_SITE_LIST));
    return this.list;
  }

  private async apply(list: SiteList): Promise<void> {
    const plan = planRegistration(wantedScripts(list, this.panelOpen, this.ports), await this.host.registered(OUR_IDS));
    if (plan.unregister.length) await this.host.unregister(plan.unregister);
    await registerScripts((scripts) => this.host.update(scripts), plan.update, this.support);
    await registerScripts((scripts) => this.host.register(scripts), plan.register, this.support);
  }

  private queue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.chain.then(task, task);
    this.chain = run.catch(() => {});
    return run;
  }
}

/** One frame of a tab, as the worker's probe (executeScript in the isolated world) found it. */
export interface ProbedFrame {
  frameId: number;
  origin: string;
  /** CX Lens's relay runs in its document. */
  relay: boolean;
}

/**
 * What a tab's frames say about its site's access: each frame origin's state (the worst of its
 * frames), the frame origins its site needs that are not switched on yet (the worker adds them to
 * the site: captured from their next load), and the frames capture could start in now.
 */
export function frameAccess(list: SiteList, tabOrigin: string | null, probed: ProbedFrame[]): {
  frames: FrameAccess[]; newFrames: string[]; startable: number[];
} {
  const rank = { captured: 0, 'next-load': 1, off: 2 } as const;
  const byOrigin = new Map<string, FrameAccess['state']>();
  const newFrames = new Set<string>();
  const startable: number[] = [];
  const siteOn = tabOrigin !== null && tabOrigin in list.sites;
  for (const frame of probed) {
    if (!isOrigin(frame.origin)) continue; // opaque (sandboxed) and non-http frames: nothing to capture
    let state: FrameAccess['state'];
    if (frame.relay) state = 'captured';
    else if (isCaptured(list, frame.origin)) state = 'next-load';
    else if (siteOn) {
      newFrames.add(frame.origin);
      state = 'next-load';
    } else state = 'off';
    if (!frame.relay) startable.push(frame.frameId);
    const before = byOrigin.get(frame.origin);
    if (before === undefined || rank[state] > rank[before]) byOrigin.set(frame.origin, state);
  }
  const frames = [...byOrigin].map(([origin, state]) => ({ origin, state })).sort((a, b) => a.origin.localeCompare(b.origin));
  return { frames, newFrames: [...newFrames].sort(), startable };
}
