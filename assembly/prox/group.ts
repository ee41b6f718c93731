// Group soft-threshold (prox of t·Σ_g w_g‖x_g‖₂ over non-overlapping groups). Groups are given as a
// flat i32 index list `idx` with i32 offsets `start[0..ng]` (group g is idx[start[g]..start[g+1])).
// idx = 0 means idx[k] = k (consecutive blocks in order, the common layout): no gather, f64x2 loops.
// Entries in no group are copied unchanged. `out` may equal `v`. Returns 1 if v holds NaN/±Inf.

/** out_g = max(1 − t·w_g/‖v_g‖, 0)·v_g for every group g; w: ng f64 (or 0 for all-ones). */
export function groupShrink(v: usize, n: i32, idx: usize, start: usize, ng: i32, w: usize, t: f64, out: usize): i32 {
  let bad = f64x2.splat(0);
  const n2 = n & ~1;
  if (out != v) memory.copy(out, v, <usize>n << 3);
  for (let i = 0; i < n2; i += 2) {
    const x = v128.load(v + (<usize>i << 3));
    bad = v128.or(bad, f64x2.sub(x, x));
  }
  let flag = i32(v128.any_true(bad));
  if (n2 < n) {
    const x = load<f64>(v + (<usize>n2 << 3));
    flag |= i32(x - x != 0);
  }
  if (flag) return 1;
  if (idx == 0) {
    for (let g = 0; g < ng; g++) blockShrink(v, load<i32>(start + (<usize>g << 2)), load<i32>(start + (<usize>(g + 1) << 2)), w == 0 ? t : t * load<f64>(w + (<usize>g << 3)), out);
    return 0;
  }
  for (let g = 0; g < ng; g++) {
    const a = load<i32>(start + (<usize>g << 2));
    const b = load<i32>(start + (<usize>(g + 1) << 2));
    let ss = 0.0;
    for (let k = a; k < b; k++) {
      const x = load<f64>(v + (<usize>load<i32>(idx + (<usize>k << 2)) << 3));
      ss += x * x;
    }
    let norm = sqrt<f64>(ss);
    if (!(ss > 1e-280 && ss < Infinity)) {
      // Overflow or possible underflow of Σx²: rescale by the largest magnitude (rare path).
      let m = 0.0;
      for (let k = a; k < b; k++) m = max(m, abs<f64>(load<f64>(v + (<usize>load<i32>(idx + (<usize>k << 2)) << 3))));
      ss = 0.0;
      if (m > 0) {
        for (let k = a; k < b; k++) {
          const x = load<f64>(v + (<usize>load<i32>(idx + (<usize>k << 2)) << 3)) / m;
          ss += x * x;
        }
      }
      norm = m * sqrt<f64>(ss);
    }
    const tw = w == 0 ? t : t * load<f64>(w + (<usize>g << 3));
    const scale = norm > tw ? 1 - tw / norm : 0.0;
    for (let k = a; k < b; k++) {
      const p = <usize>load<i32>(idx + (<usize>k << 2)) << 3;
      store<f64>(out + p, scale * load<f64>(v + p) + 0.0); // +0, not −0, for a zeroed group
    }
  }
  return 0;
}

/** One consecutive block v[a..b): out = max(1 − tw/‖v_ab‖, 0)·v_ab. */
@inline function blockShrink(v: usize, a: i32, b: i32, tw: f64, out: usize): void {
  let s2 = f64x2.splat(0);
  let k = a;
  for (; k + 2 <= b; k += 2) {
    const x = v128.load(v + (<usize>k << 3));
    s2 = f64x2.add(s2, f64x2.mul(x, x));
  }
  let ss = f64x2.extract_lane(s2, 0) + f64x2.extract_lane(s2, 1);
  if (k < b) {
    const x = load<f64>(v + (<usize>k << 3));
    ss += x * x;
  }
  let norm = sqrt<f64>(ss);
  if (!(ss > 1e-280 && ss < Infinity)) {
    let m = 0.0;
    for (let j = a; j < b; j++) m = max(m, abs<f64>(load<f64>(v + (<usize>j << 3))));
    ss = 0.0;
    if (m > 0) {
      for (let j = a; j < b; j++) {
        const x = load<f64>(v + (<usize>j << 3)) / m;
        ss += x * x;
      }
    }
    norm = m * sqrt<f64>(ss);
  }
  const scale = norm > tw ? 1 - tw / norm : 0.0;
  const sv = f64x2.splat(scale);
  const zero = f64x2.splat(0);
  k = a;
  for (; k + 2 <= b; k += 2) {
    const p = <usize>k << 3;
    v128.store(out + p, f64x2.add(f64x2.mul(sv, v128.load(v + p)), zero));
  }
  if (k < b) store<f64>(out + (<usize>k << 3), scale * load<f64>(v + (<usize>k << 3)) + 0.0);
}
