// Loading an understood file (parse.ts) into a second set of tab models (createTabModels) through
// the same paths as live data: frames and records through the store's feed, chat API responses
// through the States view's network store, the injection report through the feed. The views then
// show the file exactly as they show a live page.
import { createTabModels, type TabModels } from '../store/tab-models';
import { collect } from '../states/network';
import type { ParsedFile } from './parse';

export interface LoadOptions {
  /** Records fed between two pauses. */
  sliceSize?: number;
  /** Lets the UI breathe between slices (the panel passes a timer; tests nothing). */
  pause?: () => Promise<void>;
}

/** New tab models holding the file's content, fed as live data is. */
export async function loadFile(file: ParsedFile, options: LoadOptions = {}): Promise<TabModels> {
  const slice = options.sliceSize ?? 5000;
  const pause = options.pause ?? (async () => {});
  // The file's clock is the time it was saved: pending reactions and errors read as they did then.
  // Preserve log on: documents it navigated through are kept, as the recording kept them.
  const models = createTabModels({ preserveLog: true, now: () => file.clock });
  const { store } = models;
  const frames = new Map(file.frames.map((f) => [f.frame.docId, f]));
  const announced = new Set<string>();
  const announce = (docId: string): number => {
    if (announced.has(docId)) return 0;
    announced.add(docId);
    const saved = frames.get(docId);
    if (saved) store.feed.frame(saved.frame);
    return saved?.dropped ?? 0;
  };
  let fed = 0;
  for (let i = 0; i < file.records.length;) {
    // A run of records of one document goes in one delivery, as a chunk would.
    const docId = file.records[i]!.docId;
    let j = i;
    while (j < file.records.length && j - i < slice && file.records[j]!.docId === docId) j++;
    const dropped = announce(docId);
    store.feed.records(docId, file.records.slice(i, j).map((r) => r.record), dropped);
    fed += j - i;
    i = j;
    if (fed >= slice) {
      fed = 0;
      await pause();
    }
  }
  for (const { frame } of file.frames) announce(frame.docId);
  for (const { frame, gone } of file.frames) if (gone) store.feed.frameGone(frame.docId);
  for (const entry of file.network) models.states.network.add(entry);
  // A file's bodies were decoded in the parse worker (har.ts) and are as large as the file allows.
  for (const entry of file.harEntries) collect(models.states.network, entry, Infinity);
  if (file.mutes?.length) models.mutes.report(file.mutes);
  if (file.injection) {
    store.feed.injection({
      type: 'injection',
      settings: file.injection.settings,
      ...(file.injection.error ? { error: file.injection.error } : {}),
    });
  }
  return models;
}

