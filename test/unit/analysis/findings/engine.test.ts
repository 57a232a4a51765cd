// The engine: every rule over one context, sorted by severity, one finding per key, records the
// page made never counted, a rule that throws not taking the others down.
import { describe, expect, it, vi } from 'vitest';
import { computeFindings, RULES } from '../../../../src/analysis/findings/engine';
import type { InjectRecord } from '../../../../src/shared/protocol';
import { T0, cmd, ev, out, pageMade, plugin, received, registrations, started, stateAt, status, tab, textAt } from './helpers';

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
