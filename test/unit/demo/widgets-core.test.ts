// widgets-core emulation (App, WebChat, WebChatService with the pureengage-v3-rest transport)
// against the behaviour of the real Widgets 9.0 runtime and Digital Channels API, as
// test/demo/widgets/README.md lists it, driven through a fake Digital Channels API.
import { describe, expect, it } from 'vitest';
import { createPage, track, WIDGETS_CORE_SOURCE, type Any, type Page, type SeenRequest } from './widgets-vm';

const DATA_URL = 'https://dc.test/nexus/v3/chat/sessions';
const CORE_URL = '/widgets/plugins/widgets-core.min.js';
const SESSION = { sessionId: 's-1', transportId: 't-1', participantId: 'p-1' };
const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const TOKEN = `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url(SESSION)}.signature`;

function message(n: number, fields: Record<string, unknown>) {
  return { index: `1625826338845-${n}`, utcTime: new Date(1625826338845 + n).toISOString(), ...fields };
}
const agent = { type: 'Agent', nickname: 'Alex', participantId: 'a-1' };
const customer = { type: 'Customer', nickname: 'Ann', participantId: 'p-1' };
const finalizing = message(9, {
  type: 'System',
  from: { type: 'System', participantId: '00000000-0000-0000-0000-000000000000' },
  event: 'InteractionStateChange',
  data: { interactionState: 'Finalizing' },
  id: 'dba9117a',
});

/** A fake Digital Channels server: answers everything at once except long polls, which wait in
 *  `polls` until the test answers them. */
class FakeChatApi {
  polls: SeenRequest[] = [];
  history: unknown[] = [];
  handle = (request: SeenRequest) => {
    const url = new URL(request.url);
    const path = url.pathname;
    if (request.method === 'POST' && path === '/nexus/v3/chat/sessions') {
      request.respond(200, { status: { code: 'SUCCESS' }, data: { clientToken: TOKEN }, selfUri: '/nexus/v3/chat/sessions/s-1' });
    } else if (request.method === 'GET' && url.searchParams.has('count')) {
      request.respond(200, { status: { code: 'SUCCESS' }, data: { messages: this.history, chatEnded: false } });
    } else if (request.method === 'GET') {
      this.polls.push(request);
    } else {
      request.respond(200, { status: { code: 'SUCCESS' }, data: {}, chatEnded: request.method === 'DELETE' });
    }
  };
  /** Answers the oldest waiting poll. */
  answerPoll(status: number, body: unknown) {
    const poll = this.polls.shift();
    if (!poll) throw new Error('no poll is waiting');
    poll.respond(status, body);
  }
  deliver(messages: unknown[], extra: Record<string, unknown> = {}) {
    this.answerPoll(200, { status: { code: 'SUCCESS' }, data: { messages, lastDeliveredIndex: '1625826338845-9', chatEnded: false, ...extra } });
  }
}

interface ChatPage extends Page {
  api: FakeChatApi;
  events: Array<{ event: string; data: Any }>;
  CXBus: Any;
}

const EVENTS = [
  'App.ready', 'WebChat.ready', 'WebChat.opened', 'WebChat.closed', 'WebChat.cancelled', 'WebChat.minimized', 'WebChat.unminimized', 'WebChat.started', 'WebChat.submitted', 'WebChat.completed', 'WebChat.messageAdded',
  'WebChatService.ready', 'WebChatService.started', 'WebChatService.ended', 'WebChatService.messageReceived', 'WebChatService.error',
  'WebChatService.sessionLost', 'WebChatService.restored', 'WebChatService.agentConnected', 'WebChatService.clientDisconnected',
  'WebChatService.capabilitiesChanged', 'WebChatService.data.sessionActive',
];

async function loadWidgets(
  options: { webchat?: Any; extensions?: Any; onReady?: Any; history?: unknown[] } = {},
): Promise<ChatPage> {
  const api = new FakeChatApi();
  api.history = options.history ?? [];
  const webchat = options.webchat ?? {
    transport: { type: 'pureengage-v3-rest', dataURL: DATA_URL, endpoint: 'ep', headers: { 'x-api-key': 'key-1' }, pollTimeout: 1000 },
  };
  const page = createPage({
    genesys: { widgets: { webchat, extensions: options.extensions, onReady: options.onReady } },
    files: { [CORE_URL]: WIDGETS_CORE_SOURCE },
    onRequest: api.handle,
  }) as ChatPage;
  page.api = api;
  page.CXBus = page.window.CXBus;
  page.events = [];
  const spy = page.CXBus.registerPlugin('Spy');
  for (const name of EVENTS) spy.subscribe(name, (e: Any) => page.events.push({ event: e.event, data: e.data }));
  page.CXBus.configure({ pluginsPath: '/widgets/plugins/' });
  page.CXBus.loadPlugin('widgets-core');
  await page.clock.advance();
  return page;
}

function eventsNamed(page: ChatPage, name: string) {
  return page.events.filter((e) => e.event === name);
}

function form(request: SeenRequest): URLSearchParams {
  return new URLSearchParams(request.body ?? '');
}

async function startChat(page: ChatPage) {
  const opened = track(page.CXBus.command('WebChat.open', { form: { autoSubmit: true, firstname: 'Ann', lastname: 'Lee' } }));
  await page.clock.advance();
  expect(opened.state).toBe('resolved');
  expect(page.api.polls).toHaveLength(1);
}

function transcript(page: ChatPage) {
  return page.document.body.byTestId('chat-message').map((node) => ({ type: node.getAttribute('data-type'), text: node.textContent }));
}

describe('App boot', () => {
  it('sets up QuickBus, common, onReady, extensions, the sticky App.ready and Widgets.ready', async () => {
    const calls: Any[] = [];
    const page = await loadWidgets({
      onReady: (bus: Any) => calls.push(['onReady', bus]),
      extensions: { Mine: (...args: Any[]) => calls.push(['extension', ...args]) },
    });
    const widgets = page.window._genesys.widgets;
    expect(typeof widgets.bus.publish).toBe('function');
    expect(widgets.bus.namespace()).toBe('QuickBus');
    expect(widgets.bus.registerPlugin).toBe(page.CXBus.registerPlugin);
    expect(widgets.common).toBeTruthy();
    expect(calls[0]).toEqual(['onReady', widgets.bus]);
    expect(calls[1]).toEqual(['extension', null, page.CXBus, widgets.common]);
    expect(page.sessionStorage.getItem('Widgets.ready')).toBe('true');
    expect(eventsNamed(page, 'App.ready')[0].data).toBe(widgets);
    expect(eventsNamed(page, 'WebChat.ready')).toHaveLength(1);
    expect(eventsNamed(page, 'WebChatService.ready')).toHaveLength(1);
    expect(page.document.body.byTestId('chat-open-button')[0].visible).toBe(true);
    expect(page.document.body.byTestId('chat-window')[0].visible).toBe(false);
    const registry = page.CXBus.registerPlugin('Reader').registry();
    expect(Object.keys(registry)).toEqual(expect.arrayContaining(['CXBus', 'App', 'QuickBus', 'WebChat', 'WebChatService']));
    expect(registry.WebChatService.events).toContain('messageReceived');
  });
});

describe('a chat through the pureengage-v3-rest transport', () => {
  it('starts a session with a form-encoded POST and polls with the decoded session', async () => {
    const page = await loadWidgets();
    await startChat(page);
    const [create, poll] = page.requests;
    expect(create.method).toBe('POST');
    expect(create.url).toBe(DATA_URL);
    expect(create.headers['x-api-key']).toBe('key-1');
    expect(create.headers['x-nexus-client-key']).toBeUndefined();
    expect(create.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(create.body).toContain('data%5BfirstName%5D=Ann&data%5BlastName%5D=Lee&data%5Bnickname%5D=Ann&data%5Bendpoint%5D=ep');
    const body = form(create);
    expect(body.get('data[userData][_genesys_source]')).toBe('web');
    expect(body.get('data[userData][_genesys_url]')).toBe('http://shop.test/page');
    expect(body.get('operationId')).toMatch(/^[0-9a-f-]{36}$/);

    expect(eventsNamed(page, 'WebChatService.started')[0].data).toEqual({ data: { ...SESSION, token: TOKEN } });
    expect(eventsNamed(page, 'WebChat.started')).toHaveLength(1);
    const sessionActive = eventsNamed(page, 'WebChatService.data.sessionActive').map((e) => e.data.value);
    expect(sessionActive).toEqual([false, true]); // false when WebChatService became ready

    expect(poll.method).toBe('GET');
    const pollUrl = new URL(poll.url);
    expect(pollUrl.pathname).toBe('/nexus/v3/chat/sessions/s-1/messages');
    expect(pollUrl.searchParams.get('operationId')).toMatch(/^[0-9a-f-]{36}$/);
    expect(poll.headers['x-nexus-client-key']).toBe(TOKEN);
    expect(poll.headers['x-api-key']).toBe('key-1');
  });

  it('publishes messageReceived with transformed messages and deduplicated raw originals, System included', async () => {
    const page = await loadWidgets();
    await startChat(page);
    const joined = message(1, { type: 'ParticipantJoined', from: { ...agent } });
    const hello = message(2, { type: 'Text', text: 'Hello Ann', from: { ...agent } });
    const mine = message(3, { type: 'Text', text: 'Hi', from: { ...customer } });
    page.api.deliver([joined, hello, mine, finalizing]);
    await page.clock.advance();

    const received = eventsNamed(page, 'WebChatService.messageReceived');
    expect(received).toHaveLength(1);
    const data = received[0].data;
    expect(Object.keys(data).sort()).toEqual(['messages', 'oldMessages', 'originalMessages', 'restoring', 'sessionData']);
    expect(data.restoring).toBe(false);
    expect(data.originalMessages.map((m: Any) => m.index)).toEqual(['1625826338845-1', '1625826338845-2', '1625826338845-3', '1625826338845-9']);
    expect(data.originalMessages[3]).toMatchObject({ ...finalizing, from: { type: 'System' } });
    expect(data.messages.map((m: Any) => [m.index, m.type])).toEqual([
      ['16258263388451', 'ParticipantJoined'],
      ['16258263388452', 'Message'],
      ['16258263388453', 'Message'],
      ['16258263388459', 'System'],
    ]);
    expect(data.messages[2].from).toEqual({ name: 'Ann', type: 'Client', participantId: 'p-1' });
    // Like the real transport, the raw objects' `from` is renamed in place.
    expect(data.originalMessages[2].from).toMatchObject({ type: 'Client', name: 'Ann', id: 'p-1' });
    // connectedTime is undefined, as the real runtime's agentConnected shows it.
    expect(eventsNamed(page, 'WebChatService.agentConnected')[0].data.agents).toEqual({
      'a-1': { name: 'Alex', connected: true, supervisor: false, connectedTime: undefined, disconnectedTime: false },
    });
    // The next poll, pollTimeout later, carries the last raw index.
    await page.clock.advance(1000);
    expect(new URL(page.api.polls[0].url).searchParams.get('index')).toBe('1625826338845-9');

    // The same messages again: deduplicated, nothing published.
    page.api.deliver([hello, finalizing]);
    await page.clock.advance(1000);
    expect(eventsNamed(page, 'WebChatService.messageReceived')).toHaveLength(1);

    expect(transcript(page)).toEqual([
      { type: 'ParticipantJoined', text: expect.stringContaining('Alex joined') },
      { type: 'Message', text: expect.stringContaining('Hello Ann') },
      { type: 'Message', text: expect.stringContaining('Hi') },
    ]);
    expect(eventsNamed(page, 'WebChat.messageAdded')).toHaveLength(3);
  });

  it('throws on helper items inside data.messages, like the real transport, and keeps polling', async () => {
    const page = await loadWidgets();
    await startChat(page);
    page.api.deliver([finalizing, { lastDeliveredIndex: '1625826338845-9', chatEnded: false }, { operationId: 'op', referenceId: 'ref' }]);
    await page.clock.advance();
    expect(page.clock.uncaught).toHaveLength(1);
    expect((page.clock.uncaught[0] as Error).message).toBe("Cannot read properties of undefined (reading 'type')");
    expect(eventsNamed(page, 'WebChatService.messageReceived')).toHaveLength(0);
    await page.clock.advance(1000);
    expect(page.api.polls).toHaveLength(1);
    expect(page.localStorage.getItem('_genesys.widgets.chatPollPending')).toBe('true');
  });

  it('ends the session locally when a poll says chatEnded, and stops polling', async () => {
    const page = await loadWidgets();
    await startChat(page);
    expect(page.document.cookie).toContain('_genesys.widgets.webchat.state.pureengage-v3-rest.session=s-1');
    page.api.deliver([message(4, { type: 'ParticipantLeft', from: { ...agent } })], { chatEnded: true });
    await page.clock.advance(10_000);
    expect(page.api.polls).toHaveLength(0);
    expect(page.document.cookie).not.toContain('pureengage-v3-rest.session');
    const sent = track(page.CXBus.command('WebChatService.sendMessage', { message: 'still there?' }));
    await page.clock.advance();
    expect(sent).toEqual({ state: 'rejected', value: 'There is no active chat session.' });
  });

  it('sends messages form-encoded and ends the chat with DELETE of our participant', async () => {
    const page = await loadWidgets();
    await startChat(page);
    const empty = track(page.CXBus.command('WebChatService.sendMessage', { message: '  ' }));
    const sent = track(page.CXBus.command('WebChatService.sendMessage', { message: 'hi there' }));
    await page.clock.advance();
    expect(empty).toEqual({ state: 'rejected', value: 'No message text provided' });
    expect(sent.state).toBe('resolved');
    const send = page.requests.find((r) => r.method === 'POST' && r.url.endsWith('/s-1/messages'))!;
    expect(send.headers['x-nexus-client-key']).toBe(TOKEN);
    // The real transport's order: data[type]=Text&data[text]=…&operationId=…
    expect(send.body).toMatch(/^data%5Btype%5D=Text&data%5Btext%5D=hi\+there&operationId=[0-9a-f-]{36}$/);

    const ended = track(page.CXBus.command('WebChat.endChat'));
    await page.clock.advance();
    expect(ended.state).toBe('resolved');
    const remove = page.requests.find((r) => r.method === 'DELETE')!;
    expect(remove.url).toBe(`${DATA_URL}/s-1/participants/p-1`);
    expect(form(remove).get('operationId')).toMatch(/^[0-9a-f-]{36}$/);
    const order = page.events.map((e) => e.event).filter((name) => ['WebChatService.clientDisconnected', 'WebChatService.ended', 'WebChat.completed'].includes(name));
    expect(order).toEqual(['WebChatService.clientDisconnected', 'WebChatService.ended', 'WebChat.completed']);
    expect(page.document.body.byTestId('chat-ended')[0].textContent).toBe('Chat Ended');
    expect(page.document.body.byTestId('chat-input')[0].disabled).toBe(true);

    const again = track(page.CXBus.command('WebChat.endChat'));
    await page.clock.advance();
    expect(again).toEqual({ state: 'rejected', value: 'there is no active chat session to end' });
  });

  it('publishes error {errors:[{code, text, response}]} and backs off on a failing poll', async () => {
    const page = await loadWidgets();
    await startChat(page);
    page.api.answerPoll(500, { status: { code: 'SERVER_ERROR', message: 'boom' } });
    await page.clock.advance();
    const [error] = eventsNamed(page, 'WebChatService.error');
    expect(error.data.errors[0]).toMatchObject({ code: 'pureengage-v3-rest-SERVER_ERROR', text: 'boom', response: { status: 500 } });
    await page.clock.advance(1199);
    expect(page.api.polls).toHaveLength(0);
    await page.clock.advance(1);
    expect(page.api.polls).toHaveLength(1); // 1000 ms × 1.2
  });

  it('treats INVALID_SESSION as session lost: events, deleteSessionData, no more polls', async () => {
    const deleted: Any[] = [];
    const page = await loadWidgets({
      webchat: {
        transport: {
          type: 'pureengage-v3-rest', dataURL: DATA_URL, headers: { 'x-api-key': 'k' }, pollTimeout: 1000,
          async: { enabled: true, getSessionData() {}, setSessionData() {}, deleteSessionData: (...args: Any[]) => deleted.push(args) },
        },
      },
    });
    await startChat(page);
    page.api.answerPoll(404, { status: { code: 'INVALID_SESSION', message: 'gone' } });
    await page.clock.advance(10_000);
    expect(eventsNamed(page, 'WebChatService.sessionLost')[0].data).toMatchObject({ status: 404 });
    expect(eventsNamed(page, 'WebChatService.error')).toHaveLength(1);
    expect(deleted).toHaveLength(1);
    expect(deleted[0][0]).toMatchObject({ sessionData: { sessionId: 's-1' }, response: { status: 404 } });
    expect(deleted[0][2]).toEqual({ samesite: 'strict' });
    expect(page.api.polls).toHaveLength(0);
    expect(page.document.body.byTestId('chat-ended')).toHaveLength(1);
  });
});

describe('WebChat commands', () => {
  it('injectMessage: rejected without a chat, false for an unknown type, an "injected" entry otherwise', async () => {
    const page = await loadWidgets();
    const early = track(page.CXBus.command('WebChat.injectMessage', { text: 'x' }));
    await page.clock.advance();
    expect(early).toEqual({ state: 'rejected', value: 'No chat session to inject into.' });

    await startChat(page);
    const unknown = track(page.CXBus.command('WebChat.injectMessage', { type: 'video', text: 'x' }));
    const injected = track(
      page.CXBus.command('WebChat.injectMessage', { type: 'text', text: 'Please do not respond.', bubble: { time: false, fill: '#eee' } }),
    );
    await page.clock.advance();
    expect(unknown).toEqual({ state: 'resolved', value: false });
    expect(injected.state).toBe('resolved');
    expect((injected.value as Any).type).toBe('injected');
    const [entry] = page.document.body.byTestId('chat-message').filter((node) => node.getAttribute('data-type') === 'injected');
    expect(entry.textContent).toBe('Please do not respond.'); // time hidden
    expect(entry.style.background).toBe('#eee');
    expect(entry.getAttribute('data-direction')).toBe('none');
    expect(page.requests.filter((r) => r.method === 'POST' && r.url.endsWith('/messages'))).toHaveLength(0); // UI only
  });

  it('open rejects a second time with "already opened"; a registration form is shown without autoSubmit', async () => {
    const page = await loadWidgets();
    const first = track(page.CXBus.command('WebChat.open', { form: { firstname: 'Ann' } }));
    const second = track(page.CXBus.command('WebChat.open'));
    await page.clock.advance();
    expect(first.state).toBe('resolved');
    expect(second).toEqual({ state: 'rejected', value: 'already opened' });
    const formElement = page.document.body.byTestId('chat-form')[0];
    expect(formElement.visible).toBe(true);
    expect(page.document.body.byTestId('chat-form-firstname')[0].value).toBe('Ann');
    formElement.dispatch('submit');
    await page.clock.advance();
    expect(eventsNamed(page, 'WebChat.submitted')).toHaveLength(1);
    expect(form(page.requests[0]).get('data[firstName]')).toBe('Ann');
    expect(page.document.body.byTestId('chat-transcript')[0].visible).toBe(true);
  });

  it('the X button asks before ending a running chat; minimize toggles; close cancels an unsent form', async () => {
    const page = await loadWidgets();
    await startChat(page);
    const byId = (id: string) => page.document.body.byTestId(id)[0];
    byId('chat-close').click();
    expect(byId('chat-end-confirm').visible).toBe(true);
    expect(page.requests.some((r) => r.method === 'DELETE')).toBe(false);
    byId('chat-end-confirm').click();
    await page.clock.advance();
    expect(page.requests.some((r) => r.method === 'DELETE')).toBe(true);
    expect(byId('chat-ended').visible).toBe(true);

    page.CXBus.command('WebChat.minimize');
    await page.clock.advance();
    expect(byId('chat-transcript').visible).toBe(false);
    page.CXBus.command('WebChat.minimize', { minimized: false });
    await page.clock.advance();
    expect(byId('chat-transcript').visible).toBe(true);

    byId('chat-close').click(); // chat over: closes at once
    await page.clock.advance();
    expect(byId('chat-window').visible).toBe(false);
    expect(byId('chat-open-button').visible).toBe(true);

    byId('chat-open-button').click(); // a new chat: the form again
    await page.clock.advance();
    expect(byId('chat-form').visible).toBe(true);
    const closed = track(page.CXBus.command('WebChat.close'));
    await page.clock.advance();
    expect(closed.state).toBe('resolved');
    const names = page.events.map((e) => e.event).filter((n) => /^WebChat\.(opened|closed|cancelled|minimized|unminimized)$/.test(n));
    expect(names).toEqual([
      'WebChat.opened', 'WebChat.minimized', 'WebChat.unminimized', 'WebChat.closed', 'WebChat.opened', 'WebChat.cancelled', 'WebChat.closed',
    ]);
  });

  it('a WebChatService command that does not exist stays pending; poll is private', async () => {
    const page = await loadWidgets();
    const missing = track(page.CXBus.command('WebChatService.noSuchThing'));
    const poll = track(page.CXBus.command('WebChatService.poll'));
    await page.clock.advance(60_000);
    expect(missing.state).toBe('pending');
    expect(poll).toEqual({ state: 'rejected', value: 'Access Denied to private command. Only WebChatService is allowed to invoke this command' });
  });
});

describe('async mode (transport.async)', () => {
  function asyncWebchat(vault: { saved?: string }, calls: Any[]) {
    return {
      transport: {
        type: 'pureengage-v3-rest', dataURL: DATA_URL, headers: { 'x-api-key': 'k' }, pollTimeout: 1000,
        async: {
          enabled: true,
          getSessionData(sessionData: Any, Cookies: Any, options: Any) {
            calls.push({ sessionData, options, hasCookies: typeof Cookies.set === 'function' });
            Cookies.set('customer-session', JSON.stringify(sessionData), options);
          },
          setSessionData(openName: string, Cookies: Any) {
            calls.push({ openName });
            return vault.saved ?? Cookies.get('customer-session');
          },
        },
      },
    };
  }

  it('hands the session to getSessionData at start and after every new message index', async () => {
    const calls: Any[] = [];
    const page = await loadWidgets({ webchat: asyncWebchat({}, calls) });
    expect(eventsNamed(page, 'WebChatService.capabilitiesChanged')[0].data).toEqual({ async: true, asyncClose: 'endChat', pagination: true, fileUpload: true });
    await startChat(page);
    page.api.deliver([message(1, { type: 'Text', text: 'a', from: agent }), message(2, { type: 'Text', text: 'b', from: agent })]);
    await page.clock.advance();
    const stores = calls.filter((c) => c.sessionData);
    expect(stores.map((c) => c.sessionData)).toEqual([
      { messageIndex: 0, token: TOKEN },
      { messageIndex: '16258263388451', token: TOKEN },
      { messageIndex: '16258263388452', token: TOKEN },
    ]);
    expect(stores.every((c) => c.hasCookies && c.options.samesite === 'strict' && !('domain' in c.options))).toBe(true);
    expect(calls.find((c) => c.openName)).toEqual({ openName: '_genesys.widgets.webchat.state.pureengage-v3-rest.open' });
    // The page stored it with the Cookies it was given (js-cookie-like: path "/" plus the options).
    expect(decodeURIComponent(page.document.cookie.match(/customer-session=([^;]*)/)![1])).toBe(JSON.stringify(stores[2].sessionData));
    expect(page.document.cookieWrites.some((w) => /^customer-session=.*; path=\/; samesite=strict$/.test(w))).toBe(true);
  });

  it('restores on a page without Widgets cookies: POST with the saved token, GET ?count=N, restoring:true', async () => {
    const calls: Any[] = [];
    const vault = { saved: JSON.stringify({ messageIndex: '16258263388452', token: TOKEN }) };
    const history = [message(2, { type: 'Text', text: 'second', from: agent }), message(1, { type: 'Text', text: 'first', from: customer })];
    // No WebChat.open needed: WebChatService tries asyncRestore as soon as it is ready.
    const page = await loadWidgets({ webchat: asyncWebchat(vault, calls), history });

    const [post, transcriptRequest] = page.requests;
    expect(post.method).toBe('POST');
    expect(post.url).toBe(DATA_URL);
    expect(post.headers['x-nexus-client-key']).toBe(TOKEN);
    expect(post.headers['x-api-key']).toBe('k');
    expect(transcriptRequest.method).toBe('GET');
    expect(new URL(transcriptRequest.url).searchParams.get('count')).toBe('20');
    expect(eventsNamed(page, 'WebChatService.restored')[0].data).toEqual({ async: true });
    const [received] = eventsNamed(page, 'WebChatService.messageReceived');
    expect(received.data.restoring).toBe(true);
    expect(received.data.messages.map((m: Any) => m.text)).toEqual(['first', 'second']);
    expect(page.document.body.byTestId('chat-window')[0].visible).toBe(true);
    expect(transcript(page).map((entry) => entry.type)).toEqual(['Message', 'Message']);
    expect(page.api.polls).toHaveLength(1);
  });
});
