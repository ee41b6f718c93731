/**
 * CVaR with scenario probabilities: the weighted VaR/CVaR and the projection onto a weighted CVaR
 * sublevel set, both in WASM (assembly/cvar/weighted.ts). Used by `cvar`, `valueAtRisk`,
 * `projectCvarSet` and `cvarQp` when they are given weights.
 *
 * For losses ℓ with probabilities p (pᵢ ≥ 0, Σp = 1) and tail mass α = 1 − β:
 *   CVaR_β(ℓ; p) = min_t t + (1/α)·Σ pᵢ(ℓᵢ − t)₊ = max{wᵀℓ : 0 ≤ wᵢ ≤ pᵢ/α, Σw = 1}.
 */
import { ParameterError, ShapeError, parameterError } from '../runtime/errors.js';
import { f64View, numbersOf, place, throwNonFinite, vectorLength, withScope, type VectorInput } from '../runtime/memory.js';

/**
 * Probabilities from scenario weights: length n, finite, ≥ 0 with a positive sum, normalised to sum 1.
 * Errors name `fn` and `name`.
 */
export function readWeights(fn: string, name: string, weights: unknown, n: number): Float64Array {
  const len = vectorLength(fn, name, weights);
  if (len !== n) throw new ShapeError(`${fn}: ${name} must have length ${n} (one weight per scenario) (got ${len})`);
  const w = numbersOf(fn, name, weights);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = w[i]!;
    if (!Number.isFinite(v)) throw parameterError(fn, `${name}[${i}]`, 'a finite number', v);
    if (v < 0) throw parameterError(fn, `${name}[${i}]`, '≥ 0', v);
    sum += v;
  }
  if (!(sum > 0) || !Number.isFinite(sum)) throw new ParameterError(`${fn}: ${name} must have a positive sum (got ${sum})`);
  for (let i = 0; i < n; i++) w[i]! /= sum;
  return w;
}

/** Probabilities from non-negative weights (normalised to sum 1), unchecked. */
export function normalizeWeights(weights: ArrayLike<number>): Float64Array {
  let s = 0;
  for (let i = 0; i < weights.length; i++) s += weights[i]!;
  return Float64Array.from(weights, (w) => w / s);
}

/**
 * Weighted VaR and CVaR of `losses` (finite, length n ≥ 1) with `probabilities` (already read by
 * {@link readWeights}) at level β: the VaR is the largest loss t whose upper tail {ℓ ≥ t} carries more
 * than 1 − β of the mass, the CVaR the mean of the worst 1 − β of the mass. Expected O(n) (weighted
 * quickselect). NonFiniteError naming `fn` and 'losses' for NaN/±Inf.
 */
export function weightedCvarAndVar(fn: string, losses: VectorInput, probabilities: Float64Array, beta: number): { cvar: number; valueAtRisk: number } {
  const n = probabilities.length;
  return withScope(fn, (s) => {
    const v = place(s, losses, n);
    const p = place(s, probabilities, n);
    const scratch = s.f64(2 * n);
    const out = s.f64(2);
    if (s.x.weightedCvarEval(v.ptr, p.ptr, n, 1 - beta, scratch, out) !== 0) throwNonFinite(fn, 'losses', losses);
    const r = f64View(s.x, out, 2);
    return { valueAtRisk: r[0]!, cvar: r[1]! };
  });
}

/** A weighted projection and its multipliers. */
export interface WeightedCvarProjection {
  /** The projection of v onto {x : CVaR_β(x; p) ≤ κ}. */
  x: Float64Array;
  /** The level of the flattened entries: x = v − clip(v − τ, 0, μp/(1 − β)). */
  tau: number;
  /** μ ≥ 0, the multiplier of the CVaR constraint (0 when v was feasible). */
  mu: number;
  /** O(n) evaluation passes the kernel made. */
  passes: number;
}

/**
 * Euclidean projection of v onto {x : CVaR_β(x; p) ≤ κ} (WASM): x = v − clip(v − τ, 0, μ·p/(1 − β)),
 * μ, τ by a safeguarded Newton iteration on the piecewise-linear optimality conditions, O(n) per pass.
 * `probabilities` as read by {@link readWeights}; `fn` names errors (NonFiniteError for v).
 */
export function projectWeightedCvar(fn: string, v: VectorInput, probabilities: Float64Array, beta: number, kappa: number, out?: Float64Array): WeightedCvarProjection {
  const n = probabilities.length;
  return withScope(fn, (s) => {
    const y = place(s, v, n);
    const p = place(s, probabilities, n);
    const scratch = s.f64(2 * n);
    const target = s.f64(n);
    const info = s.f64(3);
    f64View(s.x, info, 3).fill(0);
    if (s.x.projectWeightedCvarSet(y.ptr, p.ptr, n, 1 - beta, kappa, scratch, target, info) !== 0) throwNonFinite(fn, 'v', v);
    const x = out ?? new Float64Array(n);
    x.set(f64View(s.x, target, n));
    const r = f64View(s.x, info, 3);
    return { x, tau: r[0]!, mu: r[1]!, passes: r[2]! };
  });
}
