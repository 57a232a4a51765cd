// Parsing an opened file off the panel's thread: the worker's replies (each structured-cloned, as
// postMessage does) give back the file parseFile understands; failures come back as the user's
// message; a worker that never ran leaves the parsing to the panel; a cancelled parse stops it.
import { describe, expect, it } from 'vitest';
import { parseAndReply, parseOffThread, WorkerUnavailable, type ParseReply, type WorkerLike } from '../../../../src/analysis/files/off-thread';
import { OpenError, parseFile } from '../../../../src/analysis/files/parse';
import type { FileLike } from '../../../../src/analysis/files/read-file';
import { realText } from './helpers';

function fileOf(text: string, name: string, size?: number): FileLike {
  const blob = new Blob([text]);
  return { name, size: size ?? blob.size, slice: (a, b) => blob.slice(a, b) };
}

/** A worker running parseAndReply, its replies cloned and delivered as separate tasks. */
function fakeWorker(perMessage?: number) {
  const replies: ParseReply['type'][] = [];
  const worker: WorkerLike & { terminated: boolean } = {
    onmessage: null,
    onerror: null,
    onmessageerror: null,
    terminated: false,
    postMessage({ file }) {
      setTimeout(() => void parseAndReply(file, (reply) => {
        replies.push(reply.type);
        const data = structuredClone(reply);
        setTimeout(() => { if (!worker.terminated) worker.onmessage?.({ data }); });
      }, perMessage));
    },
    terminate() {
      worker.terminated = true;
    },
  };
  return { worker, replies };
}

describe('parsing in a worker', () => {
  it('gives back the file as parseFile understands it, its records in several messages', async () => {
    const text = realText('real-async-finalize');
    const { worker, replies } = fakeWorker(100);
    const parsed = await parseOffThread(fileOf(text, 'real.json'), () => worker).result;
    expect(parsed).toEqual(parseFile(text, 'real.json'));
    expect(parsed.records.length).toBeGreaterThan(300);
    expect(replies[0]).toBe('started');
    expect(replies[1]).toBe('head');
    expect(replies.filter((r) => r === 'records')).toHaveLength(Math.ceil(parsed.records.length / 100));
    expect(replies.at(-1)).toBe('done');
    expect(worker.terminated).toBe(true);
  });

  it('a file that cannot be opened: the message parseFile gives, as an OpenError', async () => {
    for (const [text, name, message] of [
      ['not json', 'notes.json', /^notes\.json is not a JSON file/],
      ['{"hello": 1}', 'other.json', /^other\.json is JSON, but neither a CX Lens recording nor a HAR file/],
      [realText('real-sync-end').slice(0, 5000), 'cut.json', /^cut\.json ends before its JSON does/],
    ] as const) {
      const { worker } = fakeWorker();
      const error = await parseOffThread(fileOf(text, name), () => worker).result.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenError);
      expect((error as Error).message).toMatch(message);
      expect(worker.terminated).toBe(true);
    }
  });

  it('a 200 MB file is refused before it is read', async () => {
    const { worker } = fakeWorker();
    const huge: FileLike = { name: 'huge.json', size: 200 * 1024 * 1024, slice: () => { throw new Error('read'); } };
    await expect(parseOffThread(huge, () => worker).result).rejects.toThrow(/^huge\.json is 200 MB: CX Lens opens files up to 100 MB/);
  });

  it('no worker: WorkerUnavailable, so that the panel parses itself', async () => {
    const file = fileOf('{}', 'f.json');
    await expect(parseOffThread(file, () => { throw new Error('CSP'); }).result).rejects.toBeInstanceOf(WorkerUnavailable);
    const { worker } = fakeWorker();
    worker.postMessage = () => setTimeout(() => worker.onerror?.({ message: 'script refused' }));
    await expect(parseOffThread(file, () => worker).result).rejects.toBeInstanceOf(WorkerUnavailable);
    expect(worker.terminated).toBe(true);
  });

  it('a worker that fails after it started failed on the file: an OpenError', async () => {
    const { worker } = fakeWorker();
    worker.postMessage = () => setTimeout(() => {
      worker.onmessage?.({ data: { type: 'started' } });
      worker.onerror?.({ message: 'Out of memory' });
    });
    const error = await parseOffThread(fileOf('{}', 'big.json'), () => worker).result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenError);
    expect((error as Error).message).toBe('big.json could not be opened: Out of memory.');
  });

  it('cancel stops the worker; the result never comes', async () => {
    const { worker } = fakeWorker();
    const parse = parseOffThread(fileOf(realText('real-sync-end'), 'r.json'), () => worker);
    parse.cancel();
    expect(worker.terminated).toBe(true);
    expect(worker.onmessage).toBeNull();
    const outcome = await Promise.race([parse.result.then(() => 'settled', () => 'settled'), new Promise((r) => setTimeout(() => r('pending'), 50))]);
    expect(outcome).toBe('pending');
  });
});
