// An independent Gromov–Wasserstein reference for the tests: POT's conditional-gradient algorithm
// (ot.gromov.gromov_wasserstein: Frank–Wolfe from the product coupling, exact line search on the
// quadratic, stop on a relative or absolute change of the value) written in plain TypeScript with
// nothing from the library. It only handles uniform weights and n = m, where the vertices of the
// transport polytope are the permutation matrices (Birkhoff), so each linear step is an assignment
// problem solved here by the Hungarian algorithm. Every quantity is computed from the definition of the
// objective (the n²m² sum), not from the decomposition the library uses.
import { uniforms } from '../helpers.js';

/** n random points in [−1, 1]^d (rows, row-major), from the tests' own generator. */
export function cloud(seed: number, n: number, d: number): Float64Array {
  const u = uniforms(seed);
  return Float64Array.from({ length: n * d }, () => u() * 2 - 1);
}

/** The Euclidean distance matrix (n × n, row-major) of the rows of X (n × d). */
export function distances(X: Float64Array, n: number, d: number): Float64Array {
  const D = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += (X[i * d + k]! - X[j * d + k]!) ** 2;
    D[i * n + j] = Math.sqrt(s);
  }
  return D;
}

/** L(a, b) of the square loss. */
const square = (a: number, b: number): number => (a - b) ** 2;

/** Σ_ijkl L(C1_ik, C2_jl) X_ij Y_kl for n × n matrices (row-major). */
export function quadForm(C1: ArrayLike<number>, C2: ArrayLike<number>, X: ArrayLike<number>, Y: ArrayLike<number>, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    const x = X[i * n + j]!;
    if (x === 0) continue;
    let t = 0;
    for (let k = 0; k < n; k++) for (let l = 0; l < n; l++) t += square(C1[i * n + k]!, C2[j * n + l]!) * Y[k * n + l]!;
    s += x * t;
  }
  return s;
}

/** ∂/∂P_ij of Σ L(C1_ik, C2_jl) P_ij P_kl: Σ_kl [L(C1_ik, C2_jl) + L(C1_ki, C2_lj)] P_kl. */
function gradient(C1: ArrayLike<number>, C2: ArrayLike<number>, P: ArrayLike<number>, n: number): Float64Array {
  const G = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let t = 0;
    for (let k = 0; k < n; k++) for (let l = 0; l < n; l++) {
      const pkl = P[k * n + l]!;
      if (pkl !== 0) t += (square(C1[i * n + k]!, C2[j * n + l]!) + square(C1[k * n + i]!, C2[l * n + j]!)) * pkl;
    }
    G[i * n + j] = t;
  }
  return G;
}

/**
 * Minimum-cost assignment of an n × n cost (Hungarian algorithm with row/column potentials, O(n³)):
 * returns col with row i assigned to column col[i].
 */
export function assignment(cost: ArrayLike<number>, n: number): number[] {
  // 1-based arrays; rowOf[j] = row matched to column j (0 = none), u/v the dual potentials.
  const u = new Float64Array(n + 1), v = new Float64Array(n + 1);
  const rowOf = new Int32Array(n + 1), way = new Int32Array(n + 1);
  for (let i = 1; i <= n; i++) {
    rowOf[0] = i;
    let j0 = 0;
    const minv = new Float64Array(n + 1).fill(Infinity);
    const used = new Uint8Array(n + 1);
    do {
      used[j0] = 1;
      const i0 = rowOf[j0]!;
      let delta = Infinity, j1 = 0;
      for (let j = 1; j <= n; j++) {
        if (used[j]) continue;
        const cur = cost[(i0 - 1) * n + (j - 1)]! - u[i0]! - v[j]!;
        if (cur < minv[j]!) { minv[j] = cur; way[j] = j0; }
        if (minv[j]! < delta) { delta = minv[j]!; j1 = j; }
      }
      for (let j = 0; j <= n; j++) {
        if (used[j]) { u[rowOf[j]!] = u[rowOf[j]!]! + delta; v[j] = v[j]! - delta; }
        else minv[j] = minv[j]! - delta;
      }
      j0 = j1;
    } while (rowOf[j0] !== 0);
    do { const j1 = way[j0]!; rowOf[j0] = rowOf[j1]!; j0 = j1; } while (j0 !== 0);
  }
  const col = new Array<number>(n);
  for (let j = 1; j <= n; j++) col[rowOf[j]! - 1] = j - 1;
  return col;
}

export interface ReferenceGw { value: number; plan: Float64Array; iterations: number }

/**
 * POT's conditional gradient for GW with the square loss, uniform weights 1/n on both sides, from the
 * product coupling (or `start`): tol_rel and tol_abs as POT's arguments of the same names.
 */
export function referenceGw(C1: ArrayLike<number>, C2: ArrayLike<number>, n: number, opts: { maxIter?: number; tolRel?: number; tolAbs?: number; start?: Float64Array } = {}): ReferenceGw {
  const { maxIter = 10000, tolRel = 1e-12, tolAbs = 1e-15 } = opts;
  let P = opts.start ? opts.start.slice() : new Float64Array(n * n).fill(1 / (n * n));
  let value = quadForm(C1, C2, P, P, n);
  let it = 0;
  while (it < maxIter) {
    it++;
    const G = gradient(C1, C2, P, n);
    const col = assignment(G, n);
    const D = new Float64Array(n * n);
    for (let k = 0; k < n * n; k++) D[k] = -P[k]!;
    for (let i = 0; i < n; i++) D[i * n + col[i]!] = D[i * n + col[i]!]! + 1 / n;
    // f(P + tD) = f(P) + t⟨∇f(P), D⟩ + t² Q(D): minimise on [0, 1] (POT's solve_1d_linesearch_quad).
    const a = quadForm(C1, C2, D, D, n);
    let b = 0;
    for (let k = 0; k < n * n; k++) b += G[k]! * D[k]!;
    const t = a > 0 ? Math.min(1, Math.max(0, -b / (2 * a))) : a + b < 0 ? 1 : 0;
    const next = new Float64Array(n * n);
    for (let k = 0; k < n * n; k++) next[k] = P[k]! + t * D[k]!;
    P = next;
    const prev = value;
    value = quadForm(C1, C2, P, P, n);
    const delta = Math.abs(value - prev);
    if (delta < tolAbs || delta / Math.abs(value) < tolRel) break;
  }
  return { value, plan: P, iterations: it };
}

/** The best permutation plan by enumeration (n ≤ 8): GW(P_σ) = n⁻² Σ_ik (C1_ik − C2_σ(i)σ(k))². */
export function bestPermutation(C1: ArrayLike<number>, C2: ArrayLike<number>, n: number): { value: number; perm: number[] } {
  const perm = Array.from({ length: n }, (_, i) => i);
  let best = Infinity;
  let bestPerm = perm.slice();
  // Heap's algorithm: every permutation once.
  const c = new Array<number>(n).fill(0);
  const evaluate = (): void => {
    let s = 0;
    for (let i = 0; i < n && s < best * n * n; i++) for (let k = 0; k < n; k++) s += (C1[i * n + k]! - C2[perm[i]! * n + perm[k]!]!) ** 2;
    if (s / (n * n) < best) { best = s / (n * n); bestPerm = perm.slice(); }
  };
  evaluate();
  let i = 0;
  while (i < n) {
    if (c[i]! < i) {
      const j = i % 2 === 0 ? 0 : c[i]!;
      [perm[j], perm[i]] = [perm[i]!, perm[j]!];
      evaluate();
      c[i] = c[i]! + 1;
      i = 0;
    } else {
      c[i] = 0;
      i++;
    }
  }
  return { value: best, perm: bestPerm };
}
