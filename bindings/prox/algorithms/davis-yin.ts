/** Davis–Yin three-operator splitting for min_x f(x) + g(x) + h(x), h smooth. */
import { parameterError } from '../../runtime/errors.js';
import type { VectorInput } from '../../runtime/memory.js';
import type { ProxOperator } from '../operator.js';
import { optionKeys } from '../../runtime/validate.js';
import { ITERATIVE_KEYS, smoothLipschitz, relaxedStep, callOnViews, checkFiniteOutput, checkOperator, checkOptions, iterate, positiveOption, problemDimension, reportingAs, runResult, startingPoint, withWorkspace } from './common.js';
import type { IterativeOptions, IterativeResult } from './common.js';
import { checkSmooth } from './proximal-gradient.js';
import type { SmoothFunction } from './smooth.js';

export interface DavisYinOptions extends IterativeOptions {
  /** Step γ ∈ (0, 2/L) (both proxes use t = γ, the gradient step is γ∇h). Default 1/L with L from `lipschitz` or h.lipschitz. */
  gamma?: number;
  /** L, a Lipschitz constant of ∇h (> 0). Default h.lipschitz; one of gamma, lipschitz, h.lipschitz is required. */
  lipschitz?: number;
  /** Relaxation λ ∈ (0, 2 − γL/2) (default 1, admissible whenever γ ≤ 1/L). */
  relaxation?: number;
  /** Starting point of the governing sequence z (length n). Default zeros. */
  z0?: VectorInput;
  /** n; default f.dimension, g.dimension or h.dimension when defined, else z0's length. All those given must agree. */
  dimension?: number;
}

export interface DavisYinResult extends IterativeResult {
  /** `x` = prox_{γg}(z) (in dom g); `y` = prox_{γf}(2x − z − γ∇h(x)) (in dom f); x − y → 0. */
  y: Float64Array;
  /** The governing sequence z (at a fixed point z*, x* = prox_{γg}(z*) solves the problem). */
  z: Float64Array;
  /** f(y) + g(x) + h(x) at the end (finite for indicators, whose iterates each stay in their set). */
  objective: number;
  /** The step γ used. */
  gamma: number;
}

const DY_KEYS = [...ITERATIVE_KEYS, ...optionKeys<Omit<DavisYinOptions, keyof IterativeOptions>>({ gamma: true, lipschitz: true, relaxation: true, z0: true, dimension: true })];

/**
 * Davis–Yin three-operator splitting (Davis & Yin 2017, "A three-operator splitting scheme and its
 * optimization applications", Set-Valued Var. Anal. 25, Algorithm 1), for min_x f(x) + g(x) + h(x)
 * with f, g proper closed convex (computable proxes) and h convex with an L-Lipschitz gradient:
 *
 *   x = prox_{γg}(z),  y = prox_{γf}(2x − z − γ∇h(x)),  z ← z + λ(y − x).
 *
 * With h = 0 it is Douglas–Rachford; with f = 0 forward–backward on g + h. Converges (Davis & Yin,
 * Theorem 2.1) for γ ∈ (0, 2/L) and λ ∈ (0, 2 − γL/2) when a minimiser exists. One ∇h, one prox of
 * each of f and g per iteration.
 *
 * Certificate ('fixed-point residual ‖x − y‖'): ‖x − y‖ = ‖z⁺ − z‖/λ, zero exactly at a fixed point.
 * Defaults: maxIter 10000, tol 1e-8, γ = 1/L, λ = 1.
 *
 * @param f  a ProxOperator (say, the indicator of a second set).
 * @param g  a ProxOperator (its iterate `x` is the one returned).
 * @param h  the smooth term: { value(x), gradient(x, out), lipschitz?, dimension? }; its gradient
 *   must write finite values (checked every call).
 */
export function davisYin(f: ProxOperator, g: ProxOperator, h: SmoothFunction, options: DavisYinOptions = {}): DavisYinResult {
  const fn = 'davisYin';
  checkOperator(fn, 'f', f);
  checkOperator(fn, 'g', g);
  checkSmooth(fn, h, 'h');
  const opts = checkOptions(fn, options, { maxIter: 10000, tol: 1e-8 }, DY_KEYS);
  const hL = smoothLipschitz(fn, 'h.lipschitz', h.lipschitz);
  const L = options.lipschitz !== undefined ? positiveOption(fn, 'options.lipschitz', options.lipschitz, 1) : hL !== undefined && hL > 0 ? hL : undefined;
  if (options.gamma === undefined && L === undefined) {
    throw parameterError(fn, 'options.gamma', 'given when neither options.lipschitz nor h.lipschitz (> 0) is', undefined);
  }
  const gamma = positiveOption(fn, 'options.gamma', options.gamma, L !== undefined ? 1 / L : 1, L !== undefined ? 2 / L : Infinity);
  const lambdaMax = L !== undefined ? 2 - (gamma * L) / 2 : 2;
  const lambda = positiveOption(fn, 'options.relaxation', options.relaxation, 1, lambdaMax);
  const n = problemDimension(fn, options.dimension, [['f', f], ['g', g], ['h', h]], options.z0, 'options.z0');
  return reportingAs(fn, () => withWorkspace((ws) => {
    const z = ws.own(startingPoint(fn, 'options.z0', options.z0, n));
    const [x, y, w, grad] = [ws.zeros(n), ws.zeros(n), ws.zeros(n), ws.zeros(n)];
    let cert = NaN;
    let objective = NaN;
    let hx = NaN;
    const outcome = iterate(opts, () => {
      g.prox(z, gamma, x); // x = prox_{γg}(z)
      const fromGradient = callOnViews(x, grad, (a, b) => h.gradient(a, b));
      checkFiniteOutput(fn, 'h.gradient', grad.view());
      hx = typeof fromGradient === 'number' ? fromGradient : callOnViews(x, x, (a) => h.value(a));
      {
        const [xv, zv, gv, wv] = [x.view(), z.view(), grad.view(), w.view()];
        for (let i = 0; i < n; i++) wv[i] = 2 * xv[i]! - zv[i]! - gamma * gv[i]!; // w = 2x − z − γ∇h(x)
      }
      f.prox(w, gamma, y); // y = prox_{γf}(w)
      cert = relaxedStep(z.view(), x.view(), y.view(), lambda); // z ← z + λ(y − x); ‖y − x‖
      objective = f.value(y) + g.value(x) + hx;
      return { objective, residual: cert };
    });
    return {
      x: x.toArray(),
      y: y.toArray(),
      z: z.toArray(),
      ...runResult(outcome, 'fixed-point residual ‖x − y‖', cert),
      objective,
      gamma,
    };
  }));
}
