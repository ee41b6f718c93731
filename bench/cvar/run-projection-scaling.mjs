// Bundles bench/cvar/projection-scaling.ts with the package's esbuild settings and runs it; arguments
// pass through (see that file). node bench/cvar/run-projection-scaling.mjs [--quick]
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { common, root } from '../../scripts/esbuild-options.mjs';

await esbuild.build({ ...common, entryPoints: [join(root, 'bench/cvar/projection-scaling.ts')], outfile: join(root, 'build/cvar-projection-scaling.mjs'), platform: 'node' });
const { status } = spawnSync(process.execPath, [join(root, 'build/cvar-projection-scaling.mjs'), ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(status ?? 1);
