// The demo sites: one port, four sites told apart by the Host header. Cross-site without DNS or
// certificates: localhost, 127.0.0.1 and [::1] are three sites, all secure contexts over plain
// http, and 127.0.0.2 (loopback too) has a cookie jar of its own:
//   localhost:P   domain A          127.0.0.1:P  domain B
//   [::1]:P       cookie iframe     127.0.0.2:P  untrusted site
// Every site serves the Widgets emulation at /widgets/ and the built standalone scripts at /cx-lens/.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { CONTENT_TYPES, sendText, serveFile } from './http-util.mjs';

export const SITE_HOSTS = ['127.0.0.1', '::1', '127.0.0.2'];
export const PAGES_DIR = fileURLToPath(new URL('../pages/', import.meta.url));
export const WIDGETS_DIR = fileURLToPath(new URL('../widgets/', import.meta.url));
export const SESSION_COOKIE_NAME = 'customer-defined-session-cookie';

/** The standalone files of dist/ served at /cx-lens/ (see scripts/build-standalone.mjs). */
const DIST_FILES = new Set(['cookie-provider.min.js', 'iframe.min.js', 'iframe.html', 'finalize-handler.js']);
const CHAT_SITE_PAGES = ['index.html', 'chat.html', 'chat-sync.html', 'inline-bus.html', 'async-bus.html', 'payloads.html', 'bench.html', 'xdomain.html', 'plain.html', 'frames.html', 'prerender.html'];
const SITES = {
  A: { name: 'domain A', pages: CHAT_SITE_PAGES },
  B: { name: 'domain B', pages: CHAT_SITE_PAGES },
  iframe: { name: 'cookie iframe host', pages: ['index.html'] },
  untrusted: { name: 'untrusted site', pages: ['index.html', 'steal.html'] },
};
// For pages that must keep working under a strict CSP (no inline scripts): ?csp=strict.
const STRICT_CSP = "script-src 'self'; object-src 'none'; base-uri 'none'";
const INLINE_SCRIPT = /<!--\s*@inline-script\s+\/widgets\/([\w./-]+)\s*-->/g;

export function siteOrigins(port) {
  return {
    domainA: `http://localhost:${port}`,
    domainB: `http://127.0.0.1:${port}`,
    iframeHost: `http://[::1]:${port}`,
    untrusted: `http://127.0.0.2:${port}`,
  };
}

/**
 * @param {{port: number, apiOrigin: string, apiKey: string, endpoint: string, dataPath: string, distDir: string}} ctx
 *   read on every request (startDemo fills in the ports once they are known)
 */
export function createSites(ctx) {
  return async function handleSites(req, res) {
    const site = siteOf(req.headers.host, ctx.port);
    if (!site) {
      const known = Object.values(siteOrigins(ctx.port)).join(', ');
      return sendText(res, 421, `Unknown host ${req.headers.host}. The demo sites are ${known}.\n`);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'method not allowed\n');
    const url = new URL(req.url, 'http://demo');
    let path;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      return sendText(res, 400, 'bad path\n');
    }

    if (path === '/favicon.ico') {
      res.writeHead(204);
      return res.end();
    }
    if (path === '/demo-config.js') {
      return sendText(res, 200, `window.CX_DEMO = ${JSON.stringify(demoConfig(ctx, site))};\n`, CONTENT_TYPES['.js']);
    }
    if (path.startsWith('/widgets/') && (await serveFile(res, WIDGETS_DIR, path.slice('/widgets/'.length)))) return;
    if (path.startsWith('/assets/') && (await serveFile(res, join(PAGES_DIR, 'assets'), path.slice('/assets/'.length)))) return;
    if (path.startsWith('/cx-lens/')) return serveCxLens(res, ctx, site, path.slice('/cx-lens/'.length));

    const page = path === '/' ? 'index.html' : path.slice(1);
    if (SITES[site].pages.includes(page)) {
      const html = await inlineScripts(await readFile(join(PAGES_DIR, page), 'utf8'));
      const csp = url.searchParams.get('csp') === 'strict' ? { 'content-security-policy': STRICT_CSP } : {};
      // ?bfcache: a page the back/forward cache may keep (no-store keeps it out).
      const cache = url.searchParams.has('bfcache') ? { 'cache-control': 'no-cache' } : {};
      return sendText(res, 200, html, CONTENT_TYPES['.html'], { ...csp, ...cache });
    }
    return sendText(res, 404, `No ${path} on the ${SITES[site].name}.\n`);
  };
}

function siteOf(host, port) {
  const byHost = {
    [`localhost:${port}`]: 'A',
    [`127.0.0.1:${port}`]: 'B',
    [`[::1]:${port}`]: 'iframe',
    [`127.0.0.2:${port}`]: 'untrusted',
  };
  return byHost[String(host).toLowerCase()];
}

/** What the demo pages need to know (window.CX_DEMO), so the pages themselves stay static. */
function demoConfig(ctx, site) {
  const origins = siteOrigins(ctx.port);
  return {
    site,
    siteName: SITES[site].name,
    origins,
    api: ctx.apiOrigin,
    dataURL: ctx.apiOrigin + ctx.dataPath,
    apiKey: ctx.apiKey,
    endpoint: ctx.endpoint,
    agentURL: `${ctx.apiOrigin}/agent`,
    sessionCookieName: SESSION_COOKIE_NAME,
    iframeURL: `${origins.iframeHost}/cx-lens/iframe.html`,
    iframeWithoutAURL: `${origins.iframeHost}/cx-lens/iframe-without-a.html`,
  };
}

async function serveCxLens(res, ctx, site, file) {
  if (site === 'iframe') {
    const trusted = trustedDomains(ctx.port)[file];
    if (trusted) return sendText(res, 200, iframePage(trusted), CONTENT_TYPES['.html']);
  }
  if (DIST_FILES.has(file) && (await serveFile(res, ctx.distDir, file))) return;
  return sendText(res, 404, `No /cx-lens/${file} in ${ctx.distDir}: run npm run build (or set CX_LENS_DIST).\n`);
}

/** The iframe pages the iframe host serves instead of dist's sample iframe.html. */
function trustedDomains(port) {
  const { domainA, domainB } = siteOrigins(port);
  return {
    'iframe.html': [domainA, domainB],
    // Domain A is missing; only lookalikes of it are listed (other scheme, other port, suffix host).
    'iframe-without-a.html': [domainB, `https://localhost:${port}`, 'http://localhost', `http://localhost.evil.test:${port}`],
  };
}

function iframePage(trusted) {
  return `<!doctype html>
<html>
<head><meta charset="utf-8"><title>CX Lens demo: cookie iframe</title></head>
<body>
<p>Cross-domain chat cookie iframe (hidden on the demo sites).</p>
<script>
  // Origins allowed to read and write the chat session cookie kept on this site.
  var TRUSTED_DOMAINS = ${JSON.stringify(trusted)};
</script>
<script src="/cx-lens/iframe.min.js"></script>
</body>
</html>
`;
}

/** `<!-- @inline-script /widgets/x.js -->` → that file's code in an inline <script> (a bus made
 *  by an inline script at the top of <head>, as some real pages do). */
async function inlineScripts(html) {
  const names = [...html.matchAll(INLINE_SCRIPT)].map((m) => m[1]);
  const code = new Map();
  for (const name of names) {
    try {
      code.set(name, (await readFile(join(WIDGETS_DIR, name), 'utf8')).replace(/<\/script/gi, '<\\/script'));
    } catch {
      code.set(name, `console.error(${JSON.stringify(`CX Lens demo: /widgets/${name} is missing`)});`);
    }
  }
  return html.replace(INLINE_SCRIPT, (_, name) => `<script>\n${code.get(name)}\n</script>`);
}
