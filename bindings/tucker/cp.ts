/**
 * CP (CANDECOMP/PARAFAC) decomposition X ≈ Σ_r λ_r a⁽⁰⁾_r ∘ a⁽¹⁾_r ∘ ⋯ ∘ a⁽ᴺ⁻¹⁾_r (Kolda & Bader 2009,
 * Sec. 3) by alternating least squares with extrapolation ("line search"), non-negative factors by
 * hierarchical ALS, and missing entries by expectation–maximisation. The tensor stays in WASM memory
 * for the whole run; the MTTKRP (the O(size·R) part of every update), the Khatri–Rao products and the
 * residual run in WASM; the R × R solves run in JS.
 */
import { symmetricEigen } from '../linalg/eigen.js';
import { ParameterError, ShapeError, parameterError } from '../runtime/errors.js';
import { mathWasm, type MathKernels } from '../runtime/math.js';
import { MAX_F64_LENGTH, f64View, finiteArray, isNumericArray, withScope, type Scope } from '../runtime/memory.js';
import type { StopState } from '../runtime/stop.js';
import type { AbortSignalLike } from '../runtime/types.js';
import { optionKeys, positiveInteger, readOptions } from '../runtime/validate.js';
import { checkSeed, seededRng } from '../rng.js';
import { leadingVectors, readLoopOptions } from './decompose.js';
import { around, checkDims, placeTensor, prod, tensorDims, transpose, type Tensor, type TensorInput } from './tensor.js';
import { khatriRaoIn } from './unfold.js';

/** What `onProgress` of {@link cp} receives once per sweep. */
export interface CpProgress {
  /** Sweeps done (1-based). */
  iteration: number;
  /** ‖X − X̂‖_F / ‖X‖_F after this sweep (over the observed entries when a mask is given). */
  relativeError: number;
  /** Milliseconds since the start of the run. */
  elapsed: number;
}

/** Options of {@link cp}. */
export interface CpOptions {
  /** Maximum number of sweeps (one update of every factor each). Default 100. */
  maxIter?: number;
  /** Stop when the relative error changes by at most `tol` in a sweep (absolute). Default 1e-9. */
  tol?: number;
  /**
   * Starting factors: `'svd'` (the leading left singular vectors of each unfolding, completed with
   * seeded normal columns when R > Iₙ; their absolute values for `nonNegative`), `'random'` (seeded
   * uniform entries on [0, 1)), or the N factor matrices themselves (Iₙ × R row-major). Default `'svd'`.
   */
  init?: 'svd' | 'random' | ArrayLike<number>[];
  /** Seed of the random starting values (`'random'`, and the extra columns of `'svd'`). Default 0. */
  seed?: number | bigint;
  /**
   * Non-negative factors by hierarchical ALS (Cichocki & Phan 2009): each column in turn is the exact
   * minimiser over non-negative vectors with the others fixed, so the error never increases.
   * Default false.
   */
  nonNegative?: boolean;
  /**
   * After each sweep, try the extrapolated factors Aₙ + s·(Aₙ − Aₙ_previous), s = k^{1/p} at sweep k
   * (Bro 1998), and keep them when they lower the error; p grows by one after 4 rejections in a row.
   * Never with `nonNegative`. Default true (false with `nonNegative`).
   */
  lineSearch?: boolean;
  /**
   * Observed entries: an array as long as X.data with 1 where X is observed and 0 where it is missing.
   * Missing entries are imputed from the current model before each sweep (EM); the error and the fit
   * use the observed entries only. Default: all observed.
   */
  mask?: ArrayLike<number>;
  /** Called after every sweep; return false to stop early (stopped: 'callback'). */
  onProgress?: (info: CpProgress) => boolean | void;
  /** Checked before every sweep; an aborted signal ends the run with stopped: 'aborted'. */
  signal?: AbortSignalLike;
}

/** A CP model: X̂ = Σ_r weights[r] · factors[0][:, r] ∘ factors[1][:, r] ∘ ⋯. */
export interface CpDecomposition {
  /** factors[n] is Iₙ × R row-major; each column has unit Euclidean norm (or is 0 with weight 0). */
  factors: Float64Array[];
  /** The R component weights λ_r ≥ 0, in decreasing order. */
  weights: Float64Array;
}

/** Result of {@link cp}. */
export interface CpResult extends CpDecomposition {
  /** The rank R. */
  rank: number;
  /** The tensor's shape [I₀, …]. */
  shape: number[];
  /** ‖X − X̂‖_F / ‖X‖_F (over the observed entries with a mask; 0 for X = 0). */
  relativeError: number;
  /** Sweeps run. */
  iterations: number;
  /** True when the change of the relative error fell to `tol` or below. */
  converged: boolean;
  /** Why the run ended: 'converged', 'maxIter', 'callback' (onProgress returned false) or 'aborted' (signal). */
  stopped: Extract<StopState, 'converged' | 'maxIter' | 'callback' | 'aborted'>;
  /** Relative error after each sweep (non-increasing with `nonNegative` or without `lineSearch`). */
  history: number[];
  /** Extrapolation steps tried and kept (both 0 without `lineSearch`). */
  lineSearch: CpLineSearchCounts;
}

/** How often {@link cp}'s extrapolation step was tried and kept. */
export interface CpLineSearchCounts {
  /** Extrapolated factors evaluated (one per sweep after the first). */
  tried: number;
  /** Of those, the ones kept because they lowered the error. */
  accepted: number;
}

/** A CP model as {@link cpReconstruct} reads it. */
export interface CpModelInput {
  /** N ≥ 2 factor matrices, factors[n] Iₙ × R row-major (any arrays of numbers). */
  factors: ArrayLike<number>[];
  /** The R component weights. */
  weights: ArrayLike<number>;
}

const CP_KEYS = optionKeys<CpOptions>({
  maxIter: true, tol: true, init: true, seed: true, nonNegative: true, lineSearch: true, mask: true, onProgress: true, signal: true,
});

/** Extrapolation: rejections in a row before the exponent p grows. */
const LS_MAX_FAIL = 4;

/** Validates a CP rank and the sizes it implies. */
function checkRank(fn: string, rank: unknown, dims: readonly number[]): number {
  positiveInteger(fn, 'rank', rank);
  const R = rank as number;
  // The largest Khatri–Rao product held is (size / min Iₙ) × R.
  const most = (prod(dims) / Math.min(...dims)) * R;
  if (!(most <= MAX_F64_LENGTH) || !(dims.reduce((a, b) => a + b, 0) * R <= MAX_F64_LENGTH)) {
    throw new ShapeError(`${fn}: rank ${R} needs Khatri–Rao products of ${most} entries for shape ${dims.join(' × ')} (at most 2^28)`);
  }
  return R;
}

/** Reads a 0/1 mask as long as the tensor (at least one 1); returns it as doubles. */
export function readMask(fn: string, mask: unknown, size: number): Float64Array {
  if (!isNumericArray(mask)) throw parameterError(fn, 'options.mask', 'an array of 0/1 values', mask);
  if (mask.length !== size) throw new ShapeError(`${fn}: options.mask must have one entry per tensor entry, ${size} (got ${mask.length})`);
  const m = finiteArray(fn, 'options.mask', mask);
  const bad = m.findIndex((v) => v !== 0 && v !== 1);
  if (bad >= 0) throw new ParameterError(`${fn}: options.mask[${bad}] must be 0 or 1 (got ${m[bad]})`);
  if (!m.some((v) => v === 1)) throw new ParameterError(`${fn}: options.mask must mark at least one entry as observed (got all 0)`);
  return m;
}

/** Reads user-given factor matrices: N arrays of Iₙ·R finite numbers. */
export function readFactors(fn: string, name: string, init: unknown, dims: readonly number[], R: number): Float64Array[] {
  if (!Array.isArray(init) || init.length !== dims.length) throw parameterError(fn, name, `an array of ${dims.length} factor matrices (Iₙ × ${R})`, init);
  return init.map((A: unknown, n) => {
    if (!isNumericArray(A)) throw parameterError(fn, `${name}[${n}]`, `an array of ${dims[n]! * R} numbers (${dims[n]} × ${R})`, A);
    if (A.length !== dims[n]! * R) throw new ShapeError(`${fn}: ${name}[${n}] must have ${dims[n]} × ${R} = ${dims[n]! * R} entries (got ${A.length})`);
    return finiteArray(fn, `${name}[${n}]`, A);
  });
}

/** Copies the factors into scope s. */
function placeFactors(s: Scope, factors: readonly Float64Array[], dims: readonly number[]): { ptr: number; rows: number }[] {
  return factors.map((A, n) => {
    const p = s.f64(A.length);
    f64View(s.x, p, A.length).set(A);
    return { ptr: p, rows: dims[n]! };
  });
}

/**
 * MTTKRP for mode n: M = X₍ₙ₎ (⊙_{m≠n} Aₘ) (Iₙ × R), in WASM, for the tensor at `x` (shape dims)
 * and factors already in scope.
 */
export function mttkrpIn(s: Scope, x: number, dims: readonly number[], placed: readonly { ptr: number; rows: number }[], n: number, R: number): Float64Array {
  const { L, I, R: Rp } = around(dims, n);
  const left = khatriRaoIn(s, placed.slice(0, n), R);
  const right = khatriRaoIn(s, placed.slice(n + 1), R);
  const krt = s.f64(Rp * R);
  f64View(s.x, krt, Rp * R).set(transpose(f64View(s.x, right.ptr, Rp * R), Rp, R));
  const out = s.f64(I * R);
  const tmp = s.f64(I * R);
  s.x.mttkrp(x, L, I, Rp, left.ptr, krt, R, out, tmp);
  return f64View(s.x, out, I * R).slice();
}

/**
 * The WASM buffers of one cp run, allocated once: the factors (rewritten in place after each update,
 * so the iterates stay in WASM memory for the whole run), ping-pong buffers for the Khatri–Rao
 * products left and right of a mode, the transposed right product and the MTTKRP output.
 */
class CpWorkspace {
  private readonly f: number[];
  private readonly left: [number, number];
  private readonly right: [number, number];
  private readonly ones: number;
  private readonly krt: number;
  private readonly out: number;
  private readonly tmp: number;
  constructor(private readonly s: Scope, private readonly dims: readonly number[], private readonly R: number) {
    this.f = dims.map((I) => s.f64(I * R));
    const maxLeft = Math.max(1, ...dims.map((_, n) => prod(dims, 0, n)));
    const maxRight = Math.max(1, ...dims.map((_, n) => prod(dims, n + 1)));
    this.left = [s.f64(maxLeft * R), s.f64(maxLeft * R)];
    this.right = [s.f64(maxRight * R), s.f64(maxRight * R)];
    this.ones = s.f64(R);
    this.krt = s.f64(maxRight * R);
    const maxI = Math.max(...dims);
    this.out = s.f64(maxI * R);
    this.tmp = s.f64(maxI * R);
    f64View(s.x, this.ones, R).fill(1);
  }

  /** Copies factor n (Iₙ × R) into its WASM buffer. */
  write(n: number, A: Float64Array): void {
    f64View(this.s.x, this.f[n]!, A.length).set(A);
  }

  /** Khatri–Rao product of factors [from, to) (ones for an empty range), in the buffer pair `buf`. */
  private chain(from: number, to: number, buf: [number, number]): { ptr: number; rows: number } {
    if (to <= from) return { ptr: this.ones, rows: 1 };
    let cur = { ptr: this.f[from]!, rows: this.dims[from]! };
    let k = 0;
    for (let m = from + 1; m < to; m++) {
      const o = buf[k]!;
      k ^= 1;
      this.s.x.khatriRaoKernel(cur.ptr, cur.rows, this.f[m]!, this.dims[m]!, this.R, o);
      cur = { ptr: o, rows: cur.rows * this.dims[m]! };
    }
    return cur;
  }

  /** M = X₍ₙ₎ (⊙_{m≠n} Aₘ) for the tensor at x, from the factors in WASM. */
  mttkrp(x: number, n: number): Float64Array {
    const { L, I, R: Rp } = around(this.dims, n);
    const R = this.R;
    const left = this.chain(0, n, this.left);
    const right = this.chain(n + 1, this.dims.length, this.right);
    const rv = f64View(this.s.x, right.ptr, Rp * R);
    const tv = f64View(this.s.x, this.krt, Rp * R);
    for (let q = 0; q < Rp; q++) for (let r = 0; r < R; r++) tv[r * Rp + q] = rv[q * R + r]!;
    this.s.x.mttkrp(x, L, I, Rp, left.ptr, this.krt, R, this.out, this.tmp);
    return f64View(this.s.x, this.out, I * R).slice();
  }

  /** Σ m·(X − X̂)² of the factors in WASM (see cpResidual), with the EM fill when fill ≠ 0. */
  residual(x: number, mask: number, fill: number): number {
    const N = this.dims.length;
    const K = this.chain(0, N - 1, this.left);
    return this.s.x.cpResidual(x, mask, K.ptr, K.rows, this.f[N - 1]!, this.dims[N - 1]!, this.R, fill);
  }
}

/** Gram matrix AᵀA (R × R) of an I × R matrix. */
function gram(A: Float64Array, I: number, R: number): Float64Array {
  const G = new Float64Array(R * R);
  for (let i = 0; i < I; i++) {
    const o = i * R;
    for (let a = 0; a < R; a++) {
      const v = A[o + a]!;
      if (v === 0) continue;
      for (let b = a; b < R; b++) G[a * R + b]! += v * A[o + b]!;
    }
  }
  for (let a = 0; a < R; a++) for (let b = 0; b < a; b++) G[a * R + b] = G[b * R + a]!;
  return G;
}

/** Hadamard product of the Gram matrices of every mode but n. */
function hadamardExcept(grams: readonly Float64Array[], n: number, R: number): Float64Array {
  const V = new Float64Array(R * R).fill(1);
  grams.forEach((G, m) => {
    if (m === n) return;
    for (let k = 0; k < R * R; k++) V[k]! *= G[k]!;
  });
  return V;
}

/**
 * Solves A·V = M for A (I × R) with V symmetric positive semidefinite: Cholesky when V is safely
 * positive definite, else the pseudo-inverse from V's eigendecomposition (eigenvalues below
 * 1e-13·λ_max dropped), i.e. the minimum-norm least-squares update.
 */
export function solveGram(M: Float64Array, V: Float64Array, I: number, R: number): Float64Array {
  const L = new Float64Array(R * R);
  let maxDiag = 0;
  for (let a = 0; a < R; a++) maxDiag = Math.max(maxDiag, V[a * R + a]!);
  let ok = maxDiag > 0;
  for (let j = 0; j < R && ok; j++) {
    let d = V[j * R + j]!;
    for (let k = 0; k < j; k++) d -= L[j * R + k]! * L[j * R + k]!;
    if (!(d > 1e-12 * maxDiag)) { ok = false; break; }
    const ljj = Math.sqrt(d);
    L[j * R + j] = ljj;
    for (let i = j + 1; i < R; i++) {
      let v = V[i * R + j]!;
      for (let k = 0; k < j; k++) v -= L[i * R + k]! * L[j * R + k]!;
      L[i * R + j] = v / ljj;
    }
  }
  const A = new Float64Array(I * R);
  if (ok) {
    // Each row a of A solves V aᵀ = mᵀ: L y = m, Lᵀ a = y.
    for (let i = 0; i < I; i++) {
      const o = i * R;
      for (let j = 0; j < R; j++) {
        let v = M[o + j]!;
        for (let k = 0; k < j; k++) v -= L[j * R + k]! * A[o + k]!;
        A[o + j] = v / L[j * R + j]!;
      }
      for (let j = R - 1; j >= 0; j--) {
        let v = A[o + j]!;
        for (let k = j + 1; k < R; k++) v -= L[k * R + j]! * A[o + k]!;
        A[o + j] = v / L[j * R + j]!;
      }
    }
    return A;
  }
  if (!(maxDiag > 0)) return A; // V = 0: the minimum-norm solution is 0
  const { values, vectors } = symmetricEigen(V, R);
  const cut = 1e-13 * values[0]!;
  const P = new Float64Array(R * R); // V⁺
  for (let k = 0; k < R; k++) {
    if (!(values[k]! > cut)) continue;
    const inv = 1 / values[k]!;
    for (let a = 0; a < R; a++) for (let b = 0; b < R; b++) P[a * R + b]! += vectors[a * R + k]! * vectors[b * R + k]! * inv;
  }
  for (let i = 0; i < I; i++) for (let a = 0; a < R; a++) {
    let v = 0;
    for (let b = 0; b < R; b++) v += M[i * R + b]! * P[b * R + a]!;
    A[i * R + a] = v;
  }
  return A;
}

/**
 * One HALS pass over the columns of A (I × R) for the problem min_{A ≥ 0} ‖X₍ₙ₎ − A Kᵀ‖² given
 * M = X₍ₙ₎K and V = KᵀK: a_r ← max(0, a_r + (m_r − A v_r)/V_rr), in place (Cichocki & Phan 2009).
 */
export function halsUpdate(A: Float64Array, M: Float64Array, V: Float64Array, I: number, R: number): void {
  for (let r = 0; r < R; r++) {
    const vrr = V[r * R + r]!;
    if (!(vrr > 0)) continue;
    for (let i = 0; i < I; i++) {
      let g = M[i * R + r]!;
      for (let k = 0; k < R; k++) g -= A[i * R + k]! * V[k * R + r]!;
      const a = A[i * R + r]! + g / vrr;
      A[i * R + r] = a > 0 ? a : 0;
    }
  }
}

/**
 * Rescales columns so that every mode's column r has norm λ_r^{1/N} (same model, balanced scales). The
 * geometric mean's exp and log come from WASM (`math`): JavaScript's differ in the last bit between engines.
 */
function balance(factors: Float64Array[], dims: readonly number[], R: number, math: MathKernels): void {
  const N = dims.length;
  for (let r = 0; r < R; r++) {
    const norms = factors.map((A, n) => {
      let t = 0;
      for (let i = 0; i < dims[n]!; i++) t += A[i * R + r]! * A[i * R + r]!;
      return Math.sqrt(t);
    });
    if (norms.some((v) => !(v > 0))) continue;
    const target = math.mathExp(norms.reduce((t, v) => t + math.mathLog(v), 0) / N);
    factors.forEach((A, n) => {
      const c = target / norms[n]!;
      for (let i = 0; i < dims[n]!; i++) A[i * R + r]! *= c;
    });
  }
}

/** Unit-norm columns and weights λ_r = ∏ₙ ‖aₙ,r‖, components sorted by decreasing weight. */
export function normalizeCp(factors: readonly Float64Array[], dims: readonly number[], R: number): CpDecomposition {
  const w = new Float64Array(R).fill(1);
  const unit = factors.map((A, n) => {
    const U = A.slice();
    for (let r = 0; r < R; r++) {
      let t = 0;
      for (let i = 0; i < dims[n]!; i++) t += A[i * R + r]! * A[i * R + r]!;
      const nr = Math.sqrt(t);
      w[r]! *= nr;
      if (nr > 0) for (let i = 0; i < dims[n]!; i++) U[i * R + r]! /= nr;
    }
    return U;
  });
  const order = Array.from({ length: R }, (_, r) => r).sort((a, b) => w[b]! - w[a]! || a - b);
  const weights = Float64Array.from(order, (r) => w[r]!);
  return {
    weights,
    factors: unit.map((U, n) => {
      const out = new Float64Array(U.length);
      for (let i = 0; i < dims[n]!; i++) order.forEach((r, k) => (out[i * R + k] = weights[k]! > 0 ? U[i * R + r]! : 0));
      return out;
    }),
  };
}

/** Starting factors. */
function initialFactors(s: Scope, x: number, dims: readonly number[], R: number, init: CpOptions['init'], seed: number | bigint, nonNegative: boolean): Float64Array[] {
  if (Array.isArray(init)) return (init as Float64Array[]).map((A) => (nonNegative ? A.map(Math.abs) : A.slice()));
  const rng = seededRng('cp', seed, 'options.seed');
  if (init === 'random') return dims.map((I) => rng.uniform(I * R));
  return dims.map((I, n) => {
    const k = Math.min(R, I);
    const U = withScope('cp', (t) => leadingVectors(t, x, dims, n, k).U);
    const A = new Float64Array(I * R);
    const extra = rng.normal(I * R);
    for (let i = 0; i < I; i++) for (let r = 0; r < R; r++) {
      const v = r < k ? U[i * k + r]! : extra[i * R + r]! / Math.sqrt(I);
      A[i * R + r] = nonNegative ? Math.abs(v) : v;
    }
    return A;
  });
}

/**
 * CP decomposition (CANDECOMP/PARAFAC; Carroll & Chang 1970, Harshman 1970; Kolda & Bader 2009,
 * Sec. 3.4) of rank R by alternating least squares:
 *
 *   min ‖X − Σ_{r<R} a⁽⁰⁾_r ∘ ⋯ ∘ a⁽ᴺ⁻¹⁾_r‖²_F,  each sweep setting for n = 0…N−1
 *   Aₙ ← X₍ₙ₎ (⊙_{m≠n} Aₘ) (⊛_{m≠n} AₘᵀAₘ)⁺   (⊙ Khatri–Rao, ⊛ elementwise product),
 *
 * with the MTTKRP X₍ₙ₎(⊙ Aₘ) computed in WASM without forming the unfolding. Options add an
 * extrapolation step after each sweep (`lineSearch`, on by default), non-negative factors by HALS
 * (`nonNegative`), and missing entries (`mask`) imputed by EM. An exact rank-R tensor with generic
 * factors is recovered to ~1e-15 relative error in most runs (see the README for measured rates);
 * like every CP algorithm, ALS can stall in a "swamp" or converge to a local minimum, so the result
 * reports its error and iterations.
 *
 * @param X  a tensor `{ data, shape }` of order N ≥ 2 (row-major), finite.
 * @param rank  R ≥ 1 (may exceed the sizes Iₙ).
 * @param options  maxIter (100), tol (1e-9), init ('svd'), seed (0), nonNegative (false), lineSearch
 *   (true; false with nonNegative), mask, onProgress, signal.
 * @returns factors (Iₙ × R row-major, unit columns), weights (descending), relativeError, iterations,
 *   converged, stopped, history, lineSearch counts.
 * @throws ParameterError/ShapeError for a malformed tensor, rank, option or mask; NonFiniteError for
 *   NaN/±Inf in X or the starting factors.
 */
export function cp(X: TensorInput, rank: number, options: CpOptions = {}): CpResult {
  const fn = 'cp';
  const { dims, size } = tensorDims(fn, X);
  const R = checkRank(fn, rank, dims);
  options = readOptions(fn, options, CP_KEYS);
  const { maxIter, tol } = readLoopOptions(fn, options, { maxIter: 100, tol: 1e-9 });
  const nonNegative = options.nonNegative ?? false;
  if (typeof nonNegative !== 'boolean') throw parameterError(fn, 'options.nonNegative', 'a boolean', nonNegative);
  const lineSearch = options.lineSearch ?? !nonNegative;
  if (typeof lineSearch !== 'boolean') throw parameterError(fn, 'options.lineSearch', 'a boolean', lineSearch);
  if (lineSearch && nonNegative) throw new ParameterError(`${fn}: options.lineSearch must be false with options.nonNegative (extrapolation can leave the non-negative orthant)`);
  let init = options.init ?? 'svd';
  if (init !== 'svd' && init !== 'random') {
    if (!Array.isArray(init)) throw parameterError(fn, 'options.init', "'svd', 'random' or an array of factor matrices", init);
    init = readFactors(fn, 'options.init', init, dims, R);
  }
  const seed = options.seed ?? 0;
  checkSeed(fn, seed, 'options.seed'); // validated here; the generator is made only when a start needs it
  const mask = options.mask === undefined ? undefined : readMask(fn, options.mask, size);
  const N = dims.length;
  const t0 = performance.now();

  return withScope(fn, (s) => {
    const placedX = placeTensor(s, X, size);
    const x = placedX.ptr;
    let norm2 = placedX.norm2;
    let maskPtr = 0;
    // With a mask, ALS works on `w`: the observed entries, the rest imputed (first by the observed mean).
    let w = x;
    let wNext = 0;
    if (mask) {
      maskPtr = s.f64(size);
      w = s.f64(size);
      wNext = s.f64(size);
      const data = f64View(s.x, x, size);
      let sum = 0;
      let count = 0;
      norm2 = 0;
      for (let i = 0; i < size; i++) if (mask[i] === 1) { sum += data[i]!; norm2 += data[i]! * data[i]!; count++; }
      const mean = sum / count;
      const fill = f64View(s.x, w, size);
      fill.set(data);
      for (let i = 0; i < size; i++) if (mask[i] === 0) fill[i] = mean;
      f64View(s.x, maskPtr, size).set(mask);
    }
    const rel = (res: number) => (norm2 > 0 ? Math.sqrt(Math.max(0, res) / norm2) : Math.sqrt(Math.max(0, res)));
    const factors = initialFactors(s, w, dims, R, init, seed, nonNegative);
    const grams = factors.map((A, n) => gram(A, dims[n]!, R));
    const history: number[] = [];
    let stopped: CpResult['stopped'] = 'maxIter';
    let err = Infinity;
    let power = 2;
    let fails = 0;
    const ls = { tried: 0, accepted: 0 };
    const ws = new CpWorkspace(s, dims, R);
    const wm = mathWasm(fn); // exp, log and pow in WASM (bit-identical across engines)
    const writeAll = (fs: readonly Float64Array[]) => fs.forEach((A, n) => ws.write(n, A));
    writeAll(factors);
    // Residual of the factors in WASM; with a mask the EM fill goes to wNext, swapped in by keepFill.
    const residual = () => rel(ws.residual(x, maskPtr, mask ? wNext : 0));
    const keepFill = () => { if (mask) [w, wNext] = [wNext, w]; };
    for (let it = 1; it <= maxIter; it++) {
      if (options.signal?.aborted) { stopped = 'aborted'; break; }
      const before = lineSearch ? factors.map((A) => A.slice()) : [];
      for (let n = 0; n < N; n++) {
        const M = ws.mttkrp(w, n);
        const V = hadamardExcept(grams, n, R);
        if (nonNegative) halsUpdate(factors[n]!, M, V, dims[n]!, R);
        else factors[n] = solveGram(M, V, dims[n]!, R);
        ws.write(n, factors[n]!);
        grams[n] = gram(factors[n]!, dims[n]!, R);
      }
      balance(factors, dims, R, wm);
      writeAll(factors);
      factors.forEach((A, n) => (grams[n] = gram(A, dims[n]!, R)));
      err = residual();
      keepFill();
      if (lineSearch && it > 1) {
        const step = wm.mathPow(it, 1 / power);
        const trial = factors.map((A, n) => A.map((v, i) => before[n]![i]! + step * (v - before[n]![i]!)));
        ls.tried++;
        writeAll(trial);
        const trialErr = residual();
        if (trialErr < err) {
          ls.accepted++;
          keepFill();
          err = trialErr;
          trial.forEach((A, n) => {
            factors[n] = A;
            grams[n] = gram(A, dims[n]!, R);
          });
          fails = 0;
        } else {
          writeAll(factors);
          if (++fails >= LS_MAX_FAIL) {
            power++;
            fails = 0;
          }
        }
      }
      const last = history.length > 0 ? history[history.length - 1]! : Infinity;
      history.push(err);
      const info = { iteration: it, relativeError: err, elapsed: performance.now() - t0 };
      if (options.onProgress && options.onProgress(info) === false) { stopped = 'callback'; break; }
      if (Math.abs(last - err) <= tol || err === 0) { stopped = 'converged'; break; }
    }
    if (history.length === 0) err = residual();
    const { factors: unit, weights } = normalizeCp(factors, dims, R);
    return {
      factors: unit,
      weights,
      rank: R,
      shape: dims,
      relativeError: err,
      iterations: history.length,
      converged: stopped === 'converged',
      stopped,
      history,
      lineSearch: ls,
    };
  });
}

/**
 * The full tensor of a CP model, X̂[i₀, …] = Σ_r λ_r ∏ₙ Aₙ[iₙ, r] (TensorLy's `cp_to_tensor`), in
 * WASM (Khatri–Rao rows times the last factor).
 *
 * @param d  `{ factors, weights }`: N ≥ 2 matrices Iₙ × R (row-major, R = weights.length) and R weights.
 * @throws ParameterError/ShapeError for malformed factors or weights; NonFiniteError for NaN/±Inf.
 */
export function cpReconstruct(d: CpModelInput): Tensor {
  const fn = 'cpReconstruct';
  if (d === null || typeof d !== 'object') throw parameterError(fn, 'd', 'a CP model { factors, weights }', d);
  const weights = finiteArray(fn, 'weights', (d as { weights: unknown }).weights);
  const R = weights.length;
  if (R === 0) throw new ShapeError(`${fn}: weights must have at least one entry (got 0)`);
  const fs = (d as { factors: unknown }).factors;
  if (!Array.isArray(fs) || fs.length < 2) throw parameterError(fn, 'factors', 'an array of at least 2 factor matrices', fs);
  const factors = fs.map((A: unknown, n) => {
    if (!isNumericArray(A) || A.length === 0 || A.length % R !== 0) throw parameterError(fn, `factors[${n}]`, `an Iₙ × ${R} matrix (a multiple of ${R} numbers)`, A);
    return finiteArray(fn, `factors[${n}]`, A);
  });
  const dims = checkDims(fn, 'the shape of the factors', factors.map((A) => A.length / R), 2);
  const scaled = factors.map((A) => A.slice());
  for (let i = 0; i < dims[0]!; i++) for (let r = 0; r < R; r++) scaled[0]![i * R + r]! *= weights[r]!;
  const N = dims.length;
  return withScope(fn, (s) => {
    const K = khatriRaoIn(s, placeFactors(s, scaled.slice(0, N - 1), dims), R);
    const I = dims[N - 1]!;
    const out = new Float64Array(prod(dims));
    const last = scaled[N - 1]!;
    const k = f64View(s.x, K.ptr, K.rows * R);
    for (let l = 0; l < K.rows; l++) for (let i = 0; i < I; i++) {
      let v = 0;
      for (let r = 0; r < R; r++) v += k[l * R + r]! * last[i * R + r]!;
      out[l * I + i] = v;
    }
    return { data: out, shape: dims };
  });
}

/** TensorLy's name for {@link cp}. */
export const parafac = cp;
