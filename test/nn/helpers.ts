/** Test helpers of the nn family: seeded inputs, finite differences, norms. */
import { nn } from '../../bindings/index.js';
import { uniforms } from '../helpers.js';

export type T = nn.Tensor;

/** n values uniform in [lo, hi) from a seeded test generator. */
export function uniformArray(seed: number, n: number, lo = -1, hi = 1): Float64Array {
  const u = uniforms(seed);
  return Float64Array.from({ length: n }, () => lo + (hi - lo) * u());
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

export function norm(a: ArrayLike<number>): number {
  return Math.sqrt(dot(a, a));
}

/** ‖a − b‖₂ / max(‖b‖₂, floor). */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-300): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(d) / Math.max(norm(b), floor);
}

/**
 * ∂L/∂x by the fourth-order central difference (−L(x+2h) + 8L(x+h) − 8L(x−h) + L(x−2h))/(12h) in
 * every coordinate, where `L` maps a plain Float64Array to a number. Truncation error is O(h⁴).
 */
export function numericGrad(L: (x: Float64Array) => number, x: Float64Array, h = 1e-3): Float64Array {
  const g = new Float64Array(x.length);
  const y = Float64Array.from(x);
  for (let i = 0; i < x.length; i++) {
    const at = (d: number): number => {
      y[i] = x[i]! + d;
      const v = L(y);
      y[i] = x[i]!;
      return v;
    };
    g[i] = (-at(2 * h) + 8 * at(h) - 8 * at(-h) + at(-2 * h)) / (12 * h);
  }
  return g;
}

/** Same, for a vector-valued map (the directional derivative along v): (F(x + tv) …)/(12t). */
export function numericDirectional(F: (x: Float64Array) => Float64Array, x: Float64Array, v: Float64Array, h = 1e-3): Float64Array {
  const shifted = (t: number): Float64Array => F(Float64Array.from(x, (xi, i) => xi + t * v[i]!));
  const a = shifted(2 * h), b = shifted(h), c = shifted(-h), d = shifted(-2 * h);
  return Float64Array.from(a, (_, i) => (-a[i]! + 8 * b[i]! - 8 * c[i]! + d[i]!) / (12 * h));
}
