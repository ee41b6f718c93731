/**
 * The constrained family: the sketching kernels and the logistic kernel against plain TS, the sketched
 * linear solver against an exact solve, and the exact-augmented-Lagrangian Newton method against closed
 * forms and, on breast cancer, against KKT conditions computed here in plain TS.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ParameterError, constrainedLogisticProblem, exactAugmentedLagrangian, init, sketchSolve, type EqualityConstrainedProblem,
} from '../../bindings/index.js';
import { logisticKernel, sketchCount, sketchDense } from '../../bindings/constrained/kernels.js';
import { breastCancer, standardize } from '../../bindings/cvar/data.js';
import { randomVector } from '../helpers.js';
import { circleProblem } from './circle.js';

beforeAll(() => init());

describe('constrained kernels', () => {
  it('sketchDense = S·K and sketchCount = the signed bucket sums of K\'s rows', () => {
    const N = 13;
    const s = 4;
    const K = randomVector(1, N * N);
    const S = randomVector(2, s * N);
    const out = sketchDense('t', S, s, K, N);
    for (let r = 0; r < s; r++) {
      for (let j = 0; j < N; j++) {
        let t = 0;
        for (let i = 0; i < N; i++) t += S[r * N + i]! * K[i * N + j]!;
        expect(out[r * N + j]).toBeCloseTo(t, 12);
      }
    }
    const bucket = Int32Array.from({ length: N }, (_, i) => (i * 7) % s);
    const sign = Float64Array.from({ length: N }, (_, i) => (i % 3 === 0 ? -1 : 1));
    const cs = sketchCount('t', bucket, sign, s, K, N);
    for (let r = 0; r < s; r++) {
      for (let j = 0; j < N; j++) {
        let t = 0;
        for (let i = 0; i < N; i++) if (bucket[i] === r) t += sign[i]! * K[i * N + j]!;
        expect(cs[r * N + j]).toBeCloseTo(t, 12);
      }
    }
  });

  it('logistic loss, gradient and Hessian match plain TS and central differences', () => {
    const n = 40;
    const d = 5;
    const X = randomVector(3, n * d);
    const y = Float64Array.from({ length: n }, (_, i) => (i % 3 === 0 ? -1 : 1));
    const w = randomVector(4, d + 1, 0.7);
    const plain = (v: Float64Array) => {
      let s = 0;
      for (let i = 0; i < n; i++) {
        let t = v[d]!;
        for (let j = 0; j < d; j++) t += X[i * d + j]! * v[j]!;
        s += Math.log(1 + Math.exp(-y[i]! * t));
      }
      return s / n;
    };
    const g = new Float64Array(d + 1);
    const H = new Float64Array((d + 1) ** 2);
    expect(logisticKernel('t', X, n, d, y, w, g, H)).toBeCloseTo(plain(w), 12);
    const h = 1e-5;
    for (let j = 0; j <= d; j++) {
      const p = w.slice();
      const q = w.slice();
      p[j] = p[j]! + h;
      q[j] = q[j]! - h;
      expect(g[j]).toBeCloseTo((plain(p) - plain(q)) / (2 * h), 8);
      const gp = new Float64Array(d + 1);
      const gq = new Float64Array(d + 1);
      logisticKernel('t', X, n, d, y, p, gp);
      logisticKernel('t', X, n, d, y, q, gq);
      for (let k = 0; k <= d; k++) expect(H[k * (d + 1) + j]).toBeCloseTo((gp[k]! - gq[k]!) / (2 * h), 7);
    }
  });
});

/** A KKT matrix [[H, Jᵀ], [J, 0]] with H = I + GGᵀ/N and a random J (m rows). */
function kktSystem(n: number, m: number, seed: number): { K: Float64Array; N: number } {
  const N = n + m;
  const G = randomVector(seed, n * n);
  const J = randomVector(seed + 1, m * n);
  const K = new Float64Array(N * N);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let t = i === j ? 1 : 0;
      for (let k = 0; k < n; k++) t += (G[i * n + k]! * G[j * n + k]!) / n;
      K[i * N + j] = t;
    }
    for (let p = 0; p < m; p++) {
      K[i * N + n + p] = J[p * n + i]!;
      K[(n + p) * N + i] = J[p * n + i]!;
    }
  }
  return { K, N };
}

describe('sketchSolve', () => {
  it('solves an indefinite KKT system to the tolerance with every sketch (residual checked here)', () => {
    const { K, N } = kktSystem(20, 4, 7);
    const b = randomVector(9, N);
    for (const sketch of ['gaussian', 'count', 'rows'] as const) {
      const r = sketchSolve(K, b, { sketch, sketchSize: 6, tol: 1e-10, seed: 3 });
      expect(r.converged).toBe(true);
      let res = 0;
      let bn = 0;
      for (let i = 0; i < N; i++) {
        let t = -b[i]!;
        for (let j = 0; j < N; j++) t += K[i * N + j]! * r.x[j]!;
        res += t * t;
        bn += b[i]! ** 2;
      }
      expect(Math.sqrt(res / bn)).toBeLessThanOrEqual(1e-10);
      expect(r.flops).toBeGreaterThan(0);
    }
  });
  it('a larger sketch needs fewer iterations (Gaussian, same seed)', () => {
    const { K, N } = kktSystem(30, 3, 11);
    const b = randomVector(12, N);
    const small = sketchSolve(K, b, { sketchSize: 3, tol: 1e-6, seed: 1 }).iterations;
    const large = sketchSolve(K, b, { sketchSize: 20, tol: 1e-6, seed: 1 }).iterations;
    expect(large).toBeLessThan(small);
  });
  it('refuses a wrong shape and a sketch larger than the system', () => {
    expect(() => sketchSolve([1, 2, 3], [1, 2])).toThrow(/sketchSolve: K must be N × N/);
    expect(() => sketchSolve([1, 0, 0, 1], [1, 2], { sketchSize: 3 })).toThrow(ParameterError);
  });
});

/** min ½‖x − a‖² subject to 1ᵀx = 0 and ‖x‖² = 1: x* = (a − mean a)/‖a − mean a‖. */
function projectionProblem(a: Float64Array): EqualityConstrainedProblem {
  const n = a.length;
  return {
    dimension: n,
    constraints: 2,
    objective: (x) => 0.5 * x.reduce((s, v, i) => s + (v - a[i]!) ** 2, 0),
    gradient: (x, out) => x.forEach((v, i) => (out[i] = v - a[i]!)),
    hessian: (_x, out) => {
      out.fill(0);
      for (let i = 0; i < n; i++) out[i * n + i] = 1;
    },
    constraint: (x, out) => {
      out[0] = x.reduce((s, v) => s + v, 0);
      out[1] = x.reduce((s, v) => s + v * v, 0) - 1;
    },
    jacobian: (x, out) => {
      for (let i = 0; i < n; i++) {
        out[i] = 1;
        out[n + i] = 2 * x[i]!;
      }
    },
    constraintHessian: (_x, lambda, out) => {
      out.fill(0);
      for (let i = 0; i < n; i++) out[i * n + i] = 2 * lambda[1]!;
    },
  };
}

describe('exactAugmentedLagrangian', () => {
  it('projection onto {1ᵀx = 0, ‖x‖ = 1}: the closed form, with exact and sketched solves', () => {
    const a = randomVector(5, 12, 2);
    const mean = a.reduce((s, v) => s + v, 0) / a.length;
    const c = a.map((v) => v - mean);
    const nc = Math.sqrt(c.reduce((s, v) => s + v * v, 0));
    const x0 = new Float64Array(12);
    x0[0] = Math.SQRT1_2;
    x0[1] = -Math.SQRT1_2;
    for (const solver of ['exact', 'sketch'] as const) {
      const r = exactAugmentedLagrangian(projectionProblem(a), { solver, x0, seed: 2 });
      expect(r.converged).toBe(true);
      for (let i = 0; i < 12; i++) expect(r.x[i]).toBeCloseTo(c[i]! / nc, 8);
      // multipliers: x − a + λ₀·1 + 2λ₁x = 0 ⇒ λ₁ = (‖a − mean a‖ − 1)/2, λ₀ = mean a
      expect(r.lambda[1]).toBeCloseTo((nc - 1) / 2, 7);
      expect(r.lambda[0]).toBeCloseTo(mean, 7);
    }
  });

  it('the circle in ℝ³⁰ with every sketch: the closed form to 1e-9, within 20 Newton steps and 10 000 inner iterations in all (seeds 1, 2)', () => {
    // Before the equilibrated solves and the finer shift ladder, the Gaussian sketch took 200 000 inner
    // iterations in one step of seed 1 (15.7 s) and 30 000 per late step; measured now: at most 5 146 in all
    for (const seed of [1, 2]) {
      const { problem, truth, x0 } = circleProblem(30, seed);
      for (const sketch of ['gaussian', 'count', 'rows'] as const) {
        const r = exactAugmentedLagrangian(problem, { x0, sketch, tol: 1e-10, seed });
        const inner = r.history.reduce((s, h) => s + h.innerIterations, 0);
        expect(r.converged, `${sketch} ${seed}`).toBe(true);
        expect(r.iterations, `${sketch} ${seed}`).toBeLessThanOrEqual(20);
        expect(inner, `${sketch} ${seed}`).toBeLessThan(10_000);
        for (let i = 0; i < 30; i++) expect(Math.abs(r.x[i]! - truth[i]!), `${sketch} ${seed}`).toBeLessThan(1e-9);
      }
    }
  });

  it('the circle in ℝ⁵, seed 1: a start where raising ν with μ found no descent direction now converges (exact and sketched)', () => {
    const { problem, truth, x0 } = circleProblem(5, 1);
    for (const solver of ['exact', 'sketch'] as const) {
      const r = exactAugmentedLagrangian(problem, { x0, solver, sketch: 'rows', tol: 1e-10, seed: 1, maxInnerIter: 20_000 });
      expect(r.converged, solver).toBe(true);
      for (let i = 0; i < 5; i++) expect(Math.abs(r.x[i]! - truth[i]!), solver).toBeLessThan(1e-9);
    }
  });

  it('nearest point of a circle {1ᵀx = 1, ‖x‖ = 1} to (1, 2, 0) from a start where ∇²L = 0 (the reduced Hessian is singular)', () => {
    // at x0 = (1, 0, 0) the least-squares multipliers are (2, −1), so ∇²L = (2 + 2λ₂)I = 0: the Newton
    // matrix needs a shift, and a tiny one gives steps of 1/δ that the line search must cut to nothing
    const problem: EqualityConstrainedProblem = {
      dimension: 3, constraints: 2,
      objective: (x) => (x[0]! - 1) ** 2 + (x[1]! - 2) ** 2 + x[2]! ** 2,
      gradient: (x, g) => { g[0] = 2 * (x[0]! - 1); g[1] = 2 * (x[1]! - 2); g[2] = 2 * x[2]!; },
      hessian: (_x, H) => { H.fill(0); H[0] = H[4] = H[8] = 2; },
      constraint: (x, c) => { c[0] = x[0]! + x[1]! + x[2]! - 1; c[1] = x[0]! ** 2 + x[1]! ** 2 + x[2]! ** 2 - 1; },
      jacobian: (x, J) => { J[0] = J[1] = J[2] = 1; J[3] = 2 * x[0]!; J[4] = 2 * x[1]!; J[5] = 2 * x[2]!; },
      constraintHessian: (_x, l, H) => { H.fill(0); H[0] = H[4] = H[8] = 2 * l[1]!; },
    };
    // closed form: the circle's centre (1/3)(1, 1, 1), radius √(2/3), towards the projection (0, 1, −1) of (1, 2, 0) − centre
    const r = Math.sqrt(2 / 3) / Math.SQRT2;
    const want = [1 / 3, 1 / 3 + r, 1 / 3 - r];
    for (const solver of ['exact', 'sketch'] as const) {
      const out = exactAugmentedLagrangian(problem, { x0: [1, 0, 0], solver, tol: 1e-10, maxIter: 40, maxInnerIter: 5000 });
      expect(out.converged, solver).toBe(true);
      for (let i = 0; i < 3; i++) expect(Math.abs(out.x[i]! - want[i]!), solver).toBeLessThan(1e-8);
    }
  });

  describe('constrained logistic regression on breast cancer (1ᵀw = 0 and ‖w‖² = 1)', () => {
    const { X, y } = breastCancer();
    const S = standardize(X);
    const d = 30;
    const x0 = new Float64Array(d + 1);
    x0[0] = Math.SQRT1_2;
    x0[1] = -Math.SQRT1_2;
    type Run = ReturnType<typeof exactAugmentedLagrangian>;
    const runs = {} as Record<'exact' | 'gaussian' | 'count' | 'rows', Run>;
    beforeAll(async () => {
      await init();
      const problem = constrainedLogisticProblem(S, y, { linear: { A: [new Array(d).fill(1)], b: [0] }, sphere: 1 });
      runs.exact = exactAugmentedLagrangian(problem, { solver: 'exact', x0 });
      for (const sketch of ['gaussian', 'count', 'rows'] as const) runs[sketch] = exactAugmentedLagrangian(problem, { sketch, x0, seed: 1 });
    });

    /** ‖∇f + Jᵀλ‖ and ‖c‖ computed here from the data in plain TS. */
    function kktHere(x: Float64Array, lambda: Float64Array): number {
      const n = S.rows;
      const g = new Float64Array(d + 1);
      for (let i = 0; i < n; i++) {
        const yi = y[i] === 0 ? -1 : 1;
        let t = x[d]!;
        for (let j = 0; j < d; j++) t += S.data[i * d + j]! * x[j]!;
        const sgm = 1 / (1 + Math.exp(yi * t));
        for (let j = 0; j < d; j++) g[j] = g[j]! - (yi * sgm * S.data[i * d + j]!) / n;
        g[d] = g[d]! - (yi * sgm) / n;
      }
      let sum = 0;
      let sq = 0;
      for (let j = 0; j < d; j++) {
        g[j] = g[j]! + lambda[0]! + 2 * lambda[1]! * x[j]!;
        sum += x[j]!;
        sq += x[j]! ** 2;
      }
      return Math.hypot(Math.hypot(...g), sum, sq - 1);
    }

    it('every solver reaches a KKT residual ≤ 1e-8 (re-checked in plain TS)', () => {
      for (const r of Object.values(runs)) {
        expect(r.converged).toBe(true);
        expect(r.kktResidual).toBeLessThanOrEqual(1e-8);
        expect(kktHere(r.x, r.lambda)).toBeLessThan(2e-8);
      }
    });
    it('sketched and exact Newton solves reach the same solution to 1e-6', () => {
      for (const r of [runs.gaussian, runs.count, runs.rows]) {
        for (let j = 0; j <= d; j++) expect(Math.abs(r.x[j]! - runs.exact.x[j]!)).toBeLessThan(1e-6);
      }
    });
    it('local superlinear convergence: unit steps and a shrinking ratio r_{k+1}/r_k over the last iterations', () => {
      for (const r of Object.values(runs)) {
        const h = r.history;
        const last = h.slice(-4);
        for (const step of last) expect(step.stepSize).toBe(1);
        const ratios = last.slice(1).map((s, i) => s.kktResidual / last[i]!.kktResidual);
        expect(ratios[2]!).toBeLessThan(ratios[0]!);
        expect(ratios[2]!).toBeLessThan(0.05);
      }
    });
    it('the sketched solve asks for more accuracy as the residual shrinks', () => {
      const acc = runs.gaussian.history.slice(1).map((s) => s.accuracy);
      expect(acc.at(-1)!).toBeLessThan(acc[0]!);
      expect(acc.at(-1)!).toBeLessThan(1e-2);
    });
  });

  it('validates the problem and options', () => {
    const a = randomVector(5, 4);
    expect(() => exactAugmentedLagrangian({ ...projectionProblem(a), dimension: 2 })).toThrow(/problem.constraints must be less than/);
    expect(() => exactAugmentedLagrangian(projectionProblem(a), { solver: 'lu' as never })).toThrow(ParameterError);
    expect(() => exactAugmentedLagrangian(projectionProblem(a), { x0: [1, 2] })).toThrow(/options.x0 must have length 4/);
    expect(() => exactAugmentedLagrangian({ ...projectionProblem(a), objective: () => NaN })).toThrow(/problem.objective returned a non-finite value/);
  });
});
