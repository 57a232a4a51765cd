// What the Findings tab and the count on its button say when not every rule ran: the findings are
// unknown, never "nothing is wrong".
import { describe, expect, it } from 'vitest';
import { findingsUnknown, shownFindings, unknownText } from '../../../../panel/hooks/use-findings';
import { FindingsModel } from '../../../../src/analysis/findings/findings-model';
import { createTabModels } from '../../../../src/analysis/store/tab-models';
import type { Finding } from '../../../../src/analysis/findings/types';

const f = (key: string): Finding => ({ rule: 'late-load', severity: 'warning', key, title: key, why: '', evidence: [], fix: { text: '' }, firstSeen: 1, lastSeen: 1 });

describe('shown findings when rules fail', () => {
  it('every rule ran: complete, and an empty list is an all-clear', () => {
    const shown = shownFindings({ current: () => [], failed: () => [] }, 1000);
    expect(shown).toEqual({ findings: [], error: null, failed: [] });
    expect(findingsUnknown(shown)).toBe(false);
    expect(unknownText(shown)).toBeNull();
  });

  it('a rule failed: the findings of the others, and the list says it is incomplete', () => {
    const failed = [{ rule: 'malformed-response', error: 'RangeError: Maximum call stack size exceeded' }];
    const shown = shownFindings({ current: () => [f('a')], failed: () => failed }, 1000);
    expect(shown.findings.map((x) => x.key)).toEqual(['a']);
    expect(shown.failed).toEqual(failed);
    expect(findingsUnknown(shown)).toBe(true);
    expect(unknownText(shown)).toBe('1 rule failed: what it checks is unknown, so the findings are incomplete.');
    expect(unknownText({ ...shown, failed: [...failed, { rule: 'x', error: 'y' }] })).toBe('2 rules failed: what they check is unknown, so the findings are incomplete.');
  });

  it('the computation threw: unknown, with the last findings', () => {
    const shown = shownFindings({ current: () => { throw new Error('broke'); } }, 1000, [f('old')]);
    expect(findingsUnknown(shown)).toBe(true);
    expect(unknownText(shown)).toMatch(/^The findings could not be computed \(broke\): what CX Lens checks is unknown/);
  });

  it('from the real model: a timeline that cannot be built makes the findings unknown', () => {
    const models = createTabModels();
    const broken = { ...models, states: { ...models.states, timeline: () => { throw new RangeError('Maximum call stack size exceeded'); } } } as never;
    const original = console.error;
    console.error = () => {};
    try {
      const shown = shownFindings(new FindingsModel(broken), 1000);
      expect(shown.findings).toEqual([]);
      expect(findingsUnknown(shown)).toBe(true);
      expect(unknownText(shown)).toMatch(/^\d+ rules failed/);
    } finally {
      console.error = original;
    }
  });
});
