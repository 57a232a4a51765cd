// Zip files for the store packages (scripts/package.ts) and the tests that unpack them, through
// fflate (no zip tool on a fresh machine).
import { unzipSync, zipSync, type Zippable } from 'fflate';

export interface ZipEntry {
  name: string;
  data: Buffer;
}

// A fixed time (1980-01-01, the oldest a zip can say): the same build gives the same bytes.
const FIXED_TIME = new Date(1980, 0, 1);

/** A zip of `entries` (deflated; names with forward slashes, no folders). */
export function writeZip(entries: readonly ZipEntry[]): Buffer {
  const files: Zippable = {};
  for (const { name, data } of entries) files[name] = [new Uint8Array(data), { level: 9, mtime: FIXED_TIME }];
  return Buffer.from(zipSync(files));
}

/** The files of a zip, in its order (folders left out). Throws on a damaged one. */
export function readZip(zip: Buffer): ZipEntry[] {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(new Uint8Array(zip));
  } catch (error) {
    throw new Error(`not a zip, or a damaged one: ${(error as Error).message}`, { cause: error });
  }
  return Object.entries(files).filter(([name]) => !name.endsWith('/')).map(([name, data]) => ({ name, data: Buffer.from(data) }));
}
