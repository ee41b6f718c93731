/**
 * Super-Linear full-shot trained end to end, as in the paper's released code, on US daily births
 * 1994–2003, against an RLinear fitted to the same training 80 %. The protocol of
 * scripts/forecast-fullshot-experiment.ts: every setting chosen on an inner split of the training
 * part (fit on its first 80 %, early-stop and score every origin of its last 20 %), refitted on the
 * whole training part with the chosen number of epochs and scored once on the held-out 20 %;
 * pretraining seeds 1–5; paired moving-block bootstrap against RLinear with its validated ridge.
 *
 * fullShotSuperLinear: the pretrained frequency experts frozen, free RLinear experts added, the
 * mixing logits over the gate's top 3 and the free experts (read from the gate's features) trained by
 * Adam on the mixture's forecast error. Settings (chosen on validation):
 *   gate input    'log' (our default) or 'power' (the periodogram normalised to sum 1, the paper's);
 *   free experts  one at 0, trained (step 1e-3); four random ones, trained (step 1e-3, the paper's
 *                 way); one at RLinear's validated fit, fixed, only the mixing trained (step 1e-2);
 *                 the same, tuned lightly (step 1e-4); the last two start with weight 0.9;
 *   and, for comparison under the same choice, the closed-form refit of fineTuneSuperLinear with
 *   top-3 softmax mixing (T = 1) and prior 1e-2 or 3e-2, which with the 'power' gate is item 1 alone.
 *
 * Usage: node scripts/forecast.mjs endtoend [--quick] [--out DIR]  (forecast-endtoend.json and the
 *          Markdown tables; the fullshot figure draws its rows: node scripts/forecast.mjs fullshot --figure)
 *        node scripts/forecast.mjs endtoend --tables [--out DIR]  (the tables again, from the JSON)
 *        node scripts/forecast.mjs endtoend --long [--out DIR]    (validation split only: the free experts
 *          trained from 0 or random weights with the 'power' gate, 300 epochs, patience 30, seed 1, both
 *          horizons, against RLinear's validation MSE; forecast-endtoend-long.json)
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { init } from '../bindings/index.js';
import { fineTuneSuperLinear, fullShotSuperLinear, pretrainSuperLinear, type GateInput, type SuperLinearFullShotOptions, type SuperLinearModel } from '../bindings/forecast/index.js';
import { birthsSettings, evaluate, loadBirths, pairedDifference, validatedRLinear, type Paired } from './forecast-births-data.js';

const args = process.argv.slice(2);
const { quick, outDir, L, samples, stride } = birthsSettings(args);
const seeds = quick ? [1] : [1, 2, 3, 4, 5];
const horizons = quick ? [96] : [96, 7];
const epochs = quick ? 30 : 60;
const patience = 10;
const gateInputs: GateInput[] = ['log', 'power'];
/** The free expert's settings: its start, whether it is trained, Adam's step. */
const variants: { name: string; options: SuperLinearFullShotOptions }[] = [
  { name: 'one free expert at 0, trained', options: { freeInit: 'zeros', learningRate: 1e-3 } },
  { name: 'four random free experts, trained', options: { freeExperts: 4, freeInit: 'random', learningRate: 1e-3 } },
  { name: 'free expert at the RLinear fit, fixed', options: { freeInit: 'ridge', trainFree: false, learningRate: 1e-2, freeWeight: 0.9 } },
  { name: 'free expert at the RLinear fit, tuned', options: { freeInit: 'ridge', learningRate: 1e-4, freeWeight: 0.9 } },
];
const priors = [1e-2, 3e-2];
const name = quick ? 'forecast-endtoend-quick' : 'forecast-endtoend';

await init();
const { z, N, split, train } = loadBirths();
const inner = Math.floor(0.8 * split);
const innerTrain = train.subarray(0, inner);
const validation = z.subarray(inner - L, split);
const t0 = Date.now();
const log = (s: string) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)} s] ${s}`);

interface Config { gateInput: GateInput; variant: string; validation: number; start: number; bestEpoch: number }
interface Chosen extends Config {
  mse: number; mae: number; paired: Paired;
  /** Mean, min and max over the held-out origins of the free expert's mixing weight. */
  freeWeight: { mean: number; min: number; max: number };
  /** Mean over origins of the largest weight of a pretrained expert, and its period most often. */
  topPretrained: { mean: number; period: number };
}
interface SeedRun { seed: number; configs: Config[]; chosen: Chosen }
interface HorizonRun { H: number; rlinear: { ridge: number; validation: number; mse: number; mae: number }; seeds: SeedRun[] }
if (args.includes('--long')) {
  // Were the free experts trained from 0 or random weights only short of epochs? Validation split only.
  const rows: { H: number; variant: string; validation: number; bestEpoch: number; epochsRun: number; rlinear: number }[] = [];
  for (const H of horizons) {
    const rl = validatedRLinear(z, train, inner, split, N, L, H, stride);
    const best = Math.min(...rl.validation.map((r) => r.mse));
    const zs = pretrainSuperLinear({ lookback: L, horizon: H, samplesPerExpert: samples, seed: 1, gateInput: 'power' });
    for (const v of variants.filter((x) => x.options.freeInit !== 'ridge')) {
      const h = fullShotSuperLinear(zs, innerTrain, { ...v.options, stride, epochs: 300, patience: 30, seed: 1, validation }).fullShot!;
      rows.push({ H, variant: v.name, validation: h.monitor[h.bestEpoch]!, bestEpoch: h.bestEpoch, epochsRun: h.monitor.length - 1, rlinear: best });
      log(`H = ${H}, gate power, ${v.name}: validation ${h.monitor[h.bestEpoch]!.toFixed(5)} at epoch ${h.bestEpoch} of ${h.monitor.length - 1} run (RLinear ${best.toFixed(5)})`);
    }
  }
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, `forecast-endtoend-long${quick ? '-quick' : ''}.json`), JSON.stringify({ config: { lookback: L, samplesPerExpert: samples, stride, seed: 1, epochs: 300, patience: 30, gateInput: 'power' }, rows }, null, 1));
  process.exit(0);
}
const tablesOnly = args.includes('--tables');
const runs: HorizonRun[] = tablesOnly ? (JSON.parse(readFileSync(join(outDir, `${name}.json`), 'utf8')) as { runs: HorizonRun[] }).runs : [];

/** How the model mixes over the held-out origins (free weight: the sum over the free experts, period 0). */
function mixing(m: SuperLinearModel, H: number): Pick<Chosen, 'freeWeight' | 'topPretrained'> {
  let sum = 0, min = Infinity, max = -Infinity, top = 0;
  const periods = new Map<number, number>();
  let n = 0;
  for (let t = split; t + H <= N; t++, n++) {
    const g = m.gate(z.subarray(0, t));
    const w = g.experts.reduce((a, c) => a + (c.period === 0 ? c.weight : 0), 0);
    sum += w;
    min = Math.min(min, w);
    max = Math.max(max, w);
    const best = g.experts.filter((c) => c.period > 0).reduce((a, c) => (c.weight > a.weight ? c : a));
    top += best.weight;
    periods.set(best.period, (periods.get(best.period) ?? 0) + 1);
  }
  const period = [...periods.entries()].reduce((a, c) => (c[1] > a[1] ? c : a))[0];
  return { freeWeight: { mean: sum / n, min, max }, topPretrained: { mean: top / n, period } };
}

for (const H of tablesOnly ? [] : horizons) {
  const rl = validatedRLinear(z, train, inner, split, N, L, H, stride);
  const run: HorizonRun = { H, rlinear: { ridge: rl.ridge, validation: Math.min(...rl.validation.map((r) => r.mse)), mse: rl.test.mse, mae: rl.test.mae }, seeds: [] };
  log(`H = ${H}: RLinear ridge ${rl.ridge}, validation ${run.rlinear.validation.toFixed(5)}, test ${rl.test.mse.toFixed(5)}`);
  for (const seed of seeds) {
    const configs: (Config & { refit: (data: Float64Array) => SuperLinearModel })[] = [];
    for (const gateInput of gateInputs) {
      const zs = pretrainSuperLinear({ lookback: L, horizon: H, samplesPerExpert: samples, seed, gateInput });
      for (const v of variants) {
        const options: SuperLinearFullShotOptions = { ...v.options, ridge: rl.ridge, stride, epochs, seed };
        const m = fullShotSuperLinear(zs, innerTrain, { ...options, validation, patience });
        const h = m.fullShot!;
        // refitted on the whole training part for the chosen number of epochs
        configs.push({ gateInput, variant: v.name, validation: h.monitor[h.bestEpoch]!, start: h.monitor[0]!, bestEpoch: h.bestEpoch, refit: (data) => fullShotSuperLinear(zs, data, { ...options, epochs: h.bestEpoch }) });
        log(`H = ${H}, seed ${seed}, gate ${gateInput}, ${v.name}: validation ${h.monitor[h.bestEpoch]!.toFixed(5)} at epoch ${h.bestEpoch} (start ${h.monitor[0]!.toFixed(5)}; RLinear ${run.rlinear.validation.toFixed(5)})`);
      }
      for (const prior of priors) {
        const ft = fineTuneSuperLinear(zs, innerTrain, { prior, stride, topK: 3 });
        const v = evaluate(z, (x, h) => ft.forecast(x, h), H, inner, split).mse;
        configs.push({ gateInput, variant: `closed-form refit, prior ${prior}`, validation: v, start: NaN, bestEpoch: 0, refit: (data) => fineTuneSuperLinear(zs, data, { prior, stride, topK: 3 }) });
        log(`H = ${H}, seed ${seed}, gate ${gateInput}, closed-form refit (fineTuneSuperLinear), prior ${prior}: validation ${v.toFixed(5)}`);
      }
    }
    const c = configs.reduce((a, b) => (b.validation < a.validation ? b : a));
    const m = c.refit(train);
    const r = evaluate(z, (x, h) => m.forecast(x, h), H, split, N);
    const chosen: Chosen = {
      gateInput: c.gateInput, variant: c.variant, validation: c.validation, start: c.start, bestEpoch: c.bestEpoch,
      mse: r.mse, mae: r.mae, paired: pairedDifference(r.perOrigin, rl.test.perOrigin, Math.max(H, 28), 4000), ...mixing(m, H),
    };
    run.seeds.push({ seed, configs: configs.map(({ gateInput, variant, validation, start, bestEpoch }) => ({ gateInput, variant, validation, start, bestEpoch })), chosen });
    log(`H = ${H}, seed ${seed}: chosen gate ${c.gateInput}, ${c.variant}, ${c.bestEpoch} epochs: test ${r.mse.toFixed(5)} vs RLinear ${rl.test.mse.toFixed(5)}, difference ${chosen.paired.diff.toFixed(5)} [${chosen.paired.lo.toFixed(5)}, ${chosen.paired.hi.toFixed(5)}]; free expert weight ${chosen.freeWeight.mean.toFixed(3)} (${chosen.freeWeight.min.toFixed(3)} … ${chosen.freeWeight.max.toFixed(3)})`);
  }
  runs.push(run);
}
const f4 = (v: number) => (v >= 0 ? '+' : '−') + Math.abs(v).toFixed(4);
const mean = (v: number[]) => v.reduce((a, x) => a + x, 0) / v.length;
const sdev = (v: number[]) => Math.sqrt(v.reduce((a, x) => a + (x - mean(v)) ** 2, 0) / Math.max(1, v.length - 1));
for (const r of runs) {
  const ch = r.seeds.map((s) => s.chosen);
  console.log(`\n| H = ${r.H} | MSE | MAE |\n|---|---|---|`);
  console.log(`| Super-Linear full-shot end to end, settings chosen on validation, ${ch.length} seeds, mean ± sd | ${mean(ch.map((c) => c.mse)).toFixed(4)} ± ${sdev(ch.map((c) => c.mse)).toFixed(4)} | ${mean(ch.map((c) => c.mae)).toFixed(4)} ± ${sdev(ch.map((c) => c.mae)).toFixed(4)} |`);
  console.log(`| RLinear, ridge ${r.rlinear.ridge} (chosen on validation) | ${r.rlinear.mse.toFixed(4)} | ${r.rlinear.mae.toFixed(4)} |`);
  console.log(`\n| seed | chosen (gate input, variant, epochs) | validation (RLinear ${r.rlinear.validation.toFixed(4)}) | held-out MSE | − RLinear [95 %] | free weight mean (min … max) |\n|---|---|---|---|---|---|`);
  for (const s of r.seeds) {
    const c = s.chosen;
    console.log(`| ${s.seed} | ${c.gateInput}, ${c.variant}, ${c.bestEpoch} | ${c.validation.toFixed(4)} | ${c.mse.toFixed(4)} | ${f4(c.paired.diff)} [${f4(c.paired.lo)}, ${f4(c.paired.hi)}] | ${c.freeWeight.mean.toFixed(3)} (${c.freeWeight.min.toFixed(3)} … ${c.freeWeight.max.toFixed(3)}) |`);
  }
  const names = [...new Set(r.seeds[0]!.configs.map((c) => c.variant))];
  console.log(`\n| H = ${r.H}: validation MSE, mean over seeds (best epoch per seed) | gate 'log' | gate 'power' |\n|---|---|---|`);
  for (const v of names) {
    const cell = (g: string) => {
      const cs = r.seeds.map((s) => s.configs.find((c) => c.variant === v && c.gateInput === g)!);
      return `${mean(cs.map((c) => c.validation)).toFixed(4)}${v.startsWith('closed-form') ? '' : ` (${cs.map((c) => c.bestEpoch).join(', ')})`}`;
    };
    console.log(`| ${v} | ${cell('log')} | ${cell('power')} |`);
  }
}
if (tablesOnly) process.exit(0);
mkdirSync(outDir, { recursive: true });
const config = {
  data: 'US daily births 1994–2003 (CDC/NCHS), standardised by the training mean and sd', split, test: N - split, innerSplit: inner,
  lookback: L, samplesPerExpert: samples, stride, seeds, epochs, patience, topK: 3, gateInputs, variants, refitPriors: priors,
};
writeFileSync(join(outDir, `${name}.json`), JSON.stringify({ config, runs }, null, 1));
log(`wrote ${join(outDir, name + '.json')}`);
