/**
 * PANOC (Stella, Themelis, Sopasakis & Patrinos 2017, "A simple and efficient algorithm for nonlinear
 * model predictive control", CDC; Themelis, Stella & Patrinos 2018, SIAM J. Optim. 28(3)): forward–
 * backward splitting accelerated by L-BFGS directions, globalised by a line search on the
 * forward–backward envelope. Converges for nonconvex g as well (any g with a computable prox).
 */
import { ParameterError, parameterError } from '../../runtime/errors.js';
import { optionKeys, readOptions } from '../../runtime/validate.js';
import { vectorLength, type VectorInput } from '../../runtime/memory.js';
import type { ProxOperator } from '../operator.js';
import { ITERATIVE_KEYS, smoothLipschitz, checkOperator, checkOptions, dimension, iterate, positiveOption, reportingAs, runResult } from './common.js';
import type { IterativeOptions, IterativeResult } from './common.js';
import type { SmoothFunction } from './smooth.js';
import { readFinite } from '../operators/define.js';

export interface PanocOptions extends IterativeOptions {
  /** Starting point, length n. Default: zeros of f.dimension (required when f has no `dimension`). */
  x0?: VectorInput;
  /**
   * A Lipschitz constant L of ∇f. The step is γ = 0.95/L, halved whenever the forward–backward
   * step's descent test fails. Default: f.lipschitz when f provides it, else a secant estimate at x0.
   */
  lipschitz?: number;
  /**
   * L-BFGS memory: the number of (s, y) pairs kept, an integer ≥ 1 (default 10; on the diabetes LASSO
   * 5 pairs needed more gradients than fista at λmax/100, 10 and 20 fewer at λmax/10, /100, /1000).
   */
  memory?: number;
}

export interface PanocResult extends IterativeResult {
  /** F(x) = f(x) + g(x) at the returned x. */
  objective: number;
  /** The step γ in use at the end. */
  step: number;
  /** Evaluations of ∇f (each with one of f), the cost unit to compare with fista. */
  gradientEvaluations: number;
}

export const PANOC_KEYS = [...ITERATIVE_KEYS, ...optionKeys<Omit<PanocOptions, keyof IterativeOptions>>({ x0: true, lipschitz: true, memory: true })];

const ALPHA = 0.95; // γ = α/L: the FBE then decreases along the forward–backward step
const BETA = 0.5; // fraction of the guaranteed FBE decrease the line search asks for
const MAX_BACKTRACKS = 10; // after these, τ = 0 (the plain forward–backward step, always accepted)

const dotv = (a: Float64Array, b: Float64Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

/** Two-loop recursion: d = −H·r with H the L-BFGS inverse-Hessian estimate from the stored pairs. */
function lbfgsDirection(r: Float64Array, S: Float64Array[], Y: Float64Array[], rho: number[], d: Float64Array): void {
  const m = S.length;
  const a = new Float64Array(m);
  d.set(r);
  for (let j = m - 1; j >= 0; j--) {
    a[j] = rho[j]! * dotv(S[j]!, d);
    const y = Y[j]!;
    for (let i = 0; i < d.length; i++) d[i] = d[i]! - a[j]! * y[i]!;
  }
  if (m > 0) {
    const h = dotv(S[m - 1]!, Y[m - 1]!) / dotv(Y[m - 1]!, Y[m - 1]!);
    for (let i = 0; i < d.length; i++) d[i] = d[i]! * h;
  }
  for (let j = 0; j < m; j++) {
    const b = rho[j]! * dotv(Y[j]!, d);
    const s = S[j]!;
    for (let i = 0; i < d.length; i++) d[i] = d[i]! + (a[j]! - b) * s[i]!;
  }
  for (let i = 0; i < d.length; i++) d[i] = -d[i]!;
}

/**
 * PANOC for min_x F(x) = f(x) + g(x), f smooth (∇f L-Lipschitz), g with a prox (convex or not).
 * With γ = 0.95/L, the forward–backward step x̄ = prox_{γg}(x − γ∇f(x)), the residual r = x − x̄ and
 * the forward–backward envelope
 *
 *   φ_γ(x) = f(x) − ⟨∇f(x), r⟩ + ‖r‖²/(2γ) + g(x̄)   (φ_γ ≤ F, with the same minimisers),
 *
 * each iteration tries x⁺ = x − (1 − τ)·r + τ·d for τ = 1, ½, ¼, … where d = −H·r is an L-BFGS
 * direction for the fixed-point equation r(x) = 0 (pairs s = x⁺ − x, y = r⁺ − r, kept when
 * ⟨s, y⟩ > 1e-12‖s‖‖y‖), until φ_γ(x⁺) ≤ φ_γ(x) − β(1 − α)‖r‖²/(2γ) (β = ½, α = 0.95); τ = 0 (the
 * plain forward–backward step) always passes. γ is halved when the descent lemma
 * f(x̄) ≤ f(x) − ⟨∇f(x), r⟩ + (α/(2γ))‖r‖² fails (L underestimated).
 *
 * Returns x̄ of the last iterate, with the certificate of fista: the fixed-point residual ‖r‖/γ
 * (zero exactly at a critical point; a minimiser when g is convex). Each trial point costs one f and
 * ∇f evaluation and one prox; `gradientEvaluations` counts them. Runs in plain TypeScript on
 * Float64Arrays (f.gradient and g.prox are called on copies). Defaults: maxIter 10000, tol 1e-8,
 * memory 10.
 *
 * @param f  the smooth term: { value(x), gradient(x, out) } or `leastSquares(A, b)`.
 * @param g  the prox term: any ProxOperator (for example normL1 or the nonconvex normL0).
 */
export function panoc(f: SmoothFunction, g: ProxOperator, options?: PanocOptions): PanocResult {
  const fn = 'panoc';
  const s = f as SmoothFunction | null;
  if (s === null || typeof s !== 'object' || typeof s.value !== 'function' || typeof s.gradient !== 'function') {
    throw parameterError(fn, 'f', 'a smooth function { value(x), gradient(x, out) }', f);
  }
  if (s.dimension !== undefined) dimension(fn, 'f.dimension', s.dimension);
  checkOperator(fn, 'g', g);
  const opts = checkOptions(fn, options, { maxIter: 10000, tol: 1e-8 }, PANOC_KEYS);
  const o = readOptions(fn, options, PANOC_KEYS);
  if (o.x0 === undefined && s.dimension === undefined) throw parameterError(fn, 'options.x0', 'given when f has no dimension', undefined);
  const memory = o.memory ?? 10;
  if (!Number.isSafeInteger(memory) || memory < 1) throw parameterError(fn, 'options.memory', 'an integer >= 1', memory);
  const lipschitz = o.lipschitz === undefined ? undefined : positiveOption(fn, 'options.lipschitz', o.lipschitz, 1);
  const fL = smoothLipschitz(fn, 'f.lipschitz', s.lipschitz); // 0 (f affine): the secant then decides
  return reportingAs(fn, () => {
    const n = o.x0 === undefined ? s.dimension! : vectorLength(fn, 'options.x0', o.x0);
    const x = o.x0 === undefined ? new Float64Array(n) : readFinite(fn, 'options.x0', o.x0);
    if (s.dimension !== undefined && n !== s.dimension) {
      throw new ParameterError(`${fn}: options.x0 must have length f.dimension = ${s.dimension} (got ${n})`);
    }
    let evaluations = 0;
    const grad = new Float64Array(n);
    const evaluate = (p: Float64Array, out: Float64Array): number => {
      evaluations++;
      const given = s.gradient(p, out);
      const value = typeof given === 'number' ? given : s.value(p);
      if (!Number.isFinite(value)) throw new ParameterError(`${fn}: f.value must return a finite number (got ${value})`);
      return value;
    };
    let fx = evaluate(x, grad);
    let gamma: number;
    const L = lipschitz ?? (fL !== undefined && fL > 0 ? fL : undefined);
    if (L !== undefined) gamma = ALPHA / L;
    else {
      // Secant estimate ‖∇f(x0 + h·u) − ∇f(x0)‖/h along u = −∇f/‖∇f‖.
      const gn = Math.sqrt(dotv(grad, grad));
      const h = 1e-4 * Math.max(1, Math.sqrt(dotv(x, x)));
      const z = x.map((xi, i) => xi - (gn > 0 ? (h * grad[i]!) / gn : h));
      const gz = new Float64Array(n);
      evaluate(z, gz);
      let d = 0;
      for (let i = 0; i < n; i++) d += (gz[i]! - grad[i]!) ** 2;
      const L0 = Math.sqrt(d) / h;
      gamma = L0 > 0 && Number.isFinite(L0) ? ALPHA / L0 : 1;
    }
    const xbar = new Float64Array(n);
    const r = new Float64Array(n);
    const fwd = new Float64Array(n);
    /** x̄, r and φ_γ at (x, f(x), ∇f(x)); halves γ until the descent lemma holds at x̄. */
    const forwardBackward = (px: Float64Array, pf: number, pg: Float64Array, outBar: Float64Array, outR: Float64Array): number => {
      for (;;) {
        for (let i = 0; i < n; i++) fwd[i] = px[i]! - gamma * pg[i]!;
        g.prox(fwd, gamma, outBar);
        let lin = 0;
        let sq = 0;
        for (let i = 0; i < n; i++) {
          outR[i] = px[i]! - outBar[i]!;
          lin += pg[i]! * outR[i]!;
          sq += outR[i]! * outR[i]!;
        }
        const fBar = s.value(outBar);
        if (fBar <= pf - lin + (ALPHA / (2 * gamma)) * sq + 1e-12 * Math.abs(pf) || sq === 0) {
          return pf - lin + sq / (2 * gamma) + g.value(outBar);
        }
        gamma /= 2;
        if (!(gamma > 1e-300)) throw new ParameterError(`${fn}: the step fell below 1e-300: f.value and f.gradient disagree, or f is not smooth`);
      }
    };
    let phi = forwardBackward(x, fx, grad, xbar, r);
    const S: Float64Array[] = [];
    const Y: Float64Array[] = [];
    const rho: number[] = [];
    const d = new Float64Array(n);
    const xNew = new Float64Array(n);
    const gNew = new Float64Array(n);
    const barNew = new Float64Array(n);
    const rNew = new Float64Array(n);
    let certificate = Math.sqrt(dotv(r, r)) / gamma;
    let objective = s.value(xbar) + g.value(xbar);
    const outcome = iterate(opts, () => {
      if (certificate <= opts.tol) return { objective, residual: certificate, converged: true };
      lbfgsDirection(r, S, Y, rho, d);
      const gammaBefore = gamma;
      const rr = dotv(r, r);
      let tau = 1;
      let fNew = 0;
      let phiNew = 0;
      for (let b = 0; ; b++) {
        if (b === MAX_BACKTRACKS) tau = 0;
        for (let i = 0; i < n; i++) xNew[i] = x[i]! - (1 - tau) * r[i]! + tau * d[i]!;
        fNew = evaluate(xNew, gNew);
        phiNew = forwardBackward(xNew, fNew, gNew, barNew, rNew);
        if (gamma !== gammaBefore) break; // the step changed: φ_γ is another function; restart from here
        if (tau === 0 || phiNew <= phi - BETA * (1 - ALPHA) * rr / (2 * gamma)) break;
        tau /= 2;
      }
      if (gamma !== gammaBefore) {
        S.length = Y.length = rho.length = 0;
      } else {
        const sv = new Float64Array(n);
        const yv = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          sv[i] = xNew[i]! - x[i]!;
          yv[i] = rNew[i]! - r[i]!;
        }
        const sy = dotv(sv, yv);
        if (sy > 1e-12 * Math.sqrt(dotv(sv, sv) * dotv(yv, yv))) {
          if (S.length === memory) {
            S.shift();
            Y.shift();
            rho.shift();
          }
          S.push(sv);
          Y.push(yv);
          rho.push(1 / sy);
        }
      }
      x.set(xNew);
      grad.set(gNew);
      fx = fNew;
      xbar.set(barNew);
      r.set(rNew);
      phi = phiNew;
      certificate = Math.sqrt(dotv(r, r)) / gamma;
      objective = s.value(xbar) + g.value(xbar);
      return { objective, residual: certificate, converged: certificate <= opts.tol };
    });
    return {
      x: Float64Array.from(xbar),
      ...runResult(outcome, 'fixed-point residual ‖x − prox_γg(x − γ∇f(x))‖/γ', certificate),
      objective,
      step: gamma,
      gradientEvaluations: evaluations,
    };
  });
}
