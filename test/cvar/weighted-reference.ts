/**
 * CVaR with scenario probabilities in plain TS, the tests' reference for the WASM kernels of
 * assembly/cvar/weighted.ts (sorting for CVaR, nested bisection for the projection; no code shared).
 *
 * For losses ℓ with probabilities p (pᵢ ≥ 0, Σp = 1) and tail mass α = 1 − β:
 *   CVaR_β(ℓ; p) = min_t t + (1/α)·Σ pᵢ(ℓᵢ − t)₊ = max{wᵀℓ : 0 ≤ wᵢ ≤ pᵢ/α, Σw = 1},
 * the mean of the worst α of the probability mass (the boundary scenario counted with the mass it
 * contributes). With pᵢ = 1/m it is the `cvar` of the package (k = α·m).
 *
 * The projection onto {x : CVaR_β(x; p) ≤ κ} is x = v − Π_{μW}(v), W = {0 ≤ w ≤ p/α, Σw = 1}, with μ ≥ 0
 * the smallest value that makes x feasible: v − x = μ·w lies in the normal cone of the set at x. Here
 * Π_{μW}(v) = clip(v − τ, 0, μp/α) with τ such that its entries sum to μ, and both τ (for a given μ)
 * and μ are found by bisection on monotone functions, to machine precision: O(m) per step, about
 * 100 + 100·100 steps. For checking at small m only.
 */

/** Probabilities from non-negative weights (normalised to sum 1). */
export function normalizeWeights(weights: ArrayLike<number>): Float64Array {
  let s = 0;
  for (let i = 0; i < weights.length; i++) s += weights[i]!;
  return Float64Array.from(weights, (w) => w / s);
}

/** CVaR_β(ℓ; p) by sorting: the worst scenarios first, until α = 1 − β of the mass is taken. */
export function weightedCvar(losses: ArrayLike<number>, probabilities: ArrayLike<number>, beta: number): number {
  const m = losses.length;
  const alpha = 1 - beta;
  const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => losses[b]! - losses[a]!);
  let mass = 0, sum = 0;
  for (const i of order) {
    if (probabilities[i] === 0) continue; // a scenario without mass takes none
    const take = Math.min(probabilities[i]!, alpha - mass);
    if (take <= 0) break;
    sum += take * losses[i]!;
    mass += take;
  }
  // rounding can leave the taken mass a hair below α when Σp = 1 in floating point
  return sum / mass;
}

/** Π onto {0 ≤ y ≤ cap, Σy = total} for total ∈ [0, Σcap]: clip(v − τ, 0, cap) with τ by bisection. */
function projectCappedSimplex(v: ArrayLike<number>, cap: Float64Array, total: number, out: Float64Array): void {
  const m = v.length;
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < m; i++) { lo = Math.min(lo, v[i]! - cap[i]!); hi = Math.max(hi, v[i]!); }
  // Σ clip(v − τ, 0, cap) decreases from Σcap (τ = lo) to 0 (τ = hi)
  const sumAt = (tau: number): number => {
    let s = 0;
    for (let i = 0; i < m; i++) s += Math.min(cap[i]!, Math.max(0, v[i]! - tau));
    return s;
  };
  for (let it = 0; it < 200 && hi - lo > 1e-15 * Math.max(1, Math.abs(lo), Math.abs(hi)); it++) {
    const mid = 0.5 * (lo + hi);
    if (sumAt(mid) > total) lo = mid; else hi = mid;
  }
  const tau = 0.5 * (lo + hi);
  for (let i = 0; i < m; i++) out[i] = Math.min(cap[i]!, Math.max(0, v[i]! - tau));
}

/** The Euclidean projection of v onto {x : CVaR_β(x; p) ≤ κ}, with the multiplier μ. */
export function projectWeightedCvarSet(v: ArrayLike<number>, probabilities: ArrayLike<number>, beta: number, kappa: number): { x: Float64Array; mu: number } {
  const m = v.length;
  const alpha = 1 - beta;
  const x = Float64Array.from(v);
  if (weightedCvar(v, probabilities, beta) <= kappa) return { x, mu: 0 };
  const y = new Float64Array(m);
  const at = (mu: number): number => {
    const cap = Float64Array.from(probabilities, (p) => (mu * p) / alpha);
    projectCappedSimplex(v, cap, mu, y);
    for (let i = 0; i < m; i++) x[i] = v[i]! - y[i]!;
    return weightedCvar(x, probabilities, beta);
  };
  // CVaR(x(μ)) falls as μ grows (by μ·(1) per unit once μ passes the spread of v); bracket, then bisect
  let lo = 0, hi = 1;
  while (at(hi) > kappa) { lo = hi; hi *= 2; }
  for (let it = 0; it < 200 && hi - lo > 1e-15 * Math.max(1, hi); it++) {
    const mid = 0.5 * (lo + hi);
    if (at(mid) > kappa) lo = mid; else hi = mid;
  }
  at(hi);
  return { x: Float64Array.from(x), mu: hi };
}
