/**
 * Linearized and accelerated linearized primal–dual methods for the convex–strongly-concave saddle
 * point problem
 *
 *   min_x max_y  f(x) + h(x) + Φ(x, y) − g(y),   Φ(x, y) = ⟨G(x), y⟩,
 *
 * with f convex and L_f-smooth (used through its gradient only), h convex with a prox (optional), g
 * μ-strongly convex with a prox, and a coupling that is linear in y: G = K (bilinear) or a map whose
 * Jacobian-transpose products the caller provides (Khalafi & Boob 2023, "Accelerated primal-dual
 * methods for convex-strongly-concave saddle point problems", ICML: LPD, ALPD and inexact ALPD).
 */
import { parameterError, ShapeError } from '../runtime/errors.js';
import type { VectorInput } from '../runtime/memory.js';
import { optionKeys, readCallback, readOptions } from '../runtime/validate.js';
import { ITERATIVE_KEYS, checkOptions, dimension, iterate, reportingAs, runResult } from '../prox/algorithms/common.js';
import type { IterativeOptions, IterativeResult, LinearOperator, SmoothFunction } from '../prox/algorithms/index.js';
import { powerIteration } from '../prox/algorithms/smooth.js';
import type { ProxOperator } from '../prox/index.js';
import { checkProxArg, checkSmoothArg, finiteOut, inner, nonNegativeOption, nrm, positiveArg, vectorArg } from './common.js';

/**
 * A coupling Φ(x, y) = ⟨G(x), y⟩ that is linear in y, for x ∈ ℝⁿ (`cols`) and y ∈ ℝᵐ (`rows`).
 * Φ must be convex in x for every y the dual iterates visit (for a nonlinear G: G's components convex
 * where y ≥ 0, with g restricting y to y ≥ 0).
 */
export interface SaddleCoupling {
  /** m, the dimension of y (and of G(x)). */
  readonly rows: number;
  /** n, the dimension of x. */
  readonly cols: number;
  /** out ← G(x) = ∇_yΦ(x, y) (independent of y). */
  map(x: Float64Array, out: Float64Array): void;
  /** out ← ∇ₓΦ(x, y) = J_G(x)ᵀ y. */
  gradX(x: Float64Array, y: Float64Array, out: Float64Array): void;
  /** L_yx: a Lipschitz constant of G (for G = K, the spectral norm ‖K‖₂). Finite, ≥ 0. */
  readonly lipschitzYX: number;
  /** L_xx: a Lipschitz constant of x ↦ ∇ₓΦ(x, y) over the dual iterates (0 for a bilinear coupling). Finite, ≥ 0. */
  readonly lipschitzXX: number;
}

/**
 * The bilinear coupling Φ(x, y) = ⟨Kx, y⟩ of a LinearOperator K: G = K, ∇ₓΦ = Kᵀy, L_yx = ‖K‖₂
 * (`opNorm` when given, else by power iteration), L_xx = 0.
 */
export function bilinearCoupling(K: LinearOperator, opNorm?: number): SaddleCoupling {
  return bilinearAs('bilinearCoupling', 'K', K, opNorm);
}

/** bilinearCoupling under the name of the calling function and argument (for its messages). */
function bilinearAs(fn: string, name: string, K: unknown, opNorm?: number): SaddleCoupling {
  const k = K as LinearOperator | null;
  if (k === null || typeof k !== 'object' || typeof k.apply !== 'function' || typeof k.adjoint !== 'function') {
    throw parameterError(fn, name, 'a LinearOperator { rows, cols, apply(x, out), adjoint(y, out) }', K);
  }
  dimension(fn, `${name}.rows`, k.rows);
  dimension(fn, `${name}.cols`, k.cols);
  let norm: number;
  if (opNorm !== undefined) norm = nonNegativeOption(fn, 'opNorm', opNorm, 0);
  else {
    // ‖K‖₂ by power iteration on KᵀK, with K's outputs checked under this function's name.
    const tmp = new Float64Array(k.rows);
    norm = Math.sqrt(Math.max(0, powerIteration((x, out) => {
      k.apply(x, tmp);
      finiteOut(fn, `${name}.apply`, tmp);
      k.adjoint(tmp, out);
      finiteOut(fn, `${name}.adjoint`, out);
    }, k.cols, undefined, undefined, fn)));
  }
  return {
    rows: k.rows,
    cols: k.cols,
    map: (x, out) => k.apply(x, out),
    gradX: (_x, y, out) => k.adjoint(y, out),
    lipschitzYX: norm,
    lipschitzXX: 0,
  };
}

/** min_x max_y f(x) + h(x) + ⟨G(x), y⟩ − g(y). */
export interface SaddleProblem {
  /** The smooth convex primal term (its `lipschitz`, or `options.lipschitz`, gives L_f). */
  f: SmoothFunction;
  /** The coupling: a SaddleCoupling, or a LinearOperator K for ⟨Kx, y⟩ (then ‖K‖₂ is computed by power iteration). */
  coupling: SaddleCoupling | LinearOperator;
  /** The dual term, μ-strongly convex, used through its prox. */
  g: ProxOperator;
  /** μ > 0, the strong-convexity modulus of g. */
  mu: number;
  /** An optional nonsmooth primal term (constraint set, regularizer), used through its prox. Default: none. */
  h?: ProxOperator;
}

/** The inner solver of `inexactAlpd`: accelerated proximal gradient on each primal subproblem. */
export interface InexactInnerOptions {
  /** Most inner iterations per outer step (integer ≥ 1, default 100). */
  maxIter?: number;
  /**
   * The inner loop stops when the gradient-mapping norm of the subproblem is ≤ tol·‖∇f(x̲)‖-scale,
   * here tol/t² at outer step t (the inexactness shrinks with t, as the method's analysis asks).
   * Default 1e-8.
   */
  tol?: number;
}

export interface SaddleOptions extends IterativeOptions {
  /** Starting primal point (length n, default zeros). */
  x0?: VectorInput;
  /** Starting dual point (length m, default zeros). */
  y0?: VectorInput;
  /** L_f, the Lipschitz constant of ∇f. Default: f.lipschitz (one of the two is required). */
  lipschitz?: number;
  /**
   * alpd and inexactAlpd: restart the acceleration (weights back to t = 1 from the current output)
   * when the KKT residual grows from one iteration to the next — an adaptive restart in the spirit of
   * O'Donoghue & Candès (2015) that turns the O(1/t²) rate into a linear one when the primal function
   * happens to be strongly convex. Default true; lpd ignores it.
   */
  restart?: boolean;
  /** inexactAlpd only: the inner solver's settings. */
  inner?: InexactInnerOptions;
}

/** Callback evaluations of a run. */
export interface SaddleCalls {
  /** ∇f evaluations. */
  f: number;
  /** ∇ₓΦ evaluations (J_G(x)ᵀy, or Kᵀy). */
  couplingX: number;
  /** G evaluations (∇_yΦ, or Kx). */
  couplingY: number;
}

export interface SaddleResult extends IterativeResult {
  /** The dual point y (length m). */
  y: Float64Array;
  /** L(x, y) = f(x) + h(x) + ⟨G(x), y⟩ − g(y) at the returned pair (equals the saddle value at a solution). */
  objective: number;
  /** Callback evaluations made by the method itself. */
  gradientCalls: SaddleCalls;
  /** Callback evaluations made only to compute the stopping certificate (one of each per iteration). */
  certificateCalls: SaddleCalls;
  /** Acceleration restarts performed (always 0 for lpd). */
  restarts: number;
}

const SADDLE_KEYS = [...ITERATIVE_KEYS, ...optionKeys<Omit<SaddleOptions, keyof IterativeOptions>>({ x0: true, y0: true, lipschitz: true, restart: true, inner: true })];
const INNER_KEYS = optionKeys<InexactInnerOptions>({ maxIter: true, tol: true });

function checkCoupling(fn: string, c: unknown): SaddleCoupling {
  const k = c as Partial<SaddleCoupling & LinearOperator> | null;
  if (k !== null && typeof k === 'object' && typeof k.map === 'function' && typeof k.gradX === 'function') {
    dimension(fn, 'problem.coupling.rows', k.rows);
    dimension(fn, 'problem.coupling.cols', k.cols);
    nonNegativeOption(fn, 'problem.coupling.lipschitzYX', k.lipschitzYX, NaN);
    nonNegativeOption(fn, 'problem.coupling.lipschitzXX', k.lipschitzXX, NaN);
    return k as SaddleCoupling;
  }
  if (k !== null && typeof k === 'object' && typeof k.apply === 'function' && typeof k.adjoint === 'function') return bilinearAs(fn, 'problem.coupling', k);
  throw parameterError(fn, 'problem.coupling', 'a SaddleCoupling { rows, cols, map, gradX, lipschitzYX, lipschitzXX } or a LinearOperator', c);
}

type Mode = 'lpd' | 'alpd' | 'inexact';

/**
 * Linearized primal–dual (LPD): a Chambolle–Pock-type method in which the primal step linearizes f
 * (and Φ) instead of taking f's prox. With weights a_t = t, φ_t = μ(1 + t(t−1)/2):
 *
 *   s_t = G(x_{t−1}) + θ_t (G(x_{t−1}) − G(x_{t−2})),  θ_t = (t−1)/t          (extrapolated dual gradient)
 *   y_t = prox_{σ_t g}(y_{t−1} + σ_t s_t),             σ_t = a_t/φ_t
 *   x_t = prox_{η_t h}(x_{t−1} − η_t(∇f(x_{t−1}) + ∇ₓΦ(x_{t−1}, y_t))),  η_t = a_t/ρ_t,
 *   ρ_t = (L_f + L_xx)·a_t + 2L_yx²/μ.
 *
 * The primal step tends to 1/(L_f + L_xx): the gap decays like L_f/t + L_yx²/(μt²), so the ∇f count to
 * reach ε grows like L_f/ε — the suboptimal dependence on L_f that `alpd` removes.
 *
 * Certificate ('KKT residual'): max(‖x − prox_h(x − ∇ₓL)‖, ‖y − prox_g(y + G(x))‖) with
 * ∇ₓL = ∇f(x) + ∇ₓΦ(x, y), zero exactly at a saddle point. Defaults: maxIter 10000, tol 1e-8.
 * @throws ParameterError for a malformed problem or options (L_f missing, μ ≤ 0, …); ShapeError when
 *   the dimensions of f, the coupling, x0 and y0 disagree.
 */
export function lpd(problem: SaddleProblem, options: SaddleOptions = {}): SaddleResult {
  return saddleRun('lpd', 'lpd', problem, options);
}

/**
 * Accelerated linearized primal–dual (ALPD): LPD with Nesterov's three-sequence acceleration on f.
 * With a_t = t, β_t = 2/(t+1), θ_t, σ_t, φ_t as in `lpd`:
 *
 *   x̲_t = (1 − β_t) x̄_{t−1} + β_t x_{t−1}
 *   y_t = prox_{σ_t g}(y_{t−1} + σ_t s_t)
 *   x_t = prox_{η_t h}(x_{t−1} − η_t(∇f(x̲_t) + ∇ₓΦ(x_{t−1}, y_t))),  η_t = a_t/ρ_t,
 *   ρ_t = 2L_f + L_xx·a_t + 2L_yx²/μ
 *   x̄_t = (1 − β_t) x̄_{t−1} + β_t x_t;      returns (x̄, y).
 *
 * Our derivation (a weighted Lyapunov argument, checked numerically in test/saddle): the f-part needs
 * ρ_t ≥ L_f a_t²/A_t (< 2L_f), and the extrapolation's cross term a_{t−1}⟨G(x_{t−1}) − G(x_{t−2}),
 * y_t − y_{t−1}⟩ needs ρ ≥ L_yx² a_{t−1}²/φ_t, which is ≤ 2L_yx²/μ for φ_t above; so for a bilinear
 * coupling ρ is constant and the gap decays like (L_f + L_yx²/μ)/t²: O(√(L_f/ε) + L_yx/√(με)) gradient
 * calls, the lower bound for this class. A nonlinear coupling's L_xx still enters linearly (that is what
 * `inexactAlpd` improves). With `restart` (default) the weights restart when the KKT residual grows.
 * Certificate and defaults as `lpd`.
 */
export function alpd(problem: SaddleProblem, options: SaddleOptions = {}): SaddleResult {
  return saddleRun('alpd', 'alpd', problem, options);
}

/**
 * Inexact ALPD for a nonlinear coupling: as `alpd`, but the primal step keeps Φ exact and solves
 *
 *   x_t ≈ argmin_x ⟨∇f(x̲_t), x⟩ + Φ(x, y_t) + h(x) + ‖x − x_{t−1}‖²/(2η_t),  ρ = 2L_f + 2L_yx²/μ,
 *
 * by accelerated proximal gradient (strongly convex, condition number 1 + η_t L_xx) to the gradient-
 * mapping tolerance inner.tol/t². ∇f is called once per outer step (the optimal count in L_f), ∇ₓΦ
 * about √(1 + η_t L_xx)·log(1/tol) times per step. Certificate and defaults as `lpd`.
 */
export function inexactAlpd(problem: SaddleProblem, options: SaddleOptions = {}): SaddleResult {
  return saddleRun('inexactAlpd', 'inexact', problem, options);
}

function saddleRun(fn: string, mode: Mode, problem: SaddleProblem, options: SaddleOptions): SaddleResult {
  if (problem === null || typeof problem !== 'object') throw parameterError(fn, 'problem', 'an object { f, coupling, g, mu, h? }', problem);
  const opts = checkOptions(fn, options, { maxIter: 10000, tol: 1e-8 }, SADDLE_KEYS);
  const f = checkSmoothArg(fn, 'problem.f', problem.f);
  const g = checkProxArg(fn, 'problem.g', problem.g);
  const h = problem.h === undefined ? undefined : checkProxArg(fn, 'problem.h', problem.h);
  const mu = positiveArg(fn, 'problem.mu', problem.mu);
  const G = checkCoupling(fn, problem.coupling);
  const Lf = options.lipschitz !== undefined ? nonNegativeOption(fn, 'options.lipschitz', options.lipschitz, 0) : f.lipschitz;
  if (Lf === undefined) throw parameterError(fn, 'options.lipschitz', 'given when problem.f has no lipschitz estimate', undefined);
  const restart = options.restart ?? true;
  if (typeof restart !== 'boolean') throw parameterError(fn, 'options.restart', 'a boolean', restart);
  const innerO = readOptions(fn, options.inner, INNER_KEYS, 'options.inner');
  const innerMax = innerO.maxIter ?? 100;
  if (!Number.isSafeInteger(innerMax) || innerMax < 1) throw parameterError(fn, 'options.inner.maxIter', 'a positive integer', innerMax);
  const innerTol = nonNegativeOption(fn, 'options.inner.tol', innerO.tol, 1e-8);
  const n = G.cols;
  const m = G.rows;
  if (f.dimension !== undefined && f.dimension !== n) throw new ShapeError(`${fn}: problem.f.dimension must equal problem.coupling.cols = ${n} (got ${f.dimension})`);
  const x = vectorArg(fn, 'options.x0', options.x0, n);
  let y = vectorArg(fn, 'options.y0', options.y0, m);
  readCallback(fn, 'options.onProgress', options.onProgress);

  const Lyx = G.lipschitzYX;
  const Lxx = G.lipschitzXX;
  const calls: SaddleCalls = { f: 0, couplingX: 0, couplingY: 0 };
  const certCalls: SaddleCalls = { f: 0, couplingX: 0, couplingY: 0 };
  const gradF = (z: Float64Array, out: Float64Array, c: SaddleCalls): void => {
    c.f++;
    f.gradient(z, out);
    finiteOut(fn, 'problem.f.gradient', out);
  };
  const gradX = (z: Float64Array, yy: Float64Array, out: Float64Array, c: SaddleCalls): void => {
    c.couplingX++;
    G.gradX(z, yy, out);
    finiteOut(fn, 'problem.coupling.gradX', out);
  };
  const mapG = (z: Float64Array, out: Float64Array, c: SaddleCalls): void => {
    c.couplingY++;
    G.map(z, out);
    finiteOut(fn, 'problem.coupling.map', out);
  };

  return reportingAs(fn, () => {
    const xbar = x.slice();
    let xPrev = x; // x_{t−1}
    const Gcur = new Float64Array(m);
    const Gprev = new Float64Array(m);
    mapG(xPrev, Gcur, calls);
    Gprev.set(Gcur);
    const s = new Float64Array(m);
    const xl = new Float64Array(n);
    const gf = new Float64Array(n);
    const gx = new Float64Array(n);
    const v = new Float64Array(n);
    // certificate scratch
    const cg = new Float64Array(n);
    const cx = new Float64Array(n);
    const cG = new Float64Array(m);
    const cv = new Float64Array(n);
    const cw = new Float64Array(m);
    let tau = 0; // local counter since the last restart
    let restarts = 0;
    let cert = NaN;
    let objective = NaN;
    let prevCert = Infinity;

    const certificate = (xo: Float64Array, yo: Float64Array): number => {
      const fv = f.gradient(xo, cg);
      certCalls.f++;
      finiteOut(fn, 'problem.f.gradient', cg);
      gradX(xo, yo, cx, certCalls);
      mapG(xo, cG, certCalls);
      for (let i = 0; i < n; i++) cv[i] = xo[i]! - (cg[i]! + cx[i]!);
      let rp: number;
      if (h) {
        h.prox(cv, 1, cv);
        let sq = 0;
        for (let i = 0; i < n; i++) sq += (xo[i]! - cv[i]!) ** 2;
        rp = Math.sqrt(sq);
      } else {
        let sq = 0;
        for (let i = 0; i < n; i++) sq += (cg[i]! + cx[i]!) ** 2;
        rp = Math.sqrt(sq);
      }
      for (let j = 0; j < m; j++) cw[j] = yo[j]! + cG[j]!;
      g.prox(cw, 1, cw);
      let sq = 0;
      for (let j = 0; j < m; j++) sq += (yo[j]! - cw[j]!) ** 2;
      const rd = Math.sqrt(sq);
      const fval = typeof fv === 'number' ? fv : f.value(xo);
      objective = fval + (h ? h.value(xo) : 0) + inner(cG, yo) - g.value(yo);
      return Math.max(rp, rd);
    };

    const outcome = iterate(opts, () => {
      tau++;
      const a = tau;
      const beta = mode === 'lpd' ? 1 : 2 / (tau + 1);
      const phi = mu * (1 + (tau * (tau - 1)) / 2);
      const sigma = a / phi;
      const theta = (tau - 1) / tau;
      // Dual step with the extrapolated dual gradient.
      for (let j = 0; j < m; j++) s[j] = y[j]! + sigma * (Gcur[j]! + theta * (Gcur[j]! - Gprev[j]!));
      const yNew = g.prox(s, sigma, new Float64Array(m));
      finiteOut(fn, 'problem.g.prox', yNew);
      y = yNew;
      // Primal step.
      const coupling = (2 * Lyx * Lyx) / mu;
      const rho = mode === 'lpd' ? (Lf + Lxx) * a + coupling : mode === 'alpd' ? 2 * Lf + Lxx * a + coupling : 2 * Lf + coupling;
      const eta = rho > 0 ? a / rho : 1;
      for (let i = 0; i < n; i++) xl[i] = (1 - beta) * xbar[i]! + beta * xPrev[i]!;
      gradF(xl, gf, calls);
      let xNew: Float64Array;
      if (mode !== 'inexact') {
        gradX(xPrev, y, gx, calls);
        for (let i = 0; i < n; i++) v[i] = xPrev[i]! - eta * (gf[i]! + gx[i]!);
        xNew = h ? h.prox(v, eta, new Float64Array(n)) : v.slice();
      } else {
        xNew = innerSolve(xPrev, y, gf, eta, tau);
      }
      finiteOut(fn, 'the primal iterate', xNew);
      for (let i = 0; i < n; i++) xbar[i] = (1 - beta) * xbar[i]! + beta * xNew[i]!;
      Gprev.set(Gcur);
      mapG(xNew, Gcur, calls);
      xPrev = xNew;
      cert = certificate(xbar, y);
      if (mode !== 'lpd' && restart && cert > prevCert) {
        // Restart the weights from the current output: the run continues as a fresh ALPD from (x̄, y).
        restarts++;
        tau = 0;
        xPrev = xbar.slice();
        mapG(xPrev, Gcur, calls);
        Gprev.set(Gcur);
      }
      prevCert = cert;
      return { objective, residual: cert };
    });

    function innerSolve(center: Float64Array, yy: Float64Array, gfv: Float64Array, eta: number, t: number): Float64Array {
      // min_z ⟨gf, z⟩ + Φ(z, y) + h(z) + ‖z − center‖²/(2η): smooth part (L_xx + 1/η)-smooth, (1/η)-strongly convex.
      const kappa = 1 / eta;
      const L = Lxx + kappa;
      const step = 1 / L;
      const q = kappa / L;
      const mom = (1 - Math.sqrt(q)) / (1 + Math.sqrt(q));
      let z: Float64Array = center.slice();
      let zPrev: Float64Array = center.slice();
      const w = new Float64Array(n);
      const gz = new Float64Array(n);
      const u = new Float64Array(n);
      const tolT = innerTol / (t * t);
      for (let k = 0; k < innerMax; k++) {
        for (let i = 0; i < n; i++) w[i] = z[i]! + mom * (z[i]! - zPrev[i]!);
        gradX(w, yy, gz, calls);
        for (let i = 0; i < n; i++) u[i] = w[i]! - step * (gfv[i]! + gz[i]! + kappa * (w[i]! - center[i]!));
        const zn = h ? h.prox(u, step, new Float64Array(n)) : u.slice();
        let gm = 0;
        for (let i = 0; i < n; i++) gm += (zn[i]! - w[i]!) ** 2;
        zPrev = z;
        z = zn;
        if (Math.sqrt(gm) / step <= tolT * Math.max(1, nrm(gfv))) break;
      }
      return z;
    }

    return {
      x: xbar.slice(),
      y: y.slice(),
      ...runResult(outcome, 'KKT residual', cert),
      objective,
      gradientCalls: calls,
      certificateCalls: certCalls,
      restarts,
    };
  });
}
