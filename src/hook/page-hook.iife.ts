// placeholder: replaced by the real hook
(function () {
  window.postMessage({ source: 'cx-lens-page', v: 1, type: 'batch', records: [{ t: 'status', seq: 0, time: Date.now(), status: { cxbus: 'absent', quickBus: false, plugins: [], problems: [] } }] }, '*');
})();
