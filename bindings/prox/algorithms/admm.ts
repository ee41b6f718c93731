/**
 * ADMM in scaled form for min f(x) + g(z) s.t. x − z = 0 (Boyd, Parikh, Chu, Peleato & Eckstein 2011,
 * Foundations and Trends in ML 3(1), §3.1.1 and §5 "constrained convex optimization").
 */
import type { VectorInput } from '../../runtime/memory.js';
import type { ProxOperator } from '../operator.js';
import { optionKeys } from '../../runtime/validate.js';
import { ITERATIVE_KEYS, axpby, checkOperator, checkOptions, distance, iterate, norm2, positiveOption, problemDimension, reportingAs, runResult, startingPoint, withWorkspace } from './common.js';
import type { IterativeOptions, IterativeResult } from './common.js';

export interface AdmmOptions extends IterativeOptions {
  /** Penalty ρ > 0 (default 1). The x-update is prox_{f/ρ}, the z-update prox_{g/ρ}. */
  rho?: number;
  /** Over-relaxation α ∈ (0, 2) (Boyd et al. §3.4.3; default 1, i.e. none; 1.5–1.8 often faster). */
  relaxation?: number;
  /** Starting z (length n). Default zeros. */
  z0?: VectorInput;
  /** Starting scaled dual u = y/ρ (length n). Default zeros. */
  u0?: VectorInput;
  /** n; default: f.dimension or g.dimension when defined (leastSquares has one), else z0's length. All those given must agree. */
  dimension?: number;
}

export interface AdmmResult extends IterativeResult {
  /** x is the z-iterate (in the domain of g, e.g. feasible for a constraint g). This is the x-iterate prox_{f/ρ}(z − u). */
  xf: Float64Array;
  /** The dual variable y = ρu of the constraint x − z = 0. */
  dual: Float64Array;
  /** ‖x − z‖ at the end. */
  primalResidual: number;
  /** ρ‖z − z_prev‖ at the end. */
  dualResidual: number;
  /** f(x) + g(z) at the end. */
  objective: number;
}

// The option keys it accepts (readOptions refuses any other key).
const ADMM_KEYS = [...ITERATIVE_KEYS, ...optionKeys<Omit<AdmmOptions, keyof IterativeOptions>>({ rho: true, relaxation: true, z0: true, u0: true, dimension: true })];

/**
 * ADMM (scaled form, Boyd et al. 2011, eqs. (3.5)–(3.7) with over-relaxation §3.4.3):
 *
 *   x ← prox_{f/ρ}(z − u),  x̂ = αx + (1 − α)z,  z ← prox_{g/ρ}(x̂ + u),  u ← u + x̂ − z.
 *
 * f and g are any ProxOperators: the x-update is f's prox — user-supplied (any object with
 * prox(v, t, out) and value(x)) or built in, e.g. `leastSquares(A, b)` whose prox solves
 * (AᵀA + ρI)x = Aᵀb + ρv with a Cholesky factor computed once and reused (Boyd et al. §4.2).
 *
 * Stopping certificate ('relative primal/dual residual'): max(r/(1 + max(‖x‖, ‖z‖)), s/(1 + ‖ρu‖))
 * with r = ‖x − z‖ and s = ρ‖z − z_prev‖ (Boyd et al. §3.3.1 with ε_abs = ε_rel/√n folded in);
 * the run stops when it is ≤ tol. Defaults: maxIter 10000, tol 1e-8, ρ = 1, α = 1.
 */
export function admm(f: ProxOperator, g: ProxOperator, options: AdmmOptions = {}): AdmmResult {
  const fn = 'admm';
  checkOperator(fn, 'f', f);
  checkOperator(fn, 'g', g);
  const opts = checkOptions(fn, options, { maxIter: 10000, tol: 1e-8 }, ADMM_KEYS);
  const rho = positiveOption(fn, 'options.rho', options.rho, 1);
  const alpha = positiveOption(fn, 'options.relaxation', options.relaxation, 1, 2);
  const n = problemDimension(fn, options.dimension, [['f', f], ['g', g]], options.z0, 'options.z0');
  return reportingAs(fn, () => withWorkspace((ws) => {
    const z = ws.own(startingPoint(fn, 'options.z0', options.z0, n));
    const len = z.length;
    const u = ws.own(startingPoint(fn, 'options.u0', options.u0, len));
    const [x, v, zPrev] = [ws.zeros(len), ws.zeros(len), ws.zeros(len)];
    let r = NaN;
    let s = NaN;
    let cert = NaN;
    let objective = NaN;
    const certificate = (): number => {
      const xv = x.view();
      const zv = z.view();
      r = distance(xv, zv);
      s = rho * distance(zv, zPrev.view());
      return Math.max(r / (1 + Math.max(norm2(xv), norm2(zv))), s / (1 + rho * norm2(u.view())));
    };
    const outcome = iterate(opts, () => {
      axpby(1, z.view(), -1, u.view(), v.view()); // v = z − u
      f.prox(v, 1 / rho, x); // x ← prox_{f/ρ}(z − u)
      zPrev.view().set(z.view());
      const xv = x.view();
      const vv = v.view();
      let zv = z.view();
      let uv = u.view();
      // v ← x̂ + u with x̂ = αx + (1 − α)z; u keeps x̂ for the dual step.
      for (let i = 0; i < len; i++) {
        const xh = alpha * xv[i]! + (1 - alpha) * zv[i]!;
        uv[i] = uv[i]! + xh;
        vv[i] = uv[i]!;
      }
      // z ← prox_{g/ρ}(x̂ + u), u ← u + x̂ − z
      g.prox(v, 1 / rho, z);
      zv = z.view();
      uv = u.view();
      for (let i = 0; i < len; i++) uv[i] = uv[i]! - zv[i]!;
      cert = certificate();
      objective = f.value(x) + g.value(z);
      return { objective, residual: cert };
    });
    if (outcome.iterations === 0) objective = g.value(z);
    const dual = u.toArray().map((q) => rho * q);
    return {
      x: z.toArray(),
      xf: x.toArray(),
      dual,
      ...runResult(outcome, 'relative primal/dual residual', cert),
      primalResidual: r,
      dualResidual: s,
      objective,
    };
  }));
}
