// Symmetric eigendecomposition A = V Λ Vᵀ of a dense n×n matrix: Householder reduction to
// tridiagonal form followed by the implicit QL iteration with Wilkinson-type shifts (the classical
// tred2/tql2 pair; Wilkinson & Reinsch, Handbook for Automatic Computation II, 1971, contributions
// II/2 and II/3). Both stages are backward stable: ‖AV − VΛ‖ and ‖VᵀV − I‖ are O(n·u·‖A‖) and O(n·u).
//
// The working matrix is kept TRANSPOSED (row k of W is column k of the textbook V), so that every
// inner loop of both stages runs over contiguous memory; the Givens updates of the QL stage combine
// two contiguous rows with f64x2.

import { rot } from "./blas";

@inline function wAt(w: usize, n: i32, r: i32, c: i32): usize {
  // Element V[r][c] of the textbook algorithm lives at W[c][r].
  return w + ((<usize>c * <usize>n + <usize>r) << 3);
}

/** Bytes of scratch `symmetricEigen` needs for order n: n·n + n doubles. */
export function symmetricEigenWorkBytes(n: i32): usize {
  return (<usize>n * <usize>n + <usize>n) << 3;
}

/**
 * Eigenvalues (descending) and orthonormal eigenvectors of the symmetric n×n row-major matrix at `a`
 * (only its lower triangle is read; `a` is not modified).
 *   values:  n doubles, λ₀ ≥ λ₁ ≥ … ≥ λₙ₋₁.
 *   vectors: n×n row-major, column k is the unit eigenvector of λₖ (A·V = V·Λ). May equal `a`.
 *   work:    symmetricEigenWorkBytes(n) bytes, distinct from the other buffers.
 * Each eigenvector's sign is fixed so that its entry of largest magnitude (first such) is positive.
 * Returns 0 on success, 1 if `a` holds NaN/±Inf, 2 if the QL iteration did not converge (30·n sweeps).
 */
export function symmetricEigen(a: usize, n: i32, values: usize, vectors: usize, work: usize): i32 {
  if (n <= 0) return 0;
  const w = work;
  const e = work + ((<usize>n * <usize>n) << 3);
  const d = values;
  // Copy the lower triangle, symmetrised, into W (W = Wᵀ for a symmetric input); check finiteness.
  let bad = 0.0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const x = load<f64>(a + ((<usize>i * <usize>n + <usize>j) << 3));
      bad += x - x;
      store<f64>(w + ((<usize>i * <usize>n + <usize>j) << 3), x);
      store<f64>(w + ((<usize>j * <usize>n + <usize>i) << 3), x);
    }
  }
  if (bad != 0) return 1;
  tridiagonalize(w, n, d, e);
  if (!qlImplicit(w, n, d, e)) return 2;
  // Sort descending (selection sort: n swaps of contiguous rows of W).
  for (let i = 0; i < n - 1; i++) {
    let k = i;
    let p = load<f64>(d + (<usize>i << 3));
    for (let j = i + 1; j < n; j++) {
      const dj = load<f64>(d + (<usize>j << 3));
      if (dj > p) { k = j; p = dj; }
    }
    if (k != i) {
      store<f64>(d + (<usize>k << 3), load<f64>(d + (<usize>i << 3)));
      store<f64>(d + (<usize>i << 3), p);
      const ri = w + ((<usize>i * <usize>n) << 3);
      const rk = w + ((<usize>k * <usize>n) << 3);
      for (let t = 0; t < n; t++) {
        const o = <usize>t << 3;
        const x = load<f64>(ri + o);
        store<f64>(ri + o, load<f64>(rk + o));
        store<f64>(rk + o, x);
      }
    }
  }
  // Sign convention, then write V (column k = row k of W).
  for (let k = 0; k < n; k++) {
    const row = w + ((<usize>k * <usize>n) << 3);
    let big = 0.0;
    let sgn = 1.0;
    for (let t = 0; t < n; t++) {
      const x = load<f64>(row + (<usize>t << 3));
      if (abs(x) > big) { big = abs(x); sgn = x < 0 ? -1.0 : 1.0; }
    }
    for (let t = 0; t < n; t++) {
      store<f64>(vectors + ((<usize>t * <usize>n + <usize>k) << 3), sgn * load<f64>(row + (<usize>t << 3)));
    }
  }
  return 0;
}

/** Householder reduction (tred2): on exit d = diagonal, e[1..n) = subdiagonal, W = accumulated Qᵀ. */
function tridiagonalize(w: usize, n: i32, d: usize, e: usize): void {
  for (let j = 0; j < n; j++) store<f64>(d + (<usize>j << 3), load<f64>(wAt(w, n, n - 1, j)));
  for (let i = n - 1; i > 0; i--) {
    let scale = 0.0;
    let h = 0.0;
    for (let k = 0; k < i; k++) scale += abs(load<f64>(d + (<usize>k << 3)));
    if (scale == 0.0) {
      store<f64>(e + (<usize>i << 3), load<f64>(d + (<usize>(i - 1) << 3)));
      for (let j = 0; j < i; j++) {
        store<f64>(d + (<usize>j << 3), load<f64>(wAt(w, n, i - 1, j)));
        store<f64>(wAt(w, n, i, j), 0.0);
        store<f64>(wAt(w, n, j, i), 0.0);
      }
    } else {
      for (let k = 0; k < i; k++) {
        const dk = load<f64>(d + (<usize>k << 3)) / scale;
        store<f64>(d + (<usize>k << 3), dk);
        h += dk * dk;
      }
      let f = load<f64>(d + (<usize>(i - 1) << 3));
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      store<f64>(e + (<usize>i << 3), scale * g);
      h -= f * g;
      store<f64>(d + (<usize>(i - 1) << 3), f - g);
      for (let j = 0; j < i; j++) store<f64>(e + (<usize>j << 3), 0.0);
      for (let j = 0; j < i; j++) {
        f = load<f64>(d + (<usize>j << 3));
        store<f64>(wAt(w, n, j, i), f);
        const col = w + ((<usize>j * <usize>n) << 3); // V[k][j] = col[k]
        g = load<f64>(e + (<usize>j << 3)) + load<f64>(col + (<usize>j << 3)) * f;
        for (let k = j + 1; k <= i - 1; k++) {
          const vkj = load<f64>(col + (<usize>k << 3));
          g += vkj * load<f64>(d + (<usize>k << 3));
          store<f64>(e + (<usize>k << 3), load<f64>(e + (<usize>k << 3)) + vkj * f);
        }
        store<f64>(e + (<usize>j << 3), g);
      }
      f = 0.0;
      for (let j = 0; j < i; j++) {
        const ej = load<f64>(e + (<usize>j << 3)) / h;
        store<f64>(e + (<usize>j << 3), ej);
        f += ej * load<f64>(d + (<usize>j << 3));
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) {
        store<f64>(e + (<usize>j << 3), load<f64>(e + (<usize>j << 3)) - hh * load<f64>(d + (<usize>j << 3)));
      }
      for (let j = 0; j < i; j++) {
        f = load<f64>(d + (<usize>j << 3));
        g = load<f64>(e + (<usize>j << 3));
        const col = w + ((<usize>j * <usize>n) << 3);
        const fv = f64x2.splat(f);
        const gv = f64x2.splat(g);
        let k = j;
        for (; k + 1 <= i - 1; k += 2) {
          const o = <usize>k << 3;
          const upd = f64x2.add(f64x2.mul(fv, v128.load(e + o)), f64x2.mul(gv, v128.load(d + o)));
          v128.store(col + o, f64x2.sub(v128.load(col + o), upd));
        }
        for (; k <= i - 1; k++) {
          const o = <usize>k << 3;
          store<f64>(col + o, load<f64>(col + o) - (f * load<f64>(e + o) + g * load<f64>(d + o)));
        }
        store<f64>(d + (<usize>j << 3), load<f64>(wAt(w, n, i - 1, j)));
        store<f64>(wAt(w, n, i, j), 0.0);
      }
    }
    store<f64>(d + (<usize>i << 3), h);
  }
  // Accumulate the transformations.
  for (let i = 0; i < n - 1; i++) {
    store<f64>(wAt(w, n, n - 1, i), load<f64>(wAt(w, n, i, i)));
    store<f64>(wAt(w, n, i, i), 1.0);
    const h = load<f64>(d + (<usize>(i + 1) << 3));
    const next = w + ((<usize>(i + 1) * <usize>n) << 3); // V[k][i+1] = next[k]
    if (h != 0.0) {
      for (let k = 0; k <= i; k++) store<f64>(d + (<usize>k << 3), load<f64>(next + (<usize>k << 3)) / h);
      for (let j = 0; j <= i; j++) {
        const col = w + ((<usize>j * <usize>n) << 3);
        let g = 0.0;
        for (let k = 0; k <= i; k++) g += load<f64>(next + (<usize>k << 3)) * load<f64>(col + (<usize>k << 3));
        for (let k = 0; k <= i; k++) {
          const o = <usize>k << 3;
          store<f64>(col + o, load<f64>(col + o) - g * load<f64>(d + o));
        }
      }
    }
    for (let k = 0; k <= i; k++) store<f64>(next + (<usize>k << 3), 0.0);
  }
  for (let j = 0; j < n; j++) {
    store<f64>(d + (<usize>j << 3), load<f64>(wAt(w, n, n - 1, j)));
    store<f64>(wAt(w, n, n - 1, j), 0.0);
  }
  store<f64>(wAt(w, n, n - 1, n - 1), 1.0);
  store<f64>(e, 0.0);
}

/** Implicit QL on the tridiagonal (d, e) (tql2), rotating the rows of W. False if it fails to converge. */
function qlImplicit(w: usize, n: i32, d: usize, e: usize): bool {
  for (let i = 1; i < n; i++) store<f64>(e + (<usize>(i - 1) << 3), load<f64>(e + (<usize>i << 3)));
  store<f64>(e + (<usize>(n - 1) << 3), 0.0);
  let f = 0.0;
  let tst1 = 0.0;
  const eps = 2.220446049250313e-16;
  const maxIter = 30 * n + 30;
  for (let l = 0; l < n; l++) {
    tst1 = max(tst1, abs(load<f64>(d + (<usize>l << 3))) + abs(load<f64>(e + (<usize>l << 3))));
    let m = l;
    while (m < n - 1) {
      if (abs(load<f64>(e + (<usize>m << 3))) <= eps * tst1) break;
      m++;
    }
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > maxIter) return false;
        let g = load<f64>(d + (<usize>l << 3));
        const el = load<f64>(e + (<usize>l << 3));
        let p = (load<f64>(d + (<usize>(l + 1) << 3)) - g) / (2.0 * el);
        let r = Math.hypot(p, 1.0);
        if (p < 0) r = -r;
        store<f64>(d + (<usize>l << 3), el / (p + r));
        store<f64>(d + (<usize>(l + 1) << 3), el * (p + r));
        const dl1 = load<f64>(d + (<usize>(l + 1) << 3));
        let h = g - load<f64>(d + (<usize>l << 3));
        for (let i = l + 2; i < n; i++) store<f64>(d + (<usize>i << 3), load<f64>(d + (<usize>i << 3)) - h);
        f += h;
        p = load<f64>(d + (<usize>m << 3));
        let c = 1.0;
        let c2 = c;
        let c3 = c;
        const el1 = load<f64>(e + (<usize>(l + 1) << 3));
        let s = 0.0;
        let s2 = 0.0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          const ei = load<f64>(e + (<usize>i << 3));
          const di = load<f64>(d + (<usize>i << 3));
          g = c * ei;
          h = c * p;
          r = Math.hypot(p, ei);
          store<f64>(e + (<usize>(i + 1) << 3), s * r);
          s = ei / r;
          c = p / r;
          p = c * di - s * g;
          store<f64>(d + (<usize>(i + 1) << 3), h + s * (c * g + s * di));
          rot(w + ((<usize>i * <usize>n) << 3), w + ((<usize>(i + 1) * <usize>n) << 3), n, c, s);
        }
        p = (-s * s2 * c3 * el1 * load<f64>(e + (<usize>l << 3))) / dl1;
        store<f64>(e + (<usize>l << 3), s * p);
        store<f64>(d + (<usize>l << 3), c * p);
      } while (abs(load<f64>(e + (<usize>l << 3))) > eps * tst1);
    }
    store<f64>(d + (<usize>l << 3), load<f64>(d + (<usize>l << 3)) + f);
    store<f64>(e + (<usize>l << 3), 0.0);
  }
  return true;
}
