// Bundles scripts/policy-experiment.ts (the policy family's experiments: nash, bandit, lm, sampled) with the
// package's esbuild settings and runs it; arguments pass through (see that file).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { common, root } from './esbuild-options.mjs';

await esbuild.build({ ...common, entryPoints: ['scripts/policy-experiment.ts'], outfile: 'build/policy.mjs', platform: 'node' });
const { status } = spawnSync(process.execPath, [join(root, 'build/policy.mjs'), ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(status ?? 1);
