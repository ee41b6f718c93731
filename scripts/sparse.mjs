// Bundles scripts/sparse-experiment.ts (the sparse family's experiments: bars test over seeds, ProxSparse
// 2:4 masks on digits, learned proximal networks) with the package's esbuild settings and runs it;
// arguments pass through (see that file).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { common, root } from './esbuild-options.mjs';

await esbuild.build({ ...common, entryPoints: ['scripts/sparse-experiment.ts'], outfile: 'build/sparse-experiment.mjs', platform: 'node' });
const { status } = spawnSync(process.execPath, [join(root, 'build/sparse-experiment.mjs'), ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(status ?? 1);
