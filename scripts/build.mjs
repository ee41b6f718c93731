// Builds everything the package ships, into a fresh dist/:
//   build/proxkit.wasm (asc, release target of asconfig.json), copied once to dist/proxkit.wasm;
//   dist/index.js and dist/onnx.js, the two public entries, code-split so that the runtime and the
//   shared families exist once (chunk-*.js); the runtime finds proxkit.wasm beside the chunk that
//   holds it (new URL('./proxkit.wasm', import.meta.url)) instead of carrying an inlined copy;
//   dist/family-<name>.js, one more (unexported) entry per family and for the plotting module: they
//   make esbuild give each family its own chunk, so that a consumer's bundler, which keeps every
//   top-level statement with side effects in a file it includes (d3's locale set-up, the nn namespace
//   object, option-key tables), includes only the chunks of the families the consumer imports;
//   dist/cli.js, which imports the entries as sibling files; dist/scale-worker.js, the worker-thread entry
//   of scale.workerPool (it imports ./index.js too); the .d.ts of the public entries (tsc);
//   dist/THIRD_PARTY_LICENSES.txt, the licences of the npm packages bundled into those files.
// `--if-needed` skips the build when every output is newer than every source (npm test, npm pack).
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import * as esbuild from 'esbuild';
import { common, root, wasmDefault } from './esbuild-options.mjs';

const outputs = [
  'dist/index.js', 'dist/onnx.js', 'dist/cli.js', 'dist/scale-worker.js', 'dist/proxkit.wasm', 'dist/index.d.ts', 'dist/onnx.d.ts', 'dist/THIRD_PARTY_LICENSES.txt',
];
const sources = ['assembly', 'bindings', 'data', 'asconfig.json', 'package.json', 'tsconfig.json', 'scripts/build.mjs', 'scripts/esbuild-options.mjs'];

function newest(path) {
  const st = statSync(join(root, path));
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(0, ...readdirSync(join(root, path)).map((f) => newest(join(path, f))));
}

if (process.argv.includes('--if-needed') && outputs.every((f) => existsSync(join(root, f)))) {
  const oldestOut = Math.min(...outputs.map((f) => statSync(join(root, f)).mtimeMs));
  if (Math.max(...sources.map(newest)) <= oldestOut) process.exit(0);
}

const bin = (name) => join(root, 'node_modules', '.bin', name);
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;

run(bin('asc'), ['assembly/index.ts', '--target', 'release']);
// A fresh dist/, so that files of an earlier layout (old chunks, declarations of removed modules) never
// ship. It is assembled in a staging folder and swapped in by two renames at the end: a test reading
// dist/ while a build runs sees the old files or the new ones, never a half-written folder.
const stage = `dist.building-${process.pid}`;
rmSync(join(root, stage), { recursive: true, force: true });
mkdirSync(join(root, stage), { recursive: true });
process.on('exit', () => rmSync(join(root, stage), { recursive: true, force: true })); // a failed build leaves nothing
copyFileSync(join(root, 'build/proxkit.wasm'), join(root, stage, 'proxkit.wasm'));

// A legal comment survives a consumer's minifying bundler (esbuild and terser keep /*! … */ by default).
const banner = `/*! proxkit ${version} (MIT). Bundled third-party code keeps its own licence: see THIRD_PARTY_LICENSES.txt beside this file. */`;

// Every bindings/<family>/index.ts, plus the plotting module (d3), as a chunking hint (see the top).
const families = Object.fromEntries(
  readdirSync(join(root, 'bindings'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && !['cli', 'demo', 'runtime'].includes(d.name) && existsSync(join(root, 'bindings', d.name, 'index.ts')))
    .map((d) => [`family-${d.name}`, `bindings/${d.name}/index.ts`]),
);
if (existsSync(join(root, 'bindings/plot/svg.ts'))) families['family-plot'] = 'bindings/plot/svg.ts';

const library = await esbuild.build({
  ...common,
  entryPoints: { index: 'bindings/index.ts', onnx: 'bindings/onnx.ts', ...families },
  outdir: stage,
  // Every chunk lands in dist/ itself: the runtime's chunk resolves ./proxkit.wasm against its own URL.
  splitting: true,
  chunkNames: 'chunk-[hash]',
  platform: 'neutral',
  plugins: [wasmDefault('beside')],
  banner: { js: banner },
  legalComments: 'eof',
  metafile: true,
});

// The CLI imports the public entries (and the plotting module, with the d3 code bundled into it) as
// sibling files: one module instance, one copy of the runtime, no d3 package needed at run time.
const entries = { [join(root, 'bindings/index.ts')]: './index.js', [join(root, 'bindings/onnx.ts')]: './onnx.js' };
if (families['family-plot']) entries[join(root, families['family-plot'])] = './family-plot.js';
const libraryIsExternal = {
  name: 'library-is-external',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\/.*(index|onnx|svg)\.js$/ }, (args) => {
      const target = resolve(args.resolveDir, args.path).replace(/\.js$/, '.ts');
      return entries[target] ? { path: entries[target], external: true } : undefined;
    });
  },
};
const cli = await esbuild.build({
  ...common,
  entryPoints: ['bindings/cli/index.ts'],
  outfile: `${stage}/cli.js`,
  platform: 'node',
  packages: 'external',
  banner: { js: '#!/usr/bin/env node' },
  plugins: [libraryIsExternal, wasmDefault('beside')],
  metafile: true,
});
// The worker-thread entry of scale.workerPool: it imports the public entry beside it (./index.js), so
// each worker thread gets its own module and WASM instance and the file holds no copy of the runtime.
const worker = await esbuild.build({
  ...common,
  entryPoints: ['bindings/scale/worker.ts'],
  outfile: `${stage}/scale-worker.js`,
  platform: 'node',
  packages: 'external',
  plugins: [libraryIsExternal, wasmDefault('beside')],
  metafile: true,
});
// init() resolves ./proxkit.wasm against the URL of the file that holds the runtime: it must sit in dist/.
for (const [file, out] of Object.entries(library.metafile.outputs)) {
  if (Object.keys(out.inputs).some((f) => /bindings[\\/]runtime[\\/]wasm-default\.ts$/.test(f)) && relative(join(root, stage), join(root, file)).includes(sep)) {
    throw new Error(`build: the runtime landed in ${file}, not directly in dist/, where proxkit.wasm is`);
  }
}
const runtimeInWorker = Object.keys(worker.metafile.inputs).filter((f) => /bindings[\\/]runtime[\\/](?!errors\.ts$)/.test(f));
if (runtimeInWorker.length > 0) throw new Error(`build: dist/scale-worker.js bundles runtime code (${runtimeInWorker.join(', ')}); import it through ../index.js`);
const runtimeInCli = Object.keys(cli.metafile.inputs).filter((f) => /bindings[\\/]runtime[\\/]/.test(f));
if (runtimeInCli.length > 0) {
  throw new Error(`build: dist/cli.js bundles a second copy of the runtime (${runtimeInCli.join(', ')}); import it through ../index.js`);
}

writeFileSync(join(root, stage, 'THIRD_PARTY_LICENSES.txt'), thirdPartyLicenses(library.metafile));
run(bin('tsc'), ['-p', 'tsconfig.json', '--outDir', stage]);

// Another build finishing at the same moment can put a dist/ back between the two renames (or take it
// away before the first): move whatever is there aside and try again.
const old = `dist.old-${process.pid}`;
for (let attempt = 1; ; attempt++) {
  try {
    if (existsSync(join(root, 'dist'))) renameSync(join(root, 'dist'), join(root, `${old}-${attempt}`));
    renameSync(join(root, stage), join(root, 'dist'));
    break;
  } catch (e) {
    if (attempt >= 5 || !['ENOENT', 'ENOTEMPTY', 'EEXIST'].includes(e.code)) throw e;
  }
}
for (const f of readdirSync(root).filter((n) => n.startsWith(`${old}-`))) rmSync(join(root, f), { recursive: true, force: true });

/**
 * The licence texts of every npm package with code in the library bundle, read from node_modules
 * (LICENSE / LICENCE / COPYING and NOTICE files), so that the list follows what esbuild really bundled.
 */
function thirdPartyLicenses(metafile) {
  const packages = new Map();
  for (const input of Object.keys(metafile.inputs)) {
    const parts = input.split(/[\\/]/);
    const at = parts.lastIndexOf('node_modules');
    if (at < 0) continue;
    const nameParts = parts[at + 1].startsWith('@') ? parts.slice(at + 1, at + 3) : parts.slice(at + 1, at + 2);
    const dir = join(root, ...parts.slice(0, at + 1 + nameParts.length));
    packages.set(dir, nameParts.join('/'));
  }
  const bundled = [...packages.entries()].sort(([, a], [, b]) => a.localeCompare(b)).map(([dir, name]) => [dir, name, 'bundled into the JavaScript']);
  // proxkit.wasm is compiled by asc together with AssemblyScript's standard library (Math, memory helpers).
  const compiled = [[join(root, 'node_modules/assemblyscript'), 'assemblyscript', 'its standard library is compiled into proxkit.wasm']];
  const sections = [...bundled, ...compiled]
    .map(([dir, name, how]) => {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      let texts = licenceFiles(dir);
      let note = '';
      if (texts.length === 0) {
        // @assemblyscript/loader ships no licence file; its licence is the AssemblyScript project's,
        // whose compiler package (same repository, same version) carries LICENSE and NOTICE.
        const parent = name.startsWith('@assemblyscript/') ? join(root, 'node_modules/assemblyscript') : null;
        const parentPkg = parent && existsSync(join(parent, 'package.json')) ? JSON.parse(readFileSync(join(parent, 'package.json'), 'utf8')) : null;
        if (parentPkg && parentPkg.version === pkg.version && parentPkg.license === pkg.license) {
          texts = licenceFiles(parent);
          note = `(The package ships no licence file; the texts below are those of assemblyscript ${parentPkg.version}, the same project and release.)\n\n`;
        } else {
          throw new Error(`build: ${name} ${pkg.version} is bundled but has no licence file in ${relative(root, dir)}`);
        }
      }
      const where = relative(root, dir).split(sep).join('/');
      const header = `${name} ${pkg.version} (${pkg.license ?? 'licence not declared'})${pkg.repository ? ` — ${typeof pkg.repository === 'string' ? pkg.repository : pkg.repository.url}` : ''}`;
      return `${'='.repeat(78)}\n${header}\n${how}, from ${where}\n${'='.repeat(78)}\n\n${note}${texts.join('\n\n')}\n`;
    });
  return [
    `proxkit ${version} is MIT-licensed (LICENSE). Its files in dist/ also contain code of the npm packages`,
    'below, each under its own licence, reproduced here as shipped in that package.',
    '',
    ...sections,
  ].join('\n');
}

function licenceFiles(dir) {
  return readdirSync(dir)
    .filter((f) => /^(licen[cs]e|copying|notice)([.\-_].*)?$/i.test(f))
    .sort((a, b) => Number(/^notice/i.test(a)) - Number(/^notice/i.test(b)) || a.localeCompare(b))
    .map((f) => readFileSync(join(dir, f), 'utf8').trimEnd());
}
