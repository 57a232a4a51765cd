// Running the command line's core with captured output, files from disk or from memory.
import { resolve } from 'node:path';
import { runCli, type CliEnvironment } from '../../../src/cli/cli';
import { readLocalFile } from '../../../src/cli/node-file';
import type { FileLike } from '../../../src/analysis/files/read-file';

export const CLI_FIXTURES = resolve(import.meta.dirname, '../../fixtures/cli');
export const REAL_FIXTURES = resolve(import.meta.dirname, '../../fixtures/real-widgets-9.0');
export const fixture = (name: string): string => resolve(CLI_FIXTURES, name);
export const real = (name: string): string => resolve(REAL_FIXTURES, name);

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** A file held in memory, read as the panel reads a File. */
export function memoryFile(name: string, text: string): FileLike {
  const bytes = new TextEncoder().encode(text);
  return { name, size: bytes.length, slice: (start, end) => ({ arrayBuffer: async () => bytes.slice(start, end).buffer }) };
}

export interface RunOptions extends Partial<Omit<CliEnvironment, 'argv' | 'stdout' | 'stderr'>> {
  /** Files by path, instead of the disk. */
  files?: Record<string, string>;
  tty?: boolean;
}

export async function run(argv: string[], options: RunOptions = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const { files, tty, ...rest } = options;
  const code = await runCli({
    argv,
    readFile: files
      ? async (path) => {
        if (!(path in files)) throw Object.assign(new Error(`ENOENT: no such file or directory, stat '${path}'`), { code: 'ENOENT' });
        return memoryFile(path, files[path]!);
      }
      : readLocalFile,
    stdout: { write: (text: string) => (stdout += text), isTTY: tty },
    stderr: { write: (text: string) => (stderr += text) },
    env: {},
    ...rest,
  });
  return { code, stdout, stderr };
}
