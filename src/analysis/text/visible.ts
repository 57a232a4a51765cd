// Characters that change how the text around them is shown rather than show themselves: control
// characters (C0, DEL, C1), the Unicode line and paragraph separators, and the bidirectional
// marks and overrides. In a terminal they move the cursor, recolour, hyperlink (OSC 8) or clear the
// screen; in a ticket or an editor they reorder what follows (U+202E), so that a page's or a
// file's string could forge or hide text. Where text leaves CX Lens they are shown as escapes.

// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** `\u001b` for ESC: the six visible characters of a JavaScript or JSON escape. */
export function unicodeEscape(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** The string with every unsafe character shown as its `\uXXXX` escape, except those in `keep`
 *  (line breaks and tabs of code, which the caller lays out itself). */
export function visibleControls(s: string, keep = ''): string {
  return s.replace(UNSAFE_CHARS, (c) => (keep.includes(c) ? c : unicodeEscape(c)));
}
