/**
 * Truncated variational EM (expectation truncation) for binary sparse coding (linear superposition)
 * and maximal causes analysis (max-superposition). The E-step loops (candidate preselection, residuals
 * of every truncated state, posteriors) and MCA's M-step sums run in WASM; the small closed-form
 * M-step solves run here.
 */
import { ParameterError, parameterError } from '../runtime/errors.js';
import { readMatrix, type MatrixInput } from '../runtime/matrix.js';
import { Scope, checkCapacity, withScope } from '../runtime/memory.js';
import type { StopState } from '../runtime/stop.js';
import type { AbortSignalLike } from '../runtime/types.js';
import { nonNegative, nonNegativeInteger, optionKeys, positiveInteger, readCallback, readOptions, readSignal } from '../runtime/validate.js';
import { checkBoolean } from '../runtime/checks.js';
import { seededRng } from '../rng.js';
import { Model, sparseWasm, type SparseKernels } from './kernels.js';
import { finiteCopy } from './util.js';
import type { DenseMatrix } from './bars.js';
import type { ProxkitExports } from '../runtime/instance.js';

type K = ProxkitExports & SparseKernels;


/** Starting values for {@link binarySparseCoding} and {@link maximalCausesAnalysis}; each one left out gets its default. */
export interface SparseCodingInit {
  /** Fields, H × D, one per row (default: the per-pixel data mean plus N(0, (σ₀/4)²) noise, σ₀ the mean per-pixel standard deviation). */
  W?: MatrixInput;
  /** Prior π in (0, 1) (default 1/H). */
  pi?: number;
  /** Noise standard deviation σ > 0 (default σ₀). */
  sigma?: number;
}

/** What `onProgress` receives after each EM iteration. */
export interface SparseCodingProgress {
  /** EM iterations done (1, 2, …). */
  iteration: number;
  /** Truncated log-likelihood Σₙ ln Σ_{s∈Kₙ} p(s, yₙ) at the new parameters (untempered, all points; for MCA while T > 1, of the soft-max model). */
  logLikelihood: number;
  /** Temperature T of the E-step that produced the posteriors of the next iteration. */
  temperature: number;
  /** Current prior π. */
  pi: number;
  /** Current noise σ. */
  sigma: number;
  /** Milliseconds since the start of the run. */
  elapsed: number;
}

/** Options of {@link binarySparseCoding} and {@link maximalCausesAnalysis}. */
export interface SparseCodingOptions {
  /** Number of latent causes H (required, 1…30). */
  H: number;
  /** H′: candidate causes kept per data point by the preselection (default min(8, H)). */
  Hprime?: number;
  /** γ: at most this many of the H′ candidates are on at once in a truncated state (default min(5, H′)). */
  gamma?: number;
  /** EM iterations (default 150 for BSC, 300 for MCA). */
  maxIter?: number;
  /**
   * Start temperature T₀ ≥ 1 of the deterministic annealing: T falls linearly from T₀ to 1 over the first
   * 80 % of `maxIter` and stays 1. The posteriors use β = 1/T on the log-likelihood (BSC) or on the whole
   * log-joint (MCA). Default 5 (BSC), 4 (MCA); 1 switches annealing off.
   */
  temperature?: number;
  /**
   * Data truncation in the M-step (default true): only the N·(1 − (1 − A)·c) points with the largest
   * truncated marginal likelihood are used, A the prior mass of states with at most γ causes on and c
   * rising linearly from 0 to 1 over the first two thirds of `maxIter`. Points with more active causes
   * than the truncated states can explain then do not bias π and σ.
   */
  dataTruncation?: boolean;
  /** Stop when, after annealing, |ΔL| ≤ tol·|L| between iterations (default 0: run all `maxIter` iterations). */
  tol?: number;
  /** Starting parameters (defaults as in {@link SparseCodingInit}). */
  init?: SparseCodingInit;
  /** Seed of the initial noise on W (default 0). */
  seed?: number | bigint;
  /** Called after every iteration; return false to stop. */
  onProgress?: (info: SparseCodingProgress) => boolean | void;
  /** Cancels the run between iterations; the partial result is returned with `stopped: 'aborted'`. */
  signal?: AbortSignalLike;
}

/** The truncated posterior of every data point. */
export interface SparsePosterior {
  /** Number S of truncated states per data point (1 + H + Σ_{k=2}^{γ} C(H′, k)). */
  states: number;
  /** The states, N × S × H (1 = cause on): entry (n, s, h) at `active[(n·S + s)·H + h]`. */
  active: Uint8Array;
  /** Posterior probability of each state, N × S (each row sums to 1). */
  probabilities: Float64Array;
  /** Posterior marginals P(s_h = 1 | yₙ), N × H. */
  mean: Float64Array;
  /** The most probable state of each point, N × H. */
  map: Uint8Array;
}

/** The result of {@link binarySparseCoding} and {@link maximalCausesAnalysis}. */
export interface SparseCodingResult {
  /** Learned fields, H × D, one per row. */
  W: DenseMatrix;
  /** Learned prior π. */
  pi: number;
  /** Learned noise standard deviation σ. */
  sigma: number;
  /** Truncated log-likelihood (free energy) Σₙ ln Σ_{s∈Kₙ} p(s, yₙ | Θ): entry 0 at the start, entry t after t iterations. */
  logLikelihood: Float64Array;
  /** Posterior over the truncated states of each point, at the returned parameters (temperature 1). */
  posterior: SparsePosterior;
  /** EM iterations run. */
  iterations: number;
  /** The `tol` test passed. */
  converged: boolean;
  /** Why the run ended: 'converged', 'maxIter', 'callback' or 'aborted'. */
  stopped: StopState;
}

const KEYS = optionKeys<SparseCodingOptions>({
  H: true, Hprime: true, gamma: true, maxIter: true, temperature: true, dataTruncation: true, tol: true,
  init: true, seed: true, onProgress: true, signal: true,
});
const INIT_KEYS = optionKeys<SparseCodingInit>({ W: true, pi: true, sigma: true });

/** Largest number of truncated states per data point (the posterior is N × S doubles). */
const MAX_STATES = 1 << 16;
/** Largest number of stored soft-max roots (doubles; 64 MiB); larger runs recompute them in the M-step. */
const MAX_ROOTS = 1 << 23;

/** C(n, k) as a double (exact for the sizes allowed here). */
function binomial(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return Math.round(c);
}

/**
 * The combinations of 2…γ of the H′ candidate positions, γ entries each (−1 pads shorter ones), in
 * order of size, then lexicographic.
 */
export function candidateCombos(Hp: number, gamma: number): Int32Array {
  const out: number[] = [];
  const pick: number[] = [];
  const rec = (start: number, size: number): void => {
    if (pick.length === size) {
      out.push(...pick);
      for (let i = size; i < gamma; i++) out.push(-1);
      return;
    }
    for (let p = start; p < Hp; p++) {
      pick.push(p);
      rec(p + 1, size);
      pick.pop();
    }
  };
  for (let size = 2; size <= gamma; size++) rec(0, size);
  return Int32Array.from(out);
}

/** The layout of one run: sizes and the WASM buffers (byte offsets), allocated once. */
interface Layout {
  model: number;
  N: number;
  D: number;
  H: number;
  Hp: number;
  gamma: number;
  C: number;
  S: number;
  combos: Int32Array;
  sizes: Int32Array;
  Y: number;
  W: number;
  cand: number;
  combosPtr: number;
  sizesPtr: number;
  rss: number;
  q: number;
  logZ: number;
  scratch: number;
  rows: number;
  num: number;
  den: number;
  mscratch: number;
  /** MCA: the soft-max roots (Σ P)^(1/ρ) of every (point, combination, pixel) from the last E-step, or 0 (too large). */
  roots: number;
  /** The ρ of the roots in `roots` at the current fields, 0 when they are stale. */
  rootsRho: number;
}

function layout(s: Scope, model: number, Y: Float64Array, N: number, D: number, H: number, Hp: number, gamma: number): Layout {
  const combos = candidateCombos(Hp, gamma);
  const C = combos.length / Math.max(gamma, 1);
  const S = 1 + H + C;
  const sizes = new Int32Array(S);
  for (let h = 0; h < H; h++) sizes[1 + h] = 1;
  for (let c = 0; c < C; c++) {
    let k = 0;
    while (k < gamma && combos[c * gamma + k]! >= 0) k++;
    sizes[1 + H + c] = k;
  }
  const L: Layout = {
    model, N, D, H, Hp, gamma, C, S, combos, sizes,
    Y: s.f64(N * D), W: s.f64(H * D), cand: s.bytes(4 * N * Hp), combosPtr: s.bytes(4 * Math.max(combos.length, 1)),
    sizesPtr: s.bytes(4 * S), rss: s.f64(N * S), q: s.f64(N * S), logZ: s.f64(N), scratch: s.f64(H * H + 2 * H + gamma + H * D),
    rows: s.bytes(4 * N), num: s.f64(H * D), den: s.f64(H * D), mscratch: s.f64(2 * H * D + gamma),
    roots: model === Model.mca && N * C * D <= MAX_ROOTS ? s.f64(Math.max(1, N * C * D)) : 0, rootsRho: 0,
  };
  const buf = s.x.memory.buffer;
  new Float64Array(buf, L.Y, N * D).set(Y);
  new Int32Array(buf, L.combosPtr, combos.length).set(combos);
  new Int32Array(buf, L.sizesPtr, S).set(sizes);
  return L;
}

const f64 = (x: K, ptr: number, n: number): Float64Array => new Float64Array(x.memory.buffer, ptr, n);
const i32 = (x: K, ptr: number, n: number): Int32Array => new Int32Array(x.memory.buffer, ptr, n);

/**
 * Preselection, residuals and posteriors at the parameters in L.W (kernels only). rho > 0: MCA's states
 * with several causes use the soft max with that exponent (annealing); 0: the hard max of the model.
 */
function eStep(x: K, L: Layout, pi: number, sigma: number, beta: number, rho = 0): void {
  x.sparseSelect(L.model, L.Y, L.N, L.D, L.W, L.H, L.Hp, L.scratch, L.cand);
  x.sparseResiduals(L.model, L.Y, L.N, L.D, L.W, L.H, L.cand, L.Hp, L.combosPtr, L.C, L.gamma, L.scratch, L.rss, rho, rho > 0 ? L.roots : 0);
  L.rootsRho = rho > 0 && L.roots ? rho : 0;
  x.sparsePosterior(L.rss, L.N, L.S, L.sizesPtr, L.H, L.D, pi, sigma, beta, L.model === Model.mca ? 1 : 0, L.q, L.logZ);
}

/** The latents switched on in state s of point n (decoding the layout described in assembly/sparse/estep.ts). */
function activeOf(L: Layout, cand: Int32Array, n: number, s: number, out: number[]): number[] {
  out.length = 0;
  if (s === 0) return out;
  if (s <= L.H) {
    out.push(s - 1);
    return out;
  }
  const c = s - 1 - L.H;
  for (let i = 0; i < L.gamma; i++) {
    const p = L.combos[c * L.gamma + i]!;
    if (p < 0) break;
    out.push(cand[n * L.Hp + p]!);
  }
  return out;
}

/**
 * Closed-form BSC M-step for W: the minimiser of Σₙ Σₛ q(n, s)·‖yₙ − Wᵀs‖² over the used points, i.e.
 * W = (Σ q s sᵀ)⁻¹ (Σ q s yᵀ) (fields as rows), by Gaussian elimination with partial pivoting. A cause
 * with no posterior mass keeps its old field.
 */
export function bscSolveW(A: Float64Array, B: Float64Array, H: number, D: number, Wold: Float64Array): Float64Array {
  const a = Float64Array.from(A);
  const b = Float64Array.from(B);
  let scale = 0;
  for (let h = 0; h < H; h++) scale = Math.max(scale, a[h * H + h]!);
  for (let h = 0; h < H; h++) {
    if (a[h * H + h]! > 1e-12 * scale) continue;
    // an unused cause: pin its field to the old one (its row and column carry no information)
    for (let j = 0; j < H; j++) a[h * H + j] = a[j * H + h] = 0;
    a[h * H + h] = 1;
    for (let d = 0; d < D; d++) b[h * D + d] = Wold[h * D + d]!;
  }
  for (let col = 0; col < H; col++) {
    let piv = col;
    for (let r = col + 1; r < H; r++) if (Math.abs(a[r * H + col]!) > Math.abs(a[piv * H + col]!)) piv = r;
    if (piv !== col) {
      for (let j = 0; j < H; j++) [a[col * H + j], a[piv * H + j]] = [a[piv * H + j]!, a[col * H + j]!];
      for (let d = 0; d < D; d++) [b[col * D + d], b[piv * D + d]] = [b[piv * D + d]!, b[col * D + d]!];
    }
    const p = a[col * H + col]!;
    for (let r = col + 1; r < H; r++) {
      const f = a[r * H + col]! / p;
      if (f === 0) continue;
      for (let j = col; j < H; j++) a[r * H + j] = a[r * H + j]! - f * a[col * H + j]!;
      for (let d = 0; d < D; d++) b[r * D + d] = b[r * D + d]! - f * b[col * D + d]!;
    }
  }
  const W = new Float64Array(H * D);
  for (let r = H - 1; r >= 0; r--) {
    for (let d = 0; d < D; d++) {
      let v = b[r * D + d]!;
      for (let j = r + 1; j < H; j++) v -= a[r * H + j]! * W[j * D + d]!;
      W[r * D + d] = v / a[r * H + r]!;
    }
  }
  return W;
}

/**
 * A = P(at most γ of H independent Bernoulli(π) causes on) and B = E[|s|; |s| ≤ γ] (so B/A is the mean
 * number of causes on among the states the truncation allows), by integer powers.
 */
function countMoments(H: number, gamma: number, pi: number): { A: number; B: number } {
  let A = 0;
  let B = 0;
  for (let k = 0; k <= Math.min(gamma, H); k++) {
    let t = binomial(H, k);
    for (let i = 0; i < k; i++) t *= pi;
    for (let i = k; i < H; i++) t *= 1 - pi;
    A += t;
    B += k * t;
  }
  return { A, B };
}

/** The N_use points with the largest truncated log-marginal, ties by index. */
function usedRows(logZ: Float64Array, nUse: number): Int32Array {
  const idx = Array.from({ length: logZ.length }, (_, i) => i);
  if (nUse < logZ.length) idx.sort((a, b) => logZ[b]! - logZ[a]! || a - b);
  return Int32Array.from(idx.slice(0, nUse)).sort();
}

const clampPi = (p: number): number => Math.min(1 - 1e-6, Math.max(1e-6, p));

/** One M-step from the posteriors in L.q at the fields in L.W; writes the new W and returns π, σ. */
function mStep(x: K, L: Layout, rows: Int32Array, rho: number, rhoE: number, safeguard: boolean, piOld: number): { pi: number; sigma: number } {
  const { N, D, H, S } = L;
  const nUse = rows.length;
  i32(x, L.rows, nUse).set(rows);
  const Wold = Float64Array.from(f64(x, L.W, H * D));
  const q = f64(x, L.q, N * S);
  const cand = i32(x, L.cand, N * L.Hp);
  // Σ q·‖y − f(s, W)‖² over the used points; L.rss holds the residuals of the E-step, at the old fields
  const expectedRss = (): number => {
    const rss = f64(x, L.rss, N * S);
    const qq = f64(x, L.q, N * S);
    let e = 0;
    for (const n of rows) for (let s = 0; s < S; s++) e += qq[n * S + s]! * rss[n * S + s]!;
    return e;
  };
  const eOld = expectedRss();
  let activeSum = 0;
  let Wnew: Float64Array;
  if (L.model === Model.bsc) {
    const A = new Float64Array(H * H);
    const B = new Float64Array(H * D);
    const Y = f64(x, L.Y, N * D);
    const m = new Float64Array(H);
    const act: number[] = [];
    for (const n of rows) {
      m.fill(0);
      for (let s = 1; s < S; s++) {
        const w = q[n * S + s]!;
        if (w === 0) continue;
        activeOf(L, cand, n, s, act);
        for (const h of act) {
          m[h] = m[h]! + w;
          for (const g of act) A[h * H + g] = A[h * H + g]! + w;
        }
      }
      for (let h = 0; h < H; h++) {
        const mh = m[h]!;
        activeSum += mh;
        if (mh === 0) continue;
        for (let d = 0; d < D; d++) B[h * D + d] = B[h * D + d]! + mh * Y[n * D + d]!;
      }
    }
    Wnew = bscSolveW(A, B, H, D, Wold);
  } else {
    x.sparseMcaAccumulate(L.Y, D, L.W, H, L.cand, L.Hp, L.combosPtr, L.C, L.gamma, L.q, L.rows, nUse, rho, L.mscratch, L.num, L.den, L.rootsRho === rho ? L.roots : 0);
    L.rootsRho = 0;
    const num = f64(x, L.num, H * D);
    const den = f64(x, L.den, H * D);
    Wnew = new Float64Array(H * D);
    // fields stay ≥ 1e-4 so that every cause keeps a pixel it can explain under the max
    for (let i = 0; i < H * D; i++) Wnew[i] = Math.max(1e-4, den[i]! > 1e-12 ? num[i]! / den[i]! : Wold[i]!);
    const sizes = L.sizes;
    for (const n of rows) for (let s = 1; s < S; s++) activeSum += q[n * S + s]! * sizes[s]!;
  }
  const setW = (Wt: Float64Array): number => {
    f64(x, L.W, H * D).set(Wt);
    x.sparseResiduals(L.model, L.Y, N, D, L.W, H, L.cand, L.Hp, L.combosPtr, L.C, L.gamma, L.scratch, L.rss, rhoE, 0);
    return expectedRss();
  };
  // While annealing (MCA, T > 1), σ comes from the E-step's residuals at the old fields, as in ProSper:
  // re-evaluating the soft max at the new fields would double the cost of an iteration.
  let e = L.model === Model.bsc || safeguard ? setW(Wnew) : (f64(x, L.W, H * D).set(Wnew), eOld);
  if (L.model === Model.mca && safeguard && e > eOld) {
    // MCA's update is a fixed-point step, not an exact minimiser, and near convergence it can overshoot
    // (a two-cycle). At temperature 1, step back towards the old fields until the expected squared
    // residual does not grow (at most 10 halvings, else the old fields stay), so that every M-step
    // raises the free energy for the current posteriors (generalised EM). While annealing (soft max,
    // small ρ) the update's fixed point is not the least-squares one and the step is taken as it is.
    let eta = 1;
    const Wt = new Float64Array(H * D);
    for (let k = 0; k < 10 && e > eOld; k++) {
      eta /= 2;
      for (let i = 0; i < H * D; i++) Wt[i] = Wold[i]! + eta * (Wnew[i]! - Wold[i]!);
      e = setW(Wt);
    }
    if (e > eOld) e = setW(Wold);
  }
  // σ² is the posterior-expected squared residual per pixel (same states; new fields except while annealing MCA)
  const sigma = Math.max(1e-6, Math.sqrt(e / (nUse * D)));
  if (L.model === Model.bsc) return { pi: clampPi(activeSum / (nUse * H)), sigma };
  // MCA (as ProSper's MCA-ET): the truncated states allow at most γ causes, whose prior mean count is
  // B/A = E[|s| | |s| ≤ γ] < Hπ, so the plain estimate mean⟨|s|⟩/H is biased low; π ← π·mean⟨|s|⟩/(B/A)
  // has the data's π as its fixed point (with γ = H it is the plain estimate).
  const { A, B } = countMoments(H, L.gamma, piOld);
  return { pi: clampPi((A / B) * piOld * (activeSum / nUse)), sigma };
}

function posteriorOf(x: K, L: Layout): SparsePosterior {
  const { N, H, S } = L;
  const q = Float64Array.from(f64(x, L.q, N * S));
  const cand = Int32Array.from(i32(x, L.cand, N * L.Hp));
  const active = new Uint8Array(N * S * H);
  const mean = new Float64Array(N * H);
  const map = new Uint8Array(N * H);
  const act: number[] = [];
  for (let n = 0; n < N; n++) {
    let best = 0;
    for (let s = 0; s < S; s++) {
      if (q[n * S + s]! > q[n * S + best]!) best = s;
      for (const h of activeOf(L, cand, n, s, act)) {
        active[(n * S + s) * H + h] = 1;
        mean[n * H + h] = mean[n * H + h]! + q[n * S + s]!;
      }
    }
    for (const h of activeOf(L, cand, n, best, act)) map[n * H + h] = 1;
  }
  return { states: S, active, probabilities: q, mean, map };
}

/** Checked settings of a run. */
interface Settings {
  Y: Float64Array;
  N: number;
  D: number;
  H: number;
  Hp: number;
  gamma: number;
  maxIter: number;
  T0: number;
  truncate: boolean;
  tol: number;
  W0: Float64Array | undefined;
  pi0: number | undefined;
  sigma0: number | undefined;
  seed: number | bigint;
  onProgress: SparseCodingOptions['onProgress'];
  signal: AbortSignalLike | undefined;
}

function readSettings(fn: string, Yin: MatrixInput, options: SparseCodingOptions, defaults: { maxIter: number; T0: number }): Settings {
  const o = readOptions(fn, options, KEYS);
  if (options === undefined || o.H === undefined) throw parameterError(fn, 'options.H', 'a positive integer (the number of causes)', undefined);
  const Ym = readMatrix(fn, 'Y', Yin);
  const Y = finiteCopy(fn, 'Y', Ym.data);
  const N = Ym.rows;
  const D = Ym.cols;
  if (N < 1 || D < 1) throw new ParameterError(`${fn}: Y must have at least one row and one column (got ${N} × ${D})`);
  const H = positiveInteger(fn, 'options.H', o.H);
  if (H > 30) throw parameterError(fn, 'options.H', 'at most 30', H);
  const Hp = o.Hprime === undefined ? Math.min(8, H) : positiveInteger(fn, 'options.Hprime', o.Hprime);
  if (Hp > H) throw parameterError(fn, 'options.Hprime', `at most options.H = ${H}`, Hp);
  const gamma = o.gamma === undefined ? Math.min(5, Hp) : positiveInteger(fn, 'options.gamma', o.gamma);
  if (gamma > Hp) throw parameterError(fn, 'options.gamma', `at most options.Hprime = ${Hp}`, gamma);
  let S = 1 + H;
  for (let k = 2; k <= gamma; k++) S += binomial(Hp, k);
  if (S > MAX_STATES) throw new ParameterError(`${fn}: options.Hprime = ${Hp} and options.gamma = ${gamma} give ${S} truncated states per point; at most ${MAX_STATES} are allowed`);
  checkCapacity(fn, 3 * N * S + N * D);
  const maxIter = o.maxIter === undefined ? defaults.maxIter : nonNegativeInteger(fn, 'options.maxIter', o.maxIter);
  const T0 = o.temperature === undefined ? defaults.T0 : nonNegative(fn, 'options.temperature', o.temperature);
  if (!(T0 >= 1) || !Number.isFinite(T0)) throw parameterError(fn, 'options.temperature', 'a finite number >= 1', T0);
  const truncate = o.dataTruncation === undefined ? true : checkBoolean(fn, 'options.dataTruncation', o.dataTruncation);
  const tol = o.tol === undefined ? 0 : nonNegative(fn, 'options.tol', o.tol);
  const init = readOptions(fn, o.init, INIT_KEYS, 'options.init');
  let W0: Float64Array | undefined;
  if (init.W !== undefined) {
    const Wm = readMatrix(fn, 'options.init.W', init.W, { rows: H, cols: D, label: 'options.H × Y.cols' });
    W0 = finiteCopy(fn, 'options.init.W', Wm.data);
  }
  let pi0: number | undefined;
  if (init.pi !== undefined) {
    if (typeof init.pi !== 'number' || !(init.pi > 0 && init.pi < 1)) throw parameterError(fn, 'options.init.pi', 'in (0, 1)', init.pi);
    pi0 = init.pi;
  }
  let sigma0: number | undefined;
  if (init.sigma !== undefined) {
    if (typeof init.sigma !== 'number' || !(init.sigma > 0) || !Number.isFinite(init.sigma)) throw parameterError(fn, 'options.init.sigma', 'a finite number > 0', init.sigma);
    sigma0 = init.sigma;
  }
  const seed = o.seed ?? 0;
  seededRng(fn, seed, 'options.seed');
  const onProgress = readCallback(fn, 'options.onProgress', o.onProgress);
  const signal = readSignal(fn, o.signal);
  return { Y, N, D, H, Hp, gamma, maxIter, T0, truncate, tol, W0, pi0, sigma0, seed, onProgress, signal };
}

/** Default start: per-pixel mean plus noise of std σ₀/4, σ = σ₀ (mean per-pixel std), π = 1/H. */
function initialParameters(fn: string, st: Settings, model: number): { W: Float64Array; pi: number; sigma: number } {
  const { Y, N, D, H } = st;
  const mean = new Float64Array(D);
  for (let n = 0; n < N; n++) for (let d = 0; d < D; d++) mean[d] = mean[d]! + Y[n * D + d]! / N;
  let sd = 0;
  for (let d = 0; d < D; d++) {
    let v = 0;
    for (let n = 0; n < N; n++) v += (Y[n * D + d]! - mean[d]!) ** 2;
    sd += Math.sqrt(v / N) / D;
  }
  const sigma0 = sd > 0 ? sd : 1;
  let W = st.W0;
  if (W === undefined) {
    const noise = seededRng(fn, st.seed, 'options.seed').normal(H * D);
    W = new Float64Array(H * D);
    for (let h = 0; h < H; h++) for (let d = 0; d < D; d++) W[h * D + d] = mean[d]! + (sigma0 / 4) * noise[h * D + d]!;
  }
  if (model === Model.mca) W = W.map((w) => Math.max(1e-4, w));
  return { W, pi: st.pi0 ?? clampPi(1 / H), sigma: st.sigma0 ?? sigma0 };
}

/** The shared EM driver of both models. */
function runEm(fn: string, model: number, Yin: MatrixInput, options: SparseCodingOptions, defaults: { maxIter: number; T0: number }): SparseCodingResult {
  const st = readSettings(fn, Yin, options, defaults);
  const start = Date.now();
  return withScope(fn, (s) => {
    const x = sparseWasm(fn);
    const L = layout(s, model, st.Y, st.N, st.D, st.H, st.Hp, st.gamma);
    let { W, pi, sigma } = initialParameters(fn, st, model);
    f64(x, L.W, st.H * st.D).set(W);
    const { maxIter, T0 } = st;
    const annealEnd = Math.floor(0.8 * maxIter);
    const cutEnd = Math.floor((2 / 3) * maxIter);
    const temperatureAt = (t: number): number => (annealEnd === 0 || t >= annealEnd ? 1 : T0 + ((1 - T0) * t) / annealEnd);
    const cutAt = (t: number): number => (!st.truncate ? 0 : cutEnd === 0 || t >= cutEnd ? 1 : t / cutEnd);
    const ll: number[] = [];
    const sumLogZ = (): number => f64(x, L.logZ, L.N).reduce((a, b) => a + b, 0);
    // MCA's soft-max exponent follows the temperature: ρ = 1/(1 − 1/max(T, 1.05)), 4/3 at T = 4, 21 at
    // T ≤ 1.05. The E-step uses the soft max while T > 1 and the model's hard max at T = 1; the M-step's
    // update weights always use ρ (a hard max would hand a pixel shared by equal fields to one of them).
    const rhoOf = (T: number): number => 1 / (1 - 1 / Math.max(T, 1.05));
    const rhoE = (T: number): number => (model === Model.mca && T > 1 ? rhoOf(T) : 0);
    eStep(x, L, pi, sigma, 1 / temperatureAt(0), rhoE(temperatureAt(0)));
    ll.push(sumLogZ());
    let stopped: StopState = 'maxIter';
    let converged = false;
    let t = 0;
    while (t < maxIter) {
      if (st.signal?.aborted) {
        stopped = 'aborted';
        break;
      }
      const { A } = countMoments(st.H, st.gamma, pi);
      const nUse = Math.max(1, Math.floor(L.N * (1 - (1 - A) * cutAt(t))));
      const rows = usedRows(Float64Array.from(f64(x, L.logZ, L.N)), nUse);
      ({ pi, sigma } = mStep(x, L, rows, rhoOf(temperatureAt(t)), rhoE(temperatureAt(t)), temperatureAt(t) === 1, pi));
      t++;
      const T = temperatureAt(t);
      eStep(x, L, pi, sigma, 1 / T, rhoE(T));
      const F = sumLogZ();
      ll.push(F);
      const info: SparseCodingProgress = { iteration: t, logLikelihood: F, temperature: T, pi, sigma, elapsed: Date.now() - start };
      if (st.tol > 0 && T === 1 && cutAt(t) === (st.truncate ? 1 : 0) && Math.abs(F - ll[ll.length - 2]!) <= st.tol * Math.abs(F)) {
        converged = true;
        stopped = 'converged';
        break;
      }
      if (st.onProgress?.(info) === false) {
        stopped = 'callback';
        break;
      }
    }
    // the returned posterior is the untempered one at the final parameters
    if (temperatureAt(t) !== 1) eStep(x, L, pi, sigma, 1);
    return {
      W: { data: Float64Array.from(f64(x, L.W, st.H * st.D)), rows: st.H, cols: st.D },
      pi, sigma, logLikelihood: Float64Array.from(ll), posterior: posteriorOf(x, L),
      iterations: t, converged, stopped,
    };
  });
}

/**
 * Binary sparse coding: y = Σ_h s_h W_h + ε with s_h ~ Bernoulli(π) independently and ε ~ N(0, σ² I),
 * learned by truncated variational EM (expectation truncation). Per data point the E-step keeps the
 * all-off state, the H single-cause states and every state with 2…γ causes on among the H′ causes
 * whose fields have the largest cosine with the point; the posterior is exact on that set. The M-step is
 * closed form: W = (Σ q s sᵀ)⁻¹ Σ q s yᵀ (a least-squares solve), π the mean posterior activity, σ² the
 * mean expected squared residual per pixel. Deterministic annealing (β = 1/T on the likelihood) and
 * data truncation follow ProSper's bars-test settings by default. With H′ = H and γ = H the E-step is
 * exact and the log-likelihood never decreases (without annealing and data truncation).
 *
 * @param Y data, N × D, one point per row.
 * @param options `H` is required; see {@link SparseCodingOptions}.
 * @example
 * const data = barsTest({ seed: 1 });
 * const r = binarySparseCoding(data.Y, { H: 10, Hprime: 8, gamma: 5 });
 * matchFields(r.W, data.W).minCosine; // > 0.95 when every bar is found
 */
export function binarySparseCoding(Y: MatrixInput, options: SparseCodingOptions): SparseCodingResult {
  return runEm('binarySparseCoding', Model.bsc, Y, options, { maxIter: 150, T0: 5 });
}

/**
 * Maximal causes analysis: y_d = max_h s_h W_dh + ε_d (the maximum starts at 0), s_h ~ Bernoulli(π),
 * ε ~ N(0, σ² I), learned by truncated variational EM. Candidates are the H′ causes whose fields exceed
 * the point least (smallest Σ_d max(W_dh − y_d, 0)); states as in {@link binarySparseCoding}.
 * Deterministic annealing (Lücke & Sahani): while the temperature T is above 1, the max is replaced by
 * the soft max W̄_d(s) = (Σ_{h∈s} W_dh^ρ)^{1/ρ} with ρ = 1/(1 − 1/max(T, 1.05)) (4/3 at T = 4, close to
 * a sum; 21 near T = 1) and β = 1/T tempers the whole log-joint; at T = 1 the E-step uses the exact max.
 * M-step (the max-superposition update, weighted as in ProSper's MCA-ET): W_dh = Σ q·A_dh·y_d / Σ q·A_dh.
 * In a state with several causes A_dh = ∂W̄_d/∂W_dh = (W_dh/W̄_d)^{ρ−1} for an active cause (in the limit
 * 1 for the largest field and 0 for the others); in a single-cause state A_dh = W_dh², so that a cause
 * seen alone updates mostly the pixels it already explains. Fields stay ≥ 1e-4. π = π_old·mean⟨|s|⟩/(B/A),
 * with B/A = E[|s| | |s| ≤ γ] under π_old, the mean number of causes the truncated states can hold (with
 * γ = H: mean⟨|s|⟩/H). σ² is the mean expected squared residual per pixel, at the new fields once T = 1
 * and, while annealing, at the fields of the E-step (as ProSper does; it saves a second soft-max pass).
 * The W update is a fixed-point step, so at T = 1, when it would raise the expected squared residual
 * Σ q‖y − f(s, W)‖², it is halved back towards the old fields until it does not (generalised EM: with
 * H′ = γ = H and no data truncation the log-likelihood at T = 1 never decreases).
 *
 * @param Y data, N × D, one point per row.
 * @param options `H` is required; see {@link SparseCodingOptions} (defaults: 300 iterations, T₀ = 4).
 * @example
 * const data = barsTest({ superposition: 'max', seed: 1 });
 * const r = maximalCausesAnalysis(data.Y, { H: 10 });
 */
export function maximalCausesAnalysis(Y: MatrixInput, options: SparseCodingOptions): SparseCodingResult {
  return runEm('maximalCausesAnalysis', Model.mca, Y, options, { maxIter: 300, T0: 4 });
}

/**
 * One truncated E-step at given parameters (for tests and the bench): the states of every point, their
 * tempered posteriors and the untempered log-marginals. rho > 0: MCA's soft max with that exponent.
 */
export function truncatedEStep(model: 'bsc' | 'mca', Y: Float64Array, N: number, D: number, W: Float64Array, H: number,
  Hp: number, gamma: number, pi: number, sigma: number, beta = 1, rho = 0): { S: number; active: number[][][]; q: Float64Array; logZ: Float64Array } {
  const fn = 'truncatedEStep';
  return withScope(fn, (s) => {
    const x = sparseWasm(fn);
    const L = layout(s, Model[model], Y, N, D, H, Hp, gamma);
    f64(x, L.W, H * D).set(W);
    eStep(x, L, pi, sigma, beta, rho);
    const cand = Int32Array.from(i32(x, L.cand, N * Hp));
    const active = Array.from({ length: N }, (_, n) => Array.from({ length: L.S }, (_, st) => activeOf(L, cand, n, st, []).slice()));
    return { S: L.S, active, q: Float64Array.from(f64(x, L.q, N * L.S)), logZ: Float64Array.from(f64(x, L.logZ, N)) };
  });
}

/**
 * MCA's M-step sums at given fields and posteriors (for the tests): runs the E-step to get the states
 * and posteriors (the hard max, or with `softE` the soft max with exponent rho, whose roots the sums
 * then reuse as in a run), then the accumulation with exponent rho over all points; returns num and den
 * (H × D), the states of every point and their posteriors.
 */
export function mcaUpdateSums(Y: Float64Array, N: number, D: number, W: Float64Array, H: number, Hp: number, gamma: number,
  pi: number, sigma: number, rho: number, softE = false): { num: Float64Array; den: Float64Array; active: number[][][]; q: Float64Array } {
  const fn = 'mcaUpdateSums';
  return withScope(fn, (s) => {
    const x = sparseWasm(fn);
    const L = layout(s, Model.mca, Y, N, D, H, Hp, gamma);
    f64(x, L.W, H * D).set(W);
    eStep(x, L, pi, sigma, 1, softE ? rho : 0);
    i32(x, L.rows, N).set(Int32Array.from({ length: N }, (_, n) => n));
    x.sparseMcaAccumulate(L.Y, D, L.W, H, L.cand, L.Hp, L.combosPtr, L.C, L.gamma, L.q, L.rows, N, rho, L.mscratch, L.num, L.den, L.rootsRho === rho ? L.roots : 0);
    const cand = Int32Array.from(i32(x, L.cand, N * Hp));
    const active = Array.from({ length: N }, (_, n) => Array.from({ length: L.S }, (_, st) => activeOf(L, cand, n, st, []).slice()));
    return { num: Float64Array.from(f64(x, L.num, H * D)), den: Float64Array.from(f64(x, L.den, H * D)), active, q: Float64Array.from(f64(x, L.q, N * L.S)) };
  });
}

/**
 * A reusable E-step workspace in WASM memory (for the bench: no allocation per call). `run` performs
 * one truncated E-step at the given parameters; `q()` is a fresh view of the posteriors (N × S);
 * `free()` releases the memory.
 */
export function eStepWorkspace(model: 'bsc' | 'mca', Y: Float64Array, N: number, D: number, H: number, Hp: number, gamma: number): {
  S: number; run(W: Float64Array, pi: number, sigma: number, beta: number): void; q(): Float64Array; free(): void;
} {
  const fn = 'eStepWorkspace';
  const s = new Scope(fn);
  const x = sparseWasm(fn);
  const L = layout(s, Model[model], Y, N, D, H, Hp, gamma);
  return {
    S: L.S,
    run(W, pi, sigma, beta) {
      f64(x, L.W, H * D).set(W);
      eStep(x, L, pi, sigma, beta);
    },
    q: () => f64(x, L.q, N * L.S),
    free: () => s.release(),
  };
}
