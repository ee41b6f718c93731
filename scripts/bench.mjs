// `npm run bench`: builds the wasm if needed, bundles bench/index.ts (kernels and bindings from
// source, the wasm inlined) into build/bench.mjs and runs it, forwarding the arguments:
//   npm run bench -- --quick | --filter simplex | --json bench/results.json
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { common, root } from './esbuild-options.mjs';


try {
  execFileSync(process.execPath, [join(root, 'scripts/build.mjs'), '--if-needed'], { cwd: root, stdio: 'inherit' });
} catch {
  console.error('bench: the build failed (node scripts/build.mjs --if-needed); see above');
  process.exit(1);
}

await esbuild.build({ ...common, entryPoints: ['bench/index.ts'], outfile: 'build/bench.mjs', platform: 'node' });

// --expose-gc lets the bench collect the heap between cases, outside the timed regions.
const { status, signal } = spawnSync(process.execPath, ['--expose-gc', join(root, 'build/bench.mjs'), ...process.argv.slice(2)], {
  cwd: process.cwd(),
  stdio: 'inherit',
});
process.exit(status ?? (signal ? 1 : 0));
