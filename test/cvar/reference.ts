/**
 * Plain-TS references for the cvar family, written from the definitions (used by the tests and as the
 * bench baselines). None calls the library.
 */

/** k = (1 − β)n snapped like the library's documented rule (integer when within 1e-9 relative). */
export function tailRef(n: number, beta: number): number {
  const k = (1 - beta) * n;
  const r = Math.round(k);
  return Math.min(n, r >= 1 && Math.abs(k - r) <= 1e-9 * Math.max(1, k) ? r : k);
}

/** CVaR by a full sort: (Σ top ⌊k⌋ + (k − ⌊k⌋)·next)/k. */
export function cvarSortRef(x: ArrayLike<number>, beta: number): number {
  const c = Float64Array.from(x).sort().reverse();
  const k = tailRef(c.length, beta);
  const fk = Math.floor(k);
  let s = 0;
  for (let i = 0; i < fk; i++) s += c[i]!;
  if (fk < k) s += (k - fk) * c[fk]!;
  return s / k;
}

/** CVaR straight from Rockafellar–Uryasev: min over η of η + Σ(xᵢ − η)₊/k, tried at every data point (O(n²)). */
export function cvarRuBrute(x: ArrayLike<number>, beta: number): { value: number; argmins: number[] } {
  const k = tailRef(x.length, beta);
  const f = (eta: number): number => {
    let s = 0;
    for (let i = 0; i < x.length; i++) s += Math.max(x[i]! - eta, 0);
    return eta + s / k;
  };
  let best = Infinity;
  const vals = Array.from(x, (eta) => [eta, f(eta)] as const);
  for (const [, v] of vals) best = Math.min(best, v);
  const tol = 1e-12 * Math.max(1, Math.abs(best));
  return { value: best, argmins: vals.filter(([, v]) => v <= best + tol).map(([e]) => e) };
}

/** Lower β-quantile from the definition min{η ∈ x : #{xᵢ ≤ η} ≥ βn}, computed with the same k rule. */
export function varRef(x: ArrayLike<number>, beta: number): number {
  const n = x.length;
  const k = tailRef(n, beta);
  // #{xᵢ ≤ η} ≥ n − k  ⟺  #{xᵢ > η} ≤ k
  let best = Infinity;
  for (let i = 0; i < n; i++) {
    let above = 0;
    for (let j = 0; j < n; j++) if (x[j]! > x[i]!) above++;
    if (above <= k && x[i]! < best) best = x[i]!;
  }
  return best;
}

/**
 * Projection onto {x : CVaR_β(x) ≤ κ} as an explicit polyhedron {⟨w, x⟩ ≤ κ for every vertex w of
 * W = {0 ≤ w ≤ 1/k, Σw = 1}} by Hildreth's dual coordinate ascent (an independent small QP solver).
 * n ≤ 8.
 */
export function projectCvarQp(v: ArrayLike<number>, beta: number, kappa: number, sweeps = 20000): Float64Array {
  const n = v.length;
  const k = tailRef(n, beta);
  const fk = Math.floor(k);
  const frac = k - fk;
  const rows: Float64Array[] = [];
  // vertices: ⌊k⌋ entries at 1/k and (if k is fractional) one more at (k − ⌊k⌋)/k
  for (let mask = 0; mask < 1 << n; mask++) {
    let bits = 0;
    for (let i = 0; i < n; i++) if (mask & (1 << i)) bits++;
    if (bits !== fk) continue;
    if (frac === 0) {
      rows.push(Float64Array.from({ length: n }, (_, i) => (mask & (1 << i) ? 1 / k : 0)));
    } else {
      for (let j = 0; j < n; j++) {
        if (mask & (1 << j)) continue;
        rows.push(Float64Array.from({ length: n }, (_, i) => (mask & (1 << i) ? 1 / k : i === j ? frac / k : 0)));
      }
    }
  }
  const x = Float64Array.from(v);
  const lambda = new Float64Array(rows.length);
  for (let sweep = 0; sweep < sweeps; sweep++) {
    let change = 0;
    rows.forEach((a, r) => {
      let ax = 0;
      let aa = 0;
      for (let i = 0; i < n; i++) {
        ax += a[i]! * x[i]!;
        aa += a[i]! * a[i]!;
      }
      const next = Math.max(0, lambda[r]! + (ax - kappa) / aa);
      const delta = next - lambda[r]!;
      if (delta !== 0) {
        for (let i = 0; i < n; i++) x[i]! -= delta * a[i]!;
        lambda[r] = next;
        change = Math.max(change, Math.abs(delta));
      }
    });
    if (change < 1e-15) break;
  }
  return x;
}

/**
 * Plain-TS projection onto the CVaR set with a full sort and the same breakpoint walk as the kernel
 * (the bench's plain-TS baseline; tested against projectCvarQp).
 */
export function projectCvarSortRef(v: ArrayLike<number>, beta: number, kappa: number, out = new Float64Array(v.length)): Float64Array {
  const n = v.length;
  const k = tailRef(n, beta);
  const c = Float64Array.from(v).sort().reverse();
  const fk = Math.floor(k);
  let top = 0;
  for (let i = 0; i < fk; i++) top += c[i]!;
  if (fk < k) top += (k - fk) * c[fk]!;
  if (top / k <= kappa) {
    out.set(v);
    return out;
  }
  const K = Math.min(Math.ceil(k), n);
  const theta0 = c[K - 1]!;
  let t = K - 1;
  while (t > 0 && c[t - 1] === theta0) t--;
  let q = K;
  while (q < n && c[q] === theta0) q++;
  let sT = 0;
  for (let i = 0; i < t; i++) sT += c[i]!;
  let sM = 0;
  for (let i = t; i < q; i++) sM += c[i]!;
  let a: number;
  let tau: number;
  for (;;) {
    const m = q - t;
    const kt = k - t;
    const root = (sT + (kt * sM) / m - k * kappa) / (t + (kt * kt) / m);
    const aT = t > 0 && m - kt > 0 ? (m * c[t - 1]! - sM) / (m - kt) : Infinity;
    const aQ = q < n ? (sM - m * c[q]!) / kt : Infinity;
    if (root <= Math.min(aT, aQ)) {
      a = root;
      tau = (sM - kt * a) / m;
      break;
    }
    if (aT <= aQ) {
      t--;
      sT -= c[t]!;
      sM += c[t]!;
    } else {
      sM += c[q]!;
      q++;
    }
  }
  for (let i = 0; i < n; i++) out[i] = v[i]! - Math.min(a, Math.max(0, v[i]! - tau));
  return out;
}

/** Minimises a convex function of one variable on [lo, hi] by golden-section search. */
export function golden(f: (x: number) => number, lo: number, hi: number, iters = 120): number {
  const r = (Math.sqrt(5) - 1) / 2;
  let a = lo;
  let b = hi;
  let c = b - r * (b - a);
  let d = a + r * (b - a);
  let fc = f(c);
  let fd = f(d);
  for (let i = 0; i < iters; i++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - r * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + r * (b - a);
      fd = f(d);
    }
  }
  return (a + b) / 2;
}
