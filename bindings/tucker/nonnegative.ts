/**
 * Two Tucker variants next to hosvd/hooi: non-negative Tucker by multiplicative updates, and partial
 * Tucker (HOOI over chosen modes only, the others left at full size). Mode products run in WASM; the
 * small contractions with the core run in JS.
 */
import { ParameterError, ShapeError, parameterError } from '../runtime/errors.js';
import { f64View, withScope, type Scope } from '../runtime/memory.js';
import type { StopState } from '../runtime/stop.js';
import type { AbortSignalLike } from '../runtime/types.js';
import { optionKeys, readOptions } from '../runtime/validate.js';
import { seededRng } from '../rng.js';
import { hooiSweepsIn, leadingVectors, readLoopOptions } from './decompose.js';
import { around, checkDims, modeProductIn, placeTensor, prod, tensorDims, transpose, type Tensor, type TensorInput } from './tensor.js';
import { checkMode } from './unfold.js';
import { halsUpdate } from './cp.js';

/** What `onProgress` of {@link nonNegativeTucker} and {@link partialTucker} receives once per sweep. */
export interface TensorFitProgress {
  /** Sweeps done (1-based). */
  iteration: number;
  /** ‖X − X̂‖_F / ‖X‖_F after this sweep. */
  relativeError: number;
  /** Milliseconds since the start of the run. */
  elapsed: number;
}

/** Options of {@link nonNegativeTucker}. */
export interface NonNegativeTuckerOptions {
  /** Maximum number of sweeps (every factor, then the core). Default 200. */
  maxIter?: number;
  /** Stop when the relative error decreases by at most `tol` in a sweep. Default 1e-8. */
  tol?: number;
  /**
   * Start: `'svd'` (absolute values of the truncated HOSVD's factors and core) or `'random'` (seeded
   * uniform entries, the core scaled to ‖X‖). Default `'svd'`.
   */
  init?: 'svd' | 'random';
  /** Seed of `'random'`. Default 0. */
  seed?: number | bigint;
  /**
   * Factor updates: `'hals'` (each column in turn the exact non-negative minimiser, Cichocki & Phan
   * 2009; converges in far fewer sweeps) or `'mu'` (Lee–Seung multiplicative updates). The core always
   * takes the multiplicative update. Both never increase the error. Default `'hals'`.
   */
  method?: 'hals' | 'mu';
  /** Called after every sweep; return false to stop early (stopped: 'callback'). */
  onProgress?: (info: TensorFitProgress) => boolean | void;
  /** Checked before every sweep; an aborted signal ends the run with stopped: 'aborted'. */
  signal?: AbortSignalLike;
}

/** Result of {@link nonNegativeTucker}. */
export interface NonNegativeTuckerResult {
  /** The core G ≥ 0, shape r. */
  core: Tensor;
  /** factors[n] is Iₙ × rₙ row-major, entries ≥ 0 (columns not orthonormal). */
  factors: Float64Array[];
  /** ‖X − G ×₀ A₀ ⋯‖_F / ‖X‖_F, computed from the reconstruction. */
  relativeError: number;
  /** Sweeps run. */
  iterations: number;
  /** True when the decrease of the relative error fell to `tol` or below. */
  converged: boolean;
  /** Why the run ended: 'converged', 'maxIter', 'callback' or 'aborted'. */
  stopped: Extract<StopState, 'converged' | 'maxIter' | 'callback' | 'aborted'>;
  /** Relative error after each sweep: non-increasing (multiplicative updates never increase it). */
  history: number[];
}

/** Validates ranks against dims (1 ≤ rₙ ≤ Iₙ), one per listed mode. */
function checkRanks(fn: string, name: string, ranks: unknown, dims: readonly number[], modes: readonly number[]): number[] {
  const r = checkDims(fn, name, ranks, 1);
  if (r.length !== modes.length) throw new ShapeError(`${fn}: ${name} must have ${modes.length} entries, one per ${modes.length === dims.length ? 'mode' : 'listed mode'} (got ${r.length})`);
  r.forEach((rn, k) => {
    const n = modes[k]!;
    if (rn > dims[n]!) throw new ShapeError(`${fn}: ${name}[${k}] must be <= ${dims[n]} (the size of mode ${n}) (got ${rn})`);
  });
  return r;
}

/** Gram matrix AᵀA (r × r) of an I × r matrix. */
function gramOf(A: Float64Array, I: number, r: number): Float64Array {
  const G = new Float64Array(r * r);
  for (let i = 0; i < I; i++) for (let a = 0; a < r; a++) {
    const v = A[i * r + a]!;
    if (v !== 0) for (let b = 0; b < r; b++) G[a * r + b]! += v * A[i * r + b]!;
  }
  return G;
}

/**
 * C[i, k] = Σ over all modes but n of Y[…, i, …]·G[…, k, …] (Y₍ₙ₎ G₍ₙ₎ᵀ) for two tensors that agree
 * in every mode but n (Y has I there, G has r).
 */
function contractExcept(Y: Float64Array, G: Float64Array, ydims: readonly number[], n: number, r: number): Float64Array {
  const { L, I, R } = around(ydims, n);
  const C = new Float64Array(I * r);
  for (let l = 0; l < L; l++) for (let i = 0; i < I; i++) {
    const yo = (l * I + i) * R;
    for (let k = 0; k < r; k++) {
      const go = (l * r + k) * R;
      let t = 0;
      for (let q = 0; q < R; q++) t += Y[yo + q]! * G[go + q]!;
      C[i * r + k]! += t;
    }
  }
  return C;
}

/** X ×ₘ Mₘ over the listed modes in scope s (Mₘ: Kₘ × Iₘ); returns the final pointer and dims. */
function productsIn(s: Scope, x: number, dims: readonly number[], mats: readonly (Float64Array | null)[], K: readonly number[]): { ptr: number; dims: number[] } {
  let cur = { ptr: x, dims: dims.slice() };
  mats.forEach((M, m) => {
    if (M) cur = modeProductIn(s, cur.ptr, cur.dims, m, M, K[m]!);
  });
  return cur;
}

/**
 * Non-negative Tucker decomposition X ≈ G ×₀ A₀ ×₁ A₁ ⋯ with G ≥ 0 and every Aₙ ≥ 0, minimising
 * ‖X − G ×₀ A₀ ⋯‖²_F blockwise. With Bₙ = G₍ₙ₎ (⊗_{m≠n} Aₘ)ᵀ (so that X̂₍ₙ₎ = Aₙ Bₙ), the factor
 * subproblem needs only Mₙ = X₍ₙ₎Bₙᵀ = (X ×_{m≠n} Aₘᵀ)₍ₙ₎ G₍ₙ₎ᵀ and Wₙ = BₙBₙᵀ =
 * (G ×_{m≠n} AₘᵀAₘ)₍ₙ₎ G₍ₙ₎ᵀ; it is solved column by column exactly (`'hals'`) or by the
 * multiplicative rule Aₙ ← Aₙ ∘ Mₙ / (Aₙ Wₙ) (`'mu'`, Kim & Choi, CVPR 2007). The core takes the
 * multiplicative rule G ← G ∘ [X ×₀ A₀ᵀ ⋯] / [G ×₀ A₀ᵀA₀ ⋯] (ratios entrywise).
 *
 * Each update never increases the objective (exact block minimisation, resp. the Lee–Seung
 * auxiliary-function argument), so the reported error is non-increasing. The products with X (the
 * O(size) part) are WASM n-mode products.
 *
 * @param X  a tensor `{ data, shape }` of order N ≥ 2 with entries ≥ 0.
 * @param shape  the core shape r, integers 1 ≤ rₙ ≤ Iₙ.
 * @param options  maxIter (200), tol (1e-8), init ('svd'), seed (0), method ('hals'), onProgress, signal.
 * @throws ShapeError for a malformed tensor or shape; ParameterError for a negative entry of X or a bad
 *   option; NonFiniteError for NaN/±Inf.
 */
export function nonNegativeTucker(X: TensorInput, shape: ArrayLike<number>, options: NonNegativeTuckerOptions = {}): NonNegativeTuckerResult {
  const fn = 'nonNegativeTucker';
  const { dims, size } = tensorDims(fn, X);
  const N = dims.length;
  const all = dims.map((_, n) => n);
  const ranks = checkRanks(fn, 'shape', shape, dims, all);
  options = readOptions(fn, options, optionKeys<NonNegativeTuckerOptions>({ maxIter: true, tol: true, init: true, seed: true, method: true, onProgress: true, signal: true }));
  const { maxIter, tol } = readLoopOptions(fn, options, { maxIter: 200, tol: 1e-8 });
  const init = options.init ?? 'svd';
  if (init !== 'svd' && init !== 'random') throw parameterError(fn, 'options.init', "'svd' or 'random'", init);
  const seed = options.seed ?? 0;
  const rng = seededRng(fn, seed, 'options.seed');
  const method = options.method ?? 'hals';
  if (method !== 'hals' && method !== 'mu') throw parameterError(fn, 'options.method', "'hals' or 'mu'", method);
  const t0 = performance.now();
  return withScope(fn, (s) => {
    const { ptr: x, norm2 } = placeTensor(s, X, size);
    const xv = f64View(s.x, x, size);
    for (let i = 0; i < size; i++) {
      if (xv[i]! < 0) throw new ParameterError(`${fn}: X.data must be >= 0 everywhere (got ${xv[i]} at index ${i})`);
    }
    const coreSize = prod(ranks);
    let factors: Float64Array[];
    let core: Float64Array;
    if (init === 'svd') {
      const U = dims.map((_, n) => withScope(fn, (t) => leadingVectors(t, x, dims, n, ranks[n]!).U));
      core = withScope(fn, (t) => {
        const c = productsIn(t, x, dims, U.map((A, n) => transpose(A, dims[n]!, ranks[n]!)), ranks);
        return f64View(t.x, c.ptr, coreSize).map(Math.abs);
      });
      factors = U.map((A) => A.map(Math.abs));
    } else {
      factors = dims.map((I, n) => rng.uniform(I * ranks[n]!));
      core = rng.uniform(coreSize);
    }
    // Reconstruction error, exactly (from X̂, not from ‖X‖² − 2⟨·,·⟩ + ‖X̂‖², which cancels).
    const error = () => withScope(fn, (t) => {
      const g = t.f64(coreSize);
      f64View(t.x, g, coreSize).set(core);
      const rec = productsIn(t, g, ranks, factors, dims);
      const res = t.x.sumSquaredDiff(x, rec.ptr, size);
      return norm2 > 0 ? Math.sqrt(res / norm2) : Math.sqrt(res);
    });
    if (init === 'random' && norm2 > 0) {
      // Scale the random core so that ‖X̂‖ = ‖X‖ (one multiplication: X̂ is linear in the core).
      const nrm = withScope(fn, (t) => {
        const g = t.f64(coreSize);
        f64View(t.x, g, coreSize).set(core);
        const rec = productsIn(t, g, ranks, factors, dims);
        return Math.sqrt(t.x.sumSquares(rec.ptr, size));
      });
      if (nrm > 0) core = core.map((v) => (v * Math.sqrt(norm2)) / nrm);
    }
    const history: number[] = [];
    let stopped: NonNegativeTuckerResult['stopped'] = 'maxIter';
    let err = maxIter === 0 ? error() : Infinity;
    for (let it = 1; it <= maxIter; it++) {
      if (options.signal?.aborted) { stopped = 'aborted'; break; }
      for (let n = 0; n < N; n++) {
        const grams = factors.map((A, m) => gramOf(A, dims[m]!, ranks[m]!));
        // Numerator: (X ×_{m≠n} Aₘᵀ)₍ₙ₎ G₍ₙ₎ᵀ; denominator: Aₙ · (G ×_{m≠n} AₘᵀAₘ)₍ₙ₎ G₍ₙ₎ᵀ.
        const { num, W } = withScope(fn, (t) => {
          const y = productsIn(t, x, dims, factors.map((A, m) => (m === n ? null : transpose(A, dims[m]!, ranks[m]!))), ranks);
          const num = contractExcept(f64View(t.x, y.ptr, prod(y.dims)).slice(), core, y.dims, n, ranks[n]!);
          const g = t.f64(coreSize);
          f64View(t.x, g, coreSize).set(core);
          const h = productsIn(t, g, ranks, grams.map((G, m) => (m === n ? null : G)), ranks);
          const W = contractExcept(f64View(t.x, h.ptr, coreSize).slice(), core, ranks, n, ranks[n]!);
          return { num, W };
        });
        const A = factors[n]!;
        const r = ranks[n]!;
        const I = dims[n]!;
        if (method === 'hals') {
          // min_{A ≥ 0} ‖X₍ₙ₎ − A B‖² with B B ᵀ = W and X₍ₙ₎Bᵀ = num: exact column updates (in place)
          halsUpdate(A, num, W, I, r);
        } else {
          const next = new Float64Array(A.length);
          for (let i = 0; i < I; i++) for (let k = 0; k < r; k++) {
            let den = 0;
            for (let j = 0; j < r; j++) den += A[i * r + j]! * W[j * r + k]!;
            const a = A[i * r + k]!;
            next[i * r + k] = den > 0 ? (a * num[i * r + k]!) / den : a;
          }
          factors[n] = next;
        }
      }
      const grams = factors.map((A, m) => gramOf(A, dims[m]!, ranks[m]!));
      core = withScope(fn, (t) => {
        const numer = productsIn(t, x, dims, factors.map((A, m) => transpose(A, dims[m]!, ranks[m]!)), ranks);
        const num = f64View(t.x, numer.ptr, coreSize).slice();
        const g = t.f64(coreSize);
        f64View(t.x, g, coreSize).set(core);
        const den = f64View(t.x, productsIn(t, g, ranks, grams, ranks).ptr, coreSize);
        return core.map((v, i) => (den[i]! > 0 ? (v * num[i]!) / den[i]! : v));
      });
      const next = error();
      history.push(next);
      const delta = err - next;
      err = next;
      const info = { iteration: it, relativeError: err, elapsed: performance.now() - t0 };
      if (options.onProgress && options.onProgress(info) === false) { stopped = 'callback'; break; }
      if (Math.abs(delta) <= tol) { stopped = 'converged'; break; }
    }
    if (history.length === 0) err = error();
    return { core: { data: core, shape: ranks }, factors, relativeError: err, iterations: history.length, converged: stopped === 'converged', stopped, history };
  });
}

/** Options of {@link partialTucker}. */
export interface PartialTuckerOptions {
  /** The modes to decompose, distinct, in [0, N); the others keep their full size. Default: every mode. */
  modes?: number[];
  /** Maximum number of HOOI sweeps over the listed modes. Default 50. */
  maxIter?: number;
  /** Stop when the relative error decreases by at most `tol` in a sweep. Default 1e-9. */
  tol?: number;
  /** Called after every sweep; return false to stop early (stopped: 'callback'). */
  onProgress?: (info: TensorFitProgress) => boolean | void;
  /** Checked before every sweep; an aborted signal ends the run with stopped: 'aborted'. */
  signal?: AbortSignalLike;
}

/** Result of {@link partialTucker}. */
export interface PartialTuckerResult {
  /** The core: shape Iₙ on untouched modes, the rank on listed ones. */
  core: Tensor;
  /** The modes decomposed, as listed (or 0…N−1). */
  modes: number[];
  /** factors[k] is I_{modes[k]} × ranks[k] row-major, orthonormal columns. */
  factors: Float64Array[];
  /** ‖X − core ×_{modes[k]} factors[k]‖_F / ‖X‖_F (from ‖X‖² − ‖core‖²). */
  relativeError: number;
  /** Sweeps run. */
  iterations: number;
  /** True when the decrease of the relative error fell to `tol` or below. */
  converged: boolean;
  /** Why the run ended: 'converged', 'maxIter', 'callback' or 'aborted'. */
  stopped: Extract<StopState, 'converged' | 'maxIter' | 'callback' | 'aborted'>;
  /** Relative error after each sweep (non-increasing). */
  history: number[];
}

/**
 * Partial Tucker decomposition (TensorLy's `partial_tucker`; Kolda & Bader 2009, Sec. 4): a Tucker
 * model along the listed modes only, X ≈ G ×_{m₀} U₀ ×_{m₁} U₁ ⋯, the other modes left untouched
 * (G keeps their full size — e.g. compress the spatial modes of an image stack but not the channel
 * mode). Fitted by HOOI restricted to the listed modes, from their truncated HOSVD: each sweep sets
 * Uₖ ← the leading rₖ left singular vectors of (X ×_{j≠k} Uⱼᵀ)₍ₘₖ₎; the error is non-increasing.
 *
 * @param X  a tensor `{ data, shape }` of order N ≥ 2.
 * @param ranks  one rank per listed mode, 1 ≤ rₖ ≤ I_{modes[k]}.
 * @param options  modes (default all), maxIter (50), tol (1e-9), onProgress, signal.
 * @throws ParameterError/ShapeError for a malformed tensor, ranks or mode list; NonFiniteError for NaN/±Inf.
 */
export function partialTucker(X: TensorInput, ranks: ArrayLike<number>, options: PartialTuckerOptions = {}): PartialTuckerResult {
  const fn = 'partialTucker';
  const { dims, size } = tensorDims(fn, X);
  options = readOptions(fn, options, optionKeys<PartialTuckerOptions>({ modes: true, maxIter: true, tol: true, onProgress: true, signal: true }));
  let modes = dims.map((_, n) => n);
  if (options.modes !== undefined) {
    if (!Array.isArray(options.modes) || options.modes.length === 0 || options.modes.length > dims.length) {
      throw parameterError(fn, 'options.modes', `an array of 1 to ${dims.length} modes`, options.modes);
    }
    modes = options.modes.map((m, k) => checkMode(fn, `options.modes[${k}]`, m, dims.length));
    if (new Set(modes).size !== modes.length) throw new ParameterError(`${fn}: options.modes must be distinct (got [${modes.join(', ')}])`);
  }
  const r = checkRanks(fn, 'ranks', ranks, dims, modes);
  const { maxIter, tol } = readLoopOptions(fn, options, { maxIter: 50, tol: 1e-9 });
  const full = dims.slice();
  modes.forEach((m, k) => (full[m] = r[k]!));
  const t0 = performance.now();
  return withScope(fn, (s) => {
    const { ptr: x, norm2 } = placeTensor(s, X, size);
    // Indexed by mode; an unlisted mode keeps its full size and its slot is never read.
    const factors = dims.map((_, m) => (modes.includes(m) ? withScope(fn, (t) => leadingVectors(t, x, dims, m, full[m]!).U) : new Float64Array(0)));
    const run = hooiSweepsIn(fn, x, norm2, dims, full, modes, factors, { maxIter, tol, onProgress: options.onProgress, signal: options.signal }, t0);
    return {
      core: { data: run.core, shape: full },
      modes,
      factors: modes.map((m) => factors[m]!),
      relativeError: run.relativeError,
      iterations: run.history.length,
      converged: run.stopped === 'converged',
      stopped: run.stopped,
      history: run.history,
    };
  });
}
