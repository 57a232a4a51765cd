// ESLint: the recommended rules of ESLint and typescript-eslint over every TypeScript and script
// file. Each rule switched off or narrowed says why, for the folders it concerns.
// Import boundaries and cycles are dependency-cruiser's job (.dependency-cruiser.cjs).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'dist-*/**', 'release/**', 'node_modules/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: { ...globals.browser, ...globals.node, ...globals.webextensions },
    },
    rules: {
      // A leading underscore marks a name that a signature or a destructuring needs but the body
      // does not use (`catch (_cause)`, `{ seq: _seq, ...rest }`).
      '@typescript-eslint/no-unused-vars': ['error', {
        argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true,
      }],
    },
  },
  {
    // Page-side code wraps the page's own functions: its Proxy traps and wrappers take the page's
    // `this` as a parameter, so the tap's own object is named (`const tap = this`) for them, and a
    // page function of any shape (class, bound, native) is what `Function` means there.
    files: ['src/page/**', 'src/cookie/**'],
    rules: {
      '@typescript-eslint/no-this-alias': 'off',
      '@typescript-eslint/no-unsafe-function-type': 'off',
    },
  },
  {
    // The analysis core runs unchanged in the panel, a Web Worker and Node: no extension API, no
    // DOM, no page globals (the panel hands it what it needs).
    files: ['src/analysis/**'],
    rules: {
      'no-restricted-globals': ['error',
        ...['chrome', 'browser', 'window', 'document', 'localStorage', 'sessionStorage', 'navigator', 'location'].map((name) => ({
          name, message: 'src/analysis is headless: take this from the caller (panel/platform) instead.',
        })),
      ],
    },
  },
  {
    // Tests, the bench and the scripts reach into untyped page and panel objects through
    // puppeteer's evaluate and node:vm, and build hostile values on purpose.
    files: ['test/**', 'bench/**', 'scripts/**'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-this-alias': 'off',
      '@typescript-eslint/no-unsafe-function-type': 'off',
      'no-control-regex': 'off',
      'no-loss-of-precision': 'off',
    },
  },
  {
    // Scripts that the bench puts in a page forward `arguments` exactly, as the page's own code would.
    files: ['bench/**'],
    rules: { 'prefer-rest-params': 'off' },
  },
  {
    // The demo's page scripts and the Widgets emulation are classic scripts that run in a page with
    // the demo's and Genesys' globals, written in the ES5 style of the real Widgets bundle and
    // keeping the callback signatures of Genesys' documented examples (`function (Open, Cookie,
    // CookieOptions)`, `catch (error)`), used or not.
    files: ['test/demo/pages/**/*.js', 'test/demo/widgets/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: { cxDemo: 'readonly', CXBus: 'readonly', _genesys: 'writable', CookieProvider: 'readonly' },
    },
    rules: { '@typescript-eslint/no-unused-vars': ['error', { args: 'none', caughtErrors: 'none' }] },
  },
);
