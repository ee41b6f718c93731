/**
 * Norms and regularizers: normL1 (optionally weighted), normL2, sqrNormL2, elasticNet, normLinf,
 * normL21 (group lasso / sum of norms over non-overlapping groups) and the elementwise huberLoss.
 */
import { ParameterError, parameterError } from '../../runtime/errors.js';
import { f64View, type Placed, type Scope } from '../../runtime/memory.js';
import { positiveFinite } from '../../runtime/validate.js';
import type { ProxOperator } from '../operator.js';
import { defineOperator, describeParams, isNonNegativeFinite, lengthChecker, nonNegativeFinite, placeArray, placeInt32, vectorParameter } from './define.js';
import { l1BallThreshold } from './sets.js';

const SEPARABLE = { convex: true, separable: true, prox: 'closed-form', indicator: false } as const;
const NONSEPARABLE = { convex: true, separable: false, prox: 'closed-form', indicator: false } as const;

function sumAbs(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += Math.abs(x[i]!);
  return s;
}

/** ‖x‖₂ without overflow or underflow (scaled by the largest magnitude). */
export function norm2(x: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]!));
  if (m === 0) return 0;
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i]! / m) ** 2;
  return m * Math.sqrt(s);
}

/**
 * ‖v‖₂ of a placed vector: one SIMD dot product in WASM; the scaled TS loop only when the sum of
 * squares overflows or may have underflowed. NaN/Infinity when v holds NaN/±Inf.
 */
export function placedNorm2(s: Scope, input: Placed): number {
  const ss = s.x.dotF64(input.ptr, input.ptr, input.n);
  if (Number.isNaN(ss)) return NaN;
  if (ss > 1e-280 && ss < Infinity) return Math.sqrt(ss);
  return norm2(f64View(s.x, input.ptr, input.n));
}

/**
 * f(x) = λ‖x‖₁, or the weighted λ·Σ wᵢ|xᵢ| when `weights` (finite, ≥ 0, one per entry) is given.
 * prox: soft-threshold at tλ (tλwᵢ), SIMD in WASM.
 */
export function normL1(lambda = 1, weights?: ArrayLike<number>): ProxOperator {
  const fn = 'normL1';
  nonNegativeFinite(fn, 'lambda', lambda);
  if (weights === undefined) {
    return defineOperator({
      name: `normL1(${lambda})`,
      properties: SEPARABLE,
      value: (x) => lambda * sumAbs(x),
      run: (s, input, out, t) => s.x.softThreshold(input.ptr, input.n, t * lambda, out),
    });
  }
  const w = vectorParameter(fn, 'weights', weights, isNonNegativeFinite, 'finite and >= 0');
  return defineOperator({
    name: `normL1(${describeParams(lambda, w)})`,
    properties: SEPARABLE,
    value: (x) => {
      let s = 0;
      for (let i = 0; i < x.length; i++) s += w[i]! * Math.abs(x[i]!);
      return lambda * s;
    },
    checkLength: lengthChecker('weights', w.length),
    run: (s, input, out, t) => s.x.weightedShrink(input.ptr, placeArray(s, w), input.n, t * lambda, out),
  });
}

/** f(x) = λ‖x‖₂. prox: block soft-threshold max(1 − tλ/‖v‖, 0)·v. */
export function normL2(lambda = 1): ProxOperator {
  const fn = 'normL2';
  nonNegativeFinite(fn, 'lambda', lambda);
  return defineOperator({
    name: `normL2(${lambda})`,
    properties: NONSEPARABLE,
    value: (x) => lambda * norm2(x),
    run: (s, input, out, t) => {
      const nv = placedNorm2(s, input);
      if (!Number.isFinite(nv)) return 1;
      const c = nv > t * lambda ? 1 - (t * lambda) / nv : 0;
      return s.x.scaleVec(input.ptr, input.n, c, out);
    },
  });
}

/** f(x) = (λ/2)‖x‖₂². prox: v/(1 + tλ). */
export function sqrNormL2(lambda = 1): ProxOperator {
  const fn = 'sqrNormL2';
  nonNegativeFinite(fn, 'lambda', lambda);
  return defineOperator({
    name: `sqrNormL2(${lambda})`,
    properties: SEPARABLE,
    value: (x) => (lambda / 2) * norm2(x) ** 2,
    run: (s, input, out, t) => s.x.scaleVec(input.ptr, input.n, 1 / (1 + t * lambda), out),
  });
}

/** f(x) = λ1‖x‖₁ + (λ2/2)‖x‖₂². prox: soft-threshold at tλ1, then divide by 1 + tλ2 (one fused pass). */
export function elasticNet(lambda1 = 1, lambda2 = 1): ProxOperator {
  const fn = 'elasticNet';
  nonNegativeFinite(fn, 'lambda1', lambda1);
  nonNegativeFinite(fn, 'lambda2', lambda2);
  return defineOperator({
    name: `elasticNet(${lambda1}, ${lambda2})`,
    properties: SEPARABLE,
    value: (x) => lambda1 * sumAbs(x) + (lambda2 / 2) * norm2(x) ** 2,
    run: (s, input, out, t) => s.x.shrinkScale(input.ptr, input.n, t * lambda1, 1 / (1 + t * lambda2), out),
  });
}

/**
 * f(x) = λ‖x‖∞. prox by the Moreau identity from the L1-ball projection:
 * prox_{tf}(v) = v − P_{‖·‖₁ ≤ tλ}(v) = clamp(v, −τ, τ), τ the L1-ball threshold (0 when ‖v‖₁ ≤ tλ).
 */
export function normLinf(lambda = 1): ProxOperator {
  const fn = 'normLinf';
  nonNegativeFinite(fn, 'lambda', lambda);
  return defineOperator({
    name: `normLinf(${lambda})`,
    properties: NONSEPARABLE,
    value: (x) => {
      let m = 0;
      for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]!));
      return lambda * m;
    },
    run: (s, input, out, t) => {
      const tau = l1BallThreshold(s, input, t * lambda);
      if (Number.isNaN(tau)) return 1;
      // Inside the ball (τ = 0) everything goes to the L1 part: the prox is (+)0.
      return tau === 0 ? s.x.scaleVec(input.ptr, input.n, 0, out) : s.x.clampScalar(input.ptr, input.n, -tau, tau, out);
    },
  });
}

/**
 * f(x) = λ·Σ_g w_g‖x_g‖₂ over user-given non-overlapping groups (arrays of indices; entries in no
 * group are left free: f does not depend on them and the prox returns them unchanged).
 * prox: group soft-threshold. Groups are validated once: integer indices ≥ 0, each index in at most
 * one group; v must be longer than the largest index.
 */
export function normL21(groups: ArrayLike<ArrayLike<number>>, lambda = 1, weights?: ArrayLike<number>): ProxOperator {
  const fn = 'normL21';
  if (!groups || typeof groups !== 'object' || typeof groups.length !== 'number') {
    throw parameterError(fn, 'groups', 'an array of index arrays', groups);
  }
  nonNegativeFinite(fn, 'lambda', lambda);
  const ng = groups.length;
  const start = new Int32Array(ng + 1);
  const flat: number[] = [];
  const seen = new Map<number, number>();
  let maxIndex = -1;
  for (let g = 0; g < ng; g++) {
    const group = groups[g];
    if (!group || typeof group !== 'object' || typeof group.length !== 'number') {
      throw parameterError(fn, `groups[${g}]`, 'an array of indices', group);
    }
    for (let k = 0; k < group.length; k++) {
      const i = group[k]!;
      if (!Number.isInteger(i) || i < 0 || i > 2 ** 31 - 2) {
        throw parameterError(fn, `groups[${g}][${k}]`, 'an integer index >= 0', i);
      }
      const other = seen.get(i);
      if (other !== undefined) {
        throw new ParameterError(`${fn}: groups must not overlap (index ${i} is in groups ${other} and ${g})`);
      }
      seen.set(i, g);
      flat.push(i);
      maxIndex = Math.max(maxIndex, i);
    }
    start[g + 1] = flat.length;
  }
  const idx = Int32Array.from(flat);
  // Consecutive blocks in order (idx[k] = k) need no index list: the kernel then reads blocks directly.
  const consecutive = idx.every((i, k) => i === k);
  const w = weights === undefined ? null : vectorParameter(fn, 'weights', weights, isNonNegativeFinite, 'finite and >= 0');
  if (w && w.length !== ng) throw new ParameterError(`${fn}: weights must have one entry per group, ${ng} (got ${w.length})`);
  const gather = (x: Float64Array, g: number) => Array.from(idx.subarray(start[g]!, start[g + 1]!), (i) => x[i]!);
  const checkLength = (f: string, n: number) => {
    if (n <= maxIndex) throw new ParameterError(`${f}: v must have length > ${maxIndex}, the largest group index (got ${n})`);
  };
  return defineOperator({
    name: `normL21(${ng} groups, ${describeParams(lambda, w ?? undefined)})`,
    properties: NONSEPARABLE,
    value: (x) => {
      let s = 0;
      for (let g = 0; g < ng; g++) s += (w ? w[g]! : 1) * norm2(gather(x, g));
      return lambda * s;
    },
    checkLength,
    run: (s, input, out, t) =>
      s.x.groupShrink(input.ptr, input.n, consecutive ? 0 : placeInt32(s, idx), placeInt32(s, start), ng, w ? placeArray(s, w) : 0, t * lambda, out),
  });
}

/**
 * Elementwise Huber loss f(x) = Σ h_δ(xᵢ), h_δ(x) = x²/2 for |x| ≤ δ, δ(|x| − δ/2) beyond (δ > 0):
 * separable (like pyproximal's Huber; ProximalOperators.jl's HuberLoss is the non-separable
 * version on ‖x‖₂). prox: v/(1 + t) where |v| ≤ δ(1 + t), v − tδ·sign(v) beyond.
 */
export function huberLoss(delta = 1): ProxOperator {
  const fn = 'huberLoss';
  positiveFinite(fn, 'delta', delta);
  return defineOperator({
    name: `huberLoss(${delta})`,
    properties: SEPARABLE,
    value: (x) => {
      let s = 0;
      for (let i = 0; i < x.length; i++) {
        const a = Math.abs(x[i]!);
        s += a <= delta ? (a * a) / 2 : delta * (a - delta / 2);
      }
      return s;
    },
    run: (s, input, out, t) => s.x.huberShrink(input.ptr, input.n, t, delta, out),
  });
}
