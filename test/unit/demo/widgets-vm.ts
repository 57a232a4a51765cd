// Test harness for the Widgets emulation (test/demo/widgets): runs its classic scripts in a node:vm
// context with a fake clock, a tiny fake DOM, fake web storage and cookies, and a fake
// XMLHttpRequest whose requests the test answers. No real timers, network or browser.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { setImmediate as nextMacrotask } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import vm from 'node:vm';

const WIDGETS_DIR = resolve(import.meta.dirname, '../../demo/widgets');
export const CXBUS_SOURCE = readFileSync(resolve(WIDGETS_DIR, 'cxbus.min.js'), 'utf8');
export const WIDGETS_CORE_SOURCE = readFileSync(resolve(WIDGETS_DIR, 'plugins/widgets-core.min.js'), 'utf8');

export type Any = any;

// ------------------------------------------------------------------------------------------ clock

interface Timer {
  id: number;
  at: number;
  seq: number;
  fn: () => void;
}

/** Manual clock: timers run only inside advance(), each followed by a drain of microtasks. */
export class Clock {
  now = 0;
  private timers: Timer[] = [];
  private nextId = 1;
  /** Errors thrown out of timer callbacks or fake XHR handlers: a page's "uncaught" errors. */
  readonly uncaught: unknown[] = [];

  setTimeout = (fn: () => void, ms = 0): number => {
    const id = this.nextId++;
    this.timers.push({ id, at: this.now + Math.max(0, Number(ms) || 0), seq: id, fn });
    return id;
  };

  clearTimeout = (id: number): void => {
    this.timers = this.timers.filter((timer) => timer.id !== id);
  };

  pending(): number {
    return this.timers.length;
  }

  async advance(ms = 0): Promise<void> {
    const target = this.now + ms;
    await nextMacrotask();
    for (;;) {
      const due = this.timers.filter((timer) => timer.at <= target).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.timers = this.timers.filter((timer) => timer !== due);
      this.now = due.at;
      try {
        due.fn();
      } catch (error) {
        this.uncaught.push(error);
      }
      await nextMacrotask();
    }
    this.now = target;
  }
}

// -------------------------------------------------------------------------------------------- DOM

export class FakeElement {
  readonly tagName: string;
  attributes = new Map<string, string>();
  children: FakeElement[] = [];
  parent: FakeElement | null = null;
  style: Record<string, string> = {};
  hidden = false;
  disabled = false;
  value = '';
  className = '';
  scrollTop = 0;
  scrollHeight = 0;
  html: string | null = null;
  private ownText = '';
  private listeners = new Map<string, Array<(event: Any) => void>>();
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  src = '';
  async = false;

  constructor(tagName: string, private readonly doc: FakeDocument) {
    this.tagName = tagName.toUpperCase();
  }

  setAttribute(name: string, value: unknown): void {
    this.attributes.set(name, String(value));
  }
  getAttribute(name: string): string | null {
    return this.attributes.get(name) ?? null;
  }
  removeAttribute(name: string): void {
    this.attributes.delete(name);
  }
  appendChild(child: FakeElement): FakeElement {
    if (child.parent) child.parent.removeChild(child);
    child.parent = this;
    this.children.push(child);
    this.doc.appended(child);
    return child;
  }
  removeChild(child: FakeElement): FakeElement {
    this.children = this.children.filter((c) => c !== child);
    child.parent = null;
    return child;
  }
  get textContent(): string {
    return this.ownText + this.children.map((c) => c.textContent).join('');
  }
  set textContent(value: string) {
    for (const child of this.children) child.parent = null;
    this.children = [];
    this.html = null;
    this.ownText = String(value);
  }
  get innerHTML(): string {
    return this.html ?? this.textContent;
  }
  set innerHTML(value: string) {
    this.textContent = '';
    this.html = String(value);
  }
  addEventListener(type: string, listener: (event: Any) => void): void {
    const list = this.listeners.get(type) ?? [];
    list.push(listener);
    this.listeners.set(type, list);
  }
  dispatch(type: string, event: Record<string, unknown> = {}): void {
    const full = { type, target: this, preventDefault() {}, ...event };
    for (const listener of this.listeners.get(type) ?? []) listener(full);
  }
  click(): void {
    this.dispatch('click');
  }
  /** Visible: neither it nor any ancestor is hidden, and it is attached to the document. */
  get visible(): boolean {
    let node: FakeElement | null = this;
    while (node) {
      if (node.hidden) return false;
      if (node === this.doc.documentElement) return true;
      node = node.parent;
    }
    return false;
  }
  *walk(): Generator<FakeElement> {
    yield this;
    for (const child of this.children) yield* child.walk();
  }
  byTestId(testId: string): FakeElement[] {
    return [...this.walk()].filter((node) => node.getAttribute('data-testid') === testId);
  }
}

export class FakeDocument {
  documentElement: FakeElement;
  head: FakeElement;
  body: FakeElement;
  referrer = '';
  title = 'Test page';
  hidden = false;
  /** Raw strings the page wrote to document.cookie, in order. */
  cookieWrites: string[] = [];
  private jar = new Map<string, string>();
  onScript: (script: FakeElement) => void = () => {};

  constructor() {
    this.documentElement = new FakeElement('html', this);
    this.head = this.documentElement.appendChild(new FakeElement('head', this));
    this.body = this.documentElement.appendChild(new FakeElement('body', this));
  }
  createElement(tag: string): FakeElement {
    return new FakeElement(tag, this);
  }
  getElementById(id: string): FakeElement | null {
    return [...this.documentElement.walk()].find((node) => node.getAttribute('id') === id) ?? null;
  }
  addEventListener(): void {}
  hasFocus(): boolean {
    return true;
  }
  appended(node: FakeElement): void {
    if (node.tagName === 'SCRIPT' && node.src) this.onScript(node);
  }
  /** A cookie jar that honours only name, value and a past `expires` (deletion). */
  get cookie(): string {
    return [...this.jar].map(([name, value]) => `${name}=${value}`).join('; ');
  }
  set cookie(text: string) {
    this.cookieWrites.push(text);
    const [pair, ...attributes] = String(text).split(/;\s*/);
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq);
    const expires = attributes.find((a) => a.toLowerCase().startsWith('expires='));
    if (expires && Date.parse(expires.slice(8)) < Date.now()) this.jar.delete(name);
    else this.jar.set(name, pair.slice(eq + 1));
  }
}

// -------------------------------------------------------------------------------------- storage

export class FakeStorage {
  map = new Map<string, string>();
  getItem(key: string): string | null {
    return this.map.has(key) ? (this.map.get(key) as string) : null;
  }
  setItem(key: string, value: string): void {
    this.map.set(key, String(value));
  }
  removeItem(key: string): void {
    this.map.delete(key);
  }
}

// ------------------------------------------------------------------------------------------- XHR

export interface SeenRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | null;
  /** Answer with a JSON body (delivered on the next clock tick). */
  respond(status: number, json: unknown): void;
  /** A network failure (status 0). */
  fail(): void;
  answered: boolean;
}

export function createXhrClass(clock: Clock, onRequest: (request: SeenRequest) => void): Any {
  return class FakeXMLHttpRequest {
    method = '';
    url = '';
    headers: Record<string, string> = {};
    status = 0;
    statusText = '';
    responseText = '';
    readyState = 0;
    timeout = 0;
    onload: (() => void) | null = null;
    onerror: (() => void) | null = null;
    ontimeout: (() => void) | null = null;
    onabort: (() => void) | null = null;
    private done = false;

    open(method: string, url: string): void {
      this.method = method;
      this.url = url;
      this.readyState = 1;
    }
    setRequestHeader(name: string, value: string): void {
      this.headers[name.toLowerCase()] = value;
    }
    getResponseHeader(): string | null {
      return null;
    }
    getAllResponseHeaders(): string {
      return '';
    }
    abort(): void {
      this.finish(0, '', () => this.onabort?.());
    }
    send(body: string | null): void {
      const xhr = this;
      const seen: SeenRequest = {
        method: this.method,
        url: this.url,
        headers: this.headers,
        body,
        answered: false,
        respond(status, json) {
          seen.answered = true;
          clock.setTimeout(() => xhr.finish(status, JSON.stringify(json), () => xhr.onload?.()), 0);
        },
        fail() {
          seen.answered = true;
          clock.setTimeout(() => xhr.finish(0, '', () => xhr.onerror?.()), 0);
        },
      };
      onRequest(seen);
    }
    private finish(status: number, text: string, handler: () => void): void {
      if (this.done) return;
      this.done = true;
      this.status = status;
      this.responseText = text;
      this.readyState = 4;
      handler();
    }
  };
}

// ------------------------------------------------------------------------------------------ page

export interface Page {
  window: Any;
  document: FakeDocument;
  clock: Clock;
  localStorage: FakeStorage;
  sessionStorage: FakeStorage;
  requests: SeenRequest[];
  logs: unknown[][];
  errors: unknown[][];
  /** Script URLs the page may load, with their source. Others fail to load. */
  files: Record<string, string>;
  run(code: string): Any;
}

export interface PageOptions {
  /** window._genesys before any script runs. */
  genesys?: Any;
  files?: Record<string, string>;
  onRequest?: (request: SeenRequest) => void;
  localStorage?: FakeStorage;
  document?: FakeDocument;
  /** Runs on the page's window before cxbus.min.js, e.g. to install CX Lens's bus hook first. */
  beforeScripts?: (window: Any, clock: Clock) => void;
}

/** A fresh page with cxbus.min.js loaded. */
export function createPage(options: PageOptions = {}): Page {
  const clock = new Clock();
  const document = options.document ?? new FakeDocument();
  const localStorage = options.localStorage ?? new FakeStorage();
  const sessionStorage = new FakeStorage();
  const requests: SeenRequest[] = [];
  const logs: unknown[][] = [];
  const errors: unknown[][] = [];
  const files: Record<string, string> = { ...options.files };
  const sandbox: Any = {
    console: {
      log: (...args: unknown[]) => logs.push(args),
      error: (...args: unknown[]) => errors.push(args),
      warn: (...args: unknown[]) => errors.push(args),
    },
    document,
    localStorage,
    sessionStorage,
    navigator: { userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0 Safari/537.36' },
    location: { href: 'http://shop.test/page' },
    crypto: { randomUUID },
    atob: (text: string) => Buffer.from(text, 'base64').toString('latin1'),
    setTimeout: clock.setTimeout,
    clearTimeout: clock.clearTimeout,
    addEventListener() {},
    XMLHttpRequest: createXhrClass(clock, (request) => {
      requests.push(request);
      options.onRequest?.(request);
    }),
  };
  if (options.genesys) sandbox._genesys = options.genesys;
  const context = vm.createContext(sandbox);
  vm.runInContext('var window = this;', context);
  const run = (code: string) => vm.runInContext(code, context);
  document.onScript = (script) => {
    clock.setTimeout(() => {
      const code = files[script.src];
      if (code === undefined) {
        script.onerror?.();
        return;
      }
      run(code);
      script.onload?.();
    }, 0);
  };
  options.beforeScripts?.(sandbox, clock);
  run(CXBUS_SOURCE);
  return { window: sandbox, document, clock, localStorage, sessionStorage, requests, logs, errors, files, run };
}

/** The text of console.log calls made by the bus in debug mode (the %c marker removed). */
export function logLines(page: Page): string[] {
  return page.logs.map((args) => String(args[0]).replace(/^%c/, ''));
}

/** A deferred's state after the clock ran: 'pending' | 'resolved' | 'rejected', with its value. */
export function track(promise: Any): { state: string; value: unknown } {
  const outcome = { state: 'pending', value: undefined as unknown };
  promise.done((value: unknown) => Object.assign(outcome, { state: 'resolved', value }));
  promise.fail((value: unknown) => Object.assign(outcome, { state: 'rejected', value }));
  return outcome;
}
