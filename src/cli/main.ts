// The `cx-lens` command's entry in Node (bin/cx-lens.mjs imports it): Node's arguments, files and
// streams handed to the tested core (cli.ts).
import { runCli } from './cli';
import { readLocalFile } from './node-file';

// Piped into `head` and the like: stop quietly when the reader has gone.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await runCli({
  argv: process.argv.slice(2),
  readFile: readLocalFile,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
