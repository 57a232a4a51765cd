// Site access: the origins where CX Lens captures, as the worker keeps them in
// chrome.storage.local (SITES_KEY) and reports them to the panel. On every other site no CX Lens
// script runs in any frame. Pure: the worker (src/worker/site-registry.ts) and the panel use it.

/** storage.local key of the site list. */
export const SITES_KEY = 'sites';
/** At most this many sites, and frame origins per site (a stored list past these is cut). */
export const MAX_SITES = 200;
export const MAX_FRAMES_PER_SITE = 20;

/** What the user switched on: every site (`all`, CX Lens's behaviour before site access), or the
 *  listed origins, each with the origins of the frames its pages load that CX Lens saw. */
export interface SiteList {
  all: boolean;
  /** origin → frame origins (other origins whose frames the site's pages load), sorted. */
  sites: Record<string, string[]>;
}

export const EMPTY_SITE_LIST: SiteList = Object.freeze({ all: false, sites: Object.freeze({}) }) as SiteList;

/** The origin CX Lens can capture for a URL: http(s) only, normalized; null for anything else
 *  (chrome://, file:, about:, data:, an opaque origin, not a URL). */
export function siteOrigin(url: unknown): string | null {
  if (typeof url !== 'string' || url.length > 2048) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
  if (parsed.username || parsed.password) return null;
  return parsed.origin;
}

/** True when `origin` is exactly an http(s) origin (no path, as URL.origin writes it). */
export function isOrigin(origin: unknown): origin is string {
  return typeof origin === 'string' && siteOrigin(origin) === origin;
}

/** The stored (or received) value as a SiteList: anything not valid is left out, never trusted. */
export function parseSiteList(value: unknown): SiteList {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { all: false, sites: {} };
  const { all, sites } = value as { all?: unknown; sites?: unknown };
  const out: SiteList = { all: all === true, sites: {} };
  if (typeof sites !== 'object' || sites === null || Array.isArray(sites)) return out;
  for (const [origin, frames] of Object.entries(sites).slice(0, MAX_SITES)) {
    if (!isOrigin(origin)) continue;
    const list = Array.isArray(frames) ? frames.filter((f): f is string => isOrigin(f) && f !== origin) : [];
    out.sites[origin] = [...new Set(list)].sort().slice(0, MAX_FRAMES_PER_SITE);
  }
  return out;
}

/** Every origin whose documents CX Lens's scripts run in (sites and their frames), sorted; empty
 *  when `all` (then every site is). */
export function capturedOrigins(list: SiteList): string[] {
  const set = new Set<string>();
  for (const [site, frames] of Object.entries(list.sites)) {
    set.add(site);
    for (const frame of frames) set.add(frame);
  }
  return [...set].sort();
}

/** Whether documents of this origin are captured from their start. */
export function isCaptured(list: SiteList, origin: string | null): boolean {
  if (origin === null) return false;
  if (list.all) return true;
  return capturedOrigins(list).includes(origin);
}

export function withSite(list: SiteList, origin: string, on: boolean): SiteList {
  const sites = { ...list.sites };
  if (on) {
    if (!(origin in sites) && Object.keys(sites).length >= MAX_SITES) return list;
    sites[origin] = sites[origin] ?? [];
  } else {
    delete sites[origin];
  }
  return { all: list.all, sites };
}

/** The list with frame origins added to a switched-on site (the site's own origin and origins
 *  that are sites of their own are left out). Returns the same list when nothing is new. */
export function withFrames(list: SiteList, site: string, frames: readonly string[]): SiteList {
  const known = list.sites[site];
  if (!known) return list;
  const added = frames.filter((f) => isOrigin(f) && f !== site && !known.includes(f));
  if (added.length === 0 || known.length >= MAX_FRAMES_PER_SITE) return list;
  const next = [...new Set([...known, ...added])].sort().slice(0, MAX_FRAMES_PER_SITE);
  return { all: list.all, sites: { ...list.sites, [site]: next } };
}

/** The match pattern of one origin's documents. A port is part of it where the browser matches
 *  ports (Chromium). Firefox takes a pattern with a port without complaint and then matches no
 *  document with it (its pattern hosts never carry one): there (`ports` false) the pattern names
 *  the scheme and host, and so covers every port of that host. */
export function matchPattern(origin: string, ports = true): string {
  if (ports) return `${origin}/*`;
  const url = new URL(origin);
  return `${url.protocol}//${url.hostname}/*`;
}

// ---------------------------------------------------------------------------------------------
// What the worker tells a panel about its tab (WorkerToPanel `sites`).

/** A frame of the watched tab, as the worker's probe found it. */
export interface FrameAccess {
  origin: string;
  /** captured: CX Lens's scripts run in it; next-load: its origin is switched on now, its current
   *  document started without them; off: its origin is not switched on (the tab's site is not). */
  state: 'captured' | 'next-load' | 'off';
}

export interface TabAccess {
  /** The tab's top origin (null: not an http(s) page, CX Lens cannot capture it). */
  origin: string | null;
  /** Documents of this origin are captured from their start. */
  capturing: boolean;
  /** Frames of the tab seen by the worker's last probe (none when not capturing). */
  frames: FrameAccess[];
}
