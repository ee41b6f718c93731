// Transcendental kernels of the prox family (AssemblyScript's own exp/log: bit-identical in every
// engine): the entropic mirror step on the simplex and the 1-D logistic prox.

/**
 * out = softmax(zᵢ), zᵢ = (log x0ᵢ − t·gᵢ + tμ·log rᵢ)/(1 + tμ)  (r = 0: no reference, μ ignored):
 * argmin over the simplex of ⟨g, x⟩ + μ·KL(x‖r) + KL(x‖x0)/t. Entries with x0ᵢ = 0 (or rᵢ = 0) stay 0.
 * The largest z is subtracted before exp (no overflow, at least one term is exp(0) = 1).
 * Returns 1 if g, x0 or r holds NaN/±Inf, 2 if x0 or r has a negative entry, 3 if every weight is 0.
 */
export function entropicStep(x0: usize, g: usize, r: usize, n: i32, t: f64, mu: f64, out: usize): i32 {
  const tm = r == 0 ? 0.0 : t * mu;
  const inv = 1 / (1 + tm);
  let zmax = -Infinity;
  for (let i = 0; i < n; i++) {
    const p = <usize>i << 3;
    const a = load<f64>(x0 + p);
    const gi = load<f64>(g + p);
    const ri = r == 0 ? 1.0 : load<f64>(r + p);
    if (a - a != 0 || gi - gi != 0 || ri - ri != 0) return 1;
    if (a < 0 || ri < 0) return 2;
    const z = a == 0 || ri == 0 ? -Infinity : (Math.log(a) - t * gi + (r == 0 ? 0.0 : tm * Math.log(ri))) * inv;
    store<f64>(out + p, z);
    zmax = max(zmax, z);
  }
  if (zmax == -Infinity) return 3;
  let sum = 0.0;
  for (let i = 0; i < n; i++) {
    const p = <usize>i << 3;
    const e = Math.exp(load<f64>(out + p) - zmax);
    store<f64>(out + p, e);
    sum += e;
  }
  const s = 1 / sum;
  for (let i = 0; i < n; i++) {
    const p = <usize>i << 3;
    store<f64>(out + p, load<f64>(out + p) * s);
  }
  return 0;
}

/** σ(−m) = 1/(1 + e^m), computed without overflow. */
@inline function sigmoidNeg(m: f64): f64 {
  if (m >= 0) {
    const e = Math.exp(-m);
    return e / (1 + e);
  }
  return 1 / (1 + Math.exp(m));
}

/**
 * The 1-D prox of s·log(1 + e^{−m}) at m0 (s > 0): the root of h(m) = m − s·σ(−m) − m0, increasing
 * in m, bracketed by [m0, m0 + s]. Newton steps (h' = 1 + s·σ(m)σ(−m) ≥ 1) kept inside the bracket,
 * bisection when a step leaves it; stops when the bracket or the step is below 4 ulps.
 */
export function logisticProx1d(m0: f64, s: f64): f64 {
  let lo = m0;
  let hi = m0 + s;
  let m = m0 + s * 0.5;
  for (let it = 0; it < 200; it++) {
    const sn = sigmoidNeg(m);
    const h = m - s * sn - m0;
    if (h > 0) hi = m;
    else if (h < 0) lo = m;
    else return m;
    const d = 1 + s * sn * (1 - sn);
    let next = m - h / d;
    if (!(next > lo && next < hi)) next = lo + (hi - lo) * 0.5;
    if (abs<f64>(next - m) <= 4 * f64.EPSILON * max(1.0, abs<f64>(m)) || hi - lo <= 4 * f64.EPSILON * max(1.0, abs<f64>(m))) return next;
    m = next;
  }
  return m;
}
