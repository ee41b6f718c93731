/**
 * Proximal gradient (ISTA) with backtracking, and FISTA with adaptive restart, for
 *   min_x F(x) = f(x) + g(x),  f smooth (∇f L-Lipschitz), g proper closed convex with a prox.
 */
import { ParameterError, parameterError } from '../../runtime/errors.js';
import { optionKeys, readCallback, readOptions } from '../../runtime/validate.js';
import { f64View, vectorLength, type F64Buffer, type VectorInput } from '../../runtime/memory.js';
import type { ProxOperator } from '../operator.js';
import { ITERATIVE_KEYS, smoothLipschitz, callOnViews, checkOperator, checkOptions, dimension, distance, iterate, positiveOption, reportingAs, runResult, startingPoint, withWorkspace } from './common.js';
import type { IterativeOptions, IterativeResult } from './common.js';
import { leastSquaresData, type SmoothFunction } from './smooth.js';

export interface ProximalGradientOptions extends IterativeOptions {
  /** Starting point, length n. Default: zeros of f.dimension (required when f has no `dimension`). */
  x0?: VectorInput;
  /** A fixed step t > 0 (no line search); should be ≤ 1/L. Default: line search. */
  step?: number;
  /** A known Lipschitz constant L of ∇f: fixed step t = 1/L (no line search). Default: line search. */
  lipschitz?: number;
  /**
   * Line-search shrink factor β ∈ (0, 1), default 0.5. The search starts from t = 1/f.lipschitz when
   * f provides an estimate (leastSquares does), else from a secant estimate at x0, and shrinks t by β
   * until f(x⁺) ≤ f(y) + ⟨∇f(y), x⁺ − y⟩ + ‖x⁺ − y‖²/(2t) (Beck & Teboulle 2009, §3 "backtracking");
   * t never increases, so at most log_{1/β}(L·t₀) + 1 shrinks happen in a whole run.
   */
  backtrack?: number;
  /**
   * A duality gap for the problem: gap(x, ∇f(x), f(x)) ≥ F(x) − F* (see `lassoDualityGap`). When
   * given, it is the certificate (named 'duality gap') and the run stops when it is ≤ tol; it costs one
   * extra gradient per checked iteration. Default: the fixed-point residual.
   */
  dualityGap?: (x: Float64Array, gradient: Float64Array, value: number) => number;
  /** Check the stopping certificate every this many iterations (integer ≥ 1, default 1). */
  certificateEvery?: number;
}

export interface FistaOptions extends ProximalGradientOptions {
  /**
   * Adaptive restart of the momentum (O'Donoghue & Candès 2015, "Adaptive restart for accelerated
   * gradient schemes"): 'gradient' (default) restarts when ⟨y_k − x_{k+1}, x_{k+1} − x_k⟩ > 0 (their
   * gradient scheme, in the composite gradient-mapping form); 'function' when F(x_{k+1}) > F(x_k);
   * 'none' is plain FISTA.
   */
  restart?: 'gradient' | 'function' | 'none';
}

export interface ProximalGradientResult extends IterativeResult {
  /** F(x) = f(x) + g(x) at the returned x. */
  objective: number;
  /** The step t in use at the end (after line-search shrinks). */
  step: number;
  /** Momentum restarts performed (0 for proximalGradient). */
  restarts: number;
}

interface Setup {
  fn: string;
  f: SmoothFunction;
  g: ProxOperator;
  o: ProximalGradientOptions | undefined;
  momentum: boolean;
  restart: 'gradient' | 'function' | 'none';
}

/** Validates that `f` looks like a SmoothFunction (value and gradient callbacks, a valid dimension if any). */
export function checkSmooth(fn: string, f: unknown, name = 'f'): SmoothFunction {
  const s = f as SmoothFunction | null;
  if (s === null || typeof s !== 'object' || typeof s.value !== 'function' || typeof s.gradient !== 'function') {
    throw parameterError(fn, name, 'a smooth function { value(x), gradient(x, out) }', f);
  }
  if (s.dimension !== undefined) dimension(fn, `${name}.dimension`, s.dimension);
  return s;
}

/** The fixed-point residual ‖x − prox_{tg}(x − t∇f(x))‖/t, given ∇f(x) in `grad`; `z`, `p` are scratch. */
function fixedPointResidual(g: ProxOperator, x: F64Buffer, grad: F64Buffer, t: number, z: F64Buffer, p: F64Buffer): number {
  const xv = x.view();
  const gv = grad.view();
  const zv = z.view();
  for (let i = 0; i < zv.length; i++) zv[i] = xv[i]! - t * gv[i]!;
  g.prox(z, t, p);
  return distance(x.view(), p.view()) / t;
}

/** The option keys of proximalGradient, and of fista (which adds `restart`). */
export const PROXIMAL_GRADIENT_KEYS = [
  ...ITERATIVE_KEYS,
  ...optionKeys<Omit<ProximalGradientOptions, keyof IterativeOptions>>({ x0: true, step: true, lipschitz: true, backtrack: true, dualityGap: true, certificateEvery: true }),
];
export const FISTA_KEYS = [...PROXIMAL_GRADIENT_KEYS, ...optionKeys<Omit<FistaOptions, keyof ProximalGradientOptions>>({ restart: true })];

function run(s: Setup): ProximalGradientResult {
  const { fn, f, g, momentum } = s;
  const known = momentum ? FISTA_KEYS : PROXIMAL_GRADIENT_KEYS;
  const opts = checkOptions(fn, s.o, { maxIter: 10000, tol: 1e-8 }, known);
  const o = readOptions(fn, s.o, known);
  const n0 = f.dimension;
  if (o.x0 === undefined && n0 === undefined) throw parameterError(fn, 'options.x0', 'given when f has no dimension', undefined);
  const beta = positiveOption(fn, 'options.backtrack', o.backtrack, 0.5, 1);
  // Both are checked even though step wins: a bad value is never silently ignored.
  const step = o.step === undefined ? undefined : positiveOption(fn, 'options.step', o.step, 1);
  const lipschitz = o.lipschitz === undefined ? undefined : positiveOption(fn, 'options.lipschitz', o.lipschitz, 1);
  const fixedStep = step ?? (lipschitz !== undefined ? 1 / lipschitz : null);
  const every = o.certificateEvery ?? 1;
  if (!Number.isSafeInteger(every) || every < 1) throw parameterError(fn, 'options.certificateEvery', 'an integer >= 1', every);
  const gap = o.dualityGap;
  readCallback(fn, 'options.dualityGap', gap);
  return reportingAs(fn, () => withWorkspace((ws) => {
    let x = ws.own(startingPoint(fn, 'options.x0', o.x0, n0 ?? vectorLength(fn, 'options.x0', o.x0)));
    const n = x.length;
    let xNew = ws.zeros(n);
    const [y, z, grad, scratch] = [ws.zeros(n), ws.zeros(n), ws.zeros(n), ws.zeros(n)];
    const scope = ws.scope(fn);
    let gradientAt = (p: F64Buffer, out: F64Buffer): number | void => callOnViews(p, out, (pv, ov) => f.gradient(pv, ov));
    let valueAt = (p: F64Buffer): number => f.value(p.view());
    const ls = leastSquaresData(f);
    if (ls !== undefined) {
      // leastSquares: A and b go to WASM memory once for the run; the gradient runs in the SIMD kernels
      // (the same bits as the TS path, whose summation order mirrors them).
      const { m, n: cols } = ls;
      const Ap = scope.f64(m * cols);
      const bp = scope.f64(m);
      const rp = scope.f64(m);
      f64View(scope.x, Ap, m * cols).set(ls.A);
      f64View(scope.x, bp, m).set(ls.b);
      const k = scope.x;
      gradientAt = (p, out) => {
        const value = k.lsResidual(Ap, m, cols, p.ptr, bp, rp);
        k.lsMatTVec(Ap, m, cols, rp, out.ptr);
        return value;
      };
      valueAt = (p) => k.lsResidual(Ap, m, cols, p.ptr, bp, rp);
    }
    y.set(x.view());
    // First step: 1/L from f's estimate, else a secant estimate ‖∇f(x0 + d) − ∇f(x0)‖/‖d‖.
    let t = fixedStep ?? 0;
    if (fixedStep === null) {
      // 0 is a valid estimate (f affine, e.g. leastSquares of a zero matrix): the secant then decides.
      const L = smoothLipschitz(fn, 'f.lipschitz', f.lipschitz);
      if (L !== undefined && L > 0) t = 1 / L;
      else {
        gradientAt(x, grad);
        const gv = grad.view();
        const xv = x.view();
        const gn = Math.hypot(...gv);
        const h = 1e-4 * Math.max(1, Math.hypot(...xv));
        const zv = z.view();
        for (let i = 0; i < n; i++) zv[i] = xv[i]! - (gn > 0 ? (h * gv[i]!) / gn : h);
        gradientAt(z, scratch);
        const L0 = distance(scratch.view(), grad.view()) / h;
        t = L0 > 0 && Number.isFinite(L0) ? 1 / L0 : 1;
      }
    }
    let theta = 1;
    let restarts = 0;
    let fx = valueAt(x);
    let objective = fx + g.value(x);
    let certificate = NaN;
    const outcome = iterate(opts, (k) => {
      const given = gradientAt(y, grad);
      const fy = typeof given === 'number' ? given : valueAt(y);
      if (!Number.isFinite(fy)) throw new ParameterError(`${fn}: f.value must return a finite number (got ${fy} at iteration ${k})`);
      let fNew: number;
      for (;;) {
        const yv = y.view();
        const gv = grad.view();
        const zv = z.view();
        for (let i = 0; i < n; i++) zv[i] = yv[i]! - t * gv[i]!;
        g.prox(z, t, xNew);
        fNew = valueAt(xNew);
        if (fixedStep !== null) break;
        const xv = xNew.view();
        const yv2 = y.view();
        const gv2 = grad.view();
        let lin = 0;
        let sq = 0;
        for (let i = 0; i < n; i++) {
          const d = xv[i]! - yv2[i]!;
          lin += gv2[i]! * d;
          sq += d * d;
        }
        const model = fy + lin + sq / (2 * t);
        if (fNew <= model + 1e-12 * Math.abs(fy)) break;
        t *= beta;
        if (!(t > 1e-300)) throw new ParameterError(`${fn}: the line search failed (step below 1e-300): f.value and f.gradient disagree, or f is not smooth`);
      }
      const objNew = fNew + g.value(xNew);
      const residual = distance(xNew.view(), y.view()) / t;
      // Momentum (Beck & Teboulle 2009, FISTA step 3) with adaptive restart.
      const yv = y.view();
      const xo = x.view();
      const xn = xNew.view();
      if (momentum) {
        let restartNow = false;
        if (s.restart === 'gradient') {
          let ip = 0;
          for (let i = 0; i < n; i++) ip += (yv[i]! - xn[i]!) * (xn[i]! - xo[i]!);
          restartNow = ip > 0;
        } else if (s.restart === 'function') restartNow = objNew > objective;
        if (restartNow) {
          theta = 1;
          restarts++;
          yv.set(xn);
        } else {
          const thetaNew = (1 + Math.sqrt(1 + 4 * theta * theta)) / 2;
          const w = (theta - 1) / thetaNew;
          for (let i = 0; i < n; i++) yv[i] = xn[i]! + w * (xn[i]! - xo[i]!);
          theta = thetaNew;
        }
      } else yv.set(xn);
      [x, xNew] = [xNew, x];
      fx = fNew;
      objective = objNew;
      // The stopping test: the certificate at x itself (cheap residual first when no gap is given).
      let converged = false;
      let shown = residual;
      if (k % every === 0 || k === opts.maxIter) {
        if (gap !== undefined) {
          gradientAt(x, scratch);
          certificate = callOnViews(x, scratch, (xv, gv) => gap(xv, gv, fx));
          shown = certificate;
          converged = certificate <= opts.tol;
        } else if (residual <= opts.tol || k === opts.maxIter) {
          gradientAt(x, scratch);
          certificate = fixedPointResidual(g, x, scratch, t, z, grad);
          converged = certificate <= opts.tol;
        } else certificate = NaN;
      } else certificate = NaN;
      return { objective, residual: shown, converged };
    });
    if (Number.isNaN(certificate)) {
      gradientAt(x, scratch);
      certificate = gap !== undefined ? callOnViews(x, scratch, (xv, gv) => gap(xv, gv, fx)) : fixedPointResidual(g, x, scratch, t, z, grad);
    }
    // A run that used up maxIter with its final certificate within tol has converged.
    const final = outcome.stopped === 'maxIter' && certificate <= opts.tol ? { ...outcome, stopped: 'converged' as const } : outcome;
    return {
      x: x.toArray(),
      ...runResult(final, gap !== undefined ? 'duality gap' : 'fixed-point residual ‖x − prox_tg(x − t∇f(x))‖/t', certificate),
      objective,
      step: t,
      restarts,
    };
  }));
}

/**
 * Proximal gradient (forward–backward splitting, ISTA) for min f(x) + g(x):
 *
 *   x_{k+1} = prox_{t g}(x_k − t ∇f(x_k)),
 *
 * with a backtracking line search on t (Beck & Teboulle 2009, "ISTA with backtracking", §3) or a fixed
 * step. F(x_k) − F* = O(1/k). Iterates live in WASM memory; g.prox runs on them without copies; when f
 * is a `leastSquares` object its gradient runs in the SIMD kernels lsResidual/lsMatTVec on A and b
 * copied into WASM memory once per run (same bits as its TS gradient). Plain callbacks receive views
 * of WASM memory; a callback that allocates WASM memory (detaching them) is re-run on copies.
 *
 * Certificate: the fixed-point residual ‖x − prox_{tg}(x − t∇f(x))‖/t (zero exactly at a minimiser),
 * or the caller's duality gap (`options.dualityGap`). Defaults: maxIter 10000, tol 1e-8.
 * onProgress / signal: see IterativeOptions (an abort returns the current x with stopped: 'aborted').
 *
 * @param f  the smooth term: { value(x), gradient(x, out) } or `leastSquares(A, b)`.
 * @param g  the prox term: any ProxOperator.
 */
export function proximalGradient(f: SmoothFunction, g: ProxOperator, options?: ProximalGradientOptions): ProximalGradientResult {
  const fn = 'proximalGradient';
  return run({ fn, f: checkSmooth(fn, f), g: checkOperator(fn, 'g', g), o: options, momentum: false, restart: 'none' });
}

/**
 * FISTA (Beck & Teboulle 2009, SIAM J. Imaging Sci. 2(1), FISTA with backtracking, §4) with adaptive
 * restart (O'Donoghue & Candès 2015, Found. Comput. Math. 15) for min f(x) + g(x):
 *
 *   x_{k+1} = prox_{t g}(y_k − t∇f(y_k)),  θ_{k+1} = (1 + √(1 + 4θ_k²))/2,
 *   y_{k+1} = x_{k+1} + ((θ_k − 1)/θ_{k+1})(x_{k+1} − x_k),
 *
 * and θ ← 1, y ← x_{k+1} when the restart test fires. F(x_k) − F* = O(1/k²); with restart, linear
 * convergence on strongly convex problems without knowing the modulus.
 *
 * Options and certificate as `proximalGradient`, plus `restart` ('gradient' default, 'function',
 * 'none'). Defaults: maxIter 10000, tol 1e-8, backtracking line search.
 */
export function fista(f: SmoothFunction, g: ProxOperator, options?: FistaOptions): ProximalGradientResult {
  return fistaAs('fista', f, g, options);
}

/** `fista` reporting errors as `fn` (lasso runs it on its own arguments). */
export function fistaAs(fn: string, f: SmoothFunction, g: ProxOperator, options?: FistaOptions): ProximalGradientResult {
  const restart = readOptions(fn, options, FISTA_KEYS).restart ?? 'gradient';
  if (restart !== 'gradient' && restart !== 'function' && restart !== 'none') {
    throw parameterError(fn, 'options.restart', "'gradient', 'function' or 'none'", restart);
  }
  return run({ fn, f: checkSmooth(fn, f), g: checkOperator(fn, 'g', g), o: options, momentum: true, restart });
}
