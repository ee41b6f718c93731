/** Test-only references for the saddle family: a dense linear solve and random quadratic saddle problems with closed-form solutions. */
import { randomVector } from '../helpers.js';

/** Solves A x = b (A n × n row-major, copied) by Gaussian elimination with partial pivoting. */
export function solve(A: Float64Array, b: Float64Array, n: number): Float64Array {
  const M = A.slice();
  const x = b.slice();
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(M[i * n + k]!) > Math.abs(M[p * n + k]!)) p = i;
    if (p !== k) {
      for (let j = 0; j < n; j++) [M[k * n + j], M[p * n + j]] = [M[p * n + j]!, M[k * n + j]!];
      [x[k], x[p]] = [x[p]!, x[k]!];
    }
    for (let i = k + 1; i < n; i++) {
      const r = M[i * n + k]! / M[k * n + k]!;
      for (let j = k; j < n; j++) M[i * n + j] = M[i * n + j]! - r * M[k * n + j]!;
      x[i] = x[i]! - r * x[k]!;
    }
  }
  for (let k = n - 1; k >= 0; k--) {
    let s = x[k]!;
    for (let j = k + 1; j < n; j++) s -= M[k * n + j]! * x[j]!;
    x[k] = s / M[k * n + k]!;
  }
  return x;
}

/** y = A x for row-major A (m × n). */
export function mv(A: Float64Array, m: number, n: number, x: ArrayLike<number>): Float64Array {
  const y = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += A[i * n + j]! * x[j]!;
    y[i] = s;
  }
  return y;
}

/** y = Aᵀ x for row-major A (m × n). */
export function mtv(A: Float64Array, m: number, n: number, x: ArrayLike<number>): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) y[j] = y[j]! + A[i * n + j]! * x[i]!;
  return y;
}

/**
 * A random instance of min_x max_y ½xᵀQx + cᵀx + ⟨Kx, y⟩ − (μ/2)‖y − d‖² with Q = Lf·UᵀΛU-like PSD
 * (eigenvalues spread in [0, Lf], one of them exactly Lf), K (m × n) Gaussian / √n: its saddle point
 * solves (Q + KᵀK/μ) x = −(c + Kᵀd), y = d + Kx/μ.
 */
export function quadraticSaddle(seed: number, n: number, m: number, Lf: number, mu: number) {
  const B = randomVector(seed, n * n);
  // Q = Lf · BᵀB / λmax(BᵀB), an exactly known top eigenvalue after scaling by the power method below.
  const Q0 = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += B[k * n + i]! * B[k * n + j]!;
    Q0[i * n + j] = s;
  }
  let v = new Float64Array(n).fill(1);
  let lam = 0;
  for (let it = 0; it < 3000; it++) {
    const w = mv(Q0, n, n, v);
    const nw = Math.hypot(...w);
    lam = nw / Math.hypot(...v);
    v = w.map((t) => t / nw);
  }
  const Q = Q0.map((t) => (Lf * t) / lam);
  const K = randomVector(seed + 1, m * n, 1 / Math.sqrt(n));
  const c = randomVector(seed + 2, n);
  const d = randomVector(seed + 3, m);
  const H = Q.slice();
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let k = 0; k < m; k++) s += K[k * n + i]! * K[k * n + j]!;
    H[i * n + j] = H[i * n + j]! + s / mu;
  }
  const rhs = mtv(K, m, n, d);
  for (let i = 0; i < n; i++) rhs[i] = -(c[i]! + rhs[i]!);
  const xStar = solve(H, rhs, n);
  const yStar = mv(K, m, n, xStar).map((t, i) => d[i]! + t / mu);
  return { Q, K, c, d, xStar, yStar, n, m, Lf, mu };
}
