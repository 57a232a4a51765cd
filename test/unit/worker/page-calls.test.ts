// The worker calls into the page only objects CX Lens's own files made in that very document.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PAGE_TIMEOUT_MS, PageCalls, withTimeout, type ClaimMemory, type PageCallHost, type ScriptRun } from '../../../src/worker/page-calls';

const API = 'CXLensFinalizeHandler';
const FILE = 'finalize-handler.js';

/**
 * A tab whose top document is `doc.id`; `claim` is what the next run of the file reports
 * (its completion value). Session storage survives a new PageCalls (a worker restart).
 */
function fakeTab() {
  const doc = { id: 'doc-1' };
  let claim: unknown = { claimed: 'new' };
  let storage: ClaimMemory = {};
  const calls: string[] = [];
  let answer: (documentId: string) => Promise<ScriptRun | undefined> = async (documentId) => ({ documentId, result: { ok: true } });
  const host: PageCallHost = {
    async runFile(tabId, file) {
      calls.push(`file ${tabId} ${file}`);
      return { documentId: doc.id, result: claim };
    },
    async callApi(tabId, documentId, api, method, args) {
      calls.push(`call ${tabId} ${documentId} ${api}.${method}(${JSON.stringify(args)})`);
      return answer(documentId);
    },
    async topDocument() { return doc.id; },
    async reportKey(_tabId, documentId) { return `key-${documentId}`; },
    async loadClaims() { return JSON.parse(JSON.stringify(storage)); },
    async saveClaims(all) { storage = JSON.parse(JSON.stringify(all)); },
    setTimer: (fn, ms) => setTimeout(fn, ms),
    clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  };
  return {
    host, calls, doc,
    setClaim(value: unknown) { claim = value; },
    answerWith(fn: (documentId: string) => Promise<ScriptRun | undefined>) { answer = fn; },
    storage: () => storage,
  };
}

const notOurs = /window\.CXLensFinalizeHandler is defined by the page itself; CX Lens will not call it/;

describe('PageCalls: ownership', () => {
  it('calls the global that this run of its file claimed, in that document', async () => {
    const tab = fakeTab();
    await new PageCalls(tab.host).call(3, FILE, API, 'install', [{ text: 'bye' }]);
    expect(tab.calls).toEqual([`file 3 ${FILE}`, `call 3 doc-1 ${API}.install([{"text":"bye"},"key-doc-1"])`]);
    expect(tab.storage()).toEqual({ 3: [{ documentId: 'doc-1', globals: [API] }] });
  });

  it("passes the document's report key last (read from the content script), or null without one", async () => {
    const tab = fakeTab();
    await new PageCalls({ ...tab.host, reportKey: async () => { throw new Error('no content script'); } }).call(3, FILE, 'CXLensSimulate', 'deliver', ['Finalizing']);
    expect(tab.calls.at(-1)).toBe('call 3 doc-1 CXLensSimulate.deliver(["Finalizing",null])');
  });

  it('calls a global already there when an earlier run of its own claimed it in the same document', async () => {
    const tab = fakeTab();
    const calls = new PageCalls(tab.host);
    await calls.call(3, FILE, API, 'install', [{}]);
    tab.setClaim({ claimed: 'existing' });
    await calls.call(3, FILE, API, 'install', [{ text: 'again' }]);
    expect(tab.calls.at(-1)).toBe(`call 3 doc-1 ${API}.install([{"text":"again"},"key-doc-1"])`);
  });

  it('remembers its claims across a worker restart (session storage)', async () => {
    const tab = fakeTab();
    await new PageCalls(tab.host).call(3, FILE, API, 'install', [{}]);
    tab.setClaim({ claimed: 'existing' });
    const restarted = new PageCalls(tab.host);
    await restarted.call(3, FILE, API, 'install', [{}]);
    await restarted.uninstall(3, API);
    expect(tab.calls.slice(-2)).toEqual([`call 3 doc-1 ${API}.install([{},"key-doc-1"])`, `call 3 doc-1 ${API}.uninstall(["key-doc-1"])`]);
  });

  it('never calls a global that was there before its first run in the document (the page\'s own)', async () => {
    const tab = fakeTab();
    tab.setClaim({ claimed: 'existing' });
    await expect(new PageCalls(tab.host).call(3, FILE, API, 'install', [{}])).rejects.toThrow(notOurs);
    expect(tab.calls).toEqual([`file 3 ${FILE}`]);
  });

  it('a claim in an earlier document does not count in a new one', async () => {
    const tab = fakeTab();
    const calls = new PageCalls(tab.host);
    await calls.call(3, FILE, API, 'install', [{}]);
    tab.doc.id = 'doc-2';
    tab.setClaim({ claimed: 'existing' });
    await expect(calls.call(3, FILE, API, 'install', [{}])).rejects.toThrow(notOurs);
    expect(tab.calls.filter((c) => c.startsWith('call'))).toEqual([`call 3 doc-1 ${API}.install([{},"key-doc-1"])`]);
  });

  it('nor does a claim of another tab or of another global', async () => {
    const tab = fakeTab();
    const calls = new PageCalls(tab.host);
    await calls.call(3, FILE, 'CXLensSimulate', 'deliver', ['Finalizing']);
    tab.setClaim({ claimed: 'existing' });
    await expect(calls.call(3, FILE, API, 'install', [{}])).rejects.toThrow(notOurs);
    await expect(calls.call(4, FILE, 'CXLensSimulate', 'deliver', ['Finalizing'])).rejects.toThrow(/window\.CXLensSimulate is defined by the page itself/);
  });

  it('a name the file cannot take fails the switch with the reason', async () => {
    const tab = fakeTab();
    tab.setClaim({ claimed: 'taken' });
    await expect(new PageCalls(tab.host).call(3, FILE, API, 'install', [{}])).rejects.toThrow(notOurs);
    tab.setClaim({ claimed: 'failed', error: 'Document is not defined' });
    await expect(new PageCalls(tab.host).call(3, FILE, API, 'install', [{}])).rejects.toThrow('the injected script failed: Document is not defined');
    expect(tab.calls.some((c) => c.startsWith('call'))).toBe(false);
  });

  it('a file that gives no claim (not the file as built) is not trusted', async () => {
    for (const value of [undefined, null, 'new', { claimed: 'mine' }]) {
      const tab = fakeTab();
      tab.setClaim(value);
      await expect(new PageCalls(tab.host).call(3, FILE, API, 'install', [{}])).rejects.toThrow('the page did not run the injected script');
      expect(tab.calls.some((c) => c.startsWith('call'))).toBe(false);
    }
  });

  it('an answer from another document than the one it prepared is a failure', async () => {
    const tab = fakeTab();
    tab.answerWith(async () => ({ documentId: 'doc-other', result: { ok: true } }));
    await expect(new PageCalls(tab.host).call(3, FILE, API, 'install', [{}])).rejects.toThrow(/another document/);
  });

  it('passes on the page function\'s error', async () => {
    const tab = fakeTab();
    tab.answerWith(async (documentId) => ({ documentId, result: { ok: false, error: 'No chat session' } }));
    await expect(new PageCalls(tab.host).call(3, FILE, 'CXLensSimulate', 'deliver', ['Completed'])).rejects.toThrow('No chat session');
  });

  it('uninstall calls nothing where CX Lens claimed nothing, and succeeds', async () => {
    const tab = fakeTab();
    await new PageCalls(tab.host).uninstall(3, API);
    expect(tab.calls).toEqual([]);
  });

  it('keeps claims of a few recent documents per tab, and forgets a closed tab', async () => {
    const tab = fakeTab();
    const calls = new PageCalls(tab.host);
    for (let i = 0; i < 12; i++) {
      tab.doc.id = `doc-${i}`;
      await calls.call(3, FILE, API, 'install', [{}]);
    }
    await calls.call(5, FILE, API, 'install', [{}]);
    const docs = tab.storage()[3]!;
    expect(docs.length).toBeLessThanOrEqual(8);
    expect(docs[0]!.documentId).toBe('doc-11');
    await calls.tabClosed(3);
    expect(Object.keys(tab.storage())).toEqual(['5']);
  });

  it('claims made at the same time are all remembered', async () => {
    const tab = fakeTab();
    const calls = new PageCalls(tab.host);
    await Promise.all([
      calls.call(3, FILE, API, 'install', [{}]),
      calls.call(3, 'simulate-state.js', 'CXLensSimulate', 'deliver', ['Active']),
      calls.call(3, 'cookie-provider-inject.js', 'CXLensCookieInjection', 'install', [{}]),
    ]);
    expect(tab.storage()[3]![0]!.globals.sort()).toEqual(['CXLensCookieInjection', 'CXLensFinalizeHandler', 'CXLensSimulate']);
  });
});

describe('PageCalls: timeout', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('an install the page never answers fails after 5 s with the reason', async () => {
    const tab = fakeTab();
    tab.answerWith(() => new Promise(() => {}));
    const outcome = new PageCalls(tab.host).call(3, FILE, API, 'install', [{}]).then(() => 'resolved', (e: Error) => e.message);
    await vi.advanceTimersByTimeAsync(PAGE_TIMEOUT_MS - 1);
    let settled = false;
    void outcome.then(() => { settled = true; });
    await vi.advanceTimersByTimeAsync(0);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await outcome).toBe('the page did not answer within 5 s');
  });

  it('covers the file run, uninstall and deliver too', async () => {
    const tab = fakeTab();
    const calls = new PageCalls(tab.host);
    await calls.call(3, FILE, API, 'install', [{}]);
    tab.answerWith(() => new Promise(() => {}));
    const uninstall = calls.uninstall(3, API).catch((e: Error) => e.message);
    tab.setClaim({ claimed: 'new' });
    const deliver = calls.call(3, 'simulate-state.js', 'CXLensSimulate', 'deliver', ['Finalizing']).catch((e: Error) => e.message);
    const stuckFile = new PageCalls({ ...tab.host, runFile: () => new Promise(() => {}) }).call(3, FILE, API, 'install', [{}]).catch((e: Error) => e.message);
    await vi.advanceTimersByTimeAsync(PAGE_TIMEOUT_MS);
    expect(await uninstall).toBe('the page did not answer within 5 s');
    expect(await deliver).toBe('the page did not answer within 5 s');
    expect(await stuckFile).toBe('the page did not answer within 5 s');
  });

  it('an answer in time settles as it is and leaves no timer behind', async () => {
    const tab = fakeTab();
    await new PageCalls(tab.host).call(3, FILE, API, 'install', [{}]);
    expect(vi.getTimerCount()).toBe(0);
    await expect(withTimeout(Promise.reject(new Error('refused')), 100, tab.host, 'late')).rejects.toThrow('refused');
    expect(vi.getTimerCount()).toBe(0);
  });
});
