// Tensor kernels for Tucker decompositions. A row-major tensor of any order N is viewed around its
// mode n as a 3-way array (L, I, R): L = I₀⋯Iₙ₋₁, I = Iₙ, R = Iₙ₊₁⋯I_{N−1}, so that element
// (l, i, r) sits at x[(l·I + i)·R + r]. The mode-n unfolding X₍ₙ₎ (Kolda & Bader 2009, Sec. 2.4) has
// entry (i, (l, r)) — up to a column order that no Gram matrix or product below depends on — so
// every kernel works on the tensor in place and never materialises the unfolding.

import { axpy, dot } from "../linalg/blas";

/** Σ x[0..n)², or −1 if some entry is NaN or ±Inf. Four f64x2 accumulators. */
export function sumSquares(x: usize, n: i32): f64 {
  let a0 = f64x2.splat(0);
  let a1 = f64x2.splat(0);
  let a2 = f64x2.splat(0);
  let a3 = f64x2.splat(0);
  let bad = v128.splat<i64>(0);
  const n8 = n & ~7;
  for (let i = 0; i < n8; i += 8) {
    const p = x + (<usize>i << 3);
    const u0 = v128.load(p);
    const u1 = v128.load(p, 16);
    const u2 = v128.load(p, 32);
    const u3 = v128.load(p, 48);
    a0 = f64x2.add(a0, f64x2.mul(u0, u0));
    a1 = f64x2.add(a1, f64x2.mul(u1, u1));
    a2 = f64x2.add(a2, f64x2.mul(u2, u2));
    a3 = f64x2.add(a3, f64x2.mul(u3, u3));
    bad = v128.or(bad, v128.or(v128.or(f64x2.sub(u0, u0), f64x2.sub(u1, u1)), v128.or(f64x2.sub(u2, u2), f64x2.sub(u3, u3))));
  }
  const s = f64x2.add(f64x2.add(a0, a1), f64x2.add(a2, a3));
  let total = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
  let flag = 0.0;
  for (let i = n8; i < n; i++) {
    const v = load<f64>(x + (<usize>i << 3));
    total += v * v;
    flag += v - v;
  }
  return v128.any_true(bad) || flag != 0 ? -1.0 : total;
}

/** Upper triangle of g (m×m) += v vᵀ, row by row (contiguous). */
@inline function rank1Upper(g: usize, m: i32, v: usize): void {
  for (let i = 0; i < m; i++) {
    const vi = load<f64>(v + (<usize>i << 3));
    if (vi == 0) continue;
    axpy(g + ((<usize>i * <usize>m + <usize>i) << 3), v + (<usize>i << 3), m - i, vi);
  }
}

/** Copies the upper triangle of the m×m matrix g into its lower triangle. */
@inline function mirrorUpper(g: usize, m: i32): void {
  for (let i = 0; i < m; i++) {
    for (let j = i + 1; j < m; j++) {
      store<f64>(g + ((<usize>j * <usize>m + <usize>i) << 3), load<f64>(g + ((<usize>i * <usize>m + <usize>j) << 3)));
    }
  }
}

/** Row length R from which the Gram kernel takes dot products of contiguous rows instead of rank-1 updates. */
const DOT_MIN_R: i32 = 8;

/**
 * Mode-n Gram matrix G = X₍ₙ₎X₍ₙ₎ᵀ (I×I, row-major) of the tensor x viewed as (L, I, R):
 * G[i, j] = Σ_{l, r} x[l, i, r]·x[l, j, r]. For R ≥ 8 each slice x[l] (I×R, contiguous rows) adds its
 * row dot products; for short rows the columns x[l, :, r] are gathered into `col` (I doubles of
 * scratch) and added as rank-1 updates with contiguous f64x2 row updates. Exactly symmetric output.
 */
export function modeGram(x: usize, L: i32, I: i32, R: i32, g: usize, col: usize): void {
  memory.fill(g, 0, (<usize>I * <usize>I) << 3);
  if (R >= DOT_MIN_R) {
    for (let l = 0; l < L; l++) {
      const slab = x + ((<usize>l * <usize>I * <usize>R) << 3);
      for (let i = 0; i < I; i++) {
        const ri = slab + ((<usize>i * <usize>R) << 3);
        for (let j = i; j < I; j++) {
          const o = g + ((<usize>i * <usize>I + <usize>j) << 3);
          store<f64>(o, load<f64>(o) + dot(ri, slab + ((<usize>j * <usize>R) << 3), R));
        }
      }
    }
  } else {
    for (let l = 0; l < L; l++) {
      const slab = x + ((<usize>l * <usize>I * <usize>R) << 3);
      for (let r = 0; r < R; r++) {
        if (R == 1) {
          rank1Upper(g, I, slab);
        } else {
          for (let i = 0; i < I; i++) {
            store<f64>(col + (<usize>i << 3), load<f64>(slab + ((<usize>i * <usize>R + <usize>r) << 3)));
          }
          rank1Upper(g, I, col);
        }
      }
    }
  }
  mirrorUpper(g, I);
}

/**
 * The "other side" Gram matrix X₍ₙ₎ᵀX₍ₙ₎ (J×J, J = L·R, row-major, column (l, r) ↦ l·R + r):
 * G[(l,r), (l',r')] = Σ_i x[l, i, r]·x[l', i, r']. Same nonzero spectrum as modeGram; cheaper when
 * I > J. `col` is scratch for J doubles.
 */
export function modeGramDual(x: usize, L: i32, I: i32, R: i32, g: usize, col: usize): void {
  const J = L * R;
  memory.fill(g, 0, (<usize>J * <usize>J) << 3);
  for (let i = 0; i < I; i++) {
    for (let l = 0; l < L; l++) {
      memory.copy(col + ((<usize>l * <usize>R) << 3), x + (((<usize>l * <usize>I + <usize>i) * <usize>R) << 3), <usize>R << 3);
    }
    rank1Upper(g, J, col);
  }
  mirrorUpper(g, J);
}

/**
 * n-mode product Y = X ×ₙ M (Kolda & Bader 2009, Sec. 2.5): M is K×I row-major, Y is (L, K, R) with
 * Y[l, k, r] = Σ_i M[k, i]·x[l, i, r] (Y₍ₙ₎ = M X₍ₙ₎). `y` must not overlap `x`. For R ≥ 2 rows of Y
 * are built by f64x2 axpys over contiguous rows of x; for R = 1 by dot products with rows of M.
 */
export function modeProduct(x: usize, L: i32, I: i32, R: i32, m: usize, K: i32, y: usize): void {
  for (let l = 0; l < L; l++) {
    const xs = x + ((<usize>l * <usize>I * <usize>R) << 3);
    const ys = y + ((<usize>l * <usize>K * <usize>R) << 3);
    if (R == 1) {
      for (let k = 0; k < K; k++) store<f64>(ys + (<usize>k << 3), dot(m + ((<usize>k * <usize>I) << 3), xs, I));
    } else {
      memory.fill(ys, 0, (<usize>K * <usize>R) << 3);
      for (let k = 0; k < K; k++) {
        const yr = ys + ((<usize>k * <usize>R) << 3);
        const mr = m + ((<usize>k * <usize>I) << 3);
        for (let i = 0; i < I; i++) {
          const mki = load<f64>(mr + (<usize>i << 3));
          if (mki != 0) axpy(yr, xs + ((<usize>i * <usize>R) << 3), R, mki);
        }
      }
    }
  }
}
