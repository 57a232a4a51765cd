// The one door from outside test/ (bench/, scripts/) into the browser harness and the demo: the
// e2e tests, the benchmark and the screenshot scripts drive the same browser, panel and pages.
export * from './harness';
export * from './relay-world';
export * from './demo-driver';
export * from './cookie-driver';
export * from './states-driver';
export * from './findings-driver';
export { startDemo } from '../demo/server/index.mjs';
export * from './lens-scripts';
