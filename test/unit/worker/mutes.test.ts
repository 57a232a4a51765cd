// The mute path outside the page: the worker's per-tab list (MuteManager), the router's delivery to
// a tab's relays, the relay link's hand-over to its hook, the panel's model.
import { describe, expect, it } from 'vitest';
import { MuteManager } from '../../../src/worker/mutes';
import { Router } from '../../../src/worker/router';
import { RelayLink, type LinkPort } from '../../../src/content/relay-link';
import { RelayCore } from '../../../src/content/relay-core';
import { RecordBuffer } from '../../../src/content/record-buffer';
import { MUTE_MAX_NAMES, muteList, mutedCounts } from '../../../src/shared/mutes';
import { PROTOCOL_VERSION, type WorkerToContent } from '../../../src/shared/protocol';
import { createTabModels } from '../../../src/analysis/store/tab-models';
import { mutedOf } from '../../../src/analysis/bus/mutes';

function manager() {
  let stored: Record<string, unknown> = {};
  const m = new MuteManager({ load: async () => structuredClone(stored), save: async (all) => { stored = structuredClone(all); } });
  return { m, stored: () => stored, set: (v: Record<string, unknown>) => { stored = v; } };
}

describe('MuteManager', () => {
  it('keeps each tab its list, in order, without repeats; unmute removes; a closed tab is forgotten', async () => {
    const { m, stored } = manager();
    expect(await m.set(1, 'A.x', true)).toEqual(['A.x']);
    await m.set(1, 'A.y', true);
    expect(await m.set(1, 'A.x', true)).toEqual(['A.y', 'A.x']);
    await m.set(2, 'B.z', true);
    expect(await m.set(1, 'A.y', false)).toEqual(['A.x']);
    expect(await m.names(1)).toEqual(['A.x']);
    expect(await m.names(3)).toEqual([]);
    await m.tabClosed(1);
    expect(stored()).toEqual({ 2: ['B.z'] });
  });

  it('quick changes in a row all land (writes are chained)', async () => {
    const { m } = manager();
    await Promise.all(['a', 'b', 'c', 'd'].map((n) => m.set(5, n, true)));
    expect(await m.names(5)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('refuses what is no name, and past the cap; reads stored junk as nothing', async () => {
    const { m, set } = manager();
    await expect(m.set(1, 42, true)).rejects.toThrow(/not an event name/);
    await expect(m.set(1, '', true)).rejects.toThrow(/not an event name/);
    await expect(m.set(1, 'x'.repeat(501), true)).rejects.toThrow(/not an event name/);
    for (let i = 0; i < MUTE_MAX_NAMES; i++) await m.set(1, `N.e${i}`, true);
    await expect(m.set(1, 'N.more', true)).rejects.toThrow(/at most 100/);
    set({ 1: 'A.x', 2: [1, 'B.y', 'B.y'], x: ['C.z'] });
    expect(await m.names(1)).toEqual([]);
    expect(await m.names(2)).toEqual(['B.y']);
    expect(await m.set(2, 'B.w', true)).toEqual(['B.y', 'B.w']);
  });
});

describe('delivery', () => {
  it('the router sends a tab\'s relays the list, or one document\'s relay', () => {
    const router = new Router(() => 0);
    const got: [string, WorkerToContent][] = [];
    for (const [tab, doc] of [[1, 'a'], [1, 'b'], [2, 'c']] as const) {
      const conn = router.contentConnected({ postMessage: (m) => got.push([doc, m]) }, tab, 0);
      router.contentMessage(conn, { type: 'hello', v: PROTOCOL_VERSION, docId: doc, url: 'http://x/', origin: 'http://x', top: true, timeOrigin: 0 });
    }
    got.length = 0;
    router.toContents(1, { type: 'mute', names: ['A.x'] });
    router.toContents(1, { type: 'mute', names: [] }, 'b');
    expect(got).toEqual([['a', { type: 'mute', names: ['A.x'] }], ['b', { type: 'mute', names: ['A.x'] }], ['b', { type: 'mute', names: [] }]]);
  });

  it('the relay link hands the checked list to its hook', () => {
    const handed: string[][] = [];
    let deliver: (m: WorkerToContent) => void = () => {};
    const port: LinkPort = { postMessage: () => {}, disconnect: () => {}, onMessage: (l) => { deliver = l; }, onDisconnect: () => {} };
    const relay: RelayCore = new RelayCore('doc', new RecordBuffer(10), (m) => link.send(m), 'key');
    const link: RelayLink = new RelayLink(relay, {
      connect: () => port, setTimer: () => {}, prerendering: () => false,
      hello: () => ({ type: 'hello', v: PROTOCOL_VERSION, docId: 'doc', url: '', origin: '', top: true, timeOrigin: 0 }),
      mute: (names) => handed.push(names),
    });
    link.request();
    deliver({ type: 'mute', names: ['A.x', 'A.x', 7 as unknown as string, 'B.y'] });
    deliver({ type: 'mute', names: 'A.x' as unknown as string[] });
    expect(handed).toEqual([['A.x', 'B.y'], []]);
  });
});

describe('the panel', () => {
  it('keeps the worker\'s list, sends mute commands, and sums the hooks\' counts (never losses)', () => {
    const models = createTabModels();
    const sent: unknown[] = [];
    models.mutes.connectSender((m) => (sent.push(m), true));
    models.store.feed.mutes!({ type: 'mutes', names: ['A.x', 'A.x', 'B.y'] });
    expect(models.mutes.names).toEqual(['A.x', 'B.y']);
    expect(models.mutes.isMuted('A.x')).toBe(true);
    models.mutes.set('A.x', false);
    expect(sent).toEqual([{ type: 'mute', name: 'A.x', muted: false }]);
    models.store.feed.mutes!({ type: 'mutes', names: ['B.y'], error: 'at most 100 event names can be muted in a tab' });
    expect(models.mutes.error).toMatch(/at most 100/);
    models.store.feed.connection('connected');
    for (const docId of ['d1', 'd2']) {
      models.store.feed.frame({ docId, frameId: 0, url: 'http://x/', origin: 'http://x', top: docId === 'd1', seenAt: 0 });
      models.store.feed.records(docId, [{ t: 'status', seq: 1, time: 0, status: { cxbus: 'tapped', quickBus: false, plugins: [], problems: [], muted: [{ name: 'A.x', count: 3 }, { name: 'B.y', count: docId === 'd1' ? 2 : -1 }] } }], 0);
    }
    expect(mutedOf(models.store)).toEqual({ total: 8, names: [{ name: 'A.x', count: 6 }, { name: 'B.y', count: 2 }] });
  });

  it('checks lists and counts from anywhere', () => {
    expect(muteList(['a', '', null, 'a', 'b'])).toEqual(['a', 'b']);
    expect(muteList({ length: 1e12 })).toEqual([]);
    expect(mutedCounts([{ name: 'a', count: 1.5 }, { name: 'b', count: 2 }, 'x', null]).total).toBe(2);
  });
});
