// The Bus tab's Export: the tab's log as one JSON file.
import type { TabStore } from '../model/tab-store';
import type { Copied } from '../../src/shared/protocol';
import { maskSecrets } from '../model/secrets';
import { boundTree } from '../model/bounded';

/**
 * The exported log as JSON: the frames and every record the store keeps, secrets masked unless
 * shown. Each record is bounded on its own (levels and size, see boundTree), so one record from
 * a hostile page neither breaks the export nor crowds out the others.
 */
export function exportJson(store: TabStore, showSecrets: boolean, exportedAt: string): string {
  const shown = (value: Copied): Copied => (showSecrets ? boundTree(value).value : maskSecrets(value).value);
  const frames = shown([...store.docs.values()].map((d) => d.frame) as unknown as Copied);
  const records = store.records.map(({ docId, record }) => ({ docId, record: shown(record as unknown as Copied) }));
  return JSON.stringify({ tool: 'CX Lens', exportedAt, secretsMasked: !showSecrets, frames, records }, null, 2);
}
