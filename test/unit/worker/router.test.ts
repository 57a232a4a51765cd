import { describe, expect, it } from 'vitest';
import { Router, type PortLike } from '../../../src/worker/router';
import { PROTOCOL_VERSION, type CaptureRecord, type ContentToWorker } from '../../../src/shared/protocol';
import { chunkOf } from '../fakes/chunk-helpers';

class FakePort<T> implements PortLike<T> {
  sent: T[] = [];
  closed = false;
  postMessage(m: T) {
    if (this.closed) throw new Error('disconnected port');
    this.sent.push(m);
  }
}

const hello = (docId: string, top = true): ContentToWorker =>
  ({ type: 'hello', v: PROTOCOL_VERSION, docId, url: `https://a.test/${docId}`, origin: 'https://a.test', top, timeOrigin: 0 });
const rec = (seq: number): CaptureRecord => ({ t: 'event', seq, time: 0, name: 'A.b', publisher: 'A', via: 'publish', data: null });

function setup() {
  const router = new Router(() => 1000);
  const content = new FakePort<any>();
  const cconn = router.contentConnected(content, 7, 0);
  return { router, content, cconn };
}

describe('Router', () => {
  it('tells a frame to hold while no panel watches its tab', () => {
    const { router, content, cconn } = setup();
    router.contentMessage(cconn, hello('d1'));
    expect(content.sent).toEqual([{ type: 'hold' }]);
  });

  it('tells a frame whose records reached no panel which ones, so that its buffer still counts them', () => {
    const { router, content, cconn } = setup();
    router.contentMessage(cconn, hello('d1'));
    router.contentMessage(cconn, { type: 'chunks', docId: 'd1', chunks: [{ firstSeq: 5, count: 2, json: '[{},{}]' }], dropped: 0, replay: false });
    expect(content.sent.at(-1)).toEqual({ type: 'hold', notDelivered: 4 });
  });

  it('asks a frame to stream from the panel cursor when a panel subscribes, and forwards its records', () => {
    const { router, content, cconn } = setup();
    router.contentMessage(cconn, hello('d1'));
    const panel = new FakePort<any>();
    const pconn = router.panelConnected(panel);
    router.panelMessage(pconn, { type: 'subscribe', v: PROTOCOL_VERSION, tabId: 7, cursors: { d1: 12 } });
    expect(content.sent.at(-1)).toEqual({ type: 'stream', since: 12 });
    expect(panel.sent[0]).toMatchObject({ type: 'frame', frame: { docId: 'd1', frameId: 0, top: true, seenAt: 1000 } });

    router.contentMessage(cconn, { type: 'chunks', docId: 'd1', chunks: chunkOf([rec(13)]), dropped: 2, tooLarge: 3, pageMadeDropped: 4, replay: true });
    expect(panel.sent.at(-1)).toEqual({ type: 'chunks', docId: 'd1', chunks: chunkOf([rec(13)]), dropped: 2, tooLarge: 3, pageMadeDropped: 4, replay: true });
  });

  it('routes by tab: a panel never sees another tab', () => {
    const { router, cconn } = setup();
    router.contentMessage(cconn, hello('d1'));
    const panel = new FakePort<any>();
    router.panelMessage(router.panelConnected(panel), { type: 'subscribe', v: PROTOCOL_VERSION, tabId: 8, cursors: {} });
    router.contentMessage(cconn, { type: 'chunks', docId: 'd1', chunks: chunkOf([rec(1)]), dropped: 0, replay: false });
    expect(panel.sent).toEqual([]);
  });

  it('streams a frame that says hello after the panel subscribed (worker restart order)', () => {
    const router = new Router();
    const panel = new FakePort<any>();
    router.panelMessage(router.panelConnected(panel), { type: 'subscribe', v: PROTOCOL_VERSION, tabId: 3, cursors: { d9: 40 } });
    const content = new FakePort<any>();
    const cconn = router.contentConnected(content, 3, 2);
    router.contentMessage(cconn, hello('d9', false));
    expect(content.sent).toEqual([{ type: 'stream', since: 40 }]);
    expect(panel.sent[0]).toMatchObject({ type: 'frame', frame: { docId: 'd9', frameId: 2, top: false } });
  });

  it('replays from the oldest cursor when two panels watch one tab', () => {
    const { router, content, cconn } = setup();
    router.contentMessage(cconn, hello('d1'));
    router.panelMessage(router.panelConnected(new FakePort()), { type: 'subscribe', v: PROTOCOL_VERSION, tabId: 7, cursors: { d1: 30 } });
    router.panelMessage(router.panelConnected(new FakePort()), { type: 'subscribe', v: PROTOCOL_VERSION, tabId: 7, cursors: { d1: 5 } });
    expect(content.sent.at(-1)).toEqual({ type: 'stream', since: 5 });
  });

  it('holds the frames when the last panel of a tab goes, and reports gone frames', () => {
    const { router, content, cconn } = setup();
    router.contentMessage(cconn, hello('d1'));
    const panel = new FakePort<any>();
    const pconn = router.panelConnected(panel);
    router.panelMessage(pconn, { type: 'subscribe', v: PROTOCOL_VERSION, tabId: 7, cursors: {} });
    router.contentDisconnected(cconn);
    expect(panel.sent.at(-1)).toEqual({ type: 'frame-gone', docId: 'd1' });

    const c2 = new FakePort<any>();
    const conn2 = router.contentConnected(c2, 7, 0);
    router.contentMessage(conn2, hello('d2'));
    router.panelDisconnected(pconn);
    expect(c2.sent.at(-1)).toEqual({ type: 'hold' });
    expect(content.sent.filter((m) => m.type === 'hold')).toHaveLength(1); // the gone frame got nothing more
  });

  it('answers a panel of another protocol version with an error and routes nothing to it', () => {
    const { router, cconn } = setup();
    router.contentMessage(cconn, hello('d1'));
    const panel = new FakePort<any>();
    router.panelMessage(router.panelConnected(panel), { type: 'subscribe', v: PROTOCOL_VERSION + 1, tabId: 7, cursors: {} });
    expect(panel.sent).toEqual([{ type: 'error', message: expect.stringContaining('protocol version') }]);
  });

  it('ignores records from a frame that never said hello, and a hello of another version', () => {
    const { router, content, cconn } = setup();
    const panel = new FakePort<any>();
    router.panelMessage(router.panelConnected(panel), { type: 'subscribe', v: PROTOCOL_VERSION, tabId: 7, cursors: {} });
    router.contentMessage(cconn, { ...hello('d1'), v: 99 } as ContentToWorker);
    router.contentMessage(cconn, { type: 'chunks', docId: 'd1', chunks: chunkOf([rec(1)]), dropped: 0, replay: false });
    expect(panel.sent).toEqual([]);
    expect(content.sent).toEqual([]);
  });

  it('survives a panel port that throws on postMessage', () => {
    const { router, cconn } = setup();
    router.contentMessage(cconn, hello('d1'));
    const dead = new FakePort<any>();
    router.panelMessage(router.panelConnected(dead), { type: 'subscribe', v: PROTOCOL_VERSION, tabId: 7, cursors: {} });
    dead.closed = true;
    expect(() => router.contentMessage(cconn, { type: 'chunks', docId: 'd1', chunks: chunkOf([rec(1)]), dropped: 0, replay: false })).not.toThrow();
  });
});
