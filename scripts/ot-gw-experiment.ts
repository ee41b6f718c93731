// Gromov–Wasserstein local optima against the global one: for random pairs of point clouds (n points
// each, uniform weights), how often does gromovWasserstein reach the best permutation (found by
// enumeration), with the product start only (POT's algorithm; also run by the plain-TS reference in
// test/ot/gw-reference.ts), with the spectral starts, and with random restarts?
//   node scripts/run-experiment.mjs ot-gw [--quick]
// Writes docs/experiments/ot-gw-starts.json and .svg.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gromovWasserstein, init } from '../bindings/index.js';
import { lineFigure } from '../bindings/plot/svg.js';
import { bestPermutation, cloud, distances, referenceGw } from '../test/ot/gw-reference.js';

const quick = process.argv.includes('--quick');
await init();

const sizes = quick ? [5, 6] : [5, 6, 7, 8, 9];
const pairs = quick ? 5 : 20;
const variants: Record<string, (C1: Float64Array, C2: Float64Array, w: Float64Array) => number> = {
  'product (POT start)': (C1, C2, w) => gromovWasserstein(C1, C2, w, w, { spectral: 0 }).value,
  'product + 8 random': (C1, C2, w) => gromovWasserstein(C1, C2, w, w, { spectral: 0, restarts: 8 }).value,
  'spectral 1 (2 starts)': (C1, C2, w) => gromovWasserstein(C1, C2, w, w, { spectral: 1 }).value,
  'spectral 2 (default, 4 starts)': (C1, C2, w) => gromovWasserstein(C1, C2, w, w).value,
  'spectral 3 (8 starts)': (C1, C2, w) => gromovWasserstein(C1, C2, w, w, { spectral: 3 }).value,
};
const rows: { n: number; variant: string; hits: number; pairs: number; meanGap: number; worseThanReference: number }[] = [];
for (const n of sizes) {
  const acc: Record<string, { hits: number; gap: number; worse: number }> = {};
  for (let t = 0; t < pairs; t++) {
    // the pairs of test/ot/gw-reference.test.ts: a 2-D or 3-D cloud against a 2-D one
    const d = 2 + (t % 2);
    const C1 = distances(cloud(1000 + t, n, d), n, d), C2 = distances(cloud(2000 + t, n, 2), n, 2);
    const w = new Float64Array(n).fill(1 / n);
    const best = bestPermutation(C1, C2, n).value;
    const ref = referenceGw(C1, C2, n).value;
    for (const [name, f] of Object.entries(variants)) {
      const v = f(C1, C2, w);
      const a = (acc[name] ??= { hits: 0, gap: 0, worse: 0 });
      if (v <= best + 1e-12) a.hits++;
      a.gap += (v - best) / best / pairs;
      if (v > ref + 1e-12 * Math.max(1, ref)) a.worse++;
    }
  }
  for (const [variant, a] of Object.entries(acc)) rows.push({ n, variant, hits: a.hits, pairs, meanGap: a.gap, worseThanReference: a.worse });
  console.log(n, Object.entries(acc).map(([k, a]) => `${k}: ${a.hits}/${pairs}, gap ${(100 * a.gap).toFixed(1)} %`).join('; '));
}

mkdirSync('docs/experiments', { recursive: true });
const base = quick ? 'ot-gw-starts-quick' : 'ot-gw-starts';
writeFileSync(join('docs/experiments', `${base}.json`), JSON.stringify({ quick, pairs, sizes, rows }, null, 2) + '\n');
const series = (key: 'hits' | 'meanGap') => Object.keys(variants).map((name) => ({
  name, x: sizes, y: sizes.map((n) => { const r = rows.find((q) => q.n === n && q.variant === name)!; return key === 'hits' ? (100 * r.hits) / pairs : 100 * r.meanGap; }),
}));
writeFileSync(join('docs/experiments', `${base}.svg`), lineFigure({
  title: `gromovWasserstein on ${pairs} random cloud pairs per size: local optimum vs the best permutation (enumeration)`,
  panels: [
    { title: 'problems solved to the best permutation', x: { label: 'points per cloud n' }, y: { label: 'share (%)', zero: true }, series: series('hits') },
    { title: 'mean gap to the best permutation', x: { label: 'points per cloud n' }, y: { label: 'relative gap (%)', zero: true }, series: series('meanGap') },
  ],
  caption: 'Euclidean distance matrices of a 2-D or 3-D cloud and a 2-D cloud, uniform weights. "product" is the conditional gradient from the product coupling (POT\'s default start); the spectral starts align classical-MDS embeddings of the two structures by exact OT under every sign flip of the axes. The best of all starts is kept.',
}));
