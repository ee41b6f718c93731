/**
 * Super-Linear full-shot on US daily births 1994–2003: the zero-shot model (synthetic signals only)
 * fine-tuned on the training 80 % (fineTuneSuperLinear), against an RLinear fitted to the same 80 %.
 * Nothing from the held-out 20 % is used for fitting or for choosing a setting.
 *
 * Both methods have one regularisation strength: the fine-tuning's pull toward the pretrained experts
 * (`prior`) and RLinear's ridge (toward 0), both relative to tr(X̂ᵀX̂)/L. Each is chosen from the same
 * grid on an inner split of the training part: fit on its first 80 %, score every origin of its last
 * 20 % (MSE); the chosen value is then refitted on the whole training part and scored on the held-out
 * 20 % from every origin (as in scripts/forecast-births-experiment.ts). Super-Linear depends on the
 * pretraining seed (synthetic signals, gate initialisation), RLinear on none: several seeds.
 *
 * Usage: node scripts/forecast.mjs fullshot [--quick] [--out DIR]  (JSON + SVG + Markdown table)
 *        node scripts/forecast.mjs fullshot --figure [--out DIR]   (redraws the SVG and tables from the JSON)
 *        node scripts/forecast.mjs fullshot --sizes [--out DIR]    (less training data: only the last 700,
 *          1000, 1500 or all 2921 days of the training part; both strengths fixed at 1e-2, 0.1 and 1;
 *          seed 1; forecast-fullshot-sizes.json)
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { init } from '../bindings/index.js';
import { fineTuneSuperLinear, fitRLinear, pretrainSuperLinear } from '../bindings/forecast/index.js';
import { lineFigure } from '../bindings/plot/svg.js';
import { evaluate, loadBirths, pairedDifference, type Paired } from './forecast-births-data.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const outDir = args.includes('--out') ? args[args.indexOf('--out') + 1]! : 'docs/experiments';
const L = 512;
const samples = quick ? 60 : 300;
const stride = quick ? 8 : 1;
const seeds = quick ? [1, 2] : [1, 2, 3, 4, 5];
const grid = [1e-3, 1e-2, 1e-1, 1, 10];
const gateEpochs = 10;
const figureOnly = args.includes('--figure');
const name = quick ? 'forecast-fullshot-quick' : 'forecast-fullshot';

await init();
const { z, N, split, train } = loadBirths();
if (args.includes('--sizes')) {
  // Does the pretrained centre help when the target has little data? Fixed strengths (no inner split
  // to choose on with 700 days), the same for both methods.
  const rows: { H: number; days: number; windows: number; strength: number; superLinear: number; rlinear: number; paired: Paired }[] = [];
  for (const H of [96, 7]) {
    const zs = pretrainSuperLinear({ lookback: 512, horizon: H, samplesPerExpert: samples, seed: 1 });
    for (const days of [700, 1000, 1500, split]) {
      const part = train.subarray(split - days, split);
      for (const strength of [1e-2, 0.1, 1]) {
        const ft = fineTuneSuperLinear(zs, part, { prior: strength, stride });
        const rl = fitRLinear(part, { lookback: 512, horizon: H, ridge: strength, stride });
        const a = evaluate(z, (x, h) => ft.forecast(x, h), H, split, N);
        const b = evaluate(z, (x, h) => rl.forecast(x, h), H, split, N);
        const paired = pairedDifference(a.perOrigin, b.perOrigin, Math.max(H, 28), 4000);
        rows.push({ H, days, windows: Math.floor((days - 512 - H) / stride) + 1, strength, superLinear: a.mse, rlinear: b.mse, paired });
        console.log(`H = ${H}, last ${days} days, strength ${strength}: fine-tuned Super-Linear ${a.mse.toFixed(4)}, RLinear ${b.mse.toFixed(4)}, difference ${paired.diff.toFixed(4)} [${paired.lo.toFixed(4)}, ${paired.hi.toFixed(4)}]`);
      }
    }
  }
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, `forecast-fullshot-sizes${quick ? '-quick' : ''}.json`), JSON.stringify({ config: { lookback: 512, samplesPerExpert: samples, stride, seed: 1 }, rows }, null, 1));
  process.exit(0);
}
const inner = Math.floor(0.8 * split);
const innerTrain = train.subarray(0, inner);
const t0 = Date.now();
const log = (s: string) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)} s] ${s}`);
const argmin = (v: number[]) => v.indexOf(Math.min(...v));

interface SeedRun {
  seed: number;
  validation: number[];
  prior: number;
  zeroShot: number;
  fineTuned: { mse: number; mae: number };
  fineTunedGate: { mse: number; mae: number };
  weeklyTop: number;
  /** MSE(fine-tuned) − MSE(RLinear with the ridge chosen on the inner split), per origin, block bootstrap. */
  paired: Paired;
  /** The same against RLinear at its default ridge 1e-2. */
  pairedDefault: Paired;
}
interface HorizonRun {
  H: number;
  validationOrigins: number;
  testOrigins: number;
  rlinear: { validation: number[]; ridge: number; mse: number; mae: number; defaultRidge: { mse: number; mae: number } };
  seeds: SeedRun[];
}
const runs: HorizonRun[] = figureOnly ? (JSON.parse(readFileSync(join(outDir, `${name}.json`), 'utf8')) as { runs: HorizonRun[] }).runs : [];
for (const H of figureOnly ? [] : [96, 7]) {
  // RLinear: ridge chosen on the inner split, refitted on the training part
  const rlVal = grid.map((ridge) => {
    const m = fitRLinear(innerTrain, { lookback: L, horizon: H, ridge, stride });
    return evaluate(z, (x, h) => m.forecast(x, h), H, inner, split);
  });
  const rlBest = grid[argmin(rlVal.map((r) => r.mse))]!;
  const rl = fitRLinear(train, { lookback: L, horizon: H, ridge: rlBest, stride });
  const rlTest = evaluate(z, (x, h) => rl.forecast(x, h), H, split, N);
  const rl0 = fitRLinear(train, { lookback: L, horizon: H, stride });
  const rlDefault = rlBest === 1e-2 ? rlTest : evaluate(z, (x, h) => rl0.forecast(x, h), H, split, N);
  log(`H = ${H}: RLinear validation MSE ${rlVal.map((r) => r.mse.toFixed(4)).join(' / ')} over ridge ${grid.join(' / ')}; ridge ${rlBest}: test MSE ${rlTest.mse.toFixed(4)} (ridge 1e-2: ${rlDefault.mse.toFixed(4)})`);
  const run: HorizonRun = {
    H, validationOrigins: rlVal[0]!.windows, testOrigins: rlTest.windows,
    rlinear: { validation: rlVal.map((r) => r.mse), ridge: rlBest, mse: rlTest.mse, mae: rlTest.mae, defaultRidge: { mse: rlDefault.mse, mae: rlDefault.mae } },
    seeds: [],
  };
  for (const seed of seeds) {
    const zs = pretrainSuperLinear({ lookback: L, horizon: H, samplesPerExpert: samples, seed });
    const zeroShot = evaluate(z, (x, h) => zs.forecast(x, h), H, split, N).mse;
    const val = grid.map((prior) => {
      const m = fineTuneSuperLinear(zs, innerTrain, { prior, stride });
      return evaluate(z, (x, h) => m.forecast(x, h), H, inner, split).mse;
    });
    const prior = grid[argmin(val)]!;
    const ft = fineTuneSuperLinear(zs, train, { prior, stride });
    const ftTest = evaluate(z, (x, h) => ft.forecast(x, h), H, split, N);
    const ftg = fineTuneSuperLinear(zs, train, { prior, stride, gateEpochs, seed });
    const ftgTest = evaluate(z, (x, h) => ftg.forecast(x, h), H, split, N);
    let weekly = 0;
    for (let t = split; t + H <= N; t++) if (ft.gate(z.subarray(0, t)).experts[0]!.period === 7) weekly++;
    const paired = pairedDifference(ftTest.perOrigin, rlTest.perOrigin, Math.max(H, 28), 4000);
    const pairedDefault = pairedDifference(ftTest.perOrigin, rlDefault.perOrigin, Math.max(H, 28), 4000);
    run.seeds.push({
      seed, validation: val, prior, zeroShot,
      fineTuned: { mse: ftTest.mse, mae: ftTest.mae }, fineTunedGate: { mse: ftgTest.mse, mae: ftgTest.mae },
      weeklyTop: weekly / ftTest.windows, paired, pairedDefault,
    });
    log(`H = ${H}, seed ${seed}: zero-shot ${zeroShot.toFixed(4)}; validation ${val.map((v) => v.toFixed(4)).join(' / ')} → prior ${prior}; fine-tuned ${ftTest.mse.toFixed(4)}, + gate ${ftgTest.mse.toFixed(4)}; minus RLinear ${paired.diff.toFixed(4)} [${paired.lo.toFixed(4)}, ${paired.hi.toFixed(4)}], minus RLinear (ridge 1e-2) ${pairedDefault.diff.toFixed(4)} [${pairedDefault.lo.toFixed(4)}, ${pairedDefault.hi.toFixed(4)}]`);
  }
  runs.push(run);
}

mkdirSync(outDir, { recursive: true });
const config = {
  data: 'US daily births 1994–2003 (CDC/NCHS), standardised by the training mean and sd', split, test: N - split, innerSplit: inner,
  lookback: L, samplesPerExpert: samples, stride, seeds, grid, gateEpochs, topK: 3,
};
if (!figureOnly) writeFileSync(join(outDir, `${name}.json`), JSON.stringify({ config, runs }, null, 1));
const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
const sdev = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + (x - mean(v)) ** 2, 0) / Math.max(1, v.length - 1));
const pm = (v: number[]) => `${mean(v).toFixed(4)} ± ${sdev(v).toFixed(4)}`;
const seedAxis = (r: HorizonRun) => r.seeds.map((x) => x.seed);
writeFileSync(join(outDir, `${name}.svg`), lineFigure({
  title: 'Super-Linear fine-tuned on the births training 80 % vs RLinear fitted to the same 80 %',
  columns: 2,
  width: 960,
  panels: [
    ...runs.map((r) => ({
      title: `held-out MSE, H = ${r.H}, per pretraining seed`,
      x: { label: 'pretraining seed' },
      y: { label: 'MSE (standardised)' },
      series: [
        { name: 'Super-Linear fine-tuned (experts)', x: seedAxis(r), y: r.seeds.map((x) => x.fineTuned.mse) },
        { name: 'Super-Linear fine-tuned (experts + gate)', x: seedAxis(r), y: r.seeds.map((x) => x.fineTunedGate.mse) },
        { name: 'RLinear, ridge chosen on the inner split', x: seedAxis(r), y: r.seeds.map(() => r.rlinear.mse) },
        { name: 'RLinear, ridge 1e-2', x: seedAxis(r), y: r.seeds.map(() => r.rlinear.defaultRidge.mse) },
      ],
    })),
    ...runs.map((r) => ({
      title: `inner-split validation MSE, H = ${r.H}`,
      x: { label: 'prior (Super-Linear) or ridge (RLinear)', scale: 'log' as const },
      y: { label: 'validation MSE' },
      series: [
        { name: 'Super-Linear fine-tuned (experts)', x: grid, y: grid.map((_, i) => mean(r.seeds.map((x) => x.validation[i]!))) },
        { name: 'RLinear, ridge chosen on the inner split', x: grid, y: r.rlinear.validation },
      ],
    })),
  ],
  caption: `Top: test MSE over the held-out 20 % (every origin). Bottom: the choice of the regularisation on the training part (Super-Linear: mean over ${runs[0]?.seeds.length ?? 0} seeds). Zero-shot Super-Linear (synthetic pretraining) fine-tuned by fineTuneSuperLinear; the pull toward the pretrained experts and RLinear's ridge toward 0 are on the same relative scale.`,
}));
for (const r of runs) {
  console.log(`\n| H = ${r.H} (${r.testOrigins} origins) | MSE | MAE |\n|---|---|---|`);
  console.log(`| Super-Linear fine-tuned (${seeds.length} seeds, mean ± sd) | ${pm(r.seeds.map((s) => s.fineTuned.mse))} | ${pm(r.seeds.map((s) => s.fineTuned.mae))} |`);
  console.log(`| … and its gate (${gateEpochs} epochs) | ${pm(r.seeds.map((s) => s.fineTunedGate.mse))} | ${pm(r.seeds.map((s) => s.fineTunedGate.mae))} |`);
  console.log(`| Super-Linear zero-shot | ${pm(r.seeds.map((s) => s.zeroShot))} | |`);
  console.log(`| RLinear, ridge ${r.rlinear.ridge} (chosen) | ${r.rlinear.mse.toFixed(4)} | ${r.rlinear.mae.toFixed(4)} |`);
  console.log(`| RLinear, ridge 1e-2 (default) | ${r.rlinear.defaultRidge.mse.toFixed(4)} | ${r.rlinear.defaultRidge.mae.toFixed(4)} |`);
  for (const s of r.seeds) console.log(`seed ${s.seed}: prior ${s.prior}, weekly top ${(100 * s.weeklyTop).toFixed(1)} %, minus RLinear ${s.paired.diff.toFixed(4)} [${s.paired.lo.toFixed(4)}, ${s.paired.hi.toFixed(4)}], minus RLinear (ridge 1e-2) ${s.pairedDefault.diff.toFixed(4)} [${s.pairedDefault.lo.toFixed(4)}, ${s.pairedDefault.hi.toFixed(4)}]`);
}
console.log(`wrote ${join(outDir, name + '.json')} and ${join(outDir, name + '.svg')} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
