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
import { KTU_BLOCK, flushAcc, roundToF32, stepRows, tailColumns } from "./f32x4";
import { idxAt, vec } from "./batch";

/**
 * One f32 Sinkhorn iteration for the problems p = idx[0..count), all sharing the f32 kernel K:
 * V_p = Bm_p ⊘ W_p, U_p = A_p ⊘ K V_p, W_p = Kᵀ U_p (see the file's comment: the same bits as
 * otScale + otStepF32x4 per problem). scratch: n + m + count·m f32 (fl32(u) of a block, the block's
 * column sums, fl32(V_p) for each listed problem in list order). flags[p] (i32) is set to 1 when a
 * scaling of p became non-finite (W_p is then meaningless: the caller drops p). Returns the number of
 * problems flagged.
 */
export function otBatchStepF32x4(K: usize, n: i32, m: i32, A: usize, Bm: usize, U: usize, V: usize, W: usize, idx: usize, count: i32, scratch: usize, flags: usize): i32 {
  const uf = scratch;
  const acc = uf + (<usize>n << 2);
  const VF = acc + (<usize>m << 2);
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
      for (let c = c0; c < c1; c++) {
        const p = idxAt(idx, c);
        const a = vec(A, p, n);
        const u = vec(U, p, n);
        const v = vec(V, p, m);
        const vf = VF + ((<usize>c * <usize>m) << 2);
        const bad = stepRows(K, rb, m, m4, a, vf, v, u, uf, acc, i0, i1);
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
