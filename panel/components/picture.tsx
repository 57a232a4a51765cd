// What both pictures (the States chart, the Cookie sync sequence diagram) share: the width they
// may take, a mark that opens the row it stands for, and their arrowheads.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Reveal, RevealTarget } from '../../src/analysis/reveal';

/** Width used before the container has been measured (and where ResizeObserver is missing). */
const DEFAULT_WIDTH = 800;

/** A ref callback for a container, and its current content width, px. */
export function useWidth<T extends HTMLElement>(): [(el: T | null) => void, number] {
  const [el, setEl] = useState<T | null>(null);
  const [width, setWidth] = useState(DEFAULT_WIDTH);
  useEffect(() => {
    if (!el || typeof ResizeObserver === 'undefined') return;
    const measure = () => {
      const w = Math.floor(el.clientWidth);
      if (w > 0) setWidth(w);
    };
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    measure();
    return () => observer.disconnect();
  }, [el]);
  return [setEl, width];
}

interface RevealMarkProps {
  target: RevealTarget;
  reveal: Reveal;
  /** The tooltip: page data in it renders as text. */
  title: string;
  attrs: Record<string, string | number | undefined>;
  children: ComponentChildren;
}

/** An SVG group that opens its row: click, or Enter/Space when focused; arrows (and Home/End)
 *  move to the picture's other marks, in drawing order. */
// `tabindex` in lower case: on an SVG element Preact sets it as an attribute, and only the
// lower-case attribute makes the mark focusable (a camel-case `tabIndex` attribute does nothing).
export function RevealMark({ target, reveal, title, attrs, children }: RevealMarkProps) {
  return (
    <g
      {...attrs} role="link" tabindex={0} data-reveal-tab={target.tab} data-reveal-key={target.key}
      onClick={() => reveal(target)}
      onKeyDown={(e: KeyboardEvent) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          reveal(target);
        } else if (moveInPicture(e.currentTarget as SVGElement, e.key)) {
          e.preventDefault();
        }
      }}
    >
      <title>{title}</title>
      {children}
    </g>
  );
}

function moveInPicture(from: SVGElement, key: string): boolean {
  const marks = [...(from.ownerSVGElement?.querySelectorAll<SVGElement>('[tabindex]') ?? [])];
  const at = marks.indexOf(from);
  const step: Record<string, number> = { ArrowRight: at + 1, ArrowDown: at + 1, ArrowLeft: at - 1, ArrowUp: at - 1, Home: 0, End: marks.length - 1 };
  const to = step[key];
  if (to === undefined) return false;
  marks[Math.max(0, Math.min(marks.length - 1, to))]?.focus();
  return true;
}

/** The focused mark's tooltip, shown under its picture: a tooltip appears on hover only, and a
 *  keyboard user should read the same. Spread `handlers` on the picture's container. Hidden from
 *  screen readers, which read the mark's title already. */
export function useMarkCaption(): { handlers: { onFocusCapture(e: FocusEvent): void; onBlurCapture(): void }; caption: ComponentChildren } {
  const [text, setText] = useState('');
  const handlers = {
    onFocusCapture: (e: FocusEvent) => {
      const mark = e.target instanceof Element ? e.target.closest('[data-reveal-tab]') : null;
      setText(mark?.querySelector(':scope > title')?.textContent ?? '');
    },
    onBlurCapture: () => setText(''),
  };
  const caption = text ? <p class="mark-caption" data-testid="mark-caption" aria-hidden="true">{text}</p> : null;
  return { handlers, caption };
}

/** The arrowhead markers of a picture, one a tone, for `marker-end: url(#<prefix>-<tone>)`. */
export function ArrowheadMarkers({ prefix, tones }: { prefix: string; tones: readonly string[] }) {
  return (
    <defs>
      {tones.map((tone) => (
        <marker key={tone} id={`${prefix}-${tone}`} class={`arrowhead tone-${tone}`} viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto">
          <path d="M0,0 L8,4 L0,8 z" />
        </marker>
      ))}
    </defs>
  );
}
