/**
 * Super-Linear full-shot on US daily births 1994–2003: the zero-shot model (synthetic signals only)
 * fine-tuned on the training 80 % (fineTuneSuperLinear), against an RLinear fitted to the same 80 %.
 * Nothing from the held-out 20 % is used for fitting or for choosing a setting.
 *
 * RLinear has one setting, its ridge (toward 0); the fine-tuned Super-Linear has three: the pull toward
 * the pretrained experts (`prior`, on the same relative scale as the ridge), the number of experts
 * each window is routed to and mixed (`topK`) and the mixing temperature. Every setting of both is
 * chosen on an inner split of the training part — fit on its first 80 %, score every origin of its
 * last 20 % (MSE) — then refitted on the whole training part and scored on the held-out 20 % from
 * every origin (as in scripts/forecast-births-experiment.ts). Super-Linear depends on the pretraining
 * seed (synthetic signals, gate initialisation), RLinear on none: several seeds. Seasonal naive (7)
 * and Holt–Winters (fitted to the training part) complete the table.
 *
 * Usage: node scripts/forecast.mjs fullshot [--quick] [--out DIR]  (JSON + SVG + Markdown table)
 *        node scripts/forecast.mjs fullshot --figure [--out DIR]   (redraws the SVG and tables from the JSON)
 *        node scripts/forecast.mjs fullshot --sizes [--out DIR]    (less training data: only the last 700,
 *          1000, 1500 or all 2921 days of the training part; both strengths fixed at 1e-2, 0.1 and 1;
 *          seed 1; forecast-fullshot-sizes.json)
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { init } from '../bindings/index.js';
import { fineTuneSuperLinear, fitHoltWinters, fitRLinear, pretrainSuperLinear, seasonalNaive } from '../bindings/forecast/index.js';
import { lineFigure } from '../bindings/plot/svg.js';
import { RIDGE_GRID, birthsSettings, evaluate, loadBirths, pairedDifference, validatedRLinear, type Paired } from './forecast-births-data.js';

const args = process.argv.slice(2);
const { quick, outDir, L, samples, stride } = birthsSettings(args);
const seeds = quick ? [1, 2] : [1, 2, 3, 4, 5];
// regularisation grid (relative, both methods), experts mixed, mixing temperatures
const grid = RIDGE_GRID;
const topKs = quick ? [1, 10] : [1, 3, 5, 10];
const temps = [1, 4, Infinity];
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
const tName = (T: number) => (T === Infinity ? '∞' : String(T));

interface Config { topK: number; prior: number; temperature: string; validation: number }
interface Tested { mse: number; mae: number; weeklyTop: number; meanTopWeight: number; paired: Paired; pairedDefault: Paired }
interface SeedRun {
  seed: number;
  zeroShot: { mse: number; mae: number };
  /** Validation MSE of every (topK, prior, temperature). */
  configs: Config[];
  /** The setting with the lowest validation MSE, refitted on the training part, on the held-out 20 %. */
  chosen: Config & Tested;
  /** The earlier protocol: top-3, temperature 1, only the prior chosen. */
  top3: Config & Tested;
}
interface HorizonRun {
  H: number;
  validationOrigins: number;
  testOrigins: number;
  rlinear: { validation: number[]; ridge: number; mse: number; mae: number; defaultRidge: { mse: number; mae: number } };
  seasonalNaive: { mse: number; mae: number };
  holtWinters: { mse: number; mae: number; alpha: number; gamma: number };
  seeds: SeedRun[];
}
const runs: HorizonRun[] = figureOnly ? (JSON.parse(readFileSync(join(outDir, `${name}.json`), 'utf8')) as { runs: HorizonRun[] }).runs : [];
for (const H of figureOnly ? [] : [96, 7]) {
  // RLinear: ridge chosen on the inner split, refitted on the training part
  const { validation: rlVal, ridge: rlBest, test: rlTest } = validatedRLinear(z, train, inner, split, N, L, H, stride);
  const rl0 = fitRLinear(train, { lookback: L, horizon: H, stride });
  const rlDefault = rlBest === 1e-2 ? rlTest : evaluate(z, (x, h) => rl0.forecast(x, h), H, split, N);
  const sn = evaluate(z, (x, h) => seasonalNaive(x, 7, h), H, split, N);
  const hw = fitHoltWinters(train, { period: 7 });
  const hwTest = evaluate(z, (x, h) => hw.forecast(x, h), H, split, N);
  log(`H = ${H}: RLinear validation MSE ${rlVal.map((r) => r.mse.toFixed(4)).join(' / ')} over ridge ${grid.join(' / ')}; ridge ${rlBest}: test MSE ${rlTest.mse.toFixed(4)} (ridge 1e-2: ${rlDefault.mse.toFixed(4)}); seasonal naive ${sn.mse.toFixed(4)}, Holt–Winters ${hwTest.mse.toFixed(4)}`);
  const run: HorizonRun = {
    H, validationOrigins: rlVal[0]!.windows, testOrigins: rlTest.windows,
    rlinear: { validation: rlVal.map((r) => r.mse), ridge: rlBest, mse: rlTest.mse, mae: rlTest.mae, defaultRidge: { mse: rlDefault.mse, mae: rlDefault.mae } },
    seasonalNaive: { mse: sn.mse, mae: sn.mae },
    holtWinters: { mse: hwTest.mse, mae: hwTest.mae, alpha: hw.alpha, gamma: hw.gamma },
    seeds: [],
  };
  for (const seed of seeds) {
    const zs = pretrainSuperLinear({ lookback: L, horizon: H, samplesPerExpert: samples, seed });
    const zsTest = evaluate(z, (x, h) => zs.forecast(x, h), H, split, N);
    const configs: Config[] = [];
    for (const topK of topKs) {
      for (const prior of grid) {
        const ft = fineTuneSuperLinear(zs, innerTrain, { prior, stride, topK });
        for (const T of topK === 1 ? [1] : temps) {
          // the temperature only re-weights the mixture: the refitted experts are kept
          const m = T === 1 ? ft : fineTuneSuperLinear(ft, innerTrain, { experts: false, temperature: T, stride });
          configs.push({ topK, prior, temperature: tName(T), validation: evaluate(z, (x, h) => m.forecast(x, h), H, inner, split).mse });
        }
      }
    }
    const test = (c: Config): Config & Tested => {
      const T = c.temperature === '∞' ? Infinity : Number(c.temperature);
      const m = fineTuneSuperLinear(zs, train, { prior: c.prior, stride, topK: c.topK, temperature: T });
      const r = evaluate(z, (x, h) => m.forecast(x, h), H, split, N);
      let weekly = 0;
      let top = 0;
      for (let t = split; t + H <= N; t++) {
        const g = m.gate(z.subarray(0, t));
        if (g.experts[0]!.period === 7) weekly++;
        top += Math.max(...g.weights);
      }
      return {
        ...c, mse: r.mse, mae: r.mae, weeklyTop: weekly / r.windows, meanTopWeight: top / r.windows,
        paired: pairedDifference(r.perOrigin, rlTest.perOrigin, Math.max(H, 28), 4000),
        pairedDefault: pairedDifference(r.perOrigin, rlDefault.perOrigin, Math.max(H, 28), 4000),
      };
    };
    const chosen = test(configs[argmin(configs.map((c) => c.validation))]!);
    const old = configs.filter((c) => c.topK === 3 && c.temperature === '1');
    const top3 = old.length > 0 ? test(old[argmin(old.map((c) => c.validation))]!) : chosen;
    run.seeds.push({ seed, zeroShot: { mse: zsTest.mse, mae: zsTest.mae }, configs, chosen, top3 });
    log(`H = ${H}, seed ${seed}: zero-shot ${zsTest.mse.toFixed(4)}; chosen top-${chosen.topK}, prior ${chosen.prior}, T ${chosen.temperature} (validation ${chosen.validation.toFixed(4)} vs RLinear ${Math.min(...run.rlinear.validation).toFixed(4)}): test ${chosen.mse.toFixed(4)}, minus RLinear ${chosen.paired.diff.toFixed(4)} [${chosen.paired.lo.toFixed(4)}, ${chosen.paired.hi.toFixed(4)}]; top-3 T 1 prior ${top3.prior}: ${top3.mse.toFixed(4)}`);
  }
  runs.push(run);
}

mkdirSync(outDir, { recursive: true });
const config = {
  data: 'US daily births 1994–2003 (CDC/NCHS), standardised by the training mean and sd', split, test: N - split, innerSplit: inner,
  lookback: L, samplesPerExpert: samples, stride, seeds, grid, topKs, temperatures: temps.map(tName),
};
if (!figureOnly) writeFileSync(join(outDir, `${name}.json`), JSON.stringify({ config, runs }, null, 1));
const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
const sdev = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + (x - mean(v)) ** 2, 0) / Math.max(1, v.length - 1));
const pm = (v: number[]) => `${mean(v).toFixed(4)} ± ${sdev(v).toFixed(4)}`;
const seedAxis = (r: HorizonRun) => r.seeds.map((x) => x.seed);
// the end-to-end full-shot runs (node scripts/forecast.mjs endtoend), drawn with the rest when present
const e2ePath = join(outDir, `forecast-endtoend${quick ? '-quick' : ''}.json`);
const e2e = existsSync(e2ePath) ? (JSON.parse(readFileSync(e2ePath, 'utf8')) as { runs: { H: number; seeds: { seed: number; chosen: { mse: number } }[] }[] }).runs : [];
const e2eSeries = (H: number) => e2e.filter((r) => r.H === H).map((r) => ({
  name: 'Super-Linear full-shot end to end (fullShotSuperLinear), settings chosen on validation', x: r.seeds.map((s) => s.seed), y: r.seeds.map((s) => s.chosen.mse),
}));
/** Mean validation MSE over seeds along the prior grid for one (topK, temperature). */
const valCurve = (r: HorizonRun, k: number, T: string) => grid.map((p) => mean(r.seeds.map((s) => s.configs.find((c) => c.topK === k && c.prior === p && c.temperature === T)?.validation ?? NaN)));
writeFileSync(join(outDir, `${name}.svg`), lineFigure({
  title: 'Super-Linear fine-tuned on the births training 80 % vs RLinear fitted to the same 80 %',
  columns: 2,
  width: 960,
  panels: [
    ...runs.map((r) => ({
      title: `held-out MSE, H = ${r.H}, per pretraining seed`,
      x: { label: 'pretraining seed', ticks: 5 },
      y: { label: 'MSE (standardised)' },
      series: [
        { name: 'Super-Linear fine-tuned, settings chosen on validation', x: seedAxis(r), y: r.seeds.map((x) => x.chosen.mse) },
        { name: 'Super-Linear fine-tuned, top-3, T = 1', x: seedAxis(r), y: r.seeds.map((x) => x.top3.mse) },
        ...e2eSeries(r.H),
        { name: 'RLinear, ridge chosen on validation', x: seedAxis(r), y: r.seeds.map(() => r.rlinear.mse) },
        { name: 'RLinear, ridge 1e-2', x: seedAxis(r), y: r.seeds.map(() => r.rlinear.defaultRidge.mse) },
      ],
    })),
    ...runs.map((r) => ({
      title: `validation MSE (last 20 % of the training part), H = ${r.H}`,
      x: { label: 'prior (Super-Linear) or ridge (RLinear)', scale: 'log' as const },
      y: { label: 'validation MSE' },
      series: [
        { name: 'Super-Linear fine-tuned, top-1', x: grid, y: valCurve(r, 1, '1') },
        ...topKs.filter((k) => k > 1).map((k) => ({ name: `Super-Linear fine-tuned, top-${k}, T = ∞`, x: grid, y: valCurve(r, k, '∞') })),
        { name: 'RLinear', x: grid, y: r.rlinear.validation },
      ],
    })),
  ],
  caption: `Top: test MSE over the held-out 20 % (every origin)${e2e.length > 0 ? ', with the end-to-end full-shot runs of forecast-endtoend.json' : ''}. Bottom: the choice of the settings on the training part (Super-Linear: mean over ${runs[0]?.seeds.length ?? 0} seeds; T = 1 with top-k > 1 is the top-1 curve, the gate's softmax being one-hot). Zero-shot Super-Linear (synthetic pretraining) fine-tuned by fineTuneSuperLinear; the pull toward the pretrained experts and RLinear's ridge toward 0 are on the same relative scale.`,
}));
for (const r of runs) {
  console.log(`\n| H = ${r.H} (${r.testOrigins} origins) | MSE | MAE |\n|---|---|---|`);
  console.log(`| Super-Linear fine-tuned, settings chosen on validation (${r.seeds.length} seeds, mean ± sd) | ${pm(r.seeds.map((s) => s.chosen.mse))} | ${pm(r.seeds.map((s) => s.chosen.mae))} |`);
  console.log(`| Super-Linear fine-tuned, top-3, T = 1, prior chosen | ${pm(r.seeds.map((s) => s.top3.mse))} | ${pm(r.seeds.map((s) => s.top3.mae))} |`);
  console.log(`| Super-Linear zero-shot | ${pm(r.seeds.map((s) => s.zeroShot.mse))} | ${pm(r.seeds.map((s) => s.zeroShot.mae))} |`);
  console.log(`| RLinear, ridge ${r.rlinear.ridge} (chosen) | ${r.rlinear.mse.toFixed(4)} | ${r.rlinear.mae.toFixed(4)} |`);
  console.log(`| RLinear, ridge 1e-2 (default) | ${r.rlinear.defaultRidge.mse.toFixed(4)} | ${r.rlinear.defaultRidge.mae.toFixed(4)} |`);
  console.log(`| seasonal naive (7) | ${r.seasonalNaive.mse.toFixed(4)} | ${r.seasonalNaive.mae.toFixed(4)} |`);
  console.log(`| Holt–Winters (α = ${r.holtWinters.alpha}, γ = ${r.holtWinters.gamma}) | ${r.holtWinters.mse.toFixed(4)} | ${r.holtWinters.mae.toFixed(4)} |`);
  for (const s of r.seeds) {
    const c = s.chosen;
    console.log(`seed ${s.seed}: top-${c.topK}, prior ${c.prior}, T ${c.temperature}; weekly first ${(100 * c.weeklyTop).toFixed(1)} %, mean top weight ${c.meanTopWeight.toFixed(3)}; minus RLinear ${c.paired.diff.toFixed(4)} [${c.paired.lo.toFixed(4)}, ${c.paired.hi.toFixed(4)}], minus RLinear (ridge 1e-2) ${c.pairedDefault.diff.toFixed(4)} [${c.pairedDefault.lo.toFixed(4)}, ${c.pairedDefault.hi.toFixed(4)}]; top-3 T 1 minus RLinear ${s.top3.paired.diff.toFixed(4)} [${s.top3.paired.lo.toFixed(4)}, ${s.top3.paired.hi.toFixed(4)}]`);
  }
}
console.log(`${figureOnly ? `redrew ${join(outDir, name + '.svg')} from the JSON` : `wrote ${join(outDir, name + '.json')} and ${join(outDir, name + '.svg')}`} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
