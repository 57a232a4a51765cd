// The Findings tab's live state: throttled recomputation, first sighting kept, counts, clear.
import { describe, expect, it, vi } from 'vitest';
import { FindingsModel } from '../../../../src/analysis/findings/findings-model';
import { computeFindings, runRules } from '../../../../src/analysis/findings/engine';
import { T0, cmd, out, registrations, started, received, stateAt, tab } from './helpers';

function counted(t: ReturnType<typeof tab>) {
  let calls = 0;
  // Free computations (timer 0): only the fixed intervals apply.
  const model = new FindingsModel(t.models, { timer: () => 0, compute: (m, now) => (calls++, computeFindings(m, now)) });
  return { model, calls: () => calls };
}

describe('FindingsModel', () => {
  it('recomputes on a store change at most every 250 ms, and every second for the clock', () => {
    const t = tab();
    const { model, calls } = counted(t);
    model.current(T0);
    model.current(T0 + 100);
    expect(calls()).toBe(1);
    t.feed(...registrations(100));
    model.current(T0 + 200);
    expect(calls()).toBe(1); // throttled
    model.current(T0 + 300);
    expect(calls()).toBe(2);
    model.current(T0 + 900);
    expect(calls()).toBe(2); // nothing changed
    model.current(T0 + 1400);
    expect(calls()).toBe(3); // the clock alone
  });

  it('shows a finding that time made (a command pending too long) and counts by severity', () => {
    const t = tab();
    const model = new FindingsModel(t.models);
    t.feed(...registrations(), cmd(100, 1, 'WebChat.opne'));
    expect(model.current(T0 + 1000)).toEqual([]);
    expect(model.current(T0 + 6000).map((f) => f.rule)).toEqual(['unknown-command']);
    expect(model.counts(T0 + 6000)).toEqual({ error: 1, warning: 0, info: 0 });
  });

  it('keeps the first sighting of a finding when its oldest evidence is gone', () => {
    const t = tab();
    const model = new FindingsModel(t.models);
    t.feed(started(10), received(1000, [stateAt('Finalizing', 1000)]));
    t.clock = T0 + 10_000; // the models' clock: the reaction window has closed
    const [first] = model.refresh(t.clock);
    expect(first!.firstSeen).toBe(T0 + 1000);
    // The page's log rotates: the finding is now drawn from a later state only.
    t.models.states.records.splice(1, 1);
    t.feed(received(20_000, [stateAt('Completed', 20_000)]));
    t.clock = T0 + 30_000;
    const [again] = model.refresh(t.clock);
    expect(again!.key).toBe(first!.key);
    expect(again!.firstSeen).toBe(T0 + 1000);
    expect(again!.lastSeen).toBe(T0 + 20_000);
  });

  it('forgets everything when the log is cleared', () => {
    const t = tab();
    const model = new FindingsModel(t.models);
    t.feed(cmd(100, 1, 'WebChat.open'), out(120, 1, 'cancelled', 'x'));
    expect(model.current(T0 + 1000)).toHaveLength(1);
    t.models.store.clear();
    expect(model.current(T0 + 1100)).toEqual([]);
  });
});

describe('FindingsModel.version', () => {
  it('changes when the list changes, not when a recomputation finds the same', () => {
    const t = tab();
    const model = new FindingsModel(t.models);
    model.current(T0);
    const v0 = model.version;
    t.feed(cmd(100, 1, 'WebChat.open'));
    model.current(T0 + 1000);
    expect(model.version).toBe(v0); // a resolved-later command: nothing to find
    t.feed(out(200, 1, 'cancelled', 'x'));
    const list = model.current(T0 + 2000);
    expect(model.version).toBe(v0 + 1);
    expect(model.current(T0 + 5000)).toBe(list); // recomputed on the clock, the same: the same array
    expect(model.version).toBe(v0 + 1);
  });
});

describe('FindingsModel on a log that is costly to compute', () => {
  it('spaces its recomputations so that they take at most a tenth of the time', () => {
    const t = tab();
    let clock = 0;
    let calls = 0;
    // Each computation costs 100 ms: at most one a second on store changes, one every 2 s on the clock.
    const model = new FindingsModel(t.models, { timer: () => clock, compute: () => ((clock += 100), calls++, []) });
    model.current(T0);
    t.feed(...registrations(10));
    model.current(T0 + 500);
    expect(calls).toBe(1);
    model.current(T0 + 1000);
    expect(calls).toBe(2);
    model.current(T0 + 2500);
    expect(calls).toBe(2);
    model.current(T0 + 3000);
    expect(calls).toBe(3);
  });
});

describe('FindingsModel: rules that fail', () => {
  it('keeps the rules that failed with the findings of the others, and bumps its version when that changes', () => {
    const t = tab();
    t.feed(...registrations(), cmd(100, 1, 'WebChat.opne'));
    let broken = true;
    const model = new FindingsModel(t.models, {
      timer: () => 0,
      compute: (m, now) => {
        const result = runRules(m, now);
        return broken ? { findings: result.findings, failed: [{ rule: 'malformed-response', error: 'RangeError: Maximum call stack size exceeded' }] } : result;
      },
    });
    expect(model.current(T0 + 10_000).map((f) => f.rule)).toEqual(['unknown-command']);
    expect(model.failed(T0 + 10_000)).toEqual([{ rule: 'malformed-response', error: 'RangeError: Maximum call stack size exceeded' }]);
    const version = model.version;
    broken = false;
    expect(model.refresh(T0 + 10_000).map((f) => f.rule)).toEqual(['unknown-command']);
    expect(model.failed(T0 + 10_000)).toEqual([]);
    expect(model.version).toBe(version + 1);
  });

  it('by default runs the engine, which says which rules failed', () => {
    const t = tab();
    const model = new FindingsModel({ ...t.models, states: { ...t.models.states, timeline: () => { throw new RangeError('deep'); } } } as never);
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      expect(model.current(T0)).toEqual([]);
      expect(model.failed(T0).map((f) => f.rule)).toContain('no-finalize-reaction');
    } finally {
      spy.mockRestore();
    }
  });
});
