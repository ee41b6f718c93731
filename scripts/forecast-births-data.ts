/**
 * What the births experiments share (scripts/forecast-births-experiment.ts, forecast-fullshot-experiment.ts
 * and forecast-gap-experiment.ts): their settings, the series standardised by its training part, the
 * rolling-origin scoring, and the paired block bootstrap of two methods' errors.
 */
import { readFileSync } from 'node:fs';
import { fitRLinear, type LinearForecaster } from '../bindings/forecast/index.js';
import { seededRng } from '../bindings/rng.js';

/**
 * The settings every births experiment reads the same way: `--quick`, `--out DIR` (default
 * docs/experiments), the lookback L = 512 (the paper's), the pretraining windows per expert and the
 * stride between training windows (300 and 1; 60 and 8 with --quick).
 */
export function birthsSettings(args: string[]): { quick: boolean; outDir: string; L: number; samples: number; stride: number } {
  const quick = args.includes('--quick');
  const outDir = args.includes('--out') ? args[args.indexOf('--out') + 1]! : 'docs/experiments';
  return { quick, outDir, L: 512, samples: quick ? 60 : 300, stride: quick ? 8 : 1 };
}

/** US daily births 1994–2003, standardised with the mean and sd of the first 80 % (the training part). */
export function loadBirths(): { z: Float64Array; N: number; split: number; mu: number; sd: number; train: Float64Array } {
  const rows = readFileSync('data/datasets/us_births_1994_2003.csv', 'utf8').trim().split('\n').slice(1);
  const births = Float64Array.from(rows.map((r) => Number(r.split(',')[5])));
  const N = births.length;
  const split = Math.floor(0.8 * N);
  let mu = 0;
  for (let i = 0; i < split; i++) mu += births[i]!;
  mu /= split;
  let sd = 0;
  for (let i = 0; i < split; i++) sd += (births[i]! - mu) ** 2;
  sd = Math.sqrt(sd / split);
  const z = births.map((v) => (v - mu) / sd);
  return { z, N, split, mu, sd, train: z.slice(0, split) };
}

export type Forecaster = (x: Float64Array, H: number) => Float64Array;
export type Score = { mse: number; mae: number; windows: number };

/**
 * MSE and MAE of forecasts from every origin t in [from, to − H] (the forecaster sees z[0 … t) and is
 * scored on z[t … t + H)), and each origin's own MSE (for the paired bootstrap).
 */
export function evaluate(z: Float64Array, f: Forecaster, H: number, from: number, to: number): Score & { perOrigin: Float64Array } {
  let se = 0;
  let ae = 0;
  let c = 0;
  let w = 0;
  const perOrigin: number[] = [];
  for (let t = from; t + H <= to; t += 1) {
    const p = f(z.subarray(0, t), H);
    let so = 0;
    for (let h = 0; h < H; h++) {
      const d = p[h]! - z[t + h]!;
      se += d * d;
      so += d * d;
      ae += Math.abs(d);
      c++;
    }
    perOrigin.push(so / H);
    w++;
  }
  return { mse: se / c, mae: ae / c, windows: w, perOrigin: Float64Array.from(perOrigin) };
}

export type Paired = { diff: number; lo: number; hi: number; block: number; reps: number };

/**
 * Paired difference of two methods' MSE over the same origins, with a 95 % interval from a circular
 * moving-block bootstrap: neighbouring origins share most of their horizon and lookback, so their
 * errors are correlated and resampling single origins would understate the spread. Blocks of
 * `block` consecutive origins, `reps` resamples, seeded.
 */
export function pairedDifference(a: Float64Array, b: Float64Array, block: number, reps: number): Paired {
  const n = a.length;
  const d = a.map((v, i) => v - b[i]!);
  const mean = d.reduce((s, v) => s + v, 0) / n;
  const R = seededRng('experiment', 7);
  const nb = Math.ceil(n / block);
  const stats = new Float64Array(reps);
  for (let r = 0; r < reps; r++) {
    const u = R.uniform(nb);
    let s = 0;
    let c = 0;
    for (let k = 0; k < nb && c < n; k++) {
      const start = Math.floor(u[k]! * n);
      for (let j = 0; j < block && c < n; j++, c++) s += d[(start + j) % n]!;
    }
    stats[r] = s / n;
  }
  stats.sort();
  return { diff: mean, lo: stats[Math.floor(0.025 * reps)]!, hi: stats[Math.ceil(0.975 * reps) - 1]!, block, reps };
}

/** Relative ridge grid on which RLinear (and the strengths of the fine-tuned Super-Linear) are chosen. */
export const RIDGE_GRID = [1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1];

/**
 * RLinear with its ridge chosen on the inner split (fit on train[0, inner), score every origin of
 * [inner, split)), refitted on the whole training part and scored on the held-out origins [split, N).
 */
export function validatedRLinear(z: Float64Array, train: Float64Array, inner: number, split: number, N: number, L: number, H: number, stride: number): {
  validation: Score[]; ridge: number; model: LinearForecaster; test: Score & { perOrigin: Float64Array };
} {
  const validation = RIDGE_GRID.map((ridge) => {
    const m = fitRLinear(train.subarray(0, inner), { lookback: L, horizon: H, ridge, stride });
    return evaluate(z, (x, h) => m.forecast(x, h), H, inner, split);
  });
  const mses = validation.map((r) => r.mse);
  const ridge = RIDGE_GRID[mses.indexOf(Math.min(...mses))]!;
  const model = fitRLinear(train, { lookback: L, horizon: H, ridge, stride });
  return { validation, ridge, model, test: evaluate(z, (x, h) => model.forecast(x, h), H, split, N) };
}
