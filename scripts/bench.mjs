// `npm run bench`: builds the wasm if needed, bundles bench/index.ts (kernels and bindings from
// source, the wasm inlined) into build/bench-<pid>.mjs (its own file, so that two runs at once do not
// overwrite each other's bundle; removed afterwards) and runs it, forwarding the arguments:
//   npm run bench -- --quick | --filter simplex | --json bench/results.json | --no-fail
// and its exit code: 1 when a speed-up threshold FAILs (0 with --no-fail) or the bench breaks, 2 for
// a bad argument.
import { execFileSync, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { common, root } from './esbuild-options.mjs';


try {
  execFileSync(process.execPath, [join(root, 'scripts/build.mjs'), '--if-needed'], { cwd: root, stdio: 'inherit' });
} catch {
  console.error('bench: the build failed (node scripts/build.mjs --if-needed); see above');
  process.exit(1);
}

const bundle = join(root, `build/bench-${process.pid}.mjs`);
try {
  await esbuild.build({ ...common, entryPoints: ['bench/index.ts'], outfile: bundle, platform: 'node' });
} catch {
  // esbuild has printed the errors with their locations.
  console.error('bench: bundling bench/index.ts failed; see above');
  process.exit(1);
}

// --expose-gc lets the bench collect the heap between cases, outside the timed regions.
const { status, signal } = spawnSync(process.execPath, ['--expose-gc', bundle, ...process.argv.slice(2)], {
  cwd: process.cwd(),
  stdio: 'inherit',
});
rmSync(bundle, { force: true });
process.exit(status ?? (signal ? 1 : 0));
