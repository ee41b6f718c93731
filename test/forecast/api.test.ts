/** The bad-input sweep (test/fuzz.ts) over the forecast family's public API. */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  init, fft, rfft, periodogram, fitRLinear, pretrainSuperLinear, fineTuneSuperLinear, fullShotSuperLinear, seasonalNaive, fitHoltWinters, fitTensorGp,
  simulateImageRegression, learnPro2Projection, fitLinearProbe,
} from '../../bindings/index.js';
import { countEntries, fuzzArguments } from '../fuzz.js';

beforeAll(() => init());

const wave = (n: number, p: number) => Array.from({ length: n }, (_, t) => 3 + Math.sin((2 * Math.PI * t) / p) + 0.01 * t);
const rows = [[1, 0.5], [-0.3, 1], [0.2, -0.7], [1.1, 0.1], [-1, -0.4], [0.6, 0.9]];
const labels = [0, 1, 0, 1, 0, 1];
/** Models carry closures: compare what they compute. */
const sameForecast = (a: unknown, b: unknown) => expect((a as { forecast: (x: number[], s?: number) => Float64Array }).forecast(wave(40, 4), 3))
  .toEqual((b as { forecast: (x: number[], s?: number) => Float64Array }).forecast(wave(40, 4), 3));

describe('forecast: every bad argument gives a typed error, no leak, module usable', () => {
  it('fft', () => expect(fuzzArguments('fft', fft, [[1, 2, 3], [0, 0, 0], { inverse: false }], { optionalFrom: 2 })).toEqual([]));
  it('rfft', () => expect(fuzzArguments('rfft', rfft, [[1, 2, 3]])).toEqual([]));
  it('periodogram', () => expect(fuzzArguments('periodogram', periodogram, [[1, 2, 3]])).toEqual([]));
  it('seasonalNaive', () => expect(fuzzArguments('seasonalNaive', seasonalNaive, [[1, 2, 3, 4], 2, 3])).toEqual([]));
  it('fitRLinear', () => expect(fuzzArguments('fitRLinear', fitRLinear, [wave(30, 4), { lookback: 8, horizon: 2, ridge: 0.01, stride: 1 }], {
    optionalFrom: 1, same: sameForecast,
    // a huge stride is valid (one window)
    accept: ['arg1.stride=1e12', `arg1.stride=2^29 + 1`],
  })).toEqual([]));
  it('fitHoltWinters', () => expect(fuzzArguments('fitHoltWinters', fitHoltWinters, [wave(30, 3), { period: 3, alphas: [0.5], gammas: [0.1] }], {
    same: sameForecast,
    // the grids hold reals in (0, 1] and [0, 1]: 0.5 is valid for both, 0 for gammas
    accept: ['arg1.alphas.0=0.5', 'arg1.gammas.0=0.5', 'arg1.gammas.0=0'],
  })).toEqual([]));
  it('pretrainSuperLinear', () => expect(fuzzArguments('pretrainSuperLinear', pretrainSuperLinear, [{
    lookback: 16, horizon: 2, periods: [4, 8], topK: 1, samplesPerExpert: 2, corpus: [wave(24, 4)], resample: [1], stride: 4,
    ridge: 0.01, gateEpochs: 1, gateInput: 'power', mixEpochs: 0, seed: 1, onProgress: () => true, signal: new AbortController().signal,
  }], {
    optionalFrom: 0,
    kinds: { ...countEntries('arg0.periods.0', 'arg0.resample.0'), 'arg0.ridge': 'real' },
    same: (a, b) => expect((a as { forecast: (x: number[]) => Float64Array }).forecast(wave(20, 4))).toEqual((b as { forecast: (x: number[]) => Float64Array }).forecast(wave(20, 4))),
    // epochs only run long; a huge stride is valid (one window per series); a resampling rate may be any finite number > 0
    skip: ['arg0.gateEpochs=1e12', 'arg0.mixEpochs=1e12'],
    // corpus series may have different lengths (and be too short for a window: they add none); a bigint seed is valid
    accept: ['arg0.stride=1e12', 'arg0.stride=2^29 + 1', 'arg0.resample.0=0.5', 'arg0.resample.0=2.5', 'arg0.seed=a bigint', 'arg0.corpus=[[1, 2], [3]]'],
  })).toEqual([]), 180_000); // ~300 pretraining calls: ~17 s on a loaded 2-core machine
  it('fineTuneSuperLinear', () => {
    const pre = pretrainSuperLinear({ lookback: 16, horizon: 2, periods: [4, 8], topK: 2, samplesPerExpert: 2, gateEpochs: 1, seed: 1 });
    expect(fuzzArguments('fineTuneSuperLinear', fineTuneSuperLinear, [pre, wave(30, 4), { prior: 0.01, stride: 2, experts: true, gateEpochs: 1, topK: 2, temperature: 2, seed: 1, onProgress: () => true, signal: new AbortController().signal }], {
      optionalFrom: 2, kinds: { 'arg2.prior': 'real', 'arg2.temperature': 'real' },
      same: (a, b) => expect((a as { forecast: (x: number[]) => Float64Array }).forecast(wave(20, 4))).toEqual((b as { forecast: (x: number[]) => Float64Array }).forecast(wave(20, 4))),
      skip: ['arg2.gateEpochs=1e12'],
      // a huge stride is valid (one window); a bigint seed is valid; temperature Infinity mixes the top k equally
      accept: ['arg2.stride=1e12', 'arg2.stride=2^29 + 1', 'arg2.seed=a bigint', 'arg2.temperature=Infinity'],
    })).toEqual([]);
  });
  it('fullShotSuperLinear', () => {
    const pre = pretrainSuperLinear({ lookback: 16, horizon: 2, periods: [4, 8], topK: 2, samplesPerExpert: 2, gateEpochs: 1, seed: 1, gateInput: 'power' });
    expect(fuzzArguments('fullShotSuperLinear', fullShotSuperLinear, [pre, wave(30, 4), {
      freeExperts: 1, freeInit: 'ridge', ridge: 0.01, trainFree: true, freeWeight: 0.5, epochs: 2, learningRate: 1e-3, batchSize: 8,
      validation: wave(24, 4), patience: 2, topK: 2, stride: 2, seed: 1, onProgress: () => true, signal: new AbortController().signal,
    }], {
      optionalFrom: 2, kinds: { 'arg2.ridge': 'real', 'arg2.learningRate': 'real' },
      same: (a, b) => expect((a as { forecast: (x: number[]) => Float64Array }).forecast(wave(20, 4))).toEqual((b as { forecast: (x: number[]) => Float64Array }).forecast(wave(20, 4))),
      // epochs and free experts only run long
      skip: ['arg2.epochs=1e12', 'arg2.freeExperts=1e12', 'arg2.freeExperts=2^29 + 1'],
      // a huge stride is valid (one window), so are a batch larger than the data and a huge patience; a bigint seed is valid
      accept: ['arg2.stride=1e12', 'arg2.stride=2^29 + 1', 'arg2.batchSize=1e12', 'arg2.batchSize=2^29 + 1', 'arg2.patience=1e12', 'arg2.patience=2^29 + 1', 'arg2.seed=a bigint'],
    })).toEqual([]);
  });
  it('simulateImageRegression', () => expect(fuzzArguments('simulateImageRegression', simulateImageRegression, [{ n: 3, size: 8, channels: 2, snr: 9, seed: 1 }], {
    optionalFrom: 0, kinds: { 'arg0.snr': 'real' }, accept: ['arg0.seed=a bigint'],
  })).toEqual([]));
  it('fitTensorGp', () => {
    const d = simulateImageRegression({ n: 5, size: 8, channels: 2, seed: 2 });
    expect(fuzzArguments('fitTensorGp', fitTensorGp, [d.X, d.y, { latent: [2, 2], tv: 1, l1: 0.5, maxIter: 1, tol: 0, onProgress: () => true, signal: new AbortController().signal }], {
      optionalFrom: 2,
      kinds: { ...countEntries('arg0.shape.0', 'arg0.shape.1', 'arg0.shape.2', 'arg0.shape.3', 'arg2.latent.0', 'arg2.latent.1'), 'arg2.tv': 'real', 'arg2.l1': 'real', 'arg2.tol': 'real' },
      same: (a, b) => expect((a as { predict: (x: unknown) => unknown }).predict(d.X)).toEqual((b as { predict: (x: unknown) => unknown }).predict(d.X)),
      // rounds only run long (the tol test stops them)
      skip: ['arg2.maxIter=1e12'],
      // tol = Infinity stops after one round, a valid setting
      accept: ['arg2.tol=Infinity'],
    })).toEqual([]);
  });
  const sameProjection = (a: unknown, b: unknown) => expect((a as { directions: Float64Array }).directions).toEqual((b as { directions: Float64Array }).directions);
  it('learnPro2Projection', () => expect(fuzzArguments('learnPro2Projection', learnPro2Projection, [rows, labels, { heads: 1, classes: 2, epochs: 1, learningRate: 0.02, batchSize: 4, seed: 1 }], {
    optionalFrom: 2, same: sameProjection, kinds: { 'arg2.learningRate': 'real' },
    skip: ['arg2.epochs=1e12'],
    // a batch larger than the data is the whole data
    accept: ['arg2.batchSize=1e12', 'arg2.batchSize=2^29 + 1', 'arg2.seed=a bigint'],
  })).toEqual([]));
  it('fitLinearProbe', () => expect(fuzzArguments('fitLinearProbe', fitLinearProbe, [rows, labels, { classes: 2, l2: 0.001, epochs: 2, learningRate: 0.05, seed: 1 }], {
    optionalFrom: 2, kinds: { 'arg2.learningRate': 'real', 'arg2.l2': 'real' },
    same: (a, b) => expect((a as { weights: Float64Array }).weights).toEqual((b as { weights: Float64Array }).weights),
    skip: ['arg2.epochs=1e12'],
    accept: ['arg2.seed=a bigint'],
  })).toEqual([]));
});
