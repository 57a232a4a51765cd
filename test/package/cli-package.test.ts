// The command line's package (release/cx-lens-<version>.tgz, npm run package): installed with npm
// into a temporary prefix from an empty folder, `cx-lens` runs with Node alone and prints, on the
// fixtures, exactly what the repository's command (bin/cx-lens.mjs, through tsx) prints, with the
// same exit codes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';

const ROOT = resolve(import.meta.dirname, '../..');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const TARBALL = join(ROOT, 'release', `cx-lens-${VERSION}.tgz`);
const FIXTURES = join(ROOT, 'test/fixtures/cli');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)(command, args, { ...options, maxBuffer: 64 * 1024 * 1024, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw error;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

let prefix: string;
let empty: string;
/** Only Node on the PATH (and the installed command): no tsx, no npm packages of the repository. */
let nodeOnly: NodeJS.ProcessEnv;

beforeAll(async () => {
  prefix = mkdtempSync(join(tmpdir(), 'cx-lens-prefix-'));
  empty = mkdtempSync(join(tmpdir(), 'cx-lens-empty-'));
  const installed = await run('npm', ['install', '-g', TARBALL, '--prefix', prefix, '--offline', '--no-audit', '--no-fund'], {
    cwd: empty, env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  expect(installed.code, installed.stderr).toBe(0);
  nodeOnly = { PATH: `${join(prefix, 'bin')}:${dirname(process.execPath)}`, NO_COLOR: '1', HOME: empty };
}, 120_000);
afterAll(() => {
  for (const dir of [prefix, empty]) if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the command line package', () => {
  it('installs one bundled file and no dependency', () => {
    const lib = join(prefix, 'lib/node_modules/cx-lens');
    const manifest = JSON.parse(readFileSync(join(lib, 'package.json'), 'utf8'));
    expect(manifest.bin).toEqual({ 'cx-lens': 'bin/cx-lens.mjs' });
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(readdirSync(join(lib, 'bin'))).toEqual(['cx-lens.mjs']);
    expect(readdirSync(lib).sort()).toEqual(['bin', 'package.json']);
    // Node's own modules only.
    const imports = [...readFileSync(join(lib, 'bin/cx-lens.mjs'), 'utf8').matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
    expect(imports.filter((m) => !m!.startsWith('node:'))).toEqual([]);
  });

  const cases: [string, string[]][] = [
    ['a recording', ['report', 'no-handler.cx-lens.json']],
    ['a recording, as JSON', ['report', '--json', 'no-handler.cx-lens.json']],
    ['a HAR', ['report', 'no-handler.har']],
    ['a HAR with an error finding', ['report', 'malformed.har']],
    ['a cut-off file', ['report', 'cut-off.cx-lens.json']],
    ['a missing file', ['report', 'missing.json']],
    ['no command', []],
    ['--help', ['--help']],
  ];
  it.each(cases)('%s: the same output and exit code as the repository\'s command', async (_what, args) => {
    const installed = await run('cx-lens', args, { cwd: FIXTURES, env: nodeOnly });
    const repository = await run(process.execPath, [join(ROOT, 'bin/cx-lens.mjs'), ...args], { cwd: FIXTURES, env: { ...process.env, NO_COLOR: '1' } });
    expect(installed).toEqual(repository);
    expect(installed.stdout + installed.stderr).not.toBe('');
  });

  it('exits as documented: 0 without error findings, 1 with one, 2 for a file it cannot open, 3 for wrong usage', async () => {
    const codes = [];
    for (const args of [['report', 'no-handler.cx-lens.json'], ['report', 'malformed.har'], ['report', 'missing.json'], []]) {
      codes.push((await run('cx-lens', args, { cwd: FIXTURES, env: nodeOnly })).code);
    }
    expect(codes).toEqual([0, 1, 2, 3]);
  });
});
