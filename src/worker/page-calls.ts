import type { ClaimResult } from '../page/inject/claim-global';
import type { PageResult } from './page-functions';

/** One frame's answer of chrome.scripting.executeScript (InjectionResult). */
export interface ScriptRun {
  documentId?: string;
  result?: unknown;
}

/** Which globals CX Lens's own files claimed, per tab: its latest top documents, newest first. */
export type ClaimMemory = Record<string, { documentId: string; globals: string[] }[]>;

/** What the page calls need from the browser; the service worker passes chrome.scripting and
 *  session storage, tests pass fakes. */
export interface PageCallHost {
  /** Runs a packaged file in the tab's top frame (main world); its completion value is the result. */
  runFile(tabId: number, file: string): Promise<ScriptRun | undefined>;
  /** Runs callPageApi(api, method, args) in the main world of exactly that document. */
  callApi(tabId: number, documentId: string, api: string, method: string, args: unknown[]): Promise<ScriptRun | undefined>;
  /** The id of the tab's current top document (a script that touches nothing). */
  topDocument(tabId: number): Promise<string | undefined>;
  /** The report key of the content script in that document (read in its isolated world, where
   *  the page cannot reach), or null when there is none. */
  reportKey(tabId: number, documentId: string): Promise<string | null>;
  loadClaims(): Promise<ClaimMemory>;
  saveClaims(claims: ClaimMemory): Promise<void>;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

/** How long an install, uninstall or deliver may take before its switch fails. */
export const PAGE_TIMEOUT_MS = 5000;
/** Documents remembered per tab: the current one and a few a back/forward navigation may restore. */
const DOCUMENTS_PER_TAB = 8;
const CLAIMS = new Set(['new', 'existing', 'taken', 'failed']);

/**
 * Calls into the page only objects that CX Lens's own files made in that very document. A page may
 * define the global (CXLensFinalizeHandler, …) before CX Lens's file runs; the file replaces an
 * assigned one and reports one it cannot replace (claim-global.ts), but it cannot tell its own
 * object of an earlier run from a page's non-configurable one: this remembers, per document id,
 * what its own runs claimed (in session storage, so a worker restart keeps it). The call then
 * targets that document id, so a navigation in between cannot redirect it. Every operation fails
 * after PAGE_TIMEOUT_MS instead of waiting for a page that never answers.
 */
export class PageCalls {
  /** Claim memory updates one after another: a read-modify-write must not lose another's claim. */
  private memoryQueue: Promise<unknown> = Promise.resolve();

  constructor(private readonly host: PageCallHost, private readonly timeoutMs = PAGE_TIMEOUT_MS) {}

  /** Runs `file`, then `api.method(...args)` if the global is CX Lens's own. Throws why not, or the page's error. */
  call(tabId: number, file: string, api: string, method: string, args: unknown[]): Promise<void> {
    return this.inTime(this.callOwned(tabId, file, api, method, args));
  }

  /** Calls `api.uninstall()` in the current top document if CX Lens's file claimed it there;
   *  else there is nothing of CX Lens's to remove (a page's own global is left alone). */
  uninstall(tabId: number, api: string): Promise<void> {
    return this.inTime(this.uninstallOwned(tabId, api));
  }

  async tabClosed(tabId: number): Promise<void> {
    await this.updateMemory((all) => {
      delete all[tabId];
    });
  }

  private async callOwned(tabId: number, file: string, api: string, method: string, args: unknown[]): Promise<void> {
    const run = await this.host.runFile(tabId, file);
    const documentId = run?.documentId;
    const claim = readClaim(run?.result);
    if (!documentId || !claim) throw new Error('the page did not run the injected script');
    if (claim.claimed === 'failed') throw new Error(`the injected script failed: ${claim.error ?? 'unknown error'}`);
    if (claim.claimed === 'new') await this.remember(tabId, documentId, api);
    else if (claim.claimed === 'taken' || !(await this.claimedBefore(tabId, documentId, api))) throw notOurs(api);
    answer(await this.host.callApi(tabId, documentId, api, method, [...args, await this.keyOf(tabId, documentId)]), documentId);
  }

  private async uninstallOwned(tabId: number, api: string): Promise<void> {
    const documentId = await this.host.topDocument(tabId);
    if (!documentId || !(await this.claimedBefore(tabId, documentId, api))) return;
    answer(await this.host.callApi(tabId, documentId, api, 'uninstall', [await this.keyOf(tabId, documentId)]), documentId);
  }

  /** The document's report key, passed as the call's last argument: the feature's inject records
   *  carry it, so the content script knows them from the page's forgeries. Without a content
   *  script (null) they are recorded as page-made. */
  private async keyOf(tabId: number, documentId: string): Promise<string | null> {
    try {
      return await this.host.reportKey(tabId, documentId);
    } catch {
      return null;
    }
  }

  private async claimedBefore(tabId: number, documentId: string, api: string): Promise<boolean> {
    await this.memoryQueue;
    const docs = (await this.host.loadClaims())[tabId] ?? [];
    return docs.some((d) => d.documentId === documentId && d.globals.includes(api));
  }

  private remember(tabId: number, documentId: string, api: string): Promise<void> {
    return this.updateMemory((all) => {
      const docs = all[tabId] ?? [];
      const doc = docs.find((d) => d.documentId === documentId);
      const globals = doc ? (doc.globals.includes(api) ? doc.globals : [...doc.globals, api]) : [api];
      all[tabId] = [{ documentId, globals }, ...docs.filter((d) => d !== doc)].slice(0, DOCUMENTS_PER_TAB);
    });
  }

  private updateMemory(change: (all: ClaimMemory) => void): Promise<void> {
    const update = this.memoryQueue.then(async () => {
      const all = await this.host.loadClaims();
      change(all);
      await this.host.saveClaims(all);
    });
    this.memoryQueue = update.catch(() => {});
    return update;
  }

  private inTime<T>(work: Promise<T>): Promise<T> {
    return withTimeout(work, this.timeoutMs, this.host, `the page did not answer within ${formatSeconds(this.timeoutMs)}`);
  }
}

/** Settles like `work`, or rejects with `message` after `ms` (the late answer is ignored). */
export function withTimeout<T>(
  work: Promise<T>, ms: number, timers: Pick<PageCallHost, 'setTimer' | 'clearTimer'>, message: string,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = timers.setTimer(() => reject(new Error(message)), ms);
    work.then(
      (value) => { timers.clearTimer(timer); resolve(value); },
      (error) => { timers.clearTimer(timer); reject(error); },
    );
  });
}

function notOurs(api: string): Error {
  return new Error(`window.${api} is defined by the page itself; CX Lens will not call it`);
}

/** The file's completion value, if it is a claim outcome (anything else: the file did not run as built). */
function readClaim(value: unknown): ClaimResult | null {
  if (typeof value !== 'object' || value === null) return null;
  const { claimed, error } = value as Record<string, unknown>;
  if (typeof claimed !== 'string' || !CLAIMS.has(claimed)) return null;
  return { claimed: claimed as ClaimResult['claimed'], error: typeof error === 'string' ? error : undefined };
}

/** Throws unless the call ran in `documentId` and the page function reported success. */
function answer(run: ScriptRun | undefined, documentId: string): void {
  if (!run) throw new Error('the page did not run the injected script');
  if (run.documentId !== documentId) throw new Error('the page answered from another document than the one CX Lens prepared');
  const outcome = run.result as PageResult | undefined;
  if (!outcome?.ok) throw new Error(outcome?.error ?? 'the page did not run the injected script');
}

function formatSeconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}
