/**
 * The test portfolio of cvarQp's tests, shared with bench/cvar/qp-vs-lifted.ts (seeded by test/helpers.ts).
 */
import { randomVector, uniforms } from '../helpers.js';

/**
 * A long-only portfolio with a budget: m return scenarios of n assets whose mean and spread both grow
 * with the asset index (A = −R, the losses), P = γ·(sample covariance + 0.01 I), q = −mean return.
 */
export function portfolio(seed: number, n: number, m: number, gamma = 1) {
  const noise = randomVector(seed, m * n);
  const u = uniforms(seed + 1000);
  const R = new Float64Array(m * n);
  const market = randomVector(seed + 1, m, 0.02);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) R[i * n + j] = 0.01 + 0.04 * (j / n) + market[i]! + (0.02 + 0.1 * (j / n) * (0.5 + u())) * noise[i * n + j]!;
  const mean = new Float64Array(n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) mean[j]! += R[i * n + j]! / m;
  const P = new Float64Array(n * n);
  for (let i = 0; i < m; i++) for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) P[a * n + b]! += (gamma * (R[i * n + a]! - mean[a]!) * (R[i * n + b]! - mean[b]!)) / m;
  for (let a = 0; a < n; a++) P[a * n + a]! += 0.01 * gamma;
  const A = R.map((v) => -v);
  const q = mean.map((v) => -v);
  // budget row Σx = 1, then x ≥ 0
  const p = n + 1;
  const B = new Float64Array(p * n);
  for (let j = 0; j < n; j++) { B[j] = 1; B[(j + 1) * n + j] = 1; }
  const l = new Float64Array(p);
  l[0] = 1;
  const uB = new Float64Array(p).fill(Infinity);
  uB[0] = 1;
  return { n, m, P, q, A, B, p, l, u: uB };
}
