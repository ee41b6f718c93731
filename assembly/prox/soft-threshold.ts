// Soft-thresholding: the proximal operator of t·‖x‖₁,
//   prox(v)ᵢ = sign(vᵢ)·max(|vᵢ| − t, 0) = vᵢ − clamp(vᵢ, −t, t).
// The clamp form is branch-free and exact: the result is vᵢ − t, vᵢ + t or +0, the same bits as the
// textbook definition. Both kernels return 1 when some vᵢ is NaN or ±Inf (vᵢ − vᵢ is then NaN), so
// the bindings validate in the same pass that computes.

/** f64x2 kernel over v[0..n) → out[0..n); `out` may equal `v`. Returns 1 if v holds a non-finite value. */
export function softThreshold(v: usize, n: i32, t: f64, out: usize): i32 {
  const hi = f64x2.splat(t);
  const lo = f64x2.splat(-t);
  // x − x has all bits zero for finite x and is NaN otherwise: OR-ing the bits (latency 1) keeps the
  // check off the critical path, where a floating-point sum would chain 4-cycle adds.
  let bad = v128.splat<i64>(0);
  const n8 = n & ~7;
  for (let i = 0; i < n8; i += 8) {
    const p = <usize>i << 3;
    const a = v128.load(v + p);
    const b = v128.load(v + p, 16);
    const c = v128.load(v + p, 32);
    const d = v128.load(v + p, 48);
    v128.store(out + p, f64x2.sub(a, f64x2.pmax(lo, f64x2.pmin(a, hi))));
    v128.store(out + p, f64x2.sub(b, f64x2.pmax(lo, f64x2.pmin(b, hi))), 16);
    v128.store(out + p, f64x2.sub(c, f64x2.pmax(lo, f64x2.pmin(c, hi))), 32);
    v128.store(out + p, f64x2.sub(d, f64x2.pmax(lo, f64x2.pmin(d, hi))), 48);
    bad = v128.or(bad, v128.or(v128.or(f64x2.sub(a, a), f64x2.sub(b, b)), v128.or(f64x2.sub(c, c), f64x2.sub(d, d))));
  }
  return i32(v128.any_true(bad)) | softThresholdScalar(v + (<usize>n8 << 3), n - n8, t, out + (<usize>n8 << 3));
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
