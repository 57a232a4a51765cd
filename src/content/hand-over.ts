// Whether the hook's private port could have been reached by another page before CX Lens started
// in this frame. The hand-over (src/shared/hook-link.ts) is private only because no page script of
// this document has run yet at document_start. But a same-origin parent or opener holds this
// frame's window from before its document existed: an iframe's or a popup's initial window is
// reused by the first same-origin document it loads, listeners, replaced built-ins and all. Such a
// page can arm listeners for the offer there, take the hook's port and hand the relay its own
// (reproduced in Chromium 156 with a slow-bodied iframe and with window.open). The relay cannot
// tell that happened, so a frame that such a page could reach is `contested`: its records are kept
// as page-made, and the panel says why. Read from the relay's isolated world, whose view of the
// frame tree the page cannot change.

/** What the check needs of the frame's window (a real Window in the relay). */
export interface FrameLinks {
  readonly self: unknown;
  /** The parent window, or the window itself in a top frame. */
  readonly parent: unknown;
  readonly opener: unknown;
  /** The origin of a window, or throws when it is cross-origin (as `w.location.origin` does). */
  originOf(win: unknown): string;
  readonly origin: string;
}

/** Why the hand-over was within reach of another page, or null when it was not. */
export function contestedBy(links: FrameLinks): string | null {
  // An opaque origin ('null': sandboxed frames, data: URLs) is same-origin with nothing.
  if (links.origin === 'null') return null;
  const sameOrigin = (win: unknown): boolean => {
    try {
      return links.originOf(win) === links.origin;
    } catch {
      return false; // cross-origin: it could not touch this window
    }
  };
  if (links.parent !== links.self && links.parent != null && sameOrigin(links.parent)) {
    return 'a same-origin parent page could reach this frame before CX Lens started in it';
  }
  if (links.opener != null && sameOrigin(links.opener)) {
    return 'the same-origin page that opened this window could reach it before CX Lens started in it';
  }
  return null;
}

/** The links of a real window, read now. */
export function frameLinksOf(win: Window): FrameLinks {
  let opener: unknown = null;
  try {
    opener = win.opener;
  } catch {
    /* unreadable: nobody the relay can name */
  }
  return {
    self: win, parent: win.parent, opener, origin: win.location.origin,
    originOf: (w) => (w as Window).location.origin,
  };
}
