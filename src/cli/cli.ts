// The `cx-lens` command line: `cx-lens report FILE [--json]`. Its environment (arguments, the
// file reader, stdout and stderr) comes in as parameters, so that tests run it whole; the entry
// (main.ts) passes Node's. A file is opened with the panel's own code (src/analysis/files/),
// loaded into the panel's models and judged by the panel's findings engine.
import { loadFile } from '../analysis/files/load';
import { OpenError, parseFile, type ParsedFile } from '../analysis/files/parse';
import { FileTooLarge, readFileText, type FileLike } from '../analysis/files/read-file';
import { runRules, type RulesResult } from '../analysis/findings/engine';
import type { TabModels } from '../analysis/store/tab-models';
import type { Finding } from '../analysis/findings/types';
import { buildReport, hasErrors, REPORT_VERSION } from './report';
import { messageSafe, reportJson, reportText } from './text';
import { errorText } from '../shared/error-text';

/** The command's exit codes. */
export const EXIT = {
  ok: 0,
  /** At least one finding of severity error. */
  errorFinding: 1,
  /** The file cannot be read or opened. */
  unreadable: 2,
  /** Wrong usage: unknown command or option, no file. */
  usage: 3,
  /** CX Lens itself failed (also when only some rules failed: the report then lists them). */
  internal: 4,
} as const;

export interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface CliEnvironment {
  /** The arguments after the program's name (process.argv.slice(2)). */
  argv: readonly string[];
  /** The file at a path, as the panel reads a File (its size first, then slices); rejects with
   *  a Node-style error (`code` ENOENT, EISDIR, EACCES...) when it cannot be opened. */
  readFile(path: string): Promise<FileLike>;
  stdout: Output;
  stderr: Output;
  env?: Readonly<Record<string, string | undefined>>;
  /** The rules: the panel's engine unless a test passes its own (the findings, or the findings and
   *  the rules that failed). */
  findings?: (models: TabModels, now: number) => Finding[] | RulesResult;
}

export const HELP = `Usage: cx-lens report FILE [--json] [--color | --no-color]

Prints what the CX Lens panel shows for FILE: the chat sessions with their states
and the page's reactions to Finalizing/Completed, the Cookie sync verdict, and the
findings (what is wrong with the page's chat, why, and how to fix it).

FILE is a CX Lens recording (the panel's "Save recording"), a Bus Export of an
older CX Lens, or a HAR file (DevTools Network panel, "Save all as HAR").
Secrets are masked in the output. Times are UTC.

Options:
  --json        the same report as JSON, for machines
  --color       colour the text even when stdout is not a terminal
  --no-color    never colour the text (NO_COLOR=1 does the same)
  -h, --help    this help

Exit codes:
  0  no finding of severity error
  1  at least one finding of severity error
  2  FILE cannot be read or opened (missing, too large, not a recording or a HAR)
  3  wrong usage (unknown command or option, no FILE)
  4  CX Lens itself failed (a bug); when only some rules failed, the report is
     still printed and lists them: the findings are then incomplete
`;

interface Options {
  file: string;
  json: boolean;
  color: boolean | undefined;
}

class UsageError extends Error {}

/** Runs the command; resolves to its exit code. Never throws. */
export async function runCli(environment: CliEnvironment): Promise<number> {
  const { stdout, stderr } = environment;
  let options: Options | 'help';
  try {
    options = parseArgs(environment.argv);
  } catch (error) {
    stderr.write(`cx-lens: ${messageSafe(errorText(error))}\nRun "cx-lens --help" for how to use it.\n`);
    return EXIT.usage;
  }
  if (options === 'help') {
    stdout.write(HELP);
    return EXIT.ok;
  }
  const { file, json } = options;

  let parsed: ParsedFile;
  try {
    parsed = parseFile(await readFileText(await environment.readFile(file)), file);
  } catch (error) {
    const message = messageSafe(unreadableMessage(file, error));
    stderr.write(`cx-lens: ${message}\n`);
    if (json) stdout.write(`${JSON.stringify({ tool: 'cx-lens', reportVersion: REPORT_VERSION, error: { code: 'unreadable', message } }, null, 2)}\n`);
    return EXIT.unreadable;
  }

  try {
    const models = await loadFile(parsed);
    const computed = (environment.findings ?? runRules)(models, parsed.clock);
    const { findings, failed } = Array.isArray(computed) ? { findings: computed, failed: [] } : computed;
    const report = buildReport({ file: parsed, models, findings, failed });
    stdout.write(json ? reportJson(report) : reportText(report, { color: options.color ?? colorByDefault(environment) }));
    // A rule that failed is CX Lens's own failure: its findings are unknown, never "none".
    if (report.rulesFailed.length > 0) {
      stderr.write(`cx-lens: ${report.rulesFailed.length === 1 ? '1 rule' : `${report.rulesFailed.length} rules`} failed on ${messageSafe(file)} (a bug; please report it with the file if you can); the findings are incomplete: ${messageSafe(report.rulesFailed.map((f) => `${f.rule}: ${f.error}`).join('; '))}\n`);
      return EXIT.internal;
    }
    return hasErrors(report) ? EXIT.errorFinding : EXIT.ok;
  } catch (error) {
    stderr.write(`cx-lens: CX Lens failed on ${messageSafe(file)} (a bug; please report it with the file if you can): ${messageSafe(error instanceof Error ? error.stack ?? error.message : errorText(error), true)}\n`);
    if (json) stdout.write(`${JSON.stringify({ tool: 'cx-lens', reportVersion: REPORT_VERSION, error: { code: 'internal', message: messageSafe(errorText(error)) } }, null, 2)}\n`);
    return EXIT.internal;
  }
}

function parseArgs(argv: readonly string[]): Options | 'help' {
  const positional: string[] = [];
  let json = false;
  let color: boolean | undefined;
  let rest = false;
  for (const arg of argv) {
    if (rest || !arg.startsWith('-')) positional.push(arg);
    else if (arg === '--') rest = true;
    else if (arg === '-h' || arg === '--help') return 'help';
    else if (arg === '--json') json = true;
    else if (arg === '--color') color = true;
    else if (arg === '--no-color') color = false;
    else throw new UsageError(`unknown option ${arg}.`);
  }
  const [command, ...files] = positional;
  if (command === undefined) throw new UsageError('no command: say "cx-lens report FILE".');
  if (command === 'help') return 'help';
  if (command !== 'report') throw new UsageError(`unknown command "${command}": the command is "report" (cx-lens report FILE).`);
  if (files.length === 0) throw new UsageError('which file? Say "cx-lens report FILE" (a CX Lens recording or a HAR file).');
  if (files.length > 1) throw new UsageError(`one file at a time (got ${files.length}: ${files.join(', ')}).`);
  return { file: files[0]!, json, color };
}

/** Colours for a terminal, unless NO_COLOR or a dumb terminal says otherwise (FORCE_COLOR forces). */
function colorByDefault({ stdout, env = {} }: CliEnvironment): boolean {
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return stdout.isTTY === true && env.TERM !== 'dumb';
}

/** Why a file cannot be opened, for the user. */
function unreadableMessage(file: string, error: unknown): string {
  if (error instanceof OpenError || error instanceof FileTooLarge) return error.message;
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ENOENT':
      return `cannot read ${file}: there is no such file.`;
    case 'EISDIR':
      return `cannot read ${file}: it is a directory, not a file.`;
    case 'EACCES':
    case 'EPERM':
      return `cannot read ${file}: permission denied.`;
    default:
      return `cannot read ${file}: ${errorText(error)}`;
  }
}
