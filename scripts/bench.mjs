// `npm run bench`: builds the wasm if needed, bundles bench/index.ts (kernels and bindings from
// source, the wasm inlined) into build/bench.mjs and runs it, forwarding the arguments:
//   npm run bench -- --quick | --filter simplex | --json bench/results.json
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';

const root = new URL('..', import.meta.url).pathname;

try {
  execFileSync(process.execPath, [join(root, 'scripts/build.mjs'), '--if-needed'], { cwd: root, stdio: 'inherit' });
} catch {
  console.error('bench: the build failed (node scripts/build.mjs --if-needed); see above');
  process.exit(1);
}

await esbuild.build({
  entryPoints: ['bench/index.ts'],
  outfile: 'build/bench.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  // Without an explicit target esbuild emits Uint8Array.fromBase64 for inlined bytes (absent in Node 20).
  target: 'es2022',
  loader: { '.wasm': 'binary', '.csv': 'text' },
  logLevel: 'warning',
  absWorkingDir: root,
  define: { PROXKIT_VERSION: JSON.stringify(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version) },
});

// --expose-gc lets the bench collect the heap between cases, outside the timed regions.
const { status, signal } = spawnSync(process.execPath, ['--expose-gc', join(root, 'build/bench.mjs'), ...process.argv.slice(2)], {
  cwd: process.cwd(),
  stdio: 'inherit',
});
process.exit(status ?? (signal ? 1 : 0));
