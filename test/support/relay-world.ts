// The content script's isolated world of a frame, reached the way only a debugger can (CDP): the
// page cannot. Browser tests use it to hand records in as the page hook does over its private
// port (window.cxLensRelay.takeHookMessage), and to read what the relay kept.
import type { Frame, Page } from 'puppeteer-core';
import { EXTENSION_ID } from './harness';

interface Context {
  id: number;
  origin: string;
  auxData?: { frameId?: string; type?: string };
}

const sessions = new WeakMap<Page, Promise<{ contexts: Map<number, Context>; send: (method: string, params: object) => Promise<unknown> }>>();

function sessionOf(page: Page) {
  let session = sessions.get(page);
  if (!session) {
    session = (async () => {
      const cdp = await page.createCDPSession();
      const contexts = new Map<number, Context>();
      cdp.on('Runtime.executionContextCreated', (e: { context: Context }) => contexts.set(e.context.id, e.context));
      cdp.on('Runtime.executionContextDestroyed', (e: { executionContextId: number }) => contexts.delete(e.executionContextId));
      cdp.on('Runtime.executionContextsCleared', () => contexts.clear());
      await cdp.send('Runtime.enable');
      return { contexts, send: (method: string, params: object) => cdp.send(method as never, params as never) };
    })();
    sessions.set(page, session);
  }
  return session;
}

/** Evaluates `expression` in CX Lens's isolated world of `frame` (default: the page's main frame). */
export async function inRelayWorld<T>(page: Page, expression: string, frame: Frame = page.mainFrame()): Promise<T> {
  const { contexts, send } = await sessionOf(page);
  const frameId = (frame as unknown as { _id: string })._id;
  const started = Date.now();
  for (;;) {
    const context = [...contexts.values()].find((c) =>
      c.auxData?.frameId === frameId && c.auxData?.type === 'isolated' && c.origin.startsWith(`chrome-extension://${EXTENSION_ID}`));
    if (context) {
      const result = (await send('Runtime.evaluate', { expression, contextId: context.id, returnByValue: true, awaitPromise: true })) as {
        result: { value?: T }; exceptionDetails?: { text: string; exception?: { description?: string } };
      };
      if (result.exceptionDetails) throw new Error(result.exceptionDetails.exception?.description ?? result.exceptionDetails.text);
      return result.result.value as T;
    }
    if (Date.now() - started > 10_000) throw new Error('no CX Lens content script world in this frame');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Hands records to the relay as the page hook does over its private port (seq 0; time now + r.time). */
export async function sendAsHook(page: Page, records: object[], frame?: Frame): Promise<void> {
  await inRelayWorld(page, `(() => {
    const now = Date.now();
    const records = ${JSON.stringify(records)}.map((r) => ({ ...r, seq: 0, time: now + (r.time || 0) }));
    globalThis.cxLensRelay.takeHookMessage({ type: 'batch', records });
  })()`, frame);
}

/** Hands one batch's JSON text to the relay as the page hook does. */
export async function sendJsonAsHook(page: Page, json: string, count: number, frame?: Frame): Promise<void> {
  await inRelayWorld(page, `globalThis.cxLensRelay.takeHookMessage({ type: 'batch', json: ${JSON.stringify(json)}, count: ${count} })`, frame);
}

/** The records the relay of `frame` keeps: genuine ones (from the hook's port) and page-made ones. */
export async function keptRecords(page: Page, frame?: Frame): Promise<{ genuine: Record<string, unknown>[]; pageMade: Record<string, unknown>[] }> {
  return inRelayWorld(page, `(() => {
    const kept = globalThis.cxLensRelay.kept();
    const parse = (chunks) => chunks.flatMap((c) => JSON.parse(c.json));
    return { genuine: parse(kept.genuine), pageMade: parse(kept.pageMade) };
  })()`, frame);
}
