import { describe, expect, it } from 'vitest';
import { createTabModels } from '../../../../src/analysis/store/tab-models';
import { InjectionModel, type PanelCommand } from '../../../../src/analysis/injection/injection-model';
import type { CaptureRecord } from '../../../../src/shared/protocol';
import { connected, ev, frame, nextSeq } from '../fixtures';

const inject = (feature: 'finalize' | 'simulate' | 'cookie-provider', state: string): CaptureRecord =>
  ({ t: 'inject', seq: nextSeq(), time: 1, feature, state, detail: {} }) as CaptureRecord;

describe('InjectionModel', () => {
  it('keeps the settings the worker reports, and its last error until a newer one or an inject command', () => {
    let now = 100;
    const model = new InjectionModel(() => now);
    const sent: PanelCommand[] = [];
    expect(model.send({ type: 'simulate', state: 'Completed' })).toBe(false); // no sender yet
    model.connectSender((m) => (sent.push(m), true));
    model.report({ type: 'injection', settings: {}, error: { feature: 'finalize', message: 'no access' } });
    expect(model.error).toEqual({ feature: 'finalize', message: 'no access', time: 100 });
    now = 200;
    model.report({ type: 'injection', settings: { 'cookie-provider': { cookieName: 'c', iframeUrl: 'https://x/' } } });
    expect(model.error?.time).toBe(100);
    expect(model.settings['cookie-provider']?.cookieName).toBe('c');
    expect(model.send({ type: 'simulate', state: 'Finalizing' })).toBe(true);
    expect(model.error).toBeDefined();
    model.send({ type: 'inject', feature: 'finalize', options: null });
    expect(model.error).toBeUndefined();
    expect(sent.map((m) => m.type)).toEqual(['simulate', 'inject']);
  });

  it('takes the inject records of the tab, emptied with the log', () => {
    const m = createTabModels();
    connected(m.store, 'a');
    m.store.feed.records('a', [inject('finalize', 'installed'), ev('A.b'), inject('simulate', 'delivered')], 0);
    expect(m.injection.records.map((r) => `${r.docId}:${(r.record as { feature: string }).feature}`)).toEqual(['a:finalize', 'a:simulate']);
    expect(m.bus.rows.map((r) => r.kind)).toEqual(['event']);
    m.store.feed.frame(frame('b'));
    expect(m.injection.records).toEqual([]);
  });

  it('keeps the newest inject records at its cap', () => {
    const model = new InjectionModel(Date.now, 16);
    for (let i = 0; i < 100; i++) model.take('a', { ...inject('finalize', 'fired'), seq: i });
    expect(model.records.length).toBeLessThanOrEqual(17);
    expect(model.records.at(-1)!.record.seq).toBe(99);
  });
});
