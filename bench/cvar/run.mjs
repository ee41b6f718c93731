// Bundles one of this folder's experiments with the package's esbuild settings and runs it; the other
// arguments pass through. node bench/cvar/run.mjs projection-scaling [--quick]; … averaging-table [--quick]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { common, root } from '../../scripts/esbuild-options.mjs';

const [name, ...rest] = process.argv.slice(2);
const entry = join(root, 'bench/cvar', `${name}.ts`);
if (!name || !existsSync(entry)) {
  process.stderr.write('usage: node bench/cvar/run.mjs projection-scaling|averaging-table|qp-vs-lifted|qp-cg [options]\n');
  process.exit(2);
}
const outfile = join(root, `build/cvar-${name}.mjs`);
await esbuild.build({ ...common, entryPoints: [entry], outfile, platform: 'node' });
const { status } = spawnSync(process.execPath, [outfile, ...rest], { stdio: 'inherit' });
process.exit(status ?? 1);
