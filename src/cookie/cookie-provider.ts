// cookie-provider.min.js: the script a site includes on every page that shares the chat session
// across domains. A plain classic script: it defines the globals of the Genesys guide,
// CookieProvider and initCookieProviderExtension (and the guide's bare CookieProviderExtension).
import { createCookieProviderApi } from './provider-core';

const api = createCookieProviderApi<HTMLIFrameElement>(window);
Object.assign(window, {
  CookieProvider: api.CookieProvider,
  initCookieProviderExtension: api.initCookieProviderExtension,
  CookieProviderExtension: api.CookieProviderExtension,
});
