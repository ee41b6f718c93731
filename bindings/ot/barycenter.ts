import type { StopState } from '../runtime/stop.js';
import { ParameterError, ShapeError, parameterError } from '../runtime/errors.js';
import { F64Buffer, f64View, place, throwNonFinite, vectorLength, withScope, type Scope, type VectorInput } from '../runtime/memory.js';
import { checkKnownKeys, nonNegative, optionKeys, positiveFinite, positiveInteger, readCallback, readSignal } from '../runtime/validate.js';
import { Monitor, histogram, iterate, type MatrixInput, type SinkhornProgress } from './sinkhorn.js';
import { readMatrix } from '../runtime/matrix.js';
import type { AbortSignalLike } from '../runtime/types.js';

/** Options of {@link barycenter}. */
export interface BarycenterOptions {
  /** Entropic regularisation ε > 0 (POT's `reg`). Required. */
  reg: number;
  /** Barycentric weights w_k ≥ 0 summing to 1 (within 1e-8), one per histogram. Default uniform 1/K. */
  weights?: VectorInput;
  /**
   * 'log' (default): log-domain Bregman projections with max-shifted log-sum-exp (POT `sinkhorn_log`),
   * finite at any ε. 'sinkhorn': scaling form with K = exp(−M/ε) (POT `sinkhorn`); if a scaling
   * under/overflows the run restarts in 'log' and `warning` says so.
   */
  method?: 'sinkhorn' | 'log';
  /** Iteration cap (POT's numItermax). Default 1000. */
  maxIter?: number;
  /**
   * Stop when Σ_j std_k((P_kᵀ1)_j) < tol — the spread of the K plans' barycenter-side marginals
   * (POT's criterion), evaluated every 10 iterations and at the last. Default 1e-4 (POT's stopThr).
   */
  tol?: number;
  /** Called at each check with the criterion above in `marginalError`; return false to stop. */
  onProgress?: (info: SinkhornProgress) => boolean | void;
  /** Checked every iteration; an aborted signal ends the run with stopped: 'aborted'. */
  signal?: AbortSignalLike;
  /**
   * 'sinkhorn' only: arithmetic of the Gibbs kernel, as in {@link sinkhorn}. 'f64' (default). 'f32': K is
   * stored as float32 (within 2 f32 ulp of exp(−M/ε)) and K v, Kᵀu multiply and add in f32 SIMD lanes over
   * short blocks summed in f64 (each entry within 18·2⁻²⁴ ≈ 1.1e-6 resp. 34·2⁻²⁴ ≈ 2e-6 relative; the
   * scalings, logs and the geometric mean stay f64; u = h ⊘ K v and Kᵀu share one pass over K): a quarter
   * of the bytes of K read per histogram and twice the lanes, so about 2× faster for d in the thousands; the barycenter agrees with the f64 one to about 1e-6
   * relative per entry (tested to 1e-5). The fallback to 'log' (f64) happens at a larger ε than in f64,
   * since f32 K underflows where M/ε > ~103.
   */
  precision?: 'f64' | 'f32';
}

/** Result of {@link barycenter}. */
export interface BarycenterResult {
  /** The barycenter histogram q (length = the histograms' length). */
  barycenter: Float64Array;
  /** Iterations run. */
  iterations: number;
  /** True when the criterion fell below `tol`. */
  converged: boolean;
  /** The last value of the stopping criterion. */
  marginalError: number;
  /** Why the run ended: 'converged', 'maxIter', 'callback' (onProgress returned false) or 'aborted' (signal). */
  stopped: Extract<StopState, 'converged' | 'maxIter' | 'callback' | 'aborted'>;
  /** The method that produced the result ('log' after a fallback from 'sinkhorn'). */
  method: 'sinkhorn' | 'log';
  /** The criterion at each check. */
  history: number[];
  /** Set on a fallback to the log domain or on non-convergence. */
  warning?: string;
}

/**
 * The histograms as a list: an array of vectors, or the columns of a `{ data, rows, cols }` matrix
 * (POT's A). `name` is the argument's name in error messages and `expected` what it must be.
 */
export function histograms(fn: string, A: unknown, name = 'A', expected = 'a non-empty array of histograms or a { data, rows, cols } matrix whose columns are histograms'): { d: number; hs: ArrayLike<number>[] } {
  if (Array.isArray(A) && A.length > 0 && typeof A[0] !== 'number') {
    const d = vectorLength(fn, `${name}[0]`, A[0]);
    const hs = A.map((h: VectorInput, k: number) => {
      const len = vectorLength(fn, `${name}[${k}]`, h);
      if (len !== d) throw new ShapeError(`${fn}: ${name}[${k}] must have length ${d} like ${name}[0] (got ${len})`);
      return h instanceof F64Buffer ? h.view().slice() : h;
    });
    return { d, hs };
  }
  if (A !== null && typeof A === 'object' && 'data' in A && 'rows' in A && 'cols' in A) {
    const { data, rows, cols } = A as { data: VectorInput; rows: number; cols: number };
    positiveInteger(fn, `${name}.rows`, rows);
    positiveInteger(fn, `${name}.cols`, cols);
    const len = vectorLength(fn, `${name}.data`, data);
    if (len !== rows * cols) throw new ShapeError(`${fn}: ${name}.data must have rows × cols = ${rows * cols} entries (got ${len})`);
    const flat: ArrayLike<number> = data instanceof F64Buffer ? data.view().slice() : data;
    const hs = Array.from({ length: cols }, (_, k) => Float64Array.from({ length: rows }, (_, i) => Number(flat[i * cols + k])));
    return { d: rows, hs };
  }
  throw parameterError(fn, name, expected, A);
}

/**
 * Entropic Wasserstein barycenter by iterative Bregman projections (Benamou, Carlier, Cuturi, Nenna &
 * Peyré 2015, "Iterative Bregman projections for regularized transportation problems", Section 3.2 /
 * Proposition 1; POT `ot.bregman.barycenter`):
 *
 *   q = argmin_q Σ_k w_k W_ε(h_k, q),  W_ε(h, q) = min_{P1 = h, Pᵀ1 = q} ⟨P, M⟩ + ε Σ P (log P − 1).
 *
 * Log domain (method 'log', Peyré & Cuturi 2019, Remark 4.23): with L = −M/ε, each iteration sets for every k
 * f_k = log h_k − lse_j(L_ij + g_kj), ℓ_k = lse_i(L_ij + f_ki), log q = Σ_k w_k ℓ_k, then g_k = log q − ℓ_k.
 * Method 'sinkhorn' runs the same projections on scalings (K = exp(−M/ε)). The result is exp(log q).
 *
 * @param A  K ≥ 1 histograms of length d on the same support: an array of vectors, or (as POT) the
 *   columns of a `{ data, rows: d, cols: K }` row-major matrix; each ≥ 0 with a positive sum.
 * @param M  ground cost, row-major d × d (flat or `{ data, rows, cols }`), finite.
 * @param options  reg (required, > 0), weights (uniform), method ('log'), maxIter (1000), tol (1e-4), onProgress, signal, precision ('f64'; 'f32' with method 'sinkhorn').
 * @throws ShapeError for histograms of unequal length or an M of another shape; ParameterError for
 *   negative entries, zero sums, negative or non-summing weights, reg ≤ 0, bad options; NonFiniteError for NaN/±Inf.
 */
export function barycenter(A: VectorInput[] | MatrixInput, M: MatrixInput, options: BarycenterOptions): BarycenterResult {
  const fn = 'barycenter';
  const { reg, weights, method, ctl, precision } = barycenterSettings(fn, options, { method: 'log', maxIter: 1000, tol: 1e-4 }, true);
  const { d, hs } = histograms(fn, A);
  const nh = hs.length;
  hs.forEach((h, k) => histogram(fn, `A[${k}]`, h as VectorInput, d));
  const Mdata = readMatrix(fn, 'M', M, { rows: d, cols: d, label: 'd × d' }).data;
  const w = barycenterWeights(fn, weights, nh);
  return withLogFallback(fn, method, reg, () => runScalingBarycenter(fn, d, hs, Mdata, reg, w, ctl, precision), () => runLogBarycenter(fn, d, hs, Mdata, reg, w, ctl));
}

const SHARED_KEYS = optionKeys<Omit<BarycenterOptions, 'precision'>>({ reg: true, weights: true, method: true, maxIter: true, tol: true, onProgress: true, signal: true });
const BARYCENTER_KEYS = optionKeys<BarycenterOptions>({ reg: true, weights: true, method: true, maxIter: true, tol: true, onProgress: true, signal: true, precision: true });

/**
 * The options barycenter and convolutionalBarycenter share, checked, with each function's defaults;
 * the iteration settings come back as a Control (checked every 10 iterations). `precision` is a known
 * key only where `withPrecision` (both barycenters have an f32 path; the flag keeps the key optional for others).
 */
export function barycenterSettings(fn: string, options: BarycenterOptions, defaults: { method: 'sinkhorn' | 'log'; maxIter: number; tol: number }, withPrecision = false): { reg: number; weights: VectorInput | undefined; method: 'sinkhorn' | 'log'; ctl: Control; precision: 'f64' | 'f32' } {
  if (options === null || typeof options !== 'object') throw parameterError(fn, 'options', 'an object with reg', options);
  checkKnownKeys(fn, options, withPrecision ? BARYCENTER_KEYS : SHARED_KEYS);
  const { reg, weights, method = defaults.method, maxIter = defaults.maxIter, tol = defaults.tol, onProgress, signal, precision = 'f64' } = options;
  positiveFinite(fn, 'options.reg', reg);
  if (method !== 'sinkhorn' && method !== 'log') throw parameterError(fn, 'options.method', "'sinkhorn' or 'log'", method);
  positiveInteger(fn, 'options.maxIter', maxIter);
  nonNegative(fn, 'options.tol', tol);
  readCallback(fn, 'options.onProgress', onProgress);
  readSignal(fn, signal);
  if (precision !== 'f64' && precision !== 'f32') throw parameterError(fn, 'options.precision', "'f64' or 'f32'", precision);
  if (precision === 'f32' && method !== 'sinkhorn') throw parameterError(fn, 'options.method', "'sinkhorn' when options.precision is 'f32'", method);
  return { reg, weights, method, ctl: { maxIter, tol, checkEvery: 10, onProgress, signal }, precision };
}

/**
 * `log()` for method 'log'; otherwise `scaling()`, and when it under/overflowed (null) `log()` again,
 * with a warning saying so.
 */
export function withLogFallback<R extends { warning?: string }>(fn: string, method: 'sinkhorn' | 'log', reg: number, scaling: () => R | null, log: () => R): R {
  if (method === 'log') return log();
  const scaled = scaling();
  if (scaled) return scaled;
  const r = log();
  const why = `${fn}: method 'sinkhorn' under/overflowed (a scaling became 0 or infinite at reg = ${reg}); fell back to method 'log'`;
  r.warning = r.warning ? `${why}; ${r.warning}` : why;
  return r;
}

/** Validated barycentric weights: nh entries ≥ 0 summing to 1 within 1e-8 (default uniform 1/nh). */
export function barycenterWeights(fn: string, weights: VectorInput | undefined, nh: number): Float64Array {
  if (weights === undefined) return new Float64Array(nh).fill(1 / nh);
  const wl = vectorLength(fn, 'options.weights', weights);
  if (wl !== nh) throw new ShapeError(`${fn}: options.weights must have one entry per histogram = ${nh} (got ${wl})`);
  const w = Float64Array.from(weights instanceof F64Buffer ? weights.view() : weights, Number);
  let sw = 0;
  for (let k = 0; k < nh; k++) {
    if (!Number.isFinite(w[k]!)) throwNonFinite(fn, 'options.weights', weights);
    if (w[k]! < 0) throw new ParameterError(`${fn}: options.weights must be >= 0 entrywise (got ${w[k]} at index ${k})`);
    sw += w[k]!;
  }
  if (Math.abs(sw - 1) > 1e-8) throw new ParameterError(`${fn}: options.weights must sum to 1 within 1e-8 (got ${sw})`);
  return w;
}

export type Control = { maxIter: number; tol: number; checkEvery: number; onProgress?: BarycenterOptions['onProgress']; signal?: AbortSignalLike };

/** Σ_j std_k(x_kj) (population std over the K histograms), POT's barycenter criterion; x is K × d. */
function spread(x: Float64Array, nh: number, d: number): number {
  let err = 0;
  for (let j = 0; j < d; j++) {
    let mean = 0;
    for (let k = 0; k < nh; k++) mean += x[k * d + j]!;
    mean /= nh;
    let v = 0;
    for (let k = 0; k < nh; k++) v += (x[k * d + j]! - mean) ** 2;
    err += Math.sqrt(v / nh);
  }
  return err;
}

function result(mon: Monitor, it: number, tol: number, method: 'sinkhorn' | 'log', bar: Float64Array): BarycenterResult {
  const converged = mon.stopped === 'converged';
  const r: BarycenterResult = { barycenter: bar, iterations: it, converged, marginalError: mon.err, stopped: mon.stopped, method, history: mon.history };
  if (!converged) r.warning = `not converged (${mon.stopped}) after ${it} iterations: criterion ${mon.err} >= tol ${tol}`;
  return r;
}

/** How a Bregman barycenter applies its Gibbs kernel to d-vectors at scope offsets (dense K, or separable on a grid). */
export interface ScalingOps {
  /** dst = K·src. */
  kv(src: number, dst: number): void;
  /** dst = Kᵀ·src. */
  ktu(src: number, dst: number): void;
  /** Optional: u = h ⊘ K v (0 where h is) and ku = Kᵀu in one pass over K, nonzero if u is not finite (the same as kv, otScale, ktu). */
  step?(h: number, v: number, u: number, ku: number): number;
}

/** The log-domain counterparts of {@link ScalingOps} (L = −M/ε). */
export interface LogOps {
  /** out_i = logA_i − log Σ_j exp(L_ij + g_j). */
  rows(g: number, logA: number, out: number): void;
  /** out_j = log Σ_i exp(L_ij + f_i) (ℓ). */
  cols(f: number, out: number): void;
}

/**
 * Scaling-form Bregman projections (Benamou et al. 2015, Prop. 1) over nh histograms stacked at H
 * (nh × d, in the scope): u_k = h_k ⊘ K v_k, q = Π_k (Kᵀu_k)^{w_k}, v_k = q ⊘ Kᵀu_k. Returns the
 * barycenter, or null when a scaling under/overflows.
 */
export function scalingBregman(s: Scope, d: number, H: number, nh: number, w: Float64Array, ctl: Control, ops: ScalingOps, method: 'sinkhorn' | 'log' = 'sinkhorn'): BarycenterResult | null {
  const x = s.x;
  const V = s.f64(nh * d);
  const KU = s.f64(nh * d);
  const tmp = s.f64(nh * d);
  const u = s.f64(d);
  const kv = s.f64(d);
  const q = s.f64(d);
  f64View(x, V, nh * d).fill(1);
  const mon = new Monitor(ctl);
  const lq = new Float64Array(d); // log of the barycenter, rebuilt each iteration
  let first = true;
  const it = iterate(ctl, mon, () => {
    let bad = 0;
    if (!first) for (let k = 0; k < nh; k++) bad |= x.otScale(q, KU + k * d * 8, d, V + k * d * 8);
    first = false;
    for (let k = 0; k < nh; k++) {
      if (ops.step) {
        bad |= ops.step(H + k * d * 8, V + k * d * 8, u, KU + k * d * 8);
        continue;
      }
      ops.kv(V + k * d * 8, kv);
      bad |= x.otScale(H + k * d * 8, kv, d, u);
      ops.ktu(u, KU + k * d * 8);
    }
    if (bad !== 0) return bad;
    x.otLogVec(KU, nh * d, tmp);
    const t = f64View(x, tmp, nh * d);
    lq.fill(0);
    for (let k = 0; k < nh; k++) if (w[k]! !== 0) for (let j = 0; j < d; j++) lq[j] = lq[j]! + w[k]! * t[k * d + j]!;
    f64View(x, q, d).set(lq);
    x.otExpVec(q, d, q);
    return 0;
  }, () => {
    const v = f64View(x, V, nh * d);
    const ku = f64View(x, KU, nh * d);
    const t = f64View(x, tmp, nh * d);
    for (let k = 0; k < nh * d; k++) t[k] = v[k]! * ku[k]!;
    return spread(t, nh, d);
  });
  if (it === null) return null;
  return result(mon, it, ctl.tol, method, f64View(x, q, d).slice());
}

/**
 * Log-domain Bregman projections (see {@link barycenter}) over nh log-histograms stacked at logA
 * (nh × d, in the scope): f_k = log h_k − lse(L + g_k), ℓ_k = lse(L + f_k), log q = Σ_k w_k ℓ_k, g_k = log q − ℓ_k.
 */
export function logBregman(s: Scope, d: number, logA: number, nh: number, w: Float64Array, ctl: Control, ops: LogOps): BarycenterResult {
  const x = s.x;
  const G = s.f64(nh * d);
  const KU = s.f64(nh * d);
  const tmp = s.f64(nh * d);
  const f = s.f64(d);
  const bar = s.f64(d);
  f64View(x, G, nh * d).fill(0);
  const mon = new Monitor(ctl);
  let first = true;
  const it = iterate(ctl, mon, () => {
    if (!first) {
      const g = f64View(x, G, nh * d);
      const ku = f64View(x, KU, nh * d);
      const lb = f64View(x, bar, d);
      for (let k = 0; k < nh; k++) for (let j = 0; j < d; j++) g[k * d + j] = lb[j]! - ku[k * d + j]!;
    }
    first = false;
    for (let k = 0; k < nh; k++) {
      ops.rows(G + k * d * 8, logA + k * d * 8, f);
      ops.cols(f, KU + k * d * 8); // ℓ_k
    }
    const ku = f64View(x, KU, nh * d);
    const lb = f64View(x, bar, d).fill(0);
    for (let k = 0; k < nh; k++) if (w[k]! !== 0) for (let j = 0; j < d; j++) lb[j] = lb[j]! + w[k]! * ku[k * d + j]!;
    return 0;
  }, () => {
    const g = f64View(x, G, nh * d);
    const ku = f64View(x, KU, nh * d);
    const t = f64View(x, tmp, nh * d);
    for (let k = 0; k < nh * d; k++) t[k] = g[k]! + ku[k]!;
    x.otExpVec(tmp, nh * d, tmp);
    return spread(f64View(x, tmp, nh * d), nh, d);
  })!;
  x.otExpVec(bar, d, bar);
  return result(mon, it, ctl.tol, 'log', f64View(x, bar, d).slice());
}

/** Dense scaling form (f64 K, or f32 K with the f32x4 mat-vecs of sinkhorn's f32 path); null when a scaling under/overflows. */
function runScalingBarycenter(fn: string, d: number, hs: ArrayLike<number>[], Mdata: VectorInput, reg: number, w: Float64Array, ctl: Control, precision: 'f64' | 'f32'): BarycenterResult | null {
  const nh = hs.length;
  return withScope(fn, (s) => {
    const x = s.x;
    const pM = place(s, Mdata, d * d).ptr;
    const f32 = precision === 'f32';
    const K = f32 ? s.bytes(4 * d * d) : s.f64(d * d);
    if ((f32 ? x.otGibbsF32x4(pM, d * d, reg, K) : x.otGibbs(pM, d * d, reg, K)) !== 0) throwNonFinite(fn, 'M', Mdata);
    const H = s.f64(nh * d);
    for (let k = 0; k < nh; k++) f64View(x, H + k * d * 8, d).set(hs[k]!); // validated numbers (histogram())
    // f32: the kernels round their input vector to f32 into this scratch (3d f32: fl32(u), Kᵀu's block
    // sums, fl32(v)); u = h ⊘ K v and Kᵀu share one pass over K (otStepF32x4, as sinkhorn's f32 path).
    const scratch = f32 ? s.bytes(4 * 3 * d) : 0;
    const ops: ScalingOps = f32
      ? {
          kv: (src, dst) => x.otKvF32x4(K, d, d, src, scratch, dst),
          ktu: (src, dst) => x.otKtuF32x4(K, d, d, src, scratch, dst),
          step: (h, v, u, ku) => x.otStepF32x4(K, d, d, h, v, scratch, u, ku),
        }
      : { kv: (src, dst) => x.otKv(K, d, d, src, dst), ktu: (src, dst) => x.otKtu(K, d, d, src, dst) };
    return scalingBregman(s, d, H, nh, w, ctl, ops);
  });
}

/** Dense log domain. */
function runLogBarycenter(fn: string, d: number, hs: ArrayLike<number>[], Mdata: VectorInput, reg: number, w: Float64Array, ctl: Control): BarycenterResult {
  const nh = hs.length;
  return withScope(fn, (s) => {
    const x = s.x;
    const pM = place(s, Mdata, d * d).ptr;
    const L = s.f64(d * d);
    if (x.otLogKernel(pM, d * d, reg, L) !== 0) throwNonFinite(fn, 'M', Mdata);
    const logA = s.f64(nh * d);
    const zero = s.f64(d);
    const mx = s.f64(d);
    const sc = s.f64(d);
    for (let k = 0; k < nh; k++) {
      const ph = place(s, hs[k] as VectorInput, d).ptr;
      x.otLogVec(ph, d, logA + k * d * 8);
    }
    f64View(x, zero, d).fill(0);
    return logBregman(s, d, logA, nh, w, ctl, {
      rows: (g, la, out) => x.otLogRows(L, d, d, g, la, out),
      cols: (f, out) => {
        x.otLogCols(L, d, d, f, zero, out, mx, sc); // 0 − lse = −ℓ
        const o = f64View(x, out, d);
        for (let j = 0; j < d; j++) o[j] = -o[j]!;
      },
    });
  });
}
