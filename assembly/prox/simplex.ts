// Euclidean projection onto the simplex Δₐ = {x ≥ 0, Σxᵢ = a}:  x = max(y − τ, 0), where τ solves
// φ(τ) = Σ max(yᵢ − τ, 0) − a = 0.  τ is found in two stages that share one invariant: any set V of
// entries gives a lower bound ρ_V = (Σ_V y − a)/|V| ≤ τ (since φ(ρ_V) ≥ Σ_V (y − ρ_V) − a = 0), so
// entries below a known ρ_V are never in the support.
//  1. Condat's pass (L. Condat, "Fast projection onto the simplex and the l1 ball", Math. Program.
//     158, 2016, Algorithm 1, step 2): one pass keeping a candidate set v whose running ρ only grows.
//     When the result is sparse, v stays small and most of y is skipped four entries at a time.
//  2. Newton's method on φ from that lower bound (Michelot's algorithm: C. Michelot, J. Optim. Theory
//     Appl. 50, 1986): ρ ← (Σ_{y≥ρ} y − a)/#{y ≥ ρ} increases to τ and stops exactly when the set
//     {y ≥ ρ} repeats — a handful of branch-free f64x2 passes over the candidates. It replaces
//     Condat's revisit and removal steps (3–4): their running updates (one division per entry, in a
//     chain) made a dense result ~20× slower than a sparse one. For the same reason stage 1 stops
//     early once its candidates outnumber 1024 plus a quarter of the entries read (a dense
//     result): the rest of y then joins the candidates as it is.
// Expected O(n); no sort. Equal values enter or leave together: membership is decided by one
// comparison with the same ρ.

// The count of the elements selected by the last sumAtLeast call (its second return value; read
// right after the call, so no state outlives a kernel call).
let atLeastCount: i32 = 0;

/** Σ (xᵢ − shift) over the xᵢ ≥ t of p[0..len), with f64x2; their number goes to atLeastCount. */
function sumAtLeast(p: usize, len: i32, t: f64, shift: f64): f64 {
  const tv = f64x2.splat(t);
  const sv = f64x2.splat(shift);
  let s0 = f64x2.splat(0);
  let s1 = s0;
  let c0 = i64x2.splat(0);
  let c1 = c0;
  const n4 = len & ~3;
  for (let i = 0; i < n4; i += 4) {
    const q = p + (<usize>i << 3);
    const x0 = v128.load(q);
    const x1 = v128.load(q, 16);
    const k0 = f64x2.ge(x0, tv);
    const k1 = f64x2.ge(x1, tv);
    s0 = f64x2.add(s0, v128.and(f64x2.sub(x0, sv), k0));
    s1 = f64x2.add(s1, v128.and(f64x2.sub(x1, sv), k1));
    c0 = i64x2.sub(c0, k0); // a true lane is −1
    c1 = i64x2.sub(c1, k1);
  }
  const s = f64x2.add(s0, s1);
  const c = i64x2.add(c0, c1);
  let sum = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
  let count = <i32>(i64x2.extract_lane(c, 0) + i64x2.extract_lane(c, 1));
  for (let i = n4; i < len; i++) {
    const x = load<f64>(p + (<usize>i << 3));
    if (x >= t) {
      sum += x - shift;
      count++;
    }
  }
  atLeastCount = count;
  return sum;
}

/** sumAtLeast over both candidate ranges p[0..pl) and q[0..ql); their total count to atLeastCount. */
function sumAtLeast2(p: usize, pl: i32, q: usize, ql: i32, t: f64, shift: f64): f64 {
  const first = sumAtLeast(p, pl, t, shift);
  const count = atLeastCount;
  const sum = first + sumAtLeast(q, ql, t, shift);
  atLeastCount += count;
  return sum;
}

/** Moves the xᵢ ≥ t of src[0..len) to dst[0..) in order (dst ≤ src, or disjoint); returns how many. */
function keepAtLeast(src: usize, len: i32, t: f64, dst: usize): i32 {
  let count = 0;
  for (let i = 0; i < len; i++) {
    const x = load<f64>(src + (<usize>i << 3));
    store<f64>(dst + (<usize>count << 3), x); // branch-free: the slot advances only when x is kept
    count += i32(x >= t);
  }
  return count;
}

/** max of p[0..len) with f64x2.pmax (−Infinity when len = 0). */
function maxOf(p: usize, len: i32): f64 {
  let m0 = f64x2.splat(-Infinity);
  let m1 = m0;
  const n4 = len & ~3;
  for (let i = 0; i < n4; i += 4) {
    const q = p + (<usize>i << 3);
    m0 = f64x2.pmax(m0, v128.load(q));
    m1 = f64x2.pmax(m1, v128.load(q, 16));
  }
  const mm = f64x2.pmax(m0, m1);
  let m = max(f64x2.extract_lane(mm, 0), f64x2.extract_lane(mm, 1));
  for (let i = n4; i < len; i++) m = max(m, load<f64>(p + (<usize>i << 3)));
  return m;
}

/**
 * τ for y[0..n), n ≥ 1, a > 0, relative to m = max(y): returns τ − m and leaves m in w[0] and, when
 * n ≥ 2, the size of the final set {yᵢ ≥ τ} in w[1] (the support, up to entries equal to τ). Newton's
 * sums are shifted by m — Σ_S (yᵢ − m), τ − m = (Σ_S (yᵢ − m) − a)/|S| — so the last one is the exact τ
 * of the final support S, and the final pass computes (yᵢ − m) − (τ − m): for the largest entry that is
 * exactly 0 − (τ − m), so a radius far below the magnitude of y (a = 1e-300 with y ~ 1) is not rounded
 * away. `w` is scratch for n f64, distinct from y; it may be the output of the final pass (stage 1's
 * candidates live in w[0..ve), Newton's are compacted there once they are few enough).
 */
export function simplexThreshold(y: usize, n: i32, a: f64, w: usize): f64 {
  let y0 = load<f64>(y);
  store<f64>(w, y0);
  let vs = 0;
  let ve = 1;
  let rho = y0 - a;
  // Stage 1 (Condat's step 2). Once ρ has grown, most entries fall below it, so blocks of four are
  // tested with two f64x2 comparisons and skipped whole; a block with a candidate is walked in order.
  // v = w[vs..ve); w[0..vs) holds the entries set aside at a restart (ṽ), candidates still.
  let i = 1;
  while (i < n) {
    const end = min(i + 4, n);
    if (end - i == 4) {
      const r = f64x2.splat(rho);
      const p = y + (<usize>i << 3);
      if (!v128.any_true(v128.or(f64x2.gt(v128.load(p), r), f64x2.gt(v128.load(p, 16), r)))) {
        i = end;
        continue;
      }
    }
    // A dense result: the running updates would cost more than Newton's passes over the rest.
    if (ve > 1024 + (i >> 2)) break;
    for (; i < end; i++) {
      const yi = load<f64>(y + (<usize>i << 3));
      if (yi > rho) {
        rho += (yi - rho) / <f64>(ve - vs + 1);
        if (rho > yi - a) {
          store<f64>(w + (<usize>ve << 3), yi);
          ve++;
        } else {
          // v cannot hold the answer: set it aside (it becomes part of ṽ) and restart from yᵢ.
          vs = ve;
          store<f64>(w + (<usize>ve << 3), yi);
          ve++;
          rho = yi - a;
        }
      }
    }
  }
  // Stage 2 (Newton) on the candidates w[0..wl) and y[i..n), from the lower bound lo = ρ ≤ τ: the
  // current set is {x ≥ lo}, of size count, and s = (Σ_{x≥lo} (x − m) − a)/count is its ρ − m.
  let wl = ve;
  const yp = y + (<usize>i << 3);
  let yl = n - i;
  const m = max(maxOf(w, wl), maxOf(yp, yl)); // y's maximum: it is ≥ ρ, so it is a candidate
  let lo = rho;
  const first = sumAtLeast2(w, wl, yp, yl, lo, m);
  let count = atLeastCount;
  let s = (first - a) / <f64>count;
  while (true) {
    // Compact the current set into w once it is under a quarter of what the passes read.
    if (count <= (wl + yl) >> 2) {
      wl = keepAtLeast(w, wl, lo, w);
      wl += keepAtLeast(yp, yl, lo, w + (<usize>wl << 3));
      yl = 0;
    }
    const r = m + s;
    const next = sumAtLeast2(w, wl, yp, yl, r, m);
    const kept = atLeastCount;
    // The set repeated, so s = τ − m exactly for it (or rounding kept ρ from rising); kept = 0 only
    // for non-finite y, which the final pass reports. Otherwise the set shrinks: at most n passes,
    // a handful in practice.
    if (kept >= count || kept == 0) break;
    lo = r;
    count = kept;
    s = (next - a) / <f64>count;
  }
  store<f64>(w, m);
  if (n > 1) store<f64>(w + 8, <f64>count);
  return s;
}

/** out = max((y − m) − s, 0) with f64x2; returns 1 if y holds a non-finite value. */
export function shiftPositive(y: usize, n: i32, m: f64, s: f64, out: usize): i32 {
  const mv = f64x2.splat(m);
  const sv = f64x2.splat(s);
  const zero = f64x2.splat(0);
  let bad = zero;
  const n2 = n & ~1;
  for (let i = 0; i < n2; i += 2) {
    const p = <usize>i << 3;
    const x = v128.load(y + p);
    v128.store(out + p, f64x2.pmax(zero, f64x2.sub(f64x2.sub(x, mv), sv)));
    bad = f64x2.add(bad, f64x2.sub(x, x));
  }
  let flag = f64x2.extract_lane(bad, 0) + f64x2.extract_lane(bad, 1);
  if (n2 < n) {
    const p = <usize>n2 << 3;
    const x = load<f64>(y + p);
    store<f64>(out + p, max((x - m) - s, 0.0));
    flag += x - x;
  }
  return i32(flag != 0);
}

/**
 * Projection of y[0..n) onto Δₐ into out. w: n f64 scratch, not y; w may be out when out is not y,
 * and out may be y when w is separate. Returns the non-finite flag.
 */
export function projectSimplex(y: usize, n: i32, a: f64, w: usize, out: usize): i32 {
  if (n <= 0) return 0;
  const s = simplexThreshold(y, n, a, w);
  return shiftPositive(y, n, load<f64>(w), s, out);
}

/** The same projection with a scalar final pass: the bench's scalar baseline. */
export function projectSimplexScalar(y: usize, n: i32, a: f64, w: usize, out: usize): i32 {
  if (n <= 0) return 0;
  const s = simplexThreshold(y, n, a, w);
  const m = load<f64>(w);
  let flag = 0.0;
  for (let i = 0; i < n; i++) {
    const p = <usize>i << 3;
    const x = load<f64>(y + p);
    store<f64>(out + p, max((x - m) - s, 0.0));
    flag += x - x;
  }
  return i32(flag != 0);
}

/**
 * The bench's Condat-only baseline: Condat's Algorithm 1 (Math. Program. 158, 2016) as written — one
 * pass with restarts (step 2), the set-aside entries revisited (step 3), then removals until the
 * candidate set stops changing (step 4) — and the same SIMD final pass, out = max(y − τ, 0). No block
 * skipping and no Newton stage. w: n f64 scratch (not y). Returns the non-finite flag.
 */
export function projectSimplexCondat(y: usize, n: i32, a: f64, w: usize, out: usize): i32 {
  if (n <= 0) return 0;
  const y0 = load<f64>(y);
  store<f64>(w, y0);
  let vs = 0; // w[0..vs): ṽ, w[vs..ve): v
  let ve = 1;
  let rho = y0 - a;
  for (let i = 1; i < n; i++) {
    const yi = load<f64>(y + (<usize>i << 3));
    if (yi > rho) {
      rho += (yi - rho) / <f64>(ve - vs + 1);
      if (rho > yi - a) {
        store<f64>(w + (<usize>ve << 3), yi);
        ve++;
      } else {
        vs = ve;
        store<f64>(w + (<usize>ve << 3), yi);
        ve++;
        rho = yi - a;
      }
    }
  }
  // Step 3: the entries of ṽ above ρ join v (appended after it).
  for (let k = 0; k < vs; k++) {
    const x = load<f64>(w + (<usize>k << 3));
    if (x > rho) {
      store<f64>(w + (<usize>ve << 3), x);
      ve++;
      rho += (x - rho) / <f64>(ve - vs);
    }
  }
  // Step 4: remove the entries at or below ρ until v no longer changes.
  let size = ve - vs;
  while (true) {
    let kept = vs;
    for (let k = vs; k < ve; k++) {
      const x = load<f64>(w + (<usize>k << 3));
      if (x > rho) {
        store<f64>(w + (<usize>kept << 3), x);
        kept++;
      } else {
        size--;
        rho += (rho - x) / <f64>size;
      }
    }
    if (kept == ve) break;
    ve = kept;
  }
  return shiftPositive(y, n, 0, rho, out);
}

/** keepAtLeast moving the i32 indices idx along with the values; returns how many are kept and leaves the largest value dropped in droppedMax. */
let droppedMax: f64 = -Infinity;
function keepAtLeastIndexed(w: usize, idx: usize, len: i32, t: f64): i32 {
  let count = 0;
  let dropped = -Infinity;
  for (let i = 0; i < len; i++) {
    const x = load<f64>(w + (<usize>i << 3));
    const j = load<i32>(idx + (<usize>i << 2));
    store<f64>(w + (<usize>count << 3), x);
    store<i32>(idx + (<usize>count << 2), j);
    const keep = x >= t;
    if (!keep) dropped = max(dropped, x);
    count += i32(keep);
  }
  droppedMax = dropped;
  return count;
}

/**
 * The sparse projection in one pass over y (n ≥ 1, a ≥ 0): the same τ as simplexThreshold (its stage 1
 * and Newton's method, run on the same candidates in the same order, so the same bits), while stage 1
 * also records each candidate's index in idx, the largest entry that never became a candidate, and
 * whether y holds NaN/±Inf. The support can then only be among the candidates: every other entry was
 * ≤ ρ ≤ τ when it was read. Returns k ≥ 0, the number of entries with (yᵢ − m) − (τ − m) > 0, whose
 * indices it leaves in idx[0..k) (i32, in increasing order) and values in w[0..k) — shiftPositive's
 * entries there, bit for bit; −1 if y holds NaN/±Inf; −2 when this pass does not decide and the caller must
 * take the general path: stage 1 holds more than 64 + i/8 candidates after i entries or more than
 * 2·cap + 64 (a dense result, for which the general path is cheaper), k > cap, or an entry outside the
 * final candidates rounds into the support (a tie with τ to the last bits; its largest value is checked). This
 * saves a second pass over y to list the support, which took half the public call's kernel
 * time for a sparse result. w: scratch for min(n, 2·cap + 72) f64 (not y), idx for as many i32.
 */
export function simplexSparse(y: usize, n: i32, a: f64, w: usize, idx: usize, cap: i32): i32 {
  const st = memory.data(SPARSE_STATE, 16);
  const r = simplexSparseRows(y, 0, n, a, w, idx, cap, st);
  return r != 0 ? r : simplexSparseFinish(n, a, w, idx, cap, st);
}

/** Bytes of simplexSparse's state between simplexSparseRows calls (bad, lowV, rho, low, badS, vs, ve). */
// @ts-ignore: decorator
@inline const SPARSE_STATE = 64;

/**
 * simplexSparse's single pass over entries i0 … i1 − 1 of y, which sit at yc (so y may be streamed
 * through a small buffer): call it for consecutive ranges from i0 = 0, each ending at n or at 1 + a
 * multiple of 4 (so the blocks of four fall as in one call over all of y), then simplexSparseFinish.
 * The pass's state lives in st (SPARSE_STATE bytes, 16-aligned) between calls. Returns 0 to go on, −2
 * when stage 1 gives up (see simplexSparse). w, idx: room for min(n, 2·cap + 72) candidates.
 */
export function simplexSparseRows(yc: usize, i0: i32, i1: i32, a: f64, w: usize, idx: usize, cap: i32, st: usize): i32 {
  const y = yc - (<usize>i0 << 3); // entry i at y + 8i (modular address arithmetic)
  let bad: v128;
  let lowV: v128;
  let rho: f64;
  let low: f64;
  let badS: f64;
  let vs: i32;
  let ve: i32;
  let i = i0;
  if (i0 == 0) {
    const y0 = load<f64>(y);
    store<f64>(w, y0);
    store<i32>(idx, 0);
    badS = y0 - y0;
    bad = v128.splat<i64>(0);
    lowV = f64x2.splat(-Infinity); // max over the skipped blocks
    low = -Infinity; // max over the other entries read and not kept
    vs = 0;
    ve = 1;
    rho = y0 - a;
    i = 1;
  } else {
    bad = v128.load(st);
    lowV = v128.load(st, 16);
    rho = load<f64>(st, 32);
    low = load<f64>(st, 40);
    badS = load<f64>(st, 48);
    vs = load<i32>(st, 56);
    ve = load<i32>(st, 60);
  }
  while (i < i1) {
    const end = min(i + 4, i1);
    if (end - i == 4) {
      const r = f64x2.splat(rho);
      const p = y + (<usize>i << 3);
      const x0 = v128.load(p);
      const x1 = v128.load(p, 16);
      if (!v128.any_true(v128.or(f64x2.gt(x0, r), f64x2.gt(x1, r)))) {
        bad = v128.or(bad, v128.or(f64x2.sub(x0, x0), f64x2.sub(x1, x1)));
        lowV = f64x2.pmax(lowV, f64x2.pmax(x0, x1));
        i = end;
        continue;
      }
    }
    // Candidates piling up (more than 64 plus one in eight entries read, or than a support of at most
    // cap entries plausibly needs): a dense result, for which the general path is the cheaper one.
    if (ve > 64 + (i >> 3) || ve > 2 * cap + 64) return -2;
    for (; i < end; i++) {
      const yi = load<f64>(y + (<usize>i << 3));
      badS += yi - yi;
      if (yi > rho) {
        rho += (yi - rho) / <f64>(ve - vs + 1);
        if (!(rho > yi - a)) {
          vs = ve; // restart, as simplexThreshold
          rho = yi - a;
        }
        store<f64>(w + (<usize>ve << 3), yi);
        store<i32>(idx + (<usize>ve << 2), i);
        ve++;
      } else low = max(low, yi);
    }
  }
  v128.store(st, bad);
  v128.store(st, lowV, 16);
  store<f64>(st, rho, 32);
  store<f64>(st, low, 40);
  store<f64>(st, badS, 48);
  store<i32>(st, vs, 56);
  store<i32>(st, ve, 60);
  return 0;
}

/** simplexSparse after its pass (simplexSparseRows over all of y): τ by Newton on the candidates, then the support. */
export function simplexSparseFinish(n: i32, a: f64, w: usize, idx: usize, cap: i32, st: usize): i32 {
  const bad = v128.load(st);
  const lowV = v128.load(st, 16);
  const rho = load<f64>(st, 32);
  let low = load<f64>(st, 40);
  const badS = load<f64>(st, 48);
  const ve = load<i32>(st, 60);
  if (v128.any_true(bad) || badS != 0) return -1;
  low = max(low, max(f64x2.extract_lane(lowV, 0), f64x2.extract_lane(lowV, 1)));
  // Newton's method on the candidates alone (simplexThreshold's stage 2 with nothing left of y).
  let wl = ve;
  const m = maxOf(w, wl);
  let lo = rho;
  const first = sumAtLeast(w, wl, lo, m);
  let count = atLeastCount;
  let s = (first - a) / <f64>count;
  while (true) {
    if (count <= wl >> 2) {
      wl = keepAtLeastIndexed(w, idx, wl, lo);
      low = max(low, droppedMax);
    }
    const r = m + s;
    const next = sumAtLeast(w, wl, r, m);
    const kept = atLeastCount;
    if (kept >= count || kept == 0) break;
    lo = r;
    count = kept;
    s = (next - a) / <f64>count;
  }
  if ((low - m) - s > 0) return -2;
  let k = 0;
  for (let j = 0; j < wl; j++) {
    const e = (load<f64>(w + (<usize>j << 3)) - m) - s;
    if (e > 0) {
      store<f64>(w + (<usize>k << 3), e);
      store<i32>(idx + (<usize>k << 2), load<i32>(idx + (<usize>j << 2)));
      k++;
    }
  }
  return k <= cap ? k : -2;
}
