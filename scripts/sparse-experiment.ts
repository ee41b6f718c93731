/**
 * The sparse family's experiments.
 *
 *   bars  — the bars test (ProSper's settings) over seeds: node scripts/sparse.mjs bars --model mca --seeds 1-10
 *   proxsparse — 2:4 masks for the digits MLP, ProxSparse-learned vs magnitude, with and without a short
 *           retraining: node scripts/sparse.mjs proxsparse --seeds 1-3 [--lambda 1] [--epochs 20] [--retrain 5]
 *
 * Each writes JSON (+ SVG where there is a figure) to --out (default docs/experiments).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { init, barsTest, binarySparseCoding, matchFields, maximalCausesAnalysis } from '../bindings/index.js';
import { digitsData } from '../bindings/demo/bounds.js';
import { accuracyOf, cloneMaskedMlp, fitMaskedMlp, freeMaskedMlp, freeze24, initMaskedMlp, isExactly24, share24 } from '../bindings/sparse/masks.js';

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

if (mode === 'proxsparse') {
  const seeds = range(opt('seeds', '1-3'));
  const lambda = Number(opt('lambda', '1'));
  const epochs = Number(opt('epochs', '20'));
  const retrain = Number(opt('retrain', '5'));
  const lr = Number(opt('lr', '0.05'));
  const optimizer = opt('optimizer', 'sgd') as 'sgd' | 'adam';
  const { train, test } = digitsData();
  const rows = [];
  for (const seed of seeds) {
    const t0 = Date.now();
    const dense = initMaskedMlp([64, 64, 32, 10], seed);
    fitMaskedMlp(dense, train, { epochs: 40, learningRate: 2e-3, seed });
    const acc = (net: typeof dense): number => accuracyOf(net, test.X, test.y);
    const row: Record<string, number | boolean> = { seed, dense: acc(dense) };
    const mag = cloneMaskedMlp(dense);
    freeze24(mag);
    row.magnitude = acc(mag);
    fitMaskedMlp(mag, train, { epochs: retrain, learningRate: 1e-3, seed: seed + 100 });
    row.magnitudeRetrained = acc(mag);
    // control: the magnitude mask retrained for as many epochs as the ProxSparse run and its retraining together
    const magLong = cloneMaskedMlp(dense);
    freeze24(magLong);
    fitMaskedMlp(magLong, train, { epochs: epochs + retrain, learningRate: 1e-3, seed: seed + 100 });
    row.magnitudeRetrainedLong = acc(magLong);
    freeMaskedMlp(magLong);
    const px = cloneMaskedMlp(dense);
    fitMaskedMlp(px, train, { epochs, learningRate: lr, seed: seed + 200, lambda, optimizer });
    row.share24BeforeFreeze = share24(px);
    row.proxSparseUnfrozen = acc(px);
    freeze24(px);
    row.masksExactly24 = px.masks.every((M) => M !== null && isExactly24(M)) && mag.masks.every((M) => M !== null && isExactly24(M));
    row.proxSparse = acc(px);
    fitMaskedMlp(px, train, { epochs: retrain, learningRate: 1e-3, seed: seed + 100 });
    row.proxSparseRetrained = acc(px);
    row.seconds = (Date.now() - t0) / 1000;
    rows.push(row);
    console.log(JSON.stringify(row));
    [dense, mag, px].forEach(freeMaskedMlp);
  }
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'sparse-proxsparse.json'), JSON.stringify({ command: `node scripts/sparse.mjs ${argv.join(' ')}`, lambda, epochs, retrain, lr, optimizer, rows }, null, 1));
}
