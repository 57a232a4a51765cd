// The hand-over of the hook's private port (src/shared/hook-link.ts), on a fake window: one event
// target shared by "both worlds", as the DOM window is, with synchronous dispatch.
import { describe, expect, it } from 'vitest';
import { ASK_EVENT, OFFER_EVENT, acceptPort, offerPort, type LinkEnv } from '../../../src/shared/hook-link';

/** A cancelable event carrying ports, as a MessageEvent does in the browser. */
class PortEvent extends Event {
  constructor(type: string, readonly ports: readonly MessagePort[]) {
    super(type, { cancelable: true });
  }
}

function fakeWindow() {
  const target = new EventTarget();
  const tasks: (() => void)[] = [];
  const env: LinkEnv = {
    listen: (type, fn) => target.addEventListener(type, fn, { capture: true }),
    unlisten: (type, fn) => target.removeEventListener(type, fn, { capture: true }),
    dispatch: (event) => target.dispatchEvent(event),
    portEvent: (type, port) => new PortEvent(type, [port]),
    plainEvent: (type) => new Event(type),
    later: (fn) => tasks.push(fn),
  };
  /** The current task ends: what was put off runs. */
  const endTask = () => tasks.splice(0).forEach((fn) => fn());
  return { target, env, endTask };
}

const fakePort = (name: string) => ({ name }) as unknown as MessagePort;

/** A page script's attempt, after the document_start scripts: asks for the port and offers its own. */
function pageTries(target: EventTarget) {
  const stolen: MessagePort[] = [];
  const listener = (e: Event) => stolen.push(...(e as PortEvent).ports);
  target.addEventListener(OFFER_EVENT, listener);
  target.dispatchEvent(new Event(ASK_EVENT));
  target.removeEventListener(OFFER_EVENT, listener);
  const forged = new PortEvent(OFFER_EVENT, [fakePort('page')]);
  const taken = !target.dispatchEvent(forged);
  return { stolen, forgedTaken: taken };
}

describe('hook → relay port hand-over', () => {
  it('hook first (the manifest order): the content script gets the port when it asks', () => {
    const w = fakeWindow();
    const hookPort = fakePort('hook');
    const taken = offerPort(w.env, hookPort);
    expect(taken()).toBe(false); // nobody listened yet
    const got: MessagePort[] = [];
    acceptPort(w.env, (p) => got.push(p));
    expect(got).toEqual([hookPort]);
    expect(taken()).toBe(true);
    w.endTask();
    const page = pageTries(w.target);
    expect(page.stolen).toEqual([]); // the hook no longer answers
    expect(page.forgedTaken).toBe(false); // the content script no longer listens
    expect(got).toEqual([hookPort]);
  });

  it('content script first: it keeps listening until the end of the task, and the hook offer reaches it', () => {
    const w = fakeWindow();
    const got: MessagePort[] = [];
    acceptPort(w.env, (p) => got.push(p));
    expect(got).toEqual([]);
    const hookPort = fakePort('hook');
    const taken = offerPort(w.env, hookPort);
    expect(got).toEqual([hookPort]);
    expect(taken()).toBe(true);
    w.endTask();
    const page = pageTries(w.target);
    expect(page.stolen).toEqual([]);
    expect(page.forgedTaken).toBe(false);
    expect(got).toEqual([hookPort]);
  });

  it('first handshake wins: a second offer in the same task is ignored', () => {
    const w = fakeWindow();
    const got: MessagePort[] = [];
    acceptPort(w.env, (p) => got.push(p));
    offerPort(w.env, fakePort('first'));
    const second = offerPort(w.env, fakePort('second'));
    expect(got.map((p) => (p as unknown as { name: string }).name)).toEqual(['first']);
    expect(second()).toBe(false);
  });

  it('no hook: the content script stops listening at the end of the task, so a page cannot hand it a port', () => {
    const w = fakeWindow();
    const got: MessagePort[] = [];
    acceptPort(w.env, (p) => got.push(p));
    w.endTask();
    expect(pageTries(w.target).forgedTaken).toBe(false);
    expect(got).toEqual([]);
  });

  it('a hook whose offer throws offers again when asked', () => {
    const w = fakeWindow();
    let fail = true;
    const env: LinkEnv = { ...w.env, dispatch: (e) => { if (fail && e.type === OFFER_EVENT) throw new Error('x'); return w.env.dispatch(e); } };
    const taken = offerPort(env, fakePort('hook'));
    expect(taken()).toBe(false);
    fail = false;
    const got: MessagePort[] = [];
    acceptPort(env, (p) => got.push(p));
    expect(got).toHaveLength(1);
    expect(taken()).toBe(true);
  });
});
