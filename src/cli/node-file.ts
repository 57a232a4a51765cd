// A file on disk as the panel's reader wants it (src/analysis/files/read-file.ts FileLike): its size
// first, so that a file too large is refused before anything is read, then its bytes, slice by
// slice from the disk (never the whole file in memory beside its text and its parsed JSON).
import { open, readFile, stat, type FileHandle } from 'node:fs/promises';
import type { FileLike } from '../analysis/files/read-file';

export async function readLocalFile(path: string): Promise<FileLike> {
  const info = await stat(path);
  if (info.isDirectory()) throw Object.assign(new Error(`${path} is a directory`), { code: 'EISDIR' });
  let handle: Promise<FileHandle> | undefined;
  return {
    name: path,
    size: info.size,
    slice: (start, end) => ({
      async arrayBuffer() {
        const file = await (handle ??= open(path, 'r'));
        const length = Math.max(0, Math.min(end, info.size) - start);
        const bytes = new Uint8Array(length);
        let read = 0;
        try {
          while (read < length) {
            const { bytesRead } = await file.read(bytes, read, length - read, start + read);
            if (bytesRead === 0) break;
            read += bytesRead;
          }
        } catch (error) {
          handle = undefined;
          await file.close().catch(() => {});
          throw error;
        }
        // The reader reads the slices in order: the last one closes the file.
        if (start + length >= info.size) {
          handle = undefined;
          await file.close();
        }
        return read === length ? bytes.buffer : bytes.buffer.slice(0, read);
      },
    }),
    // The whole text at once, as Blob.text() gives it (UTF-8, a byte order mark dropped): Node makes
    // one byte per character of an ASCII file, where TextDecoder's slices make two, then a copy.
    async text() {
      const text = await readFile(path, 'utf8');
      return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    },
  };
}
