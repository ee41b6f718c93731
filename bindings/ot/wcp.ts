/**
 * Wasserstein CP-dictionary learning (W-CPDL) by block coordinate descent with proximal regularization
 * (BCD-PR), each block solved in the dual of its entropically and proximally regularised problem
 * (Kwon & Lyu, "Complexity of Block Coordinate Descent with Proximal Regularization and Applications to
 * Wasserstein CP-dictionary Learning", ICML 2023, arXiv:2306.02420: BCD-PR and its W-CPDL application; dual à la Rolet, Cuturi &
 * Peyré, "Fast Dictionary Learning with a Smoothed Wasserstein Loss", AISTATS 2016, and Cuturi & Peyré,
 * "A Smoothed Dual Approach for Variational Wasserstein Problems", SIAM J. Imaging Sci. 2016, Thm. 2.4).
 */
import type { StopState } from '../runtime/stop.js';
import { NonFiniteError, ParameterError, ShapeError, parameterError } from '../runtime/errors.js';
import { checkCapacity, F64Buffer, f64View, vectorLength, withScope, type Scope, type VectorInput } from '../runtime/memory.js';
import { checkKnownKeys, nonNegative, optionKeys, positiveFinite, positiveInteger, readCallback, readSignal } from '../runtime/validate.js';
import { checkSeed, rng } from '../rng.js';
import { histograms } from './barycenter.js';
import { costMatrix } from './cost.js';
import { sinkhorn2, type MatrixInput } from './sinkhorn.js';
import { readMatrix } from '../runtime/matrix.js';
import type { AbortSignalLike } from '../runtime/types.js';

/** Options of {@link wassersteinCpDictionary}. */
export interface WassersteinCpOptions {
  /** Number of atoms R ≥ 1 (the CP rank of the dictionary). Required. */
  rank: number;
  /** Entropic regularisation ε > 0 of the Wasserstein loss W_ε, in the units of M. Required. */
  reg: number;
  /** Proximal weight λ > 0 of BCD-PR: each block step adds (λ/2)‖θ_b − θ_b⁽ᵏ⁻¹⁾‖². Default 1. */
  rho?: number;
  /**
   * The tensor shape [d₁, …, d_n] of each histogram (row-major, product = d). Default [d]: the matrix
   * case (Wasserstein NMF, one factor U⁽¹⁾ = D). [8, 8] for 8 × 8 images: atoms are products of a row
   * marginal and a column marginal.
   */
  shape?: number[];
  /**
   * Ground cost, d × d row-major (flat or `{ data, rows, cols }`), finite. Default: squared Euclidean
   * distance between the grid points of `shape` (unit spacing), divided by its maximum (so M ∈ [0, 1]).
   */
  M?: MatrixInput;
  /** Outer BCD-PR sweeps (each updates U⁽¹⁾, …, U⁽ⁿ⁾ then the codes). Default 30. */
  maxIter?: number;
  /** Accelerated dual-ascent iterations per block solve (doubled once if the decrease test fails). Default 100. */
  innerIter?: number;
  /** Stop when the stationarity measure λ‖θ⁽ᵏ⁾ − θ⁽ᵏ⁻¹⁾‖ < tol. Default 1e-6. */
  tol?: number;
  /** Seed of the random positive initialisation (`rng(seed)`). Default 0. */
  seed?: number;
  /** Called after every sweep (including the last); return false to stop (stopped: 'callback', unless converged). */
  onProgress?: (info: WassersteinCpIterate) => boolean | void;
  /** Checked before every sweep; an aborted signal ends the run with stopped: 'aborted'. */
  signal?: AbortSignalLike;
}

/** One outer sweep of {@link wassersteinCpDictionary}. */
export interface WassersteinCpIterate {
  /** Sweep number k (1-based). */
  iteration: number;
  /** F(θ⁽ᵏ⁾) = Σᵢ W_ε(xᵢ, yᵢ) after the sweep (non-increasing in k). */
  objective: number;
  /** ‖θ⁽ᵏ⁾ − θ⁽ᵏ⁻¹⁾‖ over all blocks (Frobenius). */
  step: number;
  /** λ‖θ⁽ᵏ⁾ − θ⁽ᵏ⁻¹⁾‖: the residual of the blocks' first-order conditions (the quantity BCD-PR's bound controls). */
  stationarity: number;
  /** Block updates of this sweep that were rejected (no decrease; the block kept its value). */
  rejected: number;
  /** Milliseconds since the start. */
  elapsed: number;
}

/** Result of {@link wassersteinCpDictionary}. */
export interface WassersteinCpResult {
  /** U⁽ᵏ⁾, row-major d_k × R, columns in the simplex (atom r = U⁽¹⁾[:, r] ⊗ … ⊗ U⁽ⁿ⁾[:, r]). */
  factors: Float64Array[];
  /** The codes H, row-major R × N, columns in the simplex. */
  codes: Float64Array;
  /** The atoms D (the Khatri–Rao product of the factors), row-major d × R; each column is a histogram. */
  dictionary: Float64Array;
  /** The reconstruction Y = D H, row-major d × N (column i approximates the normalised xᵢ). */
  reconstruction: Float64Array;
  /** F at the end. */
  objective: number;
  /** F at the random initialisation. */
  initialObjective: number;
  /** BCD-PR sweeps run. */
  iterations: number;
  /** True when the stationarity measure fell below `tol`. */
  converged: boolean;
  /** Why the run ended: 'converged', 'maxIter', 'callback' (onProgress returned false) or 'aborted' (signal). */
  stopped: Extract<StopState, 'converged' | 'maxIter' | 'callback' | 'aborted'>;
  /** One entry per sweep. */
  history: WassersteinCpIterate[];
  /** Block updates rejected in all (0 when every dual solve was accurate enough). */
  rejected: number;
}

/** Sinkhorn accuracy of the objective evaluations (column-marginal error, ‖·‖₂) and its iteration cap. */
const EVAL_TOL = 1e-11;
const EVAL_MAX = 5000;

/** The data, cost and work buffers of one run, all in WASM memory. */
interface Ctx {
  s: Scope;
  d: number;
  N: number;
  R: number;
  dims: number[];
  eps: number;
  lam: number;
  /** N × d: histogram i contiguous. */
  X: number;
  /** log X (−∞ at zeros), N × d. */
  logX: number;
  /** Gibbs kernel exp(−M/ε), d × d; the log-kernel −M/ε for fallbacks; M itself. */
  K: number;
  L: number;
  Mflat: Float64Array;
  /** Factors U⁽ᵏ⁾ stored R × d_k (column r contiguous); codes H stored N × R. */
  U: number[];
  H: number;
  /** Atoms R × d, reconstruction N × d. */
  D: number;
  Y: number;
  /** Sinkhorn warm starts of the objective (u per histogram), N × d. */
  warm: number;
  /** Scratch of d doubles. */
  t: number[];
}

/** Validated problem. */
interface Problem {
  d: number;
  N: number;
  hs: Float64Array[];
  R: number;
  eps: number;
  lam: number;
  dims: number[];
  M: Float64Array;
}

function readHistograms(fn: string, X: unknown): { d: number; hs: Float64Array[] } {
  // copies: every histogram is normalised in place below
  const hs = histograms(fn, X, 'X', 'a non-empty array of histograms or a { data, rows: d, cols: N } matrix whose columns are histograms').hs.map((h) => Float64Array.from(h, Number));
  const d = hs[0]!.length;
  hs.forEach((h, k) => {
    if (h.length !== d) throw new ShapeError(`${fn}: X[${k}] must have length ${d} like X[0] (got ${h.length})`);
    if (d === 0) throw new ShapeError(`${fn}: histograms must have length >= 1 (got 0)`);
    let sum = 0;
    for (let j = 0; j < d; j++) {
      const v = h[j]!;
      if (!Number.isFinite(v)) throw new NonFiniteError(fn, `X[${k}]`, j, v);
      if (v < 0) throw new ParameterError(`${fn}: X must be >= 0 entrywise (got ${v} in histogram ${k} at index ${j})`);
      sum += v;
    }
    if (!(sum > 0)) throw new ParameterError(`${fn}: every histogram of X must have a positive sum (got ${sum} for histogram ${k})`);
    for (let j = 0; j < d; j++) h[j] = h[j]! / sum;
  });
  return { d, hs };
}

/** Squared Euclidean distances between the points of a row-major grid of shape dims, divided by the maximum. */
function gridCost(dims: number[]): Float64Array {
  const d = dims.reduce((a, b) => a * b, 1);
  const pts = new Float64Array(d * dims.length);
  for (let t = 0; t < d; t++) {
    let rest = t;
    for (let k = dims.length - 1; k >= 0; k--) {
      pts[t * dims.length + k] = rest % dims[k]!;
      rest = Math.floor(rest / dims[k]!);
    }
  }
  const M = costMatrix({ data: pts, rows: d, cols: dims.length }, { data: pts, rows: d, cols: dims.length });
  let mx = 0;
  for (let k = 0; k < M.length; k++) mx = Math.max(mx, M[k]!);
  if (mx > 0) for (let k = 0; k < M.length; k++) M[k] = M[k]! / mx;
  return M;
}

const WCP_KEYS = optionKeys<WassersteinCpOptions>({
  rank: true, reg: true, rho: true, shape: true, M: true, maxIter: true, innerIter: true, tol: true, seed: true, onProgress: true, signal: true,
});

function validate(fn: string, X: unknown, options: WassersteinCpOptions): Problem {
  if (options === null || typeof options !== 'object') throw parameterError(fn, 'options', 'an object with rank and reg', options);
  checkKnownKeys(fn, options, WCP_KEYS);
  const R = positiveInteger(fn, 'options.rank', options.rank);
  const eps = positiveFinite(fn, 'options.reg', options.reg);
  const lam = positiveFinite(fn, 'options.rho', orDefault(options.rho, 1));
  const { d, hs } = readHistograms(fn, X);
  let dims = [d];
  if (options.shape !== undefined) {
    if (!Array.isArray(options.shape) || options.shape.length === 0) throw parameterError(fn, 'options.shape', 'a non-empty array of positive integers', options.shape);
    options.shape.forEach((v, k) => positiveInteger(fn, `options.shape[${k}]`, v));
    const prod = options.shape.reduce((a, b) => a * b, 1);
    if (prod !== d) throw new ShapeError(`${fn}: options.shape must multiply to the histogram length ${d} (got ${options.shape.join(' × ')} = ${prod})`);
    dims = options.shape.slice();
  }
  let M: Float64Array;
  if (options.M === undefined) M = gridCost(dims);
  else {
    const { data } = readMatrix(fn, 'options.M', options.M, { rows: d, cols: d, label: 'd × d' });
    M = Float64Array.from(data instanceof F64Buffer ? data.view() : (data as ArrayLike<number>), Number);
    for (let k = 0; k < M.length; k++) {
      if (!Number.isFinite(M[k]!)) throw new NonFiniteError(fn, 'options.M', k, M[k]!);
    }
  }
  // The largest buffers of a run: 8 scratch vectors of max(d, R), the factors, codes, atoms and the N × d blocks.
  const N = hs.length;
  checkCapacity(fn, 8 * Math.max(d, R) + 6 * R * (d + N) + 12 * N * d + 3 * d * d);
  return { d, N, hs, R, eps, lam, dims, M };
}

/** An option's value, `fallback` only when absent (undefined): null is a value, and is refused by the check. */
function orDefault<T>(value: T | undefined, fallback: T): T {
  return value === undefined ? fallback : value;
}

/** Allocates the run's buffers and loads X, log X, K, −M/ε. */
function context(s: Scope, p: Problem): Ctx {
  const { d, N, R, dims } = p;
  const x = s.x;
  const X = s.f64(N * d);
  const logX = s.f64(N * d);
  const pM = s.f64(d * d);
  const K = s.f64(d * d);
  const L = s.f64(d * d);
  const U = dims.map((dk) => s.f64(R * dk));
  const H = s.f64(N * R);
  const D = s.f64(R * d);
  const Y = s.f64(N * d);
  const warm = s.f64(N * d);
  const t = Array.from({ length: 8 }, () => s.f64(Math.max(d, R)));
  const xv = f64View(x, X, N * d);
  p.hs.forEach((h, i) => xv.set(h, i * d));
  x.otLogVec(X, N * d, logX);
  f64View(x, pM, d * d).set(p.M);
  x.otGibbs(pM, d * d, p.eps, K);
  x.otLogKernel(pM, d * d, p.eps, L);
  f64View(x, warm, N * d).fill(1);
  return { s, d, N, R, dims, eps: p.eps, lam: p.lam, X, logX, K, L, Mflat: p.M, U, H, D, Y, warm, t };
}

/** Atoms D[r] = ⊗_k U⁽ᵏ⁾[r] (row-major over the grid), with factor `sub` replaced by `subPtr` when given. */
function buildAtoms(c: Ctx, out: number, sub = -1, subPtr = 0): void {
  const { d, R, dims } = c;
  const x = c.s.x;
  const facs = dims.map((dk, k) => f64View(x, k === sub ? subPtr : c.U[k]!, R * dk));
  const D = f64View(x, out, R * d);
  const idx = new Int32Array(dims.length);
  for (let r = 0; r < R; r++) {
    idx.fill(0);
    for (let t = 0; t < d; t++) {
      let v = 1;
      for (let k = 0; k < dims.length; k++) v *= facs[k]![r * dims[k]! + idx[k]!]!;
      D[r * d + t] = v;
      for (let k = dims.length - 1; k >= 0; k--) {
        if (++idx[k]! < dims[k]!) break;
        idx[k] = 0;
      }
    }
  }
}

/** Y[i] = Σ_r H[i, r] D[r] (Y = H D, N × d). */
function reconstruct(c: Ctx, D: number, H: number, Y: number): void {
  for (let i = 0; i < c.N; i++) c.s.x.otKtu(D, c.R, c.d, H + i * c.R * 8, Y + i * c.d * 8);
}

/**
 * F(Y) = Σᵢ W_ε(xᵢ, yᵢ), each by Sinkhorn warm-started from the last evaluation's scalings, valued by the
 * dual ε(⟨a, log u⟩ + ⟨b, log v⟩ − Σa) once the column-marginal error is below 1e-11 (the row
 * marginal is exact after the u update). A column whose scalings under/overflow is solved in the log domain.
 */
function objective(c: Ctx, Y: number): number {
  const { d, N, eps } = c;
  const x = c.s.x;
  const [w, v, kv, lu, lv] = c.t as [number, number, number, number, number];
  let total = 0;
  for (let i = 0; i < N; i++) {
    const a = c.X + i * d * 8;
    const b = Y + i * d * 8;
    const u = c.warm + i * d * 8;
    x.otKtu(c.K, d, d, u, w);
    let bad = 0;
    for (let it = 0; it < EVAL_MAX; it++) {
      bad |= x.otScale(b, w, d, v);
      x.otKv(c.K, d, d, v, kv);
      bad |= x.otScale(a, kv, d, u);
      if (bad !== 0) break;
      x.otKtu(c.K, d, d, u, w);
      if (it % 4 === 3 && x.otMarginalError(v, w, b, d) < EVAL_TOL) break;
    }
    if (bad === 0) {
      x.otLogVec(u, d, lu);
      x.otLogVec(v, d, lv);
      total += eps * (dotSupported(f64View(x, a, d), f64View(x, lu, d)) + dotSupported(f64View(x, b, d), f64View(x, lv, d)) - sum(f64View(x, a, d)));
    } else {
      const av = f64View(x, a, d).slice();
      const bv = f64View(x, b, d).slice();
      const r = sinkhorn2(av, bv, c.Mflat, { reg: eps, method: 'log', tol: EVAL_TOL, maxIter: EVAL_MAX });
      total += eps * (dotSupported(av, r.logU!) + dotSupported(bv, r.logV!) - sum(av));
      f64View(x, c.warm + i * d * 8, d).fill(1);
    }
  }
  return total;
}

function sum(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s;
}

/** Σ aᵢ·bᵢ over aᵢ > 0 (0·(−∞) = 0: zero mass carries no potential). */
function dotSupported(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) if (a[i]! > 0) s += a[i]! * b[i]!;
  return s;
}

/**
 * Σᵢ W*_{xᵢ}(gᵢ), the conjugate of W_ε(xᵢ, ·) (Cuturi & Peyré 2016, Thm. 2.4):
 *   W*_a(g) = ε Σ_j a_j (log Σ_l K_jl e^{g_l/ε} − log a_j + 1),
 * and its gradient, the column marginal bᵢ = e^{gᵢ/ε} ⊙ Kᵀ(a ⊘ K e^{gᵢ/ε}), written to B (N × d).
 * gᵢ is max-shifted before the exponential; a column whose K e^{g/ε} underflows is done in the log domain.
 */
function conjugate(c: Ctx, G: number, B: number): number {
  const { d, N, eps } = c;
  const x = c.s.x;
  const [ev, kv, q, ktq, lk, mx, sc] = c.t as [number, number, number, number, number, number, number];
  let total = 0;
  for (let i = 0; i < N; i++) {
    const a = c.X + i * d * 8;
    const g = f64View(x, G + i * d * 8, d);
    let shift = -Infinity;
    for (let j = 0; j < d; j++) shift = Math.max(shift, g[j]!);
    const e = f64View(x, ev, d);
    for (let j = 0; j < d; j++) e[j] = (g[j]! - shift) / eps;
    x.otExpVec(ev, d, ev);
    x.otKv(c.K, d, d, ev, kv);
    if (x.otScale(a, kv, d, q) === 0) {
      x.otKtu(c.K, d, d, q, ktq);
      x.otLogVec(kv, d, lk);
      const bv = f64View(x, B + i * d * 8, d);
      const ev2 = f64View(x, ev, d);
      const kt = f64View(x, ktq, d);
      for (let j = 0; j < d; j++) bv[j] = ev2[j]! * kt[j]!;
      const av = f64View(x, a, d);
      const la = f64View(x, c.logX + i * d * 8, d);
      const lkv = f64View(x, lk, d);
      for (let j = 0; j < d; j++) if (av[j]! > 0) total += av[j]! * (shift + eps * (lkv[j]! - la[j]! + 1));
    } else {
      // Log domain: f = log a − lse_l(−M/ε + g/ε); W* = ε Σ a (1 − f); b = exp(g/ε − (−lse_j(−M/ε + f))).
      const gs = f64View(x, ev, d);
      const gv = f64View(x, G + i * d * 8, d);
      for (let j = 0; j < d; j++) gs[j] = gv[j]! / eps;
      x.otLogRows(c.L, d, d, ev, c.logX + i * d * 8, q);
      f64View(x, lk, d).fill(0);
      x.otLogCols(c.L, d, d, q, lk, ktq, mx, sc);
      const f = f64View(x, q, d);
      const av = f64View(x, a, d);
      for (let j = 0; j < d; j++) if (av[j]! > 0) total += eps * av[j]! * (1 - f[j]!);
      const bv = f64View(x, B + i * d * 8, d);
      const o = f64View(x, ktq, d);
      const gg = f64View(x, ev, d);
      for (let j = 0; j < d; j++) bv[j] = gg[j]! - o[j]!;
      x.otExpVec(B + i * d * 8, d, B + i * d * 8);
    }
  }
  return total;
}

/** One block: a linear map θ ↦ Y (N × d) with its adjoint, and its simplices (θ is `count` segments of `seg`). */
interface Block {
  ptr: number;
  seg: number;
  count: number;
  apply(theta: number, Y: number): void;
  adjoint(G: number, Z: number): void;
}

/** The codes block: Y = H D, Z = G Dᵀ (both N-row-major). */
function codesBlock(c: Ctx): Block {
  return {
    ptr: c.H,
    seg: c.R,
    count: c.N,
    apply: (th, Y) => reconstruct(c, c.D, th, Y),
    adjoint: (G, Z) => {
      for (let i = 0; i < c.N; i++) c.s.x.otKv(c.D, c.R, c.d, G + i * c.d * 8, Z + i * c.R * 8);
    },
  };
}

/** Factor k's block: Y = H D(U⁽ᵏ⁾ = θ), Z[r] = Σᵢ H[i, r] gᵢ contracted with ⊗_{l≠k} U⁽ˡ⁾[r]. */
function factorBlock(c: Ctx, k: number, atoms: number, S: number, hcol: number): Block {
  const { d, N, R, dims } = c;
  const dk = dims[k]!;
  return {
    ptr: c.U[k]!,
    seg: dk,
    count: R,
    apply: (th, Y) => {
      buildAtoms(c, atoms, k, th);
      reconstruct(c, atoms, c.H, Y);
    },
    adjoint: (G, Z) => {
      const x = c.s.x;
      for (let r = 0; r < R; r++) {
        const h = f64View(x, c.H, N * R);
        const hc = f64View(x, hcol, N);
        for (let i = 0; i < N; i++) hc[i] = h[i * R + r]!;
        x.otKtu(G, N, d, hcol, S + r * d * 8);
      }
      const facs = dims.map((dl, l) => f64View(x, c.U[l]!, R * dl));
      const Sv = f64View(x, S, R * d);
      const z = f64View(x, Z, R * dk).fill(0);
      const idx = new Int32Array(dims.length);
      for (let r = 0; r < R; r++) {
        idx.fill(0);
        for (let t = 0; t < d; t++) {
          let w = Sv[r * d + t]!;
          for (let l = 0; l < dims.length; l++) if (l !== k) w *= facs[l]![r * dims[l]! + idx[l]!]!;
          const zi = r * dk + idx[k]!;
          z[zi] = z[zi]! + w;
          for (let l = dims.length - 1; l >= 0; l--) {
            if (++idx[l]! < dims[l]!) break;
            idx[l] = 0;
          }
        }
      }
    },
  };
}

/** Work buffers of the block solver (sized for the largest block). */
interface Work {
  Gx: number;
  Gy: number;
  Gn: number;
  B: number;
  AY: number;
  Z: number;
  th: number;
  v: number;
  w: number;
}

function work(c: Ctx): Work {
  const nd = c.N * c.d;
  const p = Math.max(c.N * c.R, ...c.dims.map((dk) => dk * c.R));
  const s = c.s;
  return { Gx: s.f64(nd), Gy: s.f64(nd), Gn: s.f64(nd), B: s.f64(nd), AY: s.f64(nd), Z: s.f64(p), th: s.f64(p), v: s.f64(p), w: s.f64(p) };
}

/** θ(z) = Proj_C(θ_prev + z/λ) with z = −scale·Z, segment by segment (the gradient of φ*, φ = (λ/2)‖· − θ_prev‖² + ι_C). */
function primalFromDual(c: Ctx, blk: Block, Z: number, out: number): void {
  const x = c.s.x;
  const p = blk.seg * blk.count;
  const pv = f64View(x, blk.ptr, p);
  const zv = f64View(x, Z, p);
  const o = f64View(x, out, p);
  for (let j = 0; j < p; j++) o[j] = pv[j]! - zv[j]! / c.lam;
  const scratch = c.t[7]!;
  for (let q = 0; q < blk.count; q++) {
    const at = out + q * blk.seg * 8;
    x.projectSimplex(at, blk.seg, 1, scratch, at);
  }
}

/** ‖A‖² by power iteration on AᵀA (20 steps from a fixed positive start, 5% margin). */
function operatorNorm2(c: Ctx, blk: Block, wk: Work): number {
  const x = c.s.x;
  const p = blk.seg * blk.count;
  f64View(x, wk.v, p).fill(1 / Math.sqrt(p));
  let est = 0;
  for (let it = 0; it < 20; it++) {
    blk.apply(wk.v, wk.AY);
    blk.adjoint(wk.AY, wk.w);
    const w = f64View(x, wk.w, p);
    let nrm = 0;
    for (let j = 0; j < p; j++) nrm += w[j]! * w[j]!;
    nrm = Math.sqrt(nrm);
    est = nrm;
    if (!(nrm > 0)) return 0;
    const v = f64View(x, wk.v, p);
    for (let j = 0; j < p; j++) v[j] = w[j]! / nrm;
  }
  return est * 1.05;
}

/**
 * The dual of block b's proximal problem  min_{θ ∈ C} Σᵢ W_ε(xᵢ, (Aθ)ᵢ) + (λ/2)‖θ − θ_prev‖²:
 *   max_G Ψ(G) = −Σᵢ W*_{xᵢ}(gᵢ) − φ*(−AᵀG),  φ*(z) = ⟨z, θ(z)⟩ − (λ/2)‖θ(z) − θ_prev‖²,
 * concave with an L-Lipschitz gradient ∇_{gᵢ}Ψ = (A θ(−AᵀG))ᵢ − bᵢ(gᵢ), L ≤ 1/ε + ‖A‖²/λ; solved by
 * FISTA (Beck & Teboulle 2009) ascent with step 1/L from the warm start G (updated in place). The
 * primal candidate θ(−AᵀG) goes to `out`; returns Ψ at the final G.
 */
function dualAscent(c: Ctx, blk: Block, G: number, iters: number, out: number, wk: Work): number {
  const x = c.s.x;
  const nd = c.N * c.d;
  const L = 1 / c.eps + operatorNorm2(c, blk, wk) / c.lam;
  f64View(x, wk.Gx, nd).set(f64View(x, G, nd));
  f64View(x, wk.Gy, nd).set(f64View(x, G, nd));
  let t = 1;
  for (let it = 0; it < iters; it++) {
    blk.adjoint(wk.Gy, wk.Z);
    primalFromDual(c, blk, wk.Z, wk.th);
    blk.apply(wk.th, wk.AY);
    conjugate(c, wk.Gy, wk.B);
    const gy = f64View(x, wk.Gy, nd);
    const gx = f64View(x, wk.Gx, nd);
    const gn = f64View(x, wk.Gn, nd);
    const ay = f64View(x, wk.AY, nd);
    const b = f64View(x, wk.B, nd);
    for (let j = 0; j < nd; j++) gn[j] = gy[j]! + (ay[j]! - b[j]!) / L;
    const t1 = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
    const beta = (t - 1) / t1;
    for (let j = 0; j < nd; j++) {
      gy[j] = gn[j]! + beta * (gn[j]! - gx[j]!);
      gx[j] = gn[j]!;
    }
    t = t1;
  }
  f64View(x, G, nd).set(f64View(x, wk.Gx, nd));
  return dualValue(c, blk, G, out, wk);
}

/** Ψ(G) (see {@link dualAscent}) and the primal candidate θ(−AᵀG) in `out`. */
function dualValue(c: Ctx, blk: Block, G: number, out: number, wk: Work): number {
  const x = c.s.x;
  const p = blk.seg * blk.count;
  blk.adjoint(G, wk.Z);
  primalFromDual(c, blk, wk.Z, out);
  const z = f64View(x, wk.Z, p);
  const th = f64View(x, out, p);
  const prev = f64View(x, blk.ptr, p);
  let phiStar = 0;
  for (let j = 0; j < p; j++) phiStar += -z[j]! * th[j]! - (c.lam / 2) * (th[j]! - prev[j]!) ** 2;
  return -conjugate(c, G, wk.B) - phiStar;
}

function squaredDistance(c: Ctx, a: number, b: number, p: number): number {
  const av = f64View(c.s.x, a, p);
  const bv = f64View(c.s.x, b, p);
  let s = 0;
  for (let j = 0; j < p; j++) s += (av[j]! - bv[j]!) ** 2;
  return s;
}

/** Random positive start: each simplex segment uniform on [0.5, 1.5), normalised. */
function initialise(c: Ctx, seed: number): void {
  const x = c.s.x;
  const g = rng(seed);
  const fill = (ptr: number, seg: number, count: number): void => {
    const u = g.uniform(seg * count);
    for (let q = 0; q < count; q++) {
      let t = 0;
      for (let j = 0; j < seg; j++) t += u[q * seg + j]! + 0.5;
      for (let j = 0; j < seg; j++) u[q * seg + j] = (u[q * seg + j]! + 0.5) / t;
    }
    f64View(x, ptr, seg * count).set(u);
  };
  c.dims.forEach((dk, k) => fill(c.U[k]!, dk, c.R));
  fill(c.H, c.R, c.N);
}

/** Row-major transpose of an a × b array. */
function transpose(v: Float64Array, a: number, b: number): Float64Array {
  const out = new Float64Array(a * b);
  for (let i = 0; i < a; i++) for (let j = 0; j < b; j++) out[j * a + i] = v[i * b + j]!;
  return out;
}

/**
 * Wasserstein CP-dictionary learning (Kwon & Lyu 2023, the W-CPDL application of BCD-PR) by BCD-PR in
 * the dual (Gauss–Seidel sweeps over the blocks, each proximal block problem solved through its Fenchel dual):
 *
 *   min  F(U⁽¹⁾, …, U⁽ⁿ⁾, H) = Σᵢ₌₁ᴺ W_ε(xᵢ, D hᵢ),   D = [U⁽¹⁾[:, r] ⊗ … ⊗ U⁽ⁿ⁾[:, r]]_{r=1..R},
 *   over U⁽ᵏ⁾ ∈ (Δ_{d_k})^R (columns in the simplex) and H ∈ (Δ_R)^N,
 *
 * where xᵢ ∈ Δ_d (d = d₁⋯d_n) are the data histograms (the columns of X, normalised to sum 1), each
 * atom D[:, r] is a product distribution on the grid (a rank-one tensor: the CP dictionary), and
 * W_ε(a, b) = min_{P ≥ 0, P1 = a, Pᵀ1 = b} ⟨P, M⟩ + ε Σ P_jl (log P_jl − 1) is the entropic
 * Wasserstein loss. With shape [d] (the default) this is Wasserstein NMF / dictionary learning
 * (Rolet, Cuturi & Peyré 2016) with simplex-constrained atoms and codes.
 *
 * Sweep k updates U⁽¹⁾, …, U⁽ⁿ⁾, H in turn (Gauss–Seidel): block θ_b ← argmin_{θ ∈ C_b} F(…, θ, …) +
 * (λ/2)‖θ − θ_b⁽ᵏ⁻¹⁾‖². Every block problem is convex (F is linear-in-θ composed with W_ε(xᵢ, ·)), and
 * is solved in its dual max_G −Σᵢ W*_{xᵢ}(gᵢ) − φ*(−AᵀG) (W* in closed form, Cuturi & Peyré 2016
 * Thm. 2.4; φ* of the proximal term plus the simplex constraints, whose gradient is a simplex
 * projection), by `innerIter` FISTA steps warm-started from the previous sweep's dual variables; the
 * primal block is recovered as θ = Proj_C(θ_prev − AᵀG/λ). A candidate is accepted only if it passes
 * BCD-PR's sufficient decrease F(new) + (λ/2)‖Δθ‖² ≤ F(old) (after at most one more round of
 * `innerIter` steps), or else if F still decreases; otherwise the block keeps its value (counted in
 * `rejected`). So the objective never increases. F is evaluated by Sinkhorn to a marginal error 1e-11.
 *
 * Per sweep the history records F, the step ‖θ⁽ᵏ⁾ − θ⁽ᵏ⁻¹⁾‖ and λ‖θ⁽ᵏ⁾ − θ⁽ᵏ⁻¹⁾‖: by each block's optimality
 * condition, λ(θ_b⁽ᵏ⁾ − θ_b⁽ᵏ⁻¹⁾) is (minus) the gradient-plus-normal-cone residual of F at the point
 * where block b was updated, so it is zero exactly at a fixed point of the sweep (a blockwise stationary
 * point). With the sufficient decrease above, Σ_k (λ/2)‖Δθ⁽ᵏ⁾‖² ≤ F(θ⁽⁰⁾) − inf F, hence
 * min_{k ≤ K} ‖Δθ⁽ᵏ⁾‖² ≤ 2(F(θ⁽⁰⁾) − inf F)/(λK): the O(1/K) rate behind the paper's Õ(1/ε) complexity.
 *
 * @param X  N ≥ 1 histograms of length d: an array of vectors, or the columns of a `{ data, rows: d, cols: N }`
 *   row-major matrix; each finite, ≥ 0 with a positive sum (normalised to 1).
 * @param options  rank (required), reg (required), rho (1), shape ([d]), M (normalised grid cost), maxIter (30),
 *   innerIter (100), tol (1e-6), seed (0), onProgress, signal.
 * @throws ParameterError for rank/reg/rho/maxIter/innerIter that are not positive, negative data, zero-sum
 *   histograms, bad options; ShapeError for histograms of unequal length, a shape not multiplying to d, or an M
 *   that is not d × d; NonFiniteError for NaN/±Inf in X or M.
 */
export function wassersteinCpDictionary(X: VectorInput[] | MatrixInput, options: WassersteinCpOptions): WassersteinCpResult {
  const fn = 'wassersteinCpDictionary';
  const p = validate(fn, X, options);
  const maxIter = positiveInteger(fn, 'options.maxIter', orDefault(options.maxIter, 30));
  const innerIter = positiveInteger(fn, 'options.innerIter', orDefault(options.innerIter, 100));
  const tol = nonNegative(fn, 'options.tol', orDefault(options.tol, 1e-6));
  const seed = orDefault(options.seed, 0);
  checkSeed(fn, seed, 'options.seed');
  const { onProgress, signal } = options;
  readCallback(fn, 'options.onProgress', onProgress);
  readSignal(fn, signal);
  return withScope(fn, (s) => {
    const c = context(s, p);
    const x = s.x;
    const { d, N, R, dims } = c;
    initialise(c, seed);
    buildAtoms(c, c.D);
    reconstruct(c, c.D, c.H, c.Y);
    let F = objective(c, c.Y);
    const initialObjective = F;
    const atoms = s.f64(R * d);
    const S = s.f64(R * d);
    const hcol = s.f64(N);
    const Ycand = s.f64(N * d);
    const wk = work(c);
    const blocks = [...dims.map((_, k) => factorBlock(c, k, atoms, S, hcol)), codesBlock(c)];
    const duals = blocks.map(() => {
      const g = s.f64(N * d);
      f64View(x, g, N * d).fill(0);
      return g;
    });
    const cand = s.f64(Math.max(N * R, ...dims.map((dk) => dk * R)));
    const history: WassersteinCpIterate[] = [];
    const t0 = performance.now();
    let stopped: WassersteinCpResult['stopped'] = 'maxIter';
    let rejectedAll = 0;
    let it = 0;
    while (it < maxIter) {
      if (signal?.aborted) {
        stopped = 'aborted';
        break;
      }
      it++;
      let step2 = 0;
      let rejected = 0;
      blocks.forEach((blk, b) => {
        const size = blk.seg * blk.count;
        let accepted = false;
        for (let attempt = 0; attempt < 2 && !accepted; attempt++) {
          dualAscent(c, blk, duals[b]!, innerIter, cand, wk);
          blk.apply(cand, Ycand);
          const Fnew = objective(c, Ycand);
          const dist2 = squaredDistance(c, cand, blk.ptr, size);
          const sufficient = Fnew + (c.lam / 2) * dist2 <= F;
          if (sufficient || (attempt === 1 && Fnew < F)) {
            f64View(x, blk.ptr, size).set(f64View(x, cand, size));
            f64View(x, c.Y, N * d).set(f64View(x, Ycand, N * d));
            F = Fnew;
            step2 += dist2;
            accepted = true;
          }
        }
        if (!accepted) rejected++;
        if (b < dims.length) buildAtoms(c, c.D);
      });
      rejectedAll += rejected;
      const step = Math.sqrt(step2);
      const info: WassersteinCpIterate = { iteration: it, objective: F, step, stationarity: c.lam * step, rejected, elapsed: performance.now() - t0 };
      history.push(info);
      const stop = onProgress !== undefined && onProgress(info) === false;
      if (info.stationarity < tol) {
        stopped = 'converged';
        break;
      }
      if (stop) {
        stopped = 'callback';
        break;
      }
    }
    const factors = dims.map((dk, k) => transpose(f64View(x, c.U[k]!, R * dk).slice(), R, dk));
    return {
      factors,
      codes: transpose(f64View(x, c.H, N * R).slice(), N, R),
      dictionary: transpose(f64View(x, c.D, R * d).slice(), R, d),
      reconstruction: transpose(f64View(x, c.Y, N * d).slice(), N, d),
      objective: F,
      initialObjective,
      iterations: it,
      converged: stopped === 'converged',
      stopped,
      history,
      rejected: rejectedAll,
    };
  });
}

/**
 * One block step of {@link wassersteinCpDictionary} (internal; exported for tests): the dual solve, from
 * G = 0, of  min_{θ ∈ C_b} Σᵢ W_ε(xᵢ, yᵢ(θ)) + (λ/2)‖θ − θ_b‖²  for block b (0..n−1: factor U⁽ᵇ⁺¹⁾,
 * n: the codes) with the other blocks fixed. factors[k] is d_k × R row-major, codes R × N row-major.
 * Returns the primal candidate (in the block's own layout: d_k × R or R × N), the dual value Ψ(G) and
 * the primal block objective at the candidate.
 */
export function wcpBlockStep(
  X: VectorInput[] | MatrixInput,
  factors: ArrayLike<number>[],
  codes: ArrayLike<number>,
  block: number,
  options: { rank: number; reg: number; rho: number; innerIter: number; shape?: number[]; M?: MatrixInput },
): { theta: Float64Array; dual: number; primal: number } {
  const fn = 'wcpBlockStep';
  const p = validate(fn, X, options);
  const { d, N, R, dims } = p;
  return withScope(fn, (s) => {
    const c = context(s, p);
    const x = s.x;
    dims.forEach((dk, k) => f64View(x, c.U[k]!, R * dk).set(transpose(Float64Array.from(factors[k]!), dk, R)));
    f64View(x, c.H, N * R).set(transpose(Float64Array.from(codes), R, N));
    buildAtoms(c, c.D);
    const wk = work(c);
    const blk = block < dims.length ? factorBlock(c, block, s.f64(R * d), s.f64(R * d), s.f64(N)) : codesBlock(c);
    const size = blk.seg * blk.count;
    const G = s.f64(N * d);
    f64View(x, G, N * d).fill(0);
    const cand = s.f64(size);
    const dual = dualAscent(c, blk, G, options.innerIter, cand, wk);
    const Yc = s.f64(N * d);
    blk.apply(cand, Yc);
    const primal = objective(c, Yc) + (c.lam / 2) * squaredDistance(c, cand, blk.ptr, size);
    return { theta: transpose(f64View(x, cand, size).slice(), blk.count, blk.seg), dual, primal };
  });
}
