import { describe, expect, it } from 'vitest';
import { badgeTitle, countBySeverity, maskedFinding, orderFindings } from '../../../../src/analysis/findings/view-model';
import { MASK } from '../../../../src/analysis/text/secrets';
import { findingsModelOf, shownFindings } from '../../../../panel/hooks/use-findings';
import { createTabModels } from '../../../../src/analysis/store/tab-models';
import type { Finding, Severity } from '../../../../src/analysis/findings/types';

const f = (key: string, severity: Severity, firstSeen: number, lastSeen = firstSeen): Finding => ({
  rule: 'late-load', severity, key, title: key, why: '', evidence: [], fix: { text: '' }, firstSeen, lastSeen,
});

describe('the Findings view logic', () => {
  it('counts per severity, and says them in the badge tooltip', () => {
    const counts = countBySeverity([f('a', 'error', 1), f('b', 'warning', 1), f('c', 'warning', 1), f('d', 'info', 1)]);
    expect(counts).toEqual({ error: 1, warning: 2, info: 1 });
    expect(badgeTitle(counts)).toBe('1 error, 2 warnings, 1 info finding');
  });

  it('orders most severe first, then most recently seen, one per key', () => {
    const ordered = orderFindings([f('w-old', 'warning', 1), f('i', 'info', 9), f('e', 'error', 2), f('w-new', 'warning', 5), f('e', 'warning', 1, 8)]);
    expect(ordered.map((x) => x.key)).toEqual(['e', 'w-new', 'w-old', 'i']);
    // The two `e` merged: the error wins, seen from the first to the last time of both.
    expect(ordered[0]).toMatchObject({ severity: 'error', firstSeen: 1, lastSeen: 8 });
  });

  it('keeps the tab usable when a rule throws: the error with the last findings', () => {
    const ok = shownFindings({ current: () => [f('b', 'warning', 1), f('a', 'error', 1)] }, 1000);
    expect(ok).toEqual({ findings: [expect.objectContaining({ key: 'a' }), expect.objectContaining({ key: 'b' })], error: null, failed: [] });
    const failed = shownFindings({ current: () => { throw new Error('rule broke'); } }, 2000, ok.findings);
    expect(failed.error).toBe('rule broke');
    expect(failed.findings.map((x) => x.key)).toEqual(['a', 'b']);
  });

  it('one findings model per models, shared by the tab and its count', () => {
    const models = createTabModels();
    expect(findingsModelOf(models)).toBe(findingsModelOf(models));
    expect(findingsModelOf(createTabModels())).not.toBe(findingsModelOf(models));
  });

  it('masks every text that may hold page data, and nothing of the panel\'s own', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzZXNzaW9uSWQiOiJhYmMifQ.c2lnbmF0dXJl';
    const shown = maskedFinding({
      ...f('k', 'error', 1, 2), title: `t ${jwt}`, why: `w ${jwt}`, sessionId: jwt,
      evidence: [{ tab: 'bus', key: '7', label: `l ${jwt}`, time: 3 }],
      fix: { text: `x ${jwt}`, snippet: `s ${jwt}`, action: { id: 'finalize-on', label: 'Switch on' } },
    });
    expect(JSON.stringify(shown)).not.toContain('eyJ');
    expect(shown).toMatchObject({
      rule: 'late-load', severity: 'error', key: 'k', firstSeen: 1, lastSeen: 2, title: `t ${MASK}`, why: `w ${MASK}`, sessionId: MASK,
      evidence: [{ tab: 'bus', key: '7', label: `l ${MASK}`, time: 3 }],
      fix: { text: `x ${MASK}`, snippet: `s ${MASK}`, action: { id: 'finalize-on', label: 'Switch on' } },
    });
    expect(maskedFinding(f('plain', 'info', 1)).fix).toEqual({ text: '' });
  });
});
