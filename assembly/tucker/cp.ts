// Kernels of the CP (CANDECOMP/PARAFAC) decomposition. Factor matrices are row-major Iₖ × R; a
// Khatri–Rao product of factors is row-major too, with the row of the FIRST factor varying slowest,
// so that for a row-major tensor viewed around mode n as (L, I, R′) the left block L is indexed by
// the Khatri–Rao product of the factors before n and the right block R′ by that of the factors after n.

import { axpy, dot } from "../linalg/blas";

/**
 * Column-wise Khatri–Rao product out = a ⊙ b: out[(i·J + j)·R + r] = a[i·R + r]·b[j·R + r]
 * (a: I×R, b: J×R, out: (I·J)×R, not overlapping a or b). Rows are multiplied two columns at a time.
 */
export function khatriRaoKernel(a: usize, I: i32, b: usize, J: i32, R: i32, out: usize): void {
  const R2 = R & ~1;
  const rowBytes = <usize>R << 3;
  for (let i = 0; i < I; i++) {
    const ar = a + <usize>i * rowBytes;
    for (let j = 0; j < J; j++) {
      const br = b + <usize>j * rowBytes;
      const o = out + (<usize>i * <usize>J + <usize>j) * rowBytes;
      for (let r = 0; r < R2; r += 2) {
        const k = <usize>r << 3;
        v128.store(o + k, f64x2.mul(v128.load(ar + k), v128.load(br + k)));
      }
      if (R2 < R) {
        const k = <usize>R2 << 3;
        store<f64>(o + k, load<f64>(ar + k) * load<f64>(br + k));
      }
    }
  }
}

/** Row length R′ from which mttkrp takes dot products along the tensor's contiguous rows. */
const DOT_MIN_RIGHT: i32 = 4;
/** Rank from which mttkrp's short-row path updates whole factor rows (length R) instead of columns (length I). */
const DOT_MIN_RANK: i32 = 8;

/**
 * Matricized tensor times Khatri–Rao product for mode n (Bader & Kolda 2008, Sec. 3.5):
 * out[i, r] = Σ_{l, q} x[l, i, q] · kl[l, r] · krt[r, q], with x viewed around mode n as (L, I, R′),
 * kl (L×R) the Khatri–Rao product of the factors before mode n (a row of ones when n = 0) and krt
 * (R×R′) the TRANSPOSE of that of the factors after n (ones when n = N−1). out is I×R.
 * For R′ ≥ 4 each tensor row is dotted with the R rows of krt (contiguous, f64x2). For short rows
 * (R′ < 4, e.g. the last mode) and R ≥ 8, each entry adds x·(kl[l] ∘ kr[q]) to a factor row (axpys of
 * length R); for R < 8 the result is accumulated transposed in `tmp` by axpys over i (length I) and
 * transposed into out. `tmp` holds I×R doubles.
 * Never forms the unfolding nor the full Khatri–Rao product.
 */
export function mttkrp(x: usize, L: i32, I: i32, Rp: i32, kl: usize, krt: usize, R: i32, out: usize, tmp: usize): void {
  memory.fill(out, 0, (<usize>I * <usize>R) << 3);
  if (Rp >= DOT_MIN_RIGHT) {
    for (let l = 0; l < L; l++) {
      const klr = kl + ((<usize>l * <usize>R) << 3);
      for (let i = 0; i < I; i++) {
        const xr = x + (((<usize>l * <usize>I + <usize>i) * <usize>Rp) << 3);
        const o = out + ((<usize>i * <usize>R) << 3);
        for (let r = 0; r < R; r++) {
          const w = load<f64>(klr + (<usize>r << 3));
          if (w == 0) continue;
          const p = o + (<usize>r << 3);
          store<f64>(p, load<f64>(p) + w * dot(xr, krt + ((<usize>r * <usize>Rp) << 3), Rp));
        }
      }
    }
    return;
  }
  if (R >= DOT_MIN_RANK) {
    // Long factor rows: out[i, :] += x[l, i, q]·(kl[l, :] ∘ kr[q, :]), the product row built once per
    // (l, q) in `tmp` (R doubles), then one contiguous axpy of length R per tensor entry.
    for (let l = 0; l < L; l++) {
      const klr = kl + ((<usize>l * <usize>R) << 3);
      const xs = x + ((<usize>l * <usize>I * <usize>Rp) << 3);
      for (let q = 0; q < Rp; q++) {
        for (let r = 0; r < R; r++) {
          store<f64>(tmp + (<usize>r << 3), load<f64>(klr + (<usize>r << 3)) * load<f64>(krt + ((<usize>r * <usize>Rp + <usize>q) << 3)));
        }
        for (let i = 0; i < I; i++) {
          const w = load<f64>(xs + ((<usize>i * <usize>Rp + <usize>q) << 3));
          if (w != 0) axpy(out + ((<usize>i * <usize>R) << 3), tmp, R, w);
        }
      }
    }
    return;
  }
  memory.fill(tmp, 0, (<usize>I * <usize>R) << 3);
  for (let l = 0; l < L; l++) {
    const xs = x + ((<usize>l * <usize>I * <usize>Rp) << 3);
    for (let q = 0; q < Rp; q++) {
      for (let r = 0; r < R; r++) {
        const c = load<f64>(kl + ((<usize>l * <usize>R + <usize>r) << 3)) * load<f64>(krt + ((<usize>r * <usize>Rp + <usize>q) << 3));
        if (c == 0) continue;
        const t = tmp + ((<usize>r * <usize>I) << 3);
        if (Rp == 1) {
          axpy(t, xs, I, c);
        } else {
          for (let i = 0; i < I; i++) {
            const p = t + (<usize>i << 3);
            store<f64>(p, load<f64>(p) + c * load<f64>(xs + ((<usize>i * <usize>Rp + <usize>q) << 3)));
          }
        }
      }
    }
  }
  for (let i = 0; i < I; i++) {
    for (let r = 0; r < R; r++) {
      store<f64>(out + ((<usize>i * <usize>R + <usize>r) << 3), load<f64>(tmp + ((<usize>r * <usize>I + <usize>i) << 3)));
    }
  }
}

/**
 * Residual of a CP model against a tensor viewed as L×I (I = the last mode): the model's entry is
 * x̂[l, i] = Σ_r k[l, r]·a[i, r] (k: L×R, the Khatri–Rao product of the other factors with the
 * weights folded in; a: I×R, the last factor), one f64x2 dot of two contiguous rows per entry.
 * Returns Σ m[l, i]·(x[l, i] − x̂[l, i])² with m = the 0/1 mask at `mask`, or 1 everywhere when
 * mask = 0. When fill ≠ 0 it also writes fill[l, i] = x[l, i] where m = 1 and x̂[l, i] where m = 0
 * (the EM imputation of missing entries); fill must not overlap x.
 */
export function cpResidual(x: usize, mask: usize, k: usize, L: i32, a: usize, I: i32, R: i32, fill: usize): f64 {
  let total = 0.0;
  for (let l = 0; l < L; l++) {
    const kr = k + ((<usize>l * <usize>R) << 3);
    const o = (<usize>l * <usize>I) << 3;
    for (let i = 0; i < I; i++) {
      const oi = o + (<usize>i << 3);
      const xv = load<f64>(x + oi);
      const hv = dot(kr, a + ((<usize>i * <usize>R) << 3), R);
      const d = xv - hv;
      if (mask == 0) {
        total += d * d;
        if (fill != 0) store<f64>(fill + oi, xv);
      } else {
        const m = load<f64>(mask + oi);
        total += m * d * d;
        if (fill != 0) store<f64>(fill + oi, m != 0 ? xv : hv);
      }
    }
  }
  return total;
}

/** Σ (a[i] − b[i])² over n entries (f64x2). */
export function sumSquaredDiff(a: usize, b: usize, n: i32): f64 {
  let acc0 = f64x2.splat(0);
  let acc1 = f64x2.splat(0);
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const o = <usize>i << 3;
    const d0 = f64x2.sub(v128.load(a + o), v128.load(b + o));
    const d1 = f64x2.sub(v128.load(a + o, 16), v128.load(b + o, 16));
    acc0 = f64x2.add(acc0, f64x2.mul(d0, d0));
    acc1 = f64x2.add(acc1, f64x2.mul(d1, d1));
  }
  const s = f64x2.add(acc0, acc1);
  let total = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
  for (let i = n4; i < n; i++) {
    const d = load<f64>(a + (<usize>i << 3)) - load<f64>(b + (<usize>i << 3));
    total += d * d;
  }
  return total;
}
