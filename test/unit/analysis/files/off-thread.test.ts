// Parsing an opened file off the panel's thread: the worker's replies (each structured-cloned, as
// postMessage does) give back the file parseFile understands; failures come back as the user's
// message; a worker that never ran leaves the parsing to the panel; a cancelled parse stops it.
import { describe, expect, it } from 'vitest';
import {
  parseAndReply, parseOffThread, REPLY_TIMEOUT_MS, START_TIMEOUT_MS, WorkerUnavailable, type ParseReply, type WorkerLike,
} from '../../../../src/analysis/files/off-thread';
import { loadFile } from '../../../../src/analysis/files/load';
import { CUT_DEPTH, DISPLAY_DEPTH } from '../../../../src/analysis/text/bounded';
import { bus, levelsOf } from '../fixtures';
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

describe('replies that cannot be sent, and a worker that does not answer', () => {
  /** A recording whose one event carries a value nested `levels` deep (written as text: no
   *  JSON.stringify could). */
  function deepRecording(levels: number): string {
    const frame = { docId: 'a', frameId: 0, url: 'https://shop.example/', origin: 'https://shop.example', top: true, seenAt: 1 };
    const deep = '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
    const event = `{"t":"event","seq":1,"time":1000,"name":"App.deep","publisher":"App","via":"publish","data":${deep}}`;
    const plain = JSON.stringify({ t: 'event', seq: 2, time: 1001, name: 'App.plain', publisher: 'App', via: 'publish', data: { ok: true } });
    return `{"format":"cx-lens-recording","version":1,"savedAt":"2026-11-28T10:00:00.000Z","page":"","frames":[${JSON.stringify({ frame, gone: false, dropped: 0 })}],` +
      `"records":[{"docId":"a","record":${event}},{"docId":"a","record":${plain}}],"network":[],"injection":{"settings":{}}}`;
  }

  it('a recording with a 100,000-deep record opens: the clone of its slice fails, the record goes cut to the levels the panel shows', async () => {
    const { worker, replies } = fakeWorker();
    const parsed = await parseOffThread(fileOf(deepRecording(100_000), 'deep.json'), () => worker).result;
    expect(replies.filter((r) => r === 'records').length).toBeGreaterThanOrEqual(2);
    expect(parsed.records.map((r) => r.record.t === 'event' && r.record.name)).toEqual(['App.deep', 'App.plain']);
    const data = (parsed.records[0]!.record as { data: unknown }).data;
    expect(levelsOf(data, 200_000)).toBeLessThanOrEqual(DISPLAY_DEPTH);
    expect(JSON.stringify(data)).toContain(CUT_DEPTH);
    // The panel loads it as any other file.
    const models = await loadFile(parsed);
    expect(bus(models.bus.rows).map((r) => r.name)).toEqual(['App.deep', 'App.plain']);
  });

  it('a reply that can never be sent (DataCloneError) comes back as the reason the file could not be opened', async () => {
    const { worker } = fakeWorker();
    worker.postMessage = ({ file }) => setTimeout(() => void parseAndReply(file, (reply) => {
      if (reply.type === 'records') throw new DOMException('#<Object> could not be cloned.', 'DataCloneError');
      const data = structuredClone(reply);
      setTimeout(() => worker.onmessage?.({ data }));
    }));
    const error = await parseOffThread(fileOf(realText('real-sync-end'), 'r.json'), () => worker).result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenError);
    expect((error as Error).message).toBe("r.json could not be opened: the parser's reply could not be sent (DataCloneError: #<Object> could not be cloned.).");
    expect(worker.terminated).toBe(true);
  });

  it('parseAndReply never rejects, even when no reply at all can be sent', async () => {
    const posted: string[] = [];
    await expect(parseAndReply(fileOf('{}', 'f.json'), (reply) => {
      posted.push(reply.type);
      throw new RangeError('Maximum call stack size exceeded');
    })).resolves.toBeUndefined();
    expect(posted).toEqual(['started', 'failed']);
  });

  it('a worker that started and went silent: the file could not be opened, within the wait', async () => {
    const { worker } = fakeWorker();
    worker.postMessage = () => setTimeout(() => worker.onmessage?.({ data: { type: 'started' } }));
    const error = await parseOffThread(fileOf('{}', 'slow.json'), () => worker, { replyTimeoutMs: 30 }).result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenError);
    expect((error as Error).message).toBe('slow.json could not be opened: the parser did not answer for 0.03 s.');
    expect(worker.terminated).toBe(true);
  });

  it('a worker that never starts: WorkerUnavailable, so that the panel parses itself; every reply resets the wait', async () => {
    const { worker } = fakeWorker();
    worker.postMessage = () => {};
    const never = await parseOffThread(fileOf('{}', 'f.json'), () => worker, { startTimeoutMs: 30 }).result.catch((e: unknown) => e);
    expect(never).toBeInstanceOf(WorkerUnavailable);
    expect(START_TIMEOUT_MS).toBe(10_000);
    expect(REPLY_TIMEOUT_MS).toBe(60_000);
    // Many replies, each within the wait: the wait is per reply, not for the whole file.
    const text = realText('real-sync-end');
    const many = fakeWorker(5);
    const parsed = await parseOffThread(fileOf(text, 'r.json'), () => many.worker, { replyTimeoutMs: 200, startTimeoutMs: 200 }).result;
    expect(many.replies.length).toBeGreaterThan(10);
    expect(parsed).toEqual(parseFile(text, 'r.json'));
  });
});
