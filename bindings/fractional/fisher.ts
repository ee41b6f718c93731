/** Sparse Fisher discriminant analysis as a fractional program. */
import { ParameterError, ShapeError } from '../runtime/errors.js';
import { finiteArray, type VectorInput } from '../runtime/memory.js';
import { readRows, type Rows } from '../runtime/rows.js';
import { nonNegative } from '../runtime/validate.js';
import type { FractionalProblem } from './cd.js';

/**
 * Sparse Fisher discriminant analysis of two classes as the fractional program
 *
 *   min_w (½wᵀS_w w + λ‖w‖₁ + ½) / (mᵀw)  over mᵀw > 0,
 *
 * with S_w the pooled within-class covariance (1/n) Σ_i (x_i − μ_{y_i})(x_i − μ_{y_i})ᵀ and m = μ₁ − μ₀.
 * The constant ½ fixes the scale: without it the ratio falls to its infimum as w → 0. Along a ray
 * w = s·v the best s gives (vᵀS_w v)^{1/2}/(mᵀv) + λ‖v‖₁/(mᵀv), so for λ = 0 the minimiser is Fisher's
 * direction S_w⁻¹m scaled to wᵀS_w w = 1, and λ > 0 trades separation for sparsity. The denominator
 * is affine: the concave-denominator case, where every critical point is a global minimum.
 *
 * @param X - features, n rows of d (standardise them first so that λ treats features alike).
 * @param y - labels 0/1 (any two distinct values: the larger is class 1).
 * @param lambda - λ ≥ 0.
 * @returns the problem for {@link fractionalCD} / {@link fractionalDinkelbach}.
 * @throws ShapeError for mismatched lengths; ParameterError for fewer than two classes or λ < 0.
 */
export function sparseFisherProblem(X: Rows, y: VectorInput, lambda: number): FractionalProblem {
  const fn = 'sparseFisherProblem';
  const { data, n, d } = readRows(fn, 'X', X);
  const labels = finiteArray(fn, 'y', y);
  if (labels.length !== n) throw new ShapeError(`${fn}: y must have length ${n}, one label per row of X (got ${labels.length})`);
  const values = [...new Set(labels)].sort((p, q) => p - q);
  if (values.length !== 2) throw new ParameterError(`${fn}: y must hold exactly two classes (got ${values.length} distinct labels)`);
  const lam = nonNegative(fn, 'lambda', lambda);
  if (!Number.isFinite(lam)) throw new ParameterError(`${fn}: lambda must be finite (got ${lam})`);
  const mu = [new Float64Array(d), new Float64Array(d)];
  const count = [0, 0];
  for (let i = 0; i < n; i++) {
    const k = labels[i] === values[1] ? 1 : 0;
    count[k]!++;
    for (let j = 0; j < d; j++) mu[k]![j] = mu[k]![j]! + data[i * d + j]!;
  }
  for (const k of [0, 1]) for (let j = 0; j < d; j++) mu[k]![j] = mu[k]![j]! / count[k]!;
  const S = new Float64Array(d * d);
  const r = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const k = labels[i] === values[1] ? 1 : 0;
    for (let j = 0; j < d; j++) r[j] = data[i * d + j]! - mu[k]![j]!;
    for (let p = 0; p < d; p++) {
      const rp = r[p]! / n;
      if (rp === 0) continue;
      for (let q = 0; q < d; q++) S[p * d + q] = S[p * d + q]! + rp * r[q]!;
    }
  }
  const m = mu[1]!.map((v, j) => v - mu[0]![j]!);
  return { A: { data: S, rows: d, cols: d }, c: 0.5, lambda: lam, e: m };
}
