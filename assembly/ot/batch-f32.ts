// The f32 path of the batched scaling Sinkhorn (sinkhornBatch(…, { precision: 'f32' })): B problems
// share one f32 Gibbs kernel K (n × m, row-major, built by otGibbsF32x4); the scalings U (B × n), V
// (B × m) and W = KᵀU (B × m) stay f64, problem-major as in ./batch.ts.
//
// otBatchStepF32x4 runs, for every listed problem, exactly the operations of one iteration of sinkhorn's
// f32 path — v = b ⊘ w (otScale), then otStepF32x4's fused u = a ⊘ K v and w = Kᵀu — with the same
// blocks, the same lane sums and the same order of additions for every entry, so each problem's result
// is bit-identical to a separate sinkhorn(…, { precision: 'f32' }) call. Only the traversal differs:
// the rows of K are visited in blocks of KTU_BLOCK = 32 (the blocks after which otStepF32x4 flushes
// its f32 column sums into the f64 w), and each block, 32·m f32 (128 KiB at m = 1024), serves every
// problem of a group while it is in L2 before the next block is read. A group holds as many problems
// as keep their per-problem data touched per block (fl32(v): 4m bytes, w: 8m bytes) within ~256 KiB, so
// K crosses the memory bus once per group and iteration instead of once per problem.
// No allocation, no state, no throw.

import { otScale } from "./sinkhorn";
import { KTU_BLOCK, KV_BLOCK, accRow1, flushAcc, kvRow1, roundToF32, rowSum, stepRows, tailColumns, widenSum } from "./f32x4";
import { idxAt, vec } from "./batch";

/**
 * One f32 Sinkhorn iteration for the problems p = idx[0..count), all sharing the f32 kernel K:
 * V_p = Bm_p ⊘ W_p, U_p = A_p ⊘ K V_p, W_p = Kᵀ U_p (see the file's comment: the same bits as
 * otScale + otStepF32x4 per problem). Problems go through each block of rows two at a time (stepRows2:
 * each load of K serves both), an odd one alone (stepRows). scratch: 2n + 2m + count·m f32 (fl32(u) of a
 * block and the block's column sums for each problem of a pair, fl32(V_p) for each listed problem in list
 * order). flags[p] (i32) is set to 1 when a
 * scaling of p became non-finite (W_p is then meaningless: the caller drops p). Returns the number of
 * problems flagged.
 */
export function otBatchStepF32x4(K: usize, n: i32, m: i32, A: usize, Bm: usize, U: usize, V: usize, W: usize, idx: usize, count: i32, scratch: usize, flags: usize): i32 {
  const uf = scratch;
  const uf2 = uf + (<usize>n << 2);
  const acc = uf2 + (<usize>n << 2);
  const acc2 = acc + (<usize>m << 2);
  const VF = acc2 + (<usize>m << 2);
  const m4 = m & ~3;
  const rb = <usize>m << 2;
  const group = max(1, 262144 / max(1, 12 * m));
  let flagged = 0;
  for (let c0 = 0; c0 < count; c0 += group) {
    const c1 = min(count, c0 + group);
    for (let c = c0; c < c1; c++) {
      const p = idxAt(idx, c);
      const v = vec(V, p, m);
      const w = vec(W, p, m);
      store<i32>(flags + (<usize>p << 2), otScale(vec(Bm, p, m), w, m, v));
      roundToF32(v, m, VF + ((<usize>c * <usize>m) << 2));
      memory.fill(w, 0, <usize>m << 3);
    }
    for (let i0 = 0; i0 < n; i0 += KTU_BLOCK) {
      const i1 = min(n, i0 + KTU_BLOCK);
      let c = c0;
      for (; c + 1 < c1; c += 2) {
        const p = idxAt(idx, c);
        const q = idxAt(idx, c + 1);
        const vfP = VF + ((<usize>c * <usize>m) << 2);
        const bad = stepRows2(K, rb, m, m4, i0, i1,
          vec(A, p, n), vfP, vec(V, p, m), vec(U, p, n), uf, acc,
          vec(A, q, n), vfP + (<usize>m << 2), vec(V, q, m), vec(U, q, n), uf2, acc2);
        flushAcc(acc, vec(W, p, m), m4);
        flushAcc(acc2, vec(W, q, m), m4);
        if (bad & 1) store<i32>(flags + (<usize>p << 2), 1);
        if (bad & 2) store<i32>(flags + (<usize>q << 2), 1);
      }
      if (c < c1) {
        const p = idxAt(idx, c);
        const vf = VF + ((<usize>c * <usize>m) << 2);
        const bad = stepRows(K, rb, m, m4, vec(A, p, n), vf, vec(V, p, m), vec(U, p, n), uf, acc, i0, i1);
        flushAcc(acc, vec(W, p, m), m4);
        if (bad != 0) store<i32>(flags + (<usize>p << 2), 1);
      }
    }
    for (let c = c0; c < c1; c++) {
      const p = idxAt(idx, c);
      tailColumns(K, n, m, vec(U, p, n), vec(W, p, m));
      flagged += load<i32>(flags + (<usize>p << 2));
    }
  }
  return flagged;
}

// ---- two problems per pass over a block of rows -------------------------------------------------
// The same operations as stepRows for each problem, in the same order for every entry (so the same
// bits); only the K loads are shared: K v two rows × two problems at a time (four f32x4 lane sums,
// kvRows4's lanes and blocks for each row), then each problem's four divisions, then Kᵀu for both
// problems from each quad of four rows' K loaded once.

@inline function at2(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}

/** (K v) of rows r0 and r0 + rb for problems P and Q into dP[0..2), dQ[0..2): kvRows4's sums for each row (running pointers, as kvRows4). */
@inline function kvRows2x2(r0: usize, rb: usize, m: i32, vfP: usize, vP: usize, dP: usize, vfQ: usize, vQ: usize, dQ: usize): void {
  const m4 = m & ~3;
  let e0 = f64x2.splat(0);
  let e1 = e0;
  let g0 = e0;
  let g1 = e0;
  const dq = vfQ - vfP;
  for (let j0 = 0; j0 < m4; j0 += KV_BLOCK) {
    let a0 = f32x4.splat(0);
    let a1 = a0;
    let c0 = a0;
    let c1 = a0;
    let k = r0 + (<usize>j0 << 2);
    let x = vfP + (<usize>j0 << 2);
    const end = vfP + (<usize>min(m4, j0 + KV_BLOCK) << 2);
    for (; x < end; x += 16, k += 16) {
      const k0 = v128.load(k);
      const k1 = v128.load(k + rb);
      const p = v128.load(x);
      const q = v128.load(x + dq);
      a0 = f32x4.add(a0, f32x4.mul(k0, p));
      a1 = f32x4.add(a1, f32x4.mul(k1, p));
      c0 = f32x4.add(c0, f32x4.mul(k0, q));
      c1 = f32x4.add(c1, f32x4.mul(k1, q));
    }
    e0 = f64x2.add(e0, widenSum(a0));
    e1 = f64x2.add(e1, widenSum(a1));
    g0 = f64x2.add(g0, widenSum(c0));
    g1 = f64x2.add(g1, widenSum(c1));
  }
  store<f64>(dP, rowSum(e0, r0, vP, m4, m));
  store<f64>(dP, rowSum(e1, r0 + rb, vP, m4, m), 8);
  store<f64>(dQ, rowSum(g0, r0, vQ, m4, m));
  store<f64>(dQ, rowSum(g1, r0 + rb, vQ, m4, m), 8);
}

/** accP[0..m4) += Σ over the four rows at r0 of K[row]·ufP[row], and the same for Q, each K quad loaded once (accRows4's lanes). */
@inline function accRows4x2(r0: usize, rb: usize, m4: i32, ufP: usize, accP: usize, ufQ: usize, accQ: usize): void {
  const p0 = v128.load32_splat(ufP);
  const p1 = v128.load32_splat(ufP, 4);
  const p2 = v128.load32_splat(ufP, 8);
  const p3 = v128.load32_splat(ufP, 12);
  const q0 = v128.load32_splat(ufQ);
  const q1 = v128.load32_splat(ufQ, 4);
  const q2 = v128.load32_splat(ufQ, 8);
  const q3 = v128.load32_splat(ufQ, 12);
  for (let j = 0; j < m4; j += 4) {
    const o = <usize>j << 2;
    const r = r0 + o;
    const k0 = v128.load(r);
    const k1 = v128.load(r + rb);
    const k2 = v128.load(r + 2 * rb);
    const k3 = v128.load(r + 3 * rb);
    let a = v128.load(accP + o);
    let b = v128.load(accQ + o);
    a = f32x4.add(a, f32x4.mul(k0, p0));
    b = f32x4.add(b, f32x4.mul(k0, q0));
    a = f32x4.add(a, f32x4.mul(k1, p1));
    b = f32x4.add(b, f32x4.mul(k1, q1));
    a = f32x4.add(a, f32x4.mul(k2, p2));
    b = f32x4.add(b, f32x4.mul(k2, q2));
    a = f32x4.add(a, f32x4.mul(k3, p3));
    b = f32x4.add(b, f32x4.mul(k3, q3));
    v128.store(accP + o, a);
    v128.store(accQ + o, b);
  }
}

/** stepRows' u[k] = a[k] / (K v)[k] (0 where a[k] = 0), fl32(u[k]) into uf, for rows i … i + 3; returns Σ (u − u). */
@inline function divide4(a: usize, u: usize, uf: usize, i: i32): f64 {
  let bad = 0.0;
  for (let k = i; k < i + 4; k++) {
    const ak = at2(a, k);
    const q = ak == 0 ? 0.0 : ak / at2(u, k);
    bad += q - q;
    store<f64>(u + (<usize>k << 3), q);
    store<f32>(uf + (<usize>k << 2), <f32>q);
  }
  return bad;
}

/** stepRows' single-row step (rows past the last quad of the block). */
@inline function divide1(K: usize, rb: usize, m: i32, m4: i32, a: usize, vf: usize, v: usize, u: usize, uf: usize, acc: usize, i: i32): f64 {
  const r0 = K + <usize>i * rb;
  const ai = at2(a, i);
  const q = ai == 0 ? 0.0 : ai / kvRow1(r0, vf, v, m);
  store<f64>(u + (<usize>i << 3), q);
  store<f32>(uf + (<usize>i << 2), <f32>q);
  accRow1(r0, uf + (<usize>i << 2), acc, m4);
  return q - q;
}

/**
 * stepRows for two problems P and Q over rows i0 … i1 − 1: each problem's u, fl32(u) and f32 column
 * sums (accP, accQ, cleared first) get stepRows' bits. Returns 1 | 2 for a non-finite u of P | Q.
 */
function stepRows2(K: usize, rb: usize, m: i32, m4: i32, i0: i32, i1: i32,
  aP: usize, vfP: usize, vP: usize, uP: usize, ufP: usize, accP: usize,
  aQ: usize, vfQ: usize, vQ: usize, uQ: usize, ufQ: usize, accQ: usize): i32 {
  let badP = 0.0;
  let badQ = 0.0;
  memory.fill(accP, 0, <usize>m4 << 2);
  memory.fill(accQ, 0, <usize>m4 << 2);
  let i = i0;
  for (; i + 4 <= i1; i += 4) {
    const r0 = K + <usize>i * rb;
    kvRows2x2(r0, rb, m, vfP, vP, uP + (<usize>i << 3), vfQ, vQ, uQ + (<usize>i << 3));
    kvRows2x2(r0 + 2 * rb, rb, m, vfP, vP, uP + (<usize>(i + 2) << 3), vfQ, vQ, uQ + (<usize>(i + 2) << 3));
    badP += divide4(aP, uP, ufP, i);
    badQ += divide4(aQ, uQ, ufQ, i);
    accRows4x2(r0, rb, m4, ufP + (<usize>i << 2), accP, ufQ + (<usize>i << 2), accQ);
  }
  for (; i < i1; i++) {
    badP += divide1(K, rb, m, m4, aP, vfP, vP, uP, ufP, accP, i);
    badQ += divide1(K, rb, m, m4, aQ, vfQ, vQ, uQ, ufQ, accQ, i);
  }
  return (badP != 0 ? 1 : 0) | (badQ != 0 ? 2 : 0);
}
