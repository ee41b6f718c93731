// Soft-thresholding: the proximal operator of t·‖x‖₁,
//   prox(v)ᵢ = sign(vᵢ)·max(|vᵢ| − t, 0) = vᵢ − clamp(vᵢ, −t, t).
// The clamp form is branch-free and exact: the result is vᵢ − t, vᵢ + t or +0, the same bits as the
// textbook definition. Both kernels return 1 when some vᵢ is NaN or ±Inf (vᵢ − vᵢ is then NaN), so
// the bindings validate in the same pass that computes.

/** f64x2 kernel over v[0..n) → out[0..n); `out` may equal `v`. Returns 1 if v holds a non-finite value. */
export function softThreshold(v: usize, n: i32, t: f64, out: usize): i32 {
  const hi = f64x2.splat(t);
  const lo = f64x2.splat(-t);
  let bad0 = f64x2.splat(0);
  let bad1 = f64x2.splat(0);
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const p = <usize>i << 3;
    const a = v128.load(v + p);
    const b = v128.load(v + p, 16);
    v128.store(out + p, f64x2.sub(a, f64x2.pmax(lo, f64x2.pmin(a, hi))));
    v128.store(out + p, f64x2.sub(b, f64x2.pmax(lo, f64x2.pmin(b, hi))), 16);
    bad0 = f64x2.add(bad0, f64x2.sub(a, a));
    bad1 = f64x2.add(bad1, f64x2.sub(b, b));
  }
  const bad = f64x2.add(bad0, bad1);
  let flag = f64x2.extract_lane(bad, 0) + f64x2.extract_lane(bad, 1);
  for (let i = n4; i < n; i++) {
    const x = load<f64>(v + (<usize>i << 3));
    store<f64>(out + (<usize>i << 3), x - max(-t, min(x, t)));
    flag += x - x;
  }
  return i32(flag != 0);
}

/** The same map one element at a time: the scalar baseline that the bench compares against. */
export function softThresholdScalar(v: usize, n: i32, t: f64, out: usize): i32 {
  let flag = 0.0;
  for (let i = 0; i < n; i++) {
    const x = load<f64>(v + (<usize>i << 3));
    store<f64>(out + (<usize>i << 3), x - max(-t, min(x, t)));
    flag += x - x;
  }
  return i32(flag != 0);
}
