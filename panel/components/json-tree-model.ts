// What the JSON tree shows of a value, without Preact: a node's children (one level, never a
// walk), its caption, and where the tree stops descending. Values come from the page.
import type { Copied, CopyMarker } from '../../src/shared/protocol';
import { CUT_DEPTH, DISPLAY_DEPTH } from '../../src/analysis/text/bounded';
import { isMarker, isPlainObject, markerLabel, summarizeEntries } from '../../src/analysis/text/summary';

/** Levels the tree shows; a container below them is a CUT_DEPTH mark. */
export const TREE_DEPTH = DISPLAY_DEPTH;

export type Entry = [string, Copied];

export interface Children {
  entries: Entry[];
  caption: string;
  /** What the copier cut or replaced, shown next to the caption. */
  note?: string;
}

export type TreeNode =
  | { kind: 'leaf' }
  | { kind: 'branch'; children: Children }
  /** A container deeper than TREE_DEPTH: shown as the mark, not opened. */
  | { kind: 'cut'; mark: string };

/** How the tree shows a value at a depth (the root's entries are at depth 1). */
export function treeNode(value: Copied, depth: number): TreeNode {
  const children = childrenOf(value);
  if (!children) return { kind: 'leaf' };
  return depth > TREE_DEPTH ? { kind: 'cut', mark: CUT_DEPTH } : { kind: 'branch', children };
}

/** Levels open at first, never more than the tree shows. */
export function openLevels(openDepth: number): number {
  return Math.max(0, Math.min(openDepth, TREE_DEPTH));
}

const indexed = (list: readonly Copied[]): Entry[] => list.map((x, i) => [String(i), x]);
const listOf = (x: unknown): Copied[] => (Array.isArray(x) ? (x as Copied[]) : []);

/** The children of a container value, or null for a leaf. Reads one level only. */
export function childrenOf(v: Copied): Children | null {
  if (Array.isArray(v)) return { entries: indexed(v), caption: `Array(${v.length})` };
  if (!isPlainObject(v)) return null;
  if (!isMarker(v)) return objectChildren(v);
  const m = v as CopyMarker & Record<string, unknown>;
  switch (m.$cx) {
    case 'array':
      return { entries: indexed(listOf(m.items)), caption: `Array(${listOf(m.items).length})`, note: markerLabel(m) };
    case 'object':
      return { entries: isPlainObject(m.entries) ? Object.entries(m.entries) : [], caption: '{…}', note: markerLabel(m) };
    case 'map':
      return { entries: indexed(listOf(m.entries)), caption: markerLabel(m) };
    case 'set':
      return { entries: indexed(listOf(m.items)), caption: markerLabel(m) };
    case 'escaped': {
      // The page's own object that had a `$cx` key: its entries as they are (a cut one as the
      // cut marker), never read as a marker again, so a chain of escapes is one level each.
      const inner = m.value as Copied;
      if (isMarker(inner) && inner.$cx === 'object') return childrenOf(inner);
      return isPlainObject(inner) ? objectChildren(inner) : null;
    }
    case 'error':
      return typeof m.stack === 'string' && m.stack ? { entries: [['stack', m.stack]], caption: markerLabel(m) } : null;
    default:
      return null;
  }
}

function objectChildren(v: { [key: string]: Copied }): Children {
  const entries = Object.entries(v);
  return { entries, caption: entries.length ? `{${summarizeEntries(v, 60)}}` : '{}' };
}
