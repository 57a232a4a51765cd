import { describe, expect, it } from 'vitest';
import { createTabModels } from '../../../../src/analysis/store/tab-models';
import type { SiteCommand } from '../../../../src/analysis/injection/site-access';

const a = 'http://localhost:3000';
const cookies = 'http://127.0.0.1:4000';

describe('SiteAccessModel', () => {
  it('offers to capture a page whose site is not switched on, once the worker says so', () => {
    const { store, sites } = createTabModels();
    expect(sites.offer).toBeNull(); // nothing known yet: no banner
    store.feed.sites!({ type: 'sites', list: { all: false, sites: {} }, tab: { origin: a, capturing: false, frames: [] } });
    expect(sites.offer).toBe(a);
    store.feed.sites!({ type: 'sites', list: { all: false, sites: { [a]: [] } }, tab: { origin: a, capturing: true, frames: [] } });
    expect(sites.offer).toBeNull();
  });

  it('offers nothing on a page CX Lens cannot capture (chrome://, file:)', () => {
    const { store, sites } = createTabModels();
    store.feed.sites!({ type: 'sites', list: { all: false, sites: {} }, tab: { origin: null, capturing: false, frames: [] } });
    expect(sites.offer).toBeNull();
  });

  it('lists the frames not captured yet with why, and the sites with their frames', () => {
    const { store, sites } = createTabModels();
    store.feed.sites!({
      type: 'sites', list: { all: false, sites: { [a]: [cookies] } },
      tab: { origin: a, capturing: true, frames: [{ origin: a, state: 'captured' }, { origin: cookies, state: 'next-load' }] },
    });
    expect(sites.pendingFrames).toEqual([{ origin: cookies, why: expect.stringMatching(/next load/) }]);
    expect(sites.sites).toEqual([{ origin: a, frames: [cookies] }]);
    expect(sites.capturedCount).toBe(2);
  });

  it('says when a feature switched the site on, and when capture started without a reload', () => {
    const { store, sites } = createTabModels();
    store.feed.sites!({ type: 'sites', list: { all: false, sites: { [a]: [] } }, note: { kind: 'by-feature', origin: a, feature: 'finalize' } });
    expect(sites.noteText()).toMatch(/finalize handler switched capture on for http:\/\/localhost:3000/);
    store.feed.sites!({ type: 'sites', list: { all: false, sites: { [a]: [] } }, note: { kind: 'started-now', at: Date.UTC(2026, 0, 1, 10, 0, 0), frames: 2 } });
    expect(sites.noteText()).toMatch(/events before then are missing/);
    store.feed.sites!({ type: 'sites', list: { all: false, sites: { [a]: [] } } });
    expect(sites.noteText()).toBeNull();
  });

  it('sends the panel\'s commands to the worker', () => {
    const { sites } = createTabModels();
    const sent: SiteCommand[] = [];
    expect(sites.send({ type: 'sites-get' })).toBe(false); // not connected
    sites.connectSender((m) => (sent.push(m), true));
    expect(sites.send({ type: 'site', origin: a, on: true, reload: true })).toBe(true);
    expect(sent).toEqual([{ type: 'site', origin: a, on: true, reload: true }]);
  });
});
