// Kernels for unbalanced Sinkhorn and Bregman barycenters. Vectors are f64 arrays at byte offsets.
// No allocation, no state, no throw.

@inline function at(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}
@inline function put(p: usize, i: i32, x: f64): void {
  store<f64>(p + (<usize>i << 3), x);
}

/**
 * The unbalanced (KL-relaxed) scaling update out[i] = (num[i] / den[i])^p, 0 where num[i] = 0.
 * Returns 1 if a result is not finite (den underflowed to 0 where num > 0).
 */
export function otScalePow(num: usize, den: usize, n: i32, p: f64, out: usize): i32 {
  let bad = 0.0;
  for (let i = 0; i < n; i++) {
    const a = at(num, i);
    const q = a == 0 ? 0.0 : Math.pow(a / at(den, i), p);
    bad += q - q;
    put(out, i, q);
  }
  return bad == 0 ? 0 : 1;
}

/** out[i] = exp(x[i]) (exp(−∞) = 0). */
export function otExpVec(x: usize, n: i32, out: usize): void {
  for (let i = 0; i < n; i++) put(out, i, Math.exp(at(x, i)));
}
