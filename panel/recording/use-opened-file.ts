// The panel's open file: read and parsed in a worker (off-thread.ts; on the panel's thread when no
// worker runs), loaded into its own tab models in slices, and the message of the last failure. The
// live models are never touched.
import { useRef, useState } from 'preact/hooks';
import type { TabModels } from '../../src/analysis/store/tab-models';
import type { ParsedFile } from '../../src/analysis/files/parse';
import { loadFile } from '../../src/analysis/files/load';
import type { FileLike } from '../../src/analysis/files/read-file';
import { openFailure, parseHere, parseOffThread, WorkerUnavailable, type WorkerLike } from '../../src/analysis/files/off-thread';

export interface OpenedFile {
  /** Distinct per open: views are remounted for each file. */
  id: number;
  file: ParsedFile;
  models: TabModels;
  /** Where the file was parsed: in the parse worker, or on the panel's thread (no worker ran). */
  parsedIn: 'worker' | 'panel';
}

/** Lets the panel paint between slices of work. */
const breathe = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Vite builds the worker from this module's own file (an extension file, allowed by its CSP). */
const startParseWorker = (): WorkerLike => new Worker(new URL('./parse-worker.ts', import.meta.url), { type: 'module' }) as unknown as WorkerLike;

export function useOpenedFile() {
  const [opened, setOpened] = useState<OpenedFile | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const attempt = useRef(0);
  const cancelParse = useRef<() => void>(() => {});

  const parse = async (file: FileLike): Promise<{ parsed: ParsedFile; parsedIn: OpenedFile['parsedIn'] }> => {
    const offThread = parseOffThread(file, startParseWorker);
    cancelParse.current = offThread.cancel;
    try {
      return { parsed: await offThread.result, parsedIn: 'worker' };
    } catch (e) {
      if (!(e instanceof WorkerUnavailable)) throw e;
      return { parsed: await parseHere(file, breathe), parsedIn: 'panel' };
    }
  };

  const open = async (file: FileLike): Promise<void> => {
    cancelParse.current();
    const id = ++attempt.current;
    setError(null);
    setBusy(`Opening ${file.name}…`);
    try {
      const { parsed, parsedIn } = await parse(file);
      if (id !== attempt.current) return;
      const models = await loadFile(parsed, { pause: breathe });
      if (id !== attempt.current) return;
      setOpened({ id, file: parsed, models, parsedIn });
    } catch (e) {
      if (id !== attempt.current) return;
      setError(openFailure(e, file.name));
    } finally {
      if (id === attempt.current) setBusy(null);
    }
  };

  const back = () => {
    cancelParse.current();
    attempt.current++;
    setOpened(null);
    setBusy(null);
  };

  return { opened, error, busy, open, back, dismissError: () => setError(null) };
}
