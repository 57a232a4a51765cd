// What a Bus row's menu offers (panel/bus/RowMenu.tsx draws it): mute or unmute the event's name
// in the tab, filter to or hide the name (a `name:` / `-name:` term of the filter grammar added to
// the filter), copy the name. Names are the page's strings: labels show them cut, with control and
// bidi characters as escapes; the terms match them exactly (case aside, as the whole grammar).
import type { Row } from './bus-model';
import { parseFilter } from './filter';
import { FILTER_MAX_CHARS, REGEX_MAX_CHARS, splitOr } from '../filter/query';
import { MUTE_MAX_NAMES, MUTE_NAME_MAX_CHARS } from '../../shared/mutes';
import { clipText } from '../text/bounded';
import { visibleControls } from '../text/visible';

/** Characters of a name a menu label shows. */
export const MENU_NAME_MAX = 60;

export type RowMenuAction = 'mute' | 'filter' | 'hide' | 'copy';

export interface RowMenuItem {
  action: RowMenuAction;
  label: string;
  /** Why the item does nothing now (shown under it), or undefined when it works. */
  disabled?: string;
  /** filter, hide: the filter text the item sets. */
  filter?: string;
  /** mute: whether the item mutes (true) or unmutes. */
  mute?: boolean;
}

export interface RowMenuContext {
  /** The filter box's text. */
  filterText: string;
  /** The tab's muted names. */
  muted: readonly string[];
  /** Why the page cannot be acted on (a file is shown), or null. */
  readOnly: string | null;
}

/** A page's name as a label shows it. */
export function menuName(name: string): string {
  return visibleControls(clipText(name, MENU_NAME_MAX));
}

const REGEX_SPECIAL = /[\\^$.*+?()[\]{}|/]/g;

/**
 * The filter term that holds for rows named exactly `name` (`-` before it when `negate`), or null
 * when none fits the grammar's caps. A plain name as it is (`name:WebChat.opened`); one with spaces
 * or a leading `/` in quotes; one with a quote or a line break (which the filter box drops), or
 * whose lowercase has another length, as an anchored, escaped regular expression.
 */
export function nameTerm(name: string, negate = false): string | null {
  const sign = negate ? '-' : '';
  const sameLength = name.toLowerCase().length === name.length;
  if (sameLength && name && !/[\s"]/.test(name) && !name.startsWith('/')) return `${sign}name:${name}`;
  if (sameLength && !/["\r\n]/.test(name)) return `${sign}name:"${name}"`;
  const pattern = `^${name.replace(REGEX_SPECIAL, '\\$&').replace(/\r/g, '\\r').replace(/\n/g, '\\n')}$`;
  return pattern.length <= REGEX_MAX_CHARS ? `${sign}name:/${pattern}/` : null;
}

const ANY_KEY = { checkKey: () => true as const };

/**
 * The filter text with `term` added to every alternative (`a OR b` → `a term OR b term`); a filter
 * that does not parse is replaced by the term. The caller checks the result against the cap.
 */
export function withTerm(filterText: string, term: string): string {
  const text = filterText.trim();
  if (!text || parseFilter(text).error) return term;
  const groups = splitOr(text, ANY_KEY) ?? [text];
  return groups.map((g) => `${g} ${term}`).join(' OR ');
}

/** The menu of a row (nav separators have none): mute for events, filter and hide for events and
 *  commands (whose record field `name` is the row's name), copy for every row. */
export function rowMenuItems(row: Row, ctx: RowMenuContext): RowMenuItem[] {
  if (row.kind === 'nav') return [];
  const name = row.name;
  const shown = menuName(name);
  const items: RowMenuItem[] = [];
  if (row.kind === 'event') {
    const muted = ctx.muted.includes(name);
    const disabled = ctx.readOnly ?? (muted ? undefined
      : name.length > MUTE_NAME_MAX_CHARS ? `Names over ${MUTE_NAME_MAX_CHARS} characters cannot be muted`
        : !name ? 'An event without a name cannot be muted'
          : ctx.muted.length >= MUTE_MAX_NAMES ? `At most ${MUTE_MAX_NAMES} event names can be muted in a tab`
            : undefined);
    items.push({ action: 'mute', label: muted ? `Unmute ${shown}` : `Mute ${shown} in this tab`, disabled, mute: !muted });
  }
  if (row.kind === 'event' || row.kind === 'command') {
    for (const [action, label, negate] of [['filter', 'Filter to this name', false], ['hide', 'Hide this name', true]] as const) {
      const term = nameTerm(name, negate);
      const filter = term === null ? null : withTerm(ctx.filterText, term);
      const disabled = term === null ? 'The name is too long for a filter term'
        : filter!.length > FILTER_MAX_CHARS ? `The filter would be longer than ${FILTER_MAX_CHARS.toLocaleString('en-US')} characters` : undefined;
      items.push({ action, label, disabled, filter: filter ?? undefined });
    }
  }
  items.push({ action: 'copy', label: 'Copy name' });
  return items;
}
