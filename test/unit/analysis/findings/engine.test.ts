// The engine: every rule over one context, sorted by severity, one finding per key, records the
// page made never counted, a rule that throws not taking the others down.
import { describe, expect, it, vi } from 'vitest';
import { computeFindings, RULES, runRules } from '../../../../src/analysis/findings/engine';
import { malformedResponse } from '../../../../src/analysis/findings/rules/states';
import { sessionLost } from '../../../../src/analysis/findings/rules/session';
import { LARGE, largePollBody } from '../../fakes/chat-api';
import type { InjectRecord } from '../../../../src/shared/protocol';
import { T0, cmd, ev, out, pageMade, plugin, received, registrations, response, started, stateAt, status, tab, textAt } from './helpers';

/** A log where many rules fire: a lost session, a misspelt command, a missing reaction, a rejection. */
function troubled() {
  const t = tab();
  t.feed(...registrations(), status(5, { problems: ['plugin App interface is frozen: its calls are not captured'] }), started(10),
    received(1000, [stateAt('Finalizing', 1000)]), received(5000, [textAt('Customer', 5000)]),
    cmd(6000, 1, 'WebChat.opne'), cmd(6100, 2, 'WebChat.sendMessage'), out(6200, 2, 'rejected', 'no'),
    ev(7000, 'WebChatService.sessionLost', {}));
  return t;
}

describe('computeFindings', () => {
  it('lists errors, then warnings, then information', () => {
    const t = troubled();
    const found = t.findings(T0 + 20_000);
    expect(found.map((f) => f.rule).sort()).toEqual(['capture-incomplete', 'command-rejected', 'no-finalize-reaction', 'segment-after-finalize', 'session-lost', 'unknown-command']);
    const order = { error: 0, warning: 1, info: 2 };
    expect(found.map((f) => order[f.severity])).toEqual([...found.map((f) => order[f.severity])].sort());
    expect(new Set(found.map((f) => f.key)).size).toBe(found.length);
  });

  it('the same log fed twice gives the same keys', () => {
    const keys = troubled().findings(T0 + 20_000).map((f) => f.key);
    expect(troubled().findings(T0 + 20_000).map((f) => f.key)).toEqual(keys);
  });

  it('records the page made draw nothing, of any kind', () => {
    const t = tab();
    const inject: InjectRecord = { t: 'inject', seq: 0, time: T0 + 50, feature: 'finalize', state: 'failed', detail: { error: 'x' } };
    t.feed(...[
      ...registrations(), plugin(5, 'WebChat', 'registerPlugin', [], false), status(5, { problems: ['forged'], transport: { asyncEnabled: true }, chat: { getSessionData: 'function' } }),
      started(10), received(1000, [stateAt('Finalizing', 1000)]), received(5000, [textAt('Customer', 5000)]),
      cmd(6000, 1, 'WebChat.opne'), cmd(6100, 2, 'WebChat.sendMessage'), out(6200, 2, 'rejected', 'no'), cmd(6300, 3, 'WebChat.open'), out(6400, 3, 'cancelled', 'x'),
      ev(7000, 'WebChatService.sessionLost', {}), ev(7100, 'WebChatService.restoreFailed', {}), ev(7200, 'WebChatService.error', {}), inject,
    ].map(pageMade));
    expect(t.findings(T0 + 60_000)).toEqual([]);
  });

  it('a rule that throws leaves the others', () => {
    const t = troubled();
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    const rules = RULES as ((...args: unknown[]) => unknown)[];
    const saved = rules[0]!;
    rules[0] = () => {
      throw new Error('odd data');
    };
    try {
      expect(computeFindings(t.models, T0 + 20_000).map((f) => f.rule)).toContain('unknown-command');
      expect(spy).toHaveBeenCalled();
    } finally {
      rules[0] = saved;
      spy.mockRestore();
    }
  });
});

describe('runRules: a rule that fails is said, never "nothing is wrong"', () => {
  /** A registered command that never settles: command-never-settled, read from the Bus rows only. */
  const neverSettles = () => [...registrations(), cmd(100, 7, 'WebChat.open')];

  it('a rule that throws is listed with its error; the others are still reported', () => {
    const t = troubled();
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    const rules = RULES as ((...args: unknown[]) => unknown)[];
    const saved = rules[0]!;
    rules[0] = () => {
      throw new RangeError('Maximum call stack size exceeded');
    };
    try {
      const { findings, failed } = runRules(t.models, T0 + 20_000);
      expect(failed).toEqual([{ rule: 'rule 1', error: 'RangeError: Maximum call stack size exceeded' }]);
      expect(findings.map((f) => f.rule)).toContain('unknown-command');
    } finally {
      rules[0] = saved;
      spy.mockRestore();
    }
  });

  it('names a failing rule by its name, and a rule that returns no list fails too', () => {
    const t = tab();
    t.feed(...neverSettles());
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    const rules = RULES as unknown[];
    const i = RULES.indexOf(malformedResponse);
    const j = RULES.indexOf(sessionLost);
    rules[j] = () => null;
    try {
      // The rule's own function, made to fail by its input: its name survives a minified build.
      const broken = { ...t.models, states: { ...t.models.states, timeline: () => ({ ...t.models.states.timeline(T0), responses: null }) } } as never;
      const { findings, failed } = runRules(broken, T0 + 60_000);
      expect(failed.map((f) => f.rule)).toEqual(expect.arrayContaining(['malformed-response', `rule ${j + 1}`]));
      expect(failed.find((f) => f.rule === `rule ${j + 1}`)!.error).toBe('TypeError: the rule returned no list');
      expect(i).toBeGreaterThanOrEqual(0);
      expect(findings.map((f) => f.rule)).toContain('command-never-settled');
    } finally {
      rules[j] = sessionLost;
      spy.mockRestore();
    }
  });

  it('a part of the context that cannot be built fails the rules that read it; the others go on', () => {
    const t = tab();
    t.feed(...neverSettles());
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const broken = { ...t.models, states: { ...t.models.states, timeline: () => { throw new RangeError('Maximum call stack size exceeded'); } } } as never;
      const { findings, failed } = runRules(broken, T0 + 60_000);
      expect(failed.map((f) => f.rule)).toEqual(expect.arrayContaining(['no-finalize-reaction', 'segment-after-finalize', 'malformed-response', 'chat-api-error']));
      expect(failed[0]!.error).toBe('ContextUnavailable: the States timeline could not be computed (RangeError: Maximum call stack size exceeded)');
      expect(failed.map((f) => f.rule)).not.toContain('command-never-settled');
      expect(findings.map((f) => f.rule)).toEqual(['command-never-settled']);
      // computeFindings gives the findings alone.
      expect(computeFindings(broken, T0 + 60_000).map((f) => f.rule)).toEqual(['command-never-settled']);
    } finally {
      spy.mockRestore();
    }
  });

  it('a live chat API response of 200,000 items: every rule runs, and a command that never settles afterwards is reported', () => {
    const t = tab();
    t.network(response(0, largePollBody()));
    t.network(response(10, largePollBody(LARGE, { lastDeliveredIndex: '1-0', chatEnded: false })));
    t.feed(...neverSettles());
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const { findings, failed } = runRules(t.models, T0 + 60_000);
      expect(failed).toEqual([]);
      expect(findings.map((f) => f.rule).sort()).toEqual(['command-never-settled', 'malformed-response']);
      expect(errors).not.toHaveBeenCalled();
    } finally {
      errors.mockRestore();
    }
  }, 60_000);
});
