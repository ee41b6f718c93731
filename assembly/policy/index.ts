// policy family kernels: the hot loop of the tabular preference game (a dense n×n mat-vec P·π, then a
// log-domain mirror step), with AssemblyScript's own exp/log so that seeded runs have the same bits in
// every engine. Iterates are kept as log-probabilities: with β = 0.01 the equilibrium's probabilities
// span e^±100, and a log-domain step never rounds a small probability to 0.

import { dot } from "../linalg/blas";

/** out[0..n) = P·v for a row-major n×n P (four f64x2 accumulators per row). */
export function policyMatVec(P: usize, n: i32, v: usize, out: usize): void {
  const row = <usize>n << 3;
  for (let i = 0; i < n; i++) store<f64>(out + (<usize>i << 3), dot(P + <usize>i * row, v, n));
}

/**
 * The log-domain mirror step z = a·logX + b·g + c·logMu, normalised: outLog = z − log Σ e^z and
 * outP = e^outLog. Every entry of logX, g, logMu is finite (the bindings check). The largest z is
 * subtracted before exp (no overflow; the largest term is exactly 1). outLog may alias logX.
 */
export function policyLogStep(logX: usize, g: usize, logMu: usize, n: i32, a: f64, b: f64, c: f64, outLog: usize, outP: usize): void {
  let zmax = -Infinity;
  for (let i = 0; i < n; i++) {
    const p = <usize>i << 3;
    const z = a * load<f64>(logX + p) + b * load<f64>(g + p) + c * load<f64>(logMu + p);
    store<f64>(outLog + p, z);
    if (z > zmax) zmax = z;
  }
  let sum = 0.0;
  for (let i = 0; i < n; i++) sum += Math.exp(load<f64>(outLog + (<usize>i << 3)) - zmax);
  const lse = zmax + Math.log(sum);
  for (let i = 0; i < n; i++) {
    const p = <usize>i << 3;
    const l = load<f64>(outLog + p) - lse;
    store<f64>(outLog + p, l);
    store<f64>(outP + p, Math.exp(l));
  }
}

/**
 * The certificate of the β-regularised symmetric preference game at the profile (π, π):
 * with g = P·π (computed here into g) and T(π) = softmax(logMu + g/β), returns ‖π − T(π)‖₁ and stores
 * in gapOut the exploitability 2β·(log Σ μᵢ e^{gᵢ/β} + KL(π‖μ)) − 1: the row player's best response
 * earns β·log Σ μᵢ e^{gᵢ/β} + β·KL(π‖μ) against π, the column player's 1 − β·log Σ μᵢ e^{gᵢ/β} − β·KL(π‖μ)
 * (using Pᵀπ = 1 − P·π when P + Pᵀ = 1 and π sums to 1); the difference is ≥ 0, 0 only at π⋆.
 */
export function policyCertificate(P: usize, n: i32, pi: usize, logMu: usize, beta: f64, g: usize, gapOut: usize): f64 {
  policyMatVec(P, n, pi, g);
  const inv = 1.0 / beta;
  let zmax = -Infinity;
  for (let i = 0; i < n; i++) {
    const p = <usize>i << 3;
    const z = load<f64>(logMu + p) + load<f64>(g + p) * inv;
    if (z > zmax) zmax = z;
  }
  let sum = 0.0;
  for (let i = 0; i < n; i++) {
    const p = <usize>i << 3;
    sum += Math.exp(load<f64>(logMu + p) + load<f64>(g + p) * inv - zmax);
  }
  const lse = zmax + Math.log(sum);
  let res = 0.0;
  let kl = 0.0;
  for (let i = 0; i < n; i++) {
    const p = <usize>i << 3;
    const x = load<f64>(pi + p);
    const t = Math.exp(load<f64>(logMu + p) + load<f64>(g + p) * inv - lse);
    res += Math.abs(x - t);
    if (x > 0) kl += x * (Math.log(x) - load<f64>(logMu + p));
  }
  store<f64>(gapOut, 2 * beta * (lse + kl) - 1);
  return res;
}

/** out[i] = log x[i] (AssemblyScript's log; x > 0, checked by the bindings). out may alias x. */
export function policyLog(x: usize, n: i32, out: usize): void {
  for (let i = 0; i < n; i++) {
    const p = <usize>i << 3;
    store<f64>(out + p, Math.log(load<f64>(x + p)));
  }
}
