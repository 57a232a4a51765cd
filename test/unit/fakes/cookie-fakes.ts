// A small fake browser for the cookie channel's unit tests: windows with origins, iframes that
// load asynchronously, postMessage with the browser's target-origin rule, per-site cookie jars
// with third-party blocking, and a manual clock. Only what the provider and the iframe use.
import { FakeClock } from './fake-clock';

type Listener = (event: { data: unknown; origin: string; source: unknown }) => void;

export interface SentMessage {
  from: string;
  to: string;
  targetOrigin: string;
  data: unknown;
  delivered: boolean;
}

export interface StoredCookie { value: string; attributes: string }

function isSecure(url: URL): boolean {
  return url.protocol === 'https:' || ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

export class FakeWindow {
  readonly listeners: Listener[] = [];
  readonly location: { href: string; origin: string; protocol: string };
  readonly isSecureContext: boolean;
  readonly document: FakeDocument;
  readonly console = { warn: (...args: unknown[]) => this.warnings.push(args.join(' ')), error: (...args: unknown[]) => this.errors.push(args.join(' ')) };
  readonly warnings: string[] = [];
  readonly errors: string[] = [];
  readonly setTimeout: FakeClock['setTimer'];
  readonly clearTimeout: FakeClock['clearTimer'];
  /** This window as its parent sees it (window.parent inside it); itself for a top window. */
  parent: unknown = this;

  constructor(readonly browser: FakeBrowser, url: string, readonly top: FakeWindow | null) {
    const parsed = new URL(url);
    this.location = { href: parsed.href, origin: parsed.origin, protocol: parsed.protocol };
    this.isSecureContext = isSecure(parsed);
    this.document = new FakeDocument(this, parsed.hostname);
    this.setTimeout = browser.clock.setTimer;
    this.clearTimeout = browser.clock.clearTimer;
  }

  get origin(): string {
    return this.location.origin;
  }

  addEventListener(type: string, listener: Listener): void {
    if (type === 'message') this.listeners.push(listener);
  }

  /** Runs the listeners now, as a message event would (for hand-made events). */
  dispatch(event: { data: unknown; origin: string; source: unknown }): void {
    for (const listener of this.listeners) listener(event);
  }
}

/** What another window holds of a window: postMessage only, with a fixed identity per viewer. */
export class WindowHandle {
  constructor(readonly target: () => FakeWindow, readonly viewer: FakeWindow) {}

  postMessage(data: unknown, targetOrigin: string): void {
    const target = this.target();
    const browser = this.viewer.browser;
    if (typeof targetOrigin !== 'string') throw new TypeError('targetOrigin is required');
    if (targetOrigin !== '*' && targetOrigin !== '/' && new URL(targetOrigin).origin !== targetOrigin) {
      throw new SyntaxError(`Invalid target origin '${targetOrigin}'`);
    }
    const wanted = targetOrigin === '/' ? this.viewer.origin : targetOrigin;
    const delivered = wanted === '*' || wanted === target.origin;
    const copy = structuredClone(data);
    browser.sent.push({ from: this.viewer.origin, to: target.origin, targetOrigin, data: copy, delivered });
    if (!delivered) return;
    const source = browser.handle(() => this.viewer, target);
    browser.clock.setTimer(() => target.dispatch({ data: copy, origin: this.viewer.origin, source }), 0);
  }
}

export class FakeIframe {
  src = '';
  hidden = false;
  title = '';
  tabIndex = 0;
  readonly attributes = new Map<string, string>();
  private loadListeners: (() => void)[] = [];
  window: FakeWindow | null = null;
  removed = false;

  constructor(readonly owner: FakeWindow) {}

  setAttribute(name: string, value: string): void {
    this.attributes.set(name, value);
  }

  addEventListener(type: string, listener: () => void): void {
    if (type === 'load') this.loadListeners.push(listener);
  }

  get contentWindow(): WindowHandle | null {
    if (this.removed || !this.window) return null;
    return this.owner.browser.handle(() => this.window!, this.owner);
  }

  fireLoad(): void {
    for (const listener of this.loadListeners) listener();
  }
}

export class FakeDocument {
  readonly iframes: FakeIframe[] = [];
  readonly body = { appendChild: (node: FakeIframe) => this.attach(node) };
  readonly documentElement = { appendChild: (node: FakeIframe) => this.attach(node) };

  constructor(readonly win: FakeWindow, readonly site: string) {}

  createElement(tag: 'iframe'): FakeIframe {
    if (tag !== 'iframe') throw new Error(`fake document creates iframes only, not ${tag}`);
    return new FakeIframe(this.win);
  }

  getElementsByTagName(tag: 'iframe'): FakeIframe[] {
    return tag === 'iframe' ? this.iframes : [];
  }

  private attach(node: FakeIframe): void {
    this.iframes.push(node);
    this.win.browser.loadFrame(node);
  }

  /** Third-party when the top page is of another site: then blocked cookies are refused. */
  private get blocked(): boolean {
    const top = this.win.top;
    return top !== null && top.document.site !== this.site && this.win.browser.thirdPartyCookiesBlocked;
  }

  get cookie(): string {
    if (this.blocked) return '';
    return [...this.win.browser.jar(this.site)].map(([name, c]) => `${name}=${c.value}`).join('; ');
  }

  set cookie(text: string) {
    this.win.browser.cookieWrites.push({ site: this.site, text });
    if (this.blocked) return;
    const [pair, ...attributes] = text.split(';');
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const attrs = attributes.map((a) => a.trim()).join('; ');
    const maxAge = /max-age=(-?\d+)/i.exec(attrs);
    const thirdParty = this.win.top !== null && this.win.top.document.site !== this.site;
    if (thirdParty && !/samesite=none/i.test(attrs)) return; // a cross-site frame keeps only SameSite=None cookies
    if (/samesite=none/i.test(attrs) && !/secure/i.test(attrs)) return;
    if (/secure/i.test(attrs) && !this.win.isSecureContext) return;
    const jar = this.win.browser.jar(this.site);
    if (maxAge && Number(maxAge[1]) <= 0) jar.delete(name);
    else jar.set(name, { value, attributes: attrs });
  }
}

export class FakeBrowser {
  readonly clock = new FakeClock();
  readonly sent: SentMessage[] = [];
  readonly cookieWrites: { site: string; text: string }[] = [];
  thirdPartyCookiesBlocked = false;
  private jars = new Map<string, Map<string, StoredCookie>>();
  private handles = new Map<FakeWindow, Map<unknown, WindowHandle>>();
  private servers = new Map<string, (win: FakeWindow) => void>();

  /** What runs in a frame loaded from url (by URL without hash). Unknown URLs load empty pages. */
  serve(url: string, run: (win: FakeWindow) => void): void {
    this.servers.set(new URL(url).href, run);
  }

  openPage(url: string): FakeWindow {
    return new FakeWindow(this, url, null);
  }

  jar(site: string): Map<string, StoredCookie> {
    let jar = this.jars.get(site);
    if (!jar) this.jars.set(site, (jar = new Map()));
    return jar;
  }

  /** One handle object per (target, viewer) pair, so `event.source === iframe.contentWindow` holds. */
  handle(target: () => FakeWindow, viewer: FakeWindow): WindowHandle {
    const key = target();
    let byTarget = this.handles.get(viewer);
    if (!byTarget) this.handles.set(viewer, (byTarget = new Map()));
    let handle = byTarget.get(key);
    if (!handle) byTarget.set(key, (handle = new WindowHandle(target, viewer)));
    return handle;
  }

  /** An appended iframe shows about:blank (the parent's origin) at once, and its real page
   *  a few ms later; then its load event fires. */
  loadFrame(element: FakeIframe): void {
    const parent = element.owner;
    const top = parent.top ?? parent;
    element.window = new FakeWindow(this, parent.location.href, top);
    this.clock.setTimer(() => {
      const win = new FakeWindow(this, element.src, top);
      win.parent = this.handle(() => parent, win);
      element.window = win;
      this.servers.get(new URL(element.src).href)?.(win);
      element.fireLoad();
    }, 5);
  }
}
