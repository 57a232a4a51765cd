// The finalize handler of the Digital Channels guide ("Close the chat when an agent
// disconnects"), made safe to inject: on a Finalizing/Completed InteractionStateChange it
// notifies the customer (WebChat.injectMessage) or ends the chat (WebChat.endChat).
// It registers its own bus plugin so that uninstall removes exactly its own callback
// (unsubscribe removes all of one plugin's callbacks for an event, never another plugin's).
import type { Copied } from '../../shared/protocol';
import { normaliseIndex } from '../../shared/interaction-states';
import { DEFAULT_FINALIZE_SOURCE, parseFinalizeOptions, type FinalizeOptions } from '../../shared/injection-options';
import {
  emitRecord, findRegisterPlugin, isAsyncChat, reportKeyOf,
  type BusDeferred, type BusInterface, type PageWindow,
} from './bus-and-hook';
import { pageTimers, pollForBus } from './bus-poll';
import { errorText } from '../../shared/error-text';

export const PLUGIN_NAME = 'CXLensFinalize';
export const MESSAGE_EVENT = 'WebChatService.messageReceived';
export { DEFAULT_FINALIZE_TEXT as DEFAULT_TEXT } from '../../shared/injection-options';

/** Message keys remembered to fire once per message. */
const SEEN_CAP = 1000;

/** The options it runs with: always with who installed it. */
type HandlerOptions = Required<FinalizeOptions>;

export interface FinalizeStatus {
  state: 'not-installed' | 'waiting' | 'installed' | 'failed';
  /** Human-readable: "waiting for the bus", the error of a failure. */
  message?: string;
  options: HandlerOptions | null;
  /** The bus it is registered on. */
  bus?: 'CXBus' | 'QuickBus';
  lastFired?: { time: number; state: string; action: 'inject' | 'end'; messageId?: string };
  /** Why the last fired command was rejected, e.g. "No chat session to inject into." */
  lastError?: string;
  /** Option values that were not understood and were replaced by defaults. */
  warnings?: string[];
}

export interface FinalizeHandlerApi {
  /** reportKey: given by CX Lens's service worker (bus-and-hook.ts emitRecord). */
  install(options?: unknown, reportKey?: string): FinalizeStatus;
  uninstall(reportKey?: string): FinalizeStatus;
  status(): FinalizeStatus;
}

/** Reads install() options (src/shared/injection-options.ts): an option missing or not understood
 *  falls back to its default, with a warning when it was given. */
export function readOptions(input: unknown): { options: HandlerOptions; warnings: string[] } {
  const parsed = parseFinalizeOptions(input);
  const options = parsed.ok ? parsed.options : parsed.fallback;
  return { options: { ...options, source: options.source ?? DEFAULT_FINALIZE_SOURCE }, warnings: parsed.ok ? [] : parsed.warnings };
}

interface StateMessage {
  state: string;
  key: string;
  id?: string;
  index?: string;
  synthetic: boolean;
}

/** The guide's choice: the last InteractionStateChange of `originalMessages`. */
function lastStateMessage(data: unknown): StateMessage | null {
  const list = (data as { originalMessages?: unknown } | null)?.originalMessages;
  if (!Array.isArray(list)) return null;
  for (let i = list.length - 1; i >= 0; i--) {
    const m = list[i] as { type?: unknown; event?: unknown; data?: { interactionState?: unknown }; id?: unknown; index?: unknown; utcTime?: unknown } | null;
    if (!m || m.type !== 'System' || m.event !== 'InteractionStateChange') continue;
    const state = m.data?.interactionState;
    if (typeof state !== 'string' || !state) return null;
    const id = typeof m.id === 'string' && m.id ? m.id : undefined;
    const index = normaliseIndex(m.index);
    const out: StateMessage = {
      state,
      key: id ?? index ?? `${state}@${String(m.utcTime)}`,
      synthetic: (data as { cxLensSynthetic?: unknown }).cxLensSynthetic === true,
    };
    if (id) out.id = id;
    if (index) out.index = index;
    return out;
  }
  return null;
}

export function createFinalizeHandler(win: PageWindow): FinalizeHandlerApi {
  let options: HandlerOptions | null = null;
  let warnings: string[] = [];
  let state: FinalizeStatus['state'] = 'not-installed';
  let message: string | undefined;
  let bus: FinalizeStatus['bus'];
  // Kept across uninstall: the bus never frees a plugin name, so a reinstall reuses it.
  let iface: BusInterface | null = null;
  let subscribed = false;
  let stopPolling = (): void => {};
  let lastFired: FinalizeStatus['lastFired'];
  let lastError: string | undefined;
  const seen = new Set<string>();

  const status = (): FinalizeStatus => {
    const s: FinalizeStatus = { state, options: options && { ...options, states: [...options.states] } };
    if (message) s.message = message;
    if (bus) s.bus = bus;
    if (lastFired) s.lastFired = { ...lastFired };
    if (lastError) s.lastError = lastError;
    if (warnings.length) s.warnings = [...warnings];
    return s;
  };

  let reportKey: string | null = null;
  const report = (recordState: 'installed' | 'waiting' | 'fired' | 'failed' | 'removed', detail: { [key: string]: Copied }) =>
    emitRecord(win, 'finalize', recordState, detail, reportKey);

  const optionsDetail = (): Copied => (options ? { ...options, states: [...options.states] } : null);

  const fail = (error: string): void => {
    state = 'failed';
    message = error;
    report('failed', { error, options: optionsDetail() });
  };

  /** Registers (once) and subscribes; returns false while there is no bus yet. */
  const attach = (): boolean => {
    if (!iface) {
      const found = findRegisterPlugin(win);
      if (!found) return false;
      const result = found.register(PLUGIN_NAME);
      if (!result) {
        fail(`registerPlugin('${PLUGIN_NAME}') returned false: the name is taken or registration is locked`);
        return true;
      }
      iface = result;
      bus = found.via;
    }
    if (iface.subscribe(MESSAGE_EVENT, onMessageReceived) === false) {
      fail(`subscribe('${MESSAGE_EVENT}') returned false`);
      return true;
    }
    subscribed = true;
    state = 'installed';
    message = undefined;
    report('installed', { bus: bus ?? null, options: optionsDetail(), warnings });
    return true;
  };

  function onMessageReceived(e: { data?: unknown }): void {
    try {
      if (!subscribed || !options) return;
      const data = e?.data as { restoring?: unknown; oldMessages?: unknown } | undefined;
      const found = lastStateMessage(data);
      if (!found || seen.has(found.key)) return;
      remember(found.key);
      // Restores and history pages replay states that were live before: the page already had
      // its chance to react to them, so they never fire (docs/finalize-handler.md).
      if (data?.restoring === true || data?.oldMessages === true) return;
      if (!options.states.includes(found.state)) return;
      fire(found);
    } catch (err) {
      fail(errorText(err));
    }
  }

  function remember(key: string): void {
    seen.add(key);
    if (seen.size > SEEN_CAP) seen.delete(seen.values().next().value as string);
  }

  function fire(found: StateMessage): void {
    const opts = options!;
    const isAsync = isAsyncChat(win);
    const action: 'inject' | 'end' =
      opts.behaviour === 'always-notify' ? 'inject' : opts.behaviour === 'always-end' ? 'end' : isAsync ? 'inject' : 'end';
    const deferred = action === 'inject'
      ? iface!.command('WebChat.injectMessage', { type: 'text', text: opts.text, bubble: { time: false } })
      : iface!.command('WebChat.endChat');
    const time = Date.now();
    lastFired = { time, state: found.state, action };
    lastError = undefined;
    if (found.id) lastFired.messageId = found.id;
    const detail: { [key: string]: Copied } = {
      state: found.state,
      action,
      command: action === 'inject' ? 'WebChat.injectMessage' : 'WebChat.endChat',
      behaviour: opts.behaviour,
      async: isAsync,
      messageId: found.id ?? null,
      index: found.index ?? null,
      synthetic: found.synthetic,
    };
    report('fired', detail);
    onRejected(deferred, (reason) => {
      lastError = errorText(reason);
      report('failed', { ...detail, error: lastError });
    });
  }

  function onRejected(deferred: BusDeferred | undefined, cb: (reason: unknown) => void): void {
    if (deferred && typeof deferred.fail === 'function') deferred.fail(cb);
  }

  return {
    install(input?: unknown, key?: unknown): FinalizeStatus {
      reportKey = reportKeyOf(key, reportKey);
      try {
        ({ options, warnings } = readOptions(input));
        if (subscribed) {
          report('installed', { bus: bus ?? null, options: optionsDetail(), warnings, updated: true });
          return status();
        }
        stopPolling();
        state = 'waiting';
        message = 'waiting for the bus';
        if (!attach()) {
          report('waiting', { message, options: optionsDetail() });
          stopPolling = pollForBus(pageTimers, () => state !== 'waiting' || attach(), (e) => fail(errorText(e)));
        }
      } catch (e) {
        fail(errorText(e));
      }
      return status();
    },
    uninstall(key?: unknown): FinalizeStatus {
      reportKey = reportKeyOf(key, reportKey);
      try {
        stopPolling();
        const wasOn = state !== 'not-installed';
        if (subscribed && iface) iface.unsubscribe(MESSAGE_EVENT);
        subscribed = false;
        state = 'not-installed';
        message = undefined;
        options = null;
        warnings = [];
        if (wasOn) report('removed', {});
      } catch (e) {
        fail(errorText(e));
      }
      return status();
    },
    status,
  };
}
