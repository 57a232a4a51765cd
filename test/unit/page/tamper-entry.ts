// The page hook's API, bundled by page-tamper.test.ts into one classic script that runs in a
// node:vm realm of its own, as the real hook runs in a page: its built-ins are the realm's, taken
// when the script loads, and the page's code of that realm can replace them afterwards.
export { installHook, pageEnv } from '../../../src/page/bus-tap';
export { safeCopy } from '../../../src/page/safe-copy';
