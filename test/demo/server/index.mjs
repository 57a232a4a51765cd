// startDemo(): the emulated Digital Channels API + agent console on one port, and the demo sites
// on another, for `npm run demo` (../start.mjs) and for tests.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createChatStore } from './chat-store.mjs';
import { createChatApi, DEMO_API_KEY, DEMO_ENDPOINT, SESSIONS_PATH } from './digital-channels.mjs';
import { createAgentApi } from './agent.mjs';
import { createSites, siteOrigins, SITE_HOSTS } from './sites.mjs';
import { guard, listenOnHosts, sendJson, sendText } from './http-util.mjs';

export { DEMO_API_KEY, DEMO_ENDPOINT, SESSIONS_PATH } from './digital-channels.mjs';
export { SESSION_COOKIE_NAME } from './sites.mjs';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const API_HOSTS = ['127.0.0.1', '::1'];

export function defaultDistDir() {
  return resolve(REPO_ROOT, process.env.CX_LENS_DIST ?? 'dist');
}

export async function startDemo({ port = 0, apiPort = 0, distDir = defaultDistDir(), pollTimeoutMs } = {}) {
  const store = createChatStore({ pollTimeoutMs });
  const ctx = { port: 0, apiOrigin: '', apiKey: DEMO_API_KEY, endpoint: DEMO_ENDPOINT, dataPath: SESSIONS_PATH, distDir };
  const chatApi = createChatApi({ store, apiKey: DEMO_API_KEY, allowedOrigins: () => Object.values(siteOrigins(ctx.port)) });
  const agentApi = createAgentApi(store);

  const api = await listenOnHosts(
    guard(
      async (req, res) => {
        const url = new URL(req.url, 'http://api');
        if (url.pathname === SESSIONS_PATH || url.pathname.startsWith(SESSIONS_PATH + '/')) return chatApi(req, res, url);
        if (url.pathname === '/agent' || url.pathname.startsWith('/agent/')) return agentApi(req, res, url);
        if (url.pathname === '/favicon.ico') {
          res.writeHead(204);
          return res.end();
        }
        if (url.pathname === '/') {
          res.writeHead(302, { location: '/agent' });
          return res.end();
        }
        return sendJson(res, 404, { status: { code: 'NOT_FOUND', message: `no route ${url.pathname}` } });
      },
      (req, res, error) => sendJson(res, error.status, { status: { code: error.code, message: error.message } }),
    ),
    API_HOSTS,
    apiPort,
  );
  ctx.apiOrigin = `http://127.0.0.1:${api.port}`;

  let sites;
  try {
    sites = await listenOnHosts(
      guard(createSites(ctx), (req, res, error) => sendText(res, error.status, `${error.message}\n`)),
      SITE_HOSTS,
      port,
    );
  } catch (error) {
    store.close();
    await api.close();
    throw error;
  }
  ctx.port = sites.port;

  return {
    sitePort: sites.port,
    apiPort: api.port,
    urls: {
      ...siteOrigins(sites.port),
      api: ctx.apiOrigin,
      agent: `${ctx.apiOrigin}/agent`,
    },
    apiKey: DEMO_API_KEY,
    /** Agent controls on the in-memory store (the same as /agent/api). Synchronous; throw on an
     *  unknown or ended session. */
    agent: {
      sessions: () => store.agent.list(),
      session: (id) => store.agent.get(id),
      join: (id, nickname) => store.agent.join(id, nickname),
      say: (id, text) => store.agent.say(id, text),
      setState: (id, state) => store.agent.setState(id, state),
      end: (id) => store.agent.end(id),
      malformedNextPoll: (id) => store.agent.malformedNextPoll(id),
    },
    async close() {
      store.close();
      await Promise.all([api.close(), sites.close()]);
    },
  };
}
