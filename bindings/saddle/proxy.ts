/**
 * Approximate proximal point on a cheap proxy (Woodworth, Mishchenko & Bach 2023, "Two losses are
 * better than one: faster optimization using a cheaper proxy"): minimize f, whose gradient is costly,
 * with the help of a proxy h whose gradient is cheap, when f − h is δ-smooth (δ ≪ L_f).
 */
import { parameterError } from '../runtime/errors.js';
import type { VectorInput } from '../runtime/memory.js';
import { optionKeys, readCallback } from '../runtime/validate.js';
import { ITERATIVE_KEYS, checkOptions, iterate, reportingAs, runResult } from '../prox/algorithms/common.js';
import type { IterativeOptions, IterativeResult, SmoothFunction } from '../prox/algorithms/index.js';
import { checkSmoothArg, finiteOut, nrm, positiveArg, vectorArg } from './common.js';
import { ShapeError } from '../runtime/errors.js';

export interface ProxyProxPointOptions extends IterativeOptions {
  /** Starting point (length n; default zeros of f.dimension). */
  x0?: VectorInput;
  /** The proximal step η > 0. Default 1/δ (`delta`); one of the two is required. */
  step?: number;
  /** δ, a Lipschitz constant of ∇(f − h): the default step is 1/δ. */
  delta?: number;
  /** L_h, the Lipschitz constant of ∇h (default h.lipschitz; one of the two is required). */
  proxyLipschitz?: number;
  /** Most proxy-gradient steps per outer iteration (integer ≥ 1, default 200). */
  innerSteps?: number;
  /**
   * The inner loop stops when the subproblem's gradient is ≤ innerTol·‖∇f(x_k)‖ (relative accuracy,
   * default 0.1): the proximal point is approximate, as the method allows. In [0, 1).
   */
  innerTol?: number;
}

export interface ProxyProxPointResult extends IterativeResult {
  /** f at the returned x. */
  objective: number;
  /** ∇f evaluations (one per outer iteration, plus the one at x0). */
  trueGradientCalls: number;
  /** ∇h evaluations (inner steps, plus one per outer iteration for the correction ∇f(x_k) − ∇h(x_k)). */
  proxyGradientCalls: number;
}

const PROXY_KEYS = [...ITERATIVE_KEYS, ...optionKeys<Omit<ProxyProxPointOptions, keyof IterativeOptions>>({ x0: true, step: true, delta: true, proxyLipschitz: true, innerSteps: true, innerTol: true })];

/**
 * Approximate proximal point on a proxy. At x_k, with the correction c_k = ∇f(x_k) − ∇h(x_k),
 *
 *   x_{k+1} ≈ argmin_x h(x) + ⟨c_k, x⟩ + ‖x − x_k‖²/(2η),
 *
 * solved by accelerated gradient on the proxy (the subproblem is (1/η)-strongly convex and
 * (L_h + 1/η)-smooth) until its gradient is ≤ innerTol·‖∇f(x_k)‖. The model h + ⟨c_k, ·⟩ matches f's
 * gradient at x_k and differs from f by a δ-smooth function, so a step η ≈ 1/δ is safe: far longer
 * than gradient descent's 1/L_f when the proxy is good. One true gradient per iteration.
 *
 * Certificate ('gradient norm'): ‖∇f(x)‖ at the returned x. Defaults: maxIter 1000, tol 1e-6.
 * @throws ParameterError when neither step nor delta is given, or L_h is unknown; ShapeError when
 *   the dimensions of f, h and x0 disagree.
 */
export function proxyProxPoint(f: SmoothFunction, h: SmoothFunction, options: ProxyProxPointOptions = {}): ProxyProxPointResult {
  const fn = 'proxyProxPoint';
  checkSmoothArg(fn, 'f', f);
  checkSmoothArg(fn, 'h', h);
  const opts = checkOptions(fn, options, { maxIter: 1000, tol: 1e-6 }, PROXY_KEYS);
  let eta: number;
  if (options.step !== undefined) eta = positiveArg(fn, 'options.step', options.step);
  else if (options.delta !== undefined) eta = 1 / positiveArg(fn, 'options.delta', options.delta);
  else throw parameterError(fn, 'options.step', 'given (or options.delta, for the step 1/δ)', undefined);
  const Lh = options.proxyLipschitz ?? h.lipschitz;
  if (Lh === undefined) throw parameterError(fn, 'options.proxyLipschitz', 'given when h has no lipschitz estimate', undefined);
  positiveArg(fn, 'options.proxyLipschitz', Lh);
  const innerSteps = options.innerSteps ?? 200;
  if (!Number.isSafeInteger(innerSteps) || innerSteps < 1) throw parameterError(fn, 'options.innerSteps', 'a positive integer', innerSteps);
  const innerTol = options.innerTol ?? 0.1;
  if (typeof innerTol !== 'number' || !(innerTol >= 0 && innerTol < 1)) throw parameterError(fn, 'options.innerTol', 'in [0, 1)', innerTol);
  readCallback(fn, 'options.onProgress', options.onProgress);
  const n = f.dimension ?? h.dimension ?? (options.x0 !== undefined ? vectorArg(fn, 'options.x0', options.x0).length : undefined);
  if (n === undefined) throw parameterError(fn, 'options.x0', 'given when neither f nor h has a dimension', undefined);
  if (f.dimension !== undefined && h.dimension !== undefined && f.dimension !== h.dimension) throw new ShapeError(`${fn}: h.dimension must equal f.dimension = ${f.dimension} (got ${h.dimension})`);
  let x = vectorArg(fn, 'options.x0', options.x0, n);
  let trueCalls = 0;
  let proxyCalls = 0;
  const gf = new Float64Array(n);
  const gh = new Float64Array(n);
  const c = new Float64Array(n);
  const trueGrad = (z: Float64Array): number => {
    trueCalls++;
    const v = f.gradient(z, gf);
    finiteOut(fn, 'f.gradient', gf);
    return typeof v === 'number' ? v : f.value(z);
  };
  const proxyGrad = (z: Float64Array, out: Float64Array): void => {
    proxyCalls++;
    h.gradient(z, out);
    finiteOut(fn, 'h.gradient', out);
  };
  return reportingAs(fn, () => {
    let objective = trueGrad(x);
    let cert = nrm(gf);
    const L = Lh + 1 / eta;
    const q = 1 / eta / L;
    const mom = (1 - Math.sqrt(q)) / (1 + Math.sqrt(q));
    const g = new Float64Array(n);
    const outcome = cert <= opts.tol
      ? { iterations: 0, stopped: 'converged' as const, history: [objective], historyEvery: 1 }
      : iterate(opts, () => {
          proxyGrad(x, gh);
          for (let i = 0; i < n; i++) c[i] = gf[i]! - gh[i]!;
          const target = innerTol * nrm(gf);
          let z: Float64Array = x.slice();
          let zPrev: Float64Array = x.slice();
          for (let s = 0; s < innerSteps; s++) {
            const w = z.map((zi, i) => zi + mom * (zi - zPrev[i]!));
            proxyGrad(w, g);
            let gn = 0;
            for (let i = 0; i < n; i++) {
              g[i] = g[i]! + c[i]! + (w[i]! - x[i]!) / eta;
              gn += g[i]! * g[i]!;
            }
            zPrev = z;
            z = w.map((wi, i) => wi - g[i]! / L);
            if (Math.sqrt(gn) <= target) break;
          }
          x = z;
          objective = trueGrad(x);
          cert = nrm(gf);
          return { objective, residual: cert };
        });
    return {
      x: x.slice(),
      ...runResult(outcome, 'gradient norm', cert),
      objective,
      trueGradientCalls: trueCalls,
      proxyGradientCalls: proxyCalls,
    };
  });
}
