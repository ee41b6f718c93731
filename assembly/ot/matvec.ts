// Dense Gibbs-kernel mat-vecs in f64, shared by single and batched Sinkhorn (./sinkhorn.ts, ./batch.ts).
// The numbers are fixed by the per-entry summation order, whatever the traversal:
//   K v ("pair order"): per row i, one f64x2 accumulator over column pairs (j, j+1) in order from 0,
//        then lane 0 + lane 1, then the odd last column (if m is odd). Every traversal below (4 rows at
//        a time, 4 rows × 2 problems, one row) gives the same bits.
//   Kᵀ u: per column j, Σ_i K[i, j]·u[i] accumulated over the rows in order from 0 (as otKtu always did),
//        here four rows streamed at a time (one problem; measured faster than column chunks from
//        n = 32 to 1024) or 8-column chunks × 2 problems held in registers over L2-sized blocks of
//        rows (the batch).
// No allocation, no state, no throw.

@inline function at(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}
@inline function put(p: usize, i: i32, x: f64): void {
  store<f64>(p + (<usize>i << 3), x);
}

/** Finishes one pair-order sum: lanes added, then the odd last column. */
@inline export function kvFinish(acc: v128, row: usize, x: usize, m: i32): f64 {
  let t = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  if (m & 1) t += at(row, m - 1) * at(x, m - 1);
  return t;
}

/** One row in pair order: Σ_j row[j]·x[j]. */
@inline export function kvRow1(row: usize, x: usize, m: i32): f64 {
  const m2 = m & ~1;
  let acc = f64x2.splat(0);
  for (let j = 0; j < m2; j += 2) {
    const o = <usize>j << 3;
    acc = f64x2.add(acc, f64x2.mul(v128.load(row + o), v128.load(x + o)));
  }
  return kvFinish(acc, row, x, m);
}

/**
 * out[i] = Σ_j K[i, j]·v[j] (K n × m) in pair order: four rows at a time (four independent f64x2
 * accumulators share each load of v; eight rows measured slower here from n = 256 to 1024), the
 * remaining rows one by one.
 */
export function otKvPairs(K: usize, n: i32, m: i32, v: usize, out: usize): void {
  const rb = <usize>m << 3;
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) kvRows4(K + <usize>i * rb, rb, v, m, out + (<usize>i << 3));
  for (let i = n4; i < n; i++) put(out, i, kvRow1(K + <usize>i * rb, v, m));
}

/** Four rows (from r0, rb bytes apart) in pair order against x: out[0..4). */
@inline export function kvRows4(r0: usize, rb: usize, x: usize, m: i32, out: usize): void {
  const m2 = m & ~1;
  let a0 = f64x2.splat(0);
  let a1 = f64x2.splat(0);
  let a2 = f64x2.splat(0);
  let a3 = f64x2.splat(0);
  for (let j = 0; j < m2; j += 2) {
    const o = <usize>j << 3;
    const xv = v128.load(x + o);
    let r = r0 + o;
    a0 = f64x2.add(a0, f64x2.mul(v128.load(r), xv));
    r += rb;
    a1 = f64x2.add(a1, f64x2.mul(v128.load(r), xv));
    r += rb;
    a2 = f64x2.add(a2, f64x2.mul(v128.load(r), xv));
    r += rb;
    a3 = f64x2.add(a3, f64x2.mul(v128.load(r), xv));
  }
  put(out, 0, kvFinish(a0, r0, x, m));
  put(out, 1, kvFinish(a1, r0 + rb, x, m));
  put(out, 2, kvFinish(a2, r0 + 2 * rb, x, m));
  put(out, 3, kvFinish(a3, r0 + 3 * rb, x, m));
}

/**
 * Kᵀ-products of rows i0 ≤ i < i1 of K, added to W_p and W_q (or started from 0 when `fresh`):
 * 8-column chunks, then 2-column chunks, then the odd column, each entry summing over i in order.
 * With q < 0 only problem p.
 */
@inline export function ktuRows(K: usize, m: i32, stride: i32, i0: i32, i1: i32, up: usize, uq: usize, wp: usize, wq: usize, two: bool, fresh: bool): void {
  const m8 = m & ~7;
  const rowBytes = <usize>stride << 3;
  for (let j = 0; j < m8; j += 8) {
    const o = <usize>j << 3;
    let p0 = f64x2.splat(0);
    let p1 = f64x2.splat(0);
    let p2 = f64x2.splat(0);
    let p3 = f64x2.splat(0);
    let q0 = f64x2.splat(0);
    let q1 = f64x2.splat(0);
    let q2 = f64x2.splat(0);
    let q3 = f64x2.splat(0);
    if (!fresh) {
      p0 = v128.load(wp + o);
      p1 = v128.load(wp + o, 16);
      p2 = v128.load(wp + o, 32);
      p3 = v128.load(wp + o, 48);
      if (two) {
        q0 = v128.load(wq + o);
        q1 = v128.load(wq + o, 16);
        q2 = v128.load(wq + o, 32);
        q3 = v128.load(wq + o, 48);
      }
    }
    let r = K + <usize>i0 * rowBytes + o;
    if (two) {
      for (let i = i0; i < i1; i++) {
        const a = v128.load64_splat(up + (<usize>i << 3));
        const b = v128.load64_splat(uq + (<usize>i << 3));
        const k0 = v128.load(r);
        const k1 = v128.load(r, 16);
        const k2 = v128.load(r, 32);
        const k3 = v128.load(r, 48);
        p0 = f64x2.add(p0, f64x2.mul(k0, a));
        q0 = f64x2.add(q0, f64x2.mul(k0, b));
        p1 = f64x2.add(p1, f64x2.mul(k1, a));
        q1 = f64x2.add(q1, f64x2.mul(k1, b));
        p2 = f64x2.add(p2, f64x2.mul(k2, a));
        q2 = f64x2.add(q2, f64x2.mul(k2, b));
        p3 = f64x2.add(p3, f64x2.mul(k3, a));
        q3 = f64x2.add(q3, f64x2.mul(k3, b));
        r += rowBytes;
      }
    } else {
      for (let i = i0; i < i1; i++) {
        const a = v128.load64_splat(up + (<usize>i << 3));
        p0 = f64x2.add(p0, f64x2.mul(v128.load(r), a));
        p1 = f64x2.add(p1, f64x2.mul(v128.load(r, 16), a));
        p2 = f64x2.add(p2, f64x2.mul(v128.load(r, 32), a));
        p3 = f64x2.add(p3, f64x2.mul(v128.load(r, 48), a));
        r += rowBytes;
      }
    }
    v128.store(wp + o, p0);
    v128.store(wp + o, p1, 16);
    v128.store(wp + o, p2, 32);
    v128.store(wp + o, p3, 48);
    if (two) {
      v128.store(wq + o, q0);
      v128.store(wq + o, q1, 16);
      v128.store(wq + o, q2, 32);
      v128.store(wq + o, q3, 48);
    }
  }
  for (let j = m8; j < m; j++) {
    let s = fresh ? 0.0 : at(wp, j);
    let t = fresh || !two ? 0.0 : at(wq, j);
    let r = K + <usize>i0 * rowBytes + (<usize>j << 3);
    for (let i = i0; i < i1; i++) {
      const k = load<f64>(r);
      s += k * at(up, i);
      if (two) t += k * at(uq, i);
      r += rowBytes;
    }
    put(wp, j, s);
    if (two) put(wq, j, t);
  }
}

/** Rows per block of K for the Kᵀ sweeps: a block of ≈ 256 KiB stays in L2 while its column chunks are swept. */
@inline export function rowBlock(m: i32): i32 {
  return max(8, 32768 / max(1, m));
}

/**
 * out = Kᵀ u for one problem, otKtu's numbers, streaming four rows at a time: out[j] gets the four
 * products K[i..i+3, j]·u[i..i+3] added in row order (one load and store of out per four rows).
 */
export function otKtuRows4(K: usize, n: i32, m: i32, u: usize, out: usize): void {
  const m2 = m & ~1;
  const rb = <usize>m << 3;
  memory.fill(out, 0, rb);
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const r0 = K + <usize>i * rb;
    const u0 = v128.load64_splat(u + (<usize>i << 3));
    const u1 = v128.load64_splat(u + (<usize>i << 3) + 8);
    const u2 = v128.load64_splat(u + (<usize>i << 3) + 16);
    const u3 = v128.load64_splat(u + (<usize>i << 3) + 24);
    for (let j = 0; j < m2; j += 2) {
      const o = <usize>j << 3;
      let r = r0 + o;
      let s = f64x2.add(v128.load(out + o), f64x2.mul(v128.load(r), u0));
      r += rb;
      s = f64x2.add(s, f64x2.mul(v128.load(r), u1));
      r += rb;
      s = f64x2.add(s, f64x2.mul(v128.load(r), u2));
      r += rb;
      s = f64x2.add(s, f64x2.mul(v128.load(r), u3));
      v128.store(out + o, s);
    }
    if (m2 < m) {
      let s = at(out, m2);
      for (let r = 0; r < 4; r++) s += load<f64>(r0 + <usize>r * rb + (<usize>m2 << 3)) * at(u, i + r);
      put(out, m2, s);
    }
  }
  for (let i = n4; i < n; i++) {
    const row = K + <usize>i * rb;
    const ui = at(u, i);
    const uv = f64x2.splat(ui);
    for (let j = 0; j < m2; j += 2) {
      const o = <usize>j << 3;
      v128.store(out + o, f64x2.add(v128.load(out + o), f64x2.mul(v128.load(row + o), uv)));
    }
    if (m2 < m) put(out, m2, at(out, m2) + at(row, m2) * ui);
  }
}
