// Collapsible tree of a captured payload (a Copied value), with `$cx` markers rendered as what
// they stand for. Everything from the page is rendered as text.
import { useState } from 'preact/hooks';
import type { Copied, CopyMarker } from '../../src/shared/protocol';
import { MASK } from '../../src/analysis/text/secrets';
import { CUT_DEPTH, CUT_SIZE, clipText, textOf } from '../../src/analysis/text/bounded';
import { formatCount, isMarker, markerLabel, summarize } from '../../src/analysis/text/summary';
import { childrenOf, openLevels, treeNode, type Entry } from './json-tree-model';

/** Markers that stand for a value exactly (not a loss). */
const VALUE_MARKERS = new Set(['undefined', 'number', 'bigint', 'symbol', 'date', 'regexp']);

/** Characters of a string the tree shows. */
const STRING_SHOWN = 10_000;
/** Characters of a key, or of a marker's label, the tree shows. */
const KEY_SHOWN = 1000;
const label = (m: CopyMarker): string => clipText(markerLabel(m), STRING_SHOWN);

/** Children shown per step; large arrays and objects reveal more on demand. */
const PAGE = 100;

interface Props {
  value: Copied;
  /** Levels open at first. */
  openDepth?: number;
}

export function JsonTree({ value, openDepth: wanted = 2 }: Props) {
  const kids = childrenOf(value);
  const openDepth = openLevels(wanted);
  // A container's entries are listed directly: the section heading stands for the root.
  return (
    <div class="json-tree">
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

function Node({ name, value, depth, openDepth }: { name: string | null; value: Copied; depth: number; openDepth: number }) {
  const node = treeNode(value, depth);
  const [open, setOpen] = useState(depth < openDepth);
  const key = name === null ? null : <span class="j-key">{clipText(name, KEY_SHOWN)}</span>;
  if (node.kind !== 'branch') {
    return (
      <div class="j-row">
        <span class="j-toggle" />
        {key}{key && <span class="j-colon">: </span>}
        {node.kind === 'cut' ? <span class="j-marker j-cut">{node.mark}</span> : <Leaf value={value} />}
      </div>
    );
  }
  const kids = node.children;
  return (
    <div class="j-node">
      <div class="j-row j-branch" onClick={() => setOpen(!open)}>
        {/* The row opens on a click; the button is its keyboard (and screen reader) path. */}
        <button
          type="button" class="j-toggle" aria-expanded={open} aria-label={clipText(name ?? kids.caption, KEY_SHOWN)}
          onClick={(e) => { e.stopPropagation(); setOpen(!open); }}
        >
          {open ? '▾' : '▸'}
        </button>
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
    // What a bounded walk (maskSecrets, boundTree) cut.
    if (value === CUT_DEPTH || value === CUT_SIZE) return <span class="j-marker j-cut">{value}</span>;
    // A page's string can be megabytes long: the tree shows its start (Copy as JSON has it all).
    if (value.length > STRING_SHOWN) {
      return (
        <span>
          <span class="j-str">"{value.slice(0, STRING_SHOWN)}…"</span>
          <span class="j-marker j-cut"> {`${formatCount(STRING_SHOWN)} of ${formatCount(value.length)} chars shown`}</span>
        </span>
      );
    }
    return <span class="j-str">"{value}"</span>;
  }
  if (isMarker(value)) {
    const m = value as CopyMarker & Record<string, unknown>;
    if (m.$cx === 'string') {
      return (
        <span>
          <span class="j-str">"{textOf(m.head).slice(0, STRING_SHOWN)}…"</span>
          <span class="j-marker j-cut"> {label(m)}</span>
        </span>
      );
    }
    // Values JSON cannot hold look like literals; what the copier lost or replaced is highlighted.
    return <span class={VALUE_MARKERS.has(m.$cx) ? 'j-bool' : `j-marker j-${m.$cx}`}>{label(m)}</span>;
  }
  return <span>{summarize(value)}</span>;
}
