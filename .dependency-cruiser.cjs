// Import boundaries and cycles, checked by `npm run lint` (dependency-cruiser).
// The layers (docs/ARCHITECTURE.md): code that runs in the page, the relay, the worker and the
// devtools page stands alone over src/shared; the analysis core (src/analysis) is headless and
// runs in the panel, a Web Worker and Node; the panel's views sit on top of it.
const TAB = '^panel/(bus|states|cookies|injection|findings)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'Modules import each other in one direction only.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'shared-stands-alone',
      comment: 'src/shared is what every hop shares: it imports nothing else of the project.',
      severity: 'error',
      from: { path: '^src/shared/' },
      to: { path: '^(src/(?!shared/)|panel/|test/|bench/|scripts/)' },
    },
    {
      name: 'extension-hops-stand-alone',
      comment: 'Page-side code, the relay, the worker, the devtools page and the cookie scripts never import the analysis core, the panel or the command line.',
      severity: 'error',
      from: { path: '^src/(page|content|worker|devtools|cookie)/' },
      to: { path: '^(src/(analysis|cli)/|panel/|test/|bench/|scripts/)' },
    },
    {
      name: 'core-is-headless',
      comment: 'src/analysis imports only itself, src/shared and src/cookie: it runs unchanged in the panel, a Web Worker and Node.',
      severity: 'error',
      from: { path: '^src/analysis/' },
      to: { path: '^(src/(?!analysis/|shared/|cookie/)|panel/|test/|bench/|scripts/)' },
    },
    {
      name: 'core-has-no-ui-or-browser-api',
      comment: 'No Preact and no extension API in the analysis core.',
      severity: 'error',
      from: { path: '^src/analysis/' },
      to: { path: 'node_modules/(preact|webextension-polyfill|@preact)/' },
    },
    {
      name: 'cli-uses-the-core',
      comment: 'The command line reads files and reports through the analysis core, never through panel/.',
      severity: 'error',
      from: { path: '^src/cli/' },
      to: { path: '^(panel/|src/(page|content|worker|devtools)/|test/|bench/|scripts/)' },
    },
    {
      name: 'panel-over-the-core',
      comment: 'The panel talks to the page through the worker only: it imports the core, src/shared and src/cookie, never page-side, relay or worker code.',
      severity: 'error',
      from: { path: '^panel/' },
      to: { path: '^(src/(page|content|worker|devtools|cli)/|test/|bench/|scripts/)' },
    },
    {
      name: 'tabs-do-not-import-tabs',
      comment: "A tab's views depend on the core and the panel's shared folders, not on another tab's folder; the injection switches (panel/injection/switches) are the one part of a tab that others render.",
      severity: 'error',
      from: { path: `${TAB}` },
      to: { path: TAB, pathNot: ['^panel/$1/', '^panel/injection/switches/'] },
    },
    {
      name: 'shared-panel-folders-do-not-import-tabs',
      comment: 'panel/components, panel/hooks, panel/platform and panel/recording serve every tab and import none.',
      severity: 'error',
      from: { path: '^panel/(components|hooks|platform|recording)/' },
      to: { path: TAB },
    },
    {
      name: 'test-only-through-support',
      comment: 'Outside test/, only test/support/index.ts (the browser harness and the demo) may be imported.',
      severity: 'error',
      from: { path: '^(src|panel|bench|scripts)/' },
      to: { path: '^test/', pathNot: '^test/support/index\\.ts$' },
    },
    {
      name: 'nothing-imports-bench-or-scripts',
      comment: 'bench/ and scripts/ are entry points: nothing in src, panel or test depends on them.',
      severity: 'error',
      from: { path: '^(src|panel|test)/' },
      to: { path: '^(bench|scripts)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|dist-[^/]+|release)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.mjs', '.js', '.json'] },
    moduleSystems: ['es6', 'cjs'],
  },
};
