// The f32 path of the convolutional barycenter (convolutionalBarycenter(…, { precision: 'f32' })): the
// separable Gibbs-kernel product out = Kr · X · Kc of ./convolution.ts with the two 1-D kernels stored as
// f32 and both passes run as small matrix products in f32x4 lanes with blocked accumulation:
//   C[i, k] = Σ_t A[i, t]·B[t, k] (A p × r, B r × q, f32), tiles of 4 rows × 8 columns (eight f32x4
//   accumulators, each load of B serving four rows and each A entry eight columns), the sum over t cut
//   into blocks of CONV_BLOCK = 32 terms: within a block the lanes add in f32 in t order, after it they
//   are promoted (exactly) and added to the f64 output. Columns beyond the last multiple of 4 are summed
//   in f64.
// Pass 1: T = fl32(X)·Kc; pass 2: out = Kr·fl32(T) (Kr, Kc symmetric). Error: all terms are ≥ 0 (the
// kernels and the scalings are), so a block of L terms whose inputs are f32 has relative error
// ≤ (L + 1)·2⁻²⁴ to first order (L − 1 additions, the product, and the rounding of X resp. T to f32),
// and adding non-negative blocks in f64 keeps it: each entry of T is within 33·2⁻²⁴ of fl32(X)·Kc, each
// entry of out within (33 + 34)·2⁻²⁴ ≈ 4e-6 relative of X·Kc' composed with Kr' (Kr', Kc' the stored f32
// kernels, each entry within half an f32 ulp of the f64 kernel). test/ot/convolutional-f32.test.ts checks
// this bound entrywise against an f64 product of the same f32 kernels.
// No allocation, no state, no throw.

import { roundToF32 } from "./f32x4";

// @ts-ignore: decorator
@inline const CONV_BLOCK = 32;

@inline function widenLo(a: v128): v128 {
  return f64x2.promote_low_f32x4(a);
}
@inline function widenHi(a: v128): v128 {
  return f64x2.promote_low_f32x4(v128.shuffle<i32>(a, a, 2, 3, 2, 3));
}
/** C[0..4) += the four f32 lanes of a, promoted to f64. */
@inline function flush4(c: usize, a: v128): void {
  v128.store(c, f64x2.add(v128.load(c), widenLo(a)));
  v128.store(c, f64x2.add(v128.load(c, 16), widenHi(a)), 16);
}

/**
 * C (p × q, f64, row-major) = A (p × r, f32) · B (r × q, f32) as the file's comment says (C overwritten).
 */
export function otMatMulF32x4(A: usize, p: i32, r: i32, B: usize, q: i32, C: usize): void {
  memory.fill(C, 0, (<usize>p * <usize>q) << 3);
  const p4 = p & ~3;
  const q8 = q & ~7;
  const q4 = q & ~3;
  const ar = <usize>r << 2; // bytes per row of A
  const br = <usize>q << 2; // bytes per row of B
  const cr = <usize>q << 3; // bytes per row of C
  for (let t0 = 0; t0 < r; t0 += CONV_BLOCK) {
    const t1 = min(r, t0 + CONV_BLOCK);
    let i = 0;
    for (; i < p4; i += 4) {
      const a0 = A + <usize>i * ar;
      const c0 = C + <usize>i * cr;
      let k = 0;
      for (; k < q8; k += 8) {
        let s0 = f32x4.splat(0);
        let s1 = f32x4.splat(0);
        let s2 = f32x4.splat(0);
        let s3 = f32x4.splat(0);
        let h0 = f32x4.splat(0);
        let h1 = f32x4.splat(0);
        let h2 = f32x4.splat(0);
        let h3 = f32x4.splat(0);
        for (let t = t0; t < t1; t++) {
          const b = B + <usize>t * br + (<usize>k << 2);
          const bl = v128.load(b);
          const bh = v128.load(b, 16);
          const ap = a0 + (<usize>t << 2);
          const x0 = v128.load32_splat(ap);
          const x1 = v128.load32_splat(ap + ar);
          const x2 = v128.load32_splat(ap + 2 * ar);
          const x3 = v128.load32_splat(ap + 3 * ar);
          s0 = f32x4.add(s0, f32x4.mul(x0, bl));
          h0 = f32x4.add(h0, f32x4.mul(x0, bh));
          s1 = f32x4.add(s1, f32x4.mul(x1, bl));
          h1 = f32x4.add(h1, f32x4.mul(x1, bh));
          s2 = f32x4.add(s2, f32x4.mul(x2, bl));
          h2 = f32x4.add(h2, f32x4.mul(x2, bh));
          s3 = f32x4.add(s3, f32x4.mul(x3, bl));
          h3 = f32x4.add(h3, f32x4.mul(x3, bh));
        }
        const c = c0 + (<usize>k << 3);
        flush4(c, s0);
        flush4(c + 32, h0);
        flush4(c + cr, s1);
        flush4(c + cr + 32, h1);
        flush4(c + 2 * cr, s2);
        flush4(c + 2 * cr + 32, h2);
        flush4(c + 3 * cr, s3);
        flush4(c + 3 * cr + 32, h3);
      }
      if (k < q4) {
        let s0 = f32x4.splat(0);
        let s1 = f32x4.splat(0);
        let s2 = f32x4.splat(0);
        let s3 = f32x4.splat(0);
        for (let t = t0; t < t1; t++) {
          const bl = v128.load(B + <usize>t * br + (<usize>k << 2));
          const ap = a0 + (<usize>t << 2);
          s0 = f32x4.add(s0, f32x4.mul(v128.load32_splat(ap), bl));
          s1 = f32x4.add(s1, f32x4.mul(v128.load32_splat(ap + ar), bl));
          s2 = f32x4.add(s2, f32x4.mul(v128.load32_splat(ap + 2 * ar), bl));
          s3 = f32x4.add(s3, f32x4.mul(v128.load32_splat(ap + 3 * ar), bl));
        }
        const c = c0 + (<usize>k << 3);
        flush4(c, s0);
        flush4(c + cr, s1);
        flush4(c + 2 * cr, s2);
        flush4(c + 3 * cr, s3);
      }
    }
    for (; i < p; i++) {
      const a0 = A + <usize>i * ar;
      const c0 = C + <usize>i * cr;
      for (let k = 0; k < q4; k += 4) {
        let s = f32x4.splat(0);
        for (let t = t0; t < t1; t++) s = f32x4.add(s, f32x4.mul(v128.load32_splat(a0 + (<usize>t << 2)), v128.load(B + <usize>t * br + (<usize>k << 2))));
        flush4(c0 + (<usize>k << 3), s);
      }
    }
  }
  // The last q mod 4 columns: f64 sums over all t, in order.
  for (let k = q4; k < q; k++) {
    for (let i = 0; i < p; i++) {
      let s = 0.0;
      for (let t = 0; t < r; t++) s += <f64>load<f32>(A + <usize>i * ar + (<usize>t << 2)) * <f64>load<f32>(B + <usize>t * br + (<usize>k << 2));
      store<f64>(C + <usize>i * cr + (<usize>k << 3), s);
    }
  }
}

/**
 * out = Kr · X · Kc (rows × cols, f64) with the f32 kernels Kr (rows × rows) and Kc (cols × cols):
 * T = fl32(X)·Kc then out = Kr·fl32(T), both by otMatMulF32x4. xf: rows·cols f32 scratch (fl32(X), then
 * fl32(T)); tmp: rows·cols f64 (T).
 */
export function otConvolve2dF32(Kr: usize, Kc: usize, x: usize, rows: i32, cols: i32, xf: usize, tmp: usize, out: usize): void {
  const N = rows * cols;
  roundToF32(x, N, xf);
  otMatMulF32x4(xf, rows, cols, Kc, cols, tmp);
  roundToF32(tmp, N, xf);
  otMatMulF32x4(Kr, rows, rows, xf, cols, out);
}

/** dst[k] = fl32(src[k]) for k < len (f64 → f32); returns how many nonzero entries became 0 (underflow). */
export function otToF32(src: usize, len: i32, dst: usize): i32 {
  roundToF32(src, len, dst);
  let zeros = 0;
  for (let k = 0; k < len; k++) {
    if (load<f32>(dst + (<usize>k << 2)) == 0 && load<f64>(src + (<usize>k << 3)) != 0) zeros++;
  }
  return zeros;
}
