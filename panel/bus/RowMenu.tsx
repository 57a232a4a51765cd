// A Bus row's menu (WAI-ARIA menu pattern): opened by a right-click on the row, ContextMenu or
// Shift+F10 on the selected row, or the row's ⋯ button. Focus goes to its first working item;
// ↑ ↓ Home End move (wrapping), Enter or Space acts, Escape or Tab closes; focus returns to the
// list. What it offers is src/analysis/bus/row-menu.ts.
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { BusRow } from '../../src/analysis/bus/bus-model';
import type { MuteModel } from '../../src/analysis/bus/mutes';
import { menuName, rowMenuItems, type RowMenuItem } from '../../src/analysis/bus/row-menu';
import { copyText } from '../platform/clipboard';

interface Props {
  row: BusRow;
  /** Where it opens (viewport coordinates); it stays inside the window. */
  x: number;
  y: number;
  filterText: string;
  mutes: MuteModel;
  readOnly: string | null;
  onFilter(text: string): void;
  /** Copy name's result, once the clipboard answered. */
  onCopied(ok: boolean): void;
  /** Closes the menu; `toList` hands focus back to the list (not after a click elsewhere). */
  onClose(toList: boolean): void;
}

export function RowMenu({ row, x, y, filterText, mutes, readOnly, onFilter, onCopied, onClose }: Props) {
  const items = rowMenuItems(row, { filterText, muted: mutes.names, readOnly });
  const first = Math.max(0, items.findIndex((item) => !item.disabled));
  const [active, setActive] = useState(first);
  const menu = useRef<HTMLDivElement>(null);

  // Inside the window, then focus on the active item.
  useLayoutEffect(() => {
    const el = menu.current!;
    const { width, height } = el.getBoundingClientRect();
    el.style.left = `${Math.max(0, Math.min(x, window.innerWidth - width - 2))}px`;
    el.style.top = `${Math.max(0, y + height > window.innerHeight ? y - height : y)}px`;
  }, [x, y]);
  useLayoutEffect(() => {
    menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]')[active]?.focus();
  }, [active, row.key]);

  const act = (item: RowMenuItem) => {
    if (item.disabled) return;
    onClose(true);
    if (item.action === 'mute') mutes.set(row.name, item.mute === true);
    else if (item.action === 'copy') void copyText(row.name).then(onCopied);
    else if (item.filter !== undefined) onFilter(item.filter);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    const last = items.length - 1;
    const moves: Record<string, number> = { ArrowDown: active < last ? active + 1 : 0, ArrowUp: active > 0 ? active - 1 : last, Home: 0, End: last };
    const to = moves[e.key];
    if (to !== undefined) setActive(to);
    else if (e.key === 'Enter' || e.key === ' ') act(items[active]!);
    else if (e.key === 'Escape' || e.key === 'Tab') onClose(true);
    else return;
    e.preventDefault();
    e.stopPropagation(); // DevTools takes Escape (its drawer)
  };

  const onFocusOut = (e: FocusEvent) => {
    const to = e.relatedTarget as Node | null;
    if (!to || !menu.current?.contains(to)) onClose(!to);
  };

  return (
    <div
      class="row-menu" role="menu" ref={menu} aria-label={`Menu: ${menuName(row.name)}`} data-testid="row-menu" data-key={row.key}
      style={{ left: `${x}px`, top: `${y}px` }} onKeyDown={onKeyDown} onFocusOut={onFocusOut} onContextMenu={(e) => e.preventDefault()}
    >
      {items.map((item, i) => (
        <div
          key={item.action} role="menuitem" tabIndex={-1} data-testid={`row-menu-${item.action}`} aria-disabled={item.disabled ? 'true' : undefined}
          onClick={() => act(item)} onMouseMove={() => i !== active && setActive(i)}
        >
          {item.label}
          {item.disabled && <span class="row-menu-note">{item.disabled}</span>}
        </div>
      ))}
    </div>
  );
}
