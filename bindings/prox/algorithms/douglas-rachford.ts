/** Douglas–Rachford splitting for min_x f(x) + g(x), both with computable proxes. */
import type { VectorInput } from '../../runtime/memory.js';
import type { ProxOperator } from '../operator.js';
import { optionKeys } from '../../runtime/validate.js';
import { ITERATIVE_KEYS, relaxedStep, axpby, checkOperator, checkOptions, iterate, positiveOption, problemDimension, reportingAs, runResult, startingPoint, withWorkspace } from './common.js';
import type { IterativeOptions, IterativeResult } from './common.js';

export interface DouglasRachfordOptions extends IterativeOptions {
  /** Step γ > 0 (both proxes use t = γ). Default 1. */
  gamma?: number;
  /** Relaxation λ ∈ (0, 2) (default 1; the λ_n of Combettes & Pesquet's Douglas–Rachford algorithm). */
  relaxation?: number;
  /** Starting point of the governing sequence z (length n). Default zeros. */
  z0?: VectorInput;
  /** n; default f.dimension or g.dimension when defined, else z0's length. All those given must agree. */
  dimension?: number;
}

export interface DouglasRachfordResult extends IterativeResult {
  /** x = prox_{γf}(z) (in dom f); `y` = prox_{γg}(2x − z) (in dom g); x − y → 0. */
  y: Float64Array;
  /** The governing sequence z (a fixed point z* gives the solution x* = prox_{γf}(z*)). */
  z: Float64Array;
  /** f(x) + g(y) at the end (finite for indicators, whose iterates each stay in their set). */
  objective: number;
}

// The option keys it accepts (readOptions refuses any other key).
const DR_KEYS = [...ITERATIVE_KEYS, ...optionKeys<Omit<DouglasRachfordOptions, keyof IterativeOptions>>({ gamma: true, relaxation: true, z0: true, dimension: true })];

/**
 * Douglas–Rachford splitting (Lions & Mercier 1979; Eckstein & Bertsekas 1992; in the form of
 * Combettes & Pesquet 2011, "Proximal splitting methods in signal processing", the Douglas–Rachford
 * algorithm):
 *
 *   x = prox_{γf}(z),  y = prox_{γg}(2x − z),  z ← z + λ(y − x).
 *
 * Converges for any γ > 0 and λ ∈ (0, 2) when a minimiser exists; with f, g indicators it finds a
 * point of the intersection of two closed convex sets (and with f = ½‖· − a‖² + ι_C, g = ι_D the
 * projection of a onto C ∩ D).
 *
 * Certificate ('fixed-point residual ‖x − y‖'): ‖x − y‖ = ‖z⁺ − z‖/λ, zero exactly at a fixed point.
 * Defaults: maxIter 10000, tol 1e-8, γ = 1, λ = 1.
 */
export function douglasRachford(f: ProxOperator, g: ProxOperator, options: DouglasRachfordOptions = {}): DouglasRachfordResult {
  const fn = 'douglasRachford';
  checkOperator(fn, 'f', f);
  checkOperator(fn, 'g', g);
  const opts = checkOptions(fn, options, { maxIter: 10000, tol: 1e-8 }, DR_KEYS);
  const gamma = positiveOption(fn, 'options.gamma', options.gamma, 1);
  const lambda = positiveOption(fn, 'options.relaxation', options.relaxation, 1, 2);
  const n = problemDimension(fn, options.dimension, [['f', f], ['g', g]], options.z0, 'options.z0');
  return reportingAs(fn, () => withWorkspace((ws) => {
    const z = ws.own(startingPoint(fn, 'options.z0', options.z0, n));
    const [x, y, w] = [ws.zeros(n), ws.zeros(n), ws.zeros(n)];
    let cert = NaN;
    let objective = NaN;
    const outcome = iterate(opts, () => {
      f.prox(z, gamma, x); // x = prox_{γf}(z)
      axpby(2, x.view(), -1, z.view(), w.view()); // w = 2x − z
      g.prox(w, gamma, y); // y = prox_{γg}(w)
      cert = relaxedStep(z.view(), x.view(), y.view(), lambda); // z ← z + λ(y − x); ‖y − x‖
      objective = f.value(x) + g.value(y);
      return { objective, residual: cert };
    });
    return {
      x: x.toArray(),
      y: y.toArray(),
      z: z.toArray(),
      ...runResult(outcome, 'fixed-point residual ‖x − y‖', cert),
      objective,
    };
  }));
}
