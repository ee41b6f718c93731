/**
 * Super-Linear on the US daily births 1994–2003 (data/datasets/us_births_1994_2003.csv): the last 20 %
 * held out, lookback 512, horizons 96 and 7, forecasts from every day of the held-out part whose
 * horizon stays inside it (rolling origin, stride 1). The series is standardised with the mean and
 * standard deviation of the first 80 % (MSE/MAE are in those units).
 *
 * Compared: Super-Linear pretrained on synthetic signals plus the training 80 % (routed by its gate);
 * the same zero-shot (synthetic signals only); one RLinear fitted to the same pooled windows as
 * Super-Linear (a single linear map instead of the mixture); one RLinear fitted to the training 80 %
 * only; seasonal naive (7); additive Holt–Winters (period 7, α and γ chosen on the training 80 %).
 *
 * Usage: node scripts/forecast.mjs births [--quick] [--out DIR]  (JSON + SVG + Markdown table)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { init } from '../bindings/index.js';
import { fitHoltWinters, fitRLinear, pretrainSuperLinear, seasonalNaive, SUPER_LINEAR_PERIODS, type SuperLinearModel } from '../bindings/forecast/index.js';
import { syntheticSeries, unitCircle } from '../bindings/forecast/superlinear.js';
import { seededRng } from '../bindings/rng.js';
import { lineFigure } from '../bindings/plot/svg.js';
import { birthsSettings, evaluate, loadBirths, pairedDifference, type Forecaster, type Paired, type Score } from './forecast-births-data.js';

const args = process.argv.slice(2);
const { quick, outDir, L, samples, stride } = birthsSettings(args);

await init();
const { z, N, split, mu, sd, train } = loadBirths();
const t0 = Date.now();
const log = (s: string) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)} s] ${s}`);

const results: Record<string, Record<string, Score>> = {};
const paired: Record<string, Record<string, Paired>> = {};
const gates: Record<string, { topWeekly: number; meanWeights: number[]; windows: number }> = {};
let figureData: { H: number; truth: number[]; forecasts: Record<string, number[]> } | null = null;
for (const H of [96, 7]) {
  log(`horizon ${H}: pretraining Super-Linear (synthetic + training 80 %)`);
  const sl = pretrainSuperLinear({ lookback: L, horizon: H, samplesPerExpert: samples, corpus: [train], resample: [1], stride, seed: 1 });
  log(`horizon ${H}: pretraining Super-Linear zero-shot (synthetic only)`);
  const zs = pretrainSuperLinear({ lookback: L, horizon: H, samplesPerExpert: samples, seed: 1 });
  // The single linear map sees the same windows: every synthetic series (regenerated with the same
  // seed and order as pretrainSuperLinear's) and the training windows.
  const R = seededRng('experiment', 1);
  const periods = [...SUPER_LINEAR_PERIODS];
  const circles = new Map(periods.map((p) => [p, unitCircle(p)] as const));
  const synth: Float64Array[] = [];
  for (let e = 0; e < periods.length; e++) for (let i = 0; i < samples; i++) synth.push(syntheticSeries(R, periods, e, L + H, circles));
  log(`horizon ${H}: fitting the single RLinear maps`);
  const pooled = fitRLinear([...synth, train], { lookback: L, horizon: H, stride });
  const rl = fitRLinear(train, { lookback: L, horizon: H, stride });
  const hw = fitHoltWinters(train, { period: 7 });
  const methods: Record<string, Forecaster> = {
    'Super-Linear': (x, h) => sl.forecast(x, h),
    'Super-Linear zero-shot': (x, h) => zs.forecast(x, h),
    'RLinear (same pooled data)': (x, h) => pooled.forecast(x, h),
    'RLinear (births 80 % only)': (x, h) => rl.forecast(x, h),
    'seasonal naive (7)': (x, h) => seasonalNaive(x, 7, h),
    [`Holt–Winters (m = 7, α = ${hw.alpha}, γ = ${hw.gamma})`]: (x, h) => hw.forecast(x, h),
  };
  results[`H=${H}`] = {};
  const perOrigin: Record<string, Float64Array> = {};
  for (const [name, f] of Object.entries(methods)) {
    const { perOrigin: e, ...score } = evaluate(z, f, H, split, N);
    results[`H=${H}`]![name] = score;
    perOrigin[name] = e;
    log(`horizon ${H}: ${name}: MSE ${score.mse.toFixed(4)}, MAE ${score.mae.toFixed(4)}`);
  }
  // Super-Linear minus each single RLinear, per origin; blocks of max(H, 28) origins
  paired[`H=${H}`] = {};
  for (const other of ['RLinear (same pooled data)', 'RLinear (births 80 % only)']) {
    const pd = pairedDifference(perOrigin['Super-Linear']!, perOrigin[other]!, Math.max(H, 28), 4000);
    paired[`H=${H}`]![other] = pd;
    log(`horizon ${H}: MSE(Super-Linear) − MSE(${other}) = ${pd.diff.toFixed(4)}, 95 % block-bootstrap interval [${pd.lo.toFixed(4)}, ${pd.hi.toFixed(4)}]`);
  }
  gates[`H=${H}`] = gateSummary(sl, H);
  if (H === 96) {
    const t = N - H;
    const x = z.subarray(0, t);
    figureData = {
      H,
      truth: Array.from(z.subarray(t - 3 * 7, N)),
      forecasts: Object.fromEntries(['Super-Linear', 'RLinear (births 80 % only)', 'seasonal naive (7)'].map((k) => [k, Array.from(methods[k]!(x, H))])),
    };
  }
}

function gateSummary(m: SuperLinearModel, H: number): { topWeekly: number; meanWeights: number[]; windows: number } {
  const mean = new Array<number>(m.periods.length).fill(0);
  let weekly = 0;
  let w = 0;
  for (let t = split; t + H <= N; t += 1) {
    const g = m.gate(z.subarray(0, t));
    if (g.experts[0]!.period === 7) weekly++;
    g.weights.forEach((v, i) => (mean[i] = mean[i]! + v));
    w++;
  }
  return { topWeekly: weekly / w, meanWeights: mean.map((v) => v / w), windows: w };
}

mkdirSync(outDir, { recursive: true });
const name = quick ? 'forecast-births-quick' : 'forecast-births';
const config = { data: 'US daily births 1994–2003 (CDC/NCHS), standardised by the training mean and sd', split, test: N - split, lookback: L, samplesPerExpert: samples, stride, periods: SUPER_LINEAR_PERIODS, topK: 3, seed: 1, mean: mu, sd };
writeFileSync(join(outDir, `${name}.json`), JSON.stringify({ config, results, paired, gates, figure: figureData }, null, 1));
const fd = figureData!;
const tTruth = Array.from({ length: fd.truth.length }, (_, i) => i - 21);
const tFc = Array.from({ length: fd.H }, (_, i) => i);
const g96 = gates['H=96']!;
writeFileSync(join(outDir, `${name}.svg`), lineFigure({
  title: 'Super-Linear on US daily births (held-out last 20 %, lookback 512)',
  columns: 2,
  width: 960,
  panels: [
    {
      title: 'the last 96 days of 2003: forecasts from the day before',
      x: { label: 'days after the forecast origin' },
      y: { label: 'births (standardised)' },
      series: [
        { name: 'actual', x: tTruth, y: fd.truth.map((v) => v * 1) },
        ...Object.entries(fd.forecasts).map(([k, v]) => ({ name: k, x: tFc, y: v })),
      ],
    },
    {
      title: `gate: mean weight per expert (${g96.windows} origins, H = 96)`,
      x: { label: 'expert period (days)', scale: 'log' },
      y: { label: 'mean mixing weight', domain: [0, 1] },
      series: [{ name: 'gate weight', x: SUPER_LINEAR_PERIODS, y: g96.meanWeights, markersOnly: true }],
    },
  ],
  caption: `Top expert = the weekly one on ${(100 * g96.topWeekly).toFixed(1)} % of the held-out origins. Experts: RLinear maps pretrained on synthetic signals of their period plus the training 80 % routed by the spectral gate (top-3 of the log-periodogram gate).`,
}));
const table = (H: number) => [
  `| method (H = ${H}) | MSE | MAE |`, '|---|---|---|',
  ...Object.entries(results[`H=${H}`]!).map(([k, r]) => `| ${k} | ${r.mse.toFixed(4)} | ${r.mae.toFixed(4)} |`),
].join('\n');
console.log('\n' + table(96) + '\n\n' + table(7));
for (const [k, byOther] of Object.entries(paired)) {
  for (const [other, pd] of Object.entries(byOther)) console.log(`${k}: MSE(Super-Linear) − MSE(${other}) = ${pd.diff.toFixed(4)} [${pd.lo.toFixed(4)}, ${pd.hi.toFixed(4)}] (95 %, blocks of ${pd.block} origins)`);
}
for (const [k, g] of Object.entries(gates)) console.log(`${k}: top expert weekly on ${(100 * g.topWeekly).toFixed(1)} % of ${g.windows} origins; mean weights ${g.meanWeights.map((v) => v.toFixed(3)).join(', ')}`);
console.log(`wrote ${join(outDir, name + '.json')} and ${join(outDir, name + '.svg')} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
