// The agent side of the emulated chat: the console page (/agent) and its JSON API
// (/agent/api/...), which tests drive too. Same-origin only: no CORS headers, and POSTs must be
// application/json, so a demo page on another origin cannot drive the agent.
import { fileURLToPath } from 'node:url';
import { ChatError } from './chat-store.mjs';
import { HttpError, readBody, sendJson, serveFile } from './http-util.mjs';

const CONSOLE_DIR = fileURLToPath(new URL('../pages/agent/', import.meta.url));
const ACTIONS = ['join', 'say', 'state', 'end', 'malformed-next-poll'];
const STATUS_OF = { NOT_FOUND: 404, ENDED: 409, BAD_REQUEST: 400 };

/** @param {ReturnType<import('./chat-store.mjs').createChatStore>} store */
export function createAgentApi(store) {
  const act = {
    join: (id, body) => store.agent.join(id, body.nickname),
    say: (id, body) => store.agent.say(id, body.text),
    state: (id, body) => store.agent.setState(id, body.state),
    end: (id) => store.agent.end(id),
    'malformed-next-poll': (id) => store.agent.malformedNextPoll(id),
  };

  return async function handleAgent(req, res, url) {
    const path = url.pathname;
    if (!path.startsWith('/agent/api/')) {
      if (req.method !== 'GET') return sendJson(res, 405, { error: 'method not allowed' });
      const file = path === '/agent' || path === '/agent/' ? 'index.html' : path.slice('/agent/'.length);
      if (await serveFile(res, CONSOLE_DIR, file)) return;
      return sendJson(res, 404, { error: `no file ${path}` });
    }

    const [resource, id, action, extra] = path.slice('/agent/api/'.length).split('/');
    if (resource !== 'sessions' || extra !== undefined) return sendJson(res, 404, { error: `no route ${path}` });
    try {
      if (req.method === 'GET' && !id) return sendJson(res, 200, { sessions: store.agent.list() });
      if (req.method === 'GET' && id && !action) return sendJson(res, 200, { session: store.agent.get(id) });
      if (req.method === 'POST' && id && ACTIONS.includes(action)) {
        if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) {
          return sendJson(res, 415, { error: 'send Content-Type: application/json' });
        }
        const text = await readBody(req);
        let body = {};
        try {
          body = text ? JSON.parse(text) : {};
        } catch {
          return sendJson(res, 400, { error: 'body is not valid JSON' });
        }
        return sendJson(res, 200, { session: act[action](id, body ?? {}) });
      }
      return sendJson(res, 404, { error: `no route ${req.method} ${path}` });
    } catch (error) {
      if (error instanceof ChatError) return sendJson(res, STATUS_OF[error.code], { error: error.message });
      if (error instanceof HttpError) return sendJson(res, error.status, { error: error.message });
      throw error;
    }
  };
}
