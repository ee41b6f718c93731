import { ParameterError, ShapeError, parameterError } from '../runtime/errors.js';
import { finiteCopy, vectorLength, type VectorInput } from '../runtime/memory.js';
import { readMatrix, type MatrixInput } from '../runtime/matrix.js';
import { nonNegative, nonNegativeInteger, optionKeys, positiveInteger, readOptions } from '../runtime/validate.js';
import { seededRng } from '../rng.js';
import { emd } from './emd.js';
import { histogram } from './sinkhorn.js';

/** Options of {@link partialGromovWasserstein}. */
export interface PartialGromovOptions {
  /** Mass to transport, 0 < mass ≤ min(Σp, Σq). Default min(Σp, Σq) (then it is GW between measures of unequal mass). */
  mass?: number;
  /** Outer (conditional-gradient) iteration cap per start. Default 1000. */
  maxIter?: number;
  /** Stop a start when the value changes by at most tol·|value| in one step. Default 1e-9. */
  tol?: number;
  /** First start: 'product' (default: p qᵀ · mass/(Σp Σq), POT's start) or an n × m partial coupling. */
  init?: 'product' | MatrixInput;
  /** Extra starts: the partial plans of seeded uniform random costs; the best final value is kept. Default 0. */
  restarts?: number;
  /** Seed of the random starts. Default 0. */
  seed?: number | bigint;
}

/** Result of {@link partialGromovWasserstein}. */
export interface PartialGromovResult {
  /** Σ_ijkl (C1_ik − C2_jl)² P_ij P_kl at `plan`. */
  value: number;
  /** The partial coupling, n × m row-major: P ≥ 0, P 1 ≤ p, Pᵀ 1 ≤ q, Σ P = mass. */
  plan: Float64Array;
  /** Outer iterations of the kept start. */
  iterations: number;
  /** True when the kept start stopped by its tolerance (or at a stationary point) before maxIter. */
  converged: boolean;
  /** Final value of each start, the first start first. */
  startValues: number[];
}

const KEYS = optionKeys<PartialGromovOptions>({ mass: true, maxIter: true, tol: true, init: true, restarts: true, seed: true });

/**
 * The square-loss GW objective F(P) = Σ_ijkl (C1_ik − C2_jl)² P_ij P_kl is a homogeneous quadratic form
 * in P, so F(P) = ½⟨∇F(P), P⟩, and the gradient needs only the marginals r = P1, c = Pᵀ1 (which are not
 * fixed here) and one product: ∇F(P)_ij = Σ_kl [(C1_ik − C2_jl)² + (C1_ki − C2_lj)²] P_kl
 * = (S1 r)_i + (S2 c)_j − 2(C1 P C2ᵀ + C1ᵀ P C2)_ij with S1 = C1∘C1 + (C1∘C1)ᵀ, S2 likewise: O(n²m + nm²).
 */
function gradient(C1: Float64Array, C2: Float64Array, S1: Float64Array, S2: Float64Array, P: Float64Array, n: number, m: number): Float64Array {
  const r = new Float64Array(n), c = new Float64Array(m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) { const x = P[i * m + j]!; r[i] = r[i]! + x; c[j] = c[j]! + x; }
  const u = new Float64Array(n), v = new Float64Array(m);
  for (let i = 0; i < n; i++) { let s = 0; for (let k = 0; k < n; k++) s += S1[i * n + k]! * r[k]!; u[i] = s; }
  for (let j = 0; j < m; j++) { let s = 0; for (let l = 0; l < m; l++) s += S2[j * m + l]! * c[l]!; v[j] = s; }
  // A = C1 P (n × m), then G −= 2 A C2ᵀ; B = C1ᵀ P, then G −= 2 B C2.
  const G = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) G[i * m + j] = u[i]! + v[j]!;
  for (const transposed of [false, true]) {
    const A = new Float64Array(n * m);
    for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) {
      const w = transposed ? C1[k * n + i]! : C1[i * n + k]!;
      if (w === 0) continue;
      for (let j = 0; j < m; j++) A[i * m + j] = A[i * m + j]! + w * P[k * m + j]!;
    }
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) {
      let s = 0;
      for (let l = 0; l < m; l++) s += A[i * m + l]! * (transposed ? C2[l * m + j]! : C2[j * m + l]!);
      G[i * m + j] = G[i * m + j]! - 2 * s;
    }
  }
  return G;
}

const half = (G: Float64Array, P: Float64Array): number => {
  let s = 0;
  for (let k = 0; k < P.length; k++) s += G[k]! * P[k]!;
  return 0.5 * s;
};

/**
 * The linear step: min ⟨G, T⟩ over T ≥ 0, T1 ≤ p, Tᵀ1 ≤ q, ΣT = mass, as one exact OT problem with a
 * dummy row and column (Chapel, Alaya & Gasso, 2020): the dummy row carries Σq − mass, the dummy column
 * Σp − mass, both at cost 0, and the dummy–dummy cell costs more than any gain from moving extra mass
 * through the real block, so the real block carries exactly `mass`.
 */
function partialLmo(G: Float64Array, p: Float64Array, q: Float64Array, sp: number, sq: number, mass: number): Float64Array {
  const n = p.length, m = q.length, M = m + 1;
  let lo = Infinity, hi = 0;
  for (const x of G) { lo = Math.min(lo, x); hi = Math.max(hi, Math.abs(x)); }
  const C = new Float64Array((n + 1) * M);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) C[i * M + j] = G[i * m + j]!;
  C[n * M + m] = Math.max(0, -lo) + 2 * hi + 1;
  const a = new Float64Array(n + 1), b = new Float64Array(M);
  a.set(p); a[n] = Math.max(0, sq - mass);
  b.set(q); b[m] = Math.max(0, sp - mass);
  const T = emd(a, b, C).plan;
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) out[i * m + j] = T[i * M + j]!;
  return out;
}

/**
 * Partial Gromov–Wasserstein (Chapel, Alaya & Gasso, NeurIPS 2020; POT `ot.gromov.partial_gromov_wasserstein`)
 * with the square loss: only `mass` is transported,
 *
 *   min_P Σ_ijkl (C1_ik − C2_jl)² P_ij P_kl   over P ≥ 0, P 1 ≤ p, Pᵀ 1 ≤ q, Σ P = mass,
 *
 * so points of either space may stay unmatched (outliers, parts missing from one shape); p and q may
 * have different sums. Conditional gradient with exact line search as {@link gromovWasserstein}; each
 * linear step is a partial OT problem solved exactly (network simplex with a dummy point). A local
 * optimum (non-convex): `restarts` adds seeded random starts and the best is kept.
 *
 * @param C1  n × n structure (finite). @param C2  m × m structure. @param p  weights of the n points (≥ 0).
 * @param q  weights of the m points (≥ 0; any positive sum).
 * @throws ShapeError for mismatched sizes; ParameterError for bad weights, a mass outside (0, min(Σp, Σq)]
 *   or bad options (unknown keys included); NonFiniteError for NaN/±Inf entries.
 */
export function partialGromovWasserstein(C1: MatrixInput, C2: MatrixInput, p: VectorInput, q: VectorInput, options?: PartialGromovOptions): PartialGromovResult {
  const fn = 'partialGromovWasserstein';
  const o = readOptions(fn, options, KEYS);
  const { maxIter = 1000, tol = 1e-9, restarts = 0, seed = 0 } = o;
  positiveInteger(fn, 'options.maxIter', maxIter);
  nonNegative(fn, 'options.tol', tol);
  nonNegativeInteger(fn, 'options.restarts', restarts);
  const n = vectorLength(fn, 'p', p);
  const m = vectorLength(fn, 'q', q);
  if (n === 0) throw new ShapeError(`${fn}: p must have length >= 1 (got 0)`);
  if (m === 0) throw new ShapeError(`${fn}: q must have length >= 1 (got 0)`);
  const A = finiteCopy(fn, 'C1', readMatrix(fn, 'C1', C1, { rows: n, cols: n, label: 'p.length × p.length' }).data, n * n);
  const B = finiteCopy(fn, 'C2', readMatrix(fn, 'C2', C2, { rows: m, cols: m, label: 'q.length × q.length' }).data, m * m);
  const sp = histogram(fn, 'p', p, n);
  const sq = histogram(fn, 'q', q, m);
  const pv = finiteCopy(fn, 'p', p, n), qv = finiteCopy(fn, 'q', q, m);
  const top = Math.min(sp, sq);
  const mass = o.mass ?? top;
  if (typeof mass !== 'number' || !(mass > 0 && mass <= top * (1 + 1e-12))) throw parameterError(fn, 'options.mass', `in (0, min(Σp, Σq)] = (0, ${top}]`, mass);
  const S1 = new Float64Array(n * n), S2 = new Float64Array(m * m);
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) S1[i * n + k] = A[i * n + k]! ** 2 + A[k * n + i]! ** 2;
  for (let j = 0; j < m; j++) for (let l = 0; l < m; l++) S2[j * m + l] = B[j * m + l]! ** 2 + B[l * m + j]! ** 2;
  let scale = 0;
  for (const x of S1) scale = Math.max(scale, x);
  for (const x of S2) scale = Math.max(scale, x);
  const floor = 1e-14 * scale * mass * mass;
  const init = o.init ?? 'product';
  let first: Float64Array;
  if (init === 'product') {
    first = new Float64Array(n * m);
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) first[i * m + j] = (pv[i]! * qv[j]! * mass) / (sp * sq);
  } else if (typeof init === 'string') throw parameterError(fn, 'options.init', "'product' or an n × m partial coupling", init);
  else {
    first = finiteCopy(fn, 'options.init', readMatrix(fn, 'options.init', init, { rows: n, cols: m, label: 'p.length × q.length' }).data, n * m);
    const k = first.findIndex((x) => x < 0);
    if (k >= 0) throw new ParameterError(`${fn}: options.init must be >= 0 entrywise (got ${first[k]} at index ${k})`);
  }
  const R = restarts > 0 ? seededRng(fn, seed, 'options.seed') : null;
  const run = (P0: Float64Array): { value: number; plan: Float64Array; iterations: number; converged: boolean } => {
    let P = P0;
    let G = gradient(A, B, S1, S2, P, n, m);
    let value = half(G, P);
    for (let it = 1; it <= maxIter; it++) {
      const V = partialLmo(G, pv, qv, sp, sq, mass);
      const D = new Float64Array(n * m);
      for (let k = 0; k < D.length; k++) D[k] = V[k]! - P[k]!;
      // F(P + tD) = F(P) + t⟨∇F(P), D⟩ + t² F(D), minimised over [0, 1]
      const a = half(gradient(A, B, S1, S2, D, n, m), D);
      let b = 0;
      for (let k = 0; k < D.length; k++) b += G[k]! * D[k]!;
      const t = a > 0 ? Math.min(1, Math.max(0, -b / (2 * a))) : a + b < 0 ? 1 : 0;
      if (!(a * t * t + b * t < -floor)) return { value, plan: P, iterations: it, converged: true };
      const next = t === 1 ? V : P.map((x, k) => x + t * D[k]!);
      P = next;
      G = gradient(A, B, S1, S2, P, n, m);
      const prev = value;
      value = half(G, P);
      if (Math.abs(prev - value) <= tol * Math.abs(value)) return { value, plan: P, iterations: it, converged: true };
    }
    return { value, plan: P, iterations: maxIter, converged: false };
  };
  const startValues: number[] = [];
  let best: ReturnType<typeof run> | null = null;
  for (let k = 0; k <= restarts; k++) {
    const start = k === 0 ? first : partialLmo(R!.uniform(n * m), pv, qv, sp, sq, mass);
    const r = run(start);
    startValues.push(r.value);
    if (best === null || r.value < best.value) best = r;
  }
  const b = best!;
  return { value: b.value, plan: b.plan, iterations: b.iterations, converged: b.converged, startValues };
}
