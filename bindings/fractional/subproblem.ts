/**
 * The one-dimensional subproblem of coordinate descent for fractional programs, solved globally:
 *   min_t φ(t) = (½a t² + b t + c + G(t)) / (½δ t² + d₁ t + d₀)   over t ∈ [lower, upper], D(t) > 0,
 * where G(t) = λ|x + t| (exact candidate enumeration) or the change along one coordinate of a separable
 * convex function (1-D Dinkelbach with its proximal operator).
 */
import { ParameterError, parameterError } from '../runtime/errors.js';
import { optionKeys, readOptions } from '../runtime/validate.js';

/** The data of a 1-D subproblem (see {@link fractionalSubproblem1D}). */
export interface FractionalSubproblem {
  /** Curvature a > 0 of the numerator's quadratic part ½a t² + b t + c. */
  a: number;
  /** Slope b of the numerator at t = 0 (without G). */
  b: number;
  /** Numerator constant c (G excluded). */
  c: number;
  /** Current coordinate value x (G is evaluated at x + t). Default 0. */
  x?: number;
  /** Weight λ ≥ 0 of G(t) = λ|x + t|. Default 0. Exclusive with `g`. */
  lambda?: number;
  /**
   * A convex G as two callbacks on the coordinate value u = x + t: `value(u)` and `prox(v, s)` =
   * argmin_u G(u) + (u − v)²/(2s). Only with an affine or concave denominator (δ ≤ 0), where each
   * Dinkelbach step is a convex 1-D problem. Exclusive with `lambda`.
   */
  g?: {
    /** G at the coordinate value u. */
    value(u: number): number;
    /** argmin_u G(u) + (u − v)²/(2s). */
    prox(v: number, s: number): number;
  };
  /** Denominator D(t) = ½δ t² + d₁ t + d₀: δ (≥ 0 convex, ≤ 0 concave). Default 0. */
  d2?: number;
  /** d₁. Default 0. */
  d1?: number;
  /** d₀ = D(0). */
  d0: number;
  /** Lower end of t. Default −Infinity. */
  lower?: number;
  /** Upper end of t. Default +Infinity. */
  upper?: number;
}

const KEYS = optionKeys<FractionalSubproblem>({ a: true, b: true, c: true, x: true, lambda: true, g: true, d2: true, d1: true, d0: true, lower: true, upper: true });

/** The minimiser of a 1-D subproblem and the ratio there. */
export interface FractionalSubproblemSolution {
  /** The step t*. */
  t: number;
  /** φ(t*). */
  value: number;
}

/** Roots of P t² + Q t + R = 0 (all real roots; a vanishing P falls back to the linear equation). */
function quadraticRoots(P: number, Q: number, R: number): number[] {
  const scale = Math.max(Math.abs(P), Math.abs(Q), Math.abs(R));
  if (scale === 0) return [];
  if (Math.abs(P) <= 1e-14 * scale) return Q === 0 ? [] : [-R / Q];
  const disc = Q * Q - 4 * P * R;
  if (disc < 0) return [];
  // the stable pair: q = −(Q + sign(Q)√disc)/2, roots q/P and R/q
  const q = -0.5 * (Q + (Q >= 0 ? 1 : -1) * Math.sqrt(disc));
  const roots = [q / P];
  if (q !== 0) roots.push(R / q);
  return roots;
}

/** Internal: the validated solver, also used by the CD loop (no option parsing per coordinate). */
export function solveRatio1D(p: Required<Omit<FractionalSubproblem, 'g'>> & { g?: FractionalSubproblem['g'] }): FractionalSubproblemSolution {
  const { a, b, c, x, lambda, d2, d1, d0, lower, upper, g } = p;
  const D = (t: number) => 0.5 * d2 * t * t + d1 * t + d0;
  const G = g === undefined ? (t: number) => lambda * Math.abs(x + t) : (t: number) => g.value(x + t);
  const phi = (t: number) => (0.5 * a * t * t + b * t + c + G(t)) / D(t);
  const inside = (t: number) => Number.isFinite(t) && t >= lower && t <= upper && D(t) > 0;
  let bestT = NaN;
  let best = Infinity;
  const consider = (t: number): void => {
    if (!inside(t)) return;
    const v = phi(t);
    if (v < best) [best, bestT] = [v, t];
  };
  consider(0);
  if (g === undefined) {
    // on each side of the kink x + t = 0 the numerator is a quadratic ½a t² + β t + γ; φ′ = 0 there is
    // the quadratic P t² + Q t + R = 0 with P = ½(a d₁ − β δ), Q = a d₀ − γ δ, R = β d₀ − γ d₁
    for (const s of [-1, 1]) {
      const beta = b + s * lambda;
      const gamma = c + s * lambda * x;
      for (const t of quadraticRoots(0.5 * (a * d1 - beta * d2), a * d0 - gamma * d2, beta * d0 - gamma * d1)) {
        if (s * (x + t) >= 0) consider(t);
      }
    }
    consider(-x);
    consider(lower);
    consider(upper);
  } else {
    if (d2 > 0) throw new ParameterError('fractionalSubproblem1D: a general g needs an affine or concave denominator (d2 ≤ 0); a convex quadratic denominator is supported with lambda (G = λ|·|)');
    // Dinkelbach in one dimension: ρ ← φ(t), t ← argmin N(t) − ρ D(t), a convex problem for ρ ≥ 0 (δ ≤ 0)
    // whose minimiser, clipped to the interval, is one proximal step of G
    let rho = best;
    let t = bestT;
    for (let k = 0; k < 100 && Number.isFinite(rho); k++) {
      const kappa = a - rho * d2;
      const slope = b - rho * d1;
      const u = g.prox(x - slope / kappa, 1 / kappa);
      const tn = Math.min(upper, Math.max(lower, u - x));
      if (!inside(tn)) break;
      const v = phi(tn);
      if (!(v < rho - 1e-15 * Math.abs(rho))) {
        if (v < rho) [rho, t] = [v, tn];
        break;
      }
      [rho, t] = [v, tn];
    }
    [best, bestT] = [rho, t];
  }
  if (!Number.isFinite(bestT)) throw new ParameterError(`fractionalSubproblem1D: the denominator is not positive at t = 0 (D(0) = ${d0})`);
  return { t: bestT, value: best };
}

/**
 * Solves the one-dimensional fractional subproblem of coordinate descent globally:
 *
 *   min_t φ(t) = (½a t² + b t + c + G(t)) / (½δ t² + d₁ t + d₀),  t ∈ [lower, upper], D(t) > 0,
 *
 * assuming the numerator is positive where D > 0 (the standard setting of fractional programming).
 * With G(t) = λ|x + t| the function is a ratio of quadratics on each side of the kink t = −x, and φ′ = 0
 * reduces there to a quadratic equation: the minimum is the best of its roots, the kink, the finite
 * interval ends and t = 0 (on each connected piece of {D > 0}, φ is continuous and tends to +∞ at the
 * roots of D). With a general convex G (as value and prox callbacks) and δ ≤ 0, Dinkelbach's method
 * on the line — ρ ← φ(t), t ← argmin N − ρD, one prox step each — converges to the global minimum.
 * When the infimum is only approached as t → ±∞ the best finite candidate is returned.
 *
 * @param p - the subproblem (see {@link FractionalSubproblem}).
 * @returns t* and φ(t*).
 * @throws ParameterError for a ≤ 0, non-finite data, both or a misused G, or D(0) ≤ 0 with no feasible candidate.
 */
export function fractionalSubproblem1D(p: FractionalSubproblem): FractionalSubproblemSolution {
  const fn = 'fractionalSubproblem1D';
  const o = readOptions(fn, p, KEYS, 'p');
  const num = (name: keyof FractionalSubproblem, v: unknown, dflt?: number): number => {
    if (v === undefined && dflt !== undefined) return dflt;
    if (typeof v !== 'number' || Number.isNaN(v)) throw parameterError(fn, `p.${name}`, 'a number', v);
    return v;
  };
  const a = num('a', o.a);
  if (!(a > 0) || !Number.isFinite(a)) throw parameterError(fn, 'p.a', 'a finite number > 0', a);
  const finite = (name: keyof FractionalSubproblem, v: number): number => {
    if (!Number.isFinite(v)) throw parameterError(fn, `p.${name}`, 'finite', v);
    return v;
  };
  const lambda = finite('lambda', num('lambda', o.lambda, 0));
  if (lambda < 0) throw parameterError(fn, 'p.lambda', '>= 0', lambda);
  if (o.g !== undefined && (o.g === null || typeof o.g !== 'object' || typeof o.g.value !== 'function' || typeof o.g.prox !== 'function')) {
    throw parameterError(fn, 'p.g', 'an object with value(u) and prox(v, s)', o.g);
  }
  if (o.g !== undefined && o.lambda !== undefined) throw new ParameterError(`${fn}: give p.lambda or p.g, not both`);
  const lower = num('lower', o.lower, -Infinity);
  const upper = num('upper', o.upper, Infinity);
  if (!(lower <= upper)) throw new ParameterError(`${fn}: p.lower must not exceed p.upper (got ${lower} > ${upper})`);
  return solveRatio1D({
    a, b: finite('b', num('b', o.b)), c: finite('c', num('c', o.c)), x: finite('x', num('x', o.x, 0)), lambda, g: o.g,
    d2: finite('d2', num('d2', o.d2, 0)), d1: finite('d1', num('d1', o.d1, 0)), d0: finite('d0', num('d0', o.d0)), lower, upper,
  });
}
