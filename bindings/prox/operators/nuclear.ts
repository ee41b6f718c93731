/**
 * The nuclear norm f(X) = λ‖X‖_* = λ·Σᵢ σᵢ(X) of a rows×cols matrix (row-major), the convex envelope
 * of rank on the spectral-norm ball; its prox is singular-value soft-thresholding (Cai, Candès & Shen,
 * SIAM J. Optim. 20(4), 2010, Thm. 2.1).
 */
import { ParameterError, ShapeError } from '../../runtime/errors.js';
import { MAX_F64_LENGTH, f64View } from '../../runtime/memory.js';
import { svd, svdInScope } from '../../linalg/svd.js';
import type { ProxOperator } from '../operator.js';
import { defineOperator, nonNegativeFinite } from './define.js';
import { positiveInteger } from '../../runtime/validate.js';

/**
 * f(X) = λ‖X‖_* (sum of singular values) for X a rows×cols matrix given row-major as a vector of
 * length rows·cols. prox_{tf}(V) = U·diag(max(σ − tλ, 0))·Vᵀ where V = U·diag(σ)·Vᵀ is the SVD
 * (one-sided Jacobi in WASM, see `svd`), recomposed in WASM from the singular triplets that survive
 * (O(rows·cols·k) for k = min(rows, cols), plus the SVD's sweeps). Convex, not separable, closed form
 * given the SVD. Conjugate: the indicator of the spectral-norm ball {Y : σ₁(Y) ≤ λ}.
 *
 * @param lambda  λ ≥ 0, finite (default 1).
 * @param rows    the number of rows, an integer ≥ 1.
 * @param cols    the number of columns, an integer ≥ 1; prox/value take vectors of length rows·cols
 *   (at most 2^28).
 */
export function nuclearNorm(lambda: number, rows: number, cols: number): ProxOperator {
  const fn = 'nuclearNorm';
  nonNegativeFinite(fn, 'lambda', lambda);
  positiveInteger(fn, 'rows', rows);
  positiveInteger(fn, 'cols', cols);
  const size = rows * cols;
  if (size > MAX_F64_LENGTH) throw new ParameterError(`${fn}: rows·cols must be at most 2^28 (got ${rows} × ${cols})`);
  const k = Math.min(rows, cols);
  return defineOperator({
    name: `nuclearNorm(${lambda}, ${rows}, ${cols})`,
    properties: { convex: true, separable: false, prox: 'closed-form', indicator: false },
    value: (x) => {
      const { s } = svd(x, rows, cols);
      let total = 0;
      for (let i = 0; i < k; i++) total += s[i]!;
      return lambda * total;
    },
    checkLength: (f, n) => {
      if (n !== size) throw new ShapeError(`${f}: ${f.endsWith('.value') ? 'x' : 'v'} must have length rows·cols = ${size} (got ${n})`);
    },
    run: (s, input, out, t) => {
      const r = svdInScope(s, input.ptr, rows, cols, 'v');
      // Soft-threshold the singular values (descending, so the survivors are a prefix).
      const d = s.f64(k);
      const tmp = s.f64(k);
      const sv = f64View(s.x, r.s, k);
      const dv = f64View(s.x, d, k);
      const shift = t * lambda;
      let rank = 0;
      for (let i = 0; i < k; i++) {
        const x = sv[i]! - shift;
        dv[i] = x > 0 ? x : 0;
        if (x > 0) rank = i + 1;
      }
      s.x.svdCompose(r.U, r.V, d, rows, cols, k, rank, out, tmp);
      return 0;
    },
  });
}
