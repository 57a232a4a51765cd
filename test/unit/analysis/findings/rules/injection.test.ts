// Rules over CX Lens's own injections (src/analysis/findings/rules/injection.ts), driven through
// the real models.
import { describe, expect, it } from 'vitest';
import type { InjectRecord } from '../../../../../src/shared/protocol';
import { T0, tab } from '../helpers';

describe('injection-failed', () => {
  const inject = (at: number, state: InjectRecord['state'], detail: InjectRecord['detail'] = {}): InjectRecord =>
    ({ t: 'inject', seq: 0, time: T0 + at, feature: 'finalize', state, detail });
  it('fires with the page\'s error when the injected handler failed', () => {
    const t = tab();
    t.feed(inject(100, 'failed', { error: "Refused to execute script: Content Security Policy directive 'script-src'" }));
    const f = t.one('injection-failed', T0 + 1000);
    expect(f.severity).toBe('error');
    expect(f.title).toContain('Content Security Policy');
    expect(f.fix.text).toContain('Content-Security-Policy');
  });
  it('fires on the worker\'s error report', () => {
    const t = tab();
    t.models.injection.report({ type: 'injection', settings: {}, error: { feature: 'finalize', message: 'Cannot access contents of the page' } });
    expect(t.one('injection-failed', T0 + 1000).title).toContain('Cannot access contents of the page');
  });
  it('is silent once a later install worked', () => {
    const t = tab();
    t.feed(inject(100, 'failed', { error: 'bus frozen' }), inject(200, 'installed'));
    expect(t.rules(T0 + 1000)).toEqual([]);
  });
});
