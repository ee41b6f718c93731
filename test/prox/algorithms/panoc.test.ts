/**
 * panoc against fista and an independent coordinate descent: the LASSO on diabetes (convex) and an
 * L0-regularised least squares (nonconvex), counting gradient evaluations of both through one wrapper.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ParameterError, fista, init, leastSquares, normL0, normL1, panoc, type SmoothFunction } from '../../../bindings/index.js';
import { randomVector } from '../../helpers.js';
import { expectErrors } from '../check.js';
import { diabetesProblem, lassoCoordinateDescentRef, lassoObjectiveRef } from './reference.js';

beforeAll(() => init());

/** ½‖Ax − b‖² through plain callbacks that count gradient calls (the same cost for both solvers). */
function counted(A: Float64Array, b: Float64Array, m: number, n: number): SmoothFunction & { calls: number } {
  const ls = leastSquares({ data: A, rows: m, cols: n }, b);
  const f = {
    calls: 0,
    dimension: n,
    lipschitz: ls.lipschitz,
    value: (x: Float64Array) => ls.value(x),
    gradient: (x: Float64Array, out: Float64Array) => {
      f.calls++;
      return ls.gradient(x, out);
    },
  };
  return f;
}

describe('panoc', () => {
  const P = diabetesProblem();
  for (const divisor of [10, 100]) {
    it(`LASSO on diabetes, λ = λmax/${divisor}: reaches the coordinate-descent and FISTA solution in fewer gradients`, () => {
      const lambda = P.lambdaMax / divisor;
      const cd = lassoCoordinateDescentRef(P.X, P.y, P.n, lambda);
      const pCd = lassoObjectiveRef(P.X, P.y, cd, lambda);
      const fP = counted(P.X, P.y, P.m, P.n);
      const rp = panoc(fP, normL1(lambda), { tol: 1e-8 });
      const fF = counted(P.X, P.y, P.m, P.n);
      const rf = fista(fF, normL1(lambda), { tol: 1e-8 });
      expect(rp.converged).toBe(true);
      expect(rf.converged).toBe(true);
      expect(rp.gradientEvaluations).toBe(fP.calls);
      expect(Math.abs(lassoObjectiveRef(P.X, P.y, rp.x, lambda) - pCd)).toBeLessThanOrEqual(1e-10 * pCd);
      for (let j = 0; j < P.n; j++) {
        expect(Math.abs(rp.x[j]! - cd[j]!)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(cd[j]!)));
        expect(Math.abs(rp.x[j]! - rf.x[j]!)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(cd[j]!)));
        expect(rp.x[j] === 0).toBe(cd[j] === 0);
      }
      expect(fP.calls).toBeLessThan(fF.calls);
    });
  }

  it('L0-regularised least squares: the same critical point as FISTA from the same start, in fewer gradients', () => {
    const [m, n] = [80, 40];
    const A = randomVector(7, m * n);
    const truth = new Float64Array(n);
    for (const [j, v] of [[3, 2], [11, -1.5], [20, 1], [33, -2.5]] as const) truth[j] = v;
    const b = new Float64Array(m);
    const noise = randomVector(8, m, 0.05);
    for (let i = 0; i < m; i++) {
      let s = noise[i]!;
      for (let j = 0; j < n; j++) s += A[i * n + j]! * truth[j]!;
      b[i] = s;
    }
    const lambda = 0.5;
    const fP = counted(A, b, m, n);
    const rp = panoc(fP, normL0(lambda), { tol: 1e-9 });
    const fF = counted(A, b, m, n);
    const rf = fista(fF, normL0(lambda), { tol: 1e-9, restart: 'function' });
    expect(rp.converged).toBe(true);
    expect(rf.converged).toBe(true);
    for (let j = 0; j < n; j++) {
      expect(rp.x[j] === 0).toBe(truth[j] === 0); // the support of the planted solution
      expect(Math.abs(rp.x[j]! - rf.x[j]!)).toBeLessThan(1e-8);
    }
    expect(Math.abs(rp.objective - rf.objective)).toBeLessThan(1e-9 * rf.objective);
    expect(fP.calls).toBeLessThan(fF.calls);
  });

  it('validates its options', () => {
    const f = leastSquares([[1, 0], [0, 1]], [1, 2]);
    expectErrors([
      [() => panoc(f, normL1(1), { memory: 0 }), ParameterError, 'panoc: options.memory must be an integer >= 1 (got 0)'],
      [() => panoc(f, normL1(1), { bogus: 1 } as never), ParameterError, 'panoc: options.bogus is not a known option; known: maxIter, tol, onProgress, signal, historyLength, x0, lipschitz, memory'],
    ]);
  });
});
