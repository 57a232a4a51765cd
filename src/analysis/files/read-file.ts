// Reading a file the user opened (input or drop) without freezing the panel: refused by size
// before anything is read, then read in slices, the UI let go between slices.

/** The largest file the panel opens. A full tab store (200,000 records) saves to well under this. */
export const MAX_FILE_BYTES = 100 * 1024 * 1024;
/** Bytes read at once. */
export const READ_SLICE_BYTES = 4 * 1024 * 1024;

/** What the panel needs of a File (a Blob with a name): tests pass their own. */
export interface FileLike {
  name: string;
  size: number;
  slice(start: number, end: number): { arrayBuffer(): Promise<ArrayBuffer> };
  /** The whole text, UTF-8 decoded (Blob.text(); the CLI's file from the disk): read at once where
   *  nothing needs to breathe between slices, it never holds the text twice (slices and their
   *  join), and where the platform can, as one byte per character. */
  text?(): Promise<string>;
}

export class FileTooLarge extends Error {}

export function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(bytes >= 10 * 1024 * 1024 ? 0 : 1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

/** The file's text (UTF-8), read slice by slice when a `pause` lets the UI breathe between
 *  slices, else at once (file.text(), when it has it); throws FileTooLarge past `max`. */
export async function readFileText(file: FileLike, pause?: () => Promise<void>, max = MAX_FILE_BYTES): Promise<string> {
  if (file.size > max) {
    throw new FileTooLarge(`${file.name} is ${formatBytes(file.size)}: CX Lens opens files up to ${formatBytes(max)}. Nothing was opened.`);
  }
  if (!pause && typeof file.text === 'function') return file.text();
  pause ??= async () => {};
  const decoder = new TextDecoder('utf-8');
  const parts: string[] = [];
  for (let start = 0; start < file.size; start += READ_SLICE_BYTES) {
    const bytes = await file.slice(start, Math.min(file.size, start + READ_SLICE_BYTES)).arrayBuffer();
    parts.push(decoder.decode(bytes, { stream: true }));
    await pause();
  }
  parts.push(decoder.decode());
  return parts.join('');
}
