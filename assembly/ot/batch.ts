// Batched Sinkhorn kernels: B problems sharing one Gibbs kernel K (n × m, row-major f64), stored
// problem-major (problem p's u at U + p·n·8, its v at V + p·m·8, …). A list of active problem indices
// (i32) says which problems an iteration touches (converged or failed problems are frozen by leaving
// them out). Every number is computed with exactly the operations, in exactly the order, of the
// single-problem kernels in ./sinkhorn.ts (otKvPairs, otKtu, otScale, otMarginalError), so a batched run
// is bit-identical to separate runs; only the traversal differs:
//   K·V: four rows of K × two problems per pass (eight f64x2 accumulators), over L1-sized blocks of
//        problems, in otKvPairs' pair order;
//   Kᵀ·U: two problems × eight columns held in eight f64x2 registers while the rows stream past in
//        order (each entry sums over i in order from 0, as otKtu), rows blocked so that a block of K
//        stays in L2 while it is swept column-chunk by column-chunk.
// No allocation, no state, no throw.

import { otScale } from "./sinkhorn";
import { kvFinish, kvRow1, kvRows4, ktuRows, rowBlock } from "./matvec";

@inline function at(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}
@inline function put(p: usize, i: i32, x: f64): void {
  store<f64>(p + (<usize>i << 3), x);
}
@inline export function idxAt(idx: usize, c: i32): i32 {
  return load<i32>(idx + (<usize>c << 2));
}
@inline export function vec(base: usize, p: i32, len: i32): usize {
  return base + ((<usize>p * <usize>len) << 3);
}

/**
 * KV_p = K V_p for the problems p = idx[0..count) (K n × m; V_p m doubles, KV_p n doubles) in pair
 * order (./matvec.ts), each entry bit-identical to otKvPairs. Problems are taken in blocks whose V
 * fits in L1 (≈ 24 KiB); within a block, four rows of K × two problems (eight f64x2 accumulators,
 * every load of K feeding two problems and every load of V four rows) per pass.
 */
export function otBatchKv(K: usize, n: i32, m: i32, V: usize, KV: usize, idx: usize, count: i32): void {
  let kb = (24576 / max(1, m * 8)) & ~1;
  if (kb < 2) kb = 2;
  const m2 = m & ~1;
  const rb = <usize>m << 3;
  const n4 = n & ~3;
  for (let c0 = 0; c0 < count; c0 += kb) {
    const c1 = min(count, c0 + kb);
    for (let i = 0; i < n4; i += 4) {
      const r0 = K + <usize>i * rb;
      let c = c0;
      for (; c + 1 < c1; c += 2) {
        const p = idxAt(idx, c);
        const q = idxAt(idx, c + 1);
        const x = vec(V, p, m);
        const y = vec(V, q, m);
        let a0 = f64x2.splat(0);
        let a1 = f64x2.splat(0);
        let a2 = f64x2.splat(0);
        let a3 = f64x2.splat(0);
        let b0 = f64x2.splat(0);
        let b1 = f64x2.splat(0);
        let b2 = f64x2.splat(0);
        let b3 = f64x2.splat(0);
        for (let j = 0; j < m2; j += 2) {
          const o = <usize>j << 3;
          const xv = v128.load(x + o);
          const yv = v128.load(y + o);
          let r = r0 + o;
          let k = v128.load(r);
          a0 = f64x2.add(a0, f64x2.mul(k, xv));
          b0 = f64x2.add(b0, f64x2.mul(k, yv));
          r += rb;
          k = v128.load(r);
          a1 = f64x2.add(a1, f64x2.mul(k, xv));
          b1 = f64x2.add(b1, f64x2.mul(k, yv));
          r += rb;
          k = v128.load(r);
          a2 = f64x2.add(a2, f64x2.mul(k, xv));
          b2 = f64x2.add(b2, f64x2.mul(k, yv));
          r += rb;
          k = v128.load(r);
          a3 = f64x2.add(a3, f64x2.mul(k, xv));
          b3 = f64x2.add(b3, f64x2.mul(k, yv));
        }
        const op = vec(KV, p, n);
        const oq = vec(KV, q, n);
        put(op, i, kvFinish(a0, r0, x, m));
        put(op, i + 1, kvFinish(a1, r0 + rb, x, m));
        put(op, i + 2, kvFinish(a2, r0 + 2 * rb, x, m));
        put(op, i + 3, kvFinish(a3, r0 + 3 * rb, x, m));
        put(oq, i, kvFinish(b0, r0, y, m));
        put(oq, i + 1, kvFinish(b1, r0 + rb, y, m));
        put(oq, i + 2, kvFinish(b2, r0 + 2 * rb, y, m));
        put(oq, i + 3, kvFinish(b3, r0 + 3 * rb, y, m));
      }
      if (c < c1) {
        const p = idxAt(idx, c);
        kvRows4(r0, rb, vec(V, p, m), m, vec(KV, p, n) + (<usize>i << 3));
      }
    }
    for (let i = n4; i < n; i++) {
      const row = K + <usize>i * rb;
      for (let c = c0; c < c1; c++) {
        const p = idxAt(idx, c);
        put(vec(KV, p, n), i, kvRow1(row, vec(V, p, m), m));
      }
    }
  }
}

/**
 * W_p = Kᵀ U_p for the problems p = idx[0..count) (K n × m; U_p n doubles, W_p m doubles), each entry
 * summed over the rows in order from 0 as otKtu does. Two problems share every load of K.
 */
export function otBatchKtu(K: usize, n: i32, m: i32, U: usize, W: usize, idx: usize, count: i32): void {
  const ib = rowBlock(m);
  for (let i0 = 0; i0 < n; i0 += ib) {
    const i1 = min(n, i0 + ib);
    let c = 0;
    for (; c + 1 < count; c += 2) {
      const p = idxAt(idx, c);
      const q = idxAt(idx, c + 1);
      ktuRows(K, m, m, i0, i1, vec(U, p, n), vec(U, q, n), vec(W, p, m), vec(W, q, m), true, i0 == 0);
    }
    if (c < count) {
      const p = idxAt(idx, c);
      ktuRows(K, m, m, i0, i1, vec(U, p, n), 0, vec(W, p, m), 0, false, i0 == 0);
    }
  }
  if (n == 0) {
    for (let c = 0; c < count; c++) memory.fill(vec(W, idxAt(idx, c), m), 0, <usize>m << 3);
  }
}

/**
 * One Sinkhorn iteration of runScaling for the problems p = idx[0..count), all sharing K:
 * V_p = Bm_p ⊘ W_p, KV_p = K V_p, U_p = A_p ⊘ KV_p (otScale: 0 where the numerator is 0), then
 * W_p = Kᵀ U_p. flags[p] (i32) is set to 1 when a scaling of p became non-finite (p's W is then
 * meaningless: the caller drops p). Returns the number of problems flagged in this call.
 */
export function otBatchStep(K: usize, n: i32, m: i32, A: usize, Bm: usize, U: usize, V: usize, KV: usize, W: usize, idx: usize, count: i32, flags: usize): i32 {
  // Blocks of problems whose six vectors (≈ 3(n + m) doubles each) fit in ≈ 128 KiB, so that the four
  // phases of a block run on cached data; problems are independent, the numbers do not depend on it.
  const kb = max(2, (131072 / max(1, 24 * (n + m))) & ~1);
  let bad = 0;
  for (let c0 = 0; c0 < count; c0 += kb) {
    const cnt = min(kb, count - c0);
    const ix = idx + (<usize>c0 << 2);
    for (let c = 0; c < cnt; c++) {
      const p = idxAt(ix, c);
      store<i32>(flags + (<usize>p << 2), otScale(vec(Bm, p, m), vec(W, p, m), m, vec(V, p, m)));
    }
    otBatchKv(K, n, m, V, KV, ix, cnt);
    for (let c = 0; c < cnt; c++) {
      const p = idxAt(ix, c);
      const fp = flags + (<usize>p << 2);
      const f = load<i32>(fp) | otScale(vec(A, p, n), vec(KV, p, n), n, vec(U, p, n));
      store<i32>(fp, f);
      bad += f;
    }
    otBatchKtu(K, n, m, U, W, ix, cnt);
  }
  return bad;
}

/** err[p] = ‖V_p ∘ W_p − Bm_p‖₂ (otMarginalError's order) for p = idx[0..count). */
export function otBatchMarginalError(V: usize, W: usize, Bm: usize, m: i32, idx: usize, count: i32, err: usize): void {
  for (let c = 0; c < count; c++) {
    const p = idxAt(idx, c);
    const v = vec(V, p, m);
    const w = vec(W, p, m);
    const b = vec(Bm, p, m);
    let s = 0.0;
    for (let j = 0; j < m; j++) {
      const t = at(v, j) * at(w, j) - at(b, j);
      s += t * t;
    }
    put(err, p, Math.sqrt(s));
  }
}
