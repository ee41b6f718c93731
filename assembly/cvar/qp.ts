// Dense kernels of the CVaR-constrained QP solver (ADMM): the products with the scenario matrix A
// (m×n, row-major, m up to millions, n up to a few hundred), its Gram matrix AᵀA for the x-update's
// system, and a Cholesky factorisation of that n×n system, factored once and reused every iteration.
import { axpy, dot } from "../linalg/blas";

/** out[0..m) = A·x for a row-major m×n A (one SIMD dot product per row). */
export function cvarQpMatVec(A: usize, m: i32, n: i32, x: usize, out: usize): void {
  const row = <usize>n << 3;
  for (let i = 0; i < m; i++) store<f64>(out + (<usize>i << 3), dot(A + <usize>i * row, x, n));
}

/** out[0..n) = Aᵀ·v for a row-major m×n A: rows are added with weight vᵢ (contiguous, SIMD). */
export function cvarQpMatTVec(A: usize, m: i32, n: i32, v: usize, out: usize): void {
  const row = <usize>n << 3;
  memory.fill(out, 0, row);
  for (let i = 0; i < m; i++) {
    const w = load<f64>(v + (<usize>i << 3));
    if (w != 0) axpy(out, A + <usize>i * row, n, w);
  }
}

/**
 * out (n×n, row-major) += AᵀA for a row-major m×n A. Row i adds aᵢaᵢᵀ; only the upper triangle
 * (j ≤ l) is accumulated, as contiguous SIMD axpys, and mirrored at the end: m·n²/2 multiply-adds.
 */
export function cvarQpGramAdd(A: usize, m: i32, n: i32, out: usize): void {
  const row = <usize>n << 3;
  for (let i = 0; i < m; i++) {
    const a = A + <usize>i * row;
    for (let j = 0; j < n; j++) {
      const aj = load<f64>(a + (<usize>j << 3));
      if (aj != 0) axpy(out + <usize>j * row + (<usize>j << 3), a + (<usize>j << 3), n - j, aj);
    }
  }
  for (let j = 0; j < n; j++) {
    for (let l = j + 1; l < n; l++) store<f64>(out + <usize>l * row + (<usize>j << 3), load<f64>(out + <usize>j * row + (<usize>l << 3)));
  }
}

/**
 * In-place Cholesky factor of a symmetric positive definite n×n M (row-major): on return the lower
 * triangle holds L with M = LLᵀ (the strict upper triangle is zeroed). Row-oriented: L[i][j] uses the
 * dot product of rows i and j of L up to column j, both contiguous. Returns 0, or j + 1 when the
 * j-th pivot is not positive (M not positive definite to working precision; M is then partly
 * overwritten).
 */
export function cvarQpCholesky(M: usize, n: i32): i32 {
  const row = <usize>n << 3;
  for (let i = 0; i < n; i++) {
    const ri = M + <usize>i * row;
    for (let j = 0; j <= i; j++) {
      const rj = M + <usize>j * row;
      const s = load<f64>(ri + (<usize>j << 3)) - dot(ri, rj, j);
      if (j == i) {
        if (!(s > 0)) return i + 1;
        store<f64>(ri + (<usize>i << 3), Math.sqrt(s));
      } else {
        store<f64>(ri + (<usize>j << 3), s / load<f64>(rj + (<usize>j << 3)));
      }
    }
    for (let j = i + 1; j < n; j++) store<f64>(ri + (<usize>j << 3), 0);
  }
  return 0;
}

/**
 * Solves LLᵀx = b in place (b becomes x) for the factor of `cvarQpCholesky`. Forward substitution
 * by row dot products; the backward one, Lᵀx = y, walks the rows of L from the bottom and subtracts
 * xᵢ·L[i][0..i) from the leading entries (contiguous, no column access).
 */
export function cvarQpCholSolve(L: usize, n: i32, b: usize): void {
  const row = <usize>n << 3;
  for (let i = 0; i < n; i++) {
    const ri = L + <usize>i * row;
    const p = b + (<usize>i << 3);
    store<f64>(p, (load<f64>(p) - dot(ri, b, i)) / load<f64>(ri + (<usize>i << 3)));
  }
  for (let i = n - 1; i >= 0; i--) {
    const ri = L + <usize>i * row;
    const p = b + (<usize>i << 3);
    const xi = load<f64>(p) / load<f64>(ri + (<usize>i << 3));
    store<f64>(p, xi);
    if (i > 0) axpy(b, ri, i, -xi);
  }
}

/**
 * outV = Aᵀ·v and outW = Aᵀ·w in one pass over A (the ADMM iteration needs both, and for millions
 * of scenarios the pass over A, not the arithmetic, is the cost).
 */
export function cvarQpMatTVec2(A: usize, m: i32, n: i32, v: usize, w: usize, outV: usize, outW: usize): void {
  const row = <usize>n << 3;
  memory.fill(outV, 0, row);
  memory.fill(outW, 0, row);
  for (let i = 0; i < m; i++) {
    const a = A + <usize>i * row;
    const p = <usize>i << 3;
    const vi = load<f64>(v + p);
    const wi = load<f64>(w + p);
    if (vi != 0) axpy(outV, a, n, vi);
    if (wi != 0) axpy(outW, a, n, wi);
  }
}
