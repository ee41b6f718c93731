/**
 * Nonconvex sets and penalties with closed-form proxes: sparsity (L0 ball, L0 penalty), the sphere,
 * rank-k matrices and the Stiefel manifold. Their prox is set-valued at ties (two entries of equal
 * magnitude, equal singular values, v = 0 for the sphere); each operator documents which element it
 * returns, and that element is always a global minimiser of f(x) + ‖x − v‖²/(2t).
 */
import { ParameterError, ShapeError, parameterError } from '../../runtime/errors.js';
import { MAX_F64_LENGTH, f64View, type Scope } from '../../runtime/memory.js';
import { svd, svdInScope } from '../../linalg/svd.js';
import { nonNegativeInteger, positiveFinite, positiveInteger } from '../../runtime/validate.js';
import type { ProxOperator } from '../operator.js';
import { defineOperator, nonNegativeFinite, within } from './define.js';
import { norm2 } from './norms.js';

const NONCONVEX_SET = { convex: false, separable: false, prox: 'closed-form', indicator: true } as const;

/** True when every entry of the n doubles at ptr is finite. */
function allFinite(s: Scope, ptr: number, n: number): boolean {
  const v = f64View(s.x, ptr, n);
  for (let i = 0; i < n; i++) if (!Number.isFinite(v[i]!)) return false;
  return true;
}

/**
 * The L0 "ball" {x : ‖x‖₀ ≤ k} (at most k non-zero entries). prox (any t): keep the k entries of
 * largest |vᵢ| and zero the rest (ties to the lowest index); O(n log n). Nonconvex.
 *
 * value(x): 0 when at most k entries exceed 1e-9·max|xᵢ| in magnitude, +Infinity otherwise.
 *
 * @param k  the sparsity budget, an integer ≥ 0.
 */
export function indBallL0(k: number): ProxOperator {
  const fn = 'indBallL0';
  nonNegativeInteger(fn, 'k', k);
  return defineOperator({
    name: `indBallL0(${k})`,
    properties: NONCONVEX_SET,
    value: (x) => {
      let scale = 0;
      for (let i = 0; i < x.length; i++) scale = Math.max(scale, Math.abs(x[i]!));
      let nz = 0;
      for (let i = 0; i < x.length; i++) if (Math.abs(x[i]!) > 1e-9 * scale) nz++;
      return nz <= k ? 0 : Infinity;
    },
    run: (s, input, out) => {
      const n = input.n;
      if (!allFinite(s, input.ptr, n)) return 1;
      const v = f64View(s.x, input.ptr, n);
      const o = f64View(s.x, out, n);
      if (k >= n) {
        if (out !== input.ptr) o.set(v);
        return 0;
      }
      // Sort indices by |v| descending (Array.prototype.sort is stable: ties keep the lower index).
      const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => Math.abs(v[b]!) - Math.abs(v[a]!));
      const keep = new Float64Array(k);
      for (let j = 0; j < k; j++) keep[j] = v[order[j]!]!;
      o.fill(0);
      for (let j = 0; j < k; j++) o[order[j]!] = keep[j]!;
      return 0;
    },
  });
}

/**
 * The L0 penalty f(x) = λ·‖x‖₀ = λ·#{i : xᵢ ≠ 0}. prox_{tf}: hard thresholding, vᵢ when
 * |vᵢ| > √(2tλ) and 0 otherwise (at |vᵢ| = √(2tλ) both are minimisers; 0 is returned). Separable,
 * nonconvex. O(n).
 *
 * @param lambda  λ ≥ 0, finite (default 1).
 */
export function normL0(lambda = 1): ProxOperator {
  const fn = 'normL0';
  nonNegativeFinite(fn, 'lambda', lambda);
  return defineOperator({
    name: `normL0(${lambda})`,
    properties: { convex: false, separable: true, prox: 'closed-form', indicator: false },
    value: (x) => {
      let nz = 0;
      for (let i = 0; i < x.length; i++) if (x[i] !== 0) nz++;
      return lambda * nz;
    },
    run: (s, input, out, t) => {
      const n = input.n;
      if (!allFinite(s, input.ptr, n)) return 1;
      const v = f64View(s.x, input.ptr, n);
      const o = f64View(s.x, out, n);
      // Compare squares against 2tλ (no square root, no rounding of the threshold).
      const level = 2 * t * lambda;
      for (let i = 0; i < n; i++) o[i] = v[i]! * v[i]! > level ? v[i]! : 0;
      return 0;
    },
  });
}

/**
 * The sphere {x : ‖x‖₂ = r}, r > 0. prox (any t): r·v/‖v‖₂; at v = 0 every point of the sphere is
 * a projection and r·e₁ is returned. Nonconvex. O(n); v non-empty.
 *
 * value(x): 0 when |‖x‖₂ − r| ≤ 1e-9·(1 + r), +Infinity otherwise.
 *
 * @param radius  r > 0, finite (default 1).
 */
export function indSphereL2(radius = 1): ProxOperator {
  const fn = 'indSphereL2';
  positiveFinite(fn, 'radius', radius);
  return defineOperator({
    name: `indSphereL2(${radius})`,
    properties: NONCONVEX_SET,
    value: (x) => (x.length > 0 && within(Math.abs(norm2(x) - radius), radius) ? 0 : Infinity),
    checkLength: (f, n) => {
      if (n === 0) throw new ShapeError(`${f}: v must have length >= 1 (the sphere in ℝ⁰ is empty; got 0)`);
    },
    run: (s, input, out) => {
      const n = input.n;
      if (!allFinite(s, input.ptr, n)) return 1;
      const v = f64View(s.x, input.ptr, n);
      const o = f64View(s.x, out, n);
      const nv = norm2(v);
      if (nv === 0) {
        o.fill(0);
        o[0] = radius;
        return 0;
      }
      const c = radius / nv;
      for (let i = 0; i < n; i++) o[i] = c * v[i]!;
      return 0;
    },
  });
}

/** Validates rows, cols and their product for the matrix sets below. */
function matrixShape(fn: string, rows: number, cols: number): number {
  positiveInteger(fn, 'rows', rows);
  positiveInteger(fn, 'cols', cols);
  const size = rows * cols;
  if (size > MAX_F64_LENGTH) throw new ParameterError(`${fn}: rows·cols must be at most 2^28 (got ${rows} × ${cols})`);
  return size;
}

function sizeChecker(size: number): (f: string, n: number) => void {
  return (f, n) => {
    if (n !== size) throw new ShapeError(`${f}: ${f.endsWith('.value') ? 'x' : 'v'} must have length rows·cols = ${size} (got ${n})`);
  };
}

/**
 * Matrices of rank at most k, {X ∈ ℝ^{rows×cols} : rank X ≤ k}, X row-major. prox (any t): the
 * truncated SVD U_k·diag(σ₁…σ_k)·V_kᵀ, the Frobenius-nearest rank-k matrix (Eckart–Young); when
 * σ_k = σ_{k+1} the projection is not unique and the SVD's ordering picks one. Nonconvex. One SVD
 * (one-sided Jacobi in WASM) plus an O(rows·cols·k) recomposition.
 *
 * value(X): 0 when σ_{k+1}(X) ≤ 1e-9·(1 + σ₁(X)), +Infinity otherwise.
 *
 * @param k     the rank bound, an integer ≥ 0.
 * @param rows  the number of rows, an integer ≥ 1.
 * @param cols  the number of columns, an integer ≥ 1 (rows·cols ≤ 2^28).
 */
export function indRank(k: number, rows: number, cols: number): ProxOperator {
  const fn = 'indRank';
  nonNegativeInteger(fn, 'k', k);
  const size = matrixShape(fn, rows, cols);
  const m = Math.min(rows, cols);
  return defineOperator({
    name: `indRank(${k}, ${rows}, ${cols})`,
    properties: NONCONVEX_SET,
    value: (x) => {
      if (k >= m) return 0;
      const { s } = svd(x, rows, cols);
      return within(s[k]!, s[0]!) ? 0 : Infinity;
    },
    checkLength: sizeChecker(size),
    run: (s, input, out) => {
      if (!allFinite(s, input.ptr, size)) return 1;
      if (k >= m) {
        if (out !== input.ptr) f64View(s.x, out, size).set(f64View(s.x, input.ptr, size));
        return 0;
      }
      const r = svdInScope(s, input.ptr, rows, cols, 'v');
      const tmp = s.f64(m);
      s.x.svdCompose(r.U, r.V, r.s, rows, cols, m, k, out, tmp);
      return 0;
    },
  });
}

/**
 * The Stiefel manifold {X ∈ ℝ^{rows×cols} : XᵀX = I} (orthonormal columns; rows ≥ cols), X row-major.
 * prox (any t): the orthogonal polar factor U·Vᵀ of V = U·Σ·Vᵀ (thin SVD), the Frobenius-nearest
 * matrix with orthonormal columns (Higham 1986; unique when V has full column rank). Nonconvex. One
 * SVD plus an O(rows·cols²) recomposition.
 *
 * value(X): 0 when every entry of XᵀX − I is at most 1e-9·(1 + cols) in magnitude, +Infinity otherwise.
 *
 * @param rows  the number of rows, an integer ≥ cols.
 * @param cols  the number of columns, an integer ≥ 1 (rows·cols ≤ 2^28).
 */
export function indStiefel(rows: number, cols: number): ProxOperator {
  const fn = 'indStiefel';
  const size = matrixShape(fn, rows, cols);
  if (rows < cols) throw parameterError(fn, 'rows', `an integer >= cols = ${cols} (orthonormal columns need rows >= cols)`, rows);
  return defineOperator({
    name: `indStiefel(${rows}, ${cols})`,
    properties: NONCONVEX_SET,
    value: (x) => {
      for (let a = 0; a < cols; a++) {
        for (let b = 0; b <= a; b++) {
          let g = 0;
          for (let i = 0; i < rows; i++) g += x[i * cols + a]! * x[i * cols + b]!;
          if (!within(Math.abs(g - (a === b ? 1 : 0)), cols)) return Infinity;
        }
      }
      return 0;
    },
    checkLength: sizeChecker(size),
    run: (s, input, out) => {
      if (!allFinite(s, input.ptr, size)) return 1;
      const r = svdInScope(s, input.ptr, rows, cols, 'v');
      const ones = s.f64(cols);
      const tmp = s.f64(cols);
      f64View(s.x, ones, cols).fill(1);
      s.x.svdCompose(r.U, r.V, ones, rows, cols, cols, cols, out, tmp);
      return 0;
    },
  });
}
