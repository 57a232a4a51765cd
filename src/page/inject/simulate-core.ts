// "Simulate": delivers a synthetic InteractionStateChange to the page's
// WebChatService.messageReceived subscribers, through the WebChatService interface the CX Lens
// page hook tapped (the bus publishes an event only through the interface of the plugin that owns
// its namespace, so only WebChatService's own interface can publish WebChatService events).
import { buildSyntheticMessageReceived } from './states-synthetic';
import { emitRecord, randomId, reportKeyOf, tappedInterface, type BusInterface, type PageWindow } from './bus-and-hook';
import { hookHandleOf } from '../../shared/hook-handle';
import { errorText } from '../../shared/error-text';

/** How long to wait for WebChatService.getSessionData before delivering without session data. */
export const SESSION_TIMEOUT_MS = 1000;

export type SimulateResult =
  | { ok: true; messageId: string; sessionId: string | null }
  | { ok: false; error: string };

export interface SimulatorApi {
  /** reportKey: given by CX Lens's service worker (bus-and-hook.ts emitRecord). */
  deliver(state: string, reportKey?: string): Promise<SimulateResult>;
}

/** The current session (`{sessionId, transportId, participantId, token}`), or null. */
function currentSession(service: BusInterface): Promise<unknown> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), SESSION_TIMEOUT_MS);
    const done = (value: unknown) => {
      clearTimeout(timer);
      resolve(value ?? null);
    };
    try {
      const d = service.command('WebChatService.getSessionData');
      if (!d || typeof d.done !== 'function') return done(null);
      d.done(done);
      if (typeof d.fail === 'function') d.fail(() => done(null));
    } catch {
      done(null);
    }
  });
}

export function createSimulator(win: PageWindow): SimulatorApi {
  let reportKey: string | null = null;
  const failed = (error: string, state: unknown): SimulateResult => {
    emitRecord(win, 'simulate', 'failed', { error, state: typeof state === 'string' ? state : null }, reportKey);
    return { ok: false, error };
  };

  return {
    async deliver(state: string, key?: unknown): Promise<SimulateResult> {
      reportKey = reportKeyOf(key, reportKey);
      try {
        if (typeof state !== 'string' || state === '') return failed('the state must be a non-empty string', state);
        const service = tappedInterface(win, 'WebChatService');
        if (!service || typeof service.publish !== 'function') {
          return failed('WebChatService is not tapped on this page: the CX Lens page hook is missing or the chat service has not loaded yet', state);
        }
        const sessionData = await currentSession(service);
        const payload = buildSyntheticMessageReceived(state, sessionData, Date.now(), randomId());
        const messageId = payload.originalMessages[0]!.id;
        const hook = hookHandleOf(win);
        const publish = () => service.publish!('messageReceived', payload);
        // Through the hook's synthetic(), the bus list marks the event via 'synthetic' too.
        const published = typeof hook?.synthetic === 'function' ? hook.synthetic(publish) : publish();
        if (published === false) return failed('WebChatService.publish returned false', state);
        const sessionId = (sessionData as { sessionId?: unknown } | null)?.sessionId;
        const result: SimulateResult = { ok: true, messageId, sessionId: typeof sessionId === 'string' ? sessionId : null };
        emitRecord(win, 'simulate', 'delivered', { state, messageId, sessionId: result.sessionId }, reportKey);
        return result;
      } catch (e) {
        return failed(errorText(e), state);
      }
    },
  };
}
