// Optimal-transport kernels (Sinkhorn in the scaling and the log domain). Matrices are row-major
// n × m f64 at byte offsets; vectors are f64 arrays. Rows need no alignment (unaligned v128 loads).
// No allocation, no state, no throw. Kernels that read user data return 1 when it is not finite.
// Summation orders (documented so a plain-TS mirror can follow them):
//   K v: per row, linalg/blas.ts's dot (four f64x2 partial sums over blocks of 8 columns, combined
//        (a₀ + a₁) + (a₂ + a₃), then lanes added, the remaining columns in order);
//   Kᵀ u: accumulated over rows in order.
//   The scaling Sinkhorn of the bindings uses matvec.ts's otKvPairs (pair order) for K v instead,
//   shared with the batched kernels of batch.ts.

import { dot } from "../linalg/blas";
import { otKtuRows4 } from "./matvec";
import { expv } from "./expv";

@inline function at(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}
@inline function put(p: usize, i: i32, x: f64): void {
  store<f64>(p + (<usize>i << 3), x);
}

/**
 * Cost matrix out[i·m + j] = c(X_i, Y_j) between the rows of X (n × d) and Y (m × d), row-major.
 * metric 0: squared Euclidean Σ(x−y)²; 1: Euclidean √Σ(x−y)²; 2: L1 Σ|x−y|. Returns 1 if a cost is not finite.
 */
export function otCostMatrix(X: usize, n: i32, Y: usize, m: i32, d: i32, metric: i32, out: usize): i32 {
  const d2 = d & ~1;
  let bad = 0.0;
  for (let i = 0; i < n; i++) {
    const xi = X + ((<usize>i * <usize>d) << 3);
    const row = out + ((<usize>i * <usize>m) << 3);
    for (let j = 0; j < m; j++) {
      const yj = Y + ((<usize>j * <usize>d) << 3);
      let acc = f64x2.splat(0);
      let s = 0.0;
      if (metric == 2) {
        for (let k = 0; k < d2; k += 2) {
          const p = <usize>k << 3;
          acc = f64x2.add(acc, f64x2.abs(f64x2.sub(v128.load(xi + p), v128.load(yj + p))));
        }
        s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
        if (d2 < d) s += Math.abs(at(xi, d2) - at(yj, d2));
      } else {
        for (let k = 0; k < d2; k += 2) {
          const p = <usize>k << 3;
          const t = f64x2.sub(v128.load(xi + p), v128.load(yj + p));
          acc = f64x2.add(acc, f64x2.mul(t, t));
        }
        s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
        if (d2 < d) {
          const t = at(xi, d2) - at(yj, d2);
          s += t * t;
        }
        if (metric == 1) s = Math.sqrt(s);
      }
      bad += s - s;
      put(row, j, s);
    }
  }
  return bad == 0 ? 0 : 1;
}

/**
 * K[k] = exp(−M[k]/reg) for k < len (the Gibbs kernel), two entries at a time by ./expv.ts's expv, whose
 * lanes are bit-identical to Math.exp (the odd last entry by Math.exp itself). Returns 1 if M holds NaN/±Inf.
 */
export function otGibbs(M: usize, len: i32, reg: f64, K: usize): i32 {
  let bad = f64x2.splat(0);
  const r = -1.0 / reg;
  const rv = f64x2.splat(r);
  const l2 = len & ~1;
  for (let k = 0; k < l2; k += 2) {
    const x = v128.load(M + (<usize>k << 3));
    bad = f64x2.add(bad, f64x2.sub(x, x));
    v128.store(K + (<usize>k << 3), expv(f64x2.mul(x, rv)));
  }
  let b = f64x2.extract_lane(bad, 0) + f64x2.extract_lane(bad, 1);
  if (l2 < len) {
    const x = at(M, l2);
    b += x - x;
    put(K, l2, Math.exp(x * r));
  }
  return b == 0 ? 0 : 1;
}

/** L[k] = −M[k]/reg (the log-domain kernel). Returns 1 if M holds NaN/±Inf. */
export function otLogKernel(M: usize, len: i32, reg: f64, L: usize): i32 {
  let bad = f64x2.splat(0);
  const r = f64x2.splat(-1.0 / reg);
  const len2 = len & ~1;
  for (let k = 0; k < len2; k += 2) {
    const p = <usize>k << 3;
    const x = v128.load(M + p);
    bad = f64x2.add(bad, f64x2.sub(x, x));
    v128.store(L + p, f64x2.mul(x, r));
  }
  let b = f64x2.extract_lane(bad, 0) + f64x2.extract_lane(bad, 1);
  if (len2 < len) {
    const x = at(M, len2);
    b += x - x;
    put(L, len2, x * (-1.0 / reg));
  }
  return b == 0 ? 0 : 1;
}

/** out[i] = Σ_j K[i, j]·v[j] (K n × m): one shared f64x2 dot product per row. */
export function otKv(K: usize, n: i32, m: i32, v: usize, out: usize): void {
  for (let i = 0; i < n; i++) put(out, i, dot(K + ((<usize>i * <usize>m) << 3), v, m));
}

/**
 * out[j] = Σ_i K[i, j]·u[i] (K n × m), accumulated over rows in order (matvec.ts's otKtuRows4: four
 * rows streamed per pass; the same numbers as a row-by-row sweep).
 */
export function otKtu(K: usize, n: i32, m: i32, u: usize, out: usize): void {
  otKtuRows4(K, n, m, u, out);
}

/**
 * The Sinkhorn scaling update out[i] = num[i] / den[i], with out[i] = 0 where num[i] = 0 (a zero-mass
 * entry). Returns 1 if a ratio is not finite (den underflowed to 0 where num > 0: switch to the log domain).
 */
export function otScale(num: usize, den: usize, n: i32, out: usize): i32 {
  const n2 = n & ~1;
  let bad = f64x2.splat(0);
  const zero = f64x2.splat(0);
  for (let i = 0; i < n2; i += 2) {
    const p = <usize>i << 3;
    const a = v128.load(num + p);
    const q = v128.and(f64x2.div(a, v128.load(den + p)), f64x2.ne(a, zero));
    bad = f64x2.add(bad, f64x2.sub(q, q));
    v128.store(out + p, q);
  }
  let b = f64x2.extract_lane(bad, 0) + f64x2.extract_lane(bad, 1);
  if (n2 < n) {
    const a = at(num, n2);
    const q = a == 0 ? 0.0 : a / at(den, n2);
    b += q - q;
    put(out, n2, q);
  }
  return b == 0 ? 0 : 1;
}

/** ‖v ∘ w − b‖₂ over m entries (the column-marginal error when w = Kᵀu). */
export function otMarginalError(v: usize, w: usize, b: usize, m: i32): f64 {
  let s = 0.0;
  for (let j = 0; j < m; j++) {
    const t = at(v, j) * at(w, j) - at(b, j);
    s += t * t;
  }
  return Math.sqrt(s);
}

/** Largest |x[i]| (NaN propagates as a non-comparable value: returns +Inf then). */
export function otMaxAbs(x: usize, n: i32): f64 {
  let mx = 0.0;
  for (let i = 0; i < n; i++) {
    const a = Math.abs(at(x, i));
    if (!(a <= mx)) mx = a == a ? a : Infinity;
  }
  return mx;
}

/** max_j (row[j] + g[j]): f64x2 pmax over column pairs, lanes by max, then the odd last column (shared with ./batchlog.ts). */
@inline export function logRowShift(row: usize, g: usize, m: i32): f64 {
  const m2 = m & ~1;
  let mv = f64x2.splat(-Infinity);
  for (let j = 0; j < m2; j += 2) {
    const p = <usize>j << 3;
    mv = f64x2.pmax(mv, f64x2.add(v128.load(row + p), v128.load(g + p)));
  }
  let mx = max(f64x2.extract_lane(mv, 0), f64x2.extract_lane(mv, 1));
  if (m2 < m) mx = max(mx, at(row, m2) + at(g, m2));
  return mx;
}

/** log Σ_j exp(row[j] + g[j]), shifted by logRowShift's max; −∞ when every term is −∞ (shared with ./convolution.ts). */
@inline export function logSumExpRow(row: usize, g: usize, m: i32): f64 {
  const mx = logRowShift(row, g, m);
  if (!(mx > -Infinity)) return -Infinity;
  let s = 0.0;
  for (let j = 0; j < m; j++) s += Math.exp(at(row, j) + at(g, j) - mx);
  return mx + Math.log(s);
}

/** mx[j] = max(mx[j], row[j] + fi) for j < m (f64x2 pmax over pairs, the odd last column by max; shared with ./batchlog.ts). */
@inline export function logColShift(mx: usize, row: usize, fi: f64, m: i32): void {
  const m2 = m & ~1;
  const fv = f64x2.splat(fi);
  for (let j = 0; j < m2; j += 2) {
    const p = <usize>j << 3;
    v128.store(mx + p, f64x2.pmax(v128.load(mx + p), f64x2.add(v128.load(row + p), fv)));
  }
  if (m2 < m) put(mx, m2, max(at(mx, m2), at(row, m2) + fi));
}

/**
 * Log-domain row update out[i] = loga[i] − log Σ_j exp(L[i, j] + g[j]), max-shifted per row
 * (log-sum-exp = mx + log Σ exp(· − mx)); a row whose terms are all −∞ gives log-sum-exp −∞.
 */
export function otLogRows(L: usize, n: i32, m: i32, g: usize, loga: usize, out: usize): void {
  for (let i = 0; i < n; i++) {
    put(out, i, at(loga, i) - logSumExpRow(L + ((<usize>i * <usize>m) << 3), g, m));
  }
}

/**
 * Log-domain column update out[j] = logb[j] − log Σ_i exp(L[i, j] + f[i]), max-shifted per column,
 * traversing L by rows. Scratch: mx and s, m doubles each.
 */
export function otLogCols(L: usize, n: i32, m: i32, f: usize, logb: usize, out: usize, mx: usize, s: usize): void {
  const m2 = m & ~1;
  const ninf = f64x2.splat(-Infinity);
  for (let j = 0; j < m2; j += 2) v128.store(mx + (<usize>j << 3), ninf);
  if (m2 < m) put(mx, m2, -Infinity);
  for (let i = 0; i < n; i++) logColShift(mx, L + ((<usize>i * <usize>m) << 3), at(f, i), m);
  memory.fill(s, 0, <usize>m << 3);
  for (let i = 0; i < n; i++) {
    const row = L + ((<usize>i * <usize>m) << 3);
    const fi = at(f, i);
    if (fi == -Infinity) continue; // a zero-mass row contributes exp(−∞) = 0
    for (let j = 0; j < m; j++) {
      const c = at(mx, j);
      if (c > -Infinity) put(s, j, at(s, j) + Math.exp(at(row, j) + fi - c));
    }
  }
  for (let j = 0; j < m; j++) {
    const c = at(mx, j);
    put(out, j, at(logb, j) - (c > -Infinity ? c + Math.log(at(s, j)) : -Infinity));
  }
}

/**
 * Log-domain column-marginal error ‖Σ_i exp(L[i, ·] + f[i] + g[·]) − b‖₂; scratch s (m doubles).
 */
export function otLogMarginalError(L: usize, n: i32, m: i32, f: usize, g: usize, b: usize, s: usize): f64 {
  memory.fill(s, 0, <usize>m << 3);
  for (let i = 0; i < n; i++) {
    const row = L + ((<usize>i * <usize>m) << 3);
    const fi = at(f, i);
    if (fi == -Infinity) continue;
    for (let j = 0; j < m; j++) put(s, j, at(s, j) + Math.exp(at(row, j) + fi + at(g, j)));
  }
  let e = 0.0;
  for (let j = 0; j < m; j++) {
    const t = at(s, j) - at(b, j);
    e += t * t;
  }
  return Math.sqrt(e);
}

/**
 * Log-domain plan out[i, j] = exp(L[i, j] + f[i] + g[j]) (out may be null: 0) and returns
 * ⟨P, M⟩ = Σ exp(L + f + g)·M without materialising P when out = 0.
 */
export function otLogPlan(L: usize, M: usize, n: i32, m: i32, f: usize, g: usize, out: usize): f64 {
  let c = 0.0;
  for (let i = 0; i < n; i++) {
    const off = (<usize>i * <usize>m) << 3;
    const fi = at(f, i);
    for (let j = 0; j < m; j++) {
      const p = fi == -Infinity ? 0.0 : Math.exp(load<f64>(L + off + (<usize>j << 3)) + fi + at(g, j));
      if (out != 0) store<f64>(out + off + (<usize>j << 3), p);
      c += p * load<f64>(M + off + (<usize>j << 3));
    }
  }
  return c;
}

/**
 * Scaling-domain plan out[i, j] = u[i]·K[i, j]·v[j] (out may be 0: not written) and returns
 * ⟨P, M⟩ = Σ_i u[i] Σ_j K[i, j] v[j] M[i, j].
 */
export function otPlan(K: usize, M: usize, n: i32, m: i32, u: usize, v: usize, out: usize): f64 {
  const m2 = m & ~1;
  let c = 0.0;
  for (let i = 0; i < n; i++) {
    const off = (<usize>i * <usize>m) << 3;
    const ui = at(u, i);
    const uv = f64x2.splat(ui);
    let acc = f64x2.splat(0);
    for (let j = 0; j < m2; j += 2) {
      const p = <usize>j << 3;
      const pv = f64x2.mul(f64x2.mul(uv, v128.load(K + off + p)), v128.load(v + p));
      if (out != 0) v128.store(out + off + p, pv);
      acc = f64x2.add(acc, f64x2.mul(pv, v128.load(M + off + p)));
    }
    let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
    if (m2 < m) {
      const p = <usize>m2 << 3;
      const pv = ui * load<f64>(K + off + p) * at(v, m2);
      if (out != 0) store<f64>(out + off + p, pv);
      s += pv * load<f64>(M + off + p);
    }
    c += s;
  }
  return c;
}

/**
 * Stabilised Sinkhorn's absorption step: alpha[i] += reg·log(u[i]), u[i] = reset (alpha −∞ where u = 0).
 */
export function otAbsorb(u: usize, n: i32, reg: f64, alpha: usize, reset: f64): void {
  for (let i = 0; i < n; i++) {
    put(alpha, i, at(alpha, i) + reg * Math.log(at(u, i)));
    put(u, i, reset);
  }
}

/** Stabilised Gibbs kernel K[i, j] = exp(−(M[i, j] − alpha[i] − beta[j])/reg). */
export function otGibbsStabilized(M: usize, n: i32, m: i32, alpha: usize, beta: usize, reg: f64, K: usize): void {
  const r = 1.0 / reg;
  for (let i = 0; i < n; i++) {
    const off = (<usize>i * <usize>m) << 3;
    const ai = at(alpha, i);
    for (let j = 0; j < m; j++) {
      const p = off + (<usize>j << 3);
      store<f64>(K + p, Math.exp((ai + at(beta, j) - load<f64>(M + p)) * r));
    }
  }
}

/** out[i] = log(x[i]) (−∞ for 0), in WASM for determinism. */
export function otLogVec(x: usize, n: i32, out: usize): void {
  for (let i = 0; i < n; i++) put(out, i, Math.log(at(x, i)));
}
