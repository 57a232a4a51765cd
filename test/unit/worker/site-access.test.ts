// The worker's site access over fakes: the panel's messages, the tab probes, starting capture
// without a reload, and a feature switched on where capture is off (src/worker/site-access.ts).
import { describe, expect, it } from 'vitest';
import { SiteAccess, type SiteAccessHost } from '../../../src/worker/site-access';
import { SiteRegistry, type ProbedFrame } from '../../../src/worker/site-registry';
import type { PanelToWorker, WorkerToPanel } from '../../../src/shared/protocol';
import { fakeHost } from './fake-site-host';

const site = 'http://localhost:3000';
const cookies = 'http://127.0.0.1:4000';
const TAB = 7;

/** A tab showing `url`, whose frames answer the probe as `frames` says (relay: whether a relay
 *  already runs there); what the worker did to the tab is in `calls`. */
function setUp(url: string, frames: ProbedFrame[] = [{ frameId: 0, origin: new URL(url).origin, relay: false }]) {
  const registry = new SiteRegistry(fakeHost().host);
  const calls: string[] = [];
  const toPanels: WorkerToPanel[] = [];
  let probes = 0;
  let started = false;
  const host: SiteAccessHost = {
    async tabUrl(tabId) {
      if (tabId !== TAB) throw new Error('No tab with id');
      return url;
    },
    async reload(tabId) { calls.push(`reload ${tabId}`); },
    async tabs() { return [{ id: TAB, url }, { id: 8, url: 'https://elsewhere.example/' }]; },
    async probeFrames() {
      probes++;
      return frames.map((f) => ({ ...f, relay: f.relay || started }));
    },
    async stopRelays(tabId, origins) { calls.push(`stop ${tabId} ${origins.join(',')}`); },
    async startScripts(tabId, frameIds) {
      started = true;
      calls.push(`start ${tabId} ${frameIds.join(',')}`);
    },
    toPanels: (_tabId, message) => toPanels.push(message),
    watchedTabs: () => [TAB],
    now: () => 1234,
  };
  const access = new SiteAccess(registry, host);
  const replies: WorkerToPanel[] = [];
  const send = (msg: PanelToWorker) => access.message((m) => replies.push(m), TAB, msg);
  return { access, registry, calls, toPanels, replies, send, probes: () => probes };
}

describe('SiteAccess', () => {
  it('switches a site on and reloads its tab; the sender and the watching panels get the list', async () => {
    const t = setUp(`${site}/index.html`);
    await t.send({ type: 'site', origin: site, on: true, reload: true });
    expect((await t.registry.current()).sites).toEqual({ [site]: [] });
    expect(t.calls).toEqual([`reload ${TAB}`]);
    expect(t.replies).toEqual([{ type: 'sites', list: { all: false, sites: { [site]: [] } }, tab: { origin: site, capturing: true, frames: [] } }]);
    expect(t.toPanels).toHaveLength(1);
  });

  it('does not reload a tab that shows another origin, and refuses what is not an origin', async () => {
    const t = setUp(`${site}/index.html`);
    await t.send({ type: 'site', origin: cookies, on: true, reload: true });
    await t.send({ type: 'site', origin: 'javascript:alert(1)', on: true, reload: true });
    await t.send({ type: 'site', origin: `${site}/path`, on: true });
    expect(t.calls).toEqual([]);
    expect((await t.registry.current()).sites).toEqual({ [cookies]: [] });
  });

  it('switching a site off tells the relays of its tabs to stop, and no other tab', async () => {
    const t = setUp(`${site}/index.html`);
    await t.send({ type: 'site', origin: site, on: true });
    await t.send({ type: 'site', origin: site, on: false });
    expect(t.calls).toEqual([`stop ${TAB} ${site}`]);
    expect((await t.registry.current()).sites).toEqual({});
  });

  it('probes no frame of a site not switched on, and says the tab is not captured', async () => {
    const t = setUp(`${site}/index.html`);
    expect(await t.access.probeTab(TAB)).toEqual([]);
    expect(t.probes()).toBe(0);
    expect(t.toPanels.at(-1)).toMatchObject({ type: 'sites', tab: { origin: site, capturing: false, frames: [] } });
  });

  it('on a switched-on site, adds the other origins its frames load, captured from their next load', async () => {
    const t = setUp(`${site}/index.html`, [{ frameId: 0, origin: site, relay: true }, { frameId: 3, origin: cookies, relay: false }]);
    await t.send({ type: 'site', origin: site, on: true });
    await t.access.probeTab(TAB);
    expect((await t.registry.current()).sites).toEqual({ [site]: [cookies] });
    expect(t.toPanels.at(-1)).toMatchObject({ tab: { capturing: true, frames: [{ origin: cookies, state: 'next-load' }, { origin: site, state: 'captured' }] } });
  });

  it('starts capture now in the frames without a relay, and notes that events before are missing', async () => {
    const t = setUp(`${site}/index.html`, [{ frameId: 0, origin: site, relay: false }, { frameId: 2, origin: 'null', relay: false }]);
    await t.send({ type: 'site-start-now' });
    expect(t.calls).toEqual([`start ${TAB} 0`]); // not the opaque frame
    expect((await t.registry.current()).sites).toEqual({ [site]: [] });
    expect(t.toPanels.at(-1)).toMatchObject({ note: { kind: 'started-now', at: 1234, frames: 1 } });
  });

  it('a page that is not http(s) cannot be started: the panel is told why', async () => {
    const t = setUp('chrome://settings/');
    await t.send({ type: 'site-start-now' });
    expect(t.calls).toEqual([]);
    expect(t.replies).toHaveLength(1);
    expect(t.toPanels.at(-1)).toMatchObject({ note: { kind: 'failed', message: expect.stringMatching(/not an http or https page/) } });
  });

  it('a feature switched on where capture is off switches the site on and starts now; where it is on, nothing', async () => {
    const t = setUp(`${site}/index.html`);
    await t.access.forFeature(TAB, 'finalize');
    expect(t.calls).toEqual([`start ${TAB} 0`]);
    expect(t.toPanels.at(-1)).toMatchObject({ note: { kind: 'by-feature', origin: site, feature: 'finalize' } });
    await t.access.forFeature(TAB, 'cookie-provider');
    expect(t.calls).toEqual([`start ${TAB} 0`]);
  });

  it('"all sites" on and off leaves the list of sites as it was', async () => {
    const t = setUp(`${site}/index.html`);
    await t.send({ type: 'site', origin: site, on: true });
    await t.send({ type: 'site-all', on: true });
    expect(await t.registry.current()).toEqual({ all: true, sites: { [site]: [] } });
    await t.send({ type: 'site-all', on: false });
    expect(await t.registry.current()).toEqual({ all: false, sites: { [site]: [] } });
  });
});
