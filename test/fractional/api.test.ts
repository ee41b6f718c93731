/** The bad-input sweep (test/fuzz.ts) over the fractional family's public API. */
import { beforeAll, describe, expect, it } from 'vitest';
import { fractionalCD, fractionalDinkelbach, fractionalSubproblem1D, init, sparseFisherProblem } from '../../bindings/index.js';
import { fuzzArguments } from '../fuzz.js';

beforeAll(() => init());

const problem = () => ({ A: { data: [2, 0.5, 0.5, 1], rows: 2, cols: 2 }, b: [0.1, -0.1], c: 1, lambda: 0.1, e: [1, 1], f: 0.5 });
// c, f, λ and the coefficients are reals (given as integers here); shapes are counts
const REALS = { 'arg0.c': 'real', 'arg0.f': 'real', 'arg0.lambda': 'real', 'arg0.A.rows': 'count', 'arg0.A.cols': 'count' } as const;

describe('fractional: every bad argument gives a typed error, no leak, module usable', () => {
  it('fractionalSubproblem1D', () => expect(fuzzArguments('fractionalSubproblem1D', fractionalSubproblem1D, [{ a: 1.5, b: -0.5, c: 2.5, x: 0.5, lambda: 0.5, d2: -0.5, d1: 0.5, d0: 1.5, lower: -2.5, upper: 2.5 }], {
    // a huge or infinite interval end is valid (an unbounded line); any finite real is a valid coefficient
    accept: ['arg0.lower=-Infinity', 'arg0.upper=Infinity', 'arg0.lower=-1', 'arg0.upper=1e12', 'arg0.upper=2^29 + 1'],
  })).toEqual([]));
  it('fractionalCD', () => expect(fuzzArguments('fractionalCD', fractionalCD, [problem(), { x0: [1, 1], order: 'random', proximal: 0.5, tol: 1e-9, maxIter: 3, seed: 1, onProgress: () => true, signal: new AbortController().signal }], {
    optionalFrom: 1, kinds: { ...REALS, 'arg1.tol': 'real' },
    accept: ['arg1.seed=a bigint', 'arg1.tol=1e12', 'arg1.tol=2^29 + 1', 'arg1.proximal=1e12', 'arg1.proximal=2^29 + 1'], skip: ['arg1.maxIter=1e12', 'arg1.maxIter=2^29 + 1'],
  })).toEqual([]));
  it('fractionalDinkelbach', () => expect(fuzzArguments('fractionalDinkelbach', fractionalDinkelbach, [problem(), { x0: [1, 1], tol: 1e-9, maxIter: 3, innerMaxIter: 50, innerTol: 1e-9 }], {
    optionalFrom: 1, kinds: { ...REALS, 'arg1.tol': 'real', 'arg1.innerTol': 'real' },
    accept: ['arg1.tol=1e12', 'arg1.tol=2^29 + 1', 'arg1.innerTol=1e12', 'arg1.innerTol=2^29 + 1'], skip: ['arg1.maxIter=1e12', 'arg1.maxIter=2^29 + 1', 'arg1.innerMaxIter=1e12', 'arg1.innerMaxIter=2^29 + 1'],
  })).toEqual([]));
  it('sparseFisherProblem', () => expect(fuzzArguments('sparseFisherProblem', sparseFisherProblem, [[[1, 0.5], [-0.3, 1], [0.2, -0.7], [1.1, 0.1]], [0, 1, 0, 1], 0.1], {
    same: (a, b) => expect(b).toEqual(a),
  })).toEqual([]));
});
