/**
 * Plain-TypeScript references for the proximal algorithms, written from the definitions and
 * independent of the library: the diabetes design (standardised as in Efron et al. 2004), cyclic
 * coordinate descent for the LASSO, FISTA on plain arrays (the bench's baseline), and small test
 * problems with brute-force solutions (simplex-constrained least squares by KKT enumeration).
 */

import { projectSimplex, type ProxOperator } from '../../../bindings/index.js';
import { diabetes } from '../../../bindings/datasets.js';

/** Columns centred and scaled to unit Euclidean norm, y centred; X returned row-major. */
export function standardizeRef(X: number[][], y: number[]): { X: Float64Array; y: Float64Array; m: number; n: number } {
  const m = X.length;
  const n = X[0]!.length;
  const out = new Float64Array(m * n);
  for (let j = 0; j < n; j++) {
    let mean = 0;
    for (let i = 0; i < m; i++) mean += X[i]![j]!;
    mean /= m;
    let ss = 0;
    for (let i = 0; i < m; i++) ss += (X[i]![j]! - mean) ** 2;
    const scale = Math.sqrt(ss);
    for (let i = 0; i < m; i++) out[i * n + j] = (X[i]![j]! - mean) / scale;
  }
  const ym = y.reduce((s, v) => s + v, 0) / m;
  return { X: out, y: Float64Array.from(y, (v) => v - ym), m, n };
}

/** ½‖Xw − y‖² + λ‖w‖₁ evaluated from the definition. */
export function lassoObjectiveRef(X: Float64Array, y: Float64Array, w: ArrayLike<number>, lambda: number): number {
  const m = y.length;
  const n = w.length;
  let loss = 0;
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += X[i * n + j]! * w[j]!;
    loss += (s - y[i]!) ** 2;
  }
  let l1 = 0;
  for (let j = 0; j < n; j++) l1 += Math.abs(w[j]!);
  return loss / 2 + lambda * l1;
}

/**
 * Cyclic coordinate descent for the LASSO (Friedman, Hastie & Tibshirani 2007): for each j,
 * wⱼ ← S(⟨Xⱼ, r + Xⱼwⱼ⟩, λ)/‖Xⱼ‖² with S(a, λ) = sign(a)·max(|a| − λ, 0) written out here, the
 * residual r = y − Xw kept up to date. Sweeps until no coordinate moves by more than `tol`.
 */
export function lassoCoordinateDescentRef(X: Float64Array, y: Float64Array, n: number, lambda: number, tol = 1e-15, maxSweeps = 1e6): Float64Array {
  const m = y.length;
  const w = new Float64Array(n);
  const r = Float64Array.from(y);
  const sq = new Float64Array(n);
  for (let j = 0; j < n; j++) for (let i = 0; i < m; i++) sq[j] = sq[j]! + X[i * n + j]! ** 2;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let change = 0;
    for (let j = 0; j < n; j++) {
      if (sq[j] === 0) continue;
      let a = 0;
      for (let i = 0; i < m; i++) a += X[i * n + j]! * r[i]!;
      a += sq[j]! * w[j]!;
      const wj = a > lambda ? (a - lambda) / sq[j]! : a < -lambda ? (a + lambda) / sq[j]! : 0;
      const d = wj - w[j]!;
      if (d !== 0) {
        for (let i = 0; i < m; i++) r[i] = r[i]! - d * X[i * n + j]!;
        w[j] = wj;
        change = Math.max(change, Math.abs(d));
      }
    }
    if (change <= tol * Math.max(1, ...Array.from(w, Math.abs))) break;
  }
  return w;
}

/**
 * r = Xw − y (X row-major m × n) and ½‖r‖², each row's dot product in the documented order of the
 * library's kernel (four partial sums by j mod 4, combined (s₀ + s₂) + (s₁ + s₃), then the tail).
 */
function halfResidualSq(X: Float64Array, y: Float64Array, m: number, n: number, w: Float64Array, r: Float64Array): number {
  let ss = 0;
  const n4 = n - (n % 4);
  for (let i = 0; i < m; i++) {
    const row = i * n;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let j = 0; j < n4; j += 4) {
      s0 += X[row + j]! * w[j]!;
      s1 += X[row + j + 1]! * w[j + 1]!;
      s2 += X[row + j + 2]! * w[j + 2]!;
      s3 += X[row + j + 3]! * w[j + 3]!;
    }
    let s = s0 + s2 + (s1 + s3);
    for (let j = n4; j < n; j++) s += X[row + j]! * w[j]!;
    const ri = s - y[i]!;
    r[i] = ri;
    ss += ri * ri;
  }
  return ss / 2;
}

/**
 * FISTA for the LASSO on plain arrays, fixed step 1/L, gradient restart, fixed iteration count, the
 * objective recorded at every iteration: the same iteration, in the same floating-point order, as the
 * library's fista with leastSquares and normL1 — with no WebAssembly (the bench's baseline).
 * Returns the final iterate; `history` (if given) receives F(x_k).
 */
export function lassoFistaRef(X: Float64Array, y: Float64Array, n: number, lambda: number, L: number, iterations: number, history?: number[]): Float64Array {
  const m = y.length;
  const t = 1 / L;
  let x = new Float64Array(n);
  let xNew = new Float64Array(n);
  const yk = new Float64Array(n);
  const g = new Float64Array(n);
  const r = new Float64Array(m);
  let theta = 1;
  for (let k = 0; k < iterations; k++) {
    halfResidualSq(X, y, m, n, yk, r);
    g.fill(0);
    for (let i = 0; i < m; i++) {
      const ri = r[i]!;
      const row = i * n;
      for (let j = 0; j < n; j++) g[j] = g[j]! + X[row + j]! * ri;
    }
    const th = lambda * t;
    for (let j = 0; j < n; j++) {
      const z = yk[j]! - t * g[j]!;
      xNew[j] = z > th ? z - th : z < -th ? z + th : 0;
    }
    let l1 = 0;
    for (let j = 0; j < n; j++) l1 += Math.abs(xNew[j]!);
    const objective = halfResidualSq(X, y, m, n, xNew, r) + lambda * l1;
    history?.push(objective);
    let ip = 0;
    for (let j = 0; j < n; j++) ip += (yk[j]! - xNew[j]!) * (xNew[j]! - x[j]!);
    if (ip > 0) {
      theta = 1;
      yk.set(xNew);
    } else {
      const thetaNew = (1 + Math.sqrt(1 + 4 * theta * theta)) / 2;
      const w = (theta - 1) / thetaNew;
      for (let j = 0; j < n; j++) yk[j] = xNew[j]! + w * (xNew[j]! - x[j]!);
      theta = thetaNew;
    }
    [x, xNew] = [xNew, x];
  }
  return x;
}

/** The diabetes design standardised independently of the library, and λmax = ‖Xᵀy‖∞. */
export function diabetesProblem() {
  const d = diabetes();
  const { X, y, m, n } = standardizeRef(d.X, d.y);
  let lambdaMax = 0;
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < m; i++) s += X[i * n + j]! * y[i]!;
    lambdaMax = Math.max(lambdaMax, Math.abs(s));
  }
  return { X, y, m, n, lambdaMax };
}

/** The simplex indicator {x ≥ 0, Σx = 1}, defined here from the foundation's projectSimplex. */
export const simplexOp: ProxOperator = {
  name: 'testSimplex',
  properties: { convex: true, separable: false, prox: 'closed-form', indicator: true },
  value(x) {
    const v = 'view' in x ? x.view() : Array.from(x);
    let s = 0;
    for (let i = 0; i < v.length; i++) {
      if (v[i]! < -1e-9) return Infinity;
      s += v[i]!;
    }
    return Math.abs(s - 1) <= 1e-9 ? 0 : Infinity;
  },
  prox: ((v: never, _t: number, out: never) => projectSimplex(v, 1, out)) as ProxOperator['prox'],
};

/** min ½‖Ax − b‖² over the simplex by enumerating supports and solving each KKT system (brute force). */
export function simplexLeastSquaresBrute(A: Float64Array, b: Float64Array, m: number, n: number): Float64Array {
  const G = new Float64Array(n * n);
  const c = new Float64Array(n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    c[j]! += A[i * n + j]! * b[i]!;
    for (let k = 0; k < n; k++) G[j * n + k]! += A[i * n + j]! * A[i * n + k]!;
  }
  let best: Float64Array | null = null;
  let bestVal = Infinity;
  for (let mask = 1; mask < 1 << n; mask++) {
    const S = [...Array(n).keys()].filter((j) => mask & (1 << j));
    const k = S.length;
    // [G_SS 1; 1ᵀ 0][x; ν] = [c_S; 1] by Gaussian elimination with partial pivoting.
    const M = Array.from({ length: k + 1 }, (_, r) => {
      const row = new Array<number>(k + 2).fill(0);
      if (r < k) {
        S.forEach((s, q) => (row[q] = G[S[r]! * n + s]!));
        row[k] = 1;
        row[k + 1] = c[S[r]!]!;
      } else {
        for (let q = 0; q < k; q++) row[q] = 1;
        row[k + 1] = 1;
      }
      return row;
    });
    for (let col = 0; col <= k; col++) {
      let piv = col;
      for (let r = col + 1; r <= k; r++) if (Math.abs(M[r]![col]!) > Math.abs(M[piv]![col]!)) piv = r;
      [M[col], M[piv]] = [M[piv]!, M[col]!];
      for (let r = 0; r <= k; r++) {
        if (r === col) continue;
        const f = M[r]![col]! / M[col]![col]!;
        for (let q = col; q <= k + 1; q++) M[r]![q]! -= f * M[col]![q]!;
      }
    }
    const x = new Float64Array(n);
    S.forEach((s, q) => (x[s] = M[q]![k + 1]! / M[q]![q]!));
    if (x.some((v) => v < -1e-12)) continue;
    let val = 0;
    for (let i = 0; i < m; i++) {
      let r = -b[i]!;
      for (let j = 0; j < n; j++) r += A[i * n + j]! * x[j]!;
      val += r * r / 2;
    }
    if (val < bestVal) [best, bestVal] = [x, val];
  }
  return best!;
}


/** The (n − 1) × n forward-difference matrix D (row-major): (Dx)ᵢ = xᵢ₊₁ − xᵢ. */
export function differences(n: number): Float64Array {
  const D = new Float64Array((n - 1) * n);
  for (let i = 0; i < n - 1; i++) {
    D[i * n + i] = -1;
    D[i * n + i + 1] = 1;
  }
  return D;
}
