/**
 * Chambolle–Pock / PDHG for min_x f(Kx) + g(x) with K given by callbacks, and linear operators from
 * row-major matrices.
 */
import { isMatrixObject, isRowArray, readMatrix, type MatrixInput } from '../../runtime/matrix.js';
import { ShapeError, parameterError } from '../../runtime/errors.js';
import { numbersOf, type F64Buffer, type VectorInput } from '../../runtime/memory.js';
import { readCallback, readOptions } from '../../runtime/validate.js';
import type { ProxOperator } from '../operator.js';
import { optionKeys } from '../../runtime/validate.js';
import { ITERATIVE_KEYS, smoothLipschitz, callOnViews, checkFiniteOutput, checkOperator, checkOptions, dimension, iterate, positiveOption, reportingAs, runResult, startingPoint, withWorkspace } from './common.js';
import type { IterativeOptions, IterativeResult } from './common.js';
import { matTVec, matVec, powerIteration, type SmoothFunction } from './smooth.js';
import { checkSmooth } from './proximal-gradient.js';

/** A linear map K: ℝⁿ → ℝᵐ as callbacks over Float64Array (views of WASM memory during the call). */
export interface LinearOperator {
  /** m (the dimension of Kx). */
  readonly rows: number;
  /** n (the dimension of x). */
  readonly cols: number;
  /** out ← K x. */
  apply(x: Float64Array, out: Float64Array): void;
  /** out ← Kᵀ y. */
  adjoint(y: Float64Array, out: Float64Array): void;
}

/**
 * The LinearOperator of an m × n matrix A (copied): apply = A x, adjoint = Aᵀ y. A is
 * `{ data, rows, cols }` or an array of rows (then rows and cols may be omitted), or a flat row-major
 * array with its rows and cols.
 * @throws ShapeError when A.length ≠ rows·cols; ParameterError for bad sizes or non-finite entries.
 */
export function matrixOperator(A: MatrixInput, rows?: number, cols?: number): LinearOperator {
  const fn = 'matrixOperator';
  const shaped = isMatrixObject(A) || isRowArray(A);
  if (!shaped || rows !== undefined) dimension(fn, 'rows', rows);
  if (!shaped || cols !== undefined) dimension(fn, 'cols', cols);
  if (shaped) ({ data: A, rows, cols } = readMatrix(fn, 'A', A, { rows, cols }));
  return denseOperator(fn, A as ArrayLike<number>, rows!, cols!);
}

function denseOperator(fn: string, A: ArrayLike<number>, rows: number, cols: number): LinearOperator {
  if (A === null || typeof A !== 'object' || typeof A.length !== 'number') throw parameterError(fn, 'A', 'an array of numbers', A);
  if (A.length !== rows * cols) throw new ShapeError(`${fn}: A must have rows × cols = ${rows * cols} entries (got ${A.length})`);
  const M = numbersOf(fn, 'A', A);
  for (let i = 0; i < M.length; i++) if (!Number.isFinite(M[i]!)) throw parameterError(fn, `A[${i}]`, 'finite', M[i]);
  return {
    rows,
    cols,
    apply: (x, out) => matVec(M, rows, cols, x, out),
    adjoint: (y, out) => matTVec(M, rows, cols, y, out),
  };
}

/**
 * ‖K‖₂ by power iteration on KᵀK (a lower estimate, converged to ~1e-12 relative or 2000 steps).
 * @throws ParameterError when K is not a LinearOperator, or its callbacks write NaN/±Inf (which is
 * also what a `rows`/`cols` that disagrees with what they read and write tends to give).
 */
export function operatorNorm(K: LinearOperator): number {
  return linearNorm('operatorNorm', checkLinear('operatorNorm', K));
}

function linearNorm(fn: string, K: LinearOperator): number {
  const tmp = new Float64Array(K.rows);
  return Math.sqrt(
    Math.max(
      0,
      powerIteration((x, y) => {
        K.apply(x, tmp);
        checkFiniteOutput(fn, 'K.apply', tmp);
        K.adjoint(tmp, y);
        checkFiniteOutput(fn, 'K.adjoint', y);
      }, K.cols, undefined, undefined, fn),
    ),
  );
}

export interface PdhgOptions extends IterativeOptions {
  /** Primal step τ > 0. Default: τ = σ = 0.95/‖K‖ (‖K‖ from `opNorm` or power iteration); when only σ is given, τ = 0.95²/(σ‖K‖²). */
  tau?: number;
  /** Dual step σ > 0; convergence needs στ‖K‖² < 1. Default as tau. */
  sigma?: number;
  /** ‖K‖₂ if known (skips the power iteration). */
  opNorm?: number;
  /** Relaxation ρ ∈ (0, 2) (Condat 2013, Algorithm 3.1; Chambolle & Pock 2016, §5.1): default 1 (none). */
  relaxation?: number;
  /** Starting primal point (length n, default zeros). */
  x0?: VectorInput;
  /** Starting dual point (length m, default zeros). */
  y0?: VectorInput;
  /**
   * A primal-dual gap gap(x, y) ≥ 0 (zero at a saddle point), when the caller knows f* and g*: it then
   * replaces the default certificate (named 'primal-dual gap').
   */
  gap?: (x: Float64Array, y: Float64Array) => number;
}

export interface PdhgResult extends IterativeResult {
  /** The dual iterate y (length m): at a solution −Kᵀy ∈ ∂g(x) and y ∈ ∂f(Kx). */
  y: Float64Array;
  /** f(Kx) + g(x) at the returned x. */
  objective: number;
  /** The primal step τ used (given, or derived as described for `PdhgOptions.tau`). */
  tau: number;
  /** The dual step σ used (given, or derived as described for `PdhgOptions.sigma`). */
  sigma: number;
}

function checkLinear(fn: string, K: unknown): LinearOperator {
  const k = K as LinearOperator | null;
  if (k === null || typeof k !== 'object' || typeof k.apply !== 'function' || typeof k.adjoint !== 'function') {
    throw parameterError(fn, 'K', 'a LinearOperator { rows, cols, apply(x, out), adjoint(y, out) }', K);
  }
  dimension(fn, 'K.rows', k.rows);
  dimension(fn, 'K.cols', k.cols);
  return k;
}

/**
 * Chambolle–Pock primal–dual hybrid gradient (Chambolle & Pock 2011, J. Math. Imaging Vis. 40,
 * Algorithm 1 with θ = 1), in the relaxed form of Condat (2013, JOTA 158, Algorithm 3.1):
 *
 *   x̃ = prox_{τg}(x − τKᵀy),  ỹ = prox_{σf*}(y + σK(2x̃ − x)),  (x, y) ← ρ(x̃, ỹ) + (1 − ρ)(x, y),
 *
 * for min_x f(Kx) + g(x), with prox_{σf*}(v) = v − σ·prox_{f/σ}(v/σ) (Moreau). One apply and one
 * adjoint per iteration. Converges when στ‖K‖² < 1.
 *
 * Certificate ('primal-dual residual'): max(‖p‖, ‖d‖) with p = (x − x̃)/τ − Kᵀ(y − ỹ) ∈ ∂g(x̃) + Kᵀỹ and
 * d = (y − ỹ)/σ − K(x − x̃) ∈ ∂f*(ỹ) − Kx̃ — both vanish exactly at a saddle point (Goldstein, Li &
 * Yuan 2015, "Adaptive primal-dual splitting methods"); or the caller's gap. Defaults: maxIter 10000, tol 1e-8, ρ = 1.
 *
 * @param f  the term composed with K (a ProxOperator on ℝᵐ).
 * @param g  the term on x (a ProxOperator on ℝⁿ).
 * @param K  the linear operator (see `matrixOperator`); its callbacks must write finite values
 *   (checked on every call: a NaN from K is reported as K's, not as a later prox's).
 */
export function chambollePock(f: ProxOperator, g: ProxOperator, K: LinearOperator, options: PdhgOptions = {}): PdhgResult {
  return pdhgRun('chambollePock', f, g, K, options);
}

/** The same algorithm as `chambollePock` under its other common name. */
export function pdhg(f: ProxOperator, g: ProxOperator, K: LinearOperator, options: PdhgOptions = {}): PdhgResult {
  return pdhgRun('pdhg', f, g, K, options);
}

export interface VuCondatOptions extends PdhgOptions {
  /** L, a Lipschitz constant of ∇h (≥ 0). Default h.lipschitz (required when h has none). */
  lipschitz?: number;
}

/**
 * The Vũ–Condat primal–dual algorithm (Condat 2013, "A primal–dual splitting method for convex
 * optimization involving Lipschitzian, proximable and linear composite terms", JOTA 158,
 * Algorithm 3.1; Vũ 2013), for min_x f(Kx) + g(x) + h(x) with h convex and L-smooth — PDHG with a
 * gradient step on h:
 *
 *   x̃ = prox_{τg}(x − τ(∇h(x) + Kᵀy)),  ỹ = prox_{σf*}(y + σK(2x̃ − x)),  (x, y) ← ρ(x̃, ỹ) + (1 − ρ)(x, y).
 *
 * Converges (Condat 2013, Theorem 3.1) when 1/τ − σ‖K‖² > L/2 and ρ ∈ (0, 2 − (L/2)(1/τ − σ‖K‖²)⁻¹).
 * Defaults: σ = 0.95/‖K‖, τ = 0.95/(L/2 + σ‖K‖²/0.95) (with L = 0 these are chambollePock's), ρ = 1.
 * One ∇h per iteration when ρ = 1 (two otherwise), one apply and one adjoint of K.
 *
 * Certificate ('primal-dual residual'): max(‖p‖, ‖d‖) with p = (x − x̃)/τ − Kᵀ(y − ỹ) − (∇h(x) − ∇h(x̃))
 * ∈ ∂g(x̃) + ∇h(x̃) + Kᵀỹ and d as in `chambollePock`; or the caller's gap.
 *
 * @param f  the term composed with K (a ProxOperator on ℝᵐ).
 * @param g  the term on x (a ProxOperator on ℝⁿ).
 * @param h  the smooth term on x: { value(x), gradient(x, out), lipschitz? } (gradient values checked finite).
 * @param K  the linear operator (see `matrixOperator`).
 */
export function vuCondat(f: ProxOperator, g: ProxOperator, h: SmoothFunction, K: LinearOperator, options: VuCondatOptions = {}): PdhgResult {
  const fn = 'vuCondat';
  checkOperator(fn, 'f', f);
  checkOperator(fn, 'g', g);
  checkSmooth(fn, h, 'h');
  checkLinear(fn, K);
  options = readOptions(fn, options, VU_CONDAT_KEYS);
  const hL = smoothLipschitz(fn, 'h.lipschitz', h.lipschitz);
  const L = options.lipschitz !== undefined ? options.lipschitz : hL;
  if (typeof L !== 'number' || !(L >= 0) || !Number.isFinite(L)) {
    throw parameterError(fn, options.lipschitz !== undefined ? 'options.lipschitz' : 'h.lipschitz', 'a finite number >= 0 (give options.lipschitz when h has none)', L);
  }
  if (h.dimension !== undefined && h.dimension !== K.cols) {
    throw new ShapeError(`${fn}: h.dimension must equal K.cols = ${K.cols} (got ${h.dimension})`);
  }
  return pdhgRun(fn, f, g, K, options, { h, L });
}

const PDHG_KEYS = [...ITERATIVE_KEYS, ...optionKeys<Omit<PdhgOptions, keyof IterativeOptions>>({ tau: true, sigma: true, opNorm: true, relaxation: true, x0: true, y0: true, gap: true })];
const VU_CONDAT_KEYS = [...PDHG_KEYS, ...optionKeys<Omit<VuCondatOptions, keyof PdhgOptions>>({ lipschitz: true })];

/** The smooth term of vuCondat and its Lipschitz constant. */
interface SmoothPart {
  h: SmoothFunction;
  L: number;
}

function pdhgRun(fn: string, f: ProxOperator, g: ProxOperator, K: LinearOperator, options: PdhgOptions, smooth?: SmoothPart): PdhgResult {
  checkOperator(fn, 'f', f);
  checkOperator(fn, 'g', g);
  checkLinear(fn, K);
  const opts = checkOptions(fn, options, { maxIter: 10000, tol: 1e-8 }, smooth ? VU_CONDAT_KEYS : PDHG_KEYS);
  const L = smooth?.L ?? 0;
  const gap = options.gap;
  readCallback(fn, 'options.gap', gap);
  const m = K.rows;
  const n = K.cols;
  const givenTau = options.tau === undefined ? undefined : positiveOption(fn, 'options.tau', options.tau, 1);
  const givenSigma = options.sigma === undefined ? undefined : positiveOption(fn, 'options.sigma', options.sigma, 1);
  let tau: number;
  let sigma: number;
  let norm: number | undefined;
  if (givenTau !== undefined && givenSigma !== undefined) [tau, sigma] = [givenTau, givenSigma];
  else {
    // The missing step(s) from 1/τ = L/(2·0.95) + σ‖K‖²/0.95²: for L = 0 that is στ‖K‖² = 0.95² (a
    // margin over the power-iteration estimate of ‖K‖), and Condat's 1/τ − σ‖K‖² > L/2 holds for any L.
    const nrm = options.opNorm !== undefined ? positiveOption(fn, 'options.opNorm', options.opNorm, 1) : linearNorm(fn, K);
    norm = nrm;
    const k2 = (nrm * nrm) / (0.95 * 0.95);
    const tauOf = (s: number): number => 1 / (L / 1.9 + s * k2);
    if (L === 0) {
      // chambollePock's rule, in its own arithmetic (same bits as before vuCondat existed).
      const other = (given: number): number => (nrm > 0 ? (0.95 * 0.95) / (nrm * nrm * given) : 1);
      if (givenTau !== undefined) [tau, sigma] = [givenTau, other(givenTau)];
      else if (givenSigma !== undefined) [tau, sigma] = [other(givenSigma), givenSigma];
      else [tau, sigma] = nrm > 0 ? [0.95 / nrm, 0.95 / nrm] : [1, 1];
    } else if (givenTau !== undefined) {
      const room = 1 / givenTau - L / 1.9;
      if (!(room > 0)) throw parameterError(fn, 'options.tau', `< 1.9/L = ${1.9 / L} (Condat's step condition with a 5 % margin)`, givenTau);
      [tau, sigma] = [givenTau, nrm > 0 ? room / k2 : 1];
    } else if (givenSigma !== undefined) [tau, sigma] = [tauOf(givenSigma), givenSigma];
    else {
      sigma = nrm > 0 ? 0.95 / nrm : 1;
      tau = tauOf(sigma);
    }
  }
  const rhoMax = smooth ? 2 - L / (2 * (1 / tau - sigma * (norm ?? 0) ** 2)) : 2;
  const rhoRelax = positiveOption(fn, 'options.relaxation', options.relaxation, 1, rhoMax > 0 ? rhoMax : 2);
  return reportingAs(fn, () => withWorkspace((ws) => {
    const x = ws.own(startingPoint(fn, 'options.x0', options.x0, n));
    const y = ws.own(startingPoint(fn, 'options.y0', options.y0, m));
    const [xt, Kty, Ktyt, vn] = [ws.zeros(n), ws.zeros(n), ws.zeros(n), ws.zeros(n)];
    const [yt, Kx, Kxt, vm] = [ws.zeros(m), ws.zeros(m), ws.zeros(m), ws.zeros(m)];
    // A NaN from K would surface later as some prox's error: name K instead (O(m + n), next to K's cost).
    const apply = (src: F64Buffer, dst: F64Buffer): void => {
      callOnViews(src, dst, (a, b) => K.apply(a, b));
      checkFiniteOutput(fn, 'K.apply', dst.view());
    };
    const adjoint = (src: F64Buffer, dst: F64Buffer): void => {
      callOnViews(src, dst, (a, b) => K.adjoint(a, b));
      checkFiniteOutput(fn, 'K.adjoint', dst.view());
    };
    apply(x, Kx);
    adjoint(y, Kty);
    // vuCondat: ∇h at x (gx) and at x̃ (gxt); hxt = h(x̃).
    const [gx, gxt] = smooth ? [ws.zeros(n), ws.zeros(n)] : [undefined, undefined];
    let hxt = 0;
    const gradient = (src: F64Buffer, dst: F64Buffer): number => {
      const h = smooth!.h;
      const v = callOnViews(src, dst, (a, b) => h.gradient(a, b));
      checkFiniteOutput(fn, 'h.gradient', dst.view());
      return typeof v === 'number' ? v : callOnViews(src, src, (a) => h.value(a));
    };
    if (gx) gradient(x, gx);
    let cert = NaN;
    let objective = NaN;
    const outcome = iterate(opts, () => {
      // x̃ = prox_{τg}(x − τ(Kᵀy + ∇h(x)))
      {
        const xv = x.view();
        const kv = Kty.view();
        const v = vn.view();
        if (gx) {
          const gv = gx.view();
          for (let i = 0; i < n; i++) v[i] = xv[i]! - tau * (kv[i]! + gv[i]!);
        } else for (let i = 0; i < n; i++) v[i] = xv[i]! - tau * kv[i]!;
      }
      g.prox(vn, tau, xt);
      if (gxt) hxt = gradient(xt, gxt);
      apply(xt, Kxt);
      // ỹ = prox_{σf*}(w), w = y + σK(2x̃ − x); prox_{σf*}(w) = w − σ·prox_{f/σ}(w/σ)
      {
        const yv = y.view();
        const a = Kxt.view();
        const b = Kx.view();
        const w = yt.view();
        const v = vm.view();
        for (let i = 0; i < m; i++) {
          w[i] = yv[i]! + sigma * (2 * a[i]! - b[i]!);
          v[i] = w[i]! / sigma;
        }
      }
      f.prox(vm, 1 / sigma, vm);
      {
        const w = yt.view();
        const p = vm.view();
        for (let i = 0; i < m; i++) w[i] = w[i]! - sigma * p[i]!;
      }
      adjoint(yt, Ktyt);
      // Residuals of the optimality conditions at (x̃, ỹ).
      let pp = 0;
      let dd = 0;
      {
        const xv = x.view();
        const xtv = xt.view();
        const a = Kty.view();
        const b = Ktyt.view();
        const gv = gx?.view();
        const gtv = gxt?.view();
        for (let i = 0; i < n; i++) {
          const p = (xv[i]! - xtv[i]!) / tau - (a[i]! - b[i]!) - (gv ? gv[i]! - gtv![i]! : 0);
          pp += p * p;
        }
        const yv = y.view();
        const ytv = yt.view();
        const c = Kx.view();
        const d = Kxt.view();
        for (let i = 0; i < m; i++) {
          const q = (yv[i]! - ytv[i]!) / sigma - (c[i]! - d[i]!);
          dd += q * q;
        }
      }
      objective = f.value(Kxt) + g.value(xt) + hxt;
      // Relaxed update (all four cached vectors are linear in the iterates).
      const mix = (to: F64Buffer, from: F64Buffer): void => {
        const a = to.view();
        const b = from.view();
        if (rhoRelax === 1) a.set(b);
        else for (let i = 0; i < a.length; i++) a[i] = rhoRelax * b[i]! + (1 - rhoRelax) * a[i]!;
      };
      mix(x, xt);
      mix(y, yt);
      mix(Kx, Kxt);
      mix(Kty, Ktyt);
      if (gx) {
        if (rhoRelax === 1) gx.view().set(gxt!.view());
        else gradient(x, gx);
      }
      cert = gap !== undefined ? callOnViews(x, y, (a, b) => gap(a, b)) : Math.sqrt(Math.max(pp, dd));
      return { objective, residual: cert };
    });
    return {
      x: x.toArray(),
      y: y.toArray(),
      ...runResult(outcome, gap !== undefined ? 'primal-dual gap' : 'primal-dual residual', cert),
      objective,
      tau,
      sigma,
    };
  }));
}
