// Bundles scripts/<name>-experiment.ts with the package's esbuild settings and runs it; the remaining
// arguments pass through (see that file). node scripts/run-experiment.mjs constrained [--quick]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { common, root } from './esbuild-options.mjs';

const [name, ...rest] = process.argv.slice(2);
const entry = `scripts/${name}-experiment.ts`;
if (!name || !existsSync(join(root, entry))) {
  console.error(`usage: node scripts/run-experiment.mjs <name> [args]; no ${entry}`);
  process.exit(2);
}
await esbuild.build({ ...common, entryPoints: [entry], outfile: `build/${name}-experiment.mjs`, platform: 'node' });
const { status } = spawnSync(process.execPath, [join(root, `build/${name}-experiment.mjs`), ...rest], { stdio: 'inherit' });
process.exit(status ?? 1);
