// Blocked matrix products C = op(A)·op(B) for the nn family, f64 (f64x2) and f32 (f32x4).
//
// Layout follows the classic packed-panel scheme: a KC×NC block of op(B) is copied into column
// panels NR wide (zero-padded), an MC×KC block of op(A) into row panels MR tall, and a register
// micro-kernel multiplies one A panel by one B panel over KC, keeping the MR×NR tile of C in
// registers. Packing reads op(A)/op(B) with either transposition, so the transposed products the
// backward pass needs cost no extra transpose. The sum over p runs in increasing order inside a
// KC block and block after block, so results depend only on the shapes (deterministic), and every
// multiply and add is a separate IEEE operation (no fused multiply-add).
//
// The caller passes `scratch` of nnMatmulScratchBytes(...) bytes (16-byte aligned); kernels never
// allocate.

const MR: i32 = 4;
const NR64: i32 = 4; // two f64x2 per row of the tile
const NR32: i32 = 8; // two f32x4 per row of the tile
const KC: i32 = 256;
const MC: i32 = 64;
const NC: i32 = 512;

@inline function roundUp(v: i32, m: i32): i32 { return ((v + m - 1) / m) * m; }

/** Scratch bytes for one nnMatmulF64 / nnMatmulF32 call (the packed panels and one edge tile). */
export function nnMatmulScratchBytes(m: i32, k: i32, n: i32, elemBytes: i32): i32 {
  const kc = min<i32>(KC, max<i32>(k, 1));
  const nr = elemBytes == 8 ? NR64 : NR32;
  const nc = roundUp(min<i32>(NC, max<i32>(n, 1)), nr);
  const mc = roundUp(min<i32>(MC, max<i32>(m, 1)), MR);
  return (kc * nc + mc * kc + MR * nr) * elemBytes + 64;
}

/** Register-tile width in elements: two v128 per tile row (4 doubles or 8 floats). */
@inline function nrOf<T>(): i32 { return sizeof<T>() == 8 ? NR64 : NR32; }

/**
 * Packs op(B)[pc..pc+kc, jc..jc+nc] into NR-wide panels, dst[(jp·kc + p)·NR + j], zero-padded.
 * A panel row is 32 bytes in both dtypes.
 */
function packB<T>(b: usize, k: i32, n: i32, tb: bool, pc: i32, kc: i32, jc: i32, nc: i32, dst: usize): void {
  const NR = nrOf<T>();
  const E = <usize>sizeof<T>();
  const panels = (nc + NR - 1) / NR;
  for (let jp = 0; jp < panels; jp++) {
    const j0 = jc + jp * NR;
    const w = min<i32>(NR, jc + nc - j0);
    const base = dst + (<usize>(jp * kc) << 5);
    if (!tb && w == NR) {
      // rows of B are contiguous: two 16-byte copies per p
      for (let p = 0; p < kc; p++) {
        const src = b + (<usize>(pc + p) * <usize>n + <usize>j0) * E;
        const d = base + (<usize>p << 5);
        v128.store(d, v128.load(src));
        v128.store(d, v128.load(src, 16), 16);
      }
      continue;
    }
    for (let p = 0; p < kc; p++) {
      const d = base + (<usize>p << 5);
      for (let j = 0; j < NR; j++) {
        let v: T = <T>0;
        if (j < w) {
          // op(B)[p, j] = B[p, j] (k×n) or B[j, p] (n×k)
          v = tb
            ? load<T>(b + (<usize>(j0 + j) * <usize>k + <usize>(pc + p)) * E)
            : load<T>(b + (<usize>(pc + p) * <usize>n + <usize>(j0 + j)) * E);
        }
        store<T>(d + <usize>j * E, v);
      }
    }
  }
}

/** Packs op(A)[ic..ic+mc, pc..pc+kc] into MR-tall panels: dst[(ip·kc + p)·MR + r], zero-padded. */
function packA<T>(a: usize, m: i32, k: i32, ta: bool, ic: i32, mc: i32, pc: i32, kc: i32, dst: usize): void {
  const E = <usize>sizeof<T>();
  const panels = (mc + MR - 1) / MR;
  for (let ip = 0; ip < panels; ip++) {
    const i0 = ic + ip * MR;
    const h = min<i32>(MR, ic + mc - i0);
    const base = dst + <usize>(ip * kc * MR) * E;
    if (ta && h == MR) {
      // op(A)[i, p] = A[p, i] (A is k×m): MR consecutive values per p
      for (let p = 0; p < kc; p++) {
        const src = a + (<usize>(pc + p) * <usize>m + <usize>i0) * E;
        const d = base + <usize>(p * MR) * E;
        v128.store(d, v128.load(src));
        if (sizeof<T>() == 8) v128.store(d, v128.load(src, 16), 16);
      }
      continue;
    }
    for (let r = 0; r < MR; r++) {
      if (r < h) {
        const row = a + (<usize>(i0 + r) * <usize>k + <usize>pc) * E;
        for (let p = 0; p < kc; p++) {
          const v = ta
            ? load<T>(a + (<usize>(pc + p) * <usize>m + <usize>(i0 + r)) * E)
            : load<T>(row + <usize>p * E);
          store<T>(base + <usize>(p * MR + r) * E, v);
        }
      } else {
        for (let p = 0; p < kc; p++) store<T>(base + <usize>(p * MR + r) * E, <T>0);
      }
    }
  }
}

/**
 * The 4×4 f64 register tile: C[0..4, 0..4] (+)= Σ_p pa[p, 0..4]ᵀ pb[p, 0..4]. Writes the whole tile
 * to `c` with row stride `ldc` bytes; `add` accumulates into what is there.
 */
@inline function micro64(pa: usize, pb: usize, kc: i32, c: usize, ldc: usize, add: bool): void {
  let c00 = f64x2.splat(0), c01 = f64x2.splat(0);
  let c10 = f64x2.splat(0), c11 = f64x2.splat(0);
  let c20 = f64x2.splat(0), c21 = f64x2.splat(0);
  let c30 = f64x2.splat(0), c31 = f64x2.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load64_splat(pa);
    c00 = f64x2.add(c00, f64x2.mul(a, b0));
    c01 = f64x2.add(c01, f64x2.mul(a, b1));
    a = v128.load64_splat(pa, 8);
    c10 = f64x2.add(c10, f64x2.mul(a, b0));
    c11 = f64x2.add(c11, f64x2.mul(a, b1));
    a = v128.load64_splat(pa, 16);
    c20 = f64x2.add(c20, f64x2.mul(a, b0));
    c21 = f64x2.add(c21, f64x2.mul(a, b1));
    a = v128.load64_splat(pa, 24);
    c30 = f64x2.add(c30, f64x2.mul(a, b0));
    c31 = f64x2.add(c31, f64x2.mul(a, b1));
    pa += 32;
    pb += 32;
  }
  if (add) {
    c00 = f64x2.add(c00, v128.load(c)); c01 = f64x2.add(c01, v128.load(c, 16));
    c += ldc;
    c10 = f64x2.add(c10, v128.load(c)); c11 = f64x2.add(c11, v128.load(c, 16));
    c += ldc;
    c20 = f64x2.add(c20, v128.load(c)); c21 = f64x2.add(c21, v128.load(c, 16));
    c += ldc;
    c30 = f64x2.add(c30, v128.load(c)); c31 = f64x2.add(c31, v128.load(c, 16));
    c -= 3 * ldc;
  }
  v128.store(c, c00); v128.store(c, c01, 16);
  c += ldc;
  v128.store(c, c10); v128.store(c, c11, 16);
  c += ldc;
  v128.store(c, c20); v128.store(c, c21, 16);
  c += ldc;
  v128.store(c, c30); v128.store(c, c31, 16);
}

/** The 4×8 f32 register tile (two f32x4 per row), as micro64. */
@inline function micro32(pa: usize, pb: usize, kc: i32, c: usize, ldc: usize, add: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = f32x4.add(c00, f32x4.mul(a, b0));
    c01 = f32x4.add(c01, f32x4.mul(a, b1));
    a = v128.load32_splat(pa, 4);
    c10 = f32x4.add(c10, f32x4.mul(a, b0));
    c11 = f32x4.add(c11, f32x4.mul(a, b1));
    a = v128.load32_splat(pa, 8);
    c20 = f32x4.add(c20, f32x4.mul(a, b0));
    c21 = f32x4.add(c21, f32x4.mul(a, b1));
    a = v128.load32_splat(pa, 12);
    c30 = f32x4.add(c30, f32x4.mul(a, b0));
    c31 = f32x4.add(c31, f32x4.mul(a, b1));
    pa += 16;
    pb += 32;
  }
  if (add) {
    c00 = f32x4.add(c00, v128.load(c)); c01 = f32x4.add(c01, v128.load(c, 16));
    c += ldc;
    c10 = f32x4.add(c10, v128.load(c)); c11 = f32x4.add(c11, v128.load(c, 16));
    c += ldc;
    c20 = f32x4.add(c20, v128.load(c)); c21 = f32x4.add(c21, v128.load(c, 16));
    c += ldc;
    c30 = f32x4.add(c30, v128.load(c)); c31 = f32x4.add(c31, v128.load(c, 16));
    c -= 3 * ldc;
  }
  v128.store(c, c00); v128.store(c, c01, 16);
  c += ldc;
  v128.store(c, c10); v128.store(c, c11, 16);
  c += ldc;
  v128.store(c, c20); v128.store(c, c21, 16);
  c += ldc;
  v128.store(c, c30); v128.store(c, c31, 16);
}

@inline function micro<T>(pa: usize, pb: usize, kc: i32, c: usize, ldc: usize, add: bool): void {
  if (sizeof<T>() == 8) micro64(pa, pb, kc, c, ldc, add);
  else micro32(pa, pb, kc, c, ldc, add);
}

/** The blocked product for either dtype (see the header); the micro-kernel is the only difference. */
function matmul<T>(a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, ta: i32, tb: i32, scratch: usize): void {
  const E = <usize>sizeof<T>();
  const NR = nrOf<T>();
  if (m == 0 || n == 0) return;
  if (k == 0) {
    memory.fill(c, 0, <usize>m * <usize>n * E);
    return;
  }
  const kcMax = min<i32>(KC, k);
  const ncMax = roundUp(min<i32>(NC, n), NR);
  const mcMax = roundUp(min<i32>(MC, m), MR);
  const pb = (scratch + 15) & ~(<usize>15);
  const pa = pb + <usize>(kcMax * ncMax) * E;
  const tile = pa + <usize>(mcMax * kcMax) * E;
  const ldc = <usize>n * E;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min<i32>(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min<i32>(KC, k - pc);
      const add = pc > 0;
      packB<T>(b, k, n, tb != 0, pc, kc, jc, nc, pb);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min<i32>(MC, m - ic);
        packA<T>(a, m, k, ta != 0, ic, mc, pc, kc, pa);
        for (let jp = 0; jp * NR < nc; jp++) {
          const j0 = jc + jp * NR;
          const w = min<i32>(NR, n - j0);
          const bp = pb + (<usize>(jp * kc) << 5);
          for (let ip = 0; ip * MR < mc; ip++) {
            const i0 = ic + ip * MR;
            const h = min<i32>(MR, m - i0);
            const ap = pa + <usize>(ip * kc * MR) * E;
            const cij = c + <usize>i0 * ldc + <usize>j0 * E;
            if (h == MR && w == NR) {
              micro<T>(ap, bp, kc, cij, ldc, add);
            } else {
              // edge tile: compute the full tile aside, then merge the valid part
              micro<T>(ap, bp, kc, tile, <usize>NR * E, false);
              for (let r = 0; r < h; r++) {
                for (let j = 0; j < w; j++) {
                  const dst = cij + <usize>r * ldc + <usize>j * E;
                  const v = load<T>(tile + <usize>(r * NR + j) * E);
                  store<T>(dst, add ? load<T>(dst) + v : v);
                }
              }
            }
          }
        }
      }
    }
  }
}

/**
 * C (m×n, row-major) = op(A)·op(B), op(A) m×k, op(B) k×n. `ta`: A is stored k×m (use Aᵀ);
 * `tb`: B is stored n×k (use Bᵀ). C must not overlap A or B.
 */
export function nnMatmulF64(a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, ta: i32, tb: i32, scratch: usize): void {
  matmul<f64>(a, b, c, m, k, n, ta, tb, scratch);
}

/** nnMatmulF64 for float32 data: products and sums in f32 (f32x4). */
export function nnMatmulF32(a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, ta: i32, tb: i32, scratch: usize): void {
  matmul<f32>(a, b, c, m, k, n, ta, tb, scratch);
}

// ---------------------------------------------------------------- SIMD peak probes

/**
 * The multiply-add peak of this engine: `chains` independent accumulators, each updated
 * acc ← acc·m + c per step (a multiply and a dependent add, no FMA), for `steps` steps. Twelve
 * f64x2 chains hide the mul+add latency without spilling registers. Returns a lane sum so the
 * work cannot be removed. Flops = steps · 12 · 2 lanes · 2.
 */
export function nnPeakProbeF64(steps: i32, m: f64, c: f64): f64 {
  const mv = f64x2.splat(m);
  const cv = f64x2.splat(c);
  let a0 = f64x2.splat(0.1), a1 = f64x2.splat(0.2), a2 = f64x2.splat(0.3), a3 = f64x2.splat(0.4);
  let a4 = f64x2.splat(0.5), a5 = f64x2.splat(0.6), a6 = f64x2.splat(0.7), a7 = f64x2.splat(0.8);
  let a8 = f64x2.splat(0.9), a9 = f64x2.splat(1.0), a10 = f64x2.splat(1.1), a11 = f64x2.splat(1.2);
  for (let s = 0; s < steps; s++) {
    a0 = f64x2.add(f64x2.mul(a0, mv), cv);
    a1 = f64x2.add(f64x2.mul(a1, mv), cv);
    a2 = f64x2.add(f64x2.mul(a2, mv), cv);
    a3 = f64x2.add(f64x2.mul(a3, mv), cv);
    a4 = f64x2.add(f64x2.mul(a4, mv), cv);
    a5 = f64x2.add(f64x2.mul(a5, mv), cv);
    a6 = f64x2.add(f64x2.mul(a6, mv), cv);
    a7 = f64x2.add(f64x2.mul(a7, mv), cv);
    a8 = f64x2.add(f64x2.mul(a8, mv), cv);
    a9 = f64x2.add(f64x2.mul(a9, mv), cv);
    a10 = f64x2.add(f64x2.mul(a10, mv), cv);
    a11 = f64x2.add(f64x2.mul(a11, mv), cv);
  }
  const s = f64x2.add(
    f64x2.add(f64x2.add(f64x2.add(a0, a1), f64x2.add(a2, a3)), f64x2.add(f64x2.add(a4, a5), f64x2.add(a6, a7))),
    f64x2.add(f64x2.add(a8, a9), f64x2.add(a10, a11)),
  );
  return f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
}

/** nnPeakProbeF64 with f32x4 lanes: flops = steps · 12 · 4 lanes · 2. */
export function nnPeakProbeF32(steps: i32, m: f32, c: f32): f64 {
  const mv = f32x4.splat(m);
  const cv = f32x4.splat(c);
  let a0 = f32x4.splat(0.1), a1 = f32x4.splat(0.2), a2 = f32x4.splat(0.3), a3 = f32x4.splat(0.4);
  let a4 = f32x4.splat(0.5), a5 = f32x4.splat(0.6), a6 = f32x4.splat(0.7), a7 = f32x4.splat(0.8);
  let a8 = f32x4.splat(0.9), a9 = f32x4.splat(1.0), a10 = f32x4.splat(1.1), a11 = f32x4.splat(1.2);
  for (let s = 0; s < steps; s++) {
    a0 = f32x4.add(f32x4.mul(a0, mv), cv);
    a1 = f32x4.add(f32x4.mul(a1, mv), cv);
    a2 = f32x4.add(f32x4.mul(a2, mv), cv);
    a3 = f32x4.add(f32x4.mul(a3, mv), cv);
    a4 = f32x4.add(f32x4.mul(a4, mv), cv);
    a5 = f32x4.add(f32x4.mul(a5, mv), cv);
    a6 = f32x4.add(f32x4.mul(a6, mv), cv);
    a7 = f32x4.add(f32x4.mul(a7, mv), cv);
    a8 = f32x4.add(f32x4.mul(a8, mv), cv);
    a9 = f32x4.add(f32x4.mul(a9, mv), cv);
    a10 = f32x4.add(f32x4.mul(a10, mv), cv);
    a11 = f32x4.add(f32x4.mul(a11, mv), cv);
  }
  const s = f32x4.add(
    f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7))),
    f32x4.add(f32x4.add(a8, a9), f32x4.add(a10, a11)),
  );
  return <f64>(f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3));
}
