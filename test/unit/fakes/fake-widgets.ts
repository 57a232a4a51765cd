// Widgets plugins on the fake bus (fake-cxbus.ts), as far as the injected scripts' tests need
// them, and the page window those scripts see.
import { vi } from 'vitest';
import { createFakeCXBus, type FakeCXBusGlobal, type FakeCXBusOptions, type FakePlugin } from './fake-cxbus';

/** A bus with WebChat (injectMessage, endChat) and WebChatService (getSessionData) as the Widgets
 *  runtime registers them: injectMessage and endChat reject while no chat is active, as the real
 *  ones do. */
export function createWidgetsBus(opts: { chatActive?: boolean; session?: unknown } & FakeCXBusOptions = {}) {
  const bus = createFakeCXBus(opts);
  const webChat = bus.registerPlugin('WebChat') as FakePlugin;
  const service = bus.registerPlugin('WebChatService') as FakePlugin;
  let active = opts.chatActive ?? true;
  webChat.registerCommand('injectMessage', (e) => {
    if (active) e.deferred.resolve(true);
    else e.deferred.reject('No chat session to inject into.');
  });
  webChat.registerCommand('endChat', (e) => {
    if (!active) return e.deferred.reject('there is no active chat session to end');
    active = false;
    e.deferred.resolve();
  });
  service.registerCommand('getSessionData', (e) => e.deferred.resolve(opts.session ?? null));
  return { ...bus, webChat, service };
}

/** What the Widgets App does with the bus: registers QuickBus, gives it registerPlugin, and puts it
 *  on `_genesys.widgets.bus` (with the transport config, when given). */
export function addQuickBus(win: { _genesys?: any }, bus: Pick<FakeCXBusGlobal, 'registerPlugin'>, transport?: unknown) {
  const quick = Object.assign(bus.registerPlugin('QuickBus') as FakePlugin, { registerPlugin: bus.registerPlugin });
  win._genesys = win._genesys ?? {};
  win._genesys.widgets = win._genesys.widgets ?? {};
  if (transport) win._genesys.widgets.webchat = { transport };
  win._genesys.widgets.bus = quick;
  return quick;
}

export interface FakeWindow {
  CXBus?: unknown;
  _genesys?: unknown;
  location: { origin: string };
  postMessage: ReturnType<typeof vi.fn>;
  [key: symbol]: unknown;
}

export function createFakeWindow(origin = 'https://shop.example'): FakeWindow {
  return { location: { origin }, postMessage: vi.fn() };
}
