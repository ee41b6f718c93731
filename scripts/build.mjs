// Builds everything the package ships: build/proxkit.wasm (asc, release target of asconfig.json),
// dist/index.js (the library, the wasm inlined), dist/cli.js, dist/proxkit.wasm and the .d.ts files.
// `--if-needed` skips the build when dist/ is newer than every source (npm test uses it).
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { common, root } from './esbuild-options.mjs';

const outputs = ['dist/index.js', 'dist/cli.js', 'dist/proxkit.wasm', 'dist/index.d.ts'];
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

run(bin('asc'), ['assembly/index.ts', '--target', 'release']);
mkdirSync(join(root, 'dist'), { recursive: true });
copyFileSync(join(root, 'build/proxkit.wasm'), join(root, 'dist/proxkit.wasm'));

await esbuild.build({ ...common, entryPoints: ['bindings/index.ts'], outfile: 'dist/index.js', platform: 'neutral' });
// The CLI imports the library as the sibling file rather than bundling a second copy of the wasm.
const libraryIsExternal = {
  name: 'library-is-external',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/index\.js$/ }, () => ({ path: './index.js', external: true }));
  },
};
await esbuild.build({
  ...common,
  entryPoints: ['bindings/cli/index.ts'],
  outfile: 'dist/cli.js',
  platform: 'node',
  packages: 'external',
  banner: { js: '#!/usr/bin/env node' },
  plugins: [libraryIsExternal],
});
run(bin('tsc'), ['-p', 'tsconfig.json']);
