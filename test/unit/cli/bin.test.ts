// The installed command itself: bin/cx-lens.mjs started by Node, as `npx cx-lens` starts it, runs
// the TypeScript through tsx and passes the exit code on.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture } from './helpers';

const ROOT = resolve(import.meta.dirname, '../../..');
const BIN = resolve(ROOT, 'bin/cx-lens.mjs');

function cxLens(args: string[], cwd = ROOT) {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.FORCE_COLOR;
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 30_000, env });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

// Each start compiles the TypeScript afresh: about a second, more on a busy machine.
describe('bin/cx-lens.mjs', { timeout: 60_000 }, () => {
  it('reports a file, uncoloured when piped, from any working directory', () => {
    const { code, stdout, stderr } = cxLens(['report', fixture('no-handler.har')], '/');
    expect(stderr).toBe('');
    expect([0, 1]).toContain(code);
    expect(stdout).toContain('Session 6f1c2d9e-0b7a-4c55-9d1e-3a8f2b4c7e10');
    expect(stdout).not.toContain('\x1b[');
  });

  it('--json prints JSON; exit 2 for a file it cannot read; --help exit 0', () => {
    const report = cxLens(['report', '--json', fixture('no-handler.cx-lens.json')]);
    expect(JSON.parse(report.stdout)).toMatchObject({ tool: 'cx-lens', file: { kind: 'recording' } });
    const missing = cxLens(['report', 'test/fixtures/cli/nope.json']);
    expect(missing).toEqual({ code: 2, stdout: '', stderr: 'cx-lens: cannot read test/fixtures/cli/nope.json: there is no such file.\n' });
    const help = cxLens(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: cx-lens report FILE/);
  });
});
