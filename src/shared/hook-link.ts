// The private channel from the MAIN-world page hook to the isolated-world content script: a
// MessagePort handed over at document_start by a synchronously dispatched event on the window.
//
// Why the page cannot get the port: a synchronously dispatched event reaches only the listeners
// present at that moment, and both halves run at document_start, before any page script (the page
// has no listener yet). Chrome runs the manifest's document_start scripts in manifest order (the
// hook's entry first, then the content script's), all in one task, but the handshake works in
// either order:
// - hook first: it offers the port (nobody listens) and waits for the content script's ASK, which
//   comes right after, in the same task; it answers by offering the port again;
// - content script first: it listens for the OFFER, asks (nobody answers), and keeps listening
//   until the end of the task; the hook's first offer reaches it.
// The taker cancels the offer event (preventDefault): that is how the hook learns, synchronously,
// that its port was taken, and stops answering. First handshake wins, later ones are ignored: each
// side removes its listener once done. Neither half may throw into the page.

/** Event type of the hook's offer: a cancelable MessageEvent whose ports[0] is the port. */
export const OFFER_EVENT = 'cx-lens-hook-offer';
/** Event type of the content script's request for the port (a plain Event). */
export const ASK_EVENT = 'cx-lens-relay-ask';

/** The event type an injected feature reports on: named after this document's report key, so only
 *  code that holds the key can dispatch it or listen to it. The content script listens (in its
 *  isolated world); the page, which cannot know the key, has no listener for it, so the key never
 *  reaches anything the page can read (a handle, an event's detail, a listener it added). */
export function reportEventType(key: string): string {
  return `cx-lens-report-${key}`;
}

/** What a half needs of its window, taken before any page script runs. */
export interface LinkEnv {
  listen(type: string, listener: (event: Event) => void): void;
  unlisten(type: string, listener: (event: Event) => void): void;
  /** Dispatches synchronously; false when a listener cancelled the event. */
  dispatch(event: Event): boolean;
  /** A cancelable event of that type carrying `port` in its ports. */
  portEvent(type: string, port: MessagePort): Event;
  plainEvent(type: string): Event;
  /** Runs fn after the current task (the content script's end of waiting). */
  later(fn: () => void): void;
}

/** The hook's half: offers `port` now, and again when the content script asks. Returns whether
 *  the port was taken so far. */
export function offerPort(env: LinkEnv, port: MessagePort): () => boolean {
  let taken = false;
  const offer = (): void => {
    if (taken) return;
    try {
      taken = !env.dispatch(env.portEvent(OFFER_EVENT, port));
    } catch {
      /* try again when asked */
    }
    if (taken) env.unlisten(ASK_EVENT, onAsk);
  };
  const onAsk = (): void => offer();
  env.listen(ASK_EVENT, onAsk);
  offer();
  return () => taken;
}

/** The content script's half: `onPort` runs once, with the first port offered during this task. */
export function acceptPort(env: LinkEnv, onPort: (port: MessagePort) => void): void {
  let taken = false;
  const onOffer = (event: Event): void => {
    const port = (event as MessageEvent).ports?.[0];
    if (taken || !port) return;
    taken = true;
    event.preventDefault(); // tells the hook, synchronously, that its port was taken
    event.stopImmediatePropagation();
    env.unlisten(OFFER_EVENT, onOffer);
    onPort(port);
  };
  env.listen(OFFER_EVENT, onOffer);
  env.dispatch(env.plainEvent(ASK_EVENT));
  // Not offered yet: the hook may run after us in this same task; after it, nothing is accepted.
  if (!taken) env.later(() => env.unlisten(OFFER_EVENT, onOffer));
}

/** The LinkEnv of a real window, from the window's own natives as they are now (call it before
 *  any page script runs). */
export function windowLinkEnv(win: Window): LinkEnv {
  const { apply } = Reflect;
  const target = EventTarget.prototype;
  const { addEventListener, removeEventListener, dispatchEvent } = target;
  const { setTimeout } = win;
  const PortEvent = MessageEvent;
  const PlainEvent = Event;
  return {
    listen: (type, listener) => apply(addEventListener, win, [type, listener, true]),
    unlisten: (type, listener) => apply(removeEventListener, win, [type, listener, true]),
    dispatch: (event) => apply(dispatchEvent, win, [event]) as boolean,
    portEvent: (type, port) => new PortEvent(type, { ports: [port], cancelable: true }),
    plainEvent: (type) => new PlainEvent(type),
    later: (fn) => apply(setTimeout, win, [fn, 0]),
  };
}
