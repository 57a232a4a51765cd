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
}

export class FileTooLarge extends Error {}

export function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(bytes >= 10 * 1024 * 1024 ? 0 : 1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

/** The file's text (UTF-8), read slice by slice; throws FileTooLarge past `max`. */
export async function readFileText(file: FileLike, pause: () => Promise<void> = async () => {}, max = MAX_FILE_BYTES): Promise<string> {
  if (file.size > max) {
    throw new FileTooLarge(`${file.name} is ${formatBytes(file.size)}: CX Lens opens files up to ${formatBytes(max)}. Nothing was opened.`);
  }
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
