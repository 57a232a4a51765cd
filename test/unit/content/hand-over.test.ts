import { describe, expect, it } from 'vitest';
import { contestedBy, type FrameLinks } from '../../../src/content/hand-over';

/** A window of `origin`; reading the origin of another origin's window throws, as in a browser. */
function windowOf(origin: string) {
  return { origin };
}
function links(origin: string, parent: { origin: string } | 'self', opener: { origin: string } | null = null): FrameLinks {
  const self = windowOf(origin);
  return {
    self, parent: parent === 'self' ? self : parent, opener, origin,
    originOf: (w) => {
      const o = (w as { origin: string }).origin;
      if (o !== origin) throw new DOMException('Blocked a frame from accessing a cross-origin frame.', 'SecurityError');
      return o;
    },
  };
}

describe('contestedBy: could another page have reached the hook\'s hand-over in this frame?', () => {
  it('a top frame nobody opened: no', () => {
    expect(contestedBy(links('https://shop.example', 'self'))).toBeNull();
  });

  it('an iframe of another origin (the cookie provider\'s): no, its parent cannot touch its window', () => {
    expect(contestedBy(links('https://cookies.example', windowOf('https://shop.example')))).toBeNull();
  });

  it('an iframe of the same origin as its parent (or about:blank, srcdoc): yes, and says why', () => {
    expect(contestedBy(links('https://shop.example', windowOf('https://shop.example')))).toMatch(/same-origin parent/);
  });

  it('a popup opened by a page of its origin: yes; by another origin: no', () => {
    expect(contestedBy(links('https://shop.example', 'self', windowOf('https://shop.example')))).toMatch(/opened this window/);
    expect(contestedBy(links('https://shop.example', 'self', windowOf('https://mail.example')))).toBeNull();
  });

  it('an opaque origin (sandboxed frame) is same-origin with nothing', () => {
    expect(contestedBy(links('null', windowOf('null')))).toBeNull();
  });
});
