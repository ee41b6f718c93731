/**
 * Baselines for scalar-on-tensor regression on vectorised inputs: ridge regression with its penalty
 * chosen by generalised cross-validation, and a GP with a squared-exponential kernel whose
 * hyper-parameters are chosen by the marginal likelihood on a grid. Used by the tensor-GP experiment.
 */
import { ProxkitError } from '../runtime/errors.js';
import { symmetricEigen } from '../linalg/index.js';
import { backwardSolve, choleskyFactor, forwardSolve } from './solve.js';

/** Row-major n × p rows. */
export interface Design {
  X: Float64Array;
  n: number;
  p: number;
}

function gram(A: Design, B: Design): Float64Array {
  const K = new Float64Array(A.n * B.n);
  for (let i = 0; i < A.n; i++) for (let j = 0; j < B.n; j++) {
    let s = 0;
    for (let t = 0; t < A.p; t++) s += A.X[i * A.p + t]! * B.X[j * B.p + t]!;
    K[i * B.n + j] = s;
  }
  return K;
}

/**
 * Ridge regression ŷ = ȳ + (x − x̄)ᵀw, w = argmin ‖Xc w − yc‖² + λ‖w‖², in the kernel form through the
 * eigendecomposition of XcXcᵀ (n × n); λ minimises GCV(λ) = n‖(I − S)yc‖²/tr(I − S)² over a log grid.
 */
export function ridgeGcv(train: Design, y: Float64Array): { lambda: number; predict: (test: Design) => Float64Array } {
  const { n, p } = train;
  const mean = new Float64Array(p);
  for (let i = 0; i < n; i++) for (let t = 0; t < p; t++) mean[t] = mean[t]! + train.X[i * p + t]! / n;
  const center = (D: Design): Design => ({ X: D.X.map((v, k) => v - mean[k % p]!), n: D.n, p });
  const Xc = center(train);
  let ybar = 0;
  for (let i = 0; i < n; i++) ybar += y[i]! / n;
  const yc = y.map((v) => v - ybar);
  const K = gram(Xc, Xc);
  const { values, vectors } = symmetricEigen(K, n);
  // vectors: columns are eigenvectors (row-major n × n)
  const proj = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += vectors[i * n + k]! * yc[i]!;
    proj[k] = s;
  }
  let best = { lambda: 1, gcv: Infinity };
  const top = Math.max(...values);
  for (let e = -8; e <= 4; e += 0.25) {
    const lam = top * 10 ** e;
    let rss = 0;
    let dof = 0;
    for (let k = 0; k < n; k++) {
      const d = Math.max(values[k]!, 0);
      const shrink = lam / (d + lam);
      rss += (shrink * proj[k]!) ** 2;
      dof += shrink;
    }
    const gcv = (n * rss) / (dof * dof);
    if (gcv < best.gcv) best = { lambda: lam, gcv };
  }
  const lam = best.lambda;
  // dual coefficients a = (K + λI)⁻¹ yc
  const a = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const c = proj[k]! / (Math.max(values[k]!, 0) + lam);
    for (let i = 0; i < n; i++) a[i] = a[i]! + vectors[i * n + k]! * c;
  }
  return {
    lambda: lam,
    predict(test: Design): Float64Array {
      const Kt = gram(center(test), Xc);
      const out = new Float64Array(test.n);
      for (let r = 0; r < test.n; r++) {
        let s = ybar;
        for (let i = 0; i < n; i++) s += Kt[r * n + i]! * a[i]!;
        out[r] = s;
      }
      return out;
    },
  };
}

/**
 * GP regression on vectors with k(x, x′) = s²·exp(−‖x − x′‖²/(2ℓ²)) and noise σ²: (ℓ, s², σ²) chosen by
 * the log marginal likelihood on a grid (ℓ relative to the median pairwise distance); constant mean ȳ.
 */
export function rbfGp(train: Design, y: Float64Array): { lengthscale: number; signal: number; noise: number; predict: (test: Design) => Float64Array } {
  const { n } = train;
  const sq = (A: Design, B: Design): Float64Array => {
    const G = gram(A, B);
    const na = new Float64Array(A.n);
    const nb = new Float64Array(B.n);
    for (let i = 0; i < A.n; i++) for (let t = 0; t < A.p; t++) na[i] = na[i]! + A.X[i * A.p + t]! ** 2;
    for (let j = 0; j < B.n; j++) for (let t = 0; t < B.p; t++) nb[j] = nb[j]! + B.X[j * B.p + t]! ** 2;
    return G.map((g, k) => Math.max(na[Math.floor(k / B.n)]! + nb[k % B.n]! - 2 * g, 0));
  };
  const D2 = sq(train, train);
  const sorted = Float64Array.from(D2.filter((_, k) => Math.floor(k / n) < k % n)).sort();
  const med = Math.sqrt(sorted[Math.floor(sorted.length / 2)]! || 1);
  let ybar = 0;
  for (let i = 0; i < n; i++) ybar += y[i]! / n;
  const yc = y.map((v) => v - ybar);
  let vy = 0;
  for (let i = 0; i < n; i++) vy += yc[i]! ** 2 / n;
  let best: { l: number; s2: number; n2: number; nlml: number; L: Float64Array; alpha: Float64Array } | null = null;
  for (const lr of [0.25, 0.5, 1, 2, 4, 8]) for (const sr of [0.25, 1, 4]) for (const nr of [0.01, 0.05, 0.1, 0.2, 0.4, 0.8]) {
    const l = lr * med;
    const s2 = sr * vy;
    const n2 = nr * vy;
    const K = D2.map((d) => s2 * Math.exp(-d / (2 * l * l)));
    for (let i = 0; i < n; i++) K[i * n + i] = K[i * n + i]! + n2;
    const L = choleskyFactor(K, n);
    if (!L) continue;
    const alpha = solve(L, n, yc);
    let fit = 0;
    let logdet = 0;
    for (let i = 0; i < n; i++) {
      fit += yc[i]! * alpha[i]!;
      logdet += Math.log(L[i * n + i]!);
    }
    const nlml = 0.5 * fit + logdet;
    if (!best || nlml < best.nlml) best = { l, s2, n2, nlml, L, alpha };
  }
  if (!best) throw new ProxkitError('ERR_CONVERGENCE', 'rbfGp: no grid point gave a positive definite covariance');
  const b = best;
  return {
    lengthscale: b.l, signal: b.s2, noise: b.n2,
    predict(test: Design): Float64Array {
      const Dt = sq(test, train);
      const out = new Float64Array(test.n);
      for (let r = 0; r < test.n; r++) {
        let s = ybar;
        for (let i = 0; i < n; i++) s += b.s2 * Math.exp(-Dt[r * n + i]! / (2 * b.l * b.l)) * b.alpha[i]!;
        out[r] = s;
      }
      return out;
    },
  };
}

function solve(L: Float64Array, n: number, b: Float64Array): Float64Array {
  return backwardSolve(L, n, forwardSolve(L, n, Float64Array.from(b)));
}
