// The f32 path of scaling Sinkhorn: the Gibbs kernel K is stored as f32 (half the bytes of f64, so
// half the memory traffic of the two mat-vecs that dominate an iteration) while u, v, K v, Kᵀ u and
// every accumulation stay f64. Each pair of f32 entries of K is promoted to an f64x2 and multiplied in f64,
// so the only rounding that differs from the f64 path is K's own: the iteration is exactly the f64
// iteration for the kernel K' = fl32(K) = K∘(1 + δ), |δ| ≤ 2⁻²⁴, i.e. for the cost
// M' = M − reg·log(1 + δ), |M' − M| ≤ reg·2⁻²⁴·(1 + 2⁻²³) entrywise. Summation orders:
//   K' v: per row, two f64x2 accumulators over column quads (j..j+3: lanes (j, j+1) in the first,
//         (j+2, j+3) in the second), combined first + second, lanes added, the last m mod 4 columns
//         in order;
//   K'ᵀ u: per column, over the rows in order from 0.
// No allocation, no state, no throw. Kernels reading user data return 1 when it is not finite.

@inline function at(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}
@inline function put(p: usize, i: i32, x: f64): void {
  store<f64>(p + (<usize>i << 3), x);
}
@inline function kat(p: usize, i: i32): f64 {
  return <f64>load<f32>(p + (<usize>i << 2));
}
/** The two f32 at p + off promoted to f64x2 (a 64-bit load: cheaper here than a 128-bit load and a shuffle). */
@inline function lo(p: usize, off: usize): v128 {
  return f64x2.promote_low_f32x4(v128.load64_zero(p + off));
}

/**
 * K[k] = fl32(exp(−M[k]/reg)) for k < len (exp in f64, then rounded to nearest f32; values below the
 * f32 range become subnormal or 0). Returns 1 if M holds NaN/±Inf.
 */
export function otGibbsF32(M: usize, len: i32, reg: f64, K: usize): i32 {
  let bad = 0.0;
  const r = -1.0 / reg;
  for (let k = 0; k < len; k++) {
    const x = at(M, k);
    bad += x - x;
    store<f32>(K + (<usize>k << 2), <f32>Math.exp(x * r));
  }
  return bad == 0 ? 0 : 1;
}

@inline function finishRow(a: v128, b: v128, row: usize, x: usize, m: i32): f64 {
  const s = f64x2.add(a, b);
  let t = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
  for (let j = m & ~3; j < m; j++) t += kat(row, j) * at(x, j);
  return t;
}

/** out[i] = Σ_j K[i, j]·v[j] for f32 K (n × m), f64 v and accumulation; four rows at a time. */
export function otKvF32(K: usize, n: i32, m: i32, v: usize, out: usize): void {
  const m4 = m & ~3;
  const rb = <usize>m << 2;
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const r0 = K + <usize>i * rb;
    let a0 = f64x2.splat(0);
    let b0 = f64x2.splat(0);
    let a1 = f64x2.splat(0);
    let b1 = f64x2.splat(0);
    let a2 = f64x2.splat(0);
    let b2 = f64x2.splat(0);
    let a3 = f64x2.splat(0);
    let b3 = f64x2.splat(0);
    for (let j = 0; j < m4; j += 4) {
      const xo = v + (<usize>j << 3);
      const xl = v128.load(xo);
      const xh = v128.load(xo, 16);
      let r = r0 + (<usize>j << 2);
      a0 = f64x2.add(a0, f64x2.mul(lo(r, 0), xl));
      b0 = f64x2.add(b0, f64x2.mul(lo(r, 8), xh));
      r += rb;
      a1 = f64x2.add(a1, f64x2.mul(lo(r, 0), xl));
      b1 = f64x2.add(b1, f64x2.mul(lo(r, 8), xh));
      r += rb;
      a2 = f64x2.add(a2, f64x2.mul(lo(r, 0), xl));
      b2 = f64x2.add(b2, f64x2.mul(lo(r, 8), xh));
      r += rb;
      a3 = f64x2.add(a3, f64x2.mul(lo(r, 0), xl));
      b3 = f64x2.add(b3, f64x2.mul(lo(r, 8), xh));
    }
    put(out, i, finishRow(a0, b0, r0, v, m));
    put(out, i + 1, finishRow(a1, b1, r0 + rb, v, m));
    put(out, i + 2, finishRow(a2, b2, r0 + 2 * rb, v, m));
    put(out, i + 3, finishRow(a3, b3, r0 + 3 * rb, v, m));
  }
  for (; i < n; i++) {
    const row = K + <usize>i * rb;
    let a = f64x2.splat(0);
    let b = f64x2.splat(0);
    for (let j = 0; j < m4; j += 4) {
      const r = row + (<usize>j << 2);
      const xo = v + (<usize>j << 3);
      a = f64x2.add(a, f64x2.mul(lo(r, 0), v128.load(xo)));
      b = f64x2.add(b, f64x2.mul(lo(r, 8), v128.load(xo, 16)));
    }
    put(out, i, finishRow(a, b, row, v, m));
  }
}

/**
 * out[j] = Σ_i K[i, j]·u[i] for f32 K (n × m), f64 u and accumulation over the rows in order:
 * 16-column chunks (one cache line of K per row, eight f64x2 registers) over blocks of rows that stay
 * in L2, then the tail columns one by one.
 */
export function otKtuF32(K: usize, n: i32, m: i32, u: usize, out: usize): void {
  const m16 = m & ~15;
  const rb = <usize>m << 2;
  const ib = max(8, 65536 / max(1, m));
  memory.fill(out, 0, <usize>m << 3);
  for (let i0 = 0; i0 < n; i0 += ib) {
    const i1 = min(n, i0 + ib);
    for (let j = 0; j < m16; j += 16) {
      const o = out + (<usize>j << 3);
      let p0 = v128.load(o);
      let p1 = v128.load(o, 16);
      let p2 = v128.load(o, 32);
      let p3 = v128.load(o, 48);
      let p4 = v128.load(o, 64);
      let p5 = v128.load(o, 80);
      let p6 = v128.load(o, 96);
      let p7 = v128.load(o, 112);
      let r = K + <usize>i0 * rb + (<usize>j << 2);
      for (let i = i0; i < i1; i++) {
        const a = v128.load64_splat(u + (<usize>i << 3));
        p0 = f64x2.add(p0, f64x2.mul(lo(r, 0), a));
        p1 = f64x2.add(p1, f64x2.mul(lo(r, 8), a));
        p2 = f64x2.add(p2, f64x2.mul(lo(r, 16), a));
        p3 = f64x2.add(p3, f64x2.mul(lo(r, 24), a));
        p4 = f64x2.add(p4, f64x2.mul(lo(r, 32), a));
        p5 = f64x2.add(p5, f64x2.mul(lo(r, 40), a));
        p6 = f64x2.add(p6, f64x2.mul(lo(r, 48), a));
        p7 = f64x2.add(p7, f64x2.mul(lo(r, 56), a));
        r += rb;
      }
      v128.store(o, p0);
      v128.store(o, p1, 16);
      v128.store(o, p2, 32);
      v128.store(o, p3, 48);
      v128.store(o, p4, 64);
      v128.store(o, p5, 80);
      v128.store(o, p6, 96);
      v128.store(o, p7, 112);
    }
    for (let j = m16; j < m; j++) {
      let s = at(out, j);
      let r = K + <usize>i0 * rb + (<usize>j << 2);
      for (let i = i0; i < i1; i++) {
        s += <f64>load<f32>(r) * at(u, i);
        r += rb;
      }
      put(out, j, s);
    }
  }
}

/**
 * Plan out[i, j] = u[i]·K[i, j]·v[j] from the f32 kernel (out may be 0: not written) and returns
 * ⟨P, M⟩ = Σ_i Σ_j u[i]·K[i, j]·v[j]·M[i, j] (f64 throughout after promoting K).
 */
export function otPlanF32(K: usize, M: usize, n: i32, m: i32, u: usize, v: usize, out: usize): f64 {
  let c = 0.0;
  for (let i = 0; i < n; i++) {
    const ui = at(u, i);
    const ko = K + ((<usize>i * <usize>m) << 2);
    const off = (<usize>i * <usize>m) << 3;
    let s = 0.0;
    for (let j = 0; j < m; j++) {
      const p = ui * <f64>load<f32>(ko + (<usize>j << 2)) * at(v, j);
      if (out != 0) store<f64>(out + off + (<usize>j << 3), p);
      s += p * load<f64>(M + off + (<usize>j << 3));
    }
    c += s;
  }
  return c;
}
