// Collapsible tree of a captured payload (a Copied value), with `$cx` markers rendered as what
// they stand for. Everything from the page is rendered as text.
import { useState } from 'preact/hooks';
import type { Copied, CopyMarker } from '../../src/shared/protocol';
import { MASK } from '../model/secrets';
import { isMarker, markerLabel, summarize } from '../model/summary';

/** Markers that stand for a value exactly (not a loss). */
const VALUE_MARKERS = new Set(['undefined', 'number', 'bigint', 'symbol', 'date', 'regexp']);

/** Children shown per step; large arrays and objects reveal more on demand. */
const PAGE = 100;

interface Props {
  value: Copied;
  /** Levels open at first. */
  openDepth?: number;
}

export function JsonTree({ value, openDepth = 2 }: Props) {
  const kids = childrenOf(value);
  // A container's entries are listed directly: the section heading stands for the root.
  return (
    <div class="json-tree" role="tree">
      {kids ? (
        <>
          {kids.note && <div class="j-row"><span class="j-marker j-cut">{kids.note}</span></div>}
          {kids.entries.length === 0 && <div class="j-row j-caption">{kids.caption}</div>}
          <Entries entries={kids.entries} depth={0} openDepth={openDepth} />
        </>
      ) : (
        <Node name={null} value={value} depth={0} openDepth={openDepth} />
      )}
    </div>
  );
}

function Entries({ entries, depth, openDepth }: { entries: Entry[]; depth: number; openDepth: number }) {
  const [shown, setShown] = useState(PAGE);
  return (
    <>
      {entries.slice(0, shown).map(([k, v]) => <Node key={k} name={k} value={v} depth={depth + 1} openDepth={openDepth} />)}
      {entries.length > shown && (
        <button type="button" class="j-more" onClick={() => setShown(shown + PAGE * 10)}>
          show {Math.min(PAGE * 10, entries.length - shown)} more of {entries.length - shown}
        </button>
      )}
    </>
  );
}

type Entry = [string, Copied];

/** The children of a container value, or null for a leaf. */
function childrenOf(v: Copied): { entries: Entry[]; caption: string; note?: string } | null {
  if (Array.isArray(v)) return { entries: v.map((x, i) => [String(i), x]), caption: `Array(${v.length})` };
  if (v === null || typeof v !== 'object') return null;
  if (!isMarker(v)) return { entries: Object.entries(v), caption: Object.keys(v).length ? `{${summarize(v, 60)}}` : '{}' };
  const m = v as CopyMarker & Record<string, unknown>;
  const list = (x: unknown): Copied[] => (Array.isArray(x) ? (x as Copied[]) : []);
  switch (m.$cx) {
    case 'array':
      return { entries: list(m.items).map((x, i) => [String(i), x]), caption: `Array(${list(m.items).length})`, note: markerLabel(m) };
    case 'object': {
      const entries = typeof m.entries === 'object' && m.entries !== null && !Array.isArray(m.entries) ? Object.entries(m.entries as { [k: string]: Copied }) : [];
      return { entries, caption: '{…}', note: markerLabel(m) };
    }
    case 'map':
      return { entries: list(m.entries).map((x, i) => [String(i), x]), caption: markerLabel(m) };
    case 'set':
      return { entries: list(m.items).map((x, i) => [String(i), x]), caption: markerLabel(m) };
    case 'escaped':
      return childrenOf(m.value as Copied);
    case 'error':
      return typeof m.stack === 'string' && m.stack ? { entries: [['stack', m.stack]], caption: markerLabel(m) } : null;
    default:
      return null;
  }
}

function Node({ name, value, depth, openDepth }: { name: string | null; value: Copied; depth: number; openDepth: number }) {
  const kids = childrenOf(value);
  const [open, setOpen] = useState(depth < openDepth);
  const key = name === null ? null : <span class="j-key">{name}</span>;
  if (!kids) {
    return (
      <div class="j-row" role="treeitem">
        <span class="j-toggle" />
        {key}{key && <span class="j-colon">: </span>}
        <Leaf value={value} />
      </div>
    );
  }
  return (
    <div class="j-node" role="treeitem" aria-expanded={open}>
      <div class="j-row j-branch" onClick={() => setOpen(!open)}>
        <span class="j-toggle">{open ? '▾' : '▸'}</span>
        {key}{key && <span class="j-colon">: </span>}
        <span class="j-caption">{kids.caption}</span>
        {kids.note && <span class="j-marker j-cut"> {kids.note}</span>}
      </div>
      {open && (
        <div class="j-children">
          <Entries entries={kids.entries} depth={depth} openDepth={openDepth} />
        </div>
      )}
    </div>
  );
}

function Leaf({ value }: { value: Copied }) {
  if (value === null) return <span class="j-null">null</span>;
  if (typeof value === 'boolean') return <span class="j-bool">{String(value)}</span>;
  if (typeof value === 'number') return <span class="j-num">{String(value)}</span>;
  if (typeof value === 'string') {
    if (value === MASK) return <span class="j-masked">{value}</span>;
    return <span class="j-str">"{value}"</span>;
  }
  if (isMarker(value)) {
    const m = value as CopyMarker & Record<string, unknown>;
    if (m.$cx === 'string') {
      return (
        <span>
          <span class="j-str">"{String(m.head ?? '')}…"</span>
          <span class="j-marker j-cut"> {markerLabel(m)}</span>
        </span>
      );
    }
    // Values JSON cannot hold look like literals; what the copier lost or replaced is highlighted.
    return <span class={VALUE_MARKERS.has(m.$cx) ? 'j-bool' : `j-marker j-${m.$cx}`}>{markerLabel(m)}</span>;
  }
  return <span>{summarize(value)}</span>;
}
