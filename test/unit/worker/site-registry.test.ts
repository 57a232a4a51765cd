import { describe, expect, it } from 'vitest';
import {
  SITE_SCRIPTS, SiteRegistry, frameAccess, planRegistration, wantedScripts,
} from '../../../src/worker/site-registry';
import { SITES_KEY, type SiteList } from '../../../src/shared/site-access';
import { fakeHost } from './fake-site-host';
import { PANEL_OPEN_SCRIPT } from '../../../src/shared/protocol';

const a = 'http://localhost:3000';
const cookies = 'http://127.0.0.1:4000';

describe('wantedScripts', () => {
  it('registers nothing while nothing is switched on', () => {
    expect(wantedScripts({ all: false, sites: {} }, true)).toEqual([]);
  });

  it('registers the hook (main world) then the relay for the sites and their frames, at document_start in every frame', () => {
    const [hook, relay, ...rest] = wantedScripts({ all: false, sites: { [a]: [cookies] } }, false);
    expect(rest).toEqual([]);
    expect(hook).toMatchObject({ id: SITE_SCRIPTS.hook.id, js: ['page-hook.js'], world: 'MAIN', runAt: 'document_start', allFrames: true, matchOriginAsFallback: true, persistAcrossSessions: true });
    expect(relay).toMatchObject({ id: SITE_SCRIPTS.relay.id, js: ['relay.js'], world: 'ISOLATED', persistAcrossSessions: true });
    expect(hook!.matches).toEqual([`${a}/*`, `${cookies}/*`].sort());
    expect(relay!.matches).toEqual(hook!.matches);
  });

  it('matches every site when all is on, and adds panel-open.js (this session only) while a panel is open', () => {
    const scripts = wantedScripts({ all: true, sites: {} }, true);
    expect(scripts.map((s) => s.id)).toEqual([SITE_SCRIPTS.hook.id, SITE_SCRIPTS.relay.id, PANEL_OPEN_SCRIPT.id]);
    expect(scripts.every((s) => s.matches.join() === '<all_urls>')).toBe(true);
    expect(scripts[2]!.persistAcrossSessions).toBe(false);
  });

  it('where match patterns take no port (Firefox), matches each host once, whatever its ports', () => {
    const [hook] = wantedScripts({ all: false, sites: { [a]: [cookies, 'http://localhost:5000'] } }, false, false);
    expect(hook!.matches).toEqual(['http://127.0.0.1/*', 'http://localhost/*']);
  });
});

describe('planRegistration', () => {
  const wanted = wantedScripts({ all: false, sites: { [a]: [] } }, false);

  it('changes nothing when the registrations already match', () => {
    expect(planRegistration(wanted, structuredClone(wanted))).toEqual({ unregister: [], update: [], register: [] });
  });

  it('updates in place what differs, registers what is missing, leaves other ids alone', () => {
    const stale = [{ ...wanted[0]!, matches: ['<all_urls>'] }, { id: 'someone-else', js: ['x.js'], matches: ['<all_urls>'] }];
    expect(planRegistration(wanted, stale)).toEqual({ unregister: [], update: [wanted[0]], register: [wanted[1]] });
  });

  it('unregisters everything when nothing is switched on', () => {
    expect(planRegistration([], wanted)).toEqual({ unregister: [SITE_SCRIPTS.hook.id, SITE_SCRIPTS.relay.id], update: [], register: [] });
  });

  it('a panel opening or closing touches panel-open.js only (the hook and relay stay registered)', () => {
    const open = wantedScripts({ all: false, sites: { [a]: [] } }, true);
    expect(planRegistration(open, wanted)).toEqual({ unregister: [], update: [], register: [open[2]] });
    expect(planRegistration(wanted, open)).toEqual({ unregister: [PANEL_OPEN_SCRIPT.id], update: [], register: [] });
  });
});

describe('SiteRegistry', () => {
  it('on a fresh profile registers nothing', async () => {
    const { host, scripts } = fakeHost();
    const list = await new SiteRegistry(host).reconcile();
    expect(list).toEqual({ all: false, sites: {} });
    expect(scripts()).toEqual([]);
  });

  it('switching a site on stores it and registers its scripts; off removes both', async () => {
    const { host, storage, scripts } = fakeHost();
    const registry = new SiteRegistry(host);
    await registry.setSite(a, true);
    expect(storage[SITES_KEY]).toEqual({ all: false, sites: { [a]: [] } });
    expect(scripts().map((s) => [s.id, s.matches])).toEqual([[SITE_SCRIPTS.hook.id, [`${a}/*`]], [SITE_SCRIPTS.relay.id, [`${a}/*`]]]);
    await registry.setSite(a, false);
    expect(storage[SITES_KEY]).toEqual({ all: false, sites: {} });
    expect(scripts()).toEqual([]);
  });

  it('a new worker (restart, update) makes the registrations follow the stored list', async () => {
    const stored: SiteList = { all: false, sites: { [a]: [cookies] } };
    const { host, scripts } = fakeHost({ stored, registered: [] }); // an update dropped them
    await new SiteRegistry(host).reconcile();
    expect(scripts().map((s) => s.id)).toEqual([SITE_SCRIPTS.hook.id, SITE_SCRIPTS.relay.id]);
    expect(scripts()[0]!.matches).toEqual([`${cookies}/*`, `${a}/*`].sort());
    const { host: again, calls } = fakeHost({ stored, registered: scripts() });
    await new SiteRegistry(again).reconcile();
    expect(calls).toEqual([]); // already right: nothing touched
  });

  it('a stored list that is not valid registers nothing', async () => {
    const { host, scripts } = fakeHost({ stored: { all: 'true', sites: { '*://*/*': [] } }, registered: wantedScripts({ all: true, sites: {} }, false) });
    await new SiteRegistry(host).reconcile();
    expect(scripts()).toEqual([]);
  });

  it('frames a site loads are added to it and registered', async () => {
    const { host, scripts } = fakeHost({ stored: { all: false, sites: { [a]: [] } } });
    const registry = new SiteRegistry(host);
    expect((await registry.addFrames(a, [cookies])).sites[a]).toEqual([cookies]);
    expect(scripts()[0]!.matches).toContain(`${cookies}/*`);
  });

  it('all sites keeps the list, and off again goes back to it', async () => {
    const { host, scripts } = fakeHost({ stored: { all: false, sites: { [a]: [] } } });
    const registry = new SiteRegistry(host);
    await registry.setAll(true);
    expect(scripts()[0]!.matches).toEqual(['<all_urls>']);
    const list = await registry.setAll(false);
    expect(list).toEqual({ all: false, sites: { [a]: [] } });
    expect(scripts()[0]!.matches).toEqual([`${a}/*`]);
  });

  it('registers panel-open.js only while a panel is open', async () => {
    const { host, scripts } = fakeHost({ stored: { all: false, sites: { [a]: [] } } });
    const registry = new SiteRegistry(host);
    await registry.setPanelOpen(true);
    expect(scripts().map((s) => s.id)).toContain(PANEL_OPEN_SCRIPT.id);
    await registry.setPanelOpen(false);
    expect(scripts().map((s) => s.id)).not.toContain(PANEL_OPEN_SCRIPT.id);
  });

  it('leaves matchOriginAsFallback out where the browser refuses it', async () => {
    const { host, scripts } = fakeHost({ refuseFallback: true });
    const registry = new SiteRegistry(host);
    await registry.setSite(a, true);
    expect(scripts().map((s) => s.id)).toEqual([SITE_SCRIPTS.hook.id, SITE_SCRIPTS.relay.id]);
    expect(scripts().some((s) => 'matchOriginAsFallback' in s)).toBe(false);
  });

  it('changes run one after another, each from the last one\'s list', async () => {
    const { host, storage } = fakeHost();
    const registry = new SiteRegistry(host);
    await Promise.all([registry.setSite(a, true), registry.setSite(cookies, true), registry.setSite(a, false)]);
    expect(storage[SITES_KEY]).toEqual({ all: false, sites: { [cookies]: [] } });
  });

  it('a storage that fails leaves the list as it was', async () => {
    const { host } = fakeHost();
    host.save = async () => { throw new Error('QUOTA_BYTES quota exceeded'); };
    const registry = new SiteRegistry(host);
    await expect(registry.setSite(a, true)).rejects.toThrow(/quota/);
    expect(await registry.current()).toEqual({ all: false, sites: {} });
  });
});

describe('frameAccess', () => {
  const list: SiteList = { all: false, sites: { [a]: [] } };

  it('frames of other origins a switched-on site loads are new: captured from their next load', () => {
    const result = frameAccess(list, a, [
      { frameId: 0, origin: a, relay: true },
      { frameId: 3, origin: cookies, relay: false },
      { frameId: 4, origin: 'null', relay: false },
    ]);
    expect(result.frames).toEqual([{ origin: cookies, state: 'next-load' }, { origin: a, state: 'captured' }]);
    expect(result.newFrames).toEqual([cookies]);
    expect(result.startable).toEqual([3]);
  });

  it('an origin shows its worst frame; a site not switched on adds nothing', () => {
    const result = frameAccess({ all: false, sites: {} }, a, [
      { frameId: 0, origin: a, relay: false },
      { frameId: 1, origin: cookies, relay: false },
    ]);
    expect(result.frames.map((f) => f.state)).toEqual(['off', 'off']);
    expect(result.newFrames).toEqual([]);
    const mixed = frameAccess(list, a, [{ frameId: 0, origin: a, relay: true }, { frameId: 2, origin: a, relay: false }]);
    expect(mixed.frames).toEqual([{ origin: a, state: 'next-load' }]);
  });
});
