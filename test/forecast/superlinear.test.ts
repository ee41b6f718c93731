/**
 * RLinear, the baselines and Super-Linear against known answers: exact recovery of signals a linear
 * map can continue, the seasonal-naive and Holt–Winters definitions, the gate's choice on pure
 * periodic signals, determinism, progress/abort and the typed errors.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { NonFiniteError, ParameterError, ShapeError, init } from '../../bindings/index.js';
import { fineTuneSuperLinear, fitHoltWinters, fitRLinear, fullShotSuperLinear, pretrainSuperLinear, seasonalNaive, type SuperLinearModel } from '../../bindings/forecast/index.js';
import { mixtureLoss, resampleSeries } from '../../bindings/forecast/superlinear.js';
import * as nn from '../../bindings/nn/index.js';
import { fitLinearMap } from '../../bindings/forecast/linear.js';
import { seededRng } from '../../bindings/rng.js';

beforeAll(() => init());

/** Σ_h cos/sin harmonics of period p plus a level: a series any lookback ≥ p continues exactly. */
function periodic(p: number, n: number, phase = 0, level = 3): Float64Array {
  return Float64Array.from({ length: n }, (_, t) => level + Math.cos((2 * Math.PI * (t + phase)) / p) + 0.4 * Math.sin((4 * Math.PI * (t + phase)) / p));
}

const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

describe('fitRLinear', () => {
  it('continues a periodic signal it was fitted on, and rolls past its horizon', () => {
    const x = periodic(6, 300);
    const f = fitRLinear(x.subarray(0, 200), { lookback: 24, horizon: 6, ridge: 1e-9 });
    const truth = periodic(6, 320);
    expect(maxAbs(f.forecast(x.subarray(0, 250), 6), truth.subarray(250, 256))).toBeLessThan(1e-5);
    // 20 steps = 3 full applications + a part, with predictions fed back as inputs
    expect(maxAbs(f.forecast(x.subarray(0, 250), 20), truth.subarray(250, 270))).toBeLessThan(1e-4);
  });

  it('is invariant to the scale and offset of the input (RevIN)', () => {
    const x = periodic(5, 200);
    const f = fitRLinear([x, periodic(7, 200)], { lookback: 30, horizon: 5 });
    const a = f.forecast(x.subarray(0, 150));
    const b = f.forecast(x.subarray(0, 150).map((v) => 10 * v - 4));
    expect(maxAbs(b, a.map((v) => 10 * v - 4))).toBeLessThan(1e-9);
  });

  it('refuses too-short series, non-finite values and unknown options', () => {
    expect(() => fitRLinear([1, 2, 3], { lookback: 4, horizon: 2 })).toThrow(ShapeError);
    expect(() => fitRLinear([1, 2, 3, NaN, 5, 6, 7], { lookback: 4, horizon: 2 })).toThrow(NonFiniteError);
    expect(() => fitRLinear(periodic(4, 40), { lookback: 4, horizn: 2 } as never)).toThrow(/horizn.*horizon/);
    const f = fitRLinear(periodic(4, 40), { lookback: 8, horizon: 2 });
    expect(() => f.forecast([1, 2, 3])).toThrow(/LinearForecaster.forecast: series must hold at least the lookback of 8 values \(got length 3\)/);
    expect(() => f.forecast(periodic(4, 8), 0)).toThrow(ParameterError);
  });
});

describe('seasonalNaive and fitHoltWinters', () => {
  it('seasonal naive repeats the last season', () => {
    expect(Array.from(seasonalNaive([9, 1, 2, 3], 3, 7))).toEqual([1, 2, 3, 1, 2, 3, 1]);
    expect(Array.from(seasonalNaive([4, 5], 1, 3))).toEqual([5, 5, 5]);
    expect(() => seasonalNaive([1, 2], 3, 1)).toThrow(ShapeError);
  });

  it('Holt–Winters forecasts an exactly seasonal series exactly, with zero training error', () => {
    const season = [3, -1, 0.5, 2, -2, 1, -3.5];
    const x = Float64Array.from({ length: 70 }, (_, t) => 100 + season[t % 7]!);
    const m = fitHoltWinters(x, { period: 7 });
    expect(m.trainingMse).toBeLessThan(1e-20);
    const f = m.forecast(x, 10);
    for (let h = 0; h < 10; h++) expect(f[h]).toBeCloseTo(100 + season[(70 + h) % 7]!, 10);
  });

  it('Holt–Winters follows the recursions: one step after a level shift moves the level by α·error', () => {
    const x = Float64Array.from({ length: 21 }, (_, t) => (t % 7) + (t === 20 ? 10 : 0));
    const m = fitHoltWinters(x, { period: 7, alphas: [0.25], gammas: [0] });
    // level before the shift: the mean of 0…6 = 3; error 10 → level 5.5; season unchanged (γ = 0)
    expect(m.forecast(x, 1)[0]).toBeCloseTo(5.5 + (0 - 3), 12);
  });

  it('refuses a missing period, a bad grid and unknown options', () => {
    expect(() => fitHoltWinters([1, 2, 3], {} as never)).toThrow(/fitHoltWinters: options.period must be an integer >= 2/);
    expect(() => fitHoltWinters(periodic(4, 40), { period: 4, alphas: [0] })).toThrow(/options.alphas\[0\]/);
    expect(() => fitHoltWinters(periodic(4, 40), { period: 4, gamas: [0] } as never)).toThrow(/gamas.*gammas/);
    expect(() => fitHoltWinters([1, 2, 3, 4, 5], { period: 2 })).toThrow(ShapeError);
  });
});

describe('pretrainSuperLinear', () => {
  const periods = [4, 7, 12, 24];
  let model: SuperLinearModel;
  beforeAll(() => {
    model = pretrainSuperLinear({ lookback: 96, horizon: 12, periods, samplesPerExpert: 60, gateEpochs: 20, seed: 3 });
  });

  it.each(periods)('the gate ranks the expert of period %i first on a pure signal of that period', (p) => {
    const g = model.gate(periodic(p, 200, 1));
    expect(g.experts[0]!.period).toBe(p);
    expect(g.experts.length).toBe(3);
    const total = g.weights.reduce((s, v) => s + v, 0);
    expect(total).toBeCloseTo(1, 12);
    expect(g.experts.map((e) => e.weight)).toEqual([...g.experts.map((e) => e.weight)].sort((a, b) => b - a));
    expect(g.periodogram.length).toBe(49);
  });

  it('forecasts a clean periodic signal it never saw within 10 % of its range (experts fitted on noisy signals, ridge 1e-2)', () => {
    const x = periodic(12, 300, 5);
    const f = model.forecast(x.subarray(0, 250), 24);
    expect(maxAbs(f, x.subarray(250, 274))).toBeLessThan(0.1 * 2.8);
  });

  it('the mixture is the gate-weighted sum of its experts', () => {
    const x = periodic(7, 150, 2).map((v, t) => v + 0.01 * t);
    const g = model.gate(x);
    const mix = model.forecast(x);
    const sum = new Float64Array(12);
    for (const c of g.experts) model.expertForecast(x, c.index).forEach((v, h) => (sum[h] = sum[h]! + c.weight * v));
    expect(maxAbs(mix, sum)).toBeLessThan(1e-9);
  });

  it('is deterministic for a seed', () => {
    const a = pretrainSuperLinear({ lookback: 32, horizon: 4, periods: [4, 8], samplesPerExpert: 10, gateEpochs: 2, seed: 9 });
    const b = pretrainSuperLinear({ lookback: 32, horizon: 4, periods: [4, 8], samplesPerExpert: 10, gateEpochs: 2, seed: 9 });
    const x = periodic(8, 40);
    expect(Array.from(a.forecast(x))).toEqual(Array.from(b.forecast(x)));
  });

  it('routes corpus windows to experts and reports progress; onProgress false and an aborted signal stop it', () => {
    const seen: string[] = [];
    const m = pretrainSuperLinear({
      lookback: 32, horizon: 4, periods: [4, 8], samplesPerExpert: 10, gateEpochs: 2, topK: 1,
      corpus: [periodic(8, 100)], resample: [1, 0.5], stride: 2,
      onProgress: (i) => void seen.push(i.stage),
    });
    // 10 synthetic windows each, plus ⌊(100 − 36)/2⌋ + 1 = 33 windows at rate 1 and ⌊(199 − 36)/2⌋ + 1 = 82 at
    // rate 0.5 (199 resampled values), each routed to one expert (topK 1)
    expect(m.trainingWindows.reduce((s, v) => s + v, 0)).toBe(20 + 33 + 82);
    expect(seen.filter((s) => s === 'gate').length).toBe(2);
    expect(seen.filter((s) => s === 'experts').length).toBe(2);
    expect(() => pretrainSuperLinear({ lookback: 32, horizon: 4, periods: [4, 8], samplesPerExpert: 4, gateEpochs: 3, onProgress: () => false }))
      .toThrow(/pretrainSuperLinear: stopped by options.onProgress at gate step 1 of 3/);
    const ac = new AbortController();
    ac.abort();
    expect(() => pretrainSuperLinear({ lookback: 32, horizon: 4, periods: [4, 8], samplesPerExpert: 4, gateEpochs: 3, signal: ac.signal }))
      .toThrow(/aborted by options.signal/);
  });

  it('mixEpochs trains mixing weights over the top-k of the gate (still summing to 1, the mixture still their weighted sum)', () => {
    const base = { lookback: 32, horizon: 4, periods: [4, 8, 12], samplesPerExpert: 12, gateEpochs: 3, topK: 2, seed: 5 };
    const plain = pretrainSuperLinear(base);
    const mixed = pretrainSuperLinear({ ...base, mixEpochs: 3 });
    const x = periodic(8, 60, 1);
    const g0 = plain.gate(x);
    const g1 = mixed.gate(x);
    // same gate (same seed), so the same selected experts; different weights
    expect(g1.experts.map((e) => e.index).sort()).toEqual(g0.experts.map((e) => e.index).sort());
    expect(g1.weights.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
    expect(Math.abs(g1.experts[0]!.weight - g0.experts[0]!.weight)).toBeGreaterThan(1e-6);
    const sum = new Float64Array(4);
    for (const c of g1.experts) mixed.expertForecast(x, c.index).forEach((v, h) => (sum[h] = sum[h]! + c.weight * v));
    expect(maxAbs(mixed.forecast(x), sum)).toBeLessThan(1e-9);
  });

  it('resampling by rate r reads x(r·t) with linear interpolation', () => {
    expect(Array.from(resampleSeries(Float64Array.from([0, 2, 4, 6]), 0.5))).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(Array.from(resampleSeries(Float64Array.from([0, 2, 4, 6, 8]), 2))).toEqual([0, 4, 8]);
  });

  it('refuses bad options and short series with typed errors', () => {
    expect(() => pretrainSuperLinear({ periods: [4, 4] })).toThrow(/options.periods must be distinct periods/);
    expect(() => pretrainSuperLinear({ periods: [1] })).toThrow(/options.periods\[0\] must be an integer >= 2/);
    expect(() => pretrainSuperLinear({ periods: [4, 8], topK: 3 })).toThrow(/options.topK must be at most the number of experts \(2\)/);
    expect(() => pretrainSuperLinear({ lookback: 4 })).toThrow(/options.lookback must be an integer >= 8/);
    expect(() => pretrainSuperLinear({ corpus: [1, 2, 3] as never })).toThrow(/options.corpus must be an array of series/);
    expect(() => pretrainSuperLinear({ lookbak: 8 } as never)).toThrow(/lookbak.*lookback/);
    expect(() => model.gate(periodic(4, 50))).toThrow(/SuperLinearModel.gate: series must hold at least the lookback of 96 values \(got length 50\)/);
    expect(() => model.expertForecast(periodic(4, 100), 4)).toThrow(/index must be an integer in \[0, 3\]/);
  });
});

describe('fineTuneSuperLinear', () => {
  const base = { lookback: 32, horizon: 4, periods: [4, 7, 12], samplesPerExpert: 12, gateEpochs: 3, seed: 4 };
  /** a target unlike the synthetic pretraining signals: period 7 with a slow second period and noise */
  const target = Float64Array.from({ length: 300 }, (_, t) => Math.cos((2 * Math.PI * t) / 7) + 0.5 * Math.sin((2 * Math.PI * t) / 50) + 0.1 * Math.sin(1.7 * t * t));
  let pre: SuperLinearModel;
  beforeAll(() => {
    pre = pretrainSuperLinear({ ...base, topK: 3 });
  });

  it('the refit is the minimiser of Σ‖W·x̂ + b − ŷ‖² + λ‖(W, b) − (W₀, b₀)‖²: its gradient, summed in plain loops, vanishes', () => {
    const R = seededRng('test', 11);
    const n = 40;
    const L = 6;
    const H = 3;
    const X = R.normal(n * L);
    const Y = R.normal(n * H);
    const W0 = { L, H, W: R.normal((L + 1) * H) };
    const m = fitLinearMap('test', { X, Y, n }, L, H, 0.3, W0);
    let tr = 0;
    for (let r = 0; r < n; r++) for (let i = 0; i < L; i++) tr += X[r * L + i]! ** 2;
    const lam = 0.3 * (tr / L) + 1e-9;
    let worst = 0;
    for (let i = 0; i <= L; i++) {
      for (let h = 0; h < H; h++) {
        let g = 0;
        for (let r = 0; r < n; r++) {
          let pred = m.W[L * H + h]!;
          for (let k = 0; k < L; k++) pred += X[r * L + k]! * m.W[k * H + h]!;
          g += (pred - Y[r * H + h]!) * (i === L ? 1 : X[r * L + i]!);
        }
        g += lam * (m.W[i * H + h]! - W0.W[i * H + h]!);
        worst = Math.max(worst, Math.abs(g));
      }
    }
    expect(worst).toBeLessThan(1e-9);
    // and a different centre gives a different answer (the pull is real)
    const m0 = fitLinearMap('test', { X, Y, n }, L, H, 0.3);
    expect(maxAbs(m.W, m0.W)).toBeGreaterThan(1e-3);
  });

  it('prior 0 with every expert chosen (topK = all) refits each expert as an RLinear on the target windows alone', () => {
    const ft = fineTuneSuperLinear(pre, target.subarray(0, 200), { prior: 0 });
    const rl = fitRLinear(target.subarray(0, 200), { lookback: 32, horizon: 4, ridge: 0 });
    const x = target.subarray(0, 260);
    for (let e = 0; e < 3; e++) expect(maxAbs(ft.expertForecast(x, e), rl.forecast(x))).toBeLessThan(1e-6);
    expect(Array.from(ft.trainingWindows)).toEqual([165, 165, 165]); // 200 − 36 + 1 windows, each to all three experts
  });

  it('a very large prior keeps the pretrained experts; the input model is unchanged', () => {
    const x = target.subarray(0, 260);
    const before = Array.from(pre.forecast(x));
    const ft = fineTuneSuperLinear(pre, target.subarray(0, 200), { prior: 1e9 });
    expect(maxAbs(ft.forecast(x), before)).toBeLessThan(1e-6);
    expect(maxAbs(ft.forecast(x), pre.expertForecast(x, 0))).toBeGreaterThan(1e-6); // (the check can tell experts apart)
    expect(Array.from(pre.forecast(x))).toEqual(before);
  });

  it('lowers the error on held-out target values below the pretrained model (fit on the first 200, scored on the rest)', () => {
    const ft = fineTuneSuperLinear(pre, target.subarray(0, 200), { prior: 1e-2 });
    let a = 0;
    let b = 0;
    for (let t = 200; t + 4 <= 300; t++) {
      const x = target.subarray(0, t);
      const y = target.subarray(t, t + 4);
      pre.forecast(x).forEach((v, h) => (a += (v - y[h]!) ** 2));
      ft.forecast(x).forEach((v, h) => (b += (v - y[h]!) ** 2));
    }
    expect(b).toBeLessThan(0.5 * a);
  });

  it('gateEpochs trains the mixing from the model\'s own weights (gate choice unchanged, weights sum to 1, mixture = weighted sum)', () => {
    const two = pretrainSuperLinear({ ...base, topK: 2 });
    const ft = fineTuneSuperLinear(two, target.subarray(0, 200), { experts: false, gateEpochs: 5, seed: 1 });
    const x = target.subarray(0, 230);
    const g0 = two.gate(x);
    const g1 = ft.gate(x);
    expect(g1.experts.map((e) => e.index).sort()).toEqual(g0.experts.map((e) => e.index).sort());
    expect(g1.weights.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
    expect(Math.abs(g1.experts[0]!.weight - g0.experts[0]!.weight)).toBeGreaterThan(1e-6);
    for (let e = 0; e < 3; e++) expect(Array.from(ft.expertForecast(x, e))).toEqual(Array.from(two.expertForecast(x, e))); // experts: false
    const sum = new Float64Array(4);
    for (const c of g1.experts) ft.expertForecast(x, c.index).forEach((v, h) => (sum[h] = sum[h]! + c.weight * v));
    expect(maxAbs(ft.forecast(x), sum)).toBeLessThan(1e-9);
    const again = fineTuneSuperLinear(two, target.subarray(0, 200), { experts: false, gateEpochs: 5, seed: 1 });
    expect(Array.from(again.forecast(x))).toEqual(Array.from(ft.forecast(x)));
  });

  it('topK re-routes the target windows; temperature T weights the top k by softmax(logits / T), T = ∞ equally', () => {
    const one = pretrainSuperLinear({ ...base, topK: 1 });
    const x = target.subarray(0, 230);
    // topK 3 on a top-1 model: every window goes to all three experts, as in the model pretrained with topK 3
    const wide = fineTuneSuperLinear(one, target.subarray(0, 200), { prior: 0.1, topK: 3 });
    expect(wide.topK).toBe(3);
    expect(Array.from(wide.trainingWindows)).toEqual([165, 165, 165]);
    expect(Array.from(wide.forecast(x))).toEqual(Array.from(fineTuneSuperLinear(pre, target.subarray(0, 200), { prior: 0.1 }).forecast(x)));
    const narrow = fineTuneSuperLinear(one, target.subarray(0, 200), { prior: 0.1 });
    expect(narrow.trainingWindows.reduce((s, v) => s + v, 0)).toBe(165); // top 1: each window to one expert
    // the weights against the softmax written out from the gate's logits (no mixing stage: mixing logits = gate logits)
    const logits = pre.gate(x).logits;
    for (const T of [0.5, 1, 3]) {
      const g = fineTuneSuperLinear(pre, target.subarray(0, 200), { prior: 0.1, temperature: T }).gate(x);
      const top = Math.max(...logits);
      const e = Array.from(logits, (z) => Math.exp((z - top) / T));
      const sum = e.reduce((s, v) => s + v, 0);
      for (let k = 0; k < 3; k++) expect(g.weights[k]).toBeCloseTo(e[k]! / sum, 12);
    }
    const flat = fineTuneSuperLinear(pre, target.subarray(0, 200), { prior: 0.1, temperature: Infinity });
    expect(Array.from(flat.gate(x).weights)).toEqual([1 / 3, 1 / 3, 1 / 3]);
    const mean = new Float64Array(4);
    for (let k = 0; k < 3; k++) flat.expertForecast(x, k).forEach((v, h) => (mean[h] = mean[h]! + v / 3));
    expect(maxAbs(flat.forecast(x), mean)).toBeLessThan(1e-12);
    // the temperature is kept by a later fine-tuning unless given again
    expect(Array.from(fineTuneSuperLinear(flat, target.subarray(0, 200), { prior: 1e9 }).gate(x).weights)).toEqual([1 / 3, 1 / 3, 1 / 3]);
    expect(() => fineTuneSuperLinear(pre, target, { topK: 4 })).toThrow(/fineTuneSuperLinear: options.topK must be at most the number of experts \(3\)/);
    expect(() => fineTuneSuperLinear(pre, target, { topK: 0 })).toThrow(/options.topK/);
    expect(() => fineTuneSuperLinear(pre, target, { temperature: 0 })).toThrow(/fineTuneSuperLinear: options.temperature must be a number > 0/);
    expect(() => fineTuneSuperLinear(pre, target, { temperature: NaN })).toThrow(/options.temperature/);
  });

  it('refuses a model it did not build, short series, bad options; onProgress false stops it', () => {
    expect(() => fineTuneSuperLinear({ lookback: 32 } as never, target)).toThrow(/fineTuneSuperLinear: model must be a model returned by pretrainSuperLinear or fineTuneSuperLinear/);
    expect(() => fineTuneSuperLinear(pre, target.subarray(0, 35))).toThrow(/fineTuneSuperLinear: series must hold at least one window of lookback \+ horizon = 36 values/);
    expect(() => fineTuneSuperLinear(pre, target, { prior: -1 })).toThrow(/options.prior/);
    expect(() => fineTuneSuperLinear(pre, target, { experts: 1 as never })).toThrow(/options.experts must be true or false/);
    expect(() => fineTuneSuperLinear(pre, target, { prio: 1 } as never)).toThrow(/prio.*prior/);
    expect(() => fineTuneSuperLinear(pre, [1, NaN, ...target])).toThrow(NonFiniteError);
    expect(() => fineTuneSuperLinear(pre, target, { onProgress: () => false })).toThrow(/fineTuneSuperLinear: stopped by options.onProgress at experts step 1 of 3/);
  });
});

describe('Super-Linear gate on the normalised periodogram (gateInput power) and fullShotSuperLinear', () => {
  const periods = [4, 7, 12, 24];
  const base = { lookback: 32, horizon: 4, periods: [4, 7, 12], samplesPerExpert: 12, gateEpochs: 3, seed: 4 };
  /** the target of the fine-tuning tests: period 7, a slow second period and noise */
  const target = Float64Array.from({ length: 300 }, (_, t) => Math.cos((2 * Math.PI * t) / 7) + 0.5 * Math.sin((2 * Math.PI * t) / 50) + 0.1 * Math.sin(1.7 * t * t));
  let power: SuperLinearModel;
  let pre: SuperLinearModel;
  beforeAll(() => {
    power = pretrainSuperLinear({ lookback: 96, horizon: 12, periods, samplesPerExpert: 60, gateEpochs: 20, seed: 3, gateInput: 'power' });
    pre = pretrainSuperLinear({ ...base, gateInput: 'power' });
  });

  it.each(periods)('the power gate gives the expert of period %i the largest weight on a pure sinusoid of that period', (p) => {
    const x = Float64Array.from({ length: 200 }, (_, t) => 2 + Math.sin((2 * Math.PI * (t + 1)) / p));
    const g = power.gate(x);
    expect(power.gateInput).toBe('power');
    expect(g.experts[0]!.period).toBe(p);
    expect(Math.max(...g.weights)).toBe(g.weights[periods.indexOf(p)]);
    expect(g.weights.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
  });

  /** The MSE of a model's forecasts over every window (lookback L, horizon H) of x. */
  function windowMse(forecast: (x: Float64Array) => Float64Array, x: Float64Array, L: number, H: number): number {
    let se = 0;
    let n = 0;
    for (let s = 0; s + L + H <= x.length; s++) {
      forecast(x.subarray(0, s + L)).forEach((v, h) => (se += (v - x[s + L + h]!) ** 2));
      n += H;
    }
    return se / n;
  }

  it('with frozen experts and one free expert at 0, the trained mixture is never worse on its training windows than the start', () => {
    const train = target.subarray(0, 200);
    for (const [lr, epochs] of [[1e-3, 5], [1e-2, 8], [0.3, 4]] as const) {
      const m = fullShotSuperLinear(pre, train, { epochs, learningRate: lr, seed: 2 });
      const h = m.fullShot!;
      expect(h.monitored).toBe('training');
      expect(h.monitor.length).toBe(epochs + 1);
      // the start, written out: the gate's top 3 pretrained experts and the free expert (0), equal weights
      const start = (x: Float64Array) => {
        const out = new Float64Array(4);
        for (const c of pre.gate(x).experts) pre.expertForecast(x, c.index).forEach((v, k) => (out[k] = out[k]! + v / 4));
        const look = x.subarray(x.length - 32);
        const mu = look.reduce((a, v) => a + v, 0) / 32;
        return out.map((v) => v + mu / 4); // the free expert forecasts the lookback's mean (0 after RevIN)
      };
      const before = windowMse(start, train, 32, 4);
      const after = windowMse((x) => m.forecast(x), train, 32, 4);
      expect(h.monitor[0]).toBeCloseTo(before, 10);
      expect(after).toBeCloseTo(h.monitor[h.bestEpoch]!, 10);
      expect(after).toBeLessThanOrEqual(before);
    }
  });

  it('builds the mixture of the frozen experts and the free one (weights sum to 1); the free expert has period 0 and is always mixed', () => {
    const m = fullShotSuperLinear(pre, target.subarray(0, 200), { epochs: 5, learningRate: 1e-2, seed: 1 });
    expect(Array.from(m.periods)).toEqual([4, 7, 12, 0]);
    const x = target.subarray(0, 230);
    const g = m.gate(x);
    expect(g.experts.map((c) => c.period)).toContain(0);
    expect(g.weights.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
    const sum = new Float64Array(4);
    for (const c of g.experts) m.expertForecast(x, c.index).forEach((v, h) => (sum[h] = sum[h]! + c.weight * v));
    expect(maxAbs(m.forecast(x), sum)).toBeLessThan(1e-9);
    // the pretrained experts are frozen; the input model is unchanged
    for (let e = 0; e < 3; e++) expect(Array.from(m.expertForecast(x, e))).toEqual(Array.from(pre.expertForecast(x, e)));
    expect(Array.from(fullShotSuperLinear(pre, target.subarray(0, 200), { epochs: 5, learningRate: 1e-2, seed: 1 }).forecast(x))).toEqual(Array.from(m.forecast(x)));
    // the mixing weights vary with the input
    const g2 = m.gate(target.subarray(0, 260));
    expect(maxAbs(g.weights, g2.weights)).toBeGreaterThan(1e-6);
  });

  it("freeInit 'ridge' with trainFree false keeps the free expert at the RLinear fit; freeWeight sets its starting weight", () => {
    const train = target.subarray(0, 200);
    const m = fullShotSuperLinear(pre, train, { freeInit: 'ridge', ridge: 0.1, trainFree: false, freeWeight: 0.9, epochs: 0 });
    const rl = fitRLinear(train, { lookback: 32, horizon: 4, ridge: 0.1 });
    const x = target.subarray(0, 250);
    expect(maxAbs(m.expertForecast(x, 3), rl.forecast(x))).toBeLessThan(1e-9);
    expect(m.gate(x).weights[3]).toBeCloseTo(0.9, 12);
    const trained = fullShotSuperLinear(pre, train, { freeInit: 'ridge', ridge: 0.1, trainFree: false, epochs: 5, learningRate: 1e-2 });
    expect(Array.from(trained.expertForecast(x, 3))).toEqual(Array.from(m.expertForecast(x, 3)));
  });

  it('with no free experts it trains the mixing of the gate\'s top k only, from equal weights', () => {
    const x = target.subarray(0, 250);
    const m0 = fullShotSuperLinear(pre, target.subarray(0, 200), { freeExperts: 0, epochs: 0 });
    expect(Array.from(m0.periods)).toEqual([4, 7, 12]);
    expect(Array.from(m0.gate(x).weights)).toEqual([1 / 3, 1 / 3, 1 / 3]);
    const m = fullShotSuperLinear(pre, target.subarray(0, 200), { freeExperts: 0, epochs: 5, learningRate: 1e-2 });
    expect(m.fullShot!.monitor[m.fullShot!.bestEpoch]).toBeLessThanOrEqual(m.fullShot!.monitor[0]!);
    expect(m.gate(x).weights.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 12);
  });

  it('early-stops on a validation series: keeps the epoch of the lowest validation MSE (in the series units), stops after patience', () => {
    const m = fullShotSuperLinear(pre, target.subarray(0, 180), { validation: target.subarray(180 - 32), epochs: 40, learningRate: 0.05, patience: 3, seed: 1 });
    const h = m.fullShot!;
    expect(h.monitored).toBe('validation');
    expect(h.monitor[h.bestEpoch]).toBe(Math.min(...h.monitor));
    expect(h.monitor.length - 1 - h.bestEpoch).toBeLessThanOrEqual(3);
    // the monitored value is the validation MSE of the returned model, every origin of the validation part
    let se = 0;
    let n = 0;
    for (let t = 180; t + 4 <= 300; t++) {
      m.forecast(target.subarray(0, t)).forEach((v, k) => (se += (v - target[t + k]!) ** 2));
      n += 4;
    }
    expect(se / n).toBeCloseTo(h.monitor[h.bestEpoch]!, 10);
  });

  it('the gradient of the mixture loss matches finite differences (mixing logits and free expert)', () => {
    const d = { F: 3, L: 4, E: 2, H: 2, free: 1 };
    const R = seededRng('test', 11);
    const cols = d.F + d.L + d.E * d.H + d.E + d.free;
    const b = 5;
    const X = R.normal(b * cols);
    for (let r = 0; r < b; r++) X[r * cols + d.F + d.L + d.E * d.H + (r % 2)] = -30; // one frozen expert not selected
    for (let r = 0; r < b; r++) X[r * cols + cols - 1] = 0; // the free expert always selected
    const Y = R.normal(b * d.H);
    const vals = { V: R.normal(d.F * 3), c: R.normal(3), W: R.normal(d.L * d.H), w: R.normal(d.H) };
    const lossAt = (v: typeof vals): nn.Tensor => mixtureLoss(
      { mixer: { W: nn.tensor(v.V, { shape: [d.F, 3] }), b: nn.tensor(v.c, { shape: [3] }) }, free: [{ W: nn.tensor(v.W, { shape: [d.L, d.H] }), b: nn.tensor(v.w, { shape: [d.H] }) }] },
      nn.tensor(X, { shape: [b, cols] }), nn.tensor(Y, { shape: [b, d.H] }), d,
    );
    const f = (v: typeof vals) => nn.scope(() => lossAt(v).item());
    const grads = nn.scope(() => {
      const g = nn.grad((V: nn.Tensor, c: nn.Tensor, W: nn.Tensor, w: nn.Tensor) => mixtureLoss(
        { mixer: { W: V, b: c }, free: [{ W, b: w }] }, nn.tensor(X, { shape: [b, cols] }), nn.tensor(Y, { shape: [b, d.H] }), d,
      ), { argnums: [0, 1, 2, 3] })(nn.tensor(vals.V, { shape: [d.F, 3] }), nn.tensor(vals.c, { shape: [3] }), nn.tensor(vals.W, { shape: [d.L, d.H] }), nn.tensor(vals.w, { shape: [d.H] })) as nn.Tensor[];
      return grads0(g);
    });
    const eps = 1e-6;
    let worst = 0;
    (['V', 'c', 'W', 'w'] as const).forEach((k, gi) => {
      for (let i = 0; i < vals[k].length; i++) {
        const up = { ...vals, [k]: Float64Array.from(vals[k]) };
        const dn = { ...vals, [k]: Float64Array.from(vals[k]) };
        up[k][i]! += eps;
        dn[k][i]! -= eps;
        worst = Math.max(worst, Math.abs((f(up) - f(dn)) / (2 * eps) - grads[gi]![i]!));
      }
    });
    expect(worst).toBeLessThan(1e-7);
  });

  it('refuses bad options and models with typed errors; onProgress false stops it', () => {
    expect(() => pretrainSuperLinear({ ...base, gateInput: 'linear' as never })).toThrow(/pretrainSuperLinear: options.gateInput must be 'log' or 'power'/);
    expect(() => fullShotSuperLinear({ lookback: 32 } as never, target)).toThrow(/fullShotSuperLinear: model must be a model returned by pretrainSuperLinear or fineTuneSuperLinear/);
    expect(() => fullShotSuperLinear(pre, target, { freeInit: 'gaussian' as never })).toThrow(/options.freeInit must be 'zeros', 'random' or 'ridge'/);
    expect(() => fullShotSuperLinear(pre, target, { freeWeight: 1 })).toThrow(/options.freeWeight must be a number in \(0, 1\)/);
    expect(() => fullShotSuperLinear(pre, target, { learningRate: 0 })).toThrow(/options.learningRate/);
    expect(() => fullShotSuperLinear(pre, target, { trainFree: 1 as never })).toThrow(/options.trainFree must be true or false/);
    expect(() => fullShotSuperLinear(pre, target, { validation: target.subarray(0, 20) })).toThrow(/fullShotSuperLinear: options.validation must hold at least one window/);
    expect(() => fullShotSuperLinear(pre, target, { epoch: 3 } as never)).toThrow(/epoch.*epochs/);
    const m = fullShotSuperLinear(pre, target, { epochs: 1 });
    expect(() => fullShotSuperLinear(m, target)).toThrow(/model must be a model without free experts/);
    expect(() => fineTuneSuperLinear(m, target)).toThrow(/fineTuneSuperLinear: model must be a model without free experts/);
    expect(() => fullShotSuperLinear(pre, target, { epochs: 3, onProgress: () => false })).toThrow(/fullShotSuperLinear: stopped by options.onProgress at mix step 1 of 3/);
  });
});

/** The gradients as arrays (read inside the scope that made them). */
function grads0(g: nn.Tensor[]): Float64Array[] {
  return g.map((t) => t.toArray() as Float64Array);
}
