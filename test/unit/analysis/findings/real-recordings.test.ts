// The rules on sessions of the real Widgets 9.0 runtime, opened as the panel opens a file.
import { describe, expect, it } from 'vitest';
import { parseFile } from '../../../../src/analysis/files/parse';
import { loadFile } from '../../../../src/analysis/files/load';
import { computeFindings } from '../../../../src/analysis/findings/engine';
import { realText } from '../files/helpers';

async function findingsOf(name: string) {
  const file = parseFile(realText(name), `${name}.json`);
  return computeFindings(await loadFile(file), file.clock);
}

describe('findings of real Widgets sessions', () => {
  it('async chat with the handler on: only the customer\'s "Thank you!" after Finalizing', async () => {
    const found = await findingsOf('real-async-finalize');
    expect(found.map((f) => [f.severity, f.rule])).toEqual([['warning', 'segment-after-finalize']]);
    expect(found[0]!.fix.action).toBeUndefined(); // the page already notified
  });

  it('sync chat ended by the handler: nothing wrong, Widgets\' own refused commands included', async () => {
    expect(await findingsOf('real-sync-end')).toEqual([]);
  });
});
