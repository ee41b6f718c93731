// Lazy-cost log-sum-exp for Sinkhorn on point clouds: the cost c(x_i, y_j) is recomputed on the fly
// from the coordinates, so no n × m matrix is ever stored (memory O((n + m)·d)). Two passes per row
// (max, then sum of exp of the shifted values), two columns per f64x2 lane; the exponential is expv,
// bit-identical to Math.exp, so results do not depend on the engine.
import { expv } from "./expv";

@inline function at(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}

// c(x_i, y_j) for the two columns j, j+1: Yt is d × m (coordinates transposed: row k holds coordinate k
// of every y), so each coordinate of the pair is one v128 load. metric 0: squared Euclidean, 1: Euclidean.
@inline function pairCost(X: usize, i: i32, Yt: usize, m: i32, d: i32, j: i32, metric: i32): v128 {
  let s = f64x2.splat(0);
  for (let k = 0; k < d; k++) {
    const t = f64x2.sub(f64x2.splat(at(X, i * d + k)), v128.load(Yt + ((<usize>(k * m + j)) << 3)));
    s = f64x2.add(s, f64x2.mul(t, t));
  }
  return metric == 1 ? f64x2.sqrt(s) : s;
}

@inline function scalarCost(X: usize, i: i32, Yt: usize, m: i32, d: i32, j: i32, metric: i32): f64 {
  let s = 0.0;
  for (let k = 0; k < d; k++) {
    const t = at(X, i * d + k) - at(Yt, k * m + j);
    s += t * t;
  }
  return metric == 1 ? Math.sqrt(s) : s;
}

/**
 * out[i] = log Σ_j exp(h[j] − c(x_i, y_j)·invEps) for i < n, with X n × d row-major and Yt d × m
 * (Y transposed). The Sinkhorn half-step f_i = −ε·out[i] takes h_j = log b_j + g_j/ε.
 * Max-shifted: finite whenever some term is (an empty sum, all h = −∞, gives −∞).
 */
export function otLazyLogSumExp(X: usize, n: i32, Yt: usize, m: i32, d: i32, h: usize, invEps: f64, metric: i32, out: usize): void {
  const m2 = m & ~1;
  const ie = f64x2.splat(invEps);
  for (let i = 0; i < n; i++) {
    let mx2 = f64x2.splat(-Infinity);
    for (let j = 0; j < m2; j += 2) {
      const s = f64x2.sub(v128.load(h + (<usize>j << 3)), f64x2.mul(pairCost(X, i, Yt, m, d, j, metric), ie));
      mx2 = f64x2.pmax(mx2, s);
    }
    let mx = Math.max(f64x2.extract_lane(mx2, 0), f64x2.extract_lane(mx2, 1));
    if (m2 < m) mx = Math.max(mx, at(h, m2) - scalarCost(X, i, Yt, m, d, m2, metric) * invEps);
    if (mx == -Infinity) {
      store<f64>(out + (<usize>i << 3), -Infinity);
      continue;
    }
    const shift = f64x2.splat(mx);
    let acc = f64x2.splat(0);
    for (let j = 0; j < m2; j += 2) {
      const s = f64x2.sub(v128.load(h + (<usize>j << 3)), f64x2.mul(pairCost(X, i, Yt, m, d, j, metric), ie));
      acc = f64x2.add(acc, expv(f64x2.sub(s, shift)));
    }
    let sum = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
    if (m2 < m) sum += Math.exp(at(h, m2) - scalarCost(X, i, Yt, m, d, m2, metric) * invEps - mx);
    store<f64>(out + (<usize>i << 3), mx + Math.log(sum));
  }
}
