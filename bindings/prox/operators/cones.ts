/**
 * Indicators of closed convex cones: the positive semidefinite cone of symmetric matrices and the
 * second-order (Lorentz) cone. Both cones are self-dual, so the Moreau decomposition reads
 * v = P_K(v) − P_K(−v) with ⟨P_K(v), P_K(−v)⟩ = 0 (the tests check exactly this).
 */
import { ParameterError, ShapeError } from '../../runtime/errors.js';
import { MAX_F64_LENGTH, f64View } from '../../runtime/memory.js';
import { eigenInScope, symmetricEigen } from '../../linalg/eigen.js';
import { positiveInteger } from '../../runtime/validate.js';
import type { ProxOperator } from '../operator.js';
import { defineOperator, within } from './define.js';
import { norm2 } from './norms.js';

const CONE = { convex: true, separable: false, prox: 'closed-form', indicator: true } as const;

/**
 * The PSD cone S₊ⁿ = {X ∈ ℝⁿˣⁿ : X = Xᵀ, X ⪰ 0}, X given row-major as a vector of length n².
 *
 * prox (any t): the Frobenius-nearest PSD matrix. As S₊ⁿ lies in the subspace of symmetric matrices,
 * the projection of any V is that of its symmetric part S = (V + Vᵀ)/2: with S = QΛQᵀ (WASM
 * Householder + implicit QL, see `symmetricEigen`), P(V) = Q·max(Λ, 0)·Qᵀ, recomposed in WASM from
 * the eigenpairs with λ > 0 only. The result is symmetric to rounding (about 1e-15·‖V‖_F); O(n³).
 *
 * value(X): 0 when X is symmetric and λ_min(X) ≥ −1e-9·(1 + ‖X‖_F) (entrywise asymmetry at most
 * 1e-9·(1 + ‖X‖_F)), +Infinity otherwise.
 *
 * @param n  the order of the matrices, an integer ≥ 1 (n² ≤ 2^28).
 */
export function indPsd(n: number): ProxOperator {
  const fn = 'indPsd';
  positiveInteger(fn, 'n', n);
  const size = n * n;
  if (size > MAX_F64_LENGTH) throw new ParameterError(`${fn}: n² must be at most 2^28 (got n = ${n})`);
  return defineOperator({
    name: `indPsd(${n})`,
    properties: CONE,
    value: (x) => {
      const scale = norm2(x);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < i; j++) if (!within(Math.abs(x[i * n + j]! - x[j * n + i]!), scale)) return Infinity;
      }
      const { values } = symmetricEigen(x, n);
      return within(-values[n - 1]!, scale) ? 0 : Infinity;
    },
    checkLength: (f, len) => {
      if (len !== size) throw new ShapeError(`${f}: ${f.endsWith('.value') ? 'x' : 'v'} must have length n² = ${size} (got ${len})`);
    },
    run: (s, input, out) => {
      // Allocate before taking views: a scope allocation may grow (and detach) WASM memory.
      const sym = s.f64(size);
      const v = f64View(s.x, input.ptr, size);
      for (let i = 0; i < size; i++) if (!Number.isFinite(v[i]!)) return 1;
      // Symmetric part into scratch (the eigen kernel reads only the lower triangle).
      const sv = f64View(s.x, sym, size);
      for (let i = 0; i < n; i++) {
        sv[i * n + i] = v[i * n + i]!;
        for (let j = 0; j < i; j++) sv[i * n + j] = sv[j * n + i] = (v[i * n + j]! + v[j * n + i]!) / 2;
      }
      const e = eigenInScope(s, sym, n, 'v');
      const d = s.f64(n);
      const tmp = s.f64(n);
      const lambda = f64View(s.x, e.values, n);
      const dv = f64View(s.x, d, n);
      // Eigenvalues are descending: the positive ones are a prefix of length r.
      let r = 0;
      for (let i = 0; i < n; i++) {
        dv[i] = lambda[i]! > 0 ? lambda[i]! : 0;
        if (lambda[i]! > 0) r = i + 1;
      }
      s.x.svdCompose(e.vectors, e.vectors, d, n, n, n, r, out, tmp);
      return 0;
    },
  });
}

/**
 * The second-order (Lorentz, ice-cream) cone K = {(t, x) ∈ ℝ × ℝᵐ : ‖x‖₂ ≤ t}; a vector v of length
 * m + 1 ≥ 1 is read as t = v[0] and x = v[1..] (the convention of ProximalOperators.jl's IndSOC).
 *
 * prox (any t): with r = ‖x‖₂, v itself when r ≤ t; 0 when r ≤ −t; otherwise
 * ((t + r)/2)·(1, x/r) (the closed form of Boyd & Vandenberghe's projection onto the cone's boundary
 * ray through x). O(m).
 *
 * value(v): 0 when ‖x‖₂ − t ≤ 1e-9·(1 + |t|), +Infinity otherwise.
 */
export function indSoc(): ProxOperator {
  return defineOperator({
    name: 'indSoc()',
    properties: CONE,
    value: (v) => (within(norm2(v.subarray(1)) - v[0]!, v[0]!) ? 0 : Infinity),
    checkLength: (f, len) => {
      if (len === 0) throw new ShapeError(`${f}: v must have length >= 1 (the cone variable t first; got 0)`);
    },
    run: (s, input, out) => {
      const len = input.n;
      const v = f64View(s.x, input.ptr, len);
      const o = f64View(s.x, out, len);
      for (let i = 0; i < len; i++) if (!Number.isFinite(v[i]!)) return 1;
      const t = v[0]!;
      const r = norm2(v.subarray(1)); // scaled: no overflow for entries near 1e300
      if (r <= t) {
        if (out !== input.ptr) o.set(v);
        return 0;
      }
      if (r <= -t) {
        o.fill(0);
        return 0;
      }
      const a = (t + r) / 2;
      const c = a / r;
      o[0] = a;
      for (let i = 1; i < len; i++) o[i] = c * v[i]!;
      return 0;
    },
  });
}
