// Conformance of the Widgets emulation (test/demo/widgets) with the real Genesys Widgets 9.0.018.07
// runtime: each scenario of the recordings in test/fixtures/real-widgets-9.0/conformance/ (made from
// CX Lens Exports of the real runtime, see its README) is played on the emulation in node:vm against the emulated
// Digital Channels server, with CX Lens's own bus hook recording and CX Lens's finalize handler
// (src/page/inject/finalize-core.ts) installed, as in the recordings. Compared:
//  (a) the order of bus events and commands: the emulation may do less than the real runtime,
//      never something else first;
//  (b) the shapes (keys and value types) of WebChatService.messageReceived payloads.
// What still differs, and why that is acceptable, is in test/demo/widgets/README.md.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sessionTokenOf } from '../../../src/cookie/cookie-values';
import { sessionFingerprint } from '../../../src/page/channel-tap';
import { startDemo, type Demo } from '../../demo/server/index.mjs';
import {
  busHas, command, compareOrder, delivered, entryKey, envelopeShape, fromOpen, messageShapes, openEmulatedPage, SESSION_COOKIE,
  type BusEntry, type EmulatedPage, type Fixture,
} from './conformance-driver';
import type { Any } from './widgets-vm';

const fixture = (name: string): Fixture => JSON.parse(readFileSync(resolve(import.meta.dirname, '../../fixtures/real-widgets-9.0/conformance', name), 'utf8'));
/** A scenario takes well under a second; the margin is for a busy machine. */
const SCENARIO_TIMEOUT_MS = 30_000;
const FINALIZE_TEXT = 'Thank you for your query. Please do not respond to this automated message if you do not have additional questions.';

/** Published on every poll (and, in async mode, on every request): how many times depends on
 *  timing only. Left out of the order, checked as a pattern instead. */
const PER_POLL = new Set(['event WebChatService.pollingStarted', 'event WebChatService.capabilitiesChanged']);
/** Our server's Completed also takes the agent out of the chat (a ParticipantLeft message);
 *  the recordings' server sent none. What the emulation does about that message is left out. */
const NOT_IN_RECORDINGS = 'ParticipantLeft';
/** Message fields that come from the server, not from the runtime: the recordings' server put
 *  `visibility` on every message, ours puts it (and `streamId`) on System messages only. */
const SERVER_FIELDS = ['visibility', 'streamId'];

let demo: Demo;
let distDir: string;
beforeAll(async () => {
  distDir = mkdtempSync(join(tmpdir(), 'cx-conformance-'));
  writeFileSync(join(distDir, 'cookie-provider.min.js'), '');
  demo = await startDemo({ port: 0, apiPort: 0, distDir, pollTimeoutMs: 1000 });
});
afterAll(async () => {
  await demo?.close();
  rmSync(distDir, { recursive: true, force: true });
});

function sessionText(sessionId: string, text: string): boolean {
  return demo.agent.session(sessionId).messages.some((m) => m.text === text);
}

/** The customer sends, and the agent's actions land before the next poll answers, so that all of
 *  it arrives in one poll response, as in the recording. */
async function customerThenAgent(page: EmulatedPage, sessionId: string, text: string, agent: () => void): Promise<void> {
  page.holdPolls();
  if (text) {
    command(page, 'WebChatService.sendMessage', { message: text });
    await page.until(`the server got "${text}"`, () => sessionText(sessionId, text));
  }
  agent();
  page.releasePolls();
}

async function openChat(page: EmulatedPage): Promise<string> {
  const before = new Set(demo.agent.sessions().map((s) => s.id));
  command(page, 'WebChat.open', { form: { autoSubmit: true, firstname: 'Ann', lastname: 'Lee', email: 'ann@example.com' } });
  await page.until('the first messageReceived', () => page.messageReceived().length > 0);
  return demo.agent.sessions().find((s) => !before.has(s.id))!.id;
}

async function settle(page: EmulatedPage): Promise<void> {
  await page.clock.advance(1000); // a few more polls, and the hook's last batch
}

/** The comparable part of a bus list: from WebChat.open on, without the per-poll events and
 *  without what the emulation did about messages the recordings' server never sent. */
function comparable(entries: BusEntry[]): string[] {
  return fromOpen(entries)
    .filter((entry) => entry.about !== NOT_IN_RECORDINGS)
    .map(entryKey)
    .filter((key) => !PER_POLL.has(key));
}

/** For each pollingStarted: the next per-poll or other bus key after it. */
function afterEachPoll(entries: BusEntry[]): string[] {
  const keys = fromOpen(entries).map(entryKey);
  return keys.flatMap((key, i) => (key === 'event WebChatService.pollingStarted' && i + 1 < keys.length ? [keys[i + 1]!] : []));
}

function withoutServerFields(shapes: Map<string, unknown>): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [kind, shape] of shapes) {
    const copy = { ...(shape as Record<string, unknown>) };
    for (const field of SERVER_FIELDS) delete copy[field];
    out.set(kind, copy);
  }
  return out;
}

function expectSameShapes(real: Fixture, page: EmulatedPage): void {
  const emulated = page.messageReceived();
  expect(emulated.map(envelopeShape)).toEqual(emulated.map(() => envelopeShape(real.messageReceived[0])));
  expect(real.messageReceived.map(envelopeShape)).toEqual(real.messageReceived.map(() => envelopeShape(real.messageReceived[0])));
  for (const list of ['originalMessages', 'messages'] as const) {
    const realShapes = withoutServerFields(messageShapes(real.messageReceived, list));
    const emulatedShapes = withoutServerFields(messageShapes(emulated, list));
    // Every kind of message of the recording came, and looks the same.
    for (const [kind, shape] of realShapes) expect({ list, kind, shape: emulatedShapes.get(kind) }).toEqual({ list, kind, shape });
    // The only kind the recording lacks is the one its server never sent.
    expect([...emulatedShapes.keys()].filter((kind) => !realShapes.has(kind))).toEqual(['ParticipantLeft from Agent']);
  }
}

function expectRealOrder(real: Fixture, page: EmulatedPage): void {
  const result = compareOrder(comparable(real.bus), comparable(page.bus()));
  expect(result.mismatch).toBeUndefined();
  // Not vacuous: the chat's own steps are all compared.
  expect(result.emulated.length).toBeGreaterThan(25);
  expect(result.emulated).toEqual(expect.arrayContaining([
    'command WebChat.open', 'event WebChat.opened', 'command WebChatService.restore', 'command WebChatService.startChat',
    'event WebChatService.started', 'event WebChat.started', 'event WebChatService.messageReceived', 'event WebChat.messageAdded',
  ]));
}

describe('async chat, the finalize handler notifies (conformance/real-async-finalize.json)', () => {
  const real = fixture('real-async-finalize.json');
  let page: EmulatedPage;

  beforeAll(async () => {
    page = await openEmulatedPage(demo, true);
    const id = await openChat(page);
    await customerThenAgent(page, id, 'My order #1042 has not arrived', () => {
      demo.agent.join(id, 'Bob');
      demo.agent.say(id, 'It ships tomorrow morning.');
    });
    await page.until('the agent text', () => delivered(page, 'It ships tomorrow morning.'));
    demo.agent.setState(id, 'Finalizing');
    await page.until('the first notice', () => busHas(page, (e) => e.about === 'injected'));
    command(page, 'WebChatService.sendMessage', { message: 'Thank you!' });
    await page.until('"Thank you!"', () => delivered(page, 'Thank you!'));
    demo.agent.say(id, 'You are welcome!');
    await page.until('"You are welcome!"', () => delivered(page, 'You are welcome!'));
    demo.agent.setState(id, 'Completed');
    await page.until('the second notice', () => busHas(page, (e) => e.about === 'injected', 2));
    await settle(page);
  }, SCENARIO_TIMEOUT_MS);

  it('(a) bus events and commands come in the real order', () => {
    expectRealOrder(real, page);
    const injected = comparable(page.bus()).filter((key) => key === 'command WebChat.injectMessage');
    expect(injected).toHaveLength(2);
  });

  it('(a) every poll is announced, then the capabilities again (async mode reads the session each time)', () => {
    const realAfter = new Set(afterEachPoll(real.bus));
    expect(realAfter).toEqual(new Set(['event WebChatService.capabilitiesChanged']));
    const emulatedAfter = afterEachPoll(page.bus());
    expect(emulatedAfter.length).toBeGreaterThan(3);
    expect(new Set(emulatedAfter)).toEqual(realAfter);
  });

  it('(b) messageReceived payloads have the real shapes', () => {
    expectSameShapes(real, page);
  });

  it('the notices are in the transcript, the session cookie is js-cookie encoded', () => {
    const notices = page.document.body.byTestId('chat-message').filter((n) => n.getAttribute('data-type') === 'injected');
    expect(notices.map((n) => n.textContent)).toEqual([FINALIZE_TEXT, FINALIZE_TEXT]);
    const value = page.document.cookie.split('; ').find((pair) => pair.startsWith(`${SESSION_COOKIE}=`))!.slice(SESSION_COOKIE.length + 1);
    expect(value).toMatch(/^\{%22messageIndex%22:%22\d+%22%2C%22token%22:%22[\w-]+\.[\w-]+\.[\w-]+%22\}$/);
  });
});

describe('sync chat, the finalize handler ends it (conformance/real-sync-end.json)', () => {
  const real = fixture('real-sync-end.json');
  let page: EmulatedPage;

  beforeAll(async () => {
    page = await openEmulatedPage(demo, false);
    const id = await openChat(page);
    await customerThenAgent(page, id, '', () => {
      demo.agent.join(id, 'Bob');
      demo.agent.say(id, 'How can I help?');
    });
    await page.until('the agent text', () => delivered(page, 'How can I help?'));
    command(page, 'WebChatService.sendMessage', { message: 'Just checking.' });
    await page.until('"Just checking."', () => delivered(page, 'Just checking.'));
    demo.agent.setState(id, 'Completed');
    await page.until('WebChat.completed', () => busHas(page, (e) => e.name === 'WebChat.completed'));
    await settle(page);
  }, SCENARIO_TIMEOUT_MS);

  it('(a) bus events and commands come in the real order', () => {
    expectRealOrder(real, page);
    const tail = comparable(page.bus()).slice(comparable(page.bus()).indexOf('command WebChat.endChat'));
    expect(tail).toEqual([
      'command WebChat.endChat', 'command WebChatService.endChat', 'event WebChatService.pollingStopped',
      'event WebChatService.data.sessionActive', 'event WebChatService.clientDisconnected', 'event WebChatService.ended',
      'command App.deregisterAutoLoad', 'event WebChatService.agentDisconnected', 'command App.deregisterAutoLoad',
      'event WebChat.messageAdded', 'event WebChat.completed',
    ]);
  });

  it('(a) no capabilitiesChanged on polls when async is off', () => {
    expect(afterEachPoll(page.bus())).not.toContain('event WebChatService.capabilitiesChanged');
    expect(afterEachPoll(real.bus)).not.toContain('event WebChatService.capabilitiesChanged');
  });

  it('(b) messageReceived payloads have the real shapes', () => {
    expectSameShapes(real, page);
  });

  it('the chat ended: "Chat Ended" in the transcript, the message box disabled', () => {
    expect(page.document.body.byTestId('chat-ended')[0]!.textContent).toBe('Chat Ended');
    expect(page.document.body.byTestId('chat-input')[0]!.disabled).toBe(true);
    const ended = page.records.filter((r: Any) => r.t === 'event' && r.name === 'WebChat.messageAdded').at(-1) as Any;
    expect(ended.data.message).toMatchObject({ text: 'Chat Ended', type: 'External', name: '', timestamp: 0 });
  });
});

describe('async restore on a page without Widgets cookies (the cross-domain sample\'s domain B)', () => {
  it('POSTs the saved token, gets the same session back, loads the transcript; CX Lens sees one session', { timeout: SCENARIO_TIMEOUT_MS }, async () => {
    const a = await openEmulatedPage(demo, true);
    const id = await openChat(a);
    demo.agent.say(id, 'Hello from domain A');
    await a.until('the agent text on A', () => delivered(a, 'Hello from domain A'));
    const cookieOf = (page: EmulatedPage) => page.document.cookie.split('; ').find((c) => c.startsWith(`${SESSION_COOKIE}=`))!;
    const savedOnA = cookieOf(a).slice(SESSION_COOKIE.length + 1);

    // The cookie iframe copies the value byte for byte to domain B, which has no Widgets cookies.
    const b = await openEmulatedPage(demo, true, [`${SESSION_COOKIE}=${savedOnA}`]);
    await b.until('the transcript on B', () => delivered(b, 'Hello from domain A'));
    const [post, transcript] = b.requests;
    expect(post!.method).toBe('POST');
    expect(post!.url).toBe(demo.urls.api + '/nexus/v3/chat/sessions');
    expect(post!.headers['x-nexus-client-key']).toBe(sessionTokenOf(savedOnA));
    expect(transcript!.method).toBe('GET');
    expect(new URL(transcript!.url).pathname).toBe(`/nexus/v3/chat/sessions/${id}/messages`);
    expect(new URL(transcript!.url).searchParams.get('count')).toBe('20');
    expect(demo.agent.sessions().filter((s) => s.id === id)).toHaveLength(1);
    expect(b.bus().some((e) => e.name === 'WebChatService.restored')).toBe(true);

    demo.agent.say(id, 'Still here on B');
    await b.until('the chat going on on B', () => delivered(b, 'Still here on B'));
    const onB = cookieOf(b).slice(SESSION_COOKIE.length + 1);
    expect(onB).not.toBe(savedOnA); // a newer messageIndex
    expect(sessionFingerprint(onB)).toBe(sessionFingerprint(savedOnA)); // the same session
  });
});
