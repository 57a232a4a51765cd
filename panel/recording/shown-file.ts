// Which file the panel shows instead of the live page, for the few controls that must know:
// switches acting on the page are disabled while a file is shown (they would act on the live
// page, not on what is on screen), and the Bus list says that a HAR holds no bus traffic.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { FileKind } from '../../src/analysis/files/parse';

export interface ShownFile {
  kind: FileKind;
  name: string;
}

export const ShownFileContext = createContext<ShownFile | null>(null);

/** The file shown, or null when the panel shows the live page. */
export function useShownFile(): ShownFile | null {
  return useContext(ShownFileContext);
}

/** Title of a switch disabled while a file is shown. */
export const READ_ONLY_TITLE = 'A file is open: go back to live to act on the page';
