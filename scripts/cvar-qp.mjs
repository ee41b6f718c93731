// Bundles scripts/cvar-qp-experiment.ts (cvarQp at 10³ … 10⁶ scenarios) with the package's esbuild
// settings and runs it; arguments pass through (see that file).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { common, root } from './esbuild-options.mjs';

await esbuild.build({ ...common, entryPoints: ['scripts/cvar-qp-experiment.ts'], outfile: 'build/cvar-qp.mjs', platform: 'node' });
const { status } = spawnSync(process.execPath, [join(root, 'build/cvar-qp.mjs'), ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(status ?? 1);
