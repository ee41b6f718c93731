// Euclidean projection onto the simplex Δₐ = {x ≥ 0, Σxᵢ = a}:  x = max(y − τ, 0), where τ solves
// Σ max(yᵢ − τ, 0) = a.  τ is found by Condat's algorithm (L. Condat, "Fast projection onto the
// simplex and the l1 ball", Math. Program. 158, 2016, Algorithm 1 of Sec. 3): one pass that keeps a
// candidate set v whose running threshold ρ only grows, a revisit of the elements set aside, then
// removal passes until v is stable. Expected O(n); no sort. Equal values enter or leave v together
// because membership is decided by a strict comparison with the same ρ.

/**
 * τ for y[0..n), n ≥ 1, a > 0, relative to m = max(y): returns τ − m and leaves m in w[0]. The final
 * pass computes (yᵢ − m) − (τ − m): for the largest entry that is exactly 0 − (τ − m), so a radius
 * far below the magnitude of y (a = 1e-300 with y ~ 1) is not rounded away.
 * `w` is scratch for n f64, distinct from y; it may be the output of the final pass (the candidate
 * set v lives in w[vs..ve) and the set-aside elements ṽ in w[0..vs)).
 */
export function simplexThreshold(y: usize, n: i32, a: f64, w: usize): f64 {
  let y0 = load<f64>(y);
  store<f64>(w, y0);
  let vs = 0;
  let ve = 1;
  let rho = y0 - a;
  // Step 2: one pass over y. Once ρ has grown, most entries fall below it, so blocks of four are
  // tested with two f64x2 comparisons and skipped whole; a block with a candidate is walked in order.
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
  // Step 3: revisit ṽ. Accepted elements move down to just below vs, so the scratch never
  // exceeds n slots; the order of the revisit does not matter for the result.
  for (let j = vs - 1; j >= 0; j--) {
    const yj = load<f64>(w + (<usize>j << 3));
    if (yj > rho) {
      vs--;
      store<f64>(w + (<usize>vs << 3), yj);
      rho += (yj - rho) / <f64>(ve - vs);
    }
  }
  // Step 4: drop elements at or below ρ until none is dropped.
  let count = ve - vs;
  let changed = true;
  while (changed) {
    changed = false;
    let write = vs;
    for (let k = vs; k < ve; k++) {
      const yk = load<f64>(w + (<usize>k << 3));
      if (yk > rho || count == 1) {
        store<f64>(w + (<usize>write << 3), yk);
        write++;
      } else {
        count--;
        rho += (rho - yk) / <f64>count;
        changed = true;
      }
    }
    ve = write;
  }
  // ρ was built by running updates; τ is recomputed once from the final support S, shifted by its
  // largest element m (the largest entry of y is always in S): τ − m = (Σ_S (yₖ − m) − a)/|S|.
  let m = load<f64>(w + (<usize>vs << 3));
  for (let k = vs + 1; k < ve; k++) m = max(m, load<f64>(w + (<usize>k << 3)));
  let sum = 0.0;
  for (let k = vs; k < ve; k++) sum += load<f64>(w + (<usize>k << 3)) - m;
  store<f64>(w, m);
  return (sum - a) / <f64>(ve - vs);
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
 * The support of max((y − m) − s, 0): writes the indices i with (yᵢ − m) − s > 0, in increasing
 * order, to idx (i32) while there is room for `cap` of them, and returns how many there are (which
 * may exceed cap), or −1 if y holds a non-finite value. The entries themselves are (yᵢ − m) − s, the
 * same bits as shiftPositive's. Reads y once and writes only the support: when the projection is
 * sparse, the bindings fill a zeroed output from it instead of copying n entries out of WASM memory.
 */
export function simplexSupport(y: usize, n: i32, m: f64, s: f64, idx: usize, cap: i32): i32 {
  const mv = f64x2.splat(m);
  const sv = f64x2.splat(s);
  const zero = f64x2.splat(0);
  let bad = v128.splat<i64>(0);
  let count = 0;
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const p = y + (<usize>i << 3);
    const a = v128.load(p);
    const b = v128.load(p, 16);
    bad = v128.or(bad, v128.or(f64x2.sub(a, a), f64x2.sub(b, b)));
    const hit = v128.or(
      f64x2.gt(f64x2.sub(f64x2.sub(a, mv), sv), zero),
      f64x2.gt(f64x2.sub(f64x2.sub(b, mv), sv), zero),
    );
    if (!v128.any_true(hit)) continue;
    for (let j = i; j < i + 4; j++) {
      if ((load<f64>(y + (<usize>j << 3)) - m) - s > 0) {
        if (count < cap) store<i32>(idx + (<usize>count << 2), j);
        count++;
      }
    }
  }
  let flag = 0.0;
  for (let j = n4; j < n; j++) {
    const x = load<f64>(y + (<usize>j << 3));
    flag += x - x;
    if ((x - m) - s > 0) {
      if (count < cap) store<i32>(idx + (<usize>count << 2), j);
      count++;
    }
  }
  return v128.any_true(bad) || flag != 0 ? -1 : count;
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
