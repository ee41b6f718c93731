// Exact prox of weighted 1-D total variation,
//   argmin_x ½Σᵢ(xᵢ − yᵢ)² + Σₖ λₖ|x_{k+1} − x_k|,
// by dynamic programming over the derivative of the message function (Johnson, "A dynamic
// programming algorithm for the fused lasso and L0-segmentation", JCGS 2013): the derivative of
// g_k(b) = min over x₀..x_{k−1} with x_k = b is increasing and piecewise linear; its knots live in a
// deque, each knot enters once and leaves once, so the cost is O(n) in the worst case (Condat's
// direct algorithm is O(n²) in its worst case). Every λₖ ≥ 0 may differ (weighted TV).
//
// Strided: y[i] at y + i·ys·8, x[i] at out + i·xs·8, λₖ at lam + k·ls·8 (ls = 0: one λ for all
// edges), so a row or a column of a row-major image is denoised in place without a gather.
// Scratch `s`: 8n + 3 f64 (knots with their two increments: 3·(2n + 1); the clamp bounds: 2n).
// out may alias y (same stride). Returns 1 if y holds NaN or ±Inf (out is then garbage).

@inline function ld(p: usize, i: i32, stride: i32): f64 {
  return load<f64>(p + ((<usize>i * <usize>stride) << 3));
}

export function tv1d(y: usize, n: i32, ys: i32, lam: usize, ls: i32, out: usize, xs: i32, s: usize): i32 {
  if (n <= 0) return 0;
  let flag = 0.0;
  for (let i = 0; i < n; i++) {
    const v = ld(y, i, ys);
    flag += v - v;
  }
  if (flag != 0) return 1;
  // Knot j lives at s + 24j: position, slope increment, intercept increment (one cache line or two
  // per knot rather than three arrays). The clamp bounds of edge k: (tm, tp) at bnd + 16k.
  const m = <usize>(2 * n + 1);
  const kx = s;
  const ka = s + 8;
  const kb = s + 16;
  const bnd = s + m * 24;
  const tmp = bnd;
  const tpp = bnd + 8;
  // The derivative is A0·b + B0 left of every knot and A1·b + B1 right of every knot.
  let l = n; //  deque = [l, r]; empty when r < l
  let r = n - 1;
  let a0 = 1.0;
  let b0 = -ld(y, 0, ys);
  let a1 = 1.0;
  let b1 = b0;
  for (let k = 0; k < n - 1; k++) {
    const lk = ld(lam, k, ls);
    // Lower bound: where the derivative reaches −λ, scanning knots from the left.
    let lo = l;
    let a = a0;
    let b = b0;
    while (lo <= r && a * load<f64>(kx + <usize>lo * 24) + b <= -lk) {
      a += load<f64>(ka + <usize>lo * 24);
      b += load<f64>(kb + <usize>lo * 24);
      lo++;
    }
    // Upper bound: where it reaches +λ, scanning from the right (never past lo).
    let hi = r;
    let c = a1;
    let d = b1;
    while (hi >= lo && c * load<f64>(kx + <usize>hi * 24) + d >= lk) {
      c -= load<f64>(ka + <usize>hi * 24);
      d -= load<f64>(kb + <usize>hi * 24);
      hi--;
    }
    const tm = (-lk - b) / a;
    const tp = (lk - d) / c;
    store<f64>(tmp + (<usize>k << 4), tm);
    store<f64>(tpp + (<usize>k << 4), tp);
    // The clamped derivative: −λ left of tm, unchanged between, +λ right of tp.
    l = lo - 1;
    store<f64>(kx + <usize>l * 24, tm);
    store<f64>(ka + <usize>l * 24, a);
    store<f64>(kb + <usize>l * 24, b + lk);
    r = hi + 1;
    store<f64>(kx + <usize>r * 24, tp);
    store<f64>(ka + <usize>r * 24, -c);
    store<f64>(kb + <usize>r * 24, lk - d);
    // Add the next data term (b − y_{k+1}).
    const yk = ld(y, k + 1, ys);
    a0 = 1.0;
    b0 = -lk - yk;
    a1 = 1.0;
    b1 = lk - yk;
  }
  // The last coordinate is the root of the final derivative.
  let lo = l;
  let a = a0;
  let b = b0;
  while (lo <= r && a * load<f64>(kx + <usize>lo * 24) + b <= 0) {
    a += load<f64>(ka + <usize>lo * 24);
    b += load<f64>(kb + <usize>lo * 24);
    lo++;
  }
  let x = -b / a;
  store<f64>(out + ((<usize>(n - 1) * <usize>xs) << 3), x);
  for (let k = n - 2; k >= 0; k--) {
    x = max(load<f64>(tmp + (<usize>k << 4)), min(x, load<f64>(tpp + (<usize>k << 4))));
    store<f64>(out + ((<usize>k * <usize>xs) << 3), x);
  }
  return 0;
}

