// Counts CX Lens's scripts in a tab through CDP, in every frame (out-of-process iframes too, by
// auto-attaching to them): execution contexts of CX Lens's isolated world (the relay, or any script
// the worker runs there) and scripts parsed from the extension's own URLs (the page hook in the main
// world). Start it before the page loads; tests and the bench read it after.
import type { CDPSession, Page } from 'puppeteer-core';
import { EXTENSION_ID } from './harness';

export interface LensScriptWatch {
  /** CX Lens isolated-world execution contexts created since the start. */
  contexts(): number;
  /** The same, each as "name (frame url)", for messages. */
  contextNames(): string[];
  /** URLs of CX Lens's scripts parsed since the start, in order. */
  scripts(): string[];
  /** Both counts back to zero. */
  reset(): void;
  stop(): Promise<void>;
}

export async function watchLensScripts(page: Page): Promise<LensScriptWatch> {
  const origin = `chrome-extension://${EXTENSION_ID}`;
  let contexts: string[] = [];
  let scripts: string[] = [];
  const sessions: CDPSession[] = [];
  const watch = async (session: CDPSession): Promise<void> => {
    sessions.push(session);
    session.on('Runtime.executionContextCreated', (e: { context: { origin: string; name: string; auxData?: { type?: string; frameId?: string } } }) => {
      if (e.context.origin.startsWith(origin)) contexts.push(`${e.context.name} (${e.context.auxData?.type} in frame ${e.context.auxData?.frameId})`);
    });
    session.on('Debugger.scriptParsed', (e: { url: string }) => {
      if (e.url.startsWith(`${origin}/`)) scripts.push(e.url);
    });
    session.on('Target.attachedToTarget', (e: { sessionId: string; targetInfo: { type: string } }) => {
      const child = session.connection()?.session(e.sessionId);
      if (child && e.targetInfo.type === 'iframe') void watch(child).catch(() => {});
    });
    await session.send('Runtime.enable');
    await session.send('Debugger.enable');
    await session.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: true });
  };
  await watch(await page.createCDPSession());
  return {
    contexts: () => contexts.length,
    contextNames: () => [...contexts],
    scripts: () => [...scripts],
    reset() {
      contexts = [];
      scripts = [];
    },
    async stop() {
      for (const session of sessions) await session.detach().catch(() => {});
    },
  };
}
