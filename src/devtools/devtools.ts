// DevTools page: only adds the CX Lens panel. The panel itself does the work.
// Root-relative paths: Firefox resolves relative ones against this page's folder (src/devtools/),
// Chrome resolves both against the extension's root.
chrome.devtools.panels.create('CX Lens', '/icons/icon-32.png', '/panel/index.html');
