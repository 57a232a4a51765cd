// How an injected file takes its window global (used by the three entry files).
import { describe, expect, it } from 'vitest';
import { claimGlobal } from '../../../../src/page/inject/claim-global';

describe('claimGlobal', () => {
  it('makes its object only when it can claim the name', () => {
    let made = 0;
    const win = {};
    Object.defineProperty(win, 'X', { value: {}, configurable: false });
    expect(claimGlobal(win, 'X', () => ({ made: ++made })).result).toEqual({ claimed: 'existing' });
    expect(made).toBe(0);
  });

  it('an object that throws while being made: failed with the error, nothing claimed, nothing thrown', () => {
    const win: Record<string, unknown> = {};
    const outcome = claimGlobal(win, 'X', () => { throw new Error('Document is not defined'); });
    expect(outcome).toEqual({ result: { claimed: 'failed', error: 'Document is not defined' } });
    expect('X' in win).toBe(false);
  });

  it('a window that takes no new property: failed, nothing thrown', () => {
    const win = Object.preventExtensions({});
    expect(claimGlobal(win, 'X', () => ({})).result.claimed).toBe('failed');
  });
});
