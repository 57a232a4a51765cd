// The injection switches' status text: what the finalize handler reports from the page.
import { describe, expect, it } from 'vitest';
import { describeInjectRecord, finalizeStatus, latestInject } from '../../../../src/analysis/injection/status';
import type { TabRecord } from '../../../../src/analysis/store/tab-store';
import type { FinalizeOptions, InjectRecord } from '../../../../src/shared/protocol';
import { deepValue } from '../fixtures';

const T0 = Date.parse('2024-05-01T10:00:00.000Z');

const OPTIONS: FinalizeOptions = { text: 'Bye', behaviour: 'follow-async', states: ['Finalizing', 'Completed'] };
let seq = 0;
const inject = (docId: string, feature: InjectRecord['feature'], state: InjectRecord['state'], detail: InjectRecord['detail'] = {}, time = T0 + ++seq): TabRecord =>
  ({ docId, record: { t: 'inject', seq: ++seq, time, feature, state, detail } });

describe('finalize status', () => {
  it('is off, or removed, while switched off', () => {
    expect(finalizeStatus({ records: [], topDocId: 'd1', settings: undefined })).toEqual({ state: 'off', text: 'off' });
    const records = [inject('d1', 'finalize', 'installed'), inject('d1', 'finalize', 'removed')];
    expect(finalizeStatus({ records, topDocId: 'd1', settings: undefined })).toEqual({ state: 'removed', text: 'off (removed from the page)' });
  });

  it('follows the current top document only', () => {
    const records = [inject('old', 'finalize', 'fired', { command: 'WebChat.injectMessage', state: 'Finalizing' })];
    expect(finalizeStatus({ records, topDocId: 'new', settings: OPTIONS }).state).toBe('installing');
    records.push(inject('new', 'finalize', 'waiting'));
    expect(finalizeStatus({ records, topDocId: 'new', settings: OPTIONS })).toEqual({ state: 'waiting', text: 'waiting for the bus' });
    records.push(inject('new', 'finalize', 'installed', { bus: 'CXBus' }));
    expect(finalizeStatus({ records, topDocId: 'new', settings: OPTIONS })).toEqual({ state: 'installed', text: 'installed (CXBus)' });
  });

  it('says when it fired, with which action, for which state', () => {
    const fired = inject('d', 'finalize', 'fired', { command: 'WebChat.endChat', action: 'end', state: 'Completed', synthetic: false }, new Date(2024, 0, 1, 12, 3, 4, 123).getTime());
    expect(finalizeStatus({ records: [fired], topDocId: 'd', settings: OPTIONS })).toEqual({ state: 'fired', text: 'fired 12:03:04.123 — endChat (Completed)' });
    expect(describeInjectRecord({ ...(fired.record as InjectRecord), detail: { command: 'WebChat.injectMessage', state: 'Finalizing', synthetic: true } }))
      .toBe('fired 12:03:04.123 — injectMessage (Finalizing, synthetic)');
  });

  it('shows a failure from the page, or a newer one from the service worker', () => {
    const failed = inject('d', 'finalize', 'failed', { error: 'No chat session to inject into.' });
    expect(finalizeStatus({ records: [failed], topDocId: 'd', settings: OPTIONS })).toEqual({ state: 'failed', text: 'failed: No chat session to inject into.' });
    const installed = inject('d', 'finalize', 'installed');
    const error = { feature: 'finalize', message: 'Cannot access contents of the page', time: installed.record.time + 1 };
    expect(finalizeStatus({ records: [installed], topDocId: 'd', settings: OPTIONS, error })).toEqual({ state: 'failed', text: 'failed: Cannot access contents of the page' });
    // An older error, or one of another feature, does not hide what the page says now.
    expect(finalizeStatus({ records: [installed], topDocId: 'd', settings: OPTIONS, error: { ...error, time: 0 } }).state).toBe('installed');
    expect(finalizeStatus({ records: [installed], topDocId: 'd', settings: OPTIONS, error: { ...error, feature: 'simulate' } }).state).toBe('installed');
  });

  it("reports the page's own copy of the handler while CX Lens's switch is off", () => {
    const records = [inject('d', 'finalize', 'installed', { options: { ...OPTIONS, source: 'site' } })];
    expect(finalizeStatus({ records, topDocId: 'd', settings: undefined })).toEqual({ state: 'installed', text: "installed — the page's own copy" });
  });

  it('writes page values of a report as bounded text, even 200,000 levels deep', () => {
    const deep = inject('d', 'finalize', 'failed', { error: deepValue('array') });
    const text = describeInjectRecord(deep.record as InjectRecord);
    expect(text.startsWith('failed: [[[')).toBe(true);
    expect(text.length).toBeLessThan(600);
    expect(describeInjectRecord({ ...(deep.record as InjectRecord), state: deepValue('array') }).length).toBeLessThan(600);
  });

  it('finds the latest record of a feature in a document', () => {
    const records = [inject('d', 'simulate', 'delivered', { state: 'Finalizing' }), inject('d', 'finalize', 'installed'), inject('e', 'simulate', 'failed')];
    expect(latestInject(records, 'd', 'simulate')?.state).toBe('delivered');
    expect(latestInject(records, undefined, 'simulate')).toBeUndefined();
    expect(describeInjectRecord(latestInject(records, 'd', 'simulate')!)).toBe('delivered Finalizing (synthetic)');
  });
});

