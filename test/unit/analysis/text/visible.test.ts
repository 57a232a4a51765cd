import { describe, expect, it } from 'vitest';
import { visibleControls } from '../../../../src/analysis/text/visible';

describe('visibleControls', () => {
  it('shows controls, line separators and bidi characters as \\u escapes, keeping what it is told to', () => {
    expect(visibleControls('a\x1b[2Jb\x1b]8;;http://x\x07c\u202ed\u2066e\u2028f\u0085g')).toBe('a\\u001b[2Jb\\u001b]8;;http://x\\u0007c\\u202ed\\u2066e\\u2028f\\u0085g');
    expect(visibleControls('a\n\tb\rc', '\n\t')).toBe('a\n\tb\\u000dc');
    expect(visibleControls('plain text, ünïcode, 日本語, emoji 👍')).toBe('plain text, ünïcode, 日本語, emoji 👍');
  });
});
