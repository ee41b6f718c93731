/**
 * First-order, Hessian-free methods for bilevel problems
 *
 *   min_{x ∈ X} F(x, y)  s.t.  y ∈ S(x) = argmin_{y ∈ Y, c(x, y) ≤ 0} f(x, y),
 *
 * through value functions: a penalty method on F + (f − v)/σ with v(x) = min_z f(x, z) (Kwon, Kwon,
 * Wright & Nowak 2023, "On penalty methods for nonconvex bilevel optimization and first-order
 * stochastic approximation"), and LV-HBA, single-loop on the proximal Lagrangian value function for
 * a lower level with constraints c(x, y) ≤ 0 (Yao, Xu, Zeng, Zhang 2024, "Constrained bi-level
 * optimization: proximal Lagrangian value function approach and Hessian-free algorithm").
 */
import { ParameterError, ShapeError, parameterError } from '../runtime/errors.js';
import { mathWasm } from '../runtime/math.js';
import type { VectorInput } from '../runtime/memory.js';
import { optionKeys, readCallback } from '../runtime/validate.js';
import { ITERATIVE_KEYS, checkOptions, dimension, iterate, reportingAs, runResult } from '../prox/algorithms/common.js';
import type { IterativeOptions, IterativeResult } from '../prox/algorithms/index.js';
import type { ProxOperator } from '../prox/index.js';
import { checkProxArg, finiteOut, nonNegativeOption, positiveArg, vectorArg } from './common.js';

/** A smooth function of the pair (x, y), as callbacks over Float64Array. */
export interface BilevelFunction {
  /** Its value at (x, y). */
  value(x: Float64Array, y: Float64Array): number;
  /** out ← ∇ₓ(x, y) (length of x). */
  gradX(x: Float64Array, y: Float64Array, out: Float64Array): void;
  /** out ← ∇_y(x, y) (length of y). */
  gradY(x: Float64Array, y: Float64Array, out: Float64Array): void;
  /** A Lipschitz constant of its joint gradient (finite, > 0): sets the default steps. */
  readonly lipschitz: number;
}

/** Lower-level constraints c(x, y) ≤ 0 (p of them), smooth and convex in y. */
export interface LowerConstraints {
  /** p, the number of constraints. */
  readonly count: number;
  /** out ← c(x, y) (length p). */
  value(x: Float64Array, y: Float64Array, out: Float64Array): void;
  /** out ← Σᵢ λᵢ ∇ₓcᵢ(x, y) (length of x). */
  gradXT(x: Float64Array, y: Float64Array, lambda: Float64Array, out: Float64Array): void;
  /** out ← Σᵢ λᵢ ∇_y cᵢ(x, y) (length of y). */
  gradYT(x: Float64Array, y: Float64Array, lambda: Float64Array, out: Float64Array): void;
  /** A Lipschitz constant of c's joint gradient where the iterates go (for the default θ step; default 0: linear constraints). */
  readonly lipschitz?: number;
  /** A bound on ‖∇_y c‖ (spectral norm of the y-Jacobian; for the default θ step; default 1). */
  readonly jacobianNorm?: number;
}

/** A bilevel problem: upper F, lower f, dimensions, simple sets X and Y (as projections), optional lower constraints. */
export interface BilevelProblem {
  /** F(x, y), the upper-level objective. */
  upper: BilevelFunction;
  /** f(x, y), the lower-level objective (convex in y). */
  lower: BilevelFunction;
  /** n, the dimension of x. */
  dimX: number;
  /** m, the dimension of y. */
  dimY: number;
  /** The set X for x, as a ProxOperator whose prox is the projection (e.g. indBox). Default: ℝⁿ. */
  X?: ProxOperator;
  /** The set Y for y (a projection). Default: ℝᵐ. */
  Y?: ProxOperator;
  /** lvhba only: lower-level constraints c(x, y) ≤ 0. penaltyBilevel refuses them. */
  constraints?: LowerConstraints;
  /**
   * lvhba only: the Euclidean projection onto C = {(x, y) : x ∈ X, y ∈ Y, c(x, y) ≤ 0}, in place.
   * The method needs y feasible: outside C the value-function gap f − v_γ can be negative and the
   * penalized objective unbounded below. Default: P_X then P_Y (enough when c depends on y only
   * and Y is that set).
   */
  projectXY?: (x: Float64Array, y: Float64Array) => void;
}

export interface BilevelOptions extends IterativeOptions {
  /** Starting upper-level point (length n, default zeros). */
  x0?: VectorInput;
  /** Starting lower-level point (length m, default zeros). */
  y0?: VectorInput;
}

export interface PenaltyBilevelOptions extends BilevelOptions {
  /** The penalty parameter σ > 0 (the solution is O(σ)-close to the bilevel one). Default 1e-3. */
  sigma?: number;
  /** Gradient steps on y (for σF + f) and on z (for f) per outer step (integer ≥ 1). Default 20. */
  innerSteps?: number;
  /** Step on y and z (> 0). Default 1/(σ·L_F + L_f) (lipschitz fields of upper and lower). */
  stepY?: number;
  /** Step on x for the penalty hypergradient ∇ₓF + (∇ₓf(x, y) − ∇ₓf(x, z))/σ (> 0). Default 1/(L_F + L_f). */
  stepX?: number;
}

export interface LvhbaOptions extends BilevelOptions {
  /** γ₁ > 0, the proximal parameter of θ in the value function (default 10). */
  gamma1?: number;
  /** γ₂ > 0, the proximal parameter of λ (default 0.01). */
  gamma2?: number;
  /** c₀ > 0 in the penalty weight c_k = c₀(k + 1)^p on the value-function gap (default 10). */
  c0?: number;
  /** p ∈ (0, 1/2) in c_k (default 0.3). */
  p?: number;
  /** Step α on (x, y) (> 0). Default 1/(L_F/c₀ + L_f + 1/γ₁ + ‖λ‖-free constraint term). */
  alpha?: number;
  /** Step β on z (> 0). Default γ₂. */
  beta?: number;
  /** Step η on θ (> 0). Default 1/(L_f + 1/γ₁ + L_c·‖z‖∞ + γ₂‖∇_y c‖²). */
  eta?: number;
  /** Starting multiplier estimate z (length p, default zeros). */
  z0?: VectorInput;
}

/** What bilevel solvers return. */
export interface BilevelResult extends IterativeResult {
  /** The lower-level point y. */
  y: Float64Array;
  /** F(xₖ, yₖ) at each iteration k = 1, 2, … */
  upperValues: number[];
  /** f(xₖ, yₖ) at each iteration. */
  lowerValues: number[];
  /**
   * The value-function gap at each iteration: f(x, y) − f(x, z) for the penalty method (z tracking
   * argmin f(x, ·)), f(x, y) − v_γ(x, y, z) (its one-step estimate) for LV-HBA. Near 0 at a bilevel-feasible point.
   */
  valueGap: number[];
  /** Gradient evaluations by callback. */
  gradientCalls: {
    /** Gradient evaluations of the upper level F (∇ₓF and ∇_yF, counted as pairs). */
    upper: number;
    /** Gradient evaluations of the lower level f (∇ₓf and ∇_yf, counted as pairs). */
    lower: number;
  };
}

const BILEVEL_BASE = { x0: true, y0: true } as const;
const PENALTY_KEYS = [...ITERATIVE_KEYS, ...optionKeys<Omit<PenaltyBilevelOptions, keyof IterativeOptions>>({ ...BILEVEL_BASE, sigma: true, innerSteps: true, stepY: true, stepX: true })];
const LVHBA_KEYS = [...ITERATIVE_KEYS, ...optionKeys<Omit<LvhbaOptions, keyof IterativeOptions>>({ ...BILEVEL_BASE, gamma1: true, gamma2: true, c0: true, p: true, alpha: true, beta: true, eta: true, z0: true })];

function checkBilevelFunction(fn: string, name: string, f: unknown): BilevelFunction {
  const b = f as BilevelFunction | null;
  if (b === null || typeof b !== 'object' || typeof b.value !== 'function' || typeof b.gradX !== 'function' || typeof b.gradY !== 'function') {
    throw parameterError(fn, name, 'a BilevelFunction { value(x, y), gradX(x, y, out), gradY(x, y, out), lipschitz }', f);
  }
  positiveArg(fn, `${name}.lipschitz`, b.lipschitz);
  return b;
}

interface Checked {
  F: BilevelFunction;
  f: BilevelFunction;
  n: number;
  m: number;
  X: ProxOperator | undefined;
  Y: ProxOperator | undefined;
}

function checkProblem(fn: string, problem: BilevelProblem): Checked {
  if (problem === null || typeof problem !== 'object') throw parameterError(fn, 'problem', 'an object { upper, lower, dimX, dimY, X?, Y? }', problem);
  const F = checkBilevelFunction(fn, 'problem.upper', problem.upper);
  const f = checkBilevelFunction(fn, 'problem.lower', problem.lower);
  const n = dimension(fn, 'problem.dimX', problem.dimX);
  const m = dimension(fn, 'problem.dimY', problem.dimY);
  const X = problem.X === undefined ? undefined : checkProxArg(fn, 'problem.X', problem.X);
  const Y = problem.Y === undefined ? undefined : checkProxArg(fn, 'problem.Y', problem.Y);
  return { F, f, n, m, X, Y };
}

/** Projects v in place onto the set (identity when absent). */
function project(S: ProxOperator | undefined, v: Float64Array): void {
  if (S) S.prox(v, 1, v);
}

/**
 * The penalty method for bilevel problems (Kwon et al. 2023): minimizes
 *
 *   ψ_σ(x, y) = F(x, y) + (f(x, y) − v(x))/σ,   v(x) = min_{z ∈ Y} f(x, z),
 *
 * whose stationary points are O(σ)-close to the bilevel ones. Each iteration makes `innerSteps`
 * projected gradient steps on y (for σF + f) and on z (for f), then one projected step on x along the
 * penalty hypergradient ∇ₓF(x, y) + (∇ₓf(x, y) − ∇ₓf(x, z))/σ (Danskin: ∇v(x) = ∇ₓf(x, z*(x))). Only
 * gradients: no Hessian, no inverse.
 *
 * Certificate ('penalty stationarity'): max(‖x_{k+1} − x_k‖/stepX, ‖last y step‖/stepY); the value gap
 * f(x, y) − f(x, z) is O(σ²) at the penalty solution and is reported in `valueGap`, not in the certificate.
 * Defaults: maxIter 10000, tol 1e-6, σ = 1e-3, innerSteps 20.
 * @throws ParameterError for malformed problems or options (constraints: use `lvhba`); ShapeError for x0/y0 of the wrong length.
 */
export function penaltyBilevel(problem: BilevelProblem, options: PenaltyBilevelOptions = {}): BilevelResult {
  const fn = 'penaltyBilevel';
  const P = checkProblem(fn, problem);
  if (problem.constraints !== undefined || problem.projectXY !== undefined) {
    throw new ParameterError(`${fn}: problem.constraints and problem.projectXY are not supported (lower-level constraints c(x, y) ≤ 0 need lvhba)`);
  }
  const opts = checkOptions(fn, options, { maxIter: 10000, tol: 1e-6 }, PENALTY_KEYS);
  const sigma = options.sigma === undefined ? 1e-3 : positiveArg(fn, 'options.sigma', options.sigma);
  const inner = options.innerSteps ?? 20;
  if (!Number.isSafeInteger(inner) || inner < 1) throw parameterError(fn, 'options.innerSteps', 'a positive integer', inner);
  const LF = P.F.lipschitz;
  const Lf = P.f.lipschitz;
  const stepY = options.stepY === undefined ? 1 / (sigma * LF + Lf) : positiveArg(fn, 'options.stepY', options.stepY);
  const stepX = options.stepX === undefined ? 1 / (LF + Lf) : positiveArg(fn, 'options.stepX', options.stepX);
  const { n, m, F, f } = P;
  let x = vectorArg(fn, 'options.x0', options.x0, n);
  const y = vectorArg(fn, 'options.y0', options.y0, m);
  readCallback(fn, 'options.onProgress', options.onProgress);
  const z = y.slice();
  const calls = { upper: 0, lower: 0 };
  const upperValues: number[] = [];
  const lowerValues: number[] = [];
  const valueGap: number[] = [];
  const gy = new Float64Array(m);
  const gFy = new Float64Array(m);
  const gx = new Float64Array(n);
  const gFx = new Float64Array(n);
  const gzx = new Float64Array(n);
  return reportingAs(fn, () => {
    let cert = NaN;
    const outcome = iterate(opts, () => {
      let yMove = 0;
      for (let s = 0; s < inner; s++) {
        // z ← P_Y(z − stepY·∇_y f(x, z))  (tracks the lower-level solution, for v(x))
        f.gradY(x, z, gy);
        calls.lower++;
        finiteOut(fn, 'problem.lower.gradY', gy);
        for (let j = 0; j < m; j++) z[j] = z[j]! - gy[j]! / Lf;
        project(P.Y, z);
        // y ← P_Y(y − stepY·(σ∇_yF + ∇_y f)(x, y))
        F.gradY(x, y, gFy);
        f.gradY(x, y, gy);
        calls.upper++;
        calls.lower++;
        finiteOut(fn, 'problem.upper.gradY', gFy);
        finiteOut(fn, 'problem.lower.gradY', gy);
        const yOld = y.slice();
        for (let j = 0; j < m; j++) y[j] = y[j]! - stepY * (sigma * gFy[j]! + gy[j]!);
        project(P.Y, y);
        if (s === inner - 1) {
          let sq = 0;
          for (let j = 0; j < m; j++) sq += (y[j]! - yOld[j]!) ** 2;
          yMove = Math.sqrt(sq) / stepY;
        }
      }
      // x ← P_X(x − stepX·(∇ₓF(x, y) + (∇ₓf(x, y) − ∇ₓf(x, z))/σ))
      F.gradX(x, y, gFx);
      f.gradX(x, y, gx);
      f.gradX(x, z, gzx);
      calls.upper++;
      calls.lower += 2;
      finiteOut(fn, 'problem.upper.gradX', gFx);
      finiteOut(fn, 'problem.lower.gradX', gx);
      const xNew = new Float64Array(n);
      for (let i = 0; i < n; i++) xNew[i] = x[i]! - stepX * (gFx[i]! + (gx[i]! - gzx[i]!) / sigma);
      project(P.X, xNew);
      let sq = 0;
      for (let i = 0; i < n; i++) sq += (xNew[i]! - x[i]!) ** 2;
      x = xNew;
      const up = F.value(x, y);
      const low = f.value(x, y);
      const gap = low - f.value(x, z);
      upperValues.push(up);
      lowerValues.push(low);
      valueGap.push(gap);
      cert = Math.max(Math.sqrt(sq) / stepX, yMove);
      return { objective: up, residual: cert };
    });
    return {
      x: x.slice(),
      y: y.slice(),
      ...runResult(outcome, 'penalty stationarity', cert),
      upperValues,
      lowerValues,
      valueGap,
      gradientCalls: calls,
    };
  });
}

function checkConstraints(fn: string, c: unknown): LowerConstraints | undefined {
  if (c === undefined) return undefined;
  const k = c as LowerConstraints | null;
  if (k === null || typeof k !== 'object' || typeof k.value !== 'function' || typeof k.gradXT !== 'function' || typeof k.gradYT !== 'function') {
    throw parameterError(fn, 'problem.constraints', 'LowerConstraints { count, value(x, y, out), gradXT(x, y, λ, out), gradYT(x, y, λ, out) }', c);
  }
  dimension(fn, 'problem.constraints.count', k.count);
  nonNegativeOption(fn, 'problem.constraints.lipschitz', k.lipschitz, 0);
  nonNegativeOption(fn, 'problem.constraints.jacobianNorm', k.jacobianNorm, 1);
  return k;
}

/**
 * LV-HBA (Yao et al. 2024): a single-loop, Hessian-free method for bilevel problems whose lower level
 * has constraints c(x, y) ≤ 0. The lower level enters through the proximal Lagrangian value function
 *
 *   v_γ(x, y, z) = min_θ max_{λ ≥ 0} f(x, θ) + λᵀc(x, θ) + ‖θ − y‖²/(2γ₁) − ‖λ − z‖²/(2γ₂),
 *
 * and the method runs projected gradient on (1/c_k)F + f − v_γ with the value function's gradient
 * read off one descent–ascent step on (θ, λ) per iteration:
 *
 *   θ ← P_Y(θ − η(∇_y f(x, θ) + Σλᵢ∇_y cᵢ(x, θ) + (θ − y)/γ₁)),   λ ← max(0, z + γ₂ c(x, θ))
 *   x ← P_X(x − α((1/c_k)∇ₓF + ∇ₓf(x, y) − ∇ₓf(x, θ) − Σλᵢ∇ₓcᵢ(x, θ)))
 *   y ← P_Y(y − α((1/c_k)∇_yF + ∇_y f(x, y) − (y − θ)/γ₁)),   z ← max(0, z − β(z − λ)/γ₂)
 *
 * with c_k = c₀(k + 1)^p, and (x, y) projected onto C = {x ∈ X, y ∈ Y, c(x, y) ≤ 0} (`projectXY`). Without
 * constraints λ and z are empty and v_γ is the Moreau envelope of f(x, ·).
 *
 * Certificate ('max(fixed-point residual, 1/c_k)'): the largest step of (x, y, z, θ) divided by its
 * step size, or 1/c_k when larger — a stationary point of the k-th penalized problem is only O(1/c_k)
 * from the bilevel solution, so a small step alone does not certify it.
 * Defaults: maxIter 10000, tol 1e-6, γ₁ = 10, γ₂ = 0.01, c₀ = 10, p = 0.3.
 * @throws ParameterError for malformed problems or options; ShapeError for x0/y0/z0 of the wrong length.
 */
export function lvhba(problem: BilevelProblem, options: LvhbaOptions = {}): BilevelResult {
  const fn = 'lvhba';
  const P = checkProblem(fn, problem);
  const C = checkConstraints(fn, problem.constraints);
  const projectXY = readCallback(fn, 'problem.projectXY', problem.projectXY);
  const opts = checkOptions(fn, options, { maxIter: 10000, tol: 1e-6 }, LVHBA_KEYS);
  const gamma1 = options.gamma1 === undefined ? 10 : positiveArg(fn, 'options.gamma1', options.gamma1);
  const gamma2 = options.gamma2 === undefined ? 0.01 : positiveArg(fn, 'options.gamma2', options.gamma2);
  const c0 = options.c0 === undefined ? 10 : positiveArg(fn, 'options.c0', options.c0);
  const p = options.p === undefined ? 0.3 : positiveArg(fn, 'options.p', options.p);
  if (!(p < 0.5)) throw parameterError(fn, 'options.p', 'in (0, 0.5)', p);
  const { n, m, F, f } = P;
  const pc = C ? C.count : 0;
  const Lc = C?.lipschitz ?? 0;
  const Jc = C?.jacobianNorm ?? 1;
  const alpha = options.alpha === undefined ? 1 / (F.lipschitz / c0 + 2 * f.lipschitz + 2 / gamma1) : positiveArg(fn, 'options.alpha', options.alpha);
  const beta = options.beta === undefined ? gamma2 : positiveArg(fn, 'options.beta', options.beta);
  let x = vectorArg(fn, 'options.x0', options.x0, n);
  let y = vectorArg(fn, 'options.y0', options.y0, m);
  let z = vectorArg(fn, 'options.z0', options.z0, pc);
  for (let i = 0; i < pc; i++) if (z[i]! < 0) throw new ParameterError(`${fn}: options.z0 must be >= 0 (got ${z[i]} at index ${i})`);
  const eta0 = options.eta === undefined ? undefined : positiveArg(fn, 'options.eta', options.eta);
  readCallback(fn, 'options.onProgress', options.onProgress);
  const theta = y.slice();
  let lambda = new Float64Array(pc);
  const calls = { upper: 0, lower: 0 };
  const upperValues: number[] = [];
  const lowerValues: number[] = [];
  const valueGap: number[] = [];
  const gyT = new Float64Array(m);
  const cyT = new Float64Array(m);
  const cv = new Float64Array(pc);
  const gFx = new Float64Array(n);
  const gFy = new Float64Array(m);
  const gfx = new Float64Array(n);
  const gfy = new Float64Array(m);
  const gtx = new Float64Array(n);
  const ctx = new Float64Array(n);
  // the penalty weight c₀·kᵖ with WASM's pow: JavaScript's Math.pow differs in the last bit between engines
  const pow = mathWasm(fn).mathPow;
  return reportingAs(fn, () => {
    let cert = NaN;
    const outcome = iterate(opts, (k) => {
      const ck = c0 * pow(k, p);
      let zmax = 0;
      for (let i = 0; i < pc; i++) zmax = Math.max(zmax, z[i]!);
      const eta = eta0 ?? 1 / (f.lipschitz + 1 / gamma1 + Lc * zmax + gamma2 * Jc * Jc);
      // θ step (lower-level Lagrangian descent at the current multipliers).
      f.gradY(x, theta, gyT);
      calls.lower++;
      finiteOut(fn, 'problem.lower.gradY', gyT);
      if (C) {
        C.gradYT(x, theta, lambda, cyT);
        finiteOut(fn, 'problem.constraints.gradYT', cyT);
      }
      const thetaOld = theta.slice();
      for (let j = 0; j < m; j++) theta[j] = theta[j]! - eta * (gyT[j]! + (C ? cyT[j]! : 0) + (theta[j]! - y[j]!) / gamma1);
      project(P.Y, theta);
      // λ step: the exact maximizer of λᵀc − ‖λ − z‖²/(2γ₂) over λ ≥ 0.
      if (C) {
        C.value(x, theta, cv);
        finiteOut(fn, 'problem.constraints.value', cv);
        lambda = Float64Array.from(cv, (c, i) => Math.max(0, z[i]! + gamma2 * c));
      }
      // (x, y, z) step on (1/c_k)F + f − v_γ.
      F.gradX(x, y, gFx);
      F.gradY(x, y, gFy);
      f.gradX(x, y, gfx);
      f.gradY(x, y, gfy);
      f.gradX(x, theta, gtx);
      calls.upper++;
      calls.lower += 2;
      finiteOut(fn, 'problem.upper.gradX', gFx);
      finiteOut(fn, 'problem.upper.gradY', gFy);
      finiteOut(fn, 'problem.lower.gradX', gfx);
      finiteOut(fn, 'problem.lower.gradY', gfy);
      if (C) {
        C.gradXT(x, theta, lambda, ctx);
        finiteOut(fn, 'problem.constraints.gradXT', ctx);
      }
      const xNew = new Float64Array(n);
      for (let i = 0; i < n; i++) xNew[i] = x[i]! - alpha * (gFx[i]! / ck + gfx[i]! - gtx[i]! - (C ? ctx[i]! : 0));
      const yNew = new Float64Array(m);
      for (let j = 0; j < m; j++) yNew[j] = y[j]! - alpha * (gFy[j]! / ck + gfy[j]! - (y[j]! - theta[j]!) / gamma1);
      if (projectXY) {
        projectXY(xNew, yNew);
        finiteOut(fn, 'problem.projectXY (x)', xNew);
        finiteOut(fn, 'problem.projectXY (y)', yNew);
      } else {
        project(P.X, xNew);
        project(P.Y, yNew);
      }
      const zNew = Float64Array.from(z, (zi, i) => Math.max(0, zi - (beta * (zi - lambda[i]!)) / gamma2));
      let dx = 0;
      for (let i = 0; i < n; i++) dx += (xNew[i]! - x[i]!) ** 2;
      let dy = 0;
      for (let j = 0; j < m; j++) dy += (yNew[j]! - y[j]!) ** 2;
      let dz = 0;
      for (let i = 0; i < pc; i++) dz += (zNew[i]! - z[i]!) ** 2;
      let dt = 0;
      for (let j = 0; j < m; j++) dt += (theta[j]! - thetaOld[j]!) ** 2;
      x = xNew;
      y = yNew;
      z = zNew;
      const up = F.value(x, y);
      const low = f.value(x, y);
      // v_γ's one-step estimate at (θ, λ): f(x, θ) + λᵀc(x, θ) + ‖θ − y‖²/(2γ₁) − ‖λ − z‖²/(2γ₂).
      let v = f.value(x, theta);
      let py = 0;
      for (let j = 0; j < m; j++) py += (theta[j]! - y[j]!) ** 2;
      v += py / (2 * gamma1);
      if (C) {
        C.value(x, theta, cv);
        for (let i = 0; i < pc; i++) v += lambda[i]! * cv[i]! - (lambda[i]! - z[i]!) ** 2 / (2 * gamma2);
      }
      upperValues.push(up);
      lowerValues.push(low);
      valueGap.push(low - v);
      // The bilevel error of a stationary point of the k-th penalized problem is O(1/c_k): part of the certificate.
      cert = Math.max(Math.sqrt(dx + dy) / alpha, Math.sqrt(dz) / beta, Math.sqrt(dt) / eta, 1 / ck);
      return { objective: up, residual: cert };
    });
    return {
      x: x.slice(),
      y: y.slice(),
      ...runResult(outcome, 'max(fixed-point residual, 1/c_k)', cert),
      upperValues,
      lowerValues,
      valueGap,
      gradientCalls: calls,
    };
  });
}
