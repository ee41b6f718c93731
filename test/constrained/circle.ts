// The circle problem shared by the constrained tests and scripts/constrained-circle-experiment.ts.
import { rng, type EqualityConstrainedProblem } from '../../bindings/index.js';

/** min ‖x − p‖² s.t. Σx = 1, ‖x‖² = 1 in ℝⁿ with p ~ N(0, I) seeded, its closed-form solution and the start 1/n + 0.5e₁. */
export function circleProblem(n: number, seed: number): { problem: EqualityConstrainedProblem; truth: number[]; x0: Float64Array } {
  const t = rng(seed).normal(n);
  const problem: EqualityConstrainedProblem = {
    dimension: n, constraints: 2,
    objective: (x) => { let s = 0; for (let i = 0; i < n; i++) s += (x[i]! - t[i]!) ** 2; return s; },
    gradient: (x, g) => { for (let i = 0; i < n; i++) g[i] = 2 * (x[i]! - t[i]!); },
    hessian: (_x, H) => { H.fill(0); for (let i = 0; i < n; i++) H[i * n + i] = 2; },
    constraint: (x, c) => { let s = 0, q = 0; for (let i = 0; i < n; i++) { s += x[i]!; q += x[i]! ** 2; } c[0] = s - 1; c[1] = q - 1; },
    jacobian: (x, J) => { for (let i = 0; i < n; i++) { J[i] = 1; J[n + i] = 2 * x[i]!; } },
    constraintHessian: (_x, l, H) => { H.fill(0); for (let i = 0; i < n; i++) H[i * n + i] = 2 * l[1]!; },
  };
  // the centre 1/n plus the radius √(1 − 1/n) along p's component in {Σx = 0}
  const mean = t.reduce((a, b) => a + b, 0) / n;
  const norm = Math.sqrt(t.reduce((a, v) => a + (v - mean) ** 2, 0));
  const truth = Array.from(t, (v) => 1 / n + (Math.sqrt(1 - 1 / n) * (v - mean)) / norm);
  const x0 = new Float64Array(n).fill(1 / n);
  x0[0] = x0[0]! + 0.5;
  return { problem, truth, x0 };
}
