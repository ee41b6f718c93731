/**
 * `proxkit saddle <experiment>`: the saddle family's longer runs, written as JSON and an SVG figure.
 * `alpd`: ∇f calls of ALPD vs LPD to a KKT residual of 1e-6 as L_f grows; `svm`: SVM hyper-parameter
 * selection on the LIBSVM diabetes data (LV-HBA, penalty method, grid search); `proxy`: the proxy
 * proximal point vs gradient descent on the diabetes regression; `online`: regret on the breast-cancer
 * stream over a grid of learning rates.
 */
import { writeFileSync } from 'node:fs';
import { init } from '../index.js';
import { lineFigure, type Series } from '../plot/svg.js';
import { alpdTable, onlineRegretExperiment, proxyExperiment } from '../saddle/experiments.js';
import { svmHyperparameterExperiment, type SvmExperimentResult } from '../saddle/svm.js';

/** The experiments `proxkit saddle` runs. */
export const SADDLE_EXPERIMENTS = ['alpd', 'svm', 'proxy', 'online'] as const;
export type SaddleExperiment = (typeof SADDLE_EXPERIMENTS)[number];

export interface SaddleCliOptions {
  experiment: SaddleExperiment;
  /** A small configuration that runs in seconds. */
  quick: boolean;
  json: string;
  svg: string;
  log(line: string): void;
}

const fmt = (v: number, d = 3): string => (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : v.toFixed(d));

export async function runSaddleCli(o: SaddleCliOptions): Promise<unknown> {
  await init();
  const t0 = Date.now();
  let result: unknown;
  let svg: string;
  if (o.experiment === 'alpd') {
    const Ls = o.quick ? [1, 10, 100] : [1, 10, 100, 1000, 10000];
    const rows = alpdTable({ lipschitz: Ls, tol: 1e-6 });
    o.log('∇f calls to KKT residual 1e-6 (n = 20, m = 30, μ = 1, seed 1)');
    o.log('  L_f      ALPD   ALPD (no restart)      LPD');
    for (const r of rows) o.log(`  ${String(r.lipschitz).padEnd(7)} ${String(r.alpdCalls).padStart(6)} ${String(r.alpdNoRestartCalls).padStart(19)} ${String(r.lpdCalls).padStart(8)}`);
    svg = lineFigure({
      title: 'ALPD vs LPD: ∇f calls to a KKT residual of 1e-6 on a quadratic saddle problem',
      panels: [{
        x: { label: 'L_f (Lipschitz constant of ∇f)', scale: 'log' },
        y: { label: '∇f calls', scale: 'log' },
        series: [
          { name: 'LPD', x: rows.map((r) => r.lipschitz), y: rows.map((r) => r.lpdCalls) },
          { name: 'ALPD (no restart)', x: rows.map((r) => r.lipschitz), y: rows.map((r) => r.alpdNoRestartCalls) },
          { name: 'ALPD (adaptive restart)', x: rows.map((r) => r.lipschitz), y: rows.map((r) => r.alpdCalls) },
        ],
      }],
      caption: 'min_x max_y ½xᵀQx + cᵀx + ⟨Kx, y⟩ − ½‖y − d‖², n = 20, m = 30, K Gaussian/√n, Q with eigenvalues L_f·(k/n)², seed 1. Calls counted by the solvers (the certificate’s own calls apart).',
    });
    result = { tol: 1e-6, rows };
  } else if (o.experiment === 'svm') {
    const seeds = o.quick ? [1] : [1, 2, 3, 4, 5];
    const runs: SvmExperimentResult[] = seeds.map((seed) =>
      svmHyperparameterExperiment(o.quick ? { seed, lvhbaIterations: 300, penaltyIterations: 40, svmIterations: 500 } : { seed }),
    );
    const names = runs[0]!.methods.map((m) => m.method);
    o.log(`SVM hyper-parameter selection, LIBSVM diabetes (500 train / 150 validation / 118 test), seeds ${seeds.join(', ')}`);
    const summary = names.map((name) => {
      const ms = runs.map((r) => r.methods.find((m) => m.method === name)!);
      const mean = (k: 'valAccuracy' | 'testAccuracy' | 'timeMs') => ms.reduce((s, m) => s + m[k], 0) / ms.length;
      const row = { method: name, valAccuracy: mean('valAccuracy'), testAccuracy: mean('testAccuracy'), timeMs: mean('timeMs') };
      o.log(`  ${name.padEnd(38)} validation ${(100 * row.valAccuracy).toFixed(2)} %  test ${(100 * row.testAccuracy).toFixed(2)} %  time ${(row.timeMs / 1000).toFixed(2)} s`);
      return row;
    });
    const first = runs[0]!;
    const curves = first.methods.filter((m) => m.upperValues);
    svg = lineFigure({
      title: `Bilevel SVM hyper-parameter selection on LIBSVM diabetes (seed ${first.seed})`,
      panels: [
        { title: 'upper level', x: { label: 'iteration (thinned)' }, y: { label: 'validation logistic loss' }, series: curves.map((m) => ({ name: m.method, x: m.upperValues!.map((_, i) => (i * (m.iterations ?? 1)) / m.upperValues!.length), y: m.upperValues!, size: 0 })) },
        { title: 'lower level', x: { label: 'iteration (thinned)' }, y: { label: 'lower-level objective' }, series: curves.map((m) => ({ name: m.method, x: m.lowerValues!.map((_, i) => (i * (m.iterations ?? 1)) / m.lowerValues!.length), y: m.lowerValues!, size: 0 })) },
      ],
      columns: 2,
      caption: 'LV-HBA works on the hinge SVM dual (lower-level objective ½‖w(α)‖² − Σα), the penalty method on the squared-hinge primal; the two lower levels are different problems. Accuracy table in the JSON (summary).',
    });
    result = { seeds, summary, runs };
  } else if (o.experiment === 'proxy') {
    const r = proxyExperiment(o.quick ? { tol: 1e-6 } : {});
    o.log(`diabetes ridge (λ = ${r.lambda}), ‖∇f‖ ≤ ${r.tol}: L_f = ${fmt(r.lipschitz)}`);
    o.log(`  ${r.gradientDescent.method.padEnd(48)} true gradients ${r.gradientDescent.trueGradientCalls}`);
    for (const p of r.proxies) {
      for (const run of p.runs) o.log(`  proxy ${p.name.padEnd(42)} δ = ${fmt(p.delta)}  true gradients ${run.trueGradientCalls}, proxy gradients ${run.proxyGradientCalls}`);
    }
    const series: Series[] = [{ name: r.gradientDescent.method, x: r.gradientDescent.curve.map((c) => c[0]), y: r.gradientDescent.curve.map((c) => c[1]), size: 0 }];
    for (const p of r.proxies) for (const run of p.runs) series.push({ name: `proxy: ${p.name}`, x: run.curve.map((c) => c[0]), y: run.curve.map((c) => c[1]), size: 0 });
    svg = lineFigure({
      title: 'Proxy proximal point vs gradient descent: diabetes ridge regression',
      panels: [{ x: { label: 'true-gradient calls', scale: 'log' }, y: { label: '‖∇f‖', scale: 'log' }, series }],
      caption: `f = (1/2n)‖Xw − y‖² + (λ/2)‖w‖² on the 442 × 10 diabetes data (standardised), λ = ${r.lambda}. Proxies: the same loss on a 60-row subsample, and on a copy of X with Gaussian noise; step 1/δ with δ = ‖∇²f − ∇²h‖₂.`,
    });
    result = r;
  } else {
    const r = onlineRegretExperiment(o.quick ? { etas: [0.1, 1, 10], rows: 200 } : {});
    o.log(`online learning, breast cancer (${r.rounds} rows streamed once, ${r.features} standardised features), comparator: best point in ‖u‖ ≤ ${r.radius}`);
    o.log('  final regret over η ∈ {' + r.etas.join(', ') + '} (schedule η/√t): min, max, max/min, best η');
    for (const s of r.spread) o.log(`  ${s.loss.padEnd(9)} ${s.method.padEnd(44)} ${fmt(s.min, 1).padStart(8)} ${fmt(s.max, 1).padStart(8)} ${fmt(s.ratio, 1).padStart(7)}  ${s.bestEta}`);
    const methods = [...new Set(r.runs.map((x) => x.method))];
    const panel = (loss: 'hinge' | 'logistic') => ({
      title: `${loss} loss: final regret vs η`,
      x: { label: 'learning rate η', scale: 'log' as const },
      y: { label: 'regret after the last round', scale: 'log' as const },
      series: methods.map((m) => {
        const rs = r.runs.filter((x) => x.method === m && x.loss === loss);
        return { name: m, x: rs.map((x) => x.eta), y: rs.map((x) => Math.max(x.finalRegret, 1e-3)) };
      }),
    });
    const mid = r.etas[Math.floor(r.etas.length / 2)]!;
    const curves = (loss: 'hinge' | 'logistic') => ({
      title: `${loss} loss: regret per round at η = ${mid}`,
      x: { label: 'round t' },
      y: { label: 'regret' },
      series: methods.map((m) => {
        const run = r.runs.find((x) => x.method === m && x.loss === loss && x.eta === mid)!;
        return { name: m, x: run.curve.map((c) => c[0]), y: run.curve.map((c) => c[1]), size: 0 };
      }),
    });
    svg = lineFigure({
      title: 'Online learning on the breast-cancer stream: robustness to the learning rate',
      panels: [panel('hinge'), panel('logistic'), curves('hinge'), curves('logistic')],
      columns: 2,
      caption: 'Regret against the best fixed point in hindsight in the ball of radius 10. Generalized implicit FTRL with the Fenchel–Young update gives the same iterates as implicit FTRL (its curve lies under it); aProx uses the truncated linear model.',
    });
    result = r;
  }
  writeFileSync(o.json, JSON.stringify(result, null, 1));
  writeFileSync(o.svg, svg);
  o.log(`wrote ${o.json} and ${o.svg} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  return result;
}
