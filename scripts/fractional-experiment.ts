/**
 * The fractional experiment: sparse Fisher discriminant analysis on breast cancer as
 * min (½wᵀS_w w + λ‖w‖₁ + ½) / (mᵀw), solved by coordinate descent (each 1-D subproblem globally) and
 * by Dinkelbach's method (FISTA inner solves), on a seeded 70/30 train/test split, for a grid of λ.
 * Records the objective, the number of nonzero weights, sweeps / outer iterations, time and the
 * train / test accuracy of the rule "class 1 when wᵀx is above the midpoint of the projected class
 * means". Writes docs/experiments/fractional-fisher.{json,svg}.
 *
 * node scripts/run-experiment.mjs fractional [--out docs/experiments]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fractionalCD, fractionalDinkelbach, init, rng, sparseFisherProblem } from '../bindings/index.js';
import { shuffledOrder } from '../bindings/rng.js';
import { breastCancer } from '../bindings/cvar/data.js';
import { lineFigure } from '../bindings/plot/svg.js';

const args = process.argv.slice(2);
const outDir = args.includes('--out') ? args[args.indexOf('--out') + 1]! : 'docs/experiments';
await init();
const { X, y } = breastCancer();
const n = X.length;
const d = X[0]!.length;
const lambdas = [0.003, 0.01, 0.03, 0.1, 0.3];
const seeds = [1, 2, 3, 4, 5];
const nTrain = Math.round(0.7 * n);
const rows: { seed: number; lambda: number; method: string; objective: number; converged: boolean; nonzeros: number; iterations: number; seconds: number; train: number; test: number }[] = [];
for (const splitSeed of seeds) {
  const order = Array.from(shuffledOrder(rng(splitSeed), n));
  const trainIdx = order.slice(0, nTrain);
  const testIdx = order.slice(nTrain);
  // standardise with the training rows' mean and sd
  const mean = new Array<number>(d).fill(0);
  const sd = new Array<number>(d).fill(0);
  for (const i of trainIdx) for (let j = 0; j < d; j++) mean[j] = mean[j]! + X[i]![j]! / nTrain;
  for (const i of trainIdx) for (let j = 0; j < d; j++) sd[j] = sd[j]! + (X[i]![j]! - mean[j]!) ** 2 / nTrain;
  const Z = X.map((row) => row.map((v, j) => (v - mean[j]!) / Math.sqrt(sd[j]!)));
  const Xtr = trainIdx.map((i) => Z[i]!);
  const ytr = trainIdx.map((i) => y[i]!);
  const classOne = Math.max(...y);

  function accuracy(w: Float64Array): { train: number; test: number } {
    const proj = (row: number[]): number => row.reduce((s, v, j) => s + v * w[j]!, 0);
    let m0 = 0;
    let m1 = 0;
    let c0 = 0;
    let c1 = 0;
    for (const i of trainIdx) {
      if (y[i] === classOne) {
        m1 += proj(Z[i]!);
        c1++;
      } else {
        m0 += proj(Z[i]!);
        c0++;
      }
    }
    const cut = (m0 / c0 + m1 / c1) / 2;
    const acc = (idx: number[]): number => idx.filter((i) => (proj(Z[i]!) > cut) === (y[i] === classOne)).length / idx.length;
    return { train: acc(trainIdx), test: acc(testIdx) };
  }

  for (const lambda of lambdas) {
    const P = sparseFisherProblem(Xtr, ytr, lambda);
    const x0 = P.e as Float64Array;
    for (const method of ['coordinate descent', 'Dinkelbach'] as const) {
      const t0 = performance.now();
      const r = method === 'coordinate descent' ? fractionalCD(P, { x0 }) : fractionalDinkelbach(P, { x0 });
      const seconds = (performance.now() - t0) / 1000;
      const acc = accuracy(r.x);
      const nonzeros = Array.from(r.x).filter((v) => Math.abs(v) > 1e-10).length;
      rows.push({ seed: splitSeed, lambda, method, objective: r.objective, converged: r.converged, nonzeros, iterations: r.iterations, seconds, ...acc });
      console.log(`split ${splitSeed} λ = ${String(lambda).padEnd(6)} ${method.padEnd(18)} F = ${r.objective.toFixed(10)}  nonzeros ${String(nonzeros).padStart(2)}/${d}  ${String(r.iterations).padStart(4)} ${method === 'Dinkelbach' ? 'outer iterations' : 'sweeps'}  ${seconds.toFixed(3)} s  accuracy train ${(100 * acc.train).toFixed(1)} %, test ${(100 * acc.test).toFixed(1)} %`);
    }
  }
}

mkdirSync(outDir, { recursive: true });
const methods = ['coordinate descent', 'Dinkelbach'];
const avg = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
const summary = lambdas.flatMap((lambda) => methods.map((method) => {
  const rs = rows.filter((r) => r.lambda === lambda && r.method === method);
  return { lambda, method, objective: avg(rs.map((r) => r.objective)), nonzeros: avg(rs.map((r) => r.nonzeros)), test: avg(rs.map((r) => r.test)), train: avg(rs.map((r) => r.train)), seconds: avg(rs.map((r) => r.seconds)), notConverged: rs.filter((r) => !r.converged).length };
}));
for (const r of summary) console.log(`mean over ${seeds.length} splits: λ = ${String(r.lambda).padEnd(6)} ${r.method.padEnd(18)} F ${r.objective.toFixed(8)}  nonzeros ${r.nonzeros.toFixed(1)}  train ${(100 * r.train).toFixed(1)} %  test ${(100 * r.test).toFixed(1)} %  ${r.seconds.toFixed(3)} s  not converged ${r.notConverged}`);
const gap = Math.max(...lambdas.flatMap((lambda) => seeds.map((seed) => {
  const [a, b] = methods.map((m) => rows.find((r) => r.lambda === lambda && r.method === m && r.seed === seed)!.objective);
  return (a! - b!) / b!;
})));
console.log(`largest relative objective gap (CD − Dinkelbach)/Dinkelbach: ${gap.toExponential(2)}`);
writeFileSync(join(outDir, 'fractional-fisher.json'), JSON.stringify({ command: 'node scripts/run-experiment.mjs fractional', data: `breast cancer, ${nTrain} train / ${n - nTrain} test rows per split (splits seeded 1–${seeds.length}), standardised on train`, summary, largestRelativeGap: gap, rows }, null, 1) + '\n');
writeFileSync(join(outDir, 'fractional-fisher.svg'), lineFigure({
  title: 'Sparse Fisher discriminant on breast cancer: coordinate descent vs Dinkelbach',
  columns: 3,
  width: 960,
  panels: [
    { title: 'objective F(w), mean over splits', x: { label: 'λ', scale: 'log' as const }, y: { label: 'F' }, series: methods.map((m) => ({ name: m, x: lambdas, y: summary.filter((r) => r.method === m).map((r) => r.objective) })) },
    { title: 'nonzero weights (of 30)', x: { label: 'λ', scale: 'log' as const }, y: { label: 'count' }, series: methods.map((m) => ({ name: m, x: lambdas, y: summary.filter((r) => r.method === m).map((r) => r.nonzeros) })) },
    { title: 'test accuracy, mean over splits', x: { label: 'λ', scale: 'log' as const }, y: { label: 'accuracy' }, series: methods.map((m) => ({ name: m, x: lambdas, y: summary.filter((r) => r.method === m).map((r) => r.test) })) },
  ],
  caption: `min (½wᵀS_w w + λ‖w‖₁ + ½)/(mᵀw) on ${nTrain} training rows; accuracy of the midpoint rule on the ${n - nTrain} held-out rows; means over ${seeds.length} seeded splits. Produced by node scripts/run-experiment.mjs fractional.`,
}));
console.log(`wrote ${join(outDir, 'fractional-fisher.json')} and .svg`);
