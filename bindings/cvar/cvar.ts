/**
 * CVaR and VaR of a finite sample of losses, the CVaR subgradient weights, and the Euclidean
 * projection onto a CVaR sublevel set. Kernels in assembly/cvar/cvar.ts.
 */
import { ShapeError, parameterError } from '../runtime/errors.js';
import { checkOut, f64View, numbersOf, place, throwNonFinite, vectorLength, withScope, type Scope, type VectorInput } from '../runtime/memory.js';
import { optionKeys, positiveInteger, readOptions } from '../runtime/validate.js';
import { projectWeightedCvar, readWeights, weightedCvarAndVar } from './weighted.js';

/** Options of {@link cvar}, {@link valueAtRisk}, {@link cvarWeights}, {@link projectCvarSet} and {@link projectCvarSetInfo}. */
export interface CvarOptions {
  /**
   * Scenario weights, one per entry, finite and ≥ 0 with a positive sum (normalised to probabilities
   * p). CVaR_β is then the mean of the worst 1 − β of the probability mass,
   * min_t t + Σ pᵢ(ℓᵢ − t)₊/(1 − β), and VaR_β the largest loss whose upper tail carries more than
   * 1 − β of the mass. Integer weights give the same values as repeating each entry that often.
   * Default: equal weights.
   */
  weights?: ArrayLike<number>;
}
const CVAR_KEYS = optionKeys<CvarOptions>({ weights: true });

/** The probabilities of `options.weights` (null without weights). */
function weightsOf(fn: string, options: CvarOptions | undefined, n: number): Float64Array | null {
  const o = readOptions(fn, options, CVAR_KEYS);
  return o.weights === undefined ? null : readWeights(fn, 'options.weights', o.weights, n);
}

/**
 * Checks β ∈ [0, 1). β = 0 is the mean of the losses (k = n, every sample in the tail); β = 1 would put
 * zero mass in the tail (the Rockafellar–Uryasev form divides by 1 − β), so it is refused — its limit,
 * the maximum loss, is what any β with (1 − β)·n < 1 gives.
 */
export function checkBeta(fn: string, beta: unknown, name = 'beta'): number {
  if (typeof beta !== 'number' || !(beta >= 0 && beta < 1)) throw parameterError(fn, name, 'in [0, 1)', beta);
  return beta;
}

/**
 * Copies `a` into `out` from `offset`; entries that are not numbers (strings, bigints, symbols) become
 * NaN rather than being converted (or throwing a TypeError), so the finiteness check reports them.
 */
export function copyDoubles(a: ArrayLike<unknown>, out: Float64Array, offset: number): void {
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    out[offset + i] = typeof x === 'number' ? x : NaN;
  }
}

/** A finite number, or a ParameterError naming it. */
export function finiteNumber(fn: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw parameterError(fn, name, 'a finite number', v);
  return v;
}

/**
 * The number of tail samples k = (1 − β)·n, real in (0, n]. When (1 − β)·n is within 1e-9 (relative)
 * of an integer ≥ 1 it is snapped to it, so that β = 0.9, n = 10 gives k = 1 (the product is
 * 0.9999999999999998 in floating point) and not a fractional tail.
 * @param n  the sample count, an integer ≥ 1 (ParameterError otherwise).
 * @param beta  in [0, 1) (ParameterError otherwise); β = 0 gives k = n.
 */
export function tailCount(n: number, beta: number): number {
  const fn = 'tailCount';
  positiveInteger(fn, 'n', n);
  return tail(n, checkBeta(fn, beta));
}

/** `tailCount` without the checks, for callers that validated n and β already. */
export function tail(n: number, beta: number): number {
  const k = (1 - beta) * n;
  const r = Math.round(k);
  const snapped = r >= 1 && Math.abs(k - r) <= 1e-9 * Math.max(1, k) ? r : k;
  return Math.min(n, snapped);
}

function nonEmpty(fn: string, name: string, v: unknown): number {
  const n = vectorLength(fn, name, v);
  if (n === 0) throw new ShapeError(`${fn}: ${name} must have length >= 1 (got 0)`);
  return n;
}

/** Places `losses` in the scope and runs the VaR/CVaR kernel: returns the placed input, k, VaR and CVaR. */
function evaluate(s: Scope, fn: string, losses: VectorInput, n: number, k: number): { ptr: number; scratch: number; valueAtRisk: number; cvar: number } {
  const x = place(s, losses, n);
  const scratch = s.f64(n);
  const out = s.f64(2);
  if (s.x.cvarEval(x.ptr, n, k, scratch, out) !== 0) throwNonFinite(fn, 'losses', losses);
  const r = f64View(s.x, out, 2);
  return { ptr: x.ptr, scratch, valueAtRisk: r[0]!, cvar: r[1]! };
}

/** VaR and CVaR together (one selection); `tail` is k = (1 − β)·n as used (see `tailCount`). */
export function cvarAndVar(
  losses: VectorInput,
  beta: number,
  fn = 'cvarAndVar',
): {
  /** CVaR_β of the losses, as {@link cvar}. */
  cvar: number;
  /** VaR_β of the losses, as {@link valueAtRisk}. */
  valueAtRisk: number;
  /** k = (1 − β)·n, the (possibly fractional) number of tail samples. */
  tail: number;
} {
  checkBeta(fn, beta);
  const n = nonEmpty(fn, 'losses', losses);
  const k = tail(n, beta);
  return withScope(fn, (s) => {
    const { valueAtRisk, cvar } = evaluate(s, fn, losses, n, k);
    return { valueAtRisk, cvar, tail: k };
  });
}

/**
 * Conditional value-at-risk of the empirical distribution of `losses` at level β (the mean of the
 * worst (1 − β) fraction, with the boundary sample counted fractionally):
 *
 *   CVaR_β(ℓ) = min_η η + Σᵢ (ℓᵢ − η)₊ / ((1 − β)·n)     (Rockafellar & Uryasev 2000, Thm. 1)
 *             = (1/k)·(ℓ₍₁₎ + … + ℓ₍⌊k⌋₎ + (k − ⌊k⌋)·ℓ₍⌊k⌋₊₁₎),  k = (1 − β)·n, ℓ₍ᵢ₎ descending.
 *
 * Exact for any n and β (k < 1 gives the maximum); expected O(n) by quickselect on a scratch copy in
 * WASM (no sort). The risk minimised in Meng & Gower (ICML 2023), Eq. (2).
 * With `options.weights` (scenario probabilities p), the weighted CVaR min_t t + Σ pᵢ(ℓᵢ − t)₊/(1 − β),
 * expected O(n) by a weighted quickselect.
 * @param losses  length ≥ 1, finite (NonFiniteError otherwise).
 * @param beta  the level, in [0, 1) (ParameterError otherwise); e.g. 0.9 = the worst 10 %, 0 = the mean.
 * @param options  weights (default equal).
 */
export function cvar(losses: VectorInput, beta: number, options?: CvarOptions): number {
  return withWeights('cvar', losses, beta, options)?.cvar ?? cvarAndVar(losses, beta, 'cvar').cvar;
}

/** The weighted VaR and CVaR when options carry weights, else null (β and losses checked either way by the caller's path). */
function withWeights(fn: string, losses: VectorInput, beta: number, options: CvarOptions | undefined): { cvar: number; valueAtRisk: number } | null {
  if (options === undefined) return null;
  checkBeta(fn, beta);
  const n = nonEmpty(fn, 'losses', losses);
  const p = weightsOf(fn, options, n);
  return p === null ? null : weightedCvarAndVar(fn, losses, p, beta);
}

/**
 * Value-at-risk: the lower β-quantile of the losses, min{η : #{ℓᵢ ≤ η} ≥ β·n} = ℓ₍⌊k⌋₊₁₎ (descending
 * order, k = (1 − β)·n), which minimises the Rockafellar–Uryasev form of `cvar` (when k is an integer
 * every η in [ℓ₍k₊₁₎, ℓ₍k₎] does; this returns the lower end). Expected O(n) selection.
 * With `options.weights`: the largest loss whose upper tail {ℓ ≥ t} carries more than 1 − β of the
 * probability mass (a tail mass within 1e-9 relative of 1 − β counts as equal, as k is snapped above).
 * @param options  weights (default equal).
 */
export function valueAtRisk(losses: VectorInput, beta: number, options?: CvarOptions): number {
  return withWeights('valueAtRisk', losses, beta, options)?.valueAtRisk ?? cvarAndVar(losses, beta, 'valueAtRisk').valueAtRisk;
}

/**
 * A subgradient of CVaR_β with respect to the losses: wᵢ = 1/k above VaR, 0 below, and the mass left,
 * 1 − #{ℓᵢ > VaR}/k, shared equally by the losses equal to VaR. Σw = 1, 0 ≤ w ≤ 1/k and
 * Σ wᵢℓᵢ = CVaR_β(ℓ) (w maximises ⟨w, ℓ⟩ over {0 ≤ w ≤ 1/k, Σw = 1}, the dual form of CVaR).
 * For a model, ∇_θ CVaR = Σ wᵢ ∇ℓᵢ(θ) (a subgradient when the losses are convex in θ).
 *
 * With `options.weights` (scenario probabilities p, as in {@link cvar}), the subgradient of the
 * weighted CVaR: wᵢ = pᵢ/(1 − β) above the weighted VaR, 0 below, and the mass left,
 * 1 − Σ_{ℓᵢ > VaR} pᵢ/(1 − β), shared by the losses equal to VaR in proportion to their pᵢ. Then
 * Σw = 1, 0 ≤ wᵢ ≤ pᵢ/(1 − β) and Σ wᵢℓᵢ = CVaR_β(ℓ; p); integer weights give, for each loss, the
 * sum of the unweighted weights of its copies. O(n) after the weighted selection (WASM).
 * @param out  optional output, length n.
 * @param options  weights (default equal).
 */
export function cvarWeights(losses: VectorInput, beta: number, out?: Float64Array, options?: CvarOptions): Float64Array {
  const fn = 'cvarWeights';
  checkBeta(fn, beta);
  const n = nonEmpty(fn, 'losses', losses);
  checkOut(fn, out, n);
  const p = weightsOf(fn, options, n);
  if (p !== null) return weightedCvarWeights(fn, losses, p, beta, out ?? new Float64Array(n));
  const k = tail(n, beta);
  return withScope(fn, (s) => {
    const { ptr, scratch, valueAtRisk } = evaluate(s, fn, losses, n, k);
    s.x.cvarWeights(ptr, n, k, valueAtRisk, scratch);
    const result = out ?? new Float64Array(n);
    result.set(f64View(s.x, scratch, n));
    return result;
  });
}

/** The weighted subgradient of `cvarWeights` into `out`: the greedy maximiser of ⟨w, ℓ⟩ over {0 ≤ w ≤ p/(1 − β), Σw = 1}. */
function weightedCvarWeights(fn: string, losses: VectorInput, p: Float64Array, beta: number, out: Float64Array): Float64Array {
  const n = p.length;
  // the weighted VaR (and the finiteness check of the losses) from the WASM selection
  const t = weightedCvarAndVar(fn, losses, p, beta).valueAtRisk;
  const l = numbersOf(fn, 'losses', losses);
  const a = 1 - beta;
  let above = 0;
  let at = 0;
  for (let i = 0; i < n; i++) {
    if (l[i]! > t) above += p[i]!;
    else if (l[i] === t) at += p[i]!;
  }
  // mass(ℓ > VaR) ≤ 1 − β < mass(ℓ ≥ VaR) by the VaR's definition; the clip only absorbs rounding
  const left = Math.max(0, 1 - above / a);
  const share = at > 0 ? left / at : 0;
  for (let i = 0; i < n; i++) out[i] = l[i]! > t ? p[i]! / a : l[i] === t ? p[i]! * share : 0;
  return out;
}

/** The projection and its multipliers. */
export interface CvarProjection {
  /** The projection of v onto {x : CVaR_β(x) ≤ κ}. */
  x: Float64Array;
  /** x = v − clip(v − tau, 0, a): the level where the middle entries are flattened. */
  tau: number;
  /**
   * The amount subtracted from the top entries (a = μ/k, μ the constraint's multiplier); 0 if v was
   * feasible. With weights p, a top entry i loses a·n·pᵢ = μpᵢ/(1 − β) (so `a` is what an entry of
   * probability 1/n loses, as without weights).
   */
  a: number;
}

/**
 * Euclidean projection onto the CVaR sublevel set {x : CVaR_β(x) ≤ κ}, with CVaR_β as in `cvar`
 * (for (1 − β)·n = k an integer: the sum of the k largest entries ≤ κ·k; otherwise the fractional
 * Rockafellar–Uryasev form, so the set is {x : Σ top ⌊k⌋ + (k − ⌊k⌋)·x₍⌊k⌋₊₁₎ ≤ κ·k}).
 *
 *   x = argmin{‖x − v‖₂ : CVaR_β(x) ≤ κ} = v − clip(v − τ, 0, a)
 *
 * (entries above τ + a lose a, entries in [τ, τ + a] become τ, the rest stay). CVaR_β is the support
 * function of W = {0 ≤ w ≤ 1/k, Σw = 1}, so x = v − Π_{μW}(v) with μ = k·a ≥ 0 chosen so that
 * CVaR_β(x) = κ (the KKT conditions); τ, a follow from a walk over the breakpoints of the sorted
 * top of v. Cost O(n + r log r) where r ≤ n is the number of entries at or above the final τ (only
 * those are sorted; the rest is selected), so O(n log n) in the worst case.
 * Cf. Luxenberg et al., "An operator splitting method for large-scale CVaR-constrained QPs" (2025).
 * @param v  the point, length ≥ 1, finite.
 *
 * With `options.weights` (probabilities p), the set {x : CVaR_β(x; p) ≤ κ} of the weighted CVaR: then
 * x = v − clip(v − τ, 0, μ·p/(1 − β)), with μ and τ found by a safeguarded Newton iteration on the
 * piecewise-linear optimality conditions, each pass O(n) (no sort; typically 50–60 passes).
 * @param beta  in [0, 1) (β = 0: the half-space {x : mean(x) ≤ κ}).
 * @param kappa  the CVaR bound, finite.
 * @param out  optional output, length n.
 * @param options  weights (default equal).
 */
export function projectCvarSet(v: VectorInput, beta: number, kappa: number, out?: Float64Array, options?: CvarOptions): Float64Array {
  return projectInfo('projectCvarSet', v, beta, kappa, out, options).x;
}

/** `projectCvarSet` with its multipliers τ and a. */
export function projectCvarSetInfo(v: VectorInput, beta: number, kappa: number, out?: Float64Array, options?: CvarOptions): CvarProjection {
  return projectInfo('projectCvarSetInfo', v, beta, kappa, out, options);
}

function projectInfo(fn: string, v: VectorInput, beta: number, kappa: number, out: Float64Array | undefined, options: CvarOptions | undefined): CvarProjection {
  checkBeta(fn, beta);
  finiteNumber(fn, 'kappa', kappa);
  const n = nonEmpty(fn, 'v', v);
  checkOut(fn, out, n);
  const p = weightsOf(fn, options, n);
  if (p !== null) {
    const r = projectWeightedCvar(fn, v, p, beta, kappa, out);
    return { x: r.x, tau: r.tau, a: r.mu / ((1 - beta) * n) };
  }
  const k = tail(n, beta);
  return withScope(fn, (s) => {
    const y = place(s, v, n);
    const scratch = s.f64(n);
    const target = s.f64(n);
    const info = s.f64(2);
    if (s.x.projectCvarSet(y.ptr, n, k, kappa, scratch, target, info) !== 0) throwNonFinite(fn, 'v', v);
    const x = out ?? new Float64Array(n);
    x.set(f64View(s.x, target, n));
    const r = f64View(s.x, info, 2);
    return { x, tau: r[0]!, a: r[1]! };
  });
}
