/**
 * The sparse family's experiments.
 *
 *   bars  — the bars test (ProSper's settings) over seeds: node scripts/sparse.mjs bars --model mca --seeds 1-10
 *
 * Each writes JSON (+ SVG where there is a figure) to --out (default docs/experiments).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { init, barsTest, binarySparseCoding, matchFields, maximalCausesAnalysis } from '../bindings/index.js';

const argv = process.argv.slice(2);
const mode = argv[0] ?? 'bars';
const opt = (name: string, fallback: string): string => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1]! : fallback;
};
const outDir = opt('out', 'docs/experiments');
const range = (s: string): number[] => {
  const [a, b] = s.split('-').map(Number);
  return Array.from({ length: (b ?? a!) - a! + 1 }, (_, i) => a! + i);
};

await init();

if (mode === 'bars') {
  const model = opt('model', 'mca') as 'bsc' | 'mca';
  const seeds = range(opt('seeds', '1-10'));
  const T0 = opt('temperature', '');
  const rows = [];
  let good = 0;
  for (const seed of seeds) {
    const t0 = Date.now();
    const data = barsTest({ seed, superposition: model === 'bsc' ? 'linear' : 'max' });
    const fit = model === 'bsc' ? binarySparseCoding : maximalCausesAnalysis;
    const maxIter = opt('maxIter', '');
    const r = fit(data.Y, { H: 10, Hprime: 8, gamma: 5, seed, ...(T0 ? { temperature: Number(T0) } : {}), ...(maxIter ? { maxIter: Number(maxIter) } : {}) });
    const m = matchFields(r.W, data.W);
    const ok = m.minCosine > 0.95 && Math.abs(r.pi - 0.2) <= 0.05 && Math.abs(r.sigma - 2) <= 0.2;
    if (ok) good++;
    const row = { seed, minCosine: m.minCosine, pi: r.pi, sigma: r.sigma, recovered: ok, seconds: (Date.now() - t0) / 1000, W: Array.from(r.W.data), pairs: Array.from(m.pairs) };
    rows.push(row);
    console.log(`${model} seed ${seed}: min cosine ${m.minCosine.toFixed(4)} pi ${r.pi.toFixed(4)} sigma ${r.sigma.toFixed(4)} ${ok ? 'ok' : 'MISS'} (${row.seconds.toFixed(1)} s)`);
  }
  console.log(`${model}: ${good} of ${seeds.length} recovered`);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, `sparse-bars-${model}.json`), JSON.stringify({ command: `node scripts/sparse.mjs ${argv.join(' ')}`, model, good, total: seeds.length, rows }, null, 1));
}
