// The emulated Digital Channels API, agent API and Host-based demo sites, driven over HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemo, SESSIONS_PATH, type ChatMessage, type Demo } from '../../demo/server/index.mjs';

const POLL_TIMEOUT_MS = 600;
let demo: Demo;
let distDir: string;

beforeAll(async () => {
  distDir = mkdtempSync(join(tmpdir(), 'cx-demo-dist-'));
  writeFileSync(join(distDir, 'cookie-provider.min.js'), 'window.CookieProvider = function () {};');
  writeFileSync(join(distDir, 'manifest.json'), '{}');
  demo = await startDemo({ port: 0, apiPort: 0, distDir, pollTimeoutMs: POLL_TIMEOUT_MS });
});

afterAll(async () => {
  await demo?.close();
  rmSync(distDir, { recursive: true, force: true });
});

interface CallOptions {
  method?: string;
  form?: string;
  json?: unknown;
  token?: string;
  apiKey?: string | null;
  origin?: string;
}

async function call(path: string, options: CallOptions = {}) {
  const headers: Record<string, string> = {};
  if (options.apiKey !== null) headers['x-api-key'] = options.apiKey ?? demo.apiKey;
  if (options.token) headers['x-nexus-client-key'] = options.token;
  if (options.origin) headers.origin = options.origin;
  let body: string | undefined;
  if (options.form !== undefined) {
    headers['content-type'] = 'application/x-www-form-urlencoded; charset=UTF-8';
    body = options.form;
  } else if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  }
  const response = await fetch(demo.urls.api + path, { method: options.method ?? (body ? 'POST' : 'GET'), headers, body });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

function decode(token: string) {
  const [head, payload, signature] = token.split('.');
  return {
    head: JSON.parse(Buffer.from(head, 'base64url').toString()),
    payload: JSON.parse(Buffer.from(payload, 'base64url').toString()),
    signature,
  };
}

/** A new chat session, as Widgets starts one (jQuery form-encoded). */
async function newSession(firstName = 'Ann') {
  const created = await call(SESSIONS_PATH, {
    form: `data[firstName]=${firstName}&data[lastName]=Lee&data[endpoint]=demo&data[userData][topic]=billing&operationId=op-create`,
  });
  expect(created.status).toBe(200);
  const token: string = created.body.data.clientToken;
  const { sessionId, participantId } = decode(token).payload;
  const messagesPath = `${SESSIONS_PATH}/${sessionId}/messages`;
  return { token, sessionId, participantId, messagesPath, created };
}

async function poll(session: { token: string; messagesPath: string }, index?: string) {
  const query = `?operationId=op-poll${index ? `&index=${index}` : ''}`;
  return call(session.messagesPath + query, { token: session.token });
}

async function send(session: { token: string; messagesPath: string }, type: string, text = '') {
  return call(session.messagesPath, { token: session.token, form: `data[type]=${type}&data[text]=${encodeURIComponent(text)}&operationId=op-send` });
}

const stateOf = (m: ChatMessage) => m.data?.interactionState;
const systemStates = (messages: ChatMessage[]) => messages.filter((m) => m.type === 'System').map(stateOf);

describe('Digital Channels chat API', () => {
  it('creates a session whose clientToken is an HS256 JWT of {sessionId, transportId, participantId}', async () => {
    const { token, sessionId, participantId, created } = await newSession();
    expect(created.body.status).toEqual({ code: 'SUCCESS' });
    expect(created.body.selfUri).toBe(`${SESSIONS_PATH}/${sessionId}`);
    expect(created.body.operationId).toBe('op-create');
    const { head, payload } = decode(token);
    expect(head).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(Object.keys(payload).sort()).toEqual(['participantId', 'sessionId', 'transportId']);
    const session = demo.agent.session(sessionId);
    expect(session.participantId).toBe(participantId);
    expect(session.nickname).toBe('Ann Lee');
    expect(session.userData).toEqual({ topic: 'billing' });
  });

  it('accepts a JSON body too', async () => {
    const created = await call(SESSIONS_PATH, { json: { operationId: 'j1', data: { nickname: 'Jay' } } });
    expect(created.status).toBe(200);
    expect(demo.agent.session(decode(created.body.data.clientToken).payload.sessionId).nickname).toBe('Jay');
  });

  it('answers an async restore (POST with x-nexus-client-key) with the same session, never a new one', async () => {
    const { token, sessionId } = await newSession();
    const count = demo.agent.sessions().length;
    const restored = await call(SESSIONS_PATH, { token, form: 'data[firstName]=Ann&operationId=op-restore' });
    expect(restored.status).toBe(200);
    expect(restored.body.data.clientToken).toBe(token);
    expect(restored.body.selfUri).toBe(`${SESSIONS_PATH}/${sessionId}`);
    expect(demo.agent.sessions().length).toBe(count);

    const forged = token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    const bad = await call(SESSIONS_PATH, { token: forged, form: 'operationId=x' });
    expect(bad.status).toBe(401);
    expect(bad.body.status.code).toBe('INVALID_SESSION');

    // After the chat ended, the same saved token starts a new chat (a new session).
    demo.agent.end(sessionId);
    const afterEnd = await call(SESSIONS_PATH, { token, form: 'operationId=y' });
    expect(afterEnd.status).toBe(200);
    expect(decode(afterEnd.body.data.clientToken).payload.sessionId).not.toBe(sessionId);
  });

  it('refuses a missing or wrong x-api-key with a 401 envelope', async () => {
    for (const apiKey of [null, 'wrong-key']) {
      const response = await call(SESSIONS_PATH, { apiKey, form: 'data[firstName]=X&operationId=k1' });
      expect(response.status).toBe(401);
      expect(response.body.status.code).toBe('UNAUTHORIZED');
      expect(typeof response.body.status.message).toBe('string');
      expect(response.body.operationId).toBe('k1');
    }
  });

  it('checks x-nexus-client-key on session routes', async () => {
    const a = await newSession();
    const b = await newSession('Bob');
    expect((await call(a.messagesPath)).status).toBe(401);
    const crossed = await call(a.messagesPath, { token: b.token });
    expect(crossed.status).toBe(401);
    expect(crossed.body.status.code).toBe('UNAUTHORIZED');
  });

  it('answers CORS preflights for the demo origins only, naming both custom headers', async () => {
    for (const origin of [demo.urls.domainA, demo.urls.domainB, demo.urls.iframeHost, demo.urls.untrusted]) {
      const response = await fetch(demo.urls.api + SESSIONS_PATH, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-api-key,x-nexus-client-key' },
      });
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe(origin);
      const allowed = response.headers.get('access-control-allow-headers') ?? '';
      expect(allowed).toContain('x-api-key');
      expect(allowed).toContain('x-nexus-client-key');
    }
    const evil = await fetch(demo.urls.api + SESSIONS_PATH, { method: 'OPTIONS', headers: { origin: 'http://evil.test' } });
    expect(evil.status).toBe(403);
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();

    const created = await call(SESSIONS_PATH, { origin: demo.urls.domainB, form: 'operationId=c1' });
    expect(created.headers.get('access-control-allow-origin')).toBe(demo.urls.domainB);
    const refused = await call(SESSIONS_PATH, { origin: demo.urls.domainA, apiKey: 'bad', form: 'operationId=c2' });
    expect(refused.headers.get('access-control-allow-origin')).toBe(demo.urls.domainA); // the page can read the 401
  });

  it('long poll: first poll returns the customer joining; a held poll returns the agent message as soon as it is said', async () => {
    const session = await newSession();
    const first = await poll(session);
    expect(first.body.status).toEqual({ code: 'SUCCESS' });
    expect(first.body.data.messages.map((m: ChatMessage) => m.type)).toEqual(['ParticipantJoined']);
    expect(first.body.data.chatEnded).toBe(false);
    const last = first.body.data.lastDeliveredIndex;
    expect(last).toBe(first.body.data.messages[0].index);

    const started = Date.now();
    const held = poll(session, last);
    setTimeout(() => demo.agent.say(session.sessionId, 'Hello, how can I help?'), 100);
    const answer = await held;
    expect(Date.now() - started).toBeLessThan(POLL_TIMEOUT_MS);
    const texts = answer.body.data.messages.filter((m: ChatMessage) => m.type === 'Text');
    expect(texts).toHaveLength(1);
    const message = texts[0];
    expect(message.text).toBe('Hello, how can I help?');
    expect(message.from).toEqual({ type: 'Agent', nickname: 'Agent Alex', participantId: expect.any(String) });
    expect(message.index).toMatch(/^\d{13}-\d+$/);
    expect(message.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Date(message.utcTime).toISOString()).toBe(message.utcTime);
    expect(Object.keys(answer.body).sort()).toEqual(['data', 'operationId', 'referenceId', 'status']);
    expect(Object.keys(answer.body.data).sort()).toEqual(['chatEnded', 'lastDeliveredIndex', 'messages']);
  });

  it('long poll with nothing new answers an empty list after the poll timeout', async () => {
    const session = await newSession();
    const first = await poll(session);
    const started = Date.now();
    const empty = await poll(session, first.body.data.lastDeliveredIndex);
    expect(Date.now() - started).toBeGreaterThanOrEqual(POLL_TIMEOUT_MS - 50);
    expect(empty.body.data.messages).toEqual([]);
  });

  it('rejects a malformed index with 400', async () => {
    const session = await newSession();
    const response = await poll(session, '16258263388450');
    expect(response.status).toBe(400);
    expect(response.body.status.code).toBe('BAD_REQUEST');
  });

  it('history pages: ?count=N is the newest N, ?index=&count= the N before index, newest first', async () => {
    const session = await newSession();
    for (const text of ['one', 'two', 'three']) await send(session, 'Text', text);
    const newest = await call(`${session.messagesPath}?count=2&operationId=h1`, { token: session.token });
    expect(newest.body.data.messages.map((m: ChatMessage) => m.text)).toEqual(['three', 'two']);
    const before = await call(`${session.messagesPath}?index=${newest.body.data.messages[1].index}&count=5&operationId=h2`, { token: session.token });
    expect(before.body.data.messages.map((m: ChatMessage) => m.text ?? m.type)).toEqual(['one', 'ParticipantJoined']);
    const all = await call(`${session.messagesPath}?count=10000&operationId=h3`, { token: session.token });
    expect(all.body.data.messages).toHaveLength(4);
    expect((await call(`${session.messagesPath}?count=0`, { token: session.token })).status).toBe(400);
  });

  it('agent join, Finalizing and Completed produce System InteractionStateChange messages', async () => {
    const session = await newSession();
    demo.agent.join(session.sessionId, 'Sam');
    demo.agent.setState(session.sessionId, 'Finalizing');
    demo.agent.setState(session.sessionId, 'Completed');
    const { body } = await poll(session);
    const messages: ChatMessage[] = body.data.messages;
    expect(messages.map((m) => (m.type === 'System' ? `System:${stateOf(m)}` : `${m.type}:${m.from.type}`))).toEqual([
      'ParticipantJoined:Customer',
      'ParticipantJoined:Agent',
      'System:Active',
      'System:Finalizing',
      'System:Completed',
      'ParticipantLeft:Agent',
    ]);
    const finalizing = messages.find((m) => stateOf(m) === 'Finalizing')!;
    expect(finalizing).toEqual({
      type: 'System',
      from: { participantId: '00000000-0000-0000-0000-000000000000', type: 'System' },
      visibility: 'All',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      event: 'InteractionStateChange',
      data: { interactionState: 'Finalizing' },
      utcTime: expect.any(String),
      streamId: finalizing.index,
      index: expect.stringMatching(/^\d+-\d+$/),
    });
  });

  it('a customer message after Finalizing opens a new segment (Active again)', async () => {
    const session = await newSession();
    demo.agent.say(session.sessionId, 'Anything else?'); // joins on the way: segment 1
    demo.agent.setState(session.sessionId, 'Finalizing');
    const sent = await send(session, 'Text', 'thank you!');
    expect(sent.body).toMatchObject({ status: { code: 'SUCCESS' }, chatEnded: false, operationId: 'op-send' });
    const { body } = await poll(session);
    const messages: ChatMessage[] = body.data.messages;
    const thanks = messages.findIndex((m) => m.text === 'thank you!');
    expect(messages[thanks].from.type).toBe('Customer');
    expect(stateOf(messages[thanks + 1])).toBe('Active');
    expect(systemStates(messages)).toEqual(['Active', 'Finalizing', 'Active']);
    expect(demo.agent.session(session.sessionId).segment).toBe(2);
  });

  it('typing is shown to the agent but not stored; unknown message types are refused', async () => {
    const session = await newSession();
    expect((await send(session, 'TypingStarted')).status).toBe(200);
    expect(demo.agent.session(session.sessionId).customerTyping).toBe(true);
    await send(session, 'TypingStopped');
    expect(demo.agent.session(session.sessionId).customerTyping).toBe(false);
    expect(demo.agent.session(session.sessionId).messages).toHaveLength(1);
    expect((await send(session, 'Shout', 'x')).status).toBe(400);
  });

  it('disconnect ends the chat: polls and sends say chatEnded', async () => {
    const session = await newSession();
    const other = await call(`${SESSIONS_PATH}/${session.sessionId}/participants/not-me?operationId=d0`, { method: 'DELETE', token: session.token });
    expect(other.status).toBe(403);
    const gone = await call(`${SESSIONS_PATH}/${session.sessionId}/participants/${session.participantId}?operationId=d1`, {
      method: 'DELETE',
      token: session.token,
    });
    expect(gone.body).toMatchObject({ status: { code: 'SUCCESS' }, chatEnded: true, operationId: 'd1' });
    const { body } = await poll(session);
    expect(body.data.chatEnded).toBe(true);
    expect(body.data.messages.at(-1)).toMatchObject({ type: 'ParticipantLeft', from: { type: 'Customer' } });
    expect((await send(session, 'Text', 'hello?')).body.chatEnded).toBe(true);
  });

  it('an agent ending the chat wakes a held poll with chatEnded: true', async () => {
    const session = await newSession();
    const first = await poll(session);
    const held = poll(session, first.body.data.lastDeliveredIndex);
    setTimeout(() => demo.agent.end(session.sessionId), 50);
    const { body } = await held;
    expect(body.data.chatEnded).toBe(true);
  });
});

describe('agent HTTP API', () => {
  async function agentPost(id: string, action: string, json?: unknown, contentType = 'application/json') {
    const response = await fetch(`${demo.urls.api}/agent/api/sessions/${id}/${action}`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: json === undefined ? '' : JSON.stringify(json),
    });
    return { status: response.status, body: await response.json() };
  }

  it('lists sessions with their transcript and drives join, say, state and end', async () => {
    const session = await newSession('Zoe');
    const listed = await (await fetch(`${demo.urls.api}/agent/api/sessions`)).json();
    expect(listed.sessions.find((s: { id: string }) => s.id === session.sessionId).messages[0].type).toBe('ParticipantJoined');

    expect((await agentPost(session.sessionId, 'join', { nickname: 'Kim' })).body.session.agentNickname).toBe('Kim');
    expect((await agentPost(session.sessionId, 'say', { text: 'hi Zoe' })).status).toBe(200);
    const finalized = await agentPost(session.sessionId, 'state', { state: 'Finalizing' });
    expect(finalized.body.session.interactionState).toBe('Finalizing');
    expect((await agentPost(session.sessionId, 'state', { state: 'Paused' })).body.session.interactionState).toBe('Paused');
    expect((await agentPost(session.sessionId, 'state', { state: '<b>' })).status).toBe(400);
    expect((await agentPost(session.sessionId, 'say', {})).status).toBe(400);
    expect((await agentPost(session.sessionId, 'end')).body.session.ended).toBe(true);
    expect((await agentPost(session.sessionId, 'say', { text: 'late' })).status).toBe(409);

    const { body } = await poll(session);
    expect(body.data.messages.filter((m: ChatMessage) => m.from.type === 'Agent').map((m: ChatMessage) => m.text ?? m.type)).toEqual([
      'ParticipantJoined',
      'hi Zoe',
      'ParticipantLeft',
    ]);
  });

  it('refuses non-JSON posts (no cross-site driving) and unknown sessions', async () => {
    const session = await newSession();
    expect((await agentPost(session.sessionId, 'join', undefined, 'text/plain')).status).toBe(415);
    expect((await agentPost('no-such-session', 'join')).status).toBe(404);
    expect((await fetch(`${demo.urls.api}/agent/api/sessions/${session.sessionId}/join`, { method: 'OPTIONS' })).headers.get('access-control-allow-origin')).toBeNull();
  });

  it("malformed-next-poll: the next poll with messages has the guide's sample shape, the one after is well-formed", async () => {
    const session = await newSession();
    const first = await poll(session);
    expect((await agentPost(session.sessionId, 'malformed-next-poll')).body.session.malformedNextPoll).toBe(true);
    demo.agent.setState(session.sessionId, 'Finalizing');
    const malformed = (await poll(session, first.body.data.lastDeliveredIndex)).body;
    expect(Object.keys(malformed.data)).toEqual(['messages']);
    const [state, delivered, operation] = malformed.data.messages;
    expect(stateOf(state)).toBe('Finalizing');
    expect(delivered).toEqual({ lastDeliveredIndex: state.index, chatEnded: false });
    expect(operation).toEqual({ operationId: 'op-poll', referenceId: expect.any(String) });
    expect(malformed.data.messages).toHaveLength(3);

    demo.agent.say(session.sessionId, 'next');
    const wellFormed = (await poll(session, state.index)).body;
    expect(wellFormed.data.messages.every((m: ChatMessage) => typeof m.from?.type === 'string')).toBe(true);
    expect(wellFormed.data.lastDeliveredIndex).toBeDefined();
  });

  it('serves the agent console page', async () => {
    const response = await fetch(`${demo.urls.api}/agent`);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(await response.text()).toContain('data-testid="agent-sessions"');
  });
});

describe('demo sites chosen by Host', () => {
  function get(address: string, host: string, path: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request({ host: address, port: demo.sitePort, path, headers: { host } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  const P = () => demo.sitePort;
  const siteOf = (body: string) => JSON.parse(body.replace(/^window\.CX_DEMO = /, '').replace(/;\s*$/, '')).site;

  it('listens on 127.0.0.1, ::1 and 127.0.0.2 and picks the site from the Host header', async () => {
    expect(siteOf((await get('127.0.0.1', `localhost:${P()}`, '/demo-config.js')).body)).toBe('A');
    expect(siteOf((await get('127.0.0.1', `127.0.0.1:${P()}`, '/demo-config.js')).body)).toBe('B');
    expect(siteOf((await get('::1', `[::1]:${P()}`, '/demo-config.js')).body)).toBe('iframe');
    expect(siteOf((await get('127.0.0.2', `127.0.0.2:${P()}`, '/demo-config.js')).body)).toBe('untrusted');
    expect((await get('127.0.0.1', `example.com:${P()}`, '/')).status).toBe(421);
  });

  it('serves each site its own pages', async () => {
    expect((await get('127.0.0.2', `127.0.0.2:${P()}`, '/steal.html')).status).toBe(200);
    expect((await get('127.0.0.1', `localhost:${P()}`, '/steal.html')).status).toBe(404);
    expect((await get('127.0.0.2', `127.0.0.2:${P()}`, '/chat.html')).status).toBe(404);
    for (const page of ['/chat.html', '/chat-sync.html', '/inline-bus.html', '/async-bus.html', '/payloads.html', '/bench.html', '/xdomain.html']) {
      expect((await get('127.0.0.1', `127.0.0.1:${P()}`, page)).status, page).toBe(200);
    }
    const config = JSON.parse((await get('127.0.0.1', `localhost:${P()}`, '/demo-config.js')).body.replace(/^window\.CX_DEMO = |;\s*$/g, ''));
    expect(config.dataURL).toBe(`${demo.urls.api}${SESSIONS_PATH}`);
    expect(config.iframeURL).toBe(`http://[::1]:${P()}/cx-lens/iframe.html`);
  });

  it('the iframe host serves iframe pages whose TRUSTED_DOMAINS are domain A and B, or B without A', async () => {
    const trusted = (await get('::1', `[::1]:${P()}`, '/cx-lens/iframe.html')).body;
    const list = JSON.parse(/var TRUSTED_DOMAINS = (\[.*\]);/.exec(trusted)![1]);
    expect(list).toEqual([demo.urls.domainA, demo.urls.domainB]);
    expect(trusted.indexOf('TRUSTED_DOMAINS')).toBeLessThan(trusted.indexOf('/cx-lens/iframe.min.js'));
    const without = (await get('::1', `[::1]:${P()}`, '/cx-lens/iframe-without-a.html')).body;
    const withoutList: string[] = JSON.parse(/var TRUSTED_DOMAINS = (\[.*\]);/.exec(without)![1]);
    expect(withoutList).toContain(demo.urls.domainB);
    expect(withoutList).not.toContain(demo.urls.domainA);
  });

  it('serves the dist standalone files at /cx-lens/ and nothing else of dist', async () => {
    const provider = await get('127.0.0.1', `localhost:${P()}`, '/cx-lens/cookie-provider.min.js');
    expect(provider.status).toBe(200);
    expect(provider.body).toContain('CookieProvider');
    expect((await get('127.0.0.1', `localhost:${P()}`, '/cx-lens/iframe.min.js')).status).toBe(404); // not built here
    expect((await get('127.0.0.1', `localhost:${P()}`, '/cx-lens/manifest.json')).status).toBe(404);
    expect((await get('127.0.0.1', `localhost:${P()}`, '/widgets/../server/index.mjs')).status).toBe(404);
  });

  it('inlines the bus into inline-bus.html and sends a strict CSP on ?csp=strict', async () => {
    const inline = (await get('127.0.0.1', `localhost:${P()}`, '/inline-bus.html')).body;
    expect(inline).not.toContain('@inline-script');
    expect(inline.indexOf('<script>')).toBeLessThan(inline.indexOf("registerPlugin('Inline')"));
    expect(inline.indexOf('<script')).toBeLessThan(inline.indexOf('<meta'));
    const strict = await get('127.0.0.1', `localhost:${P()}`, '/chat.html?csp=strict');
    expect(strict.headers['content-security-policy']).toContain("script-src 'self'");
    expect(strict.body).not.toMatch(/<script>(?!\s*<\/script>)/); // no inline code on a page that claims CSP safety
  });
});
