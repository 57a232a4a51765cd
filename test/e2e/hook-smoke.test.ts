// Smoke test of the page hook in real Chromium with the built extension: a bus made by a classic
// `var CXBus = ...` at the top of <head> is tapped from its first event, in the top page and in
// an iframe; hostile payloads (DOM, window, cycle, 5 MB) neither break the page nor the batch.
// The hook sends its batches over a private port the page cannot reach, so the test reads what the
// content relay received, in the relay's own isolated world (through the DevTools protocol, as
// only a debugger can); no panel needed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';
import type { Frame, Page } from 'puppeteer-core';
import { DIST, launch, waitFor, type Lens } from '../support/harness';
import { keptRecords } from '../support/relay-world';
import type { CaptureRecord, EventRecord, HookStatusRecord } from '../../src/shared/protocol';

const PORT = 8750;
const ORIGIN = `http://127.0.0.1:${PORT}`;

// The smallest bus with the real shape: registerPlugin → interface with publish; no publish on
// the global. Created by the first script of <head>, as an inline bootstrap would.
const HEAD = `<script>
var CXBus = (function () {
  var subs = {};
  return {
    registerPlugin: function (ns) {
      return {
        publish: function (evt, data) {
          var name = ns + '.' + evt;
          (subs[name] || []).forEach(function (cb) { cb({ time: Date.now(), publisher: ns, event: name, data: data || {} }); });
          return true;
        },
        subscribe: function (name, cb) { (subs[name] = subs[name] || []).push(cb); return name; }
      };
    }
  };
})();
var inline = CXBus.registerPlugin('Inline');
inline.publish('first', { n: 1, root: document.documentElement });
</script>`;

const PAGE = `<!doctype html><html><head>${HEAD}</head><body>
<div id="chat" class="cx-widget cx-webchat">chat</div>
<iframe src="/frame.html"></iframe>
<script>
var cyclic = { name: 'c' }; cyclic.self = cyclic;
window.__returned = inline.publish('hostile', { node: document.getElementById('chat'), win: window, cyclic: cyclic, big: 'x'.repeat(5 * 1024 * 1024), err: new TypeError('smoke') });
</script></body></html>`;

const FRAME = `<!doctype html><html><head>${HEAD.replace("'Inline'", "'InFrame'")}</head><body>frame</body></html>`;

let server: Server;
let lens: Lens;

beforeAll(async () => {
  server = createServer((req, res) => {
    const body = req.url === '/frame.html' ? FRAME : req.url === '/' ? PAGE : null;
    res.writeHead(body ? 200 : 404, { 'content-type': 'text/html' });
    res.end(body ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(PORT, '127.0.0.1', resolve));
  lens = await launch({ devtools: false });
});

afterAll(async () => {
  await lens?.close();
  await new Promise((resolve) => server?.close(resolve));
});

/** The records the content relay of that frame received over the hook's private port. */
async function recordsOf(page: Page, frame: Frame = page.mainFrame()): Promise<CaptureRecord[]> {
  return (await keptRecords(page, frame)).genuine as unknown as CaptureRecord[];
}

describe('page hook in Chromium', () => {
  it('is built as a self-contained classic script', () => {
    const source = readFileSync(join(DIST, 'page-hook.js'), 'utf8');
    expect(() => new vm.Script(source)).not.toThrow(); // a classic script: no import/export statements
    expect(source).not.toMatch(/\bimport\s*\(/); // nor a dynamic import of another chunk
  });

  it('taps an inline <head> bus from its first event, in the page and in its iframe, without breaking the page', async () => {
    const page = await lens.browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${ORIGIN}/`, { waitUntil: 'load' });

    const records = (await waitFor(async () => {
      const rs = await recordsOf(page);
      return rs.some((r) => r.t === 'event' && r.name === 'Inline.hostile') ? rs : null;
    }, 'the hostile event in a batch'))!;
    const events = records.filter((r): r is EventRecord => r.t === 'event');
    expect(events.map((e) => e.name)).toEqual(['Inline.first', 'Inline.hostile']);
    expect(events[0].data).toEqual({ n: 1, root: { $cx: 'dom', description: 'html' } });
    expect(events[1].truncated).toBe(true);
    expect(events[1].data).toMatchObject({
      node: { $cx: 'dom', description: 'div#chat.cx-widget.cx-webchat' },
      win: { $cx: 'window' },
      cyclic: { name: 'c', self: { $cx: 'cycle', path: '$.cyclic' } },
      big: { $cx: 'string', length: 5 * 1024 * 1024 },
      // The stack, read through V8's own accessor (taken at the first error copied).
      err: { $cx: 'error', name: 'TypeError', message: 'smoke', stack: expect.stringContaining('TypeError: smoke') },
    });
    const status = records.filter((r): r is HookStatusRecord => r.t === 'status').at(-1)!.status;
    expect(status).toMatchObject({ cxbus: 'tapped', plugins: ['Inline'], problems: [] });

    const inPage = await page.evaluate(() => ({
      returned: (window as any).__returned,
      accessor: typeof Object.getOwnPropertyDescriptor(window, 'CXBus')?.get,
      // CX Lens's scripts ask for the hook's handle with an event; nothing of it is on the window.
      handle: (() => {
        const request: { handle?: { interfaces: Map<string, unknown> } } = {};
        dispatchEvent(new CustomEvent('cx-lens-hook-handle', { detail: request }));
        return request.handle?.interfaces.has('Inline');
      })(),
      enumerable: Reflect.ownKeys(window).some((k) => /cx-lens/i.test(typeof k === 'symbol' ? String(k.description) : k)),
    }));
    expect(inPage).toEqual({ returned: true, accessor: 'function', handle: true, enumerable: false });
    expect(errors).toEqual([]);

    // The iframe is of the page's origin: its parent could have reached its window before CX Lens
    // started there (provenance.test.ts), so its capture is contested and its records page-made.
    const frame = page.frames().find((f) => f.url().endsWith('/frame.html'))!;
    const frameRecords = (await waitFor(async () => {
      const rs = (await keptRecords(page, frame)).pageMade as unknown as CaptureRecord[];
      return rs.some((r) => r.t === 'event') ? rs : null;
    }, 'the iframe bus event'))!;
    expect(frameRecords.filter((r) => r.t === 'event').map((r) => (r as EventRecord).name)).toEqual(['InFrame.first']);
    expect(await recordsOf(page, frame)).toEqual([]);
    await page.close();
  });
});
