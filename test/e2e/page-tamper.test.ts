// A page that watches for CX Lens or fights it, in real Chromium with the built extension:
// - globals behind getters that record who called them (`new Error().stack`) and throw: the hook
//   reads page globals by descriptor only, so none is ever called, at DOMContentLoaded, at load or
//   during the cookie channel's traffic, and no stack shows `chrome-extension:`;
// - a page that replaces `Array.prototype.push` after load with one that throws whenever the stack
//   holds `chrome-extension:`: its own bus keeps working, and every event still reaches the panel
//   (the hook's hot path uses no built-in a page can replace later); a frame whose hook could not
//   record something shows its capture as partial, with the number missed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { Frame, Page } from 'puppeteer-core';
import { launch, openLensPanel, openPage, sleep, waitFor, type Lens } from '../support/harness';
import { keptRecords, sendAsHook } from '../support/relay-world';
import { captureStatus, waitForCount } from '../support/panel-driver';

const PORT = 8781;
const ORIGIN = `http://127.0.0.1:${PORT}`;

/** Defines window[name] as a getter that records its caller's stack and throws. */
const TRAP = `<script>
window.__calls = [];
function trap(name) {
  Object.defineProperty(window, name, {
    configurable: true, enumerable: true,
    get: function () {
      window.__calls.push({ name: name, stack: String(new Error().stack) });
      throw new Error('tamper: ' + name + ' was read');
    }
  });
}
</script>`;

// The top page: the cookie provider's globals and CX Lens's injection global, and the bus globals
// too (the hook's own accessors, replaced by the page's), all behind recording getters. After load
// it asks its iframe over the cookie channel, so both frames take a cookie-sync role and collect
// their facts.
const GETTERS_PAGE = `<!doctype html><html><head>${TRAP}<script>
trap('CookieProvider'); trap('initCookieProviderExtension'); trap('CXLensCookieInjection');
trap('CXBus'); trap('_genesys');
window.addEventListener('load', function () {
  frames[0].postMessage({ type: 'cx-lens-cookie/hello', v: 1, id: 'h1' }, '*');
});
window.addEventListener('message', function (event) {
  if (event.data && event.data.type === 'cx-lens-cookie/reply') window.__replied = true;
});
</script></head><body><iframe src="/getters-frame.html"></iframe></body></html>`;

// The cookie iframe: TRUSTED_DOMAINS behind a recording getter; it answers the page's hello.
const GETTERS_FRAME = `<!doctype html><html><head>${TRAP}<script>
trap('TRUSTED_DOMAINS');
window.addEventListener('message', function (event) {
  var data = event.data;
  if (data && data.type === 'cx-lens-cookie/hello') {
    parent.postMessage({ type: 'cx-lens-cookie/reply', v: 1, id: data.id, ok: true, result: { protocol: 1, trusted: 0 } }, '*');
  }
});
</script></head><body>cookie iframe</body></html>`;

// A bus made by the first script (the real shape: registerPlugin → interface), delivering with
// plain loops, so that nothing of the page's own bus needs Array.prototype.push during a publish.
// After load, push is replaced by one that throws when the stack holds chrome-extension:.
const PUSH_PAGE = `<!doctype html><html><head><script>
var CXBus = (function () {
  var subs = {};
  return {
    registerPlugin: function (ns) {
      return {
        publish: function (evt, data) {
          var name = ns + '.' + evt, list = subs[name] || [];
          for (var i = 0; i < list.length; i++) list[i]({ event: name, publisher: ns, data: data === undefined ? {} : data });
          return true;
        },
        subscribe: function (name, cb) { (subs[name] = subs[name] || []).push(cb); return name; }
      };
    }
  };
})();
var tamper = CXBus.registerPlugin('Tamper');
window.__delivered = 0;
window.__refused = 0;
tamper.subscribe('Tamper.tick', function () { window.__delivered++; });
window.addEventListener('load', function () {
  setTimeout(function () {
    var push = Array.prototype.push;
    Array.prototype.push = function () {
      if (String(new Error().stack).indexOf('chrome-extension:') >= 0) {
        window.__refused++;
        throw new TypeError('push refused to CX Lens');
      }
      return push.apply(this, arguments);
    };
    window.__tampered = true;
  }, 0);
});
</script></head><body>push replaced after load</body></html>`;

const PAGES: Record<string, string> = {
  '/getters.html': GETTERS_PAGE,
  '/getters-frame.html': GETTERS_FRAME,
  '/push.html': PUSH_PAGE,
};

let server: Server;
let lens: Lens;

beforeAll(async () => {
  server = createServer((req, res) => {
    const body = PAGES[req.url ?? ''];
    res.writeHead(body ? 200 : 404, { 'content-type': 'text/html' });
    res.end(body ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(PORT, '127.0.0.1', resolve));
  lens = await launch();
});

afterAll(async () => {
  await lens?.close();
  await new Promise((resolve) => server?.close(resolve));
});

interface Call { name: string; stack: string }

async function callsIn(frame: Frame): Promise<Call[]> {
  return frame.evaluate(() => (window as unknown as { __calls: Call[] }).__calls);
}

/** The frame's latest cookie facts, as its relay keeps them. A same-origin iframe's records may be
 *  kept as page-made (its parent could have reached the hook's hand-over): this test is about what
 *  the hook read, not about their provenance. */
async function factsOf(page: Page, frame: Frame): Promise<Record<string, unknown> | undefined> {
  const { genuine, pageMade } = await keptRecords(page, frame);
  return [...genuine, ...pageMade].filter((r) => r.t === 'cookie-facts').at(-1);
}

describe('a page that watches for CX Lens', () => {
  it('never has a getter of its globals called: CookieProvider, initCookieProviderExtension, CXLensCookieInjection, TRUSTED_DOMAINS, CXBus, _genesys', async () => {
    const page = await lens.browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${ORIGIN}/getters.html`, { waitUntil: 'load' });
    const frame = page.frames().find((f) => f.url().endsWith('/getters-frame.html'))!;
    expect(frame).toBeDefined();
    await waitFor(() => page.evaluate(() => (window as unknown as { __replied?: boolean }).__replied === true), 'the iframe\'s reply');

    // DOMContentLoaded, load and the channel traffic are over; the facts are read FACTS_DELAY_MS
    // (250 ms) after them.
    await sleep(1000);
    const calls = [...await callsIn(page.mainFrame()), ...await callsIn(frame)];
    expect(calls.filter((c) => c.stack.includes('chrome-extension:'))).toEqual([]);
    expect(calls).toEqual([]);

    // Both frames took their role and sent their facts: every reader of those globals has run.
    // Accessors are reported as what they are, never read: the provider's globals are there; CX
    // Lens's injection global is not its claim (a non-configurable data property); TRUSTED_DOMAINS
    // is an accessor.
    const topFacts = await waitFor(() => factsOf(page, page.mainFrame()), 'the top frame\'s cookie facts');
    const frameFacts = await waitFor(() => factsOf(page, frame), 'the iframe\'s cookie facts');
    expect(topFacts).toMatchObject({ role: 'page', provider: { cookieProvider: true, extension: true, injected: false } });
    expect(frameFacts).toMatchObject({ role: 'iframe', trustedDomains: 'accessor' });
    expect(await callsIn(page.mainFrame())).toEqual([]);
    expect(await callsIn(frame)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('a page that replaces Array.prototype.push after load', () => {
  it('keeps its bus working (32 of 32 delivered), and the panel shows all 32 events, capture complete', async () => {
    const { page, devtools } = await openPage(lens.browser, `${ORIGIN}/push.html`);
    const panel = await openLensPanel(devtools);
    await waitFor(() => page.evaluate(() => (window as unknown as { __tampered?: boolean }).__tampered === true), 'push replaced');

    const delivered = await page.evaluate(() => {
      const w = window as unknown as { tamper: { publish(evt: string, data: unknown): unknown }; __delivered: number };
      for (let i = 0; i < 32; i++) w.tamper.publish('tick', { i, list: [i, i + 1], nested: { at: i, when: new Date(0) } });
      return w.__delivered;
    });
    expect(delivered).toBe(32);

    expect(await waitForCount(panel, 'kind:event Tamper.tick', 32)).toBe(32);
    const status = await captureStatus(panel);
    expect(status.state).toBe('capturing');
    expect(status.text).not.toMatch(/partial|not recorded|lost/);
    // The hook never called the page's push.
    expect(await page.evaluate(() => (window as unknown as { __refused: number }).__refused)).toBe(0);

    // A frame whose hook reports records it could not make shows its capture as partial, with
    // the number missed (a status as the hook sends it, handed to the relay as over its port).
    await sendAsHook(page, [{
      t: 'status',
      status: { cxbus: 'tapped', quickBus: false, plugins: ['Tamper'], problems: [], unrecorded: { count: 5, reason: 'TypeError: push refused' } },
    }]);
    await waitFor(async () => /partial/.test((await captureStatus(panel)).text), 'a partial capture in the status line');
    const partial = await captureStatus(panel);
    expect(partial.text).toMatch(/partial/);
    expect(partial.text).toMatch(/5 records not recorded/);
    expect(partial.text).toMatch(/TypeError: push refused/);
    await page.close();
  });
});
