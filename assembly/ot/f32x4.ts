// The f32 arithmetic path of scaling Sinkhorn: the Gibbs kernel K is stored as f32 and the two
// mat-vecs K v and Kᵀ u multiply and add in f32x4 lanes (four products per instruction, twice the f64x2
// width, half the bytes read), with the partial sums kept short so the error stays bounded:
//   K v:  per row, four f32 lane sums (one f32x4 accumulator over column quads j..j+3), each over a
//         block of KV_BLOCK = 64 columns, i.e. at most 16 terms per lane; after each block the lanes are
//         promoted to f64 (exactly) and added to an f64x2 row sum. The last m mod 4 columns in f64.
//         One accumulator per row (four rows per pass) rather than two: with eight f32x4 accumulators
//         plus the row sums V8 runs short of vector registers, and the pass took ~25 % longer.
//   Kᵀ u: per column, one f32 lane over a block of KTU_BLOCK = 32 rows (reading K row after row, four
//         rows per pass over an f32 scratch row), then added to the f64 output; the last m mod 4
//         columns in f64.
// otStepF32x4 does u = a ⊘ K v and then Kᵀ u with one pass over K (each block of rows serves both while
// it is in cache): half the memory traffic of the two kernels, the same bits.
// The scalings u, v themselves stay f64 (the divisions are done in f64); each kernel first rounds its
// input vector to f32 into a scratch buffer.
// Error: all terms are ≥ 0 (K ≥ 0, u, v > 0), so a lane sum of L terms with products and inputs rounded
// to f32 has relative error ≤ (L + 2)·2⁻²⁴ (the input rounding, the product rounding, L − 1 additions,
// to first order), and adding non-negative numbers in f64 keeps the larger relative error: every entry of
// K v is within 18·2⁻²⁴ ≈ 1.1e-6 relative of the exact K' v (K' the stored f32 kernel), every entry of
// Kᵀ u within 34·2⁻²⁴ ≈ 2.0e-6. test/ot/f32.test.ts checks both bounds entrywise against f64 sums.
// Measured at n = m = 1024 (random u, v in [0.1, 1.1]): 0.6 and 0.9·2⁻²⁴ (the bounds are worst cases; the roundings mostly cancel).
// No allocation, no state, no throw. Kernels reading user data return 1 when it is not finite.

// @ts-ignore: decorator
@inline export const KV_BLOCK = 64;
// @ts-ignore: decorator
@inline export const KTU_BLOCK = 32;

@inline function at(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}
@inline function put(p: usize, i: i32, x: f64): void {
  store<f64>(p + (<usize>i << 3), x);
}
/** Lanes 0, 1 of an f32x4 as f64x2 plus lanes 2, 3 as f64x2 (exact). */
@inline export function widenSum(a: v128): v128 {
  return f64x2.add(f64x2.promote_low_f32x4(a), f64x2.promote_low_f32x4(v128.shuffle<i32>(a, a, 2, 3, 2, 3)));
}
/** dst[k] = fl32(src[k]) for k < len, four at a time. */
export function roundToF32(src: usize, len: i32, dst: usize): void {
  const l4 = len & ~3;
  let k = 0;
  for (; k < l4; k += 4) {
    const lo = f32x4.demote_f64x2_zero(v128.load(src + (<usize>k << 3)));
    const hi = f32x4.demote_f64x2_zero(v128.load(src + (<usize>k << 3), 16));
    v128.store(dst + (<usize>k << 2), v128.shuffle<i32>(lo, hi, 0, 1, 4, 5));
  }
  for (; k < len; k++) store<f32>(dst + (<usize>k << 2), <f32>at(src, k));
}

/**
 * K[k] = fl32(exp(−M[k]/reg)) for k < len, four entries per step. With t = −M[k]/reg clamped to
 * [−110, 89] (e^−110 rounds to 0 in f32 and e^89 overflows to +∞, so the clamp changes nothing):
 * t = k·ln 2 + r, k = round(t/ln 2), |r| ≤ ln2/2, both in f64 (r exact to ~1e-14); e^r in f32x4 by
 * 1 + r + r²·p(r), p of degree 5 (Cephes' expf coefficients: relative error ≲ 1.2·2⁻²⁴ on that interval,
 * plus the f32 rounding of r and of each Horner step); then multiplied by 2^k1 with k1 = ⌊k/2⌋, which
 * is exact (k1 ≥ −80 keeps the product a normal f32), and by 2^(k − k1), the only rounding (so
 * subnormal results are rounded once, correctly; the same bits as promoting to f64, scaling by 2^k and
 * rounding to f32, in fewer instructions). Measured against the correctly rounded fl32(exp(t)): within
 * 2 f32 ulp everywhere (test/ot/f32.test.ts). Returns 1 if M holds NaN/±Inf.
 */
export function otGibbsF32x4(M: usize, len: i32, reg: f64, K: usize): i32 {
  const nr = f64x2.splat(-1.0 / reg);
  let bad = f64x2.splat(0);
  const l4 = len & ~3;
  for (let k = 0; k < l4; k += 4) {
    const x0 = v128.load(M + (<usize>k << 3));
    const x1 = v128.load(M + (<usize>k << 3), 16);
    bad = f64x2.add(bad, f64x2.add(f64x2.sub(x0, x0), f64x2.sub(x1, x1)));
    v128.store(K + (<usize>k << 2), exp4(f64x2.mul(x0, nr), f64x2.mul(x1, nr)));
  }
  if (l4 < len) {
    // The last len mod 4 entries: padded with 0 (read from M only where it has entries), stored one by one.
    const k = l4;
    let x0 = f64x2.splat(0);
    let x1 = f64x2.splat(0);
    x0 = f64x2.replace_lane(x0, 0, load<f64>(M + (<usize>k << 3)));
    if (k + 1 < len) x0 = f64x2.replace_lane(x0, 1, load<f64>(M + (<usize>k << 3), 8));
    if (k + 2 < len) x1 = f64x2.replace_lane(x1, 0, load<f64>(M + (<usize>k << 3), 16));
    bad = f64x2.add(bad, f64x2.add(f64x2.sub(x0, x0), f64x2.sub(x1, x1)));
    const e = exp4(f64x2.mul(x0, nr), f64x2.mul(x1, nr));
    store<f32>(K + (<usize>k << 2), f32x4.extract_lane(e, 0));
    if (k + 1 < len) store<f32>(K + (<usize>k << 2), f32x4.extract_lane(e, 1), 4);
    if (k + 2 < len) store<f32>(K + (<usize>k << 2), f32x4.extract_lane(e, 2), 8);
  }
  return f64x2.extract_lane(bad, 0) + f64x2.extract_lane(bad, 1) == 0 ? 0 : 1;
}

/** fl32(exp) of the four f64 lanes of t0, t1 (see otGibbsF32x4). */
@inline function exp4(t0: v128, t1: v128): v128 {
  const shift = f64x2.splat(6755399441055744.0); // 1.5·2⁵²: adding it rounds to an integer held in the low bits
  const hi = f64x2.splat(89.0);
  const lo = f64x2.splat(-110.0);
  const log2e = f64x2.splat(1.4426950408889634);
  const ln2 = f64x2.splat(0.6931471805599453);
  t0 = f64x2.pmax(f64x2.pmin(t0, hi), lo);
  t1 = f64x2.pmax(f64x2.pmin(t1, hi), lo);
  const kd0 = f64x2.add(f64x2.mul(t0, log2e), shift);
  const kd1 = f64x2.add(f64x2.mul(t1, log2e), shift);
  const r0 = f64x2.sub(t0, f64x2.mul(f64x2.sub(kd0, shift), ln2));
  const r1 = f64x2.sub(t1, f64x2.mul(f64x2.sub(kd1, shift), ln2));
  const r = v128.shuffle<i32>(f32x4.demote_f64x2_zero(r0), f32x4.demote_f64x2_zero(r1), 0, 1, 4, 5);
  let p = f32x4.splat(<f32>1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(<f32>1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(<f32>8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(<f32>4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(<f32>1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(<f32>5.0000001201e-1));
  p = f32x4.add(f32x4.add(f32x4.mul(p, f32x4.mul(r, r)), r), f32x4.splat(<f32>1.0));
  // k (−159 ≤ k ≤ 129) is the low 32-bit word of each kd lane (two's complement); 2^k1 and 2^(k − k1)
  // are built as f32 bit patterns ((e + 127) << 23), both exponents within [−80, 65].
  const k = v128.shuffle<i32>(kd0, kd1, 0, 2, 4, 6);
  const k1 = i32x4.shr_s(k, 1);
  const bias = i32x4.splat(127);
  const s1 = i32x4.shl(i32x4.add(k1, bias), 23);
  const s2 = i32x4.shl(i32x4.add(i32x4.sub(k, k1), bias), 23);
  return f32x4.mul(f32x4.mul(p, s1), s2);
}

/** A row of K v: the lanes of its f64x2 block sums d added, then its last columns [m4, m) (m4 = m & ~3) in f64, in order. */
@inline export function rowSum(d: v128, row: usize, v: usize, m4: i32, m: i32): f64 {
  let t = f64x2.extract_lane(d, 0) + f64x2.extract_lane(d, 1);
  for (let c = m4; c < m; c++) t += <f64>load<f32>(row + (<usize>c << 2)) * at(v, c);
  return t;
}

/**
 * dst[0..3] = (K v) of the four rows starting at r0 (row stride rb bytes), as the file's comment says.
 * Running pointers (p: row r0 at column j, x: fl32(v) at column j) rather than indexed addresses: V8
 * otherwise recomputes the four row addresses from spilled locals on every step (~10 % of the pass).
 */
@inline export function kvRows4(r0: usize, rb: usize, vf: usize, v: usize, m: i32, dst: usize): void {
  const m4 = m & ~3;
  let d0 = f64x2.splat(0);
  let d1 = d0;
  let d2 = d0;
  let d3 = d0;
  for (let j0 = 0; j0 < m4; j0 += KV_BLOCK) {
    let a0 = f32x4.splat(0);
    let a1 = a0;
    let a2 = a0;
    let a3 = a0;
    let p = r0 + (<usize>j0 << 2);
    let x = vf + (<usize>j0 << 2);
    const end = vf + (<usize>min(m4, j0 + KV_BLOCK) << 2);
    for (; x < end; x += 16, p += 16) {
      const xq = v128.load(x);
      const p1 = p + rb;
      const p2 = p1 + rb;
      a0 = f32x4.add(a0, f32x4.mul(v128.load(p), xq));
      a1 = f32x4.add(a1, f32x4.mul(v128.load(p1), xq));
      a2 = f32x4.add(a2, f32x4.mul(v128.load(p2), xq));
      a3 = f32x4.add(a3, f32x4.mul(v128.load(p2 + rb), xq));
    }
    d0 = f64x2.add(d0, widenSum(a0));
    d1 = f64x2.add(d1, widenSum(a1));
    d2 = f64x2.add(d2, widenSum(a2));
    d3 = f64x2.add(d3, widenSum(a3));
  }
  store<f64>(dst, rowSum(d0, r0, v, m4, m));
  store<f64>(dst, rowSum(d1, r0 + rb, v, m4, m), 8);
  store<f64>(dst, rowSum(d2, r0 + 2 * rb, v, m4, m), 16);
  store<f64>(dst, rowSum(d3, r0 + 3 * rb, v, m4, m), 24);
}

/** (K v) of the single row at `row`, in the same order as kvRows4 uses for each of its rows. */
@inline export function kvRow1(row: usize, vf: usize, v: usize, m: i32): f64 {
  const m4 = m & ~3;
  let d = f64x2.splat(0);
  for (let j0 = 0; j0 < m4; j0 += KV_BLOCK) {
    let a = f32x4.splat(0);
    let p = row + (<usize>j0 << 2);
    let x = vf + (<usize>j0 << 2);
    const end = vf + (<usize>min(m4, j0 + KV_BLOCK) << 2);
    for (; x < end; x += 16, p += 16) a = f32x4.add(a, f32x4.mul(v128.load(p), v128.load(x)));
    d = f64x2.add(d, widenSum(a));
  }
  return rowSum(d, row, v, m4, m);
}

/**
 * out[i] = Σ_j K[i, j]·v[j] for f32 K (n × m), with f32x4 products and blockwise f32 lane sums combined
 * in f64 (see the file's comment for the order and the error bound). vf: scratch for m f32 (fl32(v)).
 * Four rows at a time.
 */
export function otKvF32x4(K: usize, n: i32, m: i32, v: usize, vf: usize, out: usize): void {
  roundToF32(v, m, vf);
  const rb = <usize>m << 2;
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) kvRows4(K + <usize>i * rb, rb, vf, v, m, out + (<usize>i << 3));
  for (; i < n; i++) put(out, i, kvRow1(K + <usize>i * rb, vf, v, m));
}

/**
 * acc[0..m4) += Σ over the four rows at r0 of K[row]·u[row] (f32x4, added in row order). Two column
 * quads per step with running pointers: ~5 % less time for the fused step than one quad per step with
 * indexed addresses (the same operations on each lane, so the same bits).
 */
@inline export function accRows4(r0: usize, rb: usize, uq: usize, acc: usize, m4: i32): void {
  const u0 = v128.load32_splat(uq);
  const u1 = v128.load32_splat(uq, 4);
  const u2 = v128.load32_splat(uq, 8);
  const u3 = v128.load32_splat(uq, 12);
  let p = r0;
  let q = acc;
  const end = acc + (<usize>(m4 & ~7) << 2);
  for (; q < end; q += 32, p += 32) {
    let a = v128.load(q);
    let b = v128.load(q, 16);
    a = f32x4.add(a, f32x4.mul(v128.load(p), u0));
    b = f32x4.add(b, f32x4.mul(v128.load(p, 16), u0));
    let r = p + rb;
    a = f32x4.add(a, f32x4.mul(v128.load(r), u1));
    b = f32x4.add(b, f32x4.mul(v128.load(r, 16), u1));
    r += rb;
    a = f32x4.add(a, f32x4.mul(v128.load(r), u2));
    b = f32x4.add(b, f32x4.mul(v128.load(r, 16), u2));
    r += rb;
    a = f32x4.add(a, f32x4.mul(v128.load(r), u3));
    b = f32x4.add(b, f32x4.mul(v128.load(r, 16), u3));
    v128.store(q, a);
    v128.store(q, b, 16);
  }
  if (m4 & 4) {
    // the last quad when m4 is not a multiple of 8
    let a = v128.load(q);
    a = f32x4.add(a, f32x4.mul(v128.load(p), u0));
    a = f32x4.add(a, f32x4.mul(v128.load(p + rb), u1));
    a = f32x4.add(a, f32x4.mul(v128.load(p + 2 * rb), u2));
    a = f32x4.add(a, f32x4.mul(v128.load(p + 3 * rb), u3));
    v128.store(q, a);
  }
}
@inline export function accRow1(r0: usize, uq: usize, acc: usize, m4: i32): void {
  const u0 = v128.load32_splat(uq);
  for (let j = 0; j < m4; j += 4) {
    const o = <usize>j << 2;
    v128.store(acc + o, f32x4.add(v128.load(acc + o), f32x4.mul(v128.load(r0 + o), u0)));
  }
}
/** out[0..m4) += acc promoted to f64 (a block's column sums). */
@inline export function flushAcc(acc: usize, out: usize, m4: i32): void {
  for (let j = 0; j < m4; j += 4) {
    const a = v128.load(acc + (<usize>j << 2));
    const o = out + (<usize>j << 3);
    v128.store(o, f64x2.add(v128.load(o), f64x2.promote_low_f32x4(a)));
    v128.store(o, f64x2.add(v128.load(o, 16), f64x2.promote_low_f32x4(v128.shuffle<i32>(a, a, 2, 3, 2, 3))), 16);
  }
}
/** out[j] = Σ_i K[i, j]·u[i] in f64, rows in order, for the tail columns j in [m4, m). */
@inline export function tailColumns(K: usize, n: i32, m: i32, u: usize, out: usize): void {
  const rb = <usize>m << 2;
  for (let j = m & ~3; j < m; j++) {
    let s = 0.0;
    let r = K + (<usize>j << 2);
    for (let i = 0; i < n; i++) {
      s += <f64>load<f32>(r) * at(u, i);
      r += rb;
    }
    put(out, j, s);
  }
}

/**
 * Rows i0 … i1 − 1 of the fused step (one KTU_BLOCK block): u[i] = a[i] / (K v)[i] (f64; a zero a[i]
 * gives 0), fl32(u[i]) into uf, and Σ_i K[i, ·]·fl32(u[i]) into the f32 column sums acc (cleared first;
 * the caller flushes them). Returns Σ (u[i] − u[i]): NaN when some u[i] is not finite, else 0. Shared by
 * otStepF32x4 and the batched step, so both run the same operations in the same order.
 */
@inline export function stepRows(K: usize, rb: usize, m: i32, m4: i32, a: usize, vf: usize, v: usize, u: usize, uf: usize, acc: usize, i0: i32, i1: i32): f64 {
  let bad = 0.0;
  memory.fill(acc, 0, <usize>m4 << 2);
  let i = i0;
  for (; i + 4 <= i1; i += 4) {
    const r0 = K + <usize>i * rb;
    kvRows4(r0, rb, vf, v, m, u + (<usize>i << 3));
    for (let k = i; k < i + 4; k++) {
      const ak = at(a, k);
      const q = ak == 0 ? 0.0 : ak / at(u, k);
      bad += q - q;
      put(u, k, q);
      store<f32>(uf + (<usize>k << 2), <f32>q);
    }
    accRows4(r0, rb, uf + (<usize>i << 2), acc, m4);
  }
  for (; i < i1; i++) {
    const r0 = K + <usize>i * rb;
    const ai = at(a, i);
    const q = ai == 0 ? 0.0 : ai / kvRow1(r0, vf, v, m);
    bad += q - q;
    put(u, i, q);
    store<f32>(uf + (<usize>i << 2), <f32>q);
    accRow1(r0, uf + (<usize>i << 2), acc, m4);
  }
  return bad;
}

/**
 * One f32 Sinkhorn half-step pair with a single pass over K: u = a ⊘ (K v) (u[i] = 0 where a[i] = 0,
 * in f64) and then w = Kᵀ u, each row block of K used for both while it is in cache. The arithmetic
 * and order are those of otKvF32x4 followed by otScale and otKtuF32x4, so the results are the same bits;
 * only the memory traffic halves. scratch: n + 2m f32. Returns 1 if some u[i] is not finite (then w is
 * not meaningful).
 */
export function otStepF32x4(K: usize, n: i32, m: i32, a: usize, v: usize, scratch: usize, u: usize, w: usize): i32 {
  const uf = scratch;
  const acc = uf + (<usize>n << 2);
  const vf = acc + (<usize>m << 2);
  roundToF32(v, m, vf);
  const m4 = m & ~3;
  const rb = <usize>m << 2;
  let bad = 0.0;
  memory.fill(w, 0, <usize>m << 3);
  for (let i0 = 0; i0 < n; i0 += KTU_BLOCK) {
    const i1 = min(n, i0 + KTU_BLOCK);
    bad += stepRows(K, rb, m, m4, a, vf, v, u, uf, acc, i0, i1);
    flushAcc(acc, w, m4);
  }
  tailColumns(K, n, m, u, w);
  return bad == 0 ? 0 : 1;
}

/**
 * out[j] = Σ_i K[i, j]·u[i] for f32 K (n × m), reading K row after row: over a block of KTU_BLOCK rows
 * the column sums are accumulated in f32 in a scratch row (one f32x4 per column quad, four rows added per
 * pass: acc + K[i]u[i] + K[i+1]u[i+1] + …, in row order), then each block's sums are promoted and added
 * to the f64 output. The last m mod 4 columns are summed in f64 in row order. scratch: n + m f32
 * (fl32(u), then the block's sums).
 */
export function otKtuF32x4(K: usize, n: i32, m: i32, u: usize, scratch: usize, out: usize): void {
  const uf = scratch;
  const acc = scratch + (<usize>n << 2);
  roundToF32(u, n, uf);
  const m4 = m & ~3;
  const rb = <usize>m << 2;
  memory.fill(out, 0, <usize>m << 3);
  for (let i0 = 0; i0 < n; i0 += KTU_BLOCK) {
    const i1 = min(n, i0 + KTU_BLOCK);
    memory.fill(acc, 0, <usize>m4 << 2);
    let i = i0;
    for (; i + 4 <= i1; i += 4) accRows4(K + <usize>i * rb, rb, uf + (<usize>i << 2), acc, m4);
    for (; i < i1; i++) accRow1(K + <usize>i * rb, uf + (<usize>i << 2), acc, m4);
    flushAcc(acc, out, m4);
  }
  tailColumns(K, n, m, u, out);
}

/**
 * Rows i0 … i1 − 1 of K = fl32(exp(−M/reg)) (otGibbsF32x4 on those rows; Mrows points at M's row i0, K
 * at row 0), and their terms of w = Kᵀu added while the rows are still in cache, so that sinkhorn's
 * first Kᵀu costs no extra pass over K. Called for consecutive row ranges covering [0, n) in order, it
 * leaves in w the bits of otKtuF32x4(K, n, m, u, scratch, w): the call with i0 = 0 rounds u to f32 and
 * clears w; the f32 column sums of each block of KTU_BLOCK rows (counted from row 0) live in scratch
 * across calls and are flushed into w when the block's last row is added (a range may end mid-block);
 * the last m mod 4 columns are added in f64 in row order, as tailColumns does. scratch: n + m f32.
 * Returns 1 if the rows of M hold NaN/±Inf.
 */
export function otGibbsKtuRowsF32x4(Mrows: usize, i0: i32, i1: i32, n: i32, m: i32, reg: f64, K: usize, u: usize, scratch: usize, w: usize): i32 {
  const rb = <usize>m << 2;
  const bad = otGibbsF32x4(Mrows, (i1 - i0) * m, reg, K + <usize>i0 * rb);
  const uf = scratch;
  const acc = scratch + (<usize>n << 2);
  const m4 = m & ~3;
  if (i0 == 0) {
    roundToF32(u, n, uf);
    memory.fill(w, 0, <usize>m << 3);
  }
  let i = i0;
  while (i < i1) {
    if (i % KTU_BLOCK == 0) memory.fill(acc, 0, <usize>m4 << 2);
    const blockEnd = min(n, (i / KTU_BLOCK + 1) * KTU_BLOCK);
    const e = min(i1, blockEnd);
    // accRows4 and four accRow1 calls give the same bits (each lane adds the rows' products in order).
    for (; i + 4 <= e; i += 4) accRows4(K + <usize>i * rb, rb, uf + (<usize>i << 2), acc, m4);
    for (; i < e; i++) accRow1(K + <usize>i * rb, uf + (<usize>i << 2), acc, m4);
    if (i == blockEnd) flushAcc(acc, w, m4);
  }
  for (let j = m4; j < m; j++) {
    let t = at(w, j);
    let r = K + <usize>i0 * rb + (<usize>j << 2);
    for (let k = i0; k < i1; k++) {
      t += <f64>load<f32>(r) * at(u, k);
      r += rb;
    }
    put(w, j, t);
  }
  return bad;
}

/**
 * Plan out[i, j] = fl32(u[i]·K[i, j]·v[j]) (the product in f64, rounded once; out is an n × m f32
 * array, or 0: not written), two entries per step, and returns ⟨P, M⟩ over the unrounded f64 products:
 * per row an f64x2 sum over column pairs, lanes added, the odd last column added last; rows summed in
 * order. The plan is f32 like K: its rounding (2⁻²⁴ relative) is far below K's and the sums' error.
 */
export function otPlanF32x2(K: usize, M: usize, n: i32, m: i32, u: usize, v: usize, out: usize): f64 {
  return planRows(K, M, n, m, u, v, out, 0.0);
}

/**
 * otPlanF32x2 for a block of `rows` rows (K, M, u and out point at the block's first row) whose row
 * costs are added to c0 in order and returned: calling it block after block with the running cost gives
 * the same plan and the same cost bits as one otPlanF32x2 call over all rows. sinkhorn's f32 path uses
 * it to build the plan in a small buffer (with M's rows copied next to it) that the bindings copy out
 * block by block, so neither M nor the plan need n·m entries of WASM memory.
 */
export function otPlanF32Rows(K: usize, M: usize, rows: i32, m: i32, u: usize, v: usize, out: usize, c0: f64): f64 {
  return planRows(K, M, rows, m, u, v, out, c0);
}

@inline function planRows(K: usize, M: usize, n: i32, m: i32, u: usize, v: usize, out: usize, c0: f64): f64 {
  let c = c0;
  const m2 = m & ~1;
  for (let i = 0; i < n; i++) {
    const ui = f64x2.splat(at(u, i));
    const ko = K + ((<usize>i * <usize>m) << 2);
    const oo = out + ((<usize>i * <usize>m) << 2);
    const mo = M + ((<usize>i * <usize>m) << 3);
    let s = f64x2.splat(0);
    if (out != 0) {
      for (let j = 0; j < m2; j += 2) {
        const p = f64x2.mul(f64x2.mul(ui, f64x2.promote_low_f32x4(v128.load64_zero(ko + (<usize>j << 2)))), v128.load(v + (<usize>j << 3)));
        v128.store64_lane(oo + (<usize>j << 2), f32x4.demote_f64x2_zero(p), 0);
        s = f64x2.add(s, f64x2.mul(p, v128.load(mo + (<usize>j << 3))));
      }
    } else {
      for (let j = 0; j < m2; j += 2) {
        const p = f64x2.mul(f64x2.mul(ui, f64x2.promote_low_f32x4(v128.load64_zero(ko + (<usize>j << 2)))), v128.load(v + (<usize>j << 3)));
        s = f64x2.add(s, f64x2.mul(p, v128.load(mo + (<usize>j << 3))));
      }
    }
    let t = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
    if (m2 < m) {
      const p = f64x2.extract_lane(ui, 0) * <f64>load<f32>(ko + (<usize>m2 << 2)) * at(v, m2);
      if (out != 0) store<f32>(oo + (<usize>m2 << 2), <f32>p);
      t += p * load<f64>(mo + (<usize>m2 << 3));
    }
    c += t;
  }
  return c;
}
