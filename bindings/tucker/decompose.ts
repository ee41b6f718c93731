/**
 * Tucker decompositions X ≈ G ×₀ U₀ ×₁ U₁ ⋯ ×_{N−1} U_{N−1} (Kolda & Bader 2009, Sec. 4): truncated
 * HOSVD (De Lathauwer, De Moor & Vandewalle 2000a) and HOOI (De Lathauwer et al. 2000b, Alg. 4.2).
 * Leading singular vectors of an unfolding come from the WASM eigensolver applied to its Gram matrix
 * (the smaller of X₍ₙ₎X₍ₙ₎ᵀ and X₍ₙ₎ᵀX₍ₙ₎); the tensor stays in WASM memory for the whole run.
 */
import { eigenInScope } from '../linalg/eigen.js';
import { parameterError } from '../runtime/errors.js';
import { f64View, finiteArray, withScope, type Scope } from '../runtime/memory.js';
import type { StopState } from '../runtime/stop.js';
import { nonNegativeInteger, optionKeys, readCallback, readOptions, readSignal } from '../runtime/validate.js';
import { around, coreShape, modeProductIn, placeTensor, prod, tensorDims, transpose, type Tensor, type TensorInput } from './tensor.js';
import type { AbortSignalLike } from '../runtime/types.js';
import { readMask } from './cp.js';
import { hooiMaskedIn } from './masked.js';

/** A Tucker decomposition: X ≈ core ×₀ factors[0] ×₁ factors[1] ⋯. */
export interface TuckerDecomposition {
  /** The core tensor G, shape r = [r₀, …]. */
  core: Tensor;
  /** factors[n] is Iₙ×rₙ row-major with orthonormal columns. */
  factors: Float64Array[];
  /** ‖X − X̂‖_F / ‖X‖_F (0 for X = 0), from ‖X‖² − ‖G‖² (orthonormal factors). */
  relativeError: number;
}

/**
 * Leading r left singular vectors of the mode-n unfolding of the tensor at `x` (shape dims) and the
 * squared singular values of that unfolding (length Iₙ, descending, clamped at 0).
 */
export function leadingVectors(s: Scope, x: number, dims: readonly number[], n: number, r: number): { U: Float64Array; sigma2: Float64Array } {
  const { L, I, R } = around(dims, n);
  const J = L * R;
  const sigma2 = new Float64Array(I);
  const U = new Float64Array(I * r);
  if (I <= J) {
    const g = s.f64(I * I);
    s.x.modeGram(x, L, I, R, g, s.f64(I));
    const e = eigenInScope(s, g, I, 'Gram');
    const vals = f64View(s.x, e.values, I);
    for (let i = 0; i < I; i++) sigma2[i] = Math.max(0, vals[i]!);
    const V = f64View(s.x, e.vectors, I * I);
    for (let i = 0; i < I; i++) for (let k = 0; k < r; k++) U[i * r + k] = V[i * I + k]!;
    return { U, sigma2 };
  }
  // I > J: eigen-decompose X₍ₙ₎ᵀX₍ₙ₎ = V Λ Vᵀ (J×J); then uₖ = X₍ₙ₎vₖ / √λₖ.
  const g = s.f64(J * J);
  s.x.modeGramDual(x, L, I, R, g, s.f64(J));
  const e = eigenInScope(s, g, J, 'Gram');
  const vals = f64View(s.x, e.values, J).slice();
  const V = f64View(s.x, e.vectors, J * J).slice();
  for (let k = 0; k < J; k++) sigma2[k] = Math.max(0, vals[k]!);
  const kMax = Math.min(r, J);
  if (L === 1) {
    // X₍ₙ₎ is then the I × R matrix at x: U = X₍ₙ₎·V[:, :kMax] is one WASM mode product (the JS loop
    // below took most of selectCoreShape('hosvd')'s time on a 1797 × 8 × 8 tensor).
    const Wt = new Float64Array(kMax * R);
    for (let k = 0; k < kMax; k++) for (let q = 0; q < R; q++) Wt[k * R + q] = V[q * J + k]!;
    const y = modeProductIn(s, x, [I, R], 1, Wt, kMax);
    const Y = f64View(s.x, y.ptr, I * kMax);
    for (let i = 0; i < I; i++) for (let k = 0; k < kMax; k++) U[i * r + k] = Y[i * kMax + k]!;
    orthonormalizeColumns(U, I, r);
    return { U, sigma2 };
  }
  const X = f64View(s.x, x, L * I * R);
  for (let l = 0; l < L; l++) {
    for (let i = 0; i < I; i++) {
      const base = (l * I + i) * R;
      for (let q = 0; q < R; q++) {
        const xv = X[base + q]!;
        if (xv === 0) continue;
        const vr = (l * R + q) * J;
        for (let k = 0; k < kMax; k++) U[i * r + k]! += xv * V[vr + k]!;
      }
    }
  }
  orthonormalizeColumns(U, I, r);
  return { U, sigma2 };
}

/**
 * Modified Gram–Schmidt (twice) on the columns of the I×r matrix U, in place; a column that vanishes
 * (rank deficiency) is replaced by the first standard basis vector that stays independent.
 */
function orthonormalizeColumns(U: Float64Array, I: number, r: number): void {
  let nextBasis = 0;
  for (let k = 0; k < r; k++) {
    for (let attempt = 0; ; attempt++) {
      const before = Math.sqrt(columnDot(U, I, r, k, k));
      for (let pass = 0; pass < 2; pass++) {
        for (let j = 0; j < k; j++) {
          const d = columnDot(U, I, r, j, k);
          for (let i = 0; i < I; i++) U[i * r + k]! -= d * U[i * r + j]!;
        }
      }
      const norm = Math.sqrt(columnDot(U, I, r, k, k));
      if (norm > 1e-10 * Math.max(before, 1e-300) && norm > 1e-300) {
        for (let i = 0; i < I; i++) U[i * r + k]! /= norm;
        break;
      }
      if (nextBasis >= I || attempt > I) throw new Error('orthonormalizeColumns: no independent basis vector left');
      for (let i = 0; i < I; i++) U[i * r + k] = i === nextBasis ? 1 : 0;
      nextBasis++;
    }
  }
}

function columnDot(U: Float64Array, I: number, r: number, a: number, b: number): number {
  let t = 0;
  for (let i = 0; i < I; i++) t += U[i * r + a]! * U[i * r + b]!;
  return t;
}

/** x ×ₘ Uₘᵀ for every m in `modes` (in that order); returns the final pointer and dims. */
export function projectModes(s: Scope, x: number, dims: readonly number[], factors: readonly Float64Array[], ranks: readonly number[], modes: number[]): { ptr: number; dims: number[] } {
  let cur = { ptr: x, dims: dims.slice() };
  for (const m of modes) cur = modeProductIn(s, cur.ptr, cur.dims, m, transpose(factors[m]!, dims[m]!, ranks[m]!), ranks[m]!);
  return cur;
}

/** Modes other than n, ordered so that the largest reductions Iₘ/rₘ come first (smaller intermediates). */
export function otherModes(dims: readonly number[], ranks: readonly number[], n: number): number[] {
  return dims.map((_, m) => m).filter((m) => m !== n).sort((a, b) => ranks[a]! / dims[a]! - ranks[b]! / dims[b]! || a - b);
}

/** The loop options every tensor solver shares: maxIter (integer ≥ 0) and tol (≥ 0) with defaults, onProgress, signal. */
export function readLoopOptions(fn: string, options: { maxIter?: number; tol?: number; onProgress?: unknown; signal?: unknown }, defaults: { maxIter: number; tol: number }): { maxIter: number; tol: number } {
  const maxIter = options.maxIter ?? defaults.maxIter;
  const tol = options.tol ?? defaults.tol;
  nonNegativeInteger(fn, 'options.maxIter', maxIter);
  if (typeof tol !== 'number' || !(tol >= 0)) throw parameterError(fn, 'options.tol', '>= 0', tol);
  readCallback(fn, 'options.onProgress', options.onProgress);
  readSignal(fn, options.signal);
  return { maxIter, tol };
}

/** ‖X − X̂‖/‖X‖ of an orthogonal Tucker model from ‖X‖² and ‖G‖² (0 for X = 0). */
export function relError(norm2: number, core2: number): number {
  return norm2 > 0 ? Math.sqrt(Math.max(0, norm2 - core2) / norm2) : 0;
}

/**
 * Truncated higher-order SVD (De Lathauwer, De Moor & Vandewalle, SIAM J. Matrix Anal. Appl. 21(4),
 * 2000, Sec. 3; Kolda & Bader 2009, Fig. 4.3): Uₙ = the rₙ leading left singular vectors of X₍ₙ₎,
 * G = X ×₀ U₀ᵀ ⋯ ×_{N−1} U_{N−1}ᵀ. Exact (X = G ×₀ U₀ ⋯) when r = the full shape.
 *
 * @param X  a tensor { data, shape } of order N ≥ 2, row-major, finite.
 * @param shape  the core shape r, integers 1 ≤ rₙ ≤ Iₙ.
 * @throws ShapeError for a malformed tensor or shape; NonFiniteError for NaN/±Inf in X.
 */
export function hosvd(X: TensorInput, shape: ArrayLike<number>): TuckerDecomposition {
  const fn = 'hosvd';
  const { dims, size } = tensorDims(fn, X);
  const ranks = coreShape(fn, shape, dims);
  return withScope(fn, (s) => {
    const { ptr, norm2 } = placeTensor(s, X, size);
    const factors = dims.map((_, n) => leadingVectors(s, ptr, dims, n, ranks[n]!).U);
    const core = projectModes(s, ptr, dims, factors, ranks, otherModes(dims, ranks, -1));
    const data = f64View(s.x, core.ptr, prod(ranks)).slice();
    return { core: { data, shape: ranks }, factors, relativeError: relError(norm2, s.x.sumSquares(core.ptr, data.length)) };
  });
}

/** What `onProgress` of {@link hooi} receives once per sweep. */
export interface HooiProgress {
  /** Sweeps done (1-based). */
  iteration: number;
  /** ‖X − X̂‖_F / ‖X‖_F after this sweep. */
  relativeError: number;
  /** Milliseconds since the start of the run. */
  elapsed: number;
}

/** Options of {@link hooi}. */
export interface HooiOptions {
  /** Maximum number of sweeps over the modes. Default 50. */
  maxIter?: number;
  /** Stop when the relative error decreases by less than `tol` in a sweep. Default 1e-9. */
  tol?: number;
  /** Called after every sweep; return false to stop early (stopped: 'callback'). */
  onProgress?: (info: HooiProgress) => boolean | void;
  /** Checked before every sweep; an aborted signal ends the run with stopped: 'aborted'. */
  signal?: AbortSignalLike;
  /** Initial factors (Iₙ×rₙ, orthonormal columns). Default: the truncated HOSVD's. */
  init?: Float64Array[];
  /**
   * Observed entries: an array as long as X.data, 1 where X is observed and 0 where it is missing.
   * Missing entries are imputed from the current model before each sweep (EM) and left out of the
   * error, which is then ‖M∘(X − X̂)‖/‖M∘X‖ from the reconstruction (non-increasing). Default: all observed.
   */
  mask?: ArrayLike<number>;
}

/** Result of {@link hooi}. */
export interface HooiResult extends TuckerDecomposition {
  /** Sweeps run. */
  iterations: number;
  /** True when the decrease of the relative error fell below `tol`. */
  converged: boolean;
  /** Why the run ended: 'converged', 'maxIter', 'callback' (onProgress returned false) or 'aborted' (signal). */
  stopped: Extract<StopState, 'converged' | 'maxIter' | 'callback' | 'aborted'>;
  /** Relative error after each sweep. */
  history: number[];
}

/**
 * Higher-order orthogonal iteration (De Lathauwer, De Moor & Vandewalle, SIAM J. Matrix Anal. Appl.
 * 21(4), 2000, Alg. 4.2; Kolda & Bader 2009, Fig. 4.4): starting from the truncated HOSVD, each sweep
 * sets, for n = 0…N−1, Uₙ ← the rₙ leading left singular vectors of (X ×_{m≠n} Uₘᵀ)₍ₙ₎. The error
 * ‖X − X̂‖ = sqrt(‖X‖² − ‖G‖²) is non-increasing over sweeps.
 *
 * @param X  a tensor { data, shape } of order N ≥ 2.
 * @param shape  the core shape r, 1 ≤ rₙ ≤ Iₙ.
 * @param options  maxIter (default 50), tol (default 1e-9), onProgress, signal, init, mask (missing
 *   entries, imputed by EM; see {@link HooiOptions.mask}).
 */
export function hooi(X: TensorInput, shape: ArrayLike<number>, options: HooiOptions = {}): HooiResult {
  const fn = 'hooi';
  const { dims, size } = tensorDims(fn, X);
  const ranks = coreShape(fn, shape, dims);
  options = readOptions(fn, options, optionKeys<HooiOptions>({ maxIter: true, tol: true, onProgress: true, signal: true, init: true, mask: true }));
  const { maxIter, tol } = readLoopOptions(fn, options, { maxIter: 50, tol: 1e-9 });
  if (options.init !== undefined) {
    if (!Array.isArray(options.init) || options.init.length !== dims.length) throw parameterError(fn, 'options.init', `an array of ${dims.length} factor matrices`, options.init);
    options.init.forEach((U, n) => {
      if (!(U instanceof Float64Array) || U.length !== dims[n]! * ranks[n]!) throw parameterError(fn, `options.init[${n}]`, `a Float64Array of length ${dims[n]! * ranks[n]!}`, U);
      finiteArray(fn, `options.init[${n}]`, U);
    });
  }
  const mask = options.mask === undefined ? undefined : readMask(fn, options.mask, size);
  const t0 = performance.now();
  return withScope(fn, (s) => {
    const { ptr, norm2 } = placeTensor(s, X, size);
    if (mask) return hooiMaskedIn(s, fn, ptr, dims, ranks, mask, { maxIter, tol, onProgress: options.onProgress, signal: options.signal, init: options.init }, t0);
    const factors = options.init ? options.init.map((U) => U.slice()) : dims.map((_, n) => leadingVectors(s, ptr, dims, n, ranks[n]!).U);
    const run = hooiSweepsIn(fn, ptr, norm2, dims, ranks, dims.map((_, n) => n), factors, { maxIter, tol, onProgress: options.onProgress, signal: options.signal }, t0);
    return {
      core: { data: run.core, shape: ranks },
      factors,
      relativeError: run.relativeError,
      iterations: run.history.length,
      converged: run.stopped === 'converged',
      stopped: run.stopped,
      history: run.history,
    };
  });
}

/**
 * HOOI sweeps (Alg. 4.2 above) over the listed `modes`, in their order, from the given factors; every
 * other mode keeps its full size (ranks[m] = dims[m], no product along it). factors[m] (Iₘ × rₘ) is
 * replaced for each listed m; the core is the projection on the listed modes. Serves hooi (every
 * mode) and partialTucker. The core after a sweep comes from the last mode's projection, one product
 * more, rather than a fresh projection of X.
 */
export function hooiSweepsIn(
  fn: string,
  x: number,
  norm2: number,
  dims: readonly number[],
  ranks: readonly number[],
  modes: readonly number[],
  factors: Float64Array[],
  loop: { maxIter: number; tol: number; onProgress?: (info: HooiProgress) => boolean | void; signal?: AbortSignalLike },
  t0: number,
): { core: Float64Array; relativeError: number; history: number[]; stopped: HooiResult['stopped'] } {
  // Listed modes other than n, largest reductions first (smaller intermediates).
  const others = (n: number) => otherModes(dims, ranks, n).filter((m) => modes.includes(m));
  const last = modes[modes.length - 1]!;
  let core = withScope(fn, (t) => f64View(t.x, projectModes(t, x, dims, factors, ranks, others(-1)).ptr, prod(ranks)).slice());
  const history: number[] = [];
  let stopped: HooiResult['stopped'] = 'maxIter';
  let err = Infinity;
  for (let it = 1; it <= loop.maxIter; it++) {
    if (loop.signal?.aborted) { stopped = 'aborted'; break; }
    for (const n of modes) {
      // Intermediates of one mode update are freed right away: the arena stays flat over sweeps.
      const inner = withScope(fn, (t) => {
        const y = projectModes(t, x, dims, factors, ranks, others(n));
        const U = leadingVectors(t, y.ptr, y.dims, n, ranks[n]!).U;
        factors[n] = U;
        if (n !== last) return null;
        const g = modeProductIn(t, y.ptr, y.dims, n, transpose(U, dims[n]!, ranks[n]!), ranks[n]!);
        return f64View(t.x, g.ptr, prod(ranks)).slice();
      });
      if (inner) core = inner;
    }
    const next = relError(norm2, sumSq(core));
    history.push(next);
    const delta = err - next;
    err = next;
    const info = { iteration: it, relativeError: err, elapsed: performance.now() - t0 };
    if (loop.onProgress && loop.onProgress(info) === false) { stopped = 'callback'; break; }
    if (Math.abs(delta) <= loop.tol) { stopped = 'converged'; break; }
  }
  if (history.length === 0) err = relError(norm2, sumSq(core));
  return { core, relativeError: err, history, stopped };
}

/** Σ aᵢ². */
export function sumSq(a: Float64Array): number {
  let t = 0;
  for (let i = 0; i < a.length; i++) t += a[i]! * a[i]!;
  return t;
}

/**
 * X̂ = G ×₀ U₀ ×₁ U₁ ⋯ ×_{N−1} U_{N−1}: the full tensor of a Tucker decomposition (WASM n-mode
 * products). @throws ParameterError if d is not { core, factors } or the factors do not match the core;
 * NonFiniteError for NaN/±Inf in the core or a factor.
 */
export function tuckerReconstruct(d: { core: TensorInput; factors: ArrayLike<number>[] }): Tensor {
  const fn = 'tuckerReconstruct';
  if (d === null || typeof d !== 'object') throw parameterError(fn, 'd', 'a decomposition { core, factors }', d);
  const { dims: ranks, size } = tensorDims(fn, d.core, 'core');
  if (!Array.isArray(d.factors) || d.factors.length !== ranks.length) throw parameterError(fn, 'factors', `an array of ${ranks.length} matrices`, d.factors);
  const factors = d.factors.map((U: unknown, n) => {
    if (!(Array.isArray(U) || ArrayBuffer.isView(U)) || (U as ArrayLike<number>).length % ranks[n]! !== 0 || (U as ArrayLike<number>).length === 0) {
      throw parameterError(fn, `factors[${n}]`, `an Iₙ×${ranks[n]} matrix`, U);
    }
    return finiteArray(fn, `factors[${n}]`, U);
  });
  const full = factors.map((U, n) => U.length / ranks[n]!);
  return withScope(fn, (s) => {
    let cur = { ptr: placeTensor(s, d.core, size, 'core').ptr, dims: ranks.slice() };
    for (let n = 0; n < ranks.length; n++) cur = modeProductIn(s, cur.ptr, cur.dims, n, factors[n]!, full[n]!);
    return { data: f64View(s.x, cur.ptr, prod(full)).slice(), shape: full };
  });
}

/**
 * The mode spectra of X: for each mode n the Iₙ squared singular values σ²ₙ,₀ ≥ σ²ₙ,₁ ≥ … of the
 * unfolding X₍ₙ₎ (eigenvalues of its Gram matrix, clamped at 0; zeros beyond its rank). Σᵢ σ²ₙ,ᵢ = ‖X‖².
 */
export function modeSpectra(X: TensorInput): Float64Array[] {
  const fn = 'modeSpectra';
  const { dims, size } = tensorDims(fn, X);
  return withScope(fn, (s) => {
    const { ptr } = placeTensor(s, X, size);
    return dims.map((_, n) => withScope(fn, (t) => leadingVectors(t, ptr, dims, n, 1).sigma2));
  });
}
