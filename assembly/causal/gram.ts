// Dense kernels of the causal family: Gaussian Gram matrices, a matrix product and an LU solve.
// The kernel-bridge estimators spend nearly all their time here (n × n Gram matrices, one product
// and one factorisation per bridge), so these loops are SIMD; the bindings own every buffer.
import { axpy, dot } from "../linalg/blas";

@inline function ld(p: usize, i: i32): f64 { return load<f64>(p + (<usize>i << 3)); }
@inline function st(p: usize, i: i32, v: f64): void { store<f64>(p + (<usize>i << 3), v); }

/**
 * out (n × m, row-major) = exp(−½‖x_i − y_j‖²) for the rows x_i of X (n × d) and y_j of Y (m × d).
 * The caller divides each column by its length-scale beforehand, so one kernel serves every
 * product-Gaussian kernel. Squared distances use ‖x‖² + ‖y‖² − 2x·y, clamped at 0 (rounding can make
 * the expansion slightly negative for nearly equal rows).
 */
export function causalGaussGram(X: usize, n: i32, Y: usize, m: i32, d: i32, scratch: usize, out: usize): void {
  // scratch: m doubles, ‖y_j‖²
  for (let j = 0; j < m; j++) {
    const y = Y + (<usize>(j * d) << 3);
    st(scratch, j, dot(y, y, d));
  }
  for (let i = 0; i < n; i++) {
    const x = X + (<usize>(i * d) << 3);
    const xx = dot(x, x, d);
    const row = out + (<usize>(i * m) << 3);
    for (let j = 0; j < m; j++) {
      const y = Y + (<usize>(j * d) << 3);
      let s = xx + ld(scratch, j) - 2 * dot(x, y, d);
      if (s < 0) s = 0;
      st(row, j, Math.exp(-0.5 * s));
    }
  }
}

/**
 * C (n × m) = A (n × k) · B (k × m), all row-major. Row i of C accumulates a_il · (row l of B) with
 * f64x2 axpys: contiguous loads on both B and C, and for the n ≤ a few thousand of the bridges B's
 * rows stay in cache across consecutive l.
 */
export function causalMatmul(A: usize, B: usize, C: usize, n: i32, k: i32, m: i32): void {
  const rowBytes = <usize>m << 3;
  for (let i = 0; i < n; i++) {
    const c = C + <usize>i * rowBytes;
    memory.fill(c, 0, rowBytes);
    const a = A + (<usize>(i * k) << 3);
    for (let l = 0; l < k; l++) {
      const v = ld(a, l);
      if (v != 0) axpy(c, B + <usize>l * rowBytes, m, v);
    }
  }
}

/**
 * Solves A X = B in place by LU with partial pivoting: A (n × n) is overwritten by its factors and
 * B (n × r, row-major) by the solution. Returns 0, or k + 1 when the pivot of column k is exactly
 * zero (singular; B is then left partly reduced). piv: n i32 (scratch).
 */
export function causalLuSolve(A: usize, n: i32, B: usize, r: i32, piv: usize): i32 {
  const rowA = <usize>n << 3;
  const rowB = <usize>r << 3;
  for (let k = 0; k < n; k++) {
    // pivot: the largest |a_ik| for i ≥ k
    let p = k;
    let best = Math.abs(ld(A, k * n + k));
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(ld(A, i * n + k));
      if (v > best) { best = v; p = i; }
    }
    store<i32>(piv + (<usize>k << 2), p);
    if (best == 0) return k + 1;
    if (p != k) {
      swapRows(A + <usize>k * rowA, A + <usize>p * rowA, n);
      swapRows(B + <usize>k * rowB, B + <usize>p * rowB, r);
    }
    const akk = ld(A, k * n + k);
    const ak = A + <usize>k * rowA;
    const bk = B + <usize>k * rowB;
    for (let i = k + 1; i < n; i++) {
      const ai = A + <usize>i * rowA;
      const f = ld(ai, k) / akk;
      if (f == 0) continue;
      st(ai, k, f);
      // columns k+1..n of row i; axpy needs no alignment beyond 8 bytes
      axpy(ai + (<usize>(k + 1) << 3), ak + (<usize>(k + 1) << 3), n - k - 1, -f);
      axpy(B + <usize>i * rowB, bk, r, -f);
    }
  }
  // back substitution, one right-hand-side row block at a time
  for (let k = n - 1; k >= 0; k--) {
    const bk = B + <usize>k * rowB;
    const ak = A + <usize>k * rowA;
    for (let j = k + 1; j < n; j++) {
      const u = ld(ak, j);
      if (u != 0) axpy(bk, B + <usize>j * rowB, r, -u);
    }
    const inv = 1.0 / ld(ak, k);
    for (let c = 0; c < r; c++) st(bk, c, ld(bk, c) * inv);
  }
  return 0;
}

function swapRows(a: usize, b: usize, n: i32): void {
  let k = 0;
  for (; k + 2 <= n; k += 2) {
    const o = <usize>k << 3;
    const t = v128.load(a + o);
    v128.store(a + o, v128.load(b + o));
    v128.store(b + o, t);
  }
  for (; k < n; k++) {
    const o = <usize>k << 3;
    const t = load<f64>(a + o);
    store<f64>(a + o, load<f64>(b + o));
    store<f64>(b + o, t);
  }
}

/** x^y with AssemblyScript's own pow, so that bandwidth rules give the same bits on every engine. */
export function causalPow(x: f64, y: f64): f64 {
  return Math.pow(x, y);
}

/**
 * erf(x) to about 1e-15, inside WASM so that the treatment-range integrals give the same bits on every
 * engine: the Maclaurin series for |x| ≤ 2 (terms stay below 3 there, so cancellation is mild) and,
 * above, 1 − erfc(x) with erfc's continued fraction evaluated from a fixed depth of 60.
 */
export function causalErf(x: f64): f64 {
  const a = Math.abs(x);
  if (a <= 2.0) {
    let term = x;
    let sum = x;
    for (let n = 1; n < 60; n++) {
      term *= (-x * x) / <f64>n;
      const t = term / <f64>(2 * n + 1);
      sum += t;
      if (Math.abs(t) < 1e-17 * Math.abs(sum)) break;
    }
    return 1.1283791670955126 * sum; // 2/√π
  }
  if (a > 6.0) return x > 0 ? 1.0 : -1.0; // erfc(6) < 2.2e-17
  let f = a;
  for (let n = 60; n >= 1; n--) f = a + <f64>n / 2.0 / f;
  const erfc = Math.exp(-a * a) * 0.5641895835477563 / f; // 1/√π
  return x > 0 ? 1.0 - erfc : erfc - 1.0;
}
