import { ParameterError, ShapeError, parameterError } from '../runtime/errors.js';
import { F64Buffer, f64View, throwNonFinite, vectorLength, withScope, type VectorInput } from '../runtime/memory.js';
import type { MatrixInput } from '../runtime/matrix.js';
import { nonNegative, optionKeys, positiveFinite, positiveInteger, readOptions, readSignal } from '../runtime/validate.js';
import type { AbortSignalLike } from '../runtime/types.js';
import { points } from './cost.js';
import { histogram } from './sinkhorn.js';

/** The lazy-cost kernel (assembly/ot/lazy.ts). */
interface LazyKernels {
  otLazyLogSumExp(X: number, n: number, Yt: number, m: number, d: number, h: number, invEps: number, metric: number, out: number): void;
  otLogVec(x: number, n: number, out: number): void;
  otExpVec(x: number, n: number, out: number): void;
}

/** Options of {@link sinkhornLazy}. */
export interface SinkhornLazyOptions {
  /** Entropic regularisation ε > 0 (cost units). Required. */
  reg: number;
  /** Weights of the rows of X (≥ 0, positive sum). Default uniform 1/n. */
  a?: VectorInput;
  /** Weights of the rows of Y (same sum as a). Default uniform 1/m. */
  b?: VectorInput;
  /** 'sqeuclidean' (default) ‖x − y‖² or 'euclidean' ‖x − y‖. */
  metric?: 'sqeuclidean' | 'euclidean';
  /** Point dimension d when X and Y are flat arrays. Default 1. */
  dim?: number;
  /** Iteration cap (one iteration = one g update then one f update). Default 1000. */
  maxIter?: number;
  /** Stop when the column-marginal error Σ_j |Σ_i P_ij − b_j| < tol, checked every `checkEvery` iterations. Default 1e-9. */
  tol?: number;
  /** Check the marginal error every this many iterations. Default 10. */
  checkEvery?: number;
  /** Checked every iteration; an aborted signal ends the run (converged: false). */
  signal?: AbortSignalLike;
}

/** Result of {@link sinkhornLazy}. */
export interface SinkhornLazyResult {
  /** Dual potentials of the rows of X: the plan is P_ij = a_i b_j exp((f_i + g_j − c(x_i, y_j))/ε) (never formed). */
  f: Float64Array;
  /** Dual potentials of the rows of Y. */
  g: Float64Array;
  /** The entropic OT value ⟨a, f⟩ + ⟨b, g⟩ (= min ⟨P, C⟩ + ε KL(P | a⊗b) at convergence, for Σa = Σb = 1). */
  value: number;
  /** Iterations run. */
  iterations: number;
  /** Last column-marginal error (L1). */
  marginalError: number;
  /** True when the marginal error fell below tol. */
  converged: boolean;
}

const KEYS = optionKeys<SinkhornLazyOptions>({ reg: true, a: true, b: true, metric: true, dim: true, maxIter: true, tol: true, checkEvery: true, signal: true });

function readWeights(fn: string, name: string, w: VectorInput | undefined, n: number): Float64Array {
  if (w === undefined) return new Float64Array(n).fill(1 / n);
  const len = vectorLength(fn, `options.${name}`, w); // typed error for null, symbols, non-arrays
  if (len !== n) throw new ShapeError(`${fn}: options.${name} must have length ${n} (got ${len})`);
  histogram(fn, `options.${name}`, w, n);
  const src: ArrayLike<number> = w instanceof F64Buffer ? w.view() : w;
  return Float64Array.from({ length: n }, (_, k) => Number(src[k]));
}

/**
 * Log-domain Sinkhorn between two point clouds with the cost computed on the fly (a "lazy" or
 * "online" cost, as KeOps-backed GeomLoss and POT's `empirical_sinkhorn(isLazy=True)`): no n × m matrix
 * is stored, memory stays O((n + m)·d), so n = m = 10⁵ points fit in a few megabytes. Each half-step
 *
 *   f_i = −ε log Σ_j b_j exp((g_j − c(x_i, y_j))/ε),   g_j = −ε log Σ_i a_i exp((f_i − c(x_i, y_j))/ε)
 *
 * is a max-shifted log-sum-exp over recomputed costs in WASM (f64x2, exp bit-identical to the module's scalar exp):
 * O(n·m·d) time per iteration, so this trades time for memory; use `sinkhorn` when the n × m cost fits.
 *
 * @param X  n points (rows, or flat with `dim`). @param Y  m points of the same dimension.
 * @throws ShapeError for mismatched dimensions or weight lengths; ParameterError for bad options (unknown
 *   keys included) or weights; NonFiniteError for NaN/±Inf coordinates.
 */
export function sinkhornLazy(X: MatrixInput, Y: MatrixInput, options: SinkhornLazyOptions): SinkhornLazyResult {
  const fn = 'sinkhornLazy';
  if (options === null || typeof options !== 'object') throw parameterError(fn, 'options', 'an object with reg', options);
  const o = readOptions(fn, options, KEYS);
  const reg = positiveFinite(fn, 'options.reg', o.reg);
  const { metric = 'sqeuclidean', maxIter = 1000, tol = 1e-9, checkEvery = 10, dim } = o;
  if (metric !== 'sqeuclidean' && metric !== 'euclidean') throw parameterError(fn, 'options.metric', "'sqeuclidean' or 'euclidean'", metric);
  positiveInteger(fn, 'options.maxIter', maxIter);
  nonNegative(fn, 'options.tol', tol);
  positiveInteger(fn, 'options.checkEvery', checkEvery);
  const signal = readSignal(fn, o.signal);
  const px = points(fn, 'X', X, dim);
  const py = points(fn, 'Y', Y, dim);
  if (px.d !== py.d) throw new ShapeError(`${fn}: X and Y must have the same point dimension (got ${px.d} and ${py.d})`);
  const n = px.rows, m = py.rows, d = px.d;
  if (n === 0 || m === 0) throw new ShapeError(`${fn}: X and Y must have at least one point (got ${n} and ${m})`);
  const a = readWeights(fn, 'a', o.a, n);
  const b = readWeights(fn, 'b', o.b, m);
  const sa = a.reduce((s, x) => s + x, 0), sb = b.reduce((s, x) => s + x, 0);
  if (Math.abs(sa - sb) > 1e-8 * Math.max(sa, sb)) throw new ParameterError(`${fn}: a and b must have equal sums within 1e-8 relative (got ${sa} and ${sb})`);
  const met = metric === 'euclidean' ? 1 : 0;
  return withScope(fn, (s) => {
    const k = s.x as unknown as LazyKernels;
    const load = (data: VectorInput, rows: number, name: string): { rowMajor: number; transposed: number } => {
      const src: ArrayLike<number> = data instanceof F64Buffer ? data.view() : data;
      const rowMajor = s.f64(rows * d);
      const transposed = s.f64(rows * d);
      const R = f64View(s.x, rowMajor, rows * d);
      const T = f64View(s.x, transposed, rows * d);
      for (let i = 0; i < rows; i++) for (let c = 0; c < d; c++) {
        const v = Number(src[i * d + c]);
        if (!Number.isFinite(v)) throwNonFinite(fn, name, data);
        R[i * d + c] = v;
        T[c * rows + i] = v;
      }
      return { rowMajor, transposed };
    };
    const xs = load(px.data, n, 'X');
    const ys = load(py.data, m, 'Y');
    const la = s.f64(n), lb = s.f64(m);
    f64View(s.x, la, n).set(a);
    f64View(s.x, lb, m).set(b);
    k.otLogVec(la, n, la);
    k.otLogVec(lb, m, lb);
    const f = s.f64(n), g = s.f64(m), hx = s.f64(n), hy = s.f64(m), tmp = s.f64(Math.max(n, m));
    f64View(s.x, f, n).fill(0);
    f64View(s.x, g, m).fill(0);
    const inv = 1 / reg;
    // h = log w + potential/ε, then the log-sum-exp over the other cloud gives the new potential.
    const half = (pot: number, logw: number, len: number, h: number, P: number, Qt: number, lenQ: number, outPot: number, lenOut: number): void => {
      const H = f64View(s.x, h, len), Pv = f64View(s.x, pot, len), L = f64View(s.x, logw, len);
      for (let i = 0; i < len; i++) H[i] = L[i]! + Pv[i]! * inv;
      k.otLazyLogSumExp(P, lenOut, Qt, lenQ, d, h, inv, met, outPot);
      const O = f64View(s.x, outPot, lenOut);
      for (let i = 0; i < lenOut; i++) O[i] = -reg * O[i]!;
    };
    let iterations = 0;
    let err = Infinity;
    let converged = false;
    while (iterations < maxIter) {
      if (signal?.aborted) break;
      iterations++;
      half(f, la, n, hx, ys.rowMajor, xs.transposed, n, g, m); // g from f (over the rows of X)
      half(g, lb, m, hy, xs.rowMajor, ys.transposed, m, f, n); // f from g
      if (iterations % checkEvery === 0 || iterations === maxIter) {
        // Column marginals after the f update: Σ_i P_ij = b_j exp((g_j − g'_j)/ε) with g' the g update
        // the current f would give; the error is Σ_j |that − b_j|.
        half(f, la, n, hx, ys.rowMajor, xs.transposed, n, tmp, m);
        const T = f64View(s.x, tmp, m), G = f64View(s.x, g, m);
        for (let j = 0; j < m; j++) T[j] = (G[j]! - T[j]!) * inv;
        k.otExpVec(tmp, m, tmp);
        const E = f64View(s.x, tmp, m);
        err = 0;
        for (let j = 0; j < m; j++) err += Math.abs(b[j]! * E[j]! - b[j]!);
        if (err < tol) { converged = true; break; }
      }
    }
    const F = f64View(s.x, f, n).slice(), G = f64View(s.x, g, m).slice();
    let value = 0;
    for (let i = 0; i < n; i++) value += a[i]! * F[i]!;
    for (let j = 0; j < m; j++) value += b[j]! * G[j]!;
    return { f: F, g: G, value, iterations, marginalError: err, converged };
  });
}
