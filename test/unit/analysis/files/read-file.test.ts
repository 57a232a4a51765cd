// Reading an opened file: refused by size before any byte is read; read in slices otherwise,
// characters cut by a slice boundary decoded whole.
import { describe, expect, it } from 'vitest';
import { FileTooLarge, MAX_FILE_BYTES, READ_SLICE_BYTES, readFileText, type FileLike } from '../../../../src/analysis/files/read-file';

describe('readFileText', () => {
  it('refuses a 200 MB file without reading it', async () => {
    let reads = 0;
    const huge: FileLike = { name: 'huge.json', size: 200 * 1024 * 1024, slice: () => { reads++; throw new Error('read'); } };
    await expect(readFileText(huge)).rejects.toBeInstanceOf(FileTooLarge);
    await expect(readFileText(huge)).rejects.toThrow(/^huge\.json is 200 MB: CX Lens opens files up to 100 MB\. Nothing was opened\.$/);
    expect(reads).toBe(0);
    expect(MAX_FILE_BYTES).toBe(100 * 1024 * 1024);
  });

  it('reads in slices, pausing between them, and decodes characters split across slices', async () => {
    const text = `{"text":"${'é€😀'.repeat(Math.ceil((READ_SLICE_BYTES * 2.5) / 9))}"}`;
    const blob = new Blob([text]);
    const file: FileLike = { name: 'big.json', size: blob.size, slice: (a, b) => blob.slice(a, b) };
    let pauses = 0;
    const read = await readFileText(file, async () => { pauses++; });
    expect(read).toBe(text);
    expect(pauses).toBe(Math.ceil(blob.size / READ_SLICE_BYTES));
    expect(pauses).toBeGreaterThanOrEqual(3);
  });
});

describe('readFileText at once', () => {
  it('without a pause, a file that has text() is read by it (one string, no slices to join)', async () => {
    let sliced = 0;
    const file: FileLike = { name: 'f.json', size: 4, slice: () => { sliced++; throw new Error('sliced'); }, text: async () => '{"a"' };
    expect(await readFileText(file)).toBe('{"a"');
    expect(sliced).toBe(0);
    // With a pause (the panel's own thread), it reads in slices to let the UI breathe.
    const blob = new Blob(['{"b":1}']);
    const both: FileLike = { name: 'g.json', size: blob.size, slice: (a, b) => blob.slice(a, b), text: async () => { throw new Error('text'); } };
    expect(await readFileText(both, async () => {})).toBe('{"b":1}');
  });
});
