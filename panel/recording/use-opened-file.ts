// The panel's open file: reads it (in slices), understands it, loads it into its own tab models,
// and keeps the message of the last failure. The live models are never touched.
import { useRef, useState } from 'preact/hooks';
import type { TabModels } from '../model/tab-models';
import { loadFile, OpenError, parseFile, type ParsedFile } from './open';
import { FileTooLarge, readFileText, type FileLike } from './read-file';
import { errorText } from '../model/bounded';

export interface OpenedFile {
  /** Distinct per open: views are remounted for each file. */
  id: number;
  file: ParsedFile;
  models: TabModels;
}

/** Lets the panel paint between slices of work. */
const breathe = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export function useOpenedFile() {
  const [opened, setOpened] = useState<OpenedFile | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const attempt = useRef(0);

  const open = async (file: FileLike): Promise<void> => {
    const id = ++attempt.current;
    setError(null);
    setBusy(`Opening ${file.name}…`);
    try {
      const text = await readFileText(file, breathe);
      if (id !== attempt.current) return;
      await breathe();
      const parsed = parseFile(text, file.name);
      const models = await loadFile(parsed, { pause: breathe });
      if (id !== attempt.current) return;
      setOpened({ id, file: parsed, models });
    } catch (e) {
      if (id !== attempt.current) return;
      setError(e instanceof OpenError || e instanceof FileTooLarge ? e.message : `${file.name} could not be opened: ${errorText(e)}`);
    } finally {
      if (id === attempt.current) setBusy(null);
    }
  };

  const back = () => {
    attempt.current++;
    setOpened(null);
    setBusy(null);
  };

  return { opened, error, busy, open, back, dismissError: () => setError(null) };
}
