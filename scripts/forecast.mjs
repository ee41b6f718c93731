// Bundles and runs a forecast-family experiment with the package's esbuild settings:
//   node scripts/forecast.mjs births [--quick] [--out DIR]   Super-Linear on US daily births
//   node scripts/forecast.mjs fullshot [--quick] [--out DIR] Super-Linear fine-tuned on the births training part
//   node scripts/forecast.mjs endtoend [--quick] [--out DIR] Super-Linear full-shot trained end to end (fullShotSuperLinear)
// Arguments after the experiment name pass through (see scripts/forecast-<name>-experiment.ts).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { common, root } from './esbuild-options.mjs';

const [name, ...rest] = process.argv.slice(2);
const entry = `scripts/forecast-${name}-experiment.ts`;
if (!name || !existsSync(join(root, entry))) {
  console.error('usage: node scripts/forecast.mjs births|fullshot|endtoend|gap|tgp|pro2 [--quick] [--out DIR]');
  process.exit(2);
}
await esbuild.build({ ...common, entryPoints: [entry], outfile: `build/forecast-${name}.mjs`, platform: 'node' });
const { status } = spawnSync(process.execPath, [join(root, `build/forecast-${name}.mjs`), ...rest], { stdio: 'inherit' });
process.exit(status ?? 1);
