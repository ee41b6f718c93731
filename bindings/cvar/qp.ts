/**
 * cvarQp: quadratic programs with a CVaR constraint on m scenarios,
 *
 *   minimise ½xᵀPx + qᵀx   subject to   CVaR_β(Ax) ≤ κ,   l ≤ Bx ≤ u,
 *
 * by ADMM on the splitting z = Ax, y = Bx (the set-up of Luxenberg, Pérez-Piñeiro, Diamond & Boyd,
 * "An operator splitting method for large-scale CVaR-constrained quadratic programs", 2025): the
 * z-step is the Euclidean projection onto {z : CVaR_β(z) ≤ κ} (`projectCvarSet`, O(m + r log r)),
 * the y-step a clip, and the x-step one linear system whose n×n matrix P + σI + ρ_A·AᵀA + Bᵀ·R_B·B is
 * factored once per ρ (Cholesky in WASM) and reused. The products with A, the Gram matrix and the
 * factorisation run in assembly/cvar/qp.ts.
 */
import { ParameterError, ShapeError, parameterError } from '../runtime/errors.js';
import { readMatrix, type MatrixInput } from '../runtime/matrix.js';
import { f64View, numbersOf, place, Scope, vectorLength, type VectorInput } from '../runtime/memory.js';
import type { StopState } from '../runtime/stop.js';
import { stopAfterReport } from '../runtime/stop.js';
import type { AbortSignalLike } from '../runtime/types.js';
import { nonNegativeInteger, optionKeys, positiveFinite, readCallback, readOptions, readSignal } from '../runtime/validate.js';
import { checkBeta, finiteNumber, tail } from './cvar.js';
import { readWeights } from './weighted.js';

/** The problem of {@link cvarQp}. x has n entries; A has one row per scenario. */
export interface CvarQpProblem {
  /** n×n symmetric positive semidefinite matrix of the quadratic term. Default 0 (a linear objective). */
  P?: MatrixInput;
  /** Linear term, length n. Default 0. */
  q?: ArrayLike<number>;
  /**
   * The m×n scenario matrix: (Ax)ᵢ is the loss of x in scenario i (for a portfolio with returns R,
   * A = −R). A `{ data, rows, cols }` whose data is an F64Buffer is used in place (no copy).
   */
  A: MatrixInput;
  /** CVaR level β ∈ [0, 1): the constraint bounds the mean of the worst (1 − β)·m losses. */
  beta: number;
  /** The bound κ on CVaR_β(Ax). */
  kappa: number;
  /** p×n matrix of the two-sided linear constraints l ≤ Bx ≤ u. Default none (p = 0). */
  B?: MatrixInput;
  /** Lower bounds, length p; −Infinity for none. Default all −Infinity. */
  l?: ArrayLike<number>;
  /** Upper bounds, length p; +Infinity for none. Default all +Infinity. */
  u?: ArrayLike<number>;
  /**
   * Scenario weights, length m, ≥ 0 with a positive sum (normalised to probabilities): the CVaR is then
   * the mean of the worst 1 − β of the probability mass. Default equal weights. The weighted projection
   * (WASM) is a safeguarded Newton iteration of O(m) passes, warm-started from the previous iteration's
   * multiplier.
   */
  weights?: ArrayLike<number>;
}

/** A point to start {@link cvarQp} from: any subset of these iterates (a previous {@link CvarQpResult} has them all; its other fields are ignored). */
export interface CvarQpWarmStart {
  /** x, length n. */
  x?: ArrayLike<number>;
  /** z (the split copy of Ax), length m. */
  z?: ArrayLike<number>;
  /** y (the split copy of Bx), length p. */
  y?: ArrayLike<number>;
  /** The multiplier λ of z = Ax, length m (as returned in `dualCvar`). */
  dualCvar?: ArrayLike<number>;
  /** The multiplier ν of y = Bx, length p (as returned in `dualBox`). */
  dualBox?: ArrayLike<number>;
}

/** Progress of {@link cvarQp}, reported every iteration. */
export interface CvarQpProgress {
  /** Iterations done (≥ 1). */
  iteration: number;
  /** max(‖Ax − z‖_β, ‖Bx − y‖∞), where ‖r‖_β = CVaR_β(|r|) is the mean of the largest (1 − β)·m entries of |r| (weighted like the CVaR when there are scenario weights). */
  primalResidual: number;
  /** ‖Px + q + Aᵀλ + Bᵀν‖∞ (the stationarity of the Lagrangian at the current multipliers). */
  dualResidual: number;
  /** The current ρ. */
  rho: number;
}

/** Options of {@link cvarQp}. */
export interface CvarQpOptions {
  /**
   * Initial ADMM penalty ρ > 0, relative to the problem's scale: the split z = Ax gets the penalty
   * ρ·m/((1 − β)m·tr(AᵀA)) (ρ over the tail count times the mean squared row norm of A) and row r of
   * y = Bx gets ρ/‖B_r‖², so the same ρ suits every number of scenarios. Default 0.1.
   */
  rho?: number;
  /**
   * Adapt ρ to balance the relative primal and dual residuals (their ratio's geometric mean since the
   * last change), refactoring the n×n system when the balance asks for a change by more than 10×; the
   * first change may come after 25 iterations, each later one waits twice as long as the previous
   * (so ρ settles). Default true.
   */
  adaptiveRho?: boolean;
  /** Over-relaxation α ∈ (0, 2). Default 1.6. */
  alpha?: number;
  /**
   * How the x-step's n×n system (P + σI + ρ_A·AᵀA + Bᵀ·R_B·B) x = b is solved:
   * - 'cholesky' (default): AᵀA is formed once (m·n²/2 multiply-adds, n² doubles) and the matrix is factored
   *   once per ρ (n³/3); each iteration then costs two n×n triangular solves. Best while n is up to a few hundred.
   * - 'cg': matrix-free conjugate gradients with a Jacobi preconditioner, warm-started from the previous x;
   *   each CG step multiplies by AᵀA in one pass over A (WASM), so nothing of size n² is formed or factored
   *   (setup O(m·n)). A step stops when ‖b − Mx‖∞ ≤ max(0.1·ε_dual, 0.02·r_dual) of the previous iteration
   *   (loose early, a tenth of the dual tolerance at the end; capped at 2n + 20 steps). It needs no n×n
   *   memory beyond P, where the Cholesky path holds 4n² doubles (3.2 GB at n = 10⁴); it was 1.2–1.8× slower
   *   than 'cholesky' at 100 to 2,000 assets (each CG step is one more pass over A), so choose it when the
   *   n×n matrices do not fit.
   */
  linearSolver?: 'cholesky' | 'cg';
  /** Proximal weight σ > 0 of ½σ‖x − x_k‖² in the x-step (keeps the system definite when P and A are rank-deficient). Default 1e-6. */
  sigma?: number;
  /** Iteration budget. Default 10000. */
  maxIter?: number;
  /** Absolute tolerance of both residuals. Default 1e-7. */
  absTol?: number;
  /** Relative tolerance of both residuals (against the sizes ‖Ax‖_β, ‖z‖_β, ‖Bx‖∞, ‖y‖∞ and ‖Px‖∞, ‖Aᵀλ + Bᵀν‖∞, ‖q‖∞). Default 1e-6. */
  relTol?: number;
  /** Starting point (e.g. the previous result for a nearby problem). Default x = 0, z = y = 0, zero multipliers. */
  warmStart?: CvarQpWarmStart;
  /** Called after every iteration; return false to stop (stopped = 'callback'). */
  onProgress?: (info: CvarQpProgress) => unknown;
  /** Checked every iteration; an aborted signal ends the run (stopped = 'aborted'). */
  signal?: AbortSignalLike;
}

/** Result of {@link cvarQp}. */
export interface CvarQpResult {
  /** The solution x, length n. */
  x: Float64Array;
  /** ½xᵀPx + qᵀx at x. */
  objective: number;
  /** CVaR_β(Ax) at x (≤ κ up to the primal tolerance when converged). */
  cvar: number;
  /** z, the point of the CVaR set that Ax is split against (CVaR_β(z) ≤ κ exactly, up to rounding). */
  z: Float64Array;
  /** y = clip(Bx + …, l, u), length p. */
  y: Float64Array;
  /**
   * Multiplier λ of z = Ax (length m). It lies in the normal cone of the CVaR set at z: λ = μ·w with
   * μ ≥ 0 the multiplier of the CVaR constraint and w a CVaR subgradient weight vector (Σw = 1).
   */
  dualCvar: Float64Array;
  /** Multiplier ν of y = Bx (length p): ≥ 0 where the upper bound is active, ≤ 0 where the lower one is, 0 elsewhere. */
  dualBox: Float64Array;
  /** μ = Σλ ≥ 0, the multiplier of the CVaR constraint (0 when it is not active). */
  cvarMultiplier: number;
  /** The certificate at the returned point. */
  kkt: {
    /** ‖Px + q + Aᵀλ + Bᵀν‖∞ with the returned multipliers. */
    stationarity: number;
    /** max(CVaR_β(Ax) − κ, 0). */
    cvarViolation: number;
    /** The largest distance of a (Bx)ᵢ to [lᵢ, uᵢ] (0 when all hold). */
    boxViolation: number;
    /** |μ·(CVaR_β(Ax) − κ)|: 0 when the limit binds or its multiplier is 0. */
    complementarity: number;
  };
  /** max(‖Ax − z‖_β, ‖Bx − y‖∞) at the end (‖r‖_β = CVaR_β(|r|); it bounds CVaR_β(Ax) − κ). */
  primalResidual: number;
  /** ‖Px + q + Aᵀλ + Bᵀν‖∞ at the end. */
  dualResidual: number;
  /** ρ at the end (on the scale of the `rho` option: pass it back with a warm start). */
  rho: number;
  /** Iterations done. */
  iterations: number;
  /** Whether both residuals met their tolerances. */
  converged: boolean;
  /** Why the run ended. */
  stopped: Extract<StopState, 'converged' | 'maxIter' | 'callback' | 'aborted' | 'diverged'>;
  /** How often the n×n system was factored (1 + the ρ changes; 0 with linearSolver 'cg'). */
  factorizations: number;
  /** Conjugate-gradient steps over all iterations (each one pass over A); 0 with linearSolver 'cholesky'. */
  cgIterations: number;
  /** Wall-clock milliseconds. */
  timeMs: {
    /** Reading the problem, placing A in WASM memory, AᵀA and the first factorisation. */
    setup: number;
    /** The iterations. */
    solve: number;
  };
}

const KEYS = optionKeys<CvarQpOptions>({
  rho: true, adaptiveRho: true, alpha: true, sigma: true, linearSolver: true, maxIter: true, absTol: true, relTol: true, warmStart: true, onProgress: true, signal: true,
});
const PROBLEM_KEYS = ['P', 'q', 'A', 'beta', 'kappa', 'B', 'l', 'u', 'weights'];

const normInf = (v: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < v.length; i++) { const a = Math.abs(v[i]!); if (a > m) m = a; }
  return m;
};

/** A finite vector of length `n` (a copy). */
function finiteVector(fn: string, name: string, v: unknown, n: number): Float64Array {
  const len = vectorLength(fn, name, v);
  if (len !== n) throw new ShapeError(`${fn}: ${name} must have length ${n} (got ${len})`);
  const a = numbersOf(fn, name, v);
  const bad = a.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) throw parameterError(fn, `${name}[${bad}]`, 'a finite number', a[bad]);
  return a;
}

/**
 * Minimises ½xᵀPx + qᵀx subject to CVaR_β(Ax) ≤ κ and l ≤ Bx ≤ u, by ADMM with the CVaR projection.
 *
 * Each iteration, with scaled multipliers u_z, u_y and relaxation α:
 *   x ← (P + σI + ρ_A·AᵀA + BᵀR_B B)⁻¹ (σx − q + ρ_A·Aᵀ(z − u_z) + BᵀR_B(y − u_y))
 *   ẑ = α·Ax + (1 − α)·z,   z ← Π_{CVaR_β ≤ κ}(ẑ + u_z),   u_z ← u_z + ẑ − z
 *   ŷ = α·Bx + (1 − α)·y,   y ← clip(ŷ + u_y, l, u),       u_y ← u_y + ŷ − y
 * with the block penalties ρ_A = ρ/((1 − β)·tr(AᵀA)) (ρ over the tail count (1 − β)m and the mean
 * squared row norm of A) and R_B = diag(ρ/‖B_r‖²), and the multipliers λ = ρ_A·u_z, ν = R_B·u_y.
 * The CVaR block's residual is measured in ‖r‖_β = CVaR_β(|r|), the mean of the largest (1 − β)m
 * entries of |r| — the norm dual to the CVaR multipliers' set {0 ≤ λ ≤ μ/((1 − β)m), Σλ = μ}, so that
 * λᵀ(Ax − z) ≤ μ‖Ax − z‖_β and CVaR_β(Ax) ≤ κ + ‖Ax − z‖_β. With these two scalings the penalty and
 * the stopping test do not change with m, nor does the iteration count (about 350–580 from 10³ to
 * 10⁶ scenarios on a 100-asset portfolio; docs/experiments/cvar-qp-scaling.md).
 * The run stops when max(‖Ax − z‖_β, ‖Bx − y‖∞) ≤ absTol + relTol·max(‖Ax‖_β, ‖z‖_β, ‖Bx‖∞, ‖y‖∞) and
 * ‖Px + q + Aᵀλ + Bᵀν‖∞ ≤ absTol + relTol·max(‖Px‖∞, ‖Aᵀλ + Bᵀν‖∞, ‖q‖∞).
 * λ stays in the normal cone of the CVaR set at z by construction (it is a projection residual), so
 * these two residuals and the returned `kkt` are a certificate of optimality for the convex problem.
 *
 * Cost: AᵀA once (m·n²/2), then per iteration two passes over A (one for Ax, one for Aᵀz and Aᵀu_z
 * together), the projection (O(m + r log r), r the entries at or above its threshold), an O(m)
 * selection for the residual norm (two more for the scales near convergence) and an n×n triangular solve pair. With linearSolver 'cg' there is no
 * AᵀA and no factorisation; each CG step of the x-update is one more pass over A.
 *
 * @param problem  P (n×n PSD, default 0), q (default 0), A (m×n), β ∈ [0, 1), κ, optionally B (p×n) with l, u (±Infinity allowed) and scenario weights (length m).
 * @param options  rho (0.1), adaptiveRho (true), alpha (1.6), sigma (1e-6), linearSolver ('cholesky'; 'cg' for matrix-free conjugate gradients), maxIter (10000), absTol (1e-7), relTol (1e-6), warmStart, onProgress, signal.
 * @throws ParameterError for bad values (β outside [0, 1), κ not finite, l > u, unknown keys); ShapeError for mismatched sizes;
 *   ProxkitError ERR_NUMERIC when P is not positive semidefinite enough for the system to factor.
 */
export function cvarQp(problem: CvarQpProblem, options?: CvarQpOptions): CvarQpResult {
  const fn = 'cvarQp';
  const t0 = performance.now();
  if (typeof problem !== 'object' || problem === null || Array.isArray(problem)) throw parameterError(fn, 'problem', 'an object { P, q, A, beta, kappa, B, l, u }', problem);
  readOptions(fn, problem, PROBLEM_KEYS, 'problem');
  const o = readOptions(fn, options, KEYS);
  const beta = checkBeta(fn, problem.beta, 'problem.beta');
  const kappa = finiteNumber(fn, 'problem.kappa', problem.kappa);
  if (problem.A === undefined) throw parameterError(fn, 'problem.A', 'an m × n matrix', undefined);
  const Am = readMatrix(fn, 'problem.A', problem.A);
  const [m, n] = [Am.rows, Am.cols];
  if (m === 0 || n === 0) throw new ShapeError(`${fn}: problem.A must have at least one row and one column (got ${m} × ${n})`);
  const P = problem.P === undefined ? null : finiteVector(fn, 'problem.P.data', readMatrix(fn, 'problem.P', problem.P, { rows: n, cols: n, label: 'n' }).data, n * n);
  if (P) {
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) {
      const [a, b] = [P[i * n + j]!, P[j * n + i]!];
      if (Math.abs(a - b) > 1e-12 * Math.max(1, Math.abs(a), Math.abs(b))) throw new ParameterError(`${fn}: problem.P must be symmetric (got P[${i}][${j}] = ${a} but P[${j}][${i}] = ${b})`);
    }
  }
  const q = problem.q === undefined ? new Float64Array(n) : finiteVector(fn, 'problem.q', problem.q, n);
  let p = 0;
  let B: Float64Array | null = null;
  if (problem.B !== undefined) {
    const Bm = readMatrix(fn, 'problem.B', problem.B, { cols: n, label: 'n' });
    p = Bm.rows;
    B = finiteVector(fn, 'problem.B.data', Bm.data, p * n);
  } else if (problem.l !== undefined || problem.u !== undefined) {
    throw new ParameterError(`${fn}: problem.l and problem.u bound Bx and need problem.B (got no B)`);
  }
  const bound = (name: 'l' | 'u', fill: number): Float64Array => {
    const v = problem[name];
    if (v === undefined) return new Float64Array(p).fill(fill);
    const len = vectorLength(fn, `problem.${name}`, v);
    if (len !== p) throw new ShapeError(`${fn}: problem.${name} must have length ${p} (the rows of B) (got ${len})`);
    const a = numbersOf(fn, `problem.${name}`, v);
    const bad = a.findIndex((x) => Number.isNaN(x));
    if (bad >= 0) throw parameterError(fn, `problem.${name}[${bad}]`, 'a number or ±Infinity', a[bad]);
    return a;
  };
  const lo = bound('l', -Infinity);
  const hi = bound('u', Infinity);
  for (let i = 0; i < p; i++) {
    if (lo[i] === Infinity) throw parameterError(fn, `problem.l[${i}]`, 'a finite number or -Infinity', lo[i]);
    if (hi[i] === -Infinity) throw parameterError(fn, `problem.u[${i}]`, 'a finite number or Infinity', hi[i]);
    if (!(lo[i]! <= hi[i]!)) throw new ParameterError(`${fn}: problem.l[${i}] must be ≤ problem.u[${i}] (got ${lo[i]} > ${hi[i]})`);
  }

  let rho = o.rho === undefined ? 0.1 : positiveFinite(fn, 'options.rho', o.rho);
  const adaptive = o.adaptiveRho === undefined ? true : o.adaptiveRho;
  if (typeof adaptive !== 'boolean') throw parameterError(fn, 'options.adaptiveRho', 'true or false', adaptive);
  const alpha = o.alpha === undefined ? 1.6 : finiteNumber(fn, 'options.alpha', o.alpha);
  if (!(alpha > 0 && alpha < 2)) throw parameterError(fn, 'options.alpha', 'in (0, 2)', alpha);
  const sigma = o.sigma === undefined ? 1e-6 : positiveFinite(fn, 'options.sigma', o.sigma);
  const linearSolver = o.linearSolver === undefined ? 'cholesky' : o.linearSolver;
  if (linearSolver !== 'cholesky' && linearSolver !== 'cg') throw parameterError(fn, 'options.linearSolver', "'cholesky' or 'cg'", linearSolver);
  const useCg = linearSolver === 'cg';
  const maxIter = o.maxIter === undefined ? 10000 : nonNegativeInteger(fn, 'options.maxIter', o.maxIter);
  const absTol = o.absTol === undefined ? 1e-7 : positiveFinite(fn, 'options.absTol', o.absTol);
  const relTol = o.relTol === undefined ? 1e-6 : (() => {
    const r = finiteNumber(fn, 'options.relTol', o.relTol);
    if (!(r >= 0)) throw parameterError(fn, 'options.relTol', 'finite and ≥ 0', r);
    return r;
  })();
  const onProgress = readCallback(fn, 'options.onProgress', o.onProgress);
  const signal = readSignal(fn, o.signal);
  const ws = o.warmStart;
  if (ws !== undefined && (typeof ws !== 'object' || ws === null || Array.isArray(ws))) throw parameterError(fn, 'options.warmStart', 'an object { x, z, y, dualCvar, dualBox }', ws);
  const warm = (name: keyof CvarQpWarmStart, len: number): Float64Array | null => (ws?.[name] === undefined ? null : finiteVector(fn, `options.warmStart.${name}`, ws[name], len));
  const x = warm('x', n) ?? new Float64Array(n);
  const y = warm('y', p) ?? new Float64Array(p);
  const nu0 = warm('dualBox', p);
  const z0 = warm('z', m);
  const lambda0 = warm('dualCvar', m);
  const k = tail(m, beta);
  const probabilities = problem.weights === undefined ? null : readWeights(fn, 'problem.weights', problem.weights, m);

  const s = new Scope(fn);
  try {
    // A in WASM memory (borrowed when it is an F64Buffer), checked finite in one pass
    const Aptr = place(s, Am.data as VectorInput, m * n).ptr;
    {
      const Av = f64View(s.x, Aptr, m * n);
      for (let i = 0; i < Av.length; i++) if (!Number.isFinite(Av[i]!)) throw parameterError(fn, `problem.A.data[${i}]`, 'a finite number', Av[i]);
    }
    // Cholesky: AᵀA and the factor (n × n each); CG: the diagonal of AᵀA, P and B in WASM memory for the
    // mat-vecs, and the CG vectors
    const gram = useCg ? 0 : s.f64(n * n);
    const fac = useCg ? 0 : s.f64(n * n);
    const diagA = useCg ? s.f64(n) : 0;
    const Pptr = useCg && P ? place(s, P, n * n).ptr : 0;
    const Bptr = useCg && B ? place(s, B, p * n).ptr : 0;
    const cgDir = useCg ? s.f64(n) : 0;
    const cgOut = useCg ? s.f64(n) : 0;
    const cgTmpN = useCg ? s.f64(n) : 0;
    const cgTmpP = useCg && p > 0 ? s.f64(p) : 0;
    const ax = s.f64(m);
    const z = s.f64(m);
    const uz = s.f64(m);
    const w = s.f64(m);
    const scratch = s.f64(m);
    const info = s.f64(3);
    // the weighted projection: probabilities in WASM memory, 2m scratch, μ of the last iteration as its warm start
    const pPtr = probabilities ? place(s, probabilities, m).ptr : 0;
    const scratch2 = probabilities ? s.f64(2 * m) : 0;
    const atz = s.f64(n);
    const atu = s.f64(n);
    const rhs = s.f64(n);
    const xPtr = s.f64(n);
    const evalOut = s.f64(2);
    const view = (ptr: number, len: number) => f64View(s.x, ptr, len);
    view(info, 3).fill(0);
    if (useCg) s.x.cvarQpColumnSumSq(Aptr, m, n, diagA);
    else {
      view(gram, n * n).fill(0);
      s.x.cvarQpGramAdd(Aptr, m, n, gram);
    }
    // Block penalties (see the TSDoc): ρ·wA on z = Ax, ρ·wB[r] on row r of y = Bx. The CVaR block acts
    // like one constraint spread over its (1 − β)·m tail rows, each carrying 1/((1 − β)m) of its multiplier,
    // so its penalty is divided by the tail count and by the mean squared row norm of A; a row of B by its
    // squared norm. With one ρ for both blocks the CVaR block's weight grew like m (AᵀA does).
    let trA = 0;
    if (useCg) { const D = view(diagA, n); for (let i = 0; i < n; i++) trA += D[i]!; } else { const G0 = view(gram, n * n); for (let i = 0; i < n; i++) trA += G0[i * n + i]!; }
    const wA = trA > 0 ? m / (Math.max(1, (1 - beta) * m) * trA) : 1;
    const wB = new Float64Array(p);
    if (B) for (let r = 0; r < p; r++) { let v = 0; for (let j = 0; j < n; j++) v += B[r * n + j]! ** 2; wB[r] = v > 0 ? 1 / v : 1; }
    const GA = useCg ? null : view(gram, n * n).slice();
    // Bᵀ·diag(wB)·B in TS (p rows, usually few)
    const GB = useCg ? null : new Float64Array(n * n);
    if (GB && B) {
      for (let r = 0; r < p; r++) for (let i = 0; i < n; i++) {
        const bi = B[r * n + i]! * wB[r]!;
        if (bi !== 0) for (let j = 0; j < n; j++) GB[i * n + j]! += bi * B[r * n + j]!;
      }
    }
    let factorizations = 0;
    // CG's Jacobi preconditioner: the diagonal of P + σI + ρ_A·AᵀA + Bᵀ·R_B·B
    const jacobi = new Float64Array(useCg ? n : 0);
    const factor = (): void => {
      if (useCg) {
        const D = view(diagA, n);
        for (let j = 0; j < n; j++) jacobi[j] = sigma + rho * wA * D[j]! + (P ? P[j * n + j]! : 0);
        if (B) for (let r = 0; r < p; r++) for (let j = 0; j < n; j++) jacobi[j]! += rho * wB[r]! * B[r * n + j]! ** 2;
        return;
      }
      const F = view(fac, n * n);
      for (let i = 0; i < n * n; i++) F[i] = rho * (wA * GA![i]! + GB![i]!) + (P ? P[i]! : 0);
      for (let i = 0; i < n; i++) F[i * n + i]! += sigma;
      const bad = s.x.cvarQpCholesky(fac, n);
      if (bad !== 0) throw new ParameterError(`${fn}: P + σI + ρ_A·AᵀA + Bᵀ·R_B·B is not positive definite (pivot ${bad} of ${n}); problem.P must be positive semidefinite`);
      factorizations++;
    };
    factor();
    // the starting iterates: z = Ax unless given, multipliers scaled by 1/ρ
    view(xPtr, n).set(x);
    s.x.cvarQpMatVec(Aptr, m, n, xPtr, ax);
    view(z, m).set(z0 ?? view(ax, m));
    if (lambda0) { const U = view(uz, m); for (let i = 0; i < m; i++) U[i] = lambda0[i]! / (rho * wA); } else view(uz, m).fill(0);
    const uy = new Float64Array(p);
    if (nu0) for (let i = 0; i < p; i++) uy[i] = nu0[i]! / (rho * wB[i]!);
    if (!ws?.y && B) for (let r = 0; r < p; r++) { let v = 0; for (let j = 0; j < n; j++) v += B[r * n + j]! * x[j]!; y[r] = Math.min(hi[r]!, Math.max(lo[r]!, v)); }
    s.x.cvarQpMatTVec2(Aptr, m, n, z, uz, atz, atu);
    const setupMs = performance.now() - t0;

    // ‖v‖_β = CVaR_β(v) for v ≥ 0 (weighted when the scenarios are), by selection: O(m)
    const tailMean = (ptr: number): number => {
      const bad = probabilities ? s.x.weightedCvarEval(ptr, pPtr, m, 1 - beta, scratch2, evalOut) : s.x.cvarEval(ptr, m, k, scratch, evalOut);
      return bad !== 0 ? NaN : view(evalOut, 2)[1]!;
    };
    // out = (P + σI + ρ_A·AᵀA + Bᵀ·R_B·B)·v for v, out in WASM memory: AᵀAv in one pass over A
    const mulSystem = (v: number, out: number): void => {
      s.x.cvarQpNormalMatVec(Aptr, m, n, v, out);
      const O = view(out, n), V = view(v, n);
      for (let j = 0; j < n; j++) O[j] = rho * wA * O[j]! + sigma * V[j]!;
      if (P) {
        s.x.cvarQpMatVec(Pptr, n, n, v, cgTmpN);
        const T = view(cgTmpN, n);
        for (let j = 0; j < n; j++) O[j]! += T[j]!;
      }
      if (B) {
        s.x.cvarQpMatVec(Bptr, p, n, v, cgTmpP);
        const T = view(cgTmpP, p);
        for (let r = 0; r < p; r++) T[r]! *= rho * wB[r]!;
        s.x.cvarQpMatTVec(Bptr, p, n, cgTmpP, cgTmpN);
        const U = view(cgTmpN, n);
        for (let j = 0; j < n; j++) O[j]! += U[j]!;
      }
    };
    let cgIterations = 0;
    const cgCap = 2 * n + 20;
    /** Preconditioned CG on the x-step's system with right-hand side `rhs`, from the current x (updated in place); stops at ‖b − Mx‖∞ ≤ tol. */
    const cgSolve = (tol: number): void => {
      const b = view(rhs, n).slice();
      view(xPtr, n).set(x);
      mulSystem(xPtr, cgOut);
      const r = new Float64Array(n), zc = new Float64Array(n);
      { const Q = view(cgOut, n); for (let j = 0; j < n; j++) r[j] = b[j]! - Q[j]!; }
      if (normInf(r) <= tol) return;
      let rz = 0;
      for (let j = 0; j < n; j++) { zc[j] = r[j]! / jacobi[j]!; rz += r[j]! * zc[j]!; }
      view(cgDir, n).set(zc);
      for (let t = 0; t < cgCap; t++) {
        mulSystem(cgDir, cgOut);
        cgIterations++;
        const D = view(cgDir, n), Q = view(cgOut, n);
        let dq = 0;
        for (let j = 0; j < n; j++) dq += D[j]! * Q[j]!;
        if (!(dq > 0)) break; // the direction has no curvature left (rounding): keep the x so far
        const a = rz / dq;
        for (let j = 0; j < n; j++) { x[j]! += a * D[j]!; r[j]! -= a * Q[j]!; }
        if (normInf(r) <= tol) break;
        let rzNext = 0;
        for (let j = 0; j < n; j++) { zc[j] = r[j]! / jacobi[j]!; rzNext += r[j]! * zc[j]!; }
        const bt = rzNext / rz;
        rz = rzNext;
        for (let j = 0; j < n; j++) D[j] = zc[j]! + bt * D[j]!;
      }
    };
    let prevEpsDual = 0, prevDual = Infinity;
    const bx = new Float64Array(p);
    const px = new Float64Array(n);
    const grad = new Float64Array(n);
    let iterations = 0;
    let stopped: CvarQpResult['stopped'] = 'maxIter';
    let primalRes = Infinity;
    let dualRes = Infinity;
    let lastRhoUpdate = 0;
    let rhoInterval = 25;
    let logRatioSum = 0, logRatioCount = 0;
    const t1 = performance.now();
    for (let it = 1; it <= maxIter; it++) {
      // x-step: (P + σI + ρ_A·AᵀA + Bᵀ·R_B·B) x = σx − q + ρ_A·Aᵀ(z − u_z) + Bᵀ·R_B·(y − u_y)
      {
        const R = view(rhs, n), Az = view(atz, n), Au = view(atu, n);
        for (let j = 0; j < n; j++) R[j] = sigma * x[j]! - q[j]! + rho * wA * (Az[j]! - Au[j]!);
        if (B) for (let r = 0; r < p; r++) { const c = rho * wB[r]! * (y[r]! - uy[r]!); if (c !== 0) for (let j = 0; j < n; j++) R[j]! += c * B[r * n + j]!; }
      }
      if (useCg) {
        // the step's accuracy follows the ADMM: loose while the dual residual is large, a tenth of its
        // tolerance at the end (the certificate is computed from x as it is, so it stays exact)
        cgSolve(prevDual === Infinity ? 1e-3 * normInf(view(rhs, n)) : Math.max(0.1 * prevEpsDual, 0.02 * prevDual));
      } else {
        s.x.cvarQpCholSolve(fac, n, rhs);
        x.set(view(rhs, n));
      }
      view(xPtr, n).set(x);
      s.x.cvarQpMatVec(Aptr, m, n, xPtr, ax);
      // z-step on the relaxed point: w = α·Ax + (1 − α)·z + u_z, z = Π(w), u_z = w − z
      {
        const AX = view(ax, m), Z = view(z, m), U = view(uz, m), W = view(w, m);
        for (let i = 0; i < m; i++) W[i] = alpha * AX[i]! + (1 - alpha) * Z[i]! + U[i]!;
      }
      if (probabilities) {
        if (s.x.projectWeightedCvarSet(w, pPtr, m, 1 - beta, kappa, scratch2, z, info) !== 0) { stopped = 'diverged'; iterations = it; break; }
      } else if (s.x.projectCvarSet(w, m, k, kappa, scratch, z, info) !== 0) { stopped = 'diverged'; iterations = it; break; }
      // The CVaR block's residual and scales in the norm ‖r‖_β = CVaR_β(|r|) (the mean of the largest
      // (1 − β)·m entries of |r|), the dual norm of the multiplier set {0 ≤ λ ≤ μ/((1 − β)m), Σλ = μ}:
      // λᵀ(Ax − z) ≤ μ‖Ax − z‖_β, and CVaR_β(Ax) ≤ CVaR_β(z) + ‖Ax − z‖_β ≤ κ + ‖Ax − z‖_β. The ∞-norm
      // (the largest of m entries) grew with m and held the run long after the certificate was met.
      // The scales ‖Ax‖_β, ‖z‖_β of the relative tolerance cost two more selections; their ∞-norms bound
      // them from above, so they are computed only when the test could pass with the ∞-norms.
      let axNorm = 0, zNorm = 0;
      {
        const AX = view(ax, m), Z = view(z, m), U = view(uz, m), W = view(w, m);
        for (let i = 0; i < m; i++) {
          U[i] = W[i]! - Z[i]!;
          W[i] = Math.abs(AX[i]! - Z[i]!);
          const a = Math.abs(AX[i]!); if (a > axNorm) axNorm = a;
          const b = Math.abs(Z[i]!); if (b > zNorm) zNorm = b;
        }
      }
      let rPrim = tailMean(w);
      let bNorm = 0;
      // y-step (box) and its multiplier
      if (B) {
        for (let r = 0; r < p; r++) {
          let v = 0;
          for (let j = 0; j < n; j++) v += B[r * n + j]! * x[j]!;
          bx[r] = v;
          const wr = alpha * v + (1 - alpha) * y[r]! + uy[r]!;
          y[r] = Math.min(hi[r]!, Math.max(lo[r]!, wr));
          uy[r] = wr - y[r]!;
          rPrim = Math.max(rPrim, Math.abs(v - y[r]!));
          bNorm = Math.max(bNorm, Math.abs(v), Math.abs(y[r]!));
        }
      }
      // Aᵀz and Aᵀu_z in one pass: the next right-hand side and the stationarity Px + q + ρAᵀu_z + ρBᵀu_y
      s.x.cvarQpMatTVec2(Aptr, m, n, z, uz, atz, atu);
      let rDual = 0, pxNorm = 0, multNorm = 0;
      {
        const Au = view(atu, n);
        for (let i = 0; i < n; i++) {
          let v = 0;
          if (P) for (let j = 0; j < n; j++) v += P[i * n + j]! * x[j]!;
          px[i] = v;
          grad[i] = rho * wA * Au[i]!;
        }
        if (B) for (let r = 0; r < p; r++) { const c = rho * wB[r]! * uy[r]!; if (c !== 0) for (let j = 0; j < n; j++) grad[j]! += c * B[r * n + j]!; }
        for (let i = 0; i < n; i++) {
          rDual = Math.max(rDual, Math.abs(px[i]! + q[i]! + grad[i]!));
          pxNorm = Math.max(pxNorm, Math.abs(px[i]!));
          multNorm = Math.max(multNorm, Math.abs(grad[i]!));
        }
      }
      iterations = it;
      primalRes = rPrim;
      dualRes = rDual;
      if (!Number.isFinite(rPrim) || !Number.isFinite(rDual)) { stopped = 'diverged'; break; }
      let scaleP = Math.max(axNorm, zNorm, bNorm);
      if (rPrim <= absTol + relTol * scaleP) {
        const AX = view(ax, m), Z = view(z, m), W = view(w, m);
        for (let i = 0; i < m; i++) W[i] = Math.abs(AX[i]!);
        const axBeta = tailMean(w);
        for (let i = 0; i < m; i++) W[i] = Math.abs(Z[i]!);
        scaleP = Math.max(axBeta, tailMean(w), bNorm);
      }
      const epsPrim = absTol + relTol * scaleP;
      const epsDual = absTol + relTol * Math.max(pxNorm, multNorm, normInf(q));
      prevEpsDual = epsDual;
      prevDual = rDual;
      const why = stopAfterReport({ iteration: it, primalResidual: rPrim, dualResidual: rDual, rho }, onProgress, signal, rPrim <= epsPrim && rDual <= epsDual);
      if (why !== null) { stopped = why; break; }
      // ρ from OSQP's ratio of the relative residuals, but (1) its geometric mean over the iterations
      // since the last change, not the last iteration's value (on an LP the residuals swing by 100× from
      // one iteration to the next and ρ chased them), and (2) changed only when off by more than 10×: the
      // block weights already put ρ on the problem's scale, and on the 100-asset portfolio of the scaling
      // run every smaller correction cost iterations. A change rescales u = λ/(ρ·w) and refactors.
      if (adaptive) {
        const relP = Math.max(rPrim / Math.max(scaleP, 1e-30), 1e-30);
        const relD = Math.max(rDual / Math.max(pxNorm, multNorm, normInf(q), 1e-30), 1e-30);
        logRatioSum += Math.log(relP / relD);
        logRatioCount++;
      }
      if (adaptive && it - lastRhoUpdate >= rhoInterval) {
        const ratio = Math.exp(logRatioSum / logRatioCount);
        const next = Math.min(1e6, Math.max(1e-6, rho * Math.sqrt(ratio)));
        if (next > 10 * rho || next < rho / 10) {
          const scale = rho / next;
          const U = view(uz, m);
          for (let i = 0; i < m; i++) U[i]! *= scale;
          for (let r = 0; r < p; r++) uy[r]! *= scale;
          const Au = view(atu, n);
          for (let j = 0; j < n; j++) Au[j]! *= scale;
          rho = next;
          logRatioSum = 0;
          logRatioCount = 0;
          factor();
          lastRhoUpdate = it;
          // each change waits twice as long as the last: the residual ratio swings and ρ would chase it
          rhoInterval *= 2;
        }
      }
    }
    const solveMs = performance.now() - t1;
    // the certificate at the returned x
    view(xPtr, n).set(x);
    s.x.cvarQpMatVec(Aptr, m, n, xPtr, ax);
    let cvarAx: number;
    if (probabilities) {
      if (s.x.weightedCvarEval(ax, pPtr, m, 1 - beta, scratch2, evalOut) !== 0) stopped = 'diverged';
      cvarAx = view(evalOut, 2)[1]!;
    } else {
      if (s.x.cvarEval(ax, m, k, scratch, evalOut) !== 0) stopped = 'diverged';
      cvarAx = view(evalOut, 2)[1]!;
    }
    const dualCvar = view(uz, m).map((v) => v * rho * wA);
    const dualBox = uy.map((v, r) => v * rho * wB[r]!);
    s.x.cvarQpMatTVec(Aptr, m, n, uz, atu);
    let objective = 0, stationarity = 0;
    const Au = view(atu, n);
    for (let i = 0; i < n; i++) {
      let v = 0;
      if (P) for (let j = 0; j < n; j++) v += P[i * n + j]! * x[j]!;
      objective += x[i]! * (0.5 * v + q[i]!);
      let g = v + q[i]! + rho * wA * Au[i]!;
      if (B) for (let r = 0; r < p; r++) g += dualBox[r]! * B[r * n + i]!;
      stationarity = Math.max(stationarity, Math.abs(g));
    }
    let boxViolation = 0;
    if (B) for (let r = 0; r < p; r++) {
      let v = 0;
      for (let j = 0; j < n; j++) v += B[r * n + j]! * x[j]!;
      boxViolation = Math.max(boxViolation, lo[r]! - v, v - hi[r]!);
    }
    let mu = 0;
    for (let i = 0; i < m; i++) mu += dualCvar[i]!;
    return {
      x: x.slice(), objective, cvar: cvarAx, z: view(z, m).slice(), y: y.slice(), dualCvar, dualBox, cvarMultiplier: mu,
      kkt: { stationarity, cvarViolation: Math.max(0, cvarAx - kappa), boxViolation, complementarity: Math.abs(mu * (cvarAx - kappa)) },
      primalResidual: primalRes, dualResidual: dualRes, rho, iterations, converged: stopped === 'converged', stopped, factorizations, cgIterations,
      timeMs: { setup: setupMs, solve: solveMs },
    };
  } finally {
    s.release();
  }
}


