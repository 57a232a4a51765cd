// Emulated Digital Channels chat API ("nexus v3"), as the Widgets pureengage-v3-rest transport
// uses it: session create and async restore, long poll and history,
// send, disconnect; x-api-key and x-nexus-client-key checked; CORS for the demo sites.
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { HttpError, parseBody, readBody, sendJson } from './http-util.mjs';
import { ChatError } from './chat-store.mjs';

export const SESSIONS_PATH = '/nexus/v3/chat/sessions';
export const DEMO_API_KEY = 'cxlens-demo-7f3a9c2e51d84b06';
export const DEMO_ENDPOINT = 'demo';
// Fixed on purpose: after a restart, old tokens still verify and get INVALID_SESSION (session
// lost, as a real server answers), rather than a confusing signature failure.
const SIGNING_KEY = 'cx-lens-demo-signing-key';
const MAX_PAGE = 10000;
const SEND_TYPES = new Set(['Text', 'TypingStarted', 'TypingStopped']);

const base64url = (input) => Buffer.from(input).toString('base64url');

/** HS256 JWT whose payload is exactly {sessionId, transportId, participantId}. */
export function signClientToken({ sessionId, transportId, participantId }) {
  const head = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = base64url(JSON.stringify({ sessionId, transportId, participantId }));
  const signature = createHmac('sha256', SIGNING_KEY).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${signature}`;
}

/** The token's payload when its signature is ours, else null. */
export function verifyClientToken(token) {
  const parts = String(token).split('.');
  if (parts.length !== 3) return null;
  const expected = Buffer.from(createHmac('sha256', SIGNING_KEY).update(`${parts[0]}.${parts[1]}`).digest('base64url'));
  const given = Buffer.from(parts[2]);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    return JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    return null;
  }
}

/**
 * @param {{store: ReturnType<import('./chat-store.mjs').createChatStore>, apiKey?: string, allowedOrigins: () => string[]}} options
 * @returns {(req, res, url: URL) => Promise<void>} handler for paths under SESSIONS_PATH
 */
export function createChatApi({ store, apiKey = DEMO_API_KEY, allowedOrigins }) {
  return async function handleChatApi(req, res, url) {
    const cors = corsHeaders(req.headers.origin, allowedOrigins());
    const reply = (status, body) => sendJson(res, status, body, cors);
    const referenceId = randomUUID();
    let operationId = url.searchParams.get('operationId') ?? undefined;
    const fail = (status, code, message) => reply(status, { status: { code, message }, operationId, referenceId });

    if (req.method === 'OPTIONS') {
      if (req.headers.origin && !cors['access-control-allow-origin']) return fail(403, 'FORBIDDEN', 'origin not allowed');
      res.writeHead(204, {
        ...cors,
        'access-control-allow-methods': 'GET, POST, PUT, DELETE, OPTIONS',
        'access-control-allow-headers': 'x-api-key, x-nexus-client-key, content-type',
        'access-control-max-age': '600',
      });
      return res.end();
    }

    try {
      const body = req.method === 'GET' || req.method === 'DELETE' ? {} : parseBody(await readBody(req), req.headers['content-type']);
      if (typeof body.operationId === 'string') operationId = body.operationId;
      if (req.headers['x-api-key'] !== apiKey) return fail(401, 'UNAUTHORIZED', 'missing or invalid x-api-key');

      const rest = url.pathname.slice(SESSIONS_PATH.length).split('/').filter(Boolean);
      if (rest.length === 0 && req.method === 'POST') return createOrRestore(body);
      if (rest.length === 0) return fail(405, 'METHOD_NOT_ALLOWED', `${req.method} is not allowed here`);

      const session = authorizedSession(rest[0]);
      if (!session) return;
      const route = `${req.method} ${rest.slice(1).join('/')}`;
      if (route === 'GET messages') return await getMessages(session);
      if (route === 'POST messages') return sendMessage(session, body.data ?? {});
      if (route === 'PUT userdata') {
        if (body.data && typeof body.data === 'object') Object.assign(session.userData, body.data);
        return reply(200, { status: { code: 'SUCCESS' }, data: {}, operationId, referenceId });
      }
      if (req.method === 'DELETE' && rest[1] === 'participants' && rest.length === 3) return disconnect(session, rest[2]);
      return fail(404, 'NOT_FOUND', `no route ${req.method} ${url.pathname}`);
    } catch (error) {
      if (error instanceof ChatError && error.code === 'BAD_REQUEST') return fail(400, 'BAD_REQUEST', error.message);
      if (error instanceof HttpError) return fail(error.status, error.code, error.message);
      throw error;
    }

    function createOrRestore(body) {
      const restoreToken = req.headers['x-nexus-client-key'];
      let session;
      const claims = restoreToken ? verifyClientToken(restoreToken) : null;
      const saved = claims && store.find(claims.sessionId);
      if (restoreToken && !saved) return fail(401, 'INVALID_SESSION', 'the session of this x-nexus-client-key does not exist');
      if (saved && !saved.ended) {
        // Async restore: the same session's token, never a new session (Widgets restores with the
        // token it gets back, so a new session here breaks cross-domain restore).
        session = saved;
      } else {
        // A first chat, or a new one after the saved session ended: the guide's pages keep the old
        // token (they have no deleteSessionData), and Widgets sends it on every startChat.
        const data = body.data && typeof body.data === 'object' ? body.data : {};
        session = store.createSession(data);
        session.clientToken = signClientToken({ sessionId: session.id, transportId: session.transportId, participantId: session.participantId });
      }
      return reply(200, {
        status: { code: 'SUCCESS' },
        data: { clientToken: session.clientToken },
        selfUri: `${SESSIONS_PATH}/${session.id}`,
        operationId,
        referenceId,
      });
    }

    function authorizedSession(sessionId) {
      const token = req.headers['x-nexus-client-key'];
      if (!token) return void fail(401, 'UNAUTHORIZED', 'missing x-nexus-client-key');
      const claims = verifyClientToken(token);
      if (!claims || claims.sessionId !== sessionId) return void fail(401, 'UNAUTHORIZED', 'x-nexus-client-key is not valid for this session');
      const session = store.find(sessionId);
      if (!session) return void fail(404, 'INVALID_SESSION', 'session not found');
      return session;
    }

    async function getMessages(session) {
      const count = url.searchParams.get('count');
      const index = url.searchParams.get('index') ?? undefined;
      if (count !== null) {
        const size = Number(count);
        if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE) return fail(400, 'BAD_REQUEST', `count must be 1..${MAX_PAGE}`);
        const page = store.history(session, size, index);
        return reply(200, { status: { code: 'SUCCESS' }, data: page, operationId, referenceId });
      }
      const aborted = new AbortController();
      res.on('close', () => aborted.abort());
      const { messages, chatEnded, lastDeliveredIndex, malformed } = await store.poll(session, index, aborted.signal);
      if (res.destroyed) return;
      if (malformed) {
        // The seed guide's sample shape: helper objects as items of data.messages.
        return reply(200, {
          status: { code: 'SUCCESS' },
          data: { messages: [...messages, { lastDeliveredIndex, chatEnded }, { operationId, referenceId }] },
        });
      }
      return reply(200, { status: { code: 'SUCCESS' }, data: { messages, lastDeliveredIndex, chatEnded }, operationId, referenceId });
    }

    function sendMessage(session, data) {
      if (!SEND_TYPES.has(data.type)) return fail(400, 'BAD_REQUEST', `data[type] must be one of ${[...SEND_TYPES].join(', ')}`);
      if (data.type === 'Text' && (typeof data.text !== 'string' || !data.text)) return fail(400, 'BAD_REQUEST', 'data[text] is required');
      store.customerSend(session, data.type, data.text);
      return reply(200, { status: { code: 'SUCCESS' }, data: {}, chatEnded: session.ended, operationId, referenceId });
    }

    function disconnect(session, participantId) {
      if (participantId !== session.participantId) return fail(403, 'FORBIDDEN', 'a customer can only remove itself');
      store.customerLeave(session);
      return reply(200, { status: { code: 'SUCCESS' }, data: {}, chatEnded: true, operationId, referenceId });
    }
  };
}

function corsHeaders(origin, allowed) {
  if (!origin || !allowed.includes(origin)) return { vary: 'Origin' };
  return { 'access-control-allow-origin': origin, vary: 'Origin' };
}
