// The Widgets emulation's cookies, as the real Widgets 9.0 runtime writes them: js-cookie's
// encoding (the `Cookies` it hands to getSessionData/setSessionData and its own state cookies),
// the cookie names and the options {samesite: "strict"}, and the values CX Lens reads back.
import { describe, expect, it } from 'vitest';
import { decodeCookieJson, sessionTokenOf } from '../../../src/cookie/cookie-values';
import { createPage, WIDGETS_CORE_SOURCE, type Any, type Page, type SeenRequest } from './widgets-vm';

const DATA_URL = 'https://dc.test/nexus/v3/chat/sessions';
const CORE_URL = '/widgets/plugins/widgets-core.min.js';
const SESSION = { sessionId: '1161ccf3-2e21-4aed-8c1e-b849c888c964', transportId: 't1', participantId: 'd48fa01d-f1f8-4b85-acd0-dada03a0d3c0' };
const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const TOKEN = `${base64url({ alg: 'HS256' })}.${base64url(SESSION)}.sig`;
const CUSTOMER_COOKIE = 'customer-defined-session-cookie';

interface CookiePage extends Page {
  CXBus: Any;
  /** The Cookies and options of the last getSessionData call. */
  stored: Array<{ sessionData: Any; Cookies: Any; options: Any }>;
  polls: SeenRequest[];
}

/** Widgets with the guide's async functions, against a server that answers at once (polls wait). */
async function loadAsyncWidgets(): Promise<CookiePage> {
  const stored: CookiePage['stored'] = [];
  const polls: SeenRequest[] = [];
  const page = createPage({
    genesys: {
      widgets: {
        webchat: {
          transport: {
            type: 'pureengage-v3-rest', dataURL: DATA_URL, headers: { 'x-api-key': 'k' }, pollTimeout: 1000,
            async: {
              enabled: true,
              getSessionData(sessionData: Any, Cookies: Any, options: Any) {
                stored.push({ sessionData, Cookies, options });
                Cookies.set(CUSTOMER_COOKIE, JSON.stringify(sessionData), options);
              },
              setSessionData(_open: string, Cookies: Any) {
                return Cookies.get(CUSTOMER_COOKIE);
              },
            },
          },
        },
      },
    },
    files: { [CORE_URL]: WIDGETS_CORE_SOURCE },
    onRequest: (request) => {
      const url = new URL(request.url);
      if (request.method === 'POST' && url.pathname.endsWith('/sessions')) request.respond(200, { status: { code: 'SUCCESS' }, data: { clientToken: TOKEN } });
      else if (request.method === 'GET' && !url.searchParams.has('count')) polls.push(request);
      else request.respond(200, { status: { code: 'SUCCESS' }, data: { messages: [] } });
    },
  }) as CookiePage;
  page.CXBus = page.window.CXBus;
  page.stored = stored;
  page.polls = polls;
  page.CXBus.configure({ pluginsPath: '/widgets/plugins/' });
  page.CXBus.loadPlugin('widgets-core');
  await page.clock.advance();
  return page;
}

function cookieValue(page: Page, name: string): string | undefined {
  const pair = page.document.cookie.split('; ').find((p) => p.startsWith(`${name}=`));
  return pair?.slice(name.length + 1);
}

async function startChatWithAgentMessage(page: CookiePage) {
  page.CXBus.command('WebChat.open', { form: { autoSubmit: true, firstname: 'Ann' } });
  await page.clock.advance();
  page.polls.shift()!.respond(200, {
    status: { code: 'SUCCESS' },
    data: {
      messages: [
        { index: '1700000000001-0', type: 'ParticipantJoined', utcTime: '2026-11-28T04:39:40.293Z', from: { type: 'Customer', nickname: 'Ann', participantId: SESSION.participantId } },
        { index: '1700000000003-0', type: 'ParticipantJoined', utcTime: '2026-11-28T04:39:40.521Z', from: { type: 'Agent', nickname: 'Bob', participantId: 'agent-1' } },
      ],
      lastDeliveredIndex: '1700000000003-0',
      chatEnded: false,
    },
    operationId: 'op',
    referenceId: 'ref',
  });
  await page.clock.advance();
}

describe('the Cookies handed to getSessionData (js-cookie)', () => {
  it('set writes js-cookie\'s encoding: " , and space encoded, { } : [ ] kept; path "/" and the options', async () => {
    const page = await loadAsyncWidgets();
    await startChatWithAgentMessage(page);
    const { Cookies, options } = page.stored.at(-1)!;
    expect(options).toEqual({ samesite: 'strict' });
    const written = Cookies.set('probe', JSON.stringify({ a: 'b c', d: [1, 2], e: '#$&+/<=>?@^`|\\' }), options);
    expect(written).toBe('probe={%22a%22:%22b%20c%22%2C%22d%22:[1%2C2]%2C%22e%22:%22#$&+/<=>?@^`|%5C%5C%22}; path=/; samesite=strict');
    expect(Cookies.get('probe')).toBe(JSON.stringify({ a: 'b c', d: [1, 2], e: '#$&+/<=>?@^`|\\' }));
    expect(Cookies.set('a(b)', 'x')).toBe('a%28b%29=x; path=/');
    expect(Cookies.get('a(b)')).toBe('x');
  });

  it('get decodes every run of escapes, skips an undecodable cookie, and lists all without a name', async () => {
    const page = await loadAsyncWidgets();
    const Cookies = await cookiesOf(page);
    page.document.cookie = 'broken=%E0%A4%A';
    page.document.cookie = 'quoted="%7B%22x%22:1%7D"';
    expect(Cookies.get('broken')).toBeUndefined();
    expect(Cookies.get('quoted')).toBe('{"x":1}');
    expect(Cookies.get()).toMatchObject({ quoted: '{"x":1}' });
    Cookies.remove('quoted');
    expect(Cookies.get('quoted')).toBeUndefined();
  });
});

async function cookiesOf(page: CookiePage): Promise<Any> {
  await startChatWithAgentMessage(page);
  return page.stored.at(-1)!.Cookies;
}

describe('the cookies of a chat, as on the real runtime', () => {
  it('names and values like the real document.cookie after the agent\'s first message', async () => {
    const page = await loadAsyncWidgets();
    await startChatWithAgentMessage(page);
    expect(cookieValue(page, '_genesys.widgets.webchat.state.open')).toBe('true');
    expect(cookieValue(page, '_genesys.widgets.webchat.state.pureengage-v3-rest.session')).toBe(SESSION.sessionId);
    expect(cookieValue(page, '_genesys.widgets.app.autoLoadList')).toBe('{%22WebChatService%22:true%2C%22WebChat%22:true}');
    expect(cookieValue(page, '_genesys.widgets.webchat.state.pureengage-v3-rest.index')).toBe('17000000000030');
    expect(cookieValue(page, '_genesys.widgets.webchat.state.pureengage-v3-rest.keys')).toBeUndefined(); // async: the page keeps the token
    expect(cookieValue(page, CUSTOMER_COOKIE)).toBe(`{%22messageIndex%22:%2217000000000030%22%2C%22token%22:%22${TOKEN}%22}`);
  });

  it('the session cookie is not JSON as it is, but CX Lens reads it: same token, messageIndex moving on', async () => {
    const page = await loadAsyncWidgets();
    await startChatWithAgentMessage(page);
    const values = page.document.cookieWrites.filter((w) => w.startsWith(`${CUSTOMER_COOKIE}=`)).map((w) => w.split('; ')[0]!.slice(CUSTOMER_COOKIE.length + 1));
    expect(values.length).toBeGreaterThanOrEqual(3); // at the start and after each new message index
    expect(() => JSON.parse(values.at(-1)!)).toThrow();
    expect(values.map((v) => (decodeCookieJson(v) as Any).messageIndex)).toEqual([0, '17000000000010', '17000000000030']);
    expect(new Set(values.map(sessionTokenOf))).toEqual(new Set([TOKEN]));
  });

  it('the chat\'s end takes both plugins out of the autoLoadList cookie; closing drops the open cookie', async () => {
    const page = await loadAsyncWidgets();
    await startChatWithAgentMessage(page);
    page.CXBus.command('WebChat.endChat');
    await page.clock.advance();
    expect(cookieValue(page, '_genesys.widgets.app.autoLoadList')).toBe('{}');
    page.CXBus.command('WebChat.close');
    await page.clock.advance();
    expect(cookieValue(page, '_genesys.widgets.webchat.state.open')).toBeUndefined();
  });
});
