// Saving the chat session to the cookie iframe after the chat events that may have changed it:
// used by the site's own provider (initCookieProviderExtension) and by the one CX Lens injects.
import { fingerprint, readCookie } from './cookie-values';
import type { CookieResult } from './channel';

/** Chat events after which Widgets may have stored a new session cookie (getSessionData runs
 *  after each new message index). */
export const SAVE_EVENTS = ['WebChat.started', 'WebChatService.messageReceived'] as const;
/** A save waits this long after an event, so Widgets has written its cookie first, and a burst of
 *  messages makes one save. */
export const SAVE_DELAY_MS = 100;

export interface SaverHost {
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
  /** The page's document.cookie. */
  cookie(): string;
}

export interface SessionSaver {
  /** A chat event happened: save soon, if the session cookie differs from the last one saved. */
  chatEvent(): void;
  /** No more saves (a pending one is dropped). */
  stop(): void;
}

export function createSessionSaver(host: SaverHost, cookieName: string, save: () => Promise<CookieResult>): SessionSaver {
  let timer: unknown = null;
  let stopped = false;
  /** Fingerprint of the value last saved, so an unchanged session is not sent again. */
  let lastSaved: string | null = null;
  return {
    chatEvent() {
      if (timer !== null || stopped) return;
      timer = host.setTimer(() => {
        timer = null;
        if (stopped) return;
        const value = readCookie(host.cookie(), cookieName);
        if (value === null || fingerprint(value) === lastSaved) return;
        save().then((result) => { if (result.status === 'saved') lastSaved = fingerprint(value); }, () => {});
      }, SAVE_DELAY_MS);
    },
    stop() {
      stopped = true;
      if (timer !== null) host.clearTimer(timer);
      timer = null;
    },
  };
}
