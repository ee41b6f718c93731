/**
 * Demo section `forecast`: Super-Linear on the US daily births 1994–2003 (last 20 % held out) against
 * seasonal naive and RLinear, with the gate's choice of experts; the full demo adds the tensor GP with
 * contraction on simulated multi-channel images (test RMSE beside the noise level, and where it reads
 * the images; the comparison with ridge and a GP on raw pixels is the tgp experiment). The complete experiments (more seeds, Pro²) are `node scripts/forecast.mjs births|tgp|pro2`.
 */
import { fitRLinear, fitTensorGp, pretrainSuperLinear, seasonalNaive, simulateImageRegression } from '../index.js';
import { usBirths } from '../datasets.js';
import { lineFigure } from '../plot/svg.js';
import { writeOutput, type DemoContext, type DemoSection } from './context.js';

async function run(ctx: DemoContext): Promise<void> {
  const quick = ctx.quick === true;
  const raw = usBirths().births;
  const N = raw.length;
  const split = Math.floor(0.8 * N);
  let mu = 0;
  for (let i = 0; i < split; i++) mu += raw[i]! / split;
  let sd = 0;
  for (let i = 0; i < split; i++) sd += (raw[i]! - mu) ** 2 / split;
  sd = Math.sqrt(sd);
  const z = Float64Array.from(raw, (v) => (v - mu) / sd);
  const train = z.slice(0, split);
  // the tour: a shorter lookback and fewer synthetic series; the full demo: the experiment's lookback 512
  const L = quick ? 128 : 512;
  const H = quick ? 28 : 96;
  const t0 = performance.now();
  const model = pretrainSuperLinear({ lookback: L, horizon: H, samplesPerExpert: quick ? 40 : 100, gateEpochs: 20, corpus: [train], resample: [1], stride: quick ? 8 : 2, seed: ctx.seed });
  const rl = fitRLinear(train, { lookback: L, horizon: H, stride: quick ? 8 : 2 });
  ctx.log(`  Super-Linear pretrained in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${model.periods.length} experts (periods ${model.periods.join(', ')} days), lookback ${L}, horizon ${H}`);
  const step = quick ? 14 : 7;
  const score = (f: (x: Float64Array) => Float64Array) => {
    let se = 0;
    let c = 0;
    for (let t = split; t + H <= N; t += step) {
      const p = f(z.subarray(0, t));
      for (let h = 0; h < H; h++) {
        se += (p[h]! - z[t + h]!) ** 2;
        c++;
      }
    }
    return se / c;
  };
  const mse = {
    'Super-Linear': score((x) => model.forecast(x, H)),
    'RLinear (births only)': score((x) => rl.forecast(x, H)),
    'seasonal naive (7)': score((x) => seasonalNaive(x, 7, H)),
  };
  ctx.log(`  held-out MSE (standardised, origins every ${step} days of the last 20 %): ` + Object.entries(mse).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(', '));
  const g = model.gate(z.subarray(0, split));
  ctx.log(`  gate at the end of the training part: ${g.experts.map((e) => `period ${e.period} (weight ${e.weight.toFixed(3)})`).join(', ')}`);
  const t = N - H;
  const truth = Array.from(z.subarray(t - 21, N), (v) => v * sd + mu);
  const fc = (p: Float64Array) => Array.from(p, (v) => v * sd + mu);
  writeOutput(ctx, 'proxkit-forecast-births.svg', lineFigure({
    title: `US daily births: the last ${H} days of 2003 forecast from the day before${quick ? ' (quick tour)' : ''}`,
    width: 760,
    panels: [{
      x: { label: 'days after the forecast origin' },
      y: { label: 'births per day' },
      series: [
        { name: 'actual', x: truth.map((_, i) => i - 21), y: truth },
        { name: 'Super-Linear', x: Array.from({ length: H }, (_, i) => i), y: fc(model.forecast(z.subarray(0, t), H)) },
        { name: 'seasonal naive (7)', x: Array.from({ length: H }, (_, i) => i), y: fc(seasonalNaive(z.subarray(0, t), 7, H)) },
      ],
    }],
    caption: `Super-Linear: ${model.periods.length} linear experts pretrained on synthetic signals of their period plus the births of 1994–2001, mixed by a spectral gate (top ${model.topK}).`,
  }), 'SVG figure of the births forecast');
  if (quick) return;

  // tensor GP with contraction on simulated images
  const n = 100;
  const all = simulateImageRegression({ n: n + 100, seed: ctx.seed });
  const [, S, , C] = all.X.shape as [number, number, number, number];
  const D = S * S * C;
  const trainX = { data: all.X.data.slice(0, n * D), shape: [n, S, S, C] };
  const testX = { data: all.X.data.slice(n * D), shape: [100, S, S, C] };
  const t1 = performance.now();
  const fit = fitTensorGp(trainX, all.y.slice(0, n), { maxIter: 40 });
  const pred = fit.predict(testX).mean;
  let se = 0;
  for (let i = 0; i < 100; i++) se += (pred[i]! - all.y[n + i]!) ** 2;
  let inside = 0;
  const idx = Array.from(fit.coefficient.data.keys()).sort((a, b) => Math.abs(fit.coefficient.data[b]!) - Math.abs(fit.coefficient.data[a]!)).slice(0, 32);
  for (const k of idx) if (all.coefficient.data[k] !== 0) inside++;
  ctx.log(`  tensor GP with contraction (${S}×${S}×${C} images, n = ${n}, latent 2×2×${C}), ${fit.iterations} rounds in ${((performance.now() - t1) / 1000).toFixed(1)} s: ` +
    `test RMSE ${Math.sqrt(se / 100).toFixed(3)} (noise sd ${all.noise.toFixed(3)}); ${inside} of its 32 largest coefficients lie on the planted blocks`);
}

export const forecastDemo: DemoSection = { name: 'forecast', title: 'Super-Linear on US daily births, and the tensor GP with contraction', run };
