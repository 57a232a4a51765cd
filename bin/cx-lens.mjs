#!/usr/bin/env node
// `npx cx-lens report FILE` (see src/cli/cli.ts, or run it with --help).
// The command runs the panel's own TypeScript (src/analysis: the file reader, the models, the findings engine)
// from the source, through tsx, a dev dependency that `npm ci` installs: no build step, and never a
// stale copy of the rules.
import { fileURLToPath } from 'node:url';

let tsImport;
try {
  ({ tsImport } = await import('tsx/esm/api'));
} catch {
  process.stderr.write('cx-lens: tsx is missing. Run "npm ci" in the CX Lens repository first (the command runs its TypeScript through tsx).\n');
  process.exit(4);
}
await tsImport('../src/cli/main.ts', {
  parentURL: import.meta.url,
  // The repository's own settings, wherever the command is run from.
  tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)),
});
