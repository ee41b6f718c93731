/** The bad-input sweep (test/fuzz.ts) over the OT family's public API. */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ParameterError, barycenter, classBasedOt, classPurity, convolutionalBarycenter, costMatrix, emd, emd2, init, sinkhorn, sinkhorn2,
  sinkhornBatch, sinkhornUnbalanced, slicedWasserstein, slicedWassersteinDetails, wasserstein1d, wassersteinCpDictionary,
} from '../../bindings/index.js';
import { countEntries, fuzzArguments } from '../fuzz.js';

beforeAll(() => init());

const a = [0.5, 0.5];
const b = [0.25, 0.75];
const M = [0, 1, 1, 0];
const Mobj = () => ({ data: [0, 1, 1, 0], rows: 2, cols: 2 });
const signal = new AbortController().signal;
const onProgress = (): undefined => undefined;
/** tol = Infinity is a valid stopping tolerance: the run stops at its first check. */
const looseTol = (i: number): string => `arg${i}.tol=Infinity`;
/** A bigint seed is valid (seeds are integers in [0, 2^53) or bigints in [0, 2^64)). */
const bigSeed = (i: number): string => `arg${i}.seed=a bigint`;

describe('ot: every bad argument gives a typed error, no leak, module usable', () => {
  it('sinkhorn (each method, f32)', () => {
    const base = { reg: 0.5, maxIter: 50, tol: 1e-6, checkEvery: 5, onProgress, signal };
    // epsilonScaling (a factor > 1) and tau (a threshold) are reals
    const o = { accept: [looseTol(3)], kinds: { 'arg3.epsilonScaling': 'real', 'arg3.tau': 'real' } as const };
    expect(fuzzArguments('sinkhorn', sinkhorn, [a, b, Mobj(), { ...base, method: 'sinkhorn' }], o)).toEqual([]);
    expect(fuzzArguments('sinkhorn', sinkhorn, [a, b, M, { ...base, method: 'log', epsilonScaling: 10 }], o)).toEqual([]);
    expect(fuzzArguments('sinkhorn', sinkhorn, [a, b, M, { ...base, method: 'stabilized', tau: 10 }], o)).toEqual([]);
    expect(fuzzArguments('sinkhorn', sinkhorn, [a, b, M, { ...base, method: 'sinkhorn', precision: 'f32' }], o)).toEqual([]);
  });

  it('sinkhorn2', () => {
    expect(fuzzArguments('sinkhorn2', sinkhorn2, [a, b, Mobj(), { reg: 0.5, method: 'log', maxIter: 50, tol: 1e-6 }], { accept: [looseTol(3)] })).toEqual([]);
  });

  it('sinkhornBatch (both methods)', () => {
    const as = [a, [0.3, 0.7]];
    const bs = [b, [0.6, 0.4]];
    const base = { reg: 0.5, maxIter: 50, tol: 1e-6, checkEvery: 5, onProgress, signal };
    const o = { accept: [looseTol(3)], kinds: { 'arg3.epsilonScaling': 'real' } as const };
    expect(fuzzArguments('sinkhornBatch', sinkhornBatch, [as, bs, Mobj(), { ...base, method: 'sinkhorn' }], o)).toEqual([]);
    expect(fuzzArguments('sinkhornBatch', sinkhornBatch, [as, bs, M, { ...base, method: 'log', epsilonScaling: 10 }], o)).toEqual([]);
    // An empty batch still checks M and the options.
    expect(fuzzArguments('sinkhornBatch', sinkhornBatch, [[], [], M, { ...base, method: 'log' }], o)).toEqual([]);
  });

  it('sinkhornUnbalanced', () => {
    const opts = { reg: 0.5, regM: 1, maxIter: 50, tol: 1e-6, onProgress, signal };
    // regM, the marginal relaxation, is a real > 0
    expect(fuzzArguments('sinkhornUnbalanced', sinkhornUnbalanced, [a, [0.3, 0.9], Mobj(), opts], { accept: [looseTol(3)], kinds: { 'arg3.regM': 'real' } })).toEqual([]);
  });

  it('costMatrix', () => {
    expect(fuzzArguments('costMatrix', costMatrix, [{ data: [0, 0, 1, 2], rows: 2, cols: 2 }, [1, 1, 0, 3, 2, 2], { metric: 'euclidean', dim: 2 }])).toEqual([]);
    expect(fuzzArguments('costMatrix', costMatrix, [[0, 1, 2], [0.5, 3]])).toEqual([]);
  });

  it('emd, emd2', () => {
    expect(fuzzArguments('emd', emd, [a, b, Mobj()])).toEqual([]);
    expect(fuzzArguments('emd2', emd2, [[0.2, 0.3, 0.5], b, [0, 1, 2, 1, 0, 3]])).toEqual([]);
  });

  it('wasserstein1d', () => {
    // the weights are optional (uniform), and p ≥ 1 is a real
    expect(fuzzArguments('wasserstein1d', wasserstein1d, [[0, 1, 2], [1, 2], [0.2, 0.3, 0.5], [0.5, 0.5], 2], { optionalFrom: 2, kinds: { arg4: 'real' } })).toEqual([]);
  });

  it('barycenter', () => {
    const opts = { reg: 0.5, weights: [0.5, 0.5], maxIter: 20, tol: 1e-6, onProgress, signal };
    expect(fuzzArguments('barycenter', barycenter, [[a, [0.2, 0.8]], Mobj(), { ...opts, method: 'log' }], { accept: [looseTol(2)] })).toEqual([]);
    expect(fuzzArguments('barycenter', barycenter, [{ data: [0.5, 0.2, 0.5, 0.8], rows: 2, cols: 2 }, M, { ...opts, method: 'sinkhorn' }], { accept: [looseTol(2)] })).toEqual([]);
  });

  it('wassersteinCpDictionary', () => {
    // history[].elapsed is a wall-clock time: compare everything else.
    const same = (x: unknown, y: unknown): void => {
      const strip = (r: any) => ({ ...r, history: r.history.map((h: any) => ({ ...h, elapsed: 0 })) });
      expect(strip(y)).toEqual(strip(x));
    };
    const X = [[0.1, 0.2, 0.3, 0.4], [0.4, 0.3, 0.2, 0.1]];
    const opts = { rank: 1, reg: 0.5, rho: 1, shape: [2, 2], M: { data: costMatrix([0, 1, 2, 3], [0, 1, 2, 3]), rows: 4, cols: 4 }, maxIter: 2, innerIter: 3, tol: 1e-6, seed: 1, onProgress, signal };
    const skip = [
      'arg1.maxIter=1e12', // valid: 1e12 sweeps to a stationarity tol the tiny problem need not reach, i.e. a legitimately endless run
      'arg1.innerIter=1e12', // valid: 1e12 FISTA steps per block, legitimately endless
    ];
    // rho, the proximal weight, is a real > 0
    // the grid shape's entries are sizes
    const o = { same, skip, accept: [looseTol(1), bigSeed(1)], kinds: { 'arg1.rho': 'real', ...countEntries('arg1.shape[0]', 'arg1.shape[1]') } as const };
    expect(fuzzArguments('wassersteinCpDictionary', wassersteinCpDictionary, [X, opts], o)).toEqual([]);
  });

  it('convolutionalBarycenter', () => {
    const images = [[0.25, 0.25, 0.25, 0.25], [0.1, 0.2, 0.3, 0.4]];
    const opts = { reg: 0.5, weights: [0.5, 0.5], maxIter: 20, tol: 1e-6, onProgress, signal };
    expect(fuzzArguments('convolutionalBarycenter', convolutionalBarycenter, [images, 2, 2, { ...opts, method: 'sinkhorn' }], { accept: [looseTol(3)] })).toEqual([]);
    expect(fuzzArguments('convolutionalBarycenter', convolutionalBarycenter, [images, 2, 2, { ...opts, method: 'log' }], { accept: [looseTol(3)] })).toEqual([]);
  });

  it('slicedWasserstein, slicedWassersteinDetails', () => {
    const X = { data: [0, 0, 1, 1, 2, 0], rows: 3, cols: 2 };
    const opts = { projections: 5, p: 2, seed: 1, weightsX: [0.2, 0.3, 0.5], weightsY: [0.5, 0.5], dim: 2 };
    // p ≥ 1 is a real
    expect(fuzzArguments('slicedWasserstein', slicedWasserstein, [X, [0, 1, 1, 0], opts], { accept: [bigSeed(2)], kinds: { 'arg2.p': 'real' } })).toEqual([]);
    expect(fuzzArguments('slicedWassersteinDetails', slicedWassersteinDetails, [[0, 0, 1, 1], X, { projections: 3, p: 1.5, seed: 2n, dim: 2 }], { accept: [bigSeed(2)] })).toEqual([]);
  });

  it('classBasedOt (both smoothings), classPurity', () => {
    const base = { reg: 0.5, eta: 0.1, maxIter: 50, tol: 1e-6, onProgress, signal };
    // class labels are counts (integers >= 0)
    const labels = countEntries('arg3[0]', 'arg3[1]');
    expect(fuzzArguments('classBasedOt', classBasedOt, [a, b, Mobj(), [0, 1], { ...base, smoothing: 'quadratic' }], { accept: [looseTol(4)], kinds: labels })).toEqual([]);
    expect(fuzzArguments('classBasedOt', classBasedOt, [a, b, M, [3, 3], { ...base, smoothing: 'entropic' }], { accept: [looseTol(4)], kinds: labels })).toEqual([]);
    expect(fuzzArguments('classPurity', classPurity, [[0.25, 0.25, 0.5, 0], 2, 2, [0, 1]], { kinds: labels })).toEqual([]);
  });

  // Values the sweep cannot flag because they used to be accepted silently.
  it('refuses what it used to ignore', () => {
    const cases: [() => unknown, string][] = [
      [() => sinkhornBatch([], [], M, null as never), 'sinkhornBatch: options must be an object with reg (got null)'],
      [() => sinkhornBatch([], [], 'x' as never, { reg: 1 }), 'sinkhornBatch: M must be a Float64Array, an array of numbers or an F64Buffer (got "x")'],
      [() => sinkhorn(a, b, M, { reg: 1, signal: true as never }), 'sinkhorn: options.signal must be an AbortSignal (got true)'],
      [() => barycenter([a], [0], { reg: 1, signal: {} as never }), 'barycenter: options.signal must be an AbortSignal (got Object)'],
      [() => wassersteinCpDictionary([a], { rank: 1, reg: 1, rho: null as never }), 'wassersteinCpDictionary: options.rho must be > 0 (got null)'],
      [() => wassersteinCpDictionary([a], { rank: 1, reg: 1, maxIter: null as never }), 'wassersteinCpDictionary: options.maxIter must be a positive integer (got null)'],
      [() => wassersteinCpDictionary([a], { rank: 1, reg: 1, seed: -1 }), 'wassersteinCpDictionary: options.seed must be an integer in [0, 2^53) or a bigint in [0, 2^64) (got -1)'],
    ];
    for (const [call, msg] of cases) {
      expect(call).toThrow(ParameterError);
      expect(call).toThrow(msg);
    }
  });
});
