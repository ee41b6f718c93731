/**
 * Indicators of closed convex sets (prox = Euclidean projection, whatever t): box, nonnegative
 * orthant, simplex, L1 / L2 / L∞ balls, hyperplane and half-space. value(x) is 0 inside the set and
 * +Infinity outside, with a relative tolerance of 1e-9.
 */
import { ParameterError, ShapeError, parameterError } from '../../runtime/errors.js';
import { f64View, type Placed, type Scope } from '../../runtime/memory.js';
import type { ProxOperator } from '../operator.js';
import { defineOperator, describeParams, finite, lengthChecker, nonNegativeFinite, placeArray, vectorParameter, within } from './define.js';
import { norm2, placedNorm2 } from './norms.js';

const SET = { convex: true, separable: true, prox: 'closed-form', indicator: true } as const;
const COUPLED_SET = { ...SET, separable: false } as const;

const indicator = (inside: boolean): number => (inside ? 0 : Infinity);

/**
 * τ ≥ 0 with P_{‖x‖₁ ≤ r}(v) = softThreshold(v, τ) (Duchi et al. 2008: the L1-ball projection is the
 * simplex projection of |v| with the signs put back): 0 when ‖v‖₁ ≤ r, max|v| when r = 0, else the
 * root of Σ(|vᵢ| − τ)₊ = r: the simplex threshold of |v| (the kernel simplexThreshold, fast for sparse
 * and dense results alike). NaN if v holds NaN/±Inf.
 */
export function l1BallThreshold(s: Scope, input: Placed, r: number): number {
  const n = input.n;
  if (n === 0) return 0;
  const a = s.f64(n);
  const total = s.x.absInto(input.ptr, n, a);
  if (Number.isNaN(total)) return NaN;
  if (total <= r) return 0;
  if (total === Infinity) {
    // Either a non-finite entry or a finite sum that overflowed: the first is an error.
    const av = f64View(s.x, a, n);
    for (let i = 0; i < n; i++) if (av[i] === Infinity) return NaN;
  }
  if (r === 0) {
    let m = 0;
    const av = f64View(s.x, a, n);
    for (let i = 0; i < n; i++) m = Math.max(m, av[i]!);
    return m;
  }
  const w = s.f64(n);
  const shift = s.x.simplexThreshold(a, n, r, w);
  return Math.max(0, f64View(s.x, w, 1)[0]! + shift);
}

/**
 * A bound of indBox: a number or a vector of them. −Infinity is allowed for lo and +Infinity for hi
 * (no bound); lo = +Infinity or hi = −Infinity would leave no real x in the box (an empty set has no prox).
 */
function bound(fn: string, name: 'lo' | 'hi', value: unknown): number | Float64Array {
  const empty = name === 'lo' ? Infinity : -Infinity;
  const expected = name === 'lo' ? 'a number < Infinity (−Infinity allowed)' : 'a number > −Infinity (Infinity allowed)';
  if (typeof value === 'number') {
    if (Number.isNaN(value) || value === empty) throw parameterError(fn, name, `${expected} or a vector of them`, value);
    return value;
  }
  return vectorParameter(fn, name, value, (x) => !Number.isNaN(x) && x !== empty, expected);
}

/**
 * {x : lo ≤ x ≤ hi}; lo and hi are numbers or vectors of one length, lo ≤ hi entrywise, with lo = −Infinity
 * or hi = Infinity for no bound (lo = Infinity or hi = −Infinity is refused: the box would be empty).
 * prox: clamp (SIMD).
 */
export function indBox(lo: number | ArrayLike<number>, hi: number | ArrayLike<number>): ProxOperator {
  const fn = 'indBox';
  const l = bound(fn, 'lo', lo);
  const h = bound(fn, 'hi', hi);
  const name = `indBox(${describeParams(l, h)})`;
  if (typeof l === 'number' && typeof h === 'number') {
    if (!(l <= h)) throw new ParameterError(`${fn}: lo must be <= hi (got lo = ${l}, hi = ${h})`);
    return defineOperator({
      name,
      properties: SET,
      value: (x) => {
        for (let i = 0; i < x.length; i++) if (!within(l - x[i]!, l) || !within(x[i]! - h, h)) return Infinity;
        return 0;
      },
      run: (s, input, out) => s.x.clampScalar(input.ptr, input.n, l, h, out),
    });
  }
  const n = typeof l === 'number' ? (h as Float64Array).length : l.length;
  if (typeof h !== 'number' && h.length !== n) throw new ShapeError(`${fn}: lo and hi must have the same length (got ${n} and ${h.length})`);
  const lv = typeof l === 'number' ? new Float64Array(n).fill(l) : l;
  const hv = typeof h === 'number' ? new Float64Array(n).fill(h) : h;
  for (let i = 0; i < n; i++) {
    if (!(lv[i]! <= hv[i]!)) throw new ParameterError(`${fn}: lo must be <= hi (got lo[${i}] = ${lv[i]}, hi[${i}] = ${hv[i]})`);
  }
  return defineOperator({
    name,
    properties: SET,
    value: (x) => {
      for (let i = 0; i < n; i++) if (!within(lv[i]! - x[i]!, lv[i]!) || !within(x[i]! - hv[i]!, hv[i]!)) return Infinity;
      return 0;
    },
    checkLength: lengthChecker('lo and hi', n),
    run: (s, input, out) => s.x.clampVector(input.ptr, placeArray(s, lv), placeArray(s, hv), input.n, out),
  });
}

/** {x : x ≥ 0}. prox: max(v, 0). */
export function indNonnegative(): ProxOperator {
  return defineOperator({
    name: 'indNonnegative()',
    properties: SET,
    value: (x) => indicator(x.every((xi) => within(-xi, 0))),
    run: (s, input, out) => s.x.clampScalar(input.ptr, input.n, 0, Infinity, out),
  });
}

/**
 * {x ≥ 0 : Σx = radius}, radius ≥ 0 finite (0: the set {0}, still non-empty and convex). prox:
 * projectSimplex (Condat 2016, expected O(n)); v non-empty.
 */
export function indSimplex(radius = 1): ProxOperator {
  const fn = 'indSimplex';
  nonNegativeFinite(fn, 'radius', radius);
  return defineOperator({
    name: `indSimplex(${radius})`,
    properties: COUPLED_SET,
    value: (x) => {
      let sum = 0;
      let total = 0;
      for (let i = 0; i < x.length; i++) {
        if (!within(-x[i]!, 0)) return Infinity;
        sum += x[i]!;
        total += Math.abs(x[i]!);
      }
      return indicator(x.length > 0 && within(Math.abs(sum - radius), Math.max(radius, total)));
    },
    checkLength: (f, n) => {
      if (n === 0) throw new ShapeError(`${f}: v must have length >= 1 (got 0)`);
    },
    run: (s, input, out) => s.x.projectSimplex(input.ptr, input.n, radius, s.f64(input.n), out),
  });
}

/** {x : ‖x‖₁ ≤ radius}, radius ≥ 0 finite (0: {0}). prox: soft-threshold at the simplex threshold of |v| (linear time). */
export function indBallL1(radius = 1): ProxOperator {
  const fn = 'indBallL1';
  nonNegativeFinite(fn, 'radius', radius);
  return defineOperator({
    name: `indBallL1(${radius})`,
    properties: COUPLED_SET,
    value: (x) => indicator(within(x.reduce((a, xi) => a + Math.abs(xi), 0) - radius, radius)),
    run: (s, input, out) => {
      const tau = l1BallThreshold(s, input, radius);
      return Number.isNaN(tau) ? 1 : s.x.softThreshold(input.ptr, input.n, tau, out);
    },
  });
}

/** {x : ‖x‖₂ ≤ radius}, radius ≥ 0 finite (0: {0}). prox: v·min(1, radius/‖v‖). */
export function indBallL2(radius = 1): ProxOperator {
  const fn = 'indBallL2';
  nonNegativeFinite(fn, 'radius', radius);
  return defineOperator({
    name: `indBallL2(${radius})`,
    properties: COUPLED_SET,
    value: (x) => indicator(within(norm2(x) - radius, radius)),
    run: (s, input, out) => {
      const nv = placedNorm2(s, input);
      if (!Number.isFinite(nv)) return 1;
      return s.x.scaleVec(input.ptr, input.n, nv > radius ? radius / nv : 1, out);
    },
  });
}

/** {x : ‖x‖∞ ≤ radius}, radius ≥ 0 finite (0: {0}). prox: clamp(v, −radius, radius). */
export function indBallLinf(radius = 1): ProxOperator {
  const fn = 'indBallLinf';
  nonNegativeFinite(fn, 'radius', radius);
  return defineOperator({
    name: `indBallLinf(${radius})`,
    properties: SET,
    value: (x) => indicator(x.every((xi) => within(Math.abs(xi) - radius, radius))),
    run: (s, input, out) => s.x.clampScalar(input.ptr, input.n, -radius, radius, out),
  });
}

function residual(av: Float64Array, x: Float64Array, b: number): { r: number; scale: number } {
  let r = -b;
  let scale = Math.abs(b);
  for (let i = 0; i < av.length; i++) {
    r += av[i]! * x[i]!;
    scale += Math.abs(av[i]! * x[i]!);
  }
  return { r, scale };
}

/** A non-zero finite row vector a (copied) and ‖a‖², for the operators that act along a row. */
export function rowParameter(fn: string, a: ArrayLike<number>): { av: Float64Array; aa: number } {
  const av = vectorParameter(fn, 'a', a);
  const na = norm2(av);
  if (!(na > 0)) throw new ParameterError(`${fn}: a must be a non-zero vector (got all zeros, length ${av.length})`);
  return { av, aa: na * na };
}

/** {x : ⟨a, x⟩ = b} (equality) or {x : ⟨a, x⟩ ≤ b}: prox v − (excess/‖a‖²)·a, excess = r or max(r, 0). */
function affineSet(fn: 'indHyperplane' | 'indHalfspace', a: ArrayLike<number>, b: number): ProxOperator {
  const { av, aa } = rowParameter(fn, a);
  finite(fn, 'b', b);
  const equality = fn === 'indHyperplane';
  return defineOperator({
    name: `${fn}(${describeParams(av, b)})`,
    properties: COUPLED_SET,
    value: (x) => {
      const { r, scale } = residual(av, x, b);
      return indicator(within(equality ? Math.abs(r) : r, scale));
    },
    checkLength: lengthChecker('a', av.length),
    run: (s, input, out) => {
      const ap = placeArray(s, av);
      const r = s.x.dotF64(ap, input.ptr, input.n) - b;
      if (!Number.isFinite(r)) return 1;
      return s.x.axpyInto(input.ptr, ap, input.n, -(equality ? r : Math.max(r, 0)) / aa, out);
    },
  });
}

/** {x : ⟨a, x⟩ = b}, a ≠ 0. prox: v − ((⟨a, v⟩ − b)/‖a‖²)·a. */
export function indHyperplane(a: ArrayLike<number>, b: number): ProxOperator {
  return affineSet('indHyperplane', a, b);
}

/** {x : ⟨a, x⟩ ≤ b}, a ≠ 0. prox: v − (max(⟨a, v⟩ − b, 0)/‖a‖²)·a. */
export function indHalfspace(a: ArrayLike<number>, b: number): ProxOperator {
  return affineSet('indHalfspace', a, b);
}
