import { describe, expect, it } from 'vitest';
import { badgeText, badgeTitle, countBySeverity, orderFindings } from '../../../../panel/findings/view-model';
import { findingsOf } from '../../../../panel/findings/use-findings';
import { createTabModels } from '../../../../panel/model/tab-models';
import type { Finding, Severity } from '../../../../panel/findings/types';

const f = (key: string, severity: Severity, firstSeen: number, lastSeen = firstSeen): Finding => ({
  rule: 'late-load', severity, key, title: key, why: '', evidence: [], fix: { text: '' }, firstSeen, lastSeen,
});

describe('the Findings view logic', () => {
  it('counts per severity and shows errors and warnings on the badge', () => {
    const counts = countBySeverity([f('a', 'error', 1), f('b', 'warning', 1), f('c', 'warning', 1), f('d', 'info', 1)]);
    expect(counts).toEqual({ error: 1, warning: 2, info: 1 });
    expect(badgeText(counts)).toBe('1 ⛔ 2 ⚠️');
    expect(badgeText({ error: 0, warning: 0, info: 3 })).toBe('');
    expect(badgeTitle(counts)).toBe('1 error, 2 warnings, 1 info finding');
  });

  it('orders most severe first, then most recently seen, one per key', () => {
    const ordered = orderFindings([f('w-old', 'warning', 1), f('i', 'info', 9), f('e', 'error', 2), f('w-new', 'warning', 5), f('e', 'warning', 1, 8)]);
    expect(ordered.map((x) => x.key)).toEqual(['e', 'w-new', 'w-old', 'i']);
    // The two `e` merged: the error wins, seen from the first to the last time of both.
    expect(ordered[0]).toMatchObject({ severity: 'error', firstSeen: 1, lastSeen: 8 });
  });

  it('computes once per store change and second, and keeps the tab usable when a rule throws', () => {
    const models = createTabModels();
    let calls = 0;
    const compute = () => {
      calls++;
      return [f('a', 'error', 1)];
    };
    expect(findingsOf(models, 10_000, compute).findings).toHaveLength(1);
    findingsOf(models, 10_500, compute);
    expect(calls).toBe(1);
    findingsOf(models, 11_000, compute);
    expect(calls).toBe(2);
    models.store.notify();
    findingsOf(models, 11_000, compute);
    expect(calls).toBe(3);
    const failed = findingsOf(models, 20_000, () => { throw new Error('rule broke'); });
    expect(failed.error).toBe('rule broke');
    expect(failed.findings.map((x) => x.key)).toEqual(['a']);
  });
});
