// Bound-propagation kernels (IBP, CROWN): interval mat-vec, the backward linear-bound step through a
// Linear layer and through an element-wise activation, activation relaxations, concretisation of a
// linear bound over an Lp ball. Row-major matrices; pointers are byte offsets; no allocation.

/** Activation codes shared with bindings/bounds/ops.ts. */
const RELU: i32 = 0;
const LEAKY: i32 = 1;
const SIGMOID: i32 = 2;
const TANH: i32 = 3;

@inline function ptr(base: usize, i: i32): usize {
  return base + (<usize>i << 3);
}

/**
 * Interval mat-vec (IBP through y = Wx + b, W m×n row-major): for x ∈ [l, u],
 * outL = W⁺l + W⁻u + b and outU = W⁺u + W⁻l + b (W⁺ = max(W, 0), W⁻ = min(W, 0)). b may be 0 (no
 * bias). Also the box concretisation of a linear bound Λx + c (W = Λ, b = c). Returns 1 when a
 * result is non-finite.
 */
export function boundIntervalMatVec(W: usize, m: i32, n: i32, b: usize, l: usize, u: usize, outL: usize, outU: usize): i32 {
  const zero = f64x2.splat(0);
  const n2 = n & ~1;
  let bad: f64 = 0;
  for (let i = 0; i < m; i++) {
    const row = W + (<usize>i * <usize>n << 3);
    let lo = zero;
    let hi = zero;
    for (let j = 0; j < n2; j += 2) {
      const w = v128.load(ptr(row, j));
      const wp = f64x2.pmax(w, zero);
      const wn = f64x2.pmin(w, zero);
      const lv = v128.load(ptr(l, j));
      const uv = v128.load(ptr(u, j));
      lo = f64x2.add(lo, f64x2.add(f64x2.mul(wp, lv), f64x2.mul(wn, uv)));
      hi = f64x2.add(hi, f64x2.add(f64x2.mul(wp, uv), f64x2.mul(wn, lv)));
    }
    let sl = f64x2.extract_lane(lo, 0) + f64x2.extract_lane(lo, 1);
    let su = f64x2.extract_lane(hi, 0) + f64x2.extract_lane(hi, 1);
    if (n2 < n) {
      const w = load<f64>(ptr(row, n2));
      const wp = w > 0 ? w : 0.0;
      const wn = w < 0 ? w : 0.0;
      sl += wp * load<f64>(ptr(l, n2)) + wn * load<f64>(ptr(u, n2));
      su += wp * load<f64>(ptr(u, n2)) + wn * load<f64>(ptr(l, n2));
    }
    const bi = b != 0 ? load<f64>(ptr(b, i)) : 0.0;
    sl += bi;
    su += bi;
    store<f64>(ptr(outL, i), sl);
    store<f64>(ptr(outU, i), su);
    bad += (sl - sl) + (su - su);
  }
  return i32(bad != 0);
}

/**
 * y = W·x + b (W m×n row-major; b may be 0): the exact forward pass of a linear layer, with two
 * independent f64x2 accumulators per row (a quarter of the work of the interval mat-vec with l = u).
 */
export function boundMatVec(W: usize, m: i32, n: i32, b: usize, x: usize, out: usize): void {
  const n4 = n & ~3;
  for (let i = 0; i < m; i++) {
    const row = W + (<usize>i * <usize>n << 3);
    let a0 = f64x2.splat(0);
    let a1 = f64x2.splat(0);
    for (let j = 0; j < n4; j += 4) {
      a0 = f64x2.add(a0, f64x2.mul(v128.load(ptr(row, j)), v128.load(ptr(x, j))));
      a1 = f64x2.add(a1, f64x2.mul(v128.load(ptr(row, j + 2)), v128.load(ptr(x, j + 2))));
    }
    const a = f64x2.add(a0, a1);
    let s = f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
    for (let j = n4; j < n; j++) s += load<f64>(ptr(row, j)) * load<f64>(ptr(x, j));
    if (b != 0) s += load<f64>(ptr(b, i));
    store<f64>(ptr(out, i), s);
  }
}

/**
 * Backward step of a linear bound through y = Wx + b (CROWN): out = Λ·W (Λ k×m, W m×n, out k×n) and
 * c += Λ·b (b may be 0). out must not alias Λ.
 */
export function boundBackLinear(lam: usize, k: i32, m: i32, W: usize, n: i32, b: usize, out: usize, c: usize): void {
  const n2 = n & ~1;
  for (let r = 0; r < k; r++) {
    const orow = out + (<usize>r * <usize>n << 3);
    memory.fill(orow, 0, <usize>n << 3);
    const lrow = lam + (<usize>r * <usize>m << 3);
    let acc: f64 = 0;
    for (let j = 0; j < m; j++) {
      const a = load<f64>(ptr(lrow, j));
      if (a == 0) continue;
      if (b != 0) acc += a * load<f64>(ptr(b, j));
      const av = f64x2.splat(a);
      const wrow = W + (<usize>j * <usize>n << 3);
      for (let t = 0; t < n2; t += 2) {
        const p = <usize>t << 3;
        v128.store(orow + p, f64x2.add(v128.load(orow + p), f64x2.mul(av, v128.load(wrow + p))));
      }
      if (n2 < n) store<f64>(ptr(orow, n2), load<f64>(ptr(orow, n2)) + a * load<f64>(ptr(wrow, n2)));
    }
    store<f64>(ptr(c, r), load<f64>(ptr(c, r)) + acc);
  }
}

/**
 * Backward step of a linear bound through an element-wise relaxation aL·x + bL ≤ f(x) ≤ aU·x + bU
 * (Λ k×n, in place allowed). For an upper bound (upper = 1): Λ' = Λ⁺aU + Λ⁻aL, c += Λ⁺bU + Λ⁻bL;
 * for a lower bound the roles of the two lines swap.
 */
export function boundBackActivation(lam: usize, k: i32, n: i32, aL: usize, bL: usize, aU: usize, bU: usize, upper: i32, out: usize, c: usize): void {
  const zero = f64x2.splat(0);
  const n2 = n & ~1;
  const pa = upper != 0 ? aU : aL; // slope and intercept used with positive coefficients
  const pb = upper != 0 ? bU : bL;
  const na = upper != 0 ? aL : aU;
  const nb = upper != 0 ? bL : bU;
  for (let r = 0; r < k; r++) {
    const off = <usize>r * <usize>n << 3;
    let acc = zero;
    for (let j = 0; j < n2; j += 2) {
      const p = <usize>j << 3;
      const x = v128.load(lam + off + p);
      const xp = f64x2.pmax(x, zero);
      const xn = f64x2.pmin(x, zero);
      v128.store(out + off + p, f64x2.add(f64x2.mul(xp, v128.load(pa + p)), f64x2.mul(xn, v128.load(na + p))));
      acc = f64x2.add(acc, f64x2.add(f64x2.mul(xp, v128.load(pb + p)), f64x2.mul(xn, v128.load(nb + p))));
    }
    let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
    if (n2 < n) {
      const p = <usize>n2 << 3;
      const x = load<f64>(lam + off + p);
      const xp = x > 0 ? x : 0.0;
      const xn = x < 0 ? x : 0.0;
      store<f64>(out + off + p, xp * load<f64>(pa + p) + xn * load<f64>(na + p));
      s += xp * load<f64>(pb + p) + xn * load<f64>(nb + p);
    }
    store<f64>(ptr(c, r), load<f64>(ptr(c, r)) + s);
  }
}

/**
 * Concretisation of Λx + c over the ball ‖x − x0‖_p ≤ eps: Λx0 + c ± eps·‖Λᵣ‖_q per row, q the dual
 * norm of p. dual = 1 (p = ∞), 2 (p = 2) or 0 meaning q = ∞ (p = 1); sign = −1 (lower) or +1 (upper).
 */
export function boundConcretizeBall(lam: usize, k: i32, n: i32, x0: usize, c: usize, eps: f64, dual: i32, sign: f64, out: usize): void {
  for (let r = 0; r < k; r++) {
    const row = lam + (<usize>r * <usize>n << 3);
    let s: f64 = 0;
    let q: f64 = 0;
    for (let j = 0; j < n; j++) {
      const a = load<f64>(ptr(row, j));
      s += a * load<f64>(ptr(x0, j));
      const aa = Math.abs(a);
      if (dual == 1) q += aa;
      else if (dual == 2) q += aa * aa;
      else if (aa > q) q = aa;
    }
    if (dual == 2) q = Math.sqrt(q);
    store<f64>(ptr(out, r), s + load<f64>(ptr(c, r)) + sign * eps * q);
  }
}

@inline function act(kind: i32, x: f64, alpha: f64): f64 {
  if (kind == RELU) return x > 0 ? x : 0.0;
  if (kind == LEAKY) return x > 0 ? x : alpha * x;
  if (kind == SIGMOID) return 1.0 / (1.0 + Math.exp(-x));
  return Math.tanh(x);
}

/** out = f(x) element-wise (kind: 0 ReLU, 1 LeakyReLU(alpha), 2 sigmoid, 3 tanh); in place allowed. */
export function boundActForward(kind: i32, x: usize, n: i32, alpha: f64, out: usize): void {
  for (let i = 0; i < n; i++) store<f64>(ptr(out, i), act(kind, load<f64>(ptr(x, i)), alpha));
}

/** Derivative f'(x) for sigmoid/tanh. */
@inline function dact(kind: i32, x: f64): f64 {
  if (kind == SIGMOID) {
    const s = 1.0 / (1.0 + Math.exp(-x));
    return s * (1 - s);
  }
  const t = Math.tanh(x);
  return 1 - t * t;
}

/**
 * Linear relaxation of f on [l, u] element-wise: aL·x + bL ≤ f(x) ≤ aU·x + bU for all x ∈ [l, u].
 * ReLU / LeakyReLU(α ∈ [0, 1]): upper = the chord (triangle relaxation); lower slope = CROWN's
 * adaptive choice (1 when u > −l, else α). Sigmoid / tanh: both lines have the chord's slope k and are
 * shifted to touch f: the intercepts are the min / max of f(x) − kx over [l, u], attained at l, u or
 * where f'(x) = k (closed forms), widened by a tiny relative margin for rounding.
 */
export function boundActRelax(kind: i32, l: usize, u: usize, n: i32, alpha: f64, aL: usize, bL: usize, aU: usize, bU: usize): void {
  for (let i = 0; i < n; i++) {
    const lo = load<f64>(ptr(l, i));
    const hi = load<f64>(ptr(u, i));
    let sl: f64, il: f64, su: f64, iu: f64;
    if (kind == RELU || kind == LEAKY) {
      const a = kind == RELU ? 0.0 : alpha;
      if (lo >= 0) {
        sl = 1; il = 0; su = 1; iu = 0;
      } else if (hi <= 0) {
        sl = a; il = 0; su = a; iu = 0;
      } else {
        su = (hi - a * lo) / (hi - lo);
        iu = hi - su * hi;
        sl = hi > -lo ? 1.0 : a;
        il = 0;
      }
    } else {
      const fl = act(kind, lo, 0);
      const fu = act(kind, hi, 0);
      let k: f64 = 0;
      if (hi > lo) k = (fu - fl) / (hi - lo);
      else k = dact(kind, lo);
      let gmin = fl - k * lo;
      let gmax = gmin;
      const gu = fu - k * hi;
      if (gu < gmin) gmin = gu;
      if (gu > gmax) gmax = gu;
      // Critical points where f'(x) = k: sigmoid s(1 − s) = k, tanh 1 − t² = k (x = ±x*).
      let xs: f64 = -1;
      if (kind == SIGMOID) {
        if (k > 0 && k < 0.25) {
          const s = 0.5 * (1 + Math.sqrt(1 - 4 * k));
          xs = Math.log(s / (1 - s));
        } else if (k >= 0.25) xs = 0;
      } else {
        if (k > 0 && k < 1) {
          const t = Math.sqrt(1 - k);
          xs = 0.5 * Math.log((1 + t) / (1 - t));
        } else if (k >= 1) xs = 0;
      }
      if (xs >= 0) {
        for (let sgn = -1; sgn <= 1; sgn += 2) {
          const x = <f64>sgn * xs;
          if (x > lo && x < hi) {
            const g = act(kind, x, 0) - k * x;
            if (g < gmin) gmin = g;
            if (g > gmax) gmax = g;
          }
        }
      }
      const margin = 1e-12 * (1 + Math.abs(gmin) + Math.abs(gmax) + Math.abs(k) * (Math.abs(lo) + Math.abs(hi)));
      sl = k; il = gmin - margin; su = k; iu = gmax + margin;
    }
    store<f64>(ptr(aL, i), sl);
    store<f64>(ptr(bL, i), il);
    store<f64>(ptr(aU, i), su);
    store<f64>(ptr(bU, i), iu);
  }
}
