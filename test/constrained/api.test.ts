/** The bad-input sweep (test/fuzz.ts) over the constrained family's public API. */
import { beforeAll, describe, expect, it } from 'vitest';
import { constrainedLogisticProblem, exactAugmentedLagrangian, init, sketchFlopsPerIteration, sketchSolve } from '../../bindings/index.js';
import { fuzzArguments } from '../fuzz.js';

type Problem = ReturnType<typeof constrainedLogisticProblem>;
type Result = ReturnType<typeof exactAugmentedLagrangian>;

beforeAll(() => init());

const X = [[1, 0.5], [-0.3, 1], [0.2, -0.7], [1.1, 0.1], [-1, -0.4], [0.6, 0.9]];
const y = [1, 0, 0, 1, 0, 1];

describe('constrained: every bad argument gives a typed error, no leak, module usable', () => {
  it('sketchSolve', () => expect(fuzzArguments('sketchSolve', sketchSolve, [[2, 1, 1, 3], [1, 2], { sketch: 'rows', sketchSize: 1, tol: 1e-6, maxIter: 50, x0: [0, 0], seed: 1 }], {
    optionalFrom: 2,
    // tol is a real (a huge tol stops at once); a huge maxIter only runs long, a bigint seed is valid
    kinds: { 'arg2.tol': 'real' }, accept: ['arg2.seed=a bigint', 'arg2.tol=1e12', 'arg2.tol=2^29 + 1'], skip: ['arg2.maxIter=1e12', 'arg2.maxIter=2^29 + 1'],
  })).toEqual([]));
  it('sketchFlopsPerIteration', () => expect(fuzzArguments('sketchFlopsPerIteration', sketchFlopsPerIteration, ['count', 10, 3], { skip: ['arg0', 'arg1', 'arg2'] })).toEqual([]));
  it('constrainedLogisticProblem', () => expect(fuzzArguments('constrainedLogisticProblem', constrainedLogisticProblem, [X, y, { linear: { A: [[1, 1]], b: [0] }, sphere: 1 }], {
    optionalFrom: 2, kinds: { 'arg2.sphere': 'real' }, accept: ['arg2.sphere=1e12', 'arg2.sphere=2^29 + 1'],
    // the result is a set of closures: compare what they compute
    same: (a, b) => expect((b as Problem).objective(Float64Array.of(0.3, -0.2, 0.1))).toBe((a as Problem).objective(Float64Array.of(0.3, -0.2, 0.1))),
  })).toEqual([]));
  it('exactAugmentedLagrangian', () => {
    const problem = constrainedLogisticProblem(X, y, { sphere: 1 });
    expect(fuzzArguments('exactAugmentedLagrangian', (p: unknown, o: unknown) => exactAugmentedLagrangian(p as never, o as never), [problem, {
      x0: [1, 0, 0], lambda0: [0.1], solver: 'exact', sketch: 'count', sketchSize: 2, tol: 1e-6, maxIter: 3, maxInnerIter: 100, theta: 0.1, mu: 10, nu: 0.1, seed: 1,
      onProgress: () => true, signal: new AbortController().signal,
    }], {
      optionalFrom: 1,
      // the problem object's callbacks are the user's code: swept only for its counts
      skip: ['arg0.objective', 'arg0.gradient', 'arg0.hessian', 'arg0.constraint', 'arg0.jacobian', 'arg0.constraintHessian', 'arg1.maxIter=1e12', 'arg1.maxIter=2^29 + 1', 'arg1.maxInnerIter=1e12', 'arg1.maxInnerIter=2^29 + 1'],
      kinds: { 'arg1.tol': 'real', 'arg1.mu': 'real', 'arg1.nu': 'real' },
      accept: ['arg1.seed=a bigint', 'arg1.tol=1e12', 'arg1.tol=2^29 + 1', 'arg1.mu=1e12', 'arg1.mu=2^29 + 1', 'arg1.nu=1e12', 'arg1.nu=2^29 + 1'],
      // the history carries wall-clock times: compare the iterates
      same: (a, b) => expect((b as Result).x).toEqual((a as Result).x),
    })).toEqual([]);
  });
});
