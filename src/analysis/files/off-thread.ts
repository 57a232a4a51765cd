// Reading and parsing an opened file off the panel's thread. JSON.parse of a large file takes
// about a second per 100 MB and cannot be cut in pieces, so it runs in a worker (parse-worker.ts,
// a module worker built from the extension's own files, which the extension's CSP allows). The
// worker sends the file back in messages of a few thousand records, each its own task for the
// panel: the panel paints between them. Where no worker can be started, the panel parses itself
// (read in slices, one JSON.parse). Both sides are plain code, tested in Node.
import { OpenError, parseFile, type ParsedFile } from './parse';
import { FileTooLarge, readFileText, type FileLike } from './read-file';
import { boundTree, errorLine } from '../text/bounded';
import type { CaptureRecord, Copied } from '../../shared/protocol';

/** Records per message from the worker. */
export const RECORDS_PER_MESSAGE = 2000;

/** From the panel to the worker: the File (a structured clone of a File is a reference to it). */
export interface ParseRequest {
  file: FileLike;
}

export type ParseReply =
  /** The worker runs and reads the file. */
  | { type: 'started' }
  /** The file understood; its records follow in `records` messages, then `done`. */
  | { type: 'head'; file: ParsedFile; records: number }
  | { type: 'records'; records: ParsedFile['records'] }
  | { type: 'done' }
  /** The file cannot be opened; `message` is for the user. */
  | { type: 'failed'; message: string };

/** What the user reads when a file cannot be opened. */
export function openFailure(error: unknown, name: string): string {
  return error instanceof OpenError || error instanceof FileTooLarge ? error.message : `${name} could not be opened: ${errorLine(error)}`;
}

/**
 * The worker's side: reads, parses and sends the file as replies. Never throws, and always ends
 * with `done` or `failed`: a reply postMessage cannot send (DataCloneError; RangeError for a value
 * nested deeper than the structured clone goes) is sent again record by record, a record that still
 * cannot go is sent cut to the levels the panel shows (boundTree: what is cut is marked), and when
 * even that fails the panel is told why the file could not be opened.
 */
export async function parseAndReply(file: FileLike, post: (reply: ParseReply) => void, perMessage = RECORDS_PER_MESSAGE): Promise<void> {
  try {
    post({ type: 'started' });
    let parsed: ParsedFile;
    try {
      parsed = parseFile(await readFileText(file), file.name);
    } catch (error) {
      post({ type: 'failed', message: openFailure(error, file.name) });
      return;
    }
    const { records } = parsed;
    post({ type: 'head', file: { ...parsed, records: [] }, records: records.length });
    for (let i = 0; i < records.length; i += perMessage) postRecords(records.slice(i, i + perMessage), post);
    post({ type: 'done' });
  } catch (error) {
    try {
      post({ type: 'failed', message: `${file.name} could not be opened: the parser's reply could not be sent (${errorLine(error)}).` });
    } catch {
      // Not even a line of text goes: the panel's wait for a reply ends it (REPLY_TIMEOUT_MS).
    }
  }
}

/** Posts a slice of records; one that cannot be cloned goes alone, then cut (see parseAndReply). */
function postRecords(records: ParsedFile['records'], post: (reply: ParseReply) => void): void {
  try {
    post({ type: 'records', records });
    return;
  } catch {
    // Some record of the slice cannot be cloned: find it.
  }
  for (const item of records) {
    try {
      post({ type: 'records', records: [item] });
    } catch {
      const cut = boundTree(item.record as unknown as Copied).value as unknown as CaptureRecord;
      post({ type: 'records', records: [{ docId: item.docId, record: cut }] });
    }
  }
}

/** What the panel needs of a Worker: tests pass their own. */
export interface WorkerLike {
  postMessage(message: ParseRequest): void;
  terminate(): void;
  onmessage: ((event: { data: ParseReply }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onmessageerror: ((event: unknown) => void) | null;
}

/** The worker could not run (not started, or failed to load): the panel parses itself. */
export class WorkerUnavailable extends Error {}

export interface OffThreadParse {
  /** The file, or an OpenError saying why not; a WorkerUnavailable when no worker ran. */
  result: Promise<ParsedFile>;
  /** Stops the worker (another file opened, or back to live); `result` never settles then. */
  cancel(): void;
}

/** How long the panel waits for the worker to say it started; then it parses the file itself. */
export const START_TIMEOUT_MS = 10_000;
/** How long the panel waits for the worker's next reply once it started (reading and parsing a
 *  100 MB file takes a few seconds); then the file could not be opened. */
export const REPLY_TIMEOUT_MS = 60_000;

export interface OffThreadOptions {
  startTimeoutMs?: number;
  replyTimeoutMs?: number;
}

/** The panel's side: starts a worker for one file and gathers its replies. Settles within the
 *  timeouts whatever the worker does (a reply it could not send, a worker that hangs). */
export function parseOffThread(file: FileLike, startWorker: () => WorkerLike, options: OffThreadOptions = {}): OffThreadParse {
  const startTimeout = options.startTimeoutMs ?? START_TIMEOUT_MS;
  const replyTimeout = options.replyTimeoutMs ?? REPLY_TIMEOUT_MS;
  let worker: WorkerLike | null = null;
  let settled = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stop = () => {
    settled = true;
    clearTimeout(timer);
    if (worker) {
      worker.onmessage = worker.onerror = worker.onmessageerror = null;
      worker.terminate();
    }
  };
  const result = new Promise<ParsedFile>((resolve, reject) => {
    const fail = (error: Error) => {
      if (settled) return;
      stop();
      reject(error);
    };
    try {
      worker = startWorker();
    } catch (error) {
      fail(new WorkerUnavailable(errorLine(error)));
      return;
    }
    let head: ParsedFile | null = null;
    let started = false;
    // The wait for the next reply: a worker that did not start leaves the parsing to the panel, one
    // that started and went silent failed on this file.
    const wait = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        if (!started) fail(new WorkerUnavailable(`the parser did not start within ${startTimeout / 1000} s`));
        else fail(new OpenError(`${file.name} could not be opened: the parser did not answer for ${replyTimeout / 1000} s.`));
      }, started ? replyTimeout : startTimeout);
    };
    wait();
    worker.onmessage = ({ data }) => {
      if (settled) return;
      if (typeof data !== 'object' || data === null) return;
      if (data.type === 'started') started = true;
      else if (data.type === 'failed') fail(new OpenError(data.message));
      else if (data.type === 'head') head = { ...data.file, records: [] };
      else if (data.type === 'records' && head) {
        for (const record of data.records) head.records.push(record);
      } else if (data.type === 'done' && head && !settled) {
        const done = head;
        stop();
        resolve(done);
        return;
      }
      if (!settled) wait();
    };
    // A worker that fails before it says it started never ran (its script refused or missing): the
    // panel parses itself. One that fails later failed on this file (out of memory?): it says so.
    worker.onerror = (event) => {
      const message = (event as { message?: unknown } | null)?.message;
      const text = typeof message === 'string' && message ? message : 'the parser stopped';
      fail(started ? new OpenError(`${file.name} could not be opened: ${text}.`) : new WorkerUnavailable(text));
    };
    worker.onmessageerror = () => fail(new OpenError(`${file.name} could not be opened: the parser's reply could not be read.`));
    try {
      worker.postMessage({ file });
    } catch (error) {
      fail(new WorkerUnavailable(errorLine(error)));
    }
  });
  return { result, cancel: stop };
}

/** Parsing on the panel's thread, when no worker runs: read in slices, one JSON.parse. */
export async function parseHere(file: FileLike, pause: () => Promise<void>): Promise<ParsedFile> {
  const text = await readFileText(file, pause);
  await pause();
  return parseFile(text, file.name);
}
