import { ParameterError, ShapeError, parameterError } from '../runtime/errors.js';
import { mathWasm } from '../runtime/math.js';
import { F64Buffer, f64View, place, throwNonFinite, vectorLength, withScope, type VectorInput } from '../runtime/memory.js';
import { checkMarginals, type MatrixInput } from './sinkhorn.js';

/** The exponent p of a 1-D W_p^p solved by sorting: finite and ≥ 1 (sorting is optimal only for a convex cost). */
export function convexExponent(fn: string, name: string, p: unknown): number {
  if (typeof p !== 'number' || !(p >= 1) || !Number.isFinite(p)) throw parameterError(fn, name, 'finite and >= 1 (a convex cost |x − y|^p)', p);
  return p;
}

/** Result of {@link emd}: the optimal plan with its dual certificate. */
export interface EmdResult {
  /** The optimal plan, row-major a.length × b.length. */
  plan: Float64Array;
  /** ⟨P, M⟩, the exact optimal transport cost. */
  cost: number;
  /** Dual potentials: f_i + g_j ≤ M_ij for all i, j, with equality where P_ij > 0; Σ a f + Σ b g = cost. */
  f: Float64Array;
  /** Dual potential of the targets (length b.length), see `f`. */
  g: Float64Array;
  /** Network-simplex pivots made (the field keeps the name it had with the earlier shortest-path solver). */
  augmentations: number;
}

/**
 * Exact optimal transport (the Kantorovich linear program, POT `ot.emd`):
 *
 *   P = argmin { ⟨P, M⟩ : P ≥ 0, P 1 = a, Pᵀ 1 = b },
 *
 * solved in WASM by the primal network simplex on the complete bipartite graph (Ahuja, Magnanti &
 * Orlin, Network Flows, 1993, ch. 11) with block-search pivoting and strongly feasible trees, the
 * scheme of LEMON's NetworkSimplex that POT's emd runs: dense n × m up to a few thousand (n = 1000
 * in a fraction of a second here; memory 8·n·m bytes for M and as much for P). An arc enters when
 * its reduced cost is below −2⁻⁴⁴(max|M| + 1); optimality is confirmed with potentials recomputed
 * from the final tree. The duals (f, g) are returned as the certificate: f_i + g_j ≤ M_ij (to that
 * tolerance) with equality where P_ij > 0, and Σ a f + Σ b g = cost. When Σa and Σb differ (within
 * the allowed 1e-8 relative), min(Σa, Σb) is moved.
 *
 * @param a  source weights (n ≥ 1, ≥ 0, positive sum); @param b  target weights (m ≥ 1, equal sum).
 * @param M  cost, row-major n × m (flat or `{ data, rows, cols }`), finite (any sign).
 * @throws the same typed errors as `sinkhorn` for shapes, weights and non-finite M.
 */
export function emd(a: VectorInput, b: VectorInput, M: MatrixInput): EmdResult {
  return solveEmd('emd', a, b, M);
}

/** The exact optimal transport cost ⟨P*, M⟩ of {@link emd} (POT `ot.emd2`). */
export function emd2(a: VectorInput, b: VectorInput, M: MatrixInput): number {
  return solveEmd('emd2', a, b, M).cost;
}

function solveEmd(fn: string, a: VectorInput, b: VectorInput, Min: MatrixInput): EmdResult {
  const { n, m, M } = checkMarginals(fn, a, b, Min);
  const nm = n * m;
  const data: ArrayLike<number> = M instanceof F64Buffer ? M.view() : M;
  for (let k = 0; k < nm; k++) if (!Number.isFinite(Number(data[k]))) throwNonFinite(fn, 'M', M);
  return withScope(fn, (s) => {
    const x = s.x;
    const pM = place(s, M, nm).ptr;
    const pa = place(s, a, n).ptr;
    const pb = place(s, b, m).ptr;
    const P = s.f64(nm);
    const pf = s.f64(n);
    const pg = s.f64(m);
    const work = s.bytes(Math.ceil(x.otNetworkSimplexWork(n, m) / 16) * 16);
    // ⌈log₂(n + m)⌉ from the bit length (n + m ≥ 2): exact integer arithmetic, no Math.log2
    const maxIter = Math.min(2 ** 31 - 1, 100 * (n + m) * Math.max(10, 32 - Math.clz32(n + m - 1)) + 1000);
    const pivots = x.otNetworkSimplex(pM, n, m, pa, pb, P, pf, pg, work, maxIter);
    if (pivots < 0) throw new ParameterError(`${fn}: the network simplex did not finish within ${maxIter} pivots (degenerate input?)`);
    const plan = f64View(x, P, nm).slice();
    const Mv = f64View(x, pM, nm);
    let cost = 0;
    for (let k = 0; k < nm; k++) cost += plan[k]! * Mv[k]!;
    return { plan, cost, f: f64View(x, pf, n).slice(), g: f64View(x, pg, m).slice(), augmentations: pivots };
  });
}

/**
 * The earlier exact solver (successive shortest paths with potentials, a dense O((n + m)²) Dijkstra
 * per augmentation), kept for tests as an independent reference: plan, cost and duals as {@link emd}.
 * @internal
 */
export function emdShortestPaths(a: VectorInput, b: VectorInput, Min: MatrixInput): EmdResult {
  const fn = 'emdShortestPaths';
  const { n, m, M } = checkMarginals(fn, a, b, Min);
  const nm = n * m;
  return withScope(fn, (s) => {
    const x = s.x;
    const pM = place(s, M, nm).ptr;
    const sup = s.f64(n);
    const dem = s.f64(m);
    f64View(x, sup, n).set(a instanceof F64Buffer ? a.view() : a);
    f64View(x, dem, m).set(b instanceof F64Buffer ? b.view() : b);
    const P = s.f64(nm);
    const pot = s.f64(n + m);
    const dist = s.f64(n + m);
    const pred = s.bytes(4 * (n + m));
    const seen = s.bytes(4 * (n + m));
    const maxAug = 4 * (n + m) + nm + 16;
    const augmentations = x.otEmd(pM, n, m, sup, dem, P, pot, dist, pred, seen, maxAug);
    if (augmentations < 0) throw new ParameterError(`${fn}: the min-cost flow did not finish within ${maxAug} augmentations (degenerate input?)`);
    const plan = f64View(x, P, nm).slice();
    const Mv = f64View(x, pM, nm);
    let cost = 0;
    for (let k = 0; k < nm; k++) cost += plan[k]! * Mv[k]!;
    const potv = f64View(x, pot, n + m);
    const f = Float64Array.from({ length: n }, (_, i) => -potv[i]!);
    const g = potv.slice(n, n + m);
    return { plan, cost, f, g, augmentations };
  });
}

/**
 * The 1-D optimal transport cost between two weighted point sets on the line (POT
 * `ot.wasserstein_1d`): W_p^p = ∫₀¹ |F⁻¹(t) − G⁻¹(t)|^p dt (the p-th power, as POT), exact by sorting
 * both samples and merging their quantile functions: O((n + m) log(n + m)).
 *
 * @param xa  positions of the first set (length ≥ 1, finite).
 * @param xb  positions of the second set (length ≥ 1, finite).
 * @param wa  weights of `xa` (≥ 0, positive sum; default uniform), normalised to sum 1.
 * @param wb  weights of `xb` (as `wa`).
 * @param p  the exponent, finite and ≥ 1 (default 1): sorting gives the optimal coupling only for a
 *   convex cost |x − y|^p; for p < 1 it does not (points {0, 1} to {1, 2}: sorting pays 2, the
 *   crossing coupling 2^p).
 * @throws ShapeError when a weight vector's length differs from its positions'; ParameterError for
 *   negative weights or p < 1; NonFiniteError for NaN/±Inf.
 */
export function wasserstein1d(xa: VectorInput, xb: VectorInput, wa?: VectorInput, wb?: VectorInput, p = 1): number {
  const fn = 'wasserstein1d';
  convexExponent(fn, 'p', p);
  return wassersteinSorted(fn, sortedMeasure(fn, 'xa', 'wa', xa, wa), sortedMeasure(fn, 'xb', 'wb', xb, wb), p);
}

/**
 * W_p^p between two sorted, normalised 1-D measures by merging their quantile functions. |x − y|^p for
 * p ∉ {1, 2} is WASM's pow (JavaScript's Math.pow differs in the last bit between engines); `fn` names the
 * public caller in the error when proxkit is not initialised.
 */
export function wassersteinSorted(fn: string, A: { x: Float64Array; w: Float64Array }, B: { x: Float64Array; w: Float64Array }, p: number): number {
  const pow = p === 1 || p === 2 ? null : mathWasm(fn).mathPow;
  let i = 0;
  let j = 0;
  let ra = A.w[0]!; // mass left at A's current atom
  let rb = B.w[0]!;
  let total = 0;
  while (i < A.x.length && j < B.x.length) {
    const t = Math.min(ra, rb);
    if (t > 0) {
      const d = Math.abs(A.x[i]! - B.x[j]!);
      total += t * (p === 1 ? d : p === 2 ? d * d : pow!(d, p));
    }
    ra -= t;
    rb -= t;
    if (ra <= 0 && i < A.x.length) ra = A.w[++i] ?? 0;
    if (rb <= 0 && j < B.x.length) rb = B.w[++j] ?? 0;
  }
  return total;
}

/** Positions sorted ascending with their weights normalised to sum 1 (default uniform), validated. */
export function sortedMeasure(fn: string, xName: string, wName: string, x: VectorInput, w: VectorInput | undefined): { x: Float64Array; w: Float64Array } {
  const n = vectorLength(fn, xName, x);
  if (n === 0) throw new ShapeError(`${fn}: ${xName} must have length >= 1 (got 0)`);
  const xs = Float64Array.from(x instanceof F64Buffer ? x.view() : x);
  for (let i = 0; i < n; i++) if (!Number.isFinite(xs[i]!)) throwNonFinite(fn, xName, x);
  const ws = measureWeights(fn, xName, wName, n, w);
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => xs[i]! - xs[j]!);
  return { x: Float64Array.from(order, (i) => xs[i]!), w: Float64Array.from(order, (i) => ws[i]!) };
}

/** Weights of an n-point measure validated (length, finite, ≥ 0, positive sum) and normalised to sum 1; default uniform. */
export function measureWeights(fn: string, xName: string, wName: string, n: number, w: VectorInput | undefined): Float64Array {
  let ws: Float64Array;
  if (w === undefined) ws = new Float64Array(n).fill(1 / n);
  else {
    const len = vectorLength(fn, wName, w);
    if (len !== n) throw new ShapeError(`${fn}: ${wName} must have the length of ${xName}, ${n} (got ${len})`);
    ws = Float64Array.from(w instanceof F64Buffer ? w.view() : w);
    let s = 0;
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(ws[i]!)) throwNonFinite(fn, wName, w);
      if (ws[i]! < 0) throw new ParameterError(`${fn}: ${wName} must be >= 0 entrywise (got ${ws[i]} at index ${i})`);
      s += ws[i]!;
    }
    if (!(s > 0)) throw parameterError(fn, wName, 'of positive sum', s);
    for (let i = 0; i < n; i++) ws[i] = ws[i]! / s;
  }
  return ws;
}
