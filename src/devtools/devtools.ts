// DevTools page: only adds the CX Lens panel. The panel itself does the work.
chrome.devtools.panels.create('CX Lens', 'icons/icon-32.png', 'panel/index.html');
