/**
 * The LASSO min_w ½‖Xw − y‖² + λ‖w‖₁: its duality gap (a certificate computable from w, ∇f(w) and
 * f(w) alone) and a convenience solver by FISTA.
 */
import { parameterError } from '../../runtime/errors.js';
import { readOptions } from '../../runtime/validate.js';
import { FISTA_KEYS } from './proximal-gradient.js';
import type { VectorInput } from '../../runtime/memory.js';
import type { MatrixInput } from '../../runtime/matrix.js';
import { normL1 } from '../operators/norms.js';
import { fistaAs, type FistaOptions, type ProximalGradientResult } from './proximal-gradient.js';
import { leastSquaresAs } from './smooth.js';

/**
 * The LASSO duality gap as a `dualityGap` callback for fista/proximalGradient with
 * f = ½‖Xw − y‖², g = λ‖·‖₁.
 *
 * Dual: max_θ D(θ) = ⟨y, θ⟩ − ½‖θ‖² s.t. ‖Xᵀθ‖∞ ≤ λ. From r = y − Xw the dual-feasible point is
 * θ = s·r with s = clip(⟨y, r⟩/‖r‖², ±λ/‖Xᵀr‖∞) (the best multiple of r). With Xᵀr = −∇f(w),
 * ‖r‖² = 2f(w) and ⟨y, r⟩ = ‖r‖² − ⟨w, ∇f(w)⟩,
 *
 *   P(w) − D(θ) = ½(1 − s)²‖r‖² + λ‖w‖₁ + s⟨w, ∇f(w)⟩,
 *
 * a sum of terms that vanish at the solution (no cancellation of P and D, which are large): the gap
 * stays accurate to ~1e-12 relative even when P ≈ 1e6.
 *
 * @param lambda  λ ≥ 0, finite.
 */
export function lassoDualityGap(lambda: number): (w: Float64Array, gradient: Float64Array, value: number) => number {
  const fn = 'lassoDualityGap';
  if (typeof lambda !== 'number' || !(lambda >= 0) || !Number.isFinite(lambda)) throw parameterError(fn, 'lambda', 'a finite number >= 0', lambda);
  return (w, gradient, value) => {
    let l1 = 0;
    let wg = 0;
    let gmax = 0;
    for (let j = 0; j < w.length; j++) {
      l1 += Math.abs(w[j]!);
      wg += w[j]! * gradient[j]!;
      gmax = Math.max(gmax, Math.abs(gradient[j]!));
    }
    const rr = 2 * value;
    const smax = gmax > 0 ? lambda / gmax : Infinity;
    let s = rr > 0 ? (rr - wg) / rr : 0;
    s = Math.max(-smax, Math.min(smax, s));
    return 0.5 * (1 - s) ** 2 * rr + lambda * l1 + s * wg;
  };
}

export interface LassoResult extends ProximalGradientResult {
  /** λmax = ‖Xᵀy‖∞: w = 0 is optimal for every λ ≥ λmax. */
  lambdaMax: number;
}

// The option keys it accepts (readOptions refuses any other key).
const LASSO_KEYS = FISTA_KEYS.filter((k) => k !== 'dualityGap');

/**
 * LASSO min_w ½‖Xw − y‖² + λ‖w‖₁ by FISTA with gradient restart (see `fista`), certified by the
 * duality gap of `lassoDualityGap`: the run stops when P(w) − D(θ) ≤ tol (default 1e-8, in the units of
 * the objective). X row-major m × n, y of length m.
 *
 * @param X  design matrix m × n: `{ data, rows, cols }`, an array of rows, or flat row-major (m·n entries).
 * @param y  response, length m.
 * @param lambda  λ ≥ 0, finite.
 * @param options  as fista (x0 for warm starts; maxIter default 100000).
 */
export function lasso(X: MatrixInput, y: VectorInput, lambda: number, options?: FistaOptions): LassoResult {
  const fn = 'lasso';
  if (typeof lambda !== 'number' || !(lambda >= 0) || !Number.isFinite(lambda)) throw parameterError(fn, 'lambda', 'a finite number >= 0', lambda);
  // dualityGap is lasso's own (its duality gap); a caller's would be silently replaced, so it is refused.
  const o = readOptions(fn, options, LASSO_KEYS);
  const gap = lassoDualityGap(lambda);
  const f = leastSquaresAs(fn, X, y, 'X', 'y');
  const grad = new Float64Array(f.cols);
  f.gradient(new Float64Array(f.cols), grad);
  let lambdaMax = 0;
  for (const g of grad) lambdaMax = Math.max(lambdaMax, Math.abs(g));
  const result = fistaAs(fn, f, normL1(lambda), { ...o, maxIter: o.maxIter ?? 100000, dualityGap: gap });
  return { ...result, lambdaMax };
}
