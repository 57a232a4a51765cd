// A file on disk as the reader takes it: in slices read from the disk, or whole at once.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readLocalFile } from '../../../src/cli/node-file';
import { READ_SLICE_BYTES, readFileText } from '../../../src/analysis/files/read-file';

const dir = mkdtempSync(join(tmpdir(), 'cx-lens-node-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readLocalFile', () => {
  it('reads the same text in slices and at once, characters cut by a slice boundary whole, a byte order mark dropped', async () => {
    const text = `{"text":"${'é€😀'.repeat(Math.ceil((READ_SLICE_BYTES * 2.5) / 9))}"}`;
    const path = join(dir, 'big.json');
    writeFileSync(path, `\ufeff${text}`);
    const file = await readLocalFile(path);
    expect(file.size).toBe(Buffer.byteLength(`\ufeff${text}`));
    expect(await readFileText(file)).toBe(text);
    let pauses = 0;
    expect(await readFileText(await readLocalFile(path), async () => { pauses++; })).toBe(text);
    expect(pauses).toBeGreaterThanOrEqual(3);
  });

  it('an ASCII file is read as it is, and a directory is refused', async () => {
    const path = join(dir, 'a.json');
    writeFileSync(path, '{"a":1}');
    expect(await readFileText(await readLocalFile(path))).toBe('{"a":1}');
    await expect(readLocalFile(dir)).rejects.toMatchObject({ code: 'EISDIR' });
  });
});
