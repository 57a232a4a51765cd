// npm run package: the store packages and the command line's package, in release/, from the
// builds in dist/ and dist-firefox/ (npm run build, npm run build:firefox, which `package` runs first).
//   cx-lens-<version>-chrome.zip   dist/ without the development key and source maps
//   cx-lens-<version>-firefox.zip  dist-firefox/ by web-ext build
//   cx-lens-<version>.tgz          `cx-lens report`: one bundled JavaScript file for Node alone
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { build } from 'vite';
import { storeManifest } from '../build/manifest';
import { manifestFiles } from '../build/manifest-files';
import { writeZip } from '../build/zip';

const root = resolve(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string; engines: { node: string }; dependencies?: Record<string, string> };
const version = pkg.version;
const release = join(root, 'release');
const chromeDist = join(root, process.env.CX_LENS_DIST ?? 'dist');
const firefoxDist = join(root, process.env.CX_LENS_FIREFOX_DIST ?? 'dist-firefox');
mkdirSync(release, { recursive: true });

/** Every file under `dir`, as relative paths with forward slashes, sorted. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (at: string) => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(relative(dir, path).split('\\').join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

/** Fails unless the build's manifest has package.json's version and every file it names exists. */
function checkBuild(dir: string): Record<string, unknown> {
  if (!existsSync(join(dir, 'manifest.json'))) throw new Error(`no build in ${dir}`);
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  if (manifest.version !== version) throw new Error(`${dir}: manifest version ${manifest.version}, package.json ${version}: build again`);
  const missing = manifestFiles(manifest).filter((file) => !existsSync(join(dir, file)));
  if (missing.length) throw new Error(`${dir}: the manifest names files the build lacks: ${missing.join(', ')}`);
  return manifest;
}

function chromeZip(): string {
  const manifest = storeManifest(checkBuild(chromeDist));
  const entries = filesUnder(chromeDist)
    .filter((file) => file !== 'manifest.json' && !file.endsWith('.map'))
    .map((name) => ({ name, data: readFileSync(join(chromeDist, name)) }));
  // Source maps stay out; so does any comment that points to one.
  for (const entry of entries) {
    if (/\.(js|css)$/.test(entry.name)) entry.data = Buffer.from(entry.data.toString('utf8').replace(/\n?\/[/*][#@] sourceMappingURL=[^\n]*$/gm, ''));
  }
  const out = join(release, `cx-lens-${version}-chrome.zip`);
  writeFileSync(out, writeZip([{ name: 'manifest.json', data: Buffer.from(JSON.stringify(manifest, null, 2) + '\n') }, ...entries]));
  return out;
}

function firefoxZip(): string {
  checkBuild(firefoxDist);
  const name = `cx-lens-${version}-firefox.zip`;
  execFileSync(join(root, 'node_modules/.bin/web-ext'), [
    'build', '--source-dir', firefoxDist, '--artifacts-dir', release, '--filename', name, '--overwrite-dest', '--no-config-discovery',
  ], { stdio: ['ignore', 'ignore', 'inherit'] });
  return join(release, name);
}

/** The command line as a package: src/cli/main.ts and all it imports in one file for Node. */
async function cliTarball(): Promise<string> {
  const stage = mkdtempSync(join(tmpdir(), 'cx-lens-cli-'));
  try {
    await build({
      configFile: false,
      logLevel: 'warn',
      root,
      build: {
        ssr: join(root, 'src/cli/main.ts'),
        outDir: join(stage, 'bin'),
        emptyOutDir: true,
        target: 'node20',
        minify: false,
        rollupOptions: { output: { format: 'es', entryFileNames: 'cx-lens.mjs', codeSplitting: false } },
      },
      // Every package goes into the file: the tarball has no dependencies.
      ssr: { noExternal: true, target: 'node' },
    });
    const bin = join(stage, 'bin/cx-lens.mjs');
    writeFileSync(bin, `#!/usr/bin/env node\n// CX Lens ${version}: \`cx-lens report FILE\` (cx-lens --help). Built from src/cli by npm run package.\n${readFileSync(bin, 'utf8')}`);
    chmodSync(bin, 0o755);
    writeFileSync(join(stage, 'package.json'), JSON.stringify({
      name: 'cx-lens',
      version,
      description: 'CX Lens command line: reports on a CX Lens recording or a HAR of a Genesys Widgets chat',
      type: 'module',
      bin: { 'cx-lens': 'bin/cx-lens.mjs' },
      files: ['bin/cx-lens.mjs'],
      engines: pkg.engines,
      license: 'UNLICENSED',
    }, null, 2) + '\n');
    const packed = execFileSync('npm', ['pack', '--pack-destination', release, '--json'], { cwd: stage, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return join(release, (JSON.parse(packed) as { filename: string }[])[0].filename);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

for (const file of [chromeZip(), firefoxZip(), await cliTarball()]) {
  console.log(`${relative(root, file)}  ${(statSync(file).size / 1024).toFixed(0)} kB`);
}
