// Batched log-domain Sinkhorn kernels: B problems sharing one log-kernel L = −M/ε (n × m, row-major
// f64), stored problem-major (problem p's f at F + p·n·8, its g at G + p·m·8, log a at LA + p·n·8, …).
// A list of active problem indices (i32) says which problems an iteration touches (converged or
// stopped problems are frozen by leaving them out).
//
// Every number is computed with exactly the operations, in exactly the order, of the single-problem
// kernels otLogCols / otLogRows / otLogMarginalError of ./sinkhorn.ts (the same f64x2 pmax pairs and
// scalar max tail for the shifts, the same exp value per entry (Math.exp or its bit-identical f64x2 form), the sums over i (columns) and
// over j (rows) in order from 0), so a batched run is bit-identical to separate runs; only the
// traversal differs: the problems are taken in blocks whose state fits in L2, and within a block
// every row of L is loaded once for all the block's problems (each of the three passes — column
// shifts, column sums, row updates — streams L once per block instead of once per problem).
// The exp per entry dominates (n·m per half-iteration per problem, the same count as separate runs):
// it is taken two columns at a time by ./expv.ts's expv, whose lanes are bit-identical to Math.exp
// (same algorithm, same operations), so the sums see the same terms in the same order.
// The SIMD is over columns (pairs j, j + 1), not over problems: lanes over problems would need a
// transposed (n × B) layout and gathers for the frozen problems, and would not reduce the work, which
// is the exp per entry (B·n·m per half-iteration whatever the layout), not the loads of L. Measured at
// n = m = 32, reg 1e-3: 1.05–1.15× separate log calls, ≈ 2.3× plain TS (bench sinkhornBatchLog).
// No allocation, no state, no throw.

import { logColShift, logRowShift, otLogMarginalError } from "./sinkhorn";
import { idxAt, vec } from "./batch";
import { expv } from "./expv";

@inline function at(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}
@inline function put(p: usize, i: i32, x: f64): void {
  store<f64>(p + (<usize>i << 3), x);
}

/**
 * Column update g_p = LB_p − lse_i(L + f_p) (otLogCols) for the problems idx[0..cnt), each row of L
 * read once per pass for all of them. Scratch MX, S: m doubles per problem (problem-major).
 */
function colsBlock(L: usize, n: i32, m: i32, F: usize, LB: usize, G: usize, MX: usize, S: usize, ix: usize, cnt: i32): void {
  const m2 = m & ~1;
  const rb = <usize>m << 3;
  const ninf = f64x2.splat(-Infinity);
  for (let c = 0; c < cnt; c++) {
    const mx = vec(MX, idxAt(ix, c), m);
    for (let j = 0; j < m2; j += 2) v128.store(mx + (<usize>j << 3), ninf);
    if (m2 < m) put(mx, m2, -Infinity);
  }
  for (let i = 0; i < n; i++) {
    const row = L + <usize>i * rb;
    for (let c = 0; c < cnt; c++) {
      const p = idxAt(ix, c);
      logColShift(vec(MX, p, m), row, at(vec(F, p, n), i), m);
    }
  }
  for (let c = 0; c < cnt; c++) memory.fill(vec(S, idxAt(ix, c), m), 0, rb);
  for (let i = 0; i < n; i++) {
    const row = L + <usize>i * rb;
    for (let c = 0; c < cnt; c++) {
      const p = idxAt(ix, c);
      const fi = at(vec(F, p, n), i);
      if (fi == -Infinity) continue; // a zero-mass row contributes exp(−∞) = 0
      const mx = vec(MX, p, m);
      const s = vec(S, p, m);
      const fv = f64x2.splat(fi);
      for (let j = 0; j < m2; j += 2) {
        // s_j += exp((L_ij + f_i) − c_j) where c_j > −∞ (left unchanged elsewhere), two columns at a time
        const o = <usize>j << 3;
        const c = v128.load(mx + o);
        const sv = v128.load(s + o);
        const e = expv(f64x2.sub(f64x2.add(v128.load(row + o), fv), c));
        v128.store(s + o, v128.bitselect(f64x2.add(sv, e), sv, f64x2.gt(c, ninf)));
      }
      if (m2 < m) {
        const cj = at(mx, m2);
        if (cj > -Infinity) put(s, m2, at(s, m2) + Math.exp(at(row, m2) + fi - cj));
      }
    }
  }
  for (let c = 0; c < cnt; c++) {
    const p = idxAt(ix, c);
    const mx = vec(MX, p, m);
    const s = vec(S, p, m);
    const lb = vec(LB, p, m);
    const g = vec(G, p, m);
    for (let j = 0; j < m; j++) {
      const cj = at(mx, j);
      put(g, j, at(lb, j) - (cj > -Infinity ? cj + Math.log(at(s, j)) : -Infinity));
    }
  }
}

/** Row update f_p = LA_p − lse_j(L + g_p) (otLogRows) for the problems idx[0..cnt), row by row of L. */
function rowsBlock(L: usize, n: i32, m: i32, G: usize, LA: usize, F: usize, ix: usize, cnt: i32): void {
  const m2 = m & ~1;
  const rb = <usize>m << 3;
  for (let i = 0; i < n; i++) {
    const row = L + <usize>i * rb;
    for (let c = 0; c < cnt; c++) {
      const p = idxAt(ix, c);
      const g = vec(G, p, m);
      const mx = logRowShift(row, g, m);
      let lse = -Infinity;
      if (mx > -Infinity) {
        let s = 0.0;
        const mxv = f64x2.splat(mx);
        for (let j = 0; j < m2; j += 2) {
          // the exps two at a time, added in order j, j + 1
          const o = <usize>j << 3;
          const e = expv(f64x2.sub(f64x2.add(v128.load(row + o), v128.load(g + o)), mxv));
          s += f64x2.extract_lane(e, 0);
          s += f64x2.extract_lane(e, 1);
        }
        if (m2 < m) s += Math.exp(at(row, m2) + at(g, m2) - mx);
        lse = mx + Math.log(s);
      }
      put(vec(F, p, n), i, at(vec(LA, p, n), i) - lse);
    }
  }
}

/**
 * One log-domain Sinkhorn iteration of the bindings' runLog for the problems p = idx[0..count), all
 * sharing L (n × m): G_p = LB_p − lse_i(L + F_p) (columns), then F_p = LA_p − lse_j(L + G_p) (rows).
 * F, LA: n doubles per problem; G, LB, MX, S: m doubles per problem (MX, S scratch). Problems are taken
 * in blocks whose F, G, MX, S (≈ (n + 3m) doubles each) fit in ≈ 128 KiB; the numbers do not depend on it
 * (nor, measured at n = m = 32 where L is in L1, does the time: 16 KiB and 4 KiB blocks ran the same).
 */
export function otBatchLogStep(L: usize, n: i32, m: i32, LA: usize, LB: usize, F: usize, G: usize, MX: usize, S: usize, idx: usize, count: i32): void {
  const kb = max(1, 131072 / max(1, 8 * (n + 3 * m)));
  for (let c0 = 0; c0 < count; c0 += kb) {
    const cnt = min(kb, count - c0);
    const ix = idx + (<usize>c0 << 2);
    colsBlock(L, n, m, F, LB, G, MX, S, ix, cnt);
    rowsBlock(L, n, m, G, LA, F, ix, cnt);
  }
}

/**
 * err[p] = ‖Σ_i exp(L[i, ·] + F_p[i] + G_p[·]) − Bm_p‖₂ (otLogMarginalError, the same numbers) for
 * p = idx[0..count); scratch S: m doubles per problem.
 */
export function otBatchLogMarginalError(L: usize, n: i32, m: i32, F: usize, G: usize, Bm: usize, S: usize, idx: usize, count: i32, err: usize): void {
  for (let c = 0; c < count; c++) {
    const p = idxAt(idx, c);
    put(err, p, otLogMarginalError(L, n, m, vec(F, p, n), vec(G, p, m), vec(Bm, p, m), vec(S, p, m)));
  }
}
