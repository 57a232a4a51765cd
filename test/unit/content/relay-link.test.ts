import { describe, expect, it } from 'vitest';
import { RecordBuffer } from '../../../src/content/record-buffer';
import { RelayCore } from '../../../src/content/relay-core';
import { RelayLink, type LinkEnv, type LinkPort } from '../../../src/content/relay-link';
import { PROTOCOL_VERSION, type ContentToWorker, type WorkerToContent } from '../../../src/shared/protocol';

class FakePort implements LinkPort {
  sent: ContentToWorker[] = [];
  closed = false;
  disconnectedByUs = false;
  private messageListeners: ((m: WorkerToContent) => void)[] = [];
  private disconnectListeners: (() => void)[] = [];
  postMessage(m: ContentToWorker) {
    if (this.closed) throw new Error('Attempting to use a disconnected port object');
    this.sent.push(m);
  }
  disconnect() {
    this.closed = true;
    this.disconnectedByUs = true;
  }
  onMessage(l: (m: WorkerToContent) => void) { this.messageListeners.push(l); }
  onDisconnect(l: () => void) { this.disconnectListeners.push(l); }
  /** The worker's side. */
  deliver(m: WorkerToContent) { this.messageListeners.forEach((l) => l(m)); }
  /** The worker went away. */
  drop() {
    this.closed = true;
    this.disconnectListeners.forEach((l) => l());
  }
}

/** A batch of the hook's, as it comes over its private port. */
const batch = (n: number) => {
  const records = Array.from({ length: n }, (_, i) => ({ t: 'event', seq: 0, time: 1, name: `A.e${i}` }));
  return { type: 'batch', json: JSON.stringify(records), count: n } as const;
};

function setup(options: { prerendering?: boolean; noExtension?: boolean } = {}) {
  const ports: FakePort[] = [];
  const timers: (() => void)[] = [];
  let prerendering = options.prerendering ?? false;
  const env: LinkEnv = {
    connect: () => {
      if (options.noExtension) return null;
      const port = new FakePort();
      ports.push(port);
      return port;
    },
    setTimer: (fn) => void timers.push(fn),
    prerendering: () => prerendering,
    hello: () => ({ type: 'hello', v: PROTOCOL_VERSION, docId: 'doc', url: 'https://a.test/', origin: 'https://a.test', top: true, timeOrigin: 0 }),
  };
  const relay: RelayCore = new RelayCore('doc', new RecordBuffer(100), (m) => link.send(m), 'report-key');
  const link: RelayLink = new RelayLink(relay, env);
  const runTimers = () => timers.splice(0).forEach((fn) => fn());
  return { relay, link, ports, runTimers, activate: () => { prerendering = false; link.activated(); } };
}

const chunksOf = (port: FakePort) => port.sent.filter((m): m is Extract<ContentToWorker, { type: 'chunks' }> => m.type === 'chunks');
const seqsOf = (port: FakePort) => chunksOf(port).flatMap((m) => m.chunks.map((c) => `${c.firstSeq}+${c.count}`));

describe('RelayLink', () => {
  it('opens no port (so starts no worker) and sets no timer until a panel asks; records wait in the buffer', () => {
    const { relay, link, ports, runTimers } = setup();
    relay.takeHookMessage(batch(3));
    link.resumed();
    link.shown(true);
    link.hidden(true);
    link.activated();
    runTimers();
    expect(ports).toHaveLength(0);
    expect(link.connected).toBe(false);
    expect(relay.buffer.length).toBe(3);
  });

  it('connects when asked, says hello once, and replays what the page did before', () => {
    const { relay, link, ports } = setup();
    relay.takeHookMessage(batch(3));
    link.request();
    link.request(); // a second wake-up: already connected
    expect(ports).toHaveLength(1);
    expect(ports[0]!.sent[0]).toMatchObject({ type: 'hello', docId: 'doc' });
    expect(ports[0]!.sent[0]).not.toHaveProperty('restored');
    ports[0]!.deliver({ type: 'stream', since: 0 });
    expect(seqsOf(ports[0]!)).toEqual(['1+3']);
  });

  it('reconnects after a worker restart only while a panel was watching', () => {
    const { relay, link, ports, runTimers } = setup();
    link.request();
    ports[0]!.deliver({ type: 'hold' });
    ports[0]!.drop(); // idle: waits for a wake-up
    runTimers();
    expect(ports).toHaveLength(1);
    link.request();
    ports[1]!.deliver({ type: 'stream', since: 0 });
    relay.takeHookMessage(batch(2));
    ports[1]!.drop(); // streaming: reconnects by itself
    relay.takeHookMessage(batch(1)); // kept meanwhile
    runTimers();
    expect(ports).toHaveLength(3);
    ports[2]!.deliver({ type: 'stream', since: 2 });
    expect(seqsOf(ports[2]!)).toEqual(['3+1']);
  });

  it('into the back/forward cache: closes its port; back: connects at once, hello restored, nothing lost', () => {
    const { relay, link, ports } = setup();
    link.request();
    ports[0]!.deliver({ type: 'stream', since: 0 });
    relay.takeHookMessage(batch(2));
    link.hidden(false); // an ordinary unload: nothing to do
    expect(ports[0]!.closed).toBe(false);
    link.hidden(true);
    expect(ports[0]!.disconnectedByUs).toBe(true);
    expect(relay.isStreaming).toBe(false);
    relay.takeHookMessage(batch(1)); // kept, not sent on the closed port
    link.shown(true);
    expect(ports).toHaveLength(2);
    expect(ports[1]!.sent[0]).toMatchObject({ type: 'hello', docId: 'doc', restored: true });
    ports[1]!.deliver({ type: 'stream', since: 2 });
    expect(seqsOf(ports[1]!)).toEqual(['3+1']);
    // The next hello (a worker restart) is an ordinary one.
    ports[1]!.drop();
    link.request();
    expect(ports[2]!.sent[0]).not.toHaveProperty('restored');
  });

  it('restored with resume before pageshow (as Chromium fires them): one hello, restored', () => {
    const { link, ports } = setup();
    link.request();
    link.hidden(true);
    link.resumed(); // a restore: the port is gone, resume reconnects first
    expect(ports).toHaveLength(2);
    expect(ports[1]!.sent[0]).toMatchObject({ type: 'hello', restored: true });
    link.shown(true); // the port of the restore is kept
    expect(ports).toHaveLength(2);
    expect(ports[1]!.closed).toBe(false);
    ports[1]!.drop(); // a worker restart later: an ordinary hello
    link.request();
    expect(ports[2]!.sent[0]).not.toHaveProperty('restored');
  });

  it('restored while the browser closed its port without telling: the dead port is replaced', () => {
    const { link, ports } = setup();
    link.request();
    ports[0]!.closed = true; // closed, no onDisconnect
    link.shown(true);
    expect(ports).toHaveLength(2);
    expect(ports[1]!.sent[0]).toMatchObject({ type: 'hello', restored: true });
  });

  it('restored before any panel asked: the hello says so once one does', () => {
    const { link, ports } = setup();
    link.shown(true);
    expect(ports).toHaveLength(0);
    link.request();
    expect(ports[0]!.sent[0]).toMatchObject({ type: 'hello', restored: true });
  });

  it('a prerendered document connects only once activated', () => {
    const { link, ports, activate } = setup({ prerendering: true });
    link.request();
    expect(ports).toHaveLength(0);
    activate();
    expect(ports).toHaveLength(1);
    expect(ports[0]!.sent[0]).toMatchObject({ type: 'hello' });
  });

  it('after a freeze, reconnects a port that was closed meanwhile', () => {
    const { link, ports } = setup();
    link.request();
    ports[0]!.deliver({ type: 'hold' });
    ports[0]!.drop();
    link.resumed();
    expect(ports).toHaveLength(2);
    link.resumed(); // connected: nothing more
    expect(ports).toHaveLength(2);
  });

  it('an orphaned script (the extension is gone) does nothing', () => {
    const { link, ports } = setup({ noExtension: true });
    link.request();
    expect(ports).toHaveLength(0);
    expect(link.send({ type: 'chunks', docId: 'doc', chunks: [], dropped: 0, replay: false })).toBe('failed');
  });
});
