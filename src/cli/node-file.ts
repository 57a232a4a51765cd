// A file on disk as the panel's reader wants it (src/analysis/files/read-file.ts FileLike): its size
// first, so that a file too large is refused before anything is read, then its bytes.
import { readFile, stat } from 'node:fs/promises';
import type { FileLike } from '../analysis/files/read-file';

export async function readLocalFile(path: string): Promise<FileLike> {
  const info = await stat(path);
  if (info.isDirectory()) throw Object.assign(new Error(`${path} is a directory`), { code: 'EISDIR' });
  let bytes: Promise<Buffer> | undefined;
  return {
    name: path,
    size: info.size,
    slice: (start, end) => ({
      async arrayBuffer() {
        const b = await (bytes ??= readFile(path));
        return b.buffer.slice(b.byteOffset + start, b.byteOffset + Math.min(end, b.length)) as ArrayBuffer;
      },
    }),
  };
}
