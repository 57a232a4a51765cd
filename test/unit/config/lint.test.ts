// `npm run lint` catches what it is there to catch: each boundary rule and the cycle rule of
// .dependency-cruiser.cjs fail on a violation planted in a throwaway tree laid out like the
// project, and ESLint's configuration fails on a planted recommended-rule violation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { ESLint } from 'eslint';

const ROOT = resolve(import.meta.dirname, '../../..');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');
const CLI = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

let tree: string;
beforeAll(() => {
  tree = mkdtempSync(join(tmpdir(), 'cx-lens-lint-'));
});
afterAll(() => rmSync(tree, { recursive: true, force: true }));

/** Writes `files` (path → source) under a fresh folder of the tree and cruises it: each violation
 *  as its rule's name and the file it starts from. */
function violationsIn(files: Record<string, string>): { rule: string; from: string }[] {
  const dir = mkdtempSync(join(tree, 'case-'));
  for (const [path, source] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), source);
  }
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'esnext', moduleResolution: 'bundler' } }));
  const roots = [...new Set(Object.keys(files).map((p) => p.split('/')[0]!))];
  let out: string;
  try {
    out = execFileSync(process.execPath, [CLI, ...roots, '--config', CONFIG, '--output-type', 'json'], { cwd: dir, encoding: 'utf8' });
  } catch (error) {
    out = (error as { stdout: string }).stdout; // exit code 1 on violations; the report is on stdout
  }
  const report = JSON.parse(out) as { summary: { violations: { rule: { name: string }; from: string }[] } };
  return report.summary.violations.map((v) => ({ rule: v.rule.name, from: v.from }));
}

describe('import boundaries (dependency-cruiser)', () => {
  it('accepts the allowed directions', () => {
    expect(violationsIn({
      'src/shared/protocol.ts': 'export const V = 1;\n',
      'src/analysis/store/tab-store.ts': "import { V } from '../../shared/protocol';\nexport const S = V;\n",
      'src/cli/cli.ts': "import { S } from '../analysis/store/tab-store';\nexport const C = S;\n",
      'panel/bus/BusView.tsx': "import { S } from '../../src/analysis/store/tab-store';\nimport { W } from '../injection/switches/FinalizeSwitch';\nexport const B = S + W;\n",
      'panel/injection/switches/FinalizeSwitch.tsx': 'export const W = 1;\n',
      'bench/run.ts': "import { H } from '../test/support/index';\nexport const R = H;\n",
      'test/support/index.ts': 'export const H = 1;\n',
    })).toEqual([]);
  });

  it('fails on each planted violation, with its rule', () => {
    // One tree holds every violation, each from its own file: one cruise names them all.
    const planted: [rule: string, from: string, source: string][] = [
      ['core-is-headless', 'src/analysis/a.ts', "import { P } from '../../panel/p';\nexport const X = P;\n"],
      ['core-is-headless', 'src/analysis/b.ts', "import { P } from '../page/p';\nexport const X = P;\n"],
      ['cli-uses-the-core', 'src/cli/x.ts', "import { P } from '../../panel/p';\nexport const X = P;\n"],
      ['extension-hops-stand-alone', 'src/page/x.ts', "import { A } from '../analysis/ok';\nexport const X = A;\n"],
      ['extension-hops-stand-alone', 'src/worker/x.ts', "import { P } from '../../panel/p';\nexport const X = P;\n"],
      ['shared-stands-alone', 'src/shared/x.ts', "import { P } from '../page/p';\nexport const X = P;\n"],
      ['panel-over-the-core', 'panel/bus/x.tsx', "import { P } from '../../src/page/p';\nexport const X = P;\n"],
      ['tabs-do-not-import-tabs', 'panel/states/x.tsx', "import { B } from '../bus/BusList';\nexport const X = B;\n"],
      ['shared-panel-folders-do-not-import-tabs', 'panel/hooks/x.ts', "import { B } from '../bus/BusList';\nexport const X = B;\n"],
      ['test-only-through-support', 'bench/x.ts', "import { H } from '../test/support/harness';\nexport const X = H;\n"],
      ['nothing-imports-bench-or-scripts', 'test/unit/x.test.ts', "import { R } from '../../bench/run';\nexport const X = R;\n"],
      ['no-cycles', 'src/shared/c1.ts', "import { C2 } from './c2';\nexport const C1 = C2;\n"],
    ];
    const found = violationsIn({
      'panel/p.ts': 'export const P = 1;\n',
      'src/page/p.ts': 'export const P = 1;\n',
      'src/analysis/ok.ts': 'export const A = 1;\n',
      'panel/bus/BusList.tsx': 'export const B = 1;\n',
      'test/support/harness.ts': 'export const H = 1;\n',
      'bench/run.ts': 'export const R = 1;\n',
      'src/shared/c2.ts': "import type { C1 } from './c1';\nexport const C2 = 1 as unknown as typeof C1;\n",
      ...Object.fromEntries(planted.map(([, from, source]) => [from, source])),
    });
    for (const [rule, from] of planted) expect(found, `${rule} from ${from}`).toContainEqual({ rule, from });
  });
});

describe('ESLint', () => {
  it('fails on a planted recommended-rule violation, in source and in tests', async () => {
    const eslint = new ESLint({ cwd: ROOT });
    const [source] = await eslint.lintText('export const f = (x: any) => { const unused = 1; return x; };\n', { filePath: join(ROOT, 'src/analysis/planted.ts') });
    expect(source!.messages.map((m) => m.ruleId).sort()).toEqual(['@typescript-eslint/no-explicit-any', '@typescript-eslint/no-unused-vars']);
    const [test] = await eslint.lintText('export const f = () => { const unused = 1; };\n', { filePath: join(ROOT, 'test/unit/planted.test.ts') });
    expect(test!.messages.map((m) => m.ruleId)).toEqual(['@typescript-eslint/no-unused-vars']);
  });
});
