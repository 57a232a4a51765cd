// Small HTTP helpers shared by the demo servers (node: builtins only).
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';

const MAX_BODY_BYTES = 1024 * 1024;

export const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.md': 'text/plain; charset=utf-8',
};

export class HttpError extends Error {
  /** @param {number} status @param {string} code @param {string} message */
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** Sends a JSON body. Demo responses are never cached, so a rebuild shows at once. */
export function sendJson(res, status, body, headers = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

export function sendText(res, status, text, contentType = 'text/plain; charset=utf-8', headers = {}) {
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store', ...headers });
  res.end(text);
}

/** Reads the whole request body as text (bounded). */
export function readBody(req) {
  return new Promise((resolveBody, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new HttpError(413, 'PAYLOAD_TOO_LARGE', `request body over ${MAX_BODY_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Parses a JSON or jQuery form-encoded body (`data[firstName]=A&data[userData][k]=v&operationId=x`)
 *  into a plain object. */
export function parseBody(text, contentType = '') {
  if (!text) return {};
  if (contentType.includes('application/json')) {
    try {
      const value = JSON.parse(text);
      return value && typeof value === 'object' ? value : {};
    } catch {
      throw new HttpError(400, 'BAD_REQUEST', 'body is not valid JSON');
    }
  }
  return parseForm(text);
}

const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** jQuery's $.param nesting: `a[b][c]=v` sets a.b.c, `a[]=v` appends to array a. */
export function parseForm(text) {
  const out = {};
  for (const [rawKey, value] of new URLSearchParams(text)) {
    const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(rawKey);
    const path = match ? [match[1], ...[...match[2].matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1])] : [rawKey];
    if (path.some((key) => UNSAFE_KEYS.has(key))) continue;
    let node = out;
    for (let i = 0; i < path.length; i++) {
      const key = path[i];
      const last = i === path.length - 1;
      if (Array.isArray(node) && key === '') {
        if (last) node.push(value);
        else node.push((node = path[i + 1] === '' ? [] : {}));
        continue;
      }
      if (last) {
        node[key] = value;
      } else {
        if (typeof node[key] !== 'object' || node[key] === null) node[key] = path[i + 1] === '' ? [] : {};
        node = node[key];
      }
    }
  }
  return out;
}

/** Serves a file from under root (no path escapes); false when there is no such file. */
export async function serveFile(res, root, relativePath, extraHeaders = {}) {
  const base = resolve(root);
  const file = resolve(base, '.' + sep + relativePath);
  if (file !== base && !file.startsWith(base + sep)) return false;
  let body;
  try {
    body = await readFile(file);
  } catch {
    return false;
  }
  res.writeHead(200, {
    'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    'cache-control': 'no-store',
    ...extraHeaders,
  });
  res.end(body);
  return true;
}

/**
 * Starts one http.Server per host, all on the same port, with the same handler. With port 0 it
 * takes the port the first host got and retries until that port is free on every host.
 * @returns {Promise<{port: number, close: () => Promise<void>}>}
 */
export async function listenOnHosts(handler, hosts, port) {
  for (let attempt = 0; ; attempt++) {
    const servers = [];
    let chosen = port;
    try {
      for (const host of hosts) {
        const server = createServer(handler);
        await new Promise((ok, fail) => {
          server.once('error', fail);
          server.listen(chosen, host, () => {
            server.off('error', fail);
            ok();
          });
        });
        servers.push(server);
        if (chosen === 0) chosen = server.address().port;
      }
      return { port: chosen, close: () => closeServers(servers) };
    } catch (error) {
      await closeServers(servers);
      if (port !== 0 || error.code !== 'EADDRINUSE' || attempt >= 50) throw error;
    }
  }
}

async function closeServers(servers) {
  await Promise.all(
    servers.map(
      (server) =>
        new Promise((ok) => {
          server.close(() => ok());
          server.closeAllConnections();
        }),
    ),
  );
}

/** Wraps an async handler: HttpError → its status, anything else → 500; never an unhandled rejection. */
export function guard(handler, onError) {
  return (req, res) => {
    handler(req, res).catch((error) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      onError(req, res, error instanceof HttpError ? error : new HttpError(500, 'INTERNAL_ERROR', String(error?.message ?? error)));
    });
  };
}
