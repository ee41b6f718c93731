/** The bad-input sweep (test/fuzz.ts) over the tucker family's public API. */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  fold,
  frobeniusNorm,
  hooi,
  hosvd,
  cp,
  cpReconstruct,
  init,
  khatriRao,
  multiModeProduct,
  nonNegativeTucker,
  partialTucker,
  tensorTrain,
  ttReconstruct,
  modeGram,
  modeProduct,
  modeSpectra,
  selectCoreShape,
  solveTuckerPacking,
  tuckerParameterCount,
  tuckerReconstruct,
  uniformCoreShape,
  unfold,
} from '../../bindings/index.js';
import { countEntries, fuzzArguments } from '../fuzz.js';

beforeAll(() => init());

// A 2×3×2 tensor: every method stays well under a millisecond per call.
const X = () => ({ data: Float64Array.from({ length: 12 }, (_, i) => Math.sin(i + 1) + 0.1 * i), shape: [2, 3, 2] });
// 1 + ΣIₙ = 8 is the smallest feasible budget; 14 admits several shapes.
const BUDGET = 14;

/** Sizes: the tensor's shape and the core shape (ranks) are counts, whatever their entries' values. */
const SHAPE = { kinds: countEntries('arg0.shape[0]', 'arg0.shape[2]') };
const RANKS = { kinds: countEntries('arg0.shape[0]', 'arg0.shape[2]', 'arg1[0]', 'arg1[2]') };

describe('tucker: every bad argument gives a typed error, no leak, module usable', () => {
  const d = () => hosvd(X(), [1, 2, 1]);
  const spectra = [
    [3, 1],
    [4, 2, 0.5],
    [2, 1],
  ];
  const hooiOptions = { maxIter: 3, tol: 1e-6, onProgress: () => true, signal: new AbortController().signal };
  const common = { hooi: { maxIter: 2, tol: 1e-6 }, evaluate: true, signal: new AbortController().signal };

  it('modeGram', () => expect(fuzzArguments('modeGram', modeGram, [X(), 1], SHAPE)).toEqual([]));
  it('modeProduct', () => expect(fuzzArguments('modeProduct', modeProduct, [X(), [1, 0, 1, 0, 1, 1], 1], SHAPE)).toEqual([]));
  it('frobeniusNorm', () => expect(fuzzArguments('frobeniusNorm', frobeniusNorm, [X()], SHAPE)).toEqual([]));
  it('hosvd', () => expect(fuzzArguments('hosvd', hosvd, [X(), [1, 2, 1]], RANKS)).toEqual([]));
  // Options are optional. A stopping tolerance of Infinity is valid: the run stops at its first check.
  const hooiSweep = { ...RANKS, optionalFrom: 2, accept: ['arg2.tol=Infinity'] };
  it('hooi', () => expect(fuzzArguments('hooi', hooi, [X(), [1, 2, 1], hooiOptions], hooiSweep)).toEqual([]));
  it('hooi (options.mask)', () => expect(fuzzArguments('hooi', hooi, [X(), [1, 2, 1], { ...hooiOptions, mask: [1, 1, 0, 1, 1, 1, 1, 0, 1, 1, 1, 1] }], hooiSweep)).toEqual([]));
  it('hooi (options.init)', () => expect(fuzzArguments('hooi', hooi, [X(), [1, 2, 1], { ...hooiOptions, init: d().factors }], hooiSweep)).toEqual([]));
  it('tuckerReconstruct', () => expect(fuzzArguments('tuckerReconstruct', tuckerReconstruct, [{ core: d().core, factors: d().factors }], { kinds: countEntries('arg0.core.shape[0]', 'arg0.core.shape[2]') })).toEqual([]));
  it('tuckerReconstruct (factors as plain arrays)', () => {
    const plain = () => ({ core: { data: Array.from(d().core.data), shape: [1, 2, 1] }, factors: d().factors.map((U) => Array.from(U)) });
    expect(fuzzArguments('tuckerReconstruct', tuckerReconstruct, [plain()], { kinds: countEntries('arg0.core.shape[0]', 'arg0.core.shape[2]') })).toEqual([]);
  });
  it('unfold', () => expect(fuzzArguments('unfold', unfold, [X(), 1], SHAPE)).toEqual([]));
  it('fold', () => expect(fuzzArguments('fold', fold, [{ data: X().data, rows: 3, cols: 4 }, 1, [2, 3, 2]], { kinds: countEntries('arg2[0]', 'arg2[2]') })).toEqual([]));
  it('khatriRao', () => expect(fuzzArguments('khatriRao', khatriRao, [[[[1, 2], [3, 4]], { data: [0.5, -1, 2, 0.25, 1, 1], rows: 3, cols: 2 }]])).toEqual([]));
  // options are optional; the matrices may be given flat (K inferred)
  it('multiModeProduct', () =>
    expect(fuzzArguments('multiModeProduct', multiModeProduct, [X(), [[1, 0.5, -1], [[0.5, 1], [2, -1]]], { modes: [1, 2], transpose: false }], { ...SHAPE, optionalFrom: 2 })).toEqual([]));
  // Options are optional; a tolerance of Infinity stops at the first check (as hooi).
  const cpSweep = { ...SHAPE, optionalFrom: 2, accept: ['arg2.tol=Infinity', 'arg2.seed=a bigint'] }; // seeds may be bigints (documented)
  it('cp', () => expect(fuzzArguments('cp', cp, [X(), 2, { maxIter: 3, tol: 1e-6, init: 'random', seed: 1, lineSearch: true, onProgress: () => true, signal: new AbortController().signal }], cpSweep)).toEqual([]));
  it('cp (non-negative, masked, given start)', () => {
    const start = [[0.5, 1, 0.2, 0.3], [1, 0.5, 0.1, 0.9, 0.4, 0.3], [0.7, 0.2, 0.6, 0.8]];
    const mask = [1, 1, 0, 1, 1, 1, 1, 0, 1, 1, 1, 1];
    expect(fuzzArguments('cp', cp, [X(), 2, { maxIter: 3, tol: 1e-6, init: start, nonNegative: true, lineSearch: false, mask }], cpSweep)).toEqual([]);
  });
  it('cpReconstruct', () => expect(fuzzArguments('cpReconstruct', cpReconstruct, [{ factors: [[1, 0.5, -1, 2], [0.3, 1, 1, -0.2, 0.5, 0.5]], weights: [2, 1] }])).toEqual([]));
  const loop = { maxIter: 3, tol: 1e-6, onProgress: () => true, signal: new AbortController().signal };
  const loopSweep = { ...RANKS, optionalFrom: 2, accept: ['arg2.tol=Infinity', 'arg2.seed=a bigint'] };
  it('nonNegativeTucker', () => expect(fuzzArguments('nonNegativeTucker', nonNegativeTucker, [{ data: X().data.map(Math.abs), shape: [2, 3, 2] }, [1, 2, 1], { ...loop, init: 'random', seed: 2, method: 'mu' }], loopSweep)).toEqual([]));
  it('partialTucker', () => expect(fuzzArguments('partialTucker', partialTucker, [X(), [2, 1], { ...loop, modes: [1, 0] }], { ...SHAPE, optionalFrom: 2, accept: ['arg2.tol=Infinity'], kinds: countEntries('arg0.shape[0]', 'arg0.shape[2]', 'arg1[0]', 'arg1[1]') })).toEqual([]));
  // rank may also be one number for every bond, and a cap above every possible rank is valid
  it('tensorTrain', () => expect(fuzzArguments('tensorTrain', tensorTrain, [X(), { rank: [2, 1], tol: 0.1 }], { ...SHAPE, optionalFrom: 1, accept: ['arg1.rank=1e12', 'arg1.rank=2^29 + 1'] })).toEqual([]));
  it('tensorTrain (one rank cap)', () => expect(fuzzArguments('tensorTrain', tensorTrain, [X(), { rank: 2 }], { ...SHAPE, optionalFrom: 1 })).toEqual([]));
  it('ttReconstruct', () => expect(fuzzArguments('ttReconstruct', ttReconstruct, [{ cores: [{ data: [1, 2, 0.5, -1], shape: [1, 2, 2] }, { data: [1, 0, 2, 1, 1, 1], shape: [2, 3, 1] }] }], { kinds: countEntries('arg0.cores[0].shape[0]', 'arg0.cores[0].shape[2]') })).toEqual([]));
  it('modeSpectra', () => expect(fuzzArguments('modeSpectra', modeSpectra, [X()], SHAPE)).toEqual([]));
  it('solveTuckerPacking', () =>
    // the modes' spectra may have different lengths (ragged is valid); options are optional
    expect(fuzzArguments('solveTuckerPacking', solveTuckerPacking, [spectra, BUDGET, { epsilon: 0.1, maxLabels: 100 }], { optionalFrom: 2, accept: ['arg0=[[1, 2], [3]]'] })).toEqual([]));
  it('tuckerParameterCount', () => expect(fuzzArguments('tuckerParameterCount', tuckerParameterCount, [[2, 3, 2], [1, 2, 1]], { kinds: countEntries('arg0[0]', 'arg0[2]', 'arg1[0]', 'arg1[2]') })).toEqual([]));
  // A budget of Infinity is documented: above every shape's cost (the full shape).
  it('uniformCoreShape', () => expect(fuzzArguments('uniformCoreShape', uniformCoreShape, [[2, 3, 2], BUDGET], { accept: ['arg1=Infinity'], kinds: countEntries('arg0[0]', 'arg0[2]') })).toEqual([]));
  // the same for selectCoreShape, whose options are optional; HOOI's tolerance may be Infinity (see hooi)
  const select = { ...SHAPE, optionalFrom: 2, accept: ['arg1=Infinity', 'arg2.hooi.tol=Infinity'] };
  it('selectCoreShape (dp)', () =>
    expect(fuzzArguments('selectCoreShape', selectCoreShape, [X(), BUDGET, { ...common, method: 'dp', epsilon: 0.1, maxLabels: 100 }], select)).toEqual([]));
  it('selectCoreShape (hosvd)', () => expect(fuzzArguments('selectCoreShape', selectCoreShape, [X(), BUDGET, { ...common, method: 'hosvd' }], select)).toEqual([]));
  it('selectCoreShape (greedy)', () => expect(fuzzArguments('selectCoreShape', selectCoreShape, [X(), BUDGET, { ...common, method: 'greedy' }], select)).toEqual([]));
  it('selectCoreShape (bruteForce)', () =>
    expect(fuzzArguments('selectCoreShape', selectCoreShape, [X(), BUDGET, { ...common, method: 'bruteForce', maxShapes: 50 }], select)).toEqual([]));
});
