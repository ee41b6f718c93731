import { beforeAll, describe, expect, it } from 'vitest';
import { NonFiniteError, ParameterError, ShapeError, costMatrix, emd2, init, memoryStats, slicedWasserstein, slicedWassersteinDetails, wasserstein1d } from '../../bindings/index.js';
import { randomVector, uniforms } from '../helpers.js';

beforeAll(() => init());

const cloud = (seed: number, n: number, d: number, shift = 0): Float64Array => randomVector(seed, n * d).map((v) => v + shift);
const weights = (seed: number, n: number): Float64Array => {
  const u = uniforms(seed);
  const w = Float64Array.from({ length: n }, () => 0.1 + u());
  const t = w.reduce((s, x) => s + x, 0);
  return w.map((x) => x / t);
};

describe('slicedWasserstein', () => {
  it('d = 1: equals wasserstein1d(…, p)^(1/p) (every direction is ±1), p = 1, 2, 3, with weights', () => {
    for (let seed = 1; seed <= 4; seed++) {
      const x = cloud(seed, 7 + seed, 1);
      const y = cloud(seed + 10, 5, 1, 0.5);
      const wx = weights(seed, x.length);
      const wy = weights(seed + 1, y.length);
      for (const p of [1, 2, 3]) {
        const want = wasserstein1d(x, y, wx, wy, p) ** (1 / p);
        const got = slicedWasserstein(x, y, { p, seed, projections: 9, weightsX: wx, weightsY: wy });
        expect(Math.abs(got - want)).toBeLessThan(1e-13 * Math.max(1, want));
      }
    }
  });

  it('per-direction values are the 1-D W_p^p of the clouds projected by hand onto the returned unit directions', () => {
    const d = 3;
    const X = cloud(1, 20, d);
    const Y = cloud(2, 15, d, 1);
    const r = slicedWassersteinDetails(X, Y, { dim: d, projections: 6, seed: 5 });
    expect(r.directions.length).toBe(6 * d);
    for (let l = 0; l < 6; l++) {
      const th = r.directions.subarray(l * d, (l + 1) * d);
      expect(Math.abs(Math.hypot(...th) - 1)).toBeLessThan(1e-15);
      const proj = (P: Float64Array) => Float64Array.from({ length: P.length / d }, (_, i) => th[0]! * P[i * d]! + th[1]! * P[i * d + 1]! + th[2]! * P[i * d + 2]!);
      expect(Math.abs(r.projected[l]! - wasserstein1d(proj(X), proj(Y), undefined, undefined, 2))).toBeLessThan(1e-12);
    }
    const mean = r.projected.reduce((s, v) => s + v, 0) / 6;
    expect(r.value).toBe(Math.sqrt(mean));
    expect(slicedWasserstein(X, Y, { dim: d, projections: 6, seed: 5 })).toBe(r.value);
  });

  it('a translated cloud: SW_2² = mean_l ⟨θ_l, c⟩² (closed form per direction), and → ‖c‖²/d as L grows', () => {
    const d = 4;
    const c = [1, -2, 0.5, 3];
    const Y = cloud(3, 30, d);
    const X = Y.map((v, k) => v + c[k % d]!);
    const r = slicedWassersteinDetails(X, Y, { dim: d, projections: 40, seed: 11 });
    let want = 0;
    for (let l = 0; l < 40; l++) want += (c[0]! * r.directions[l * d]! + c[1]! * r.directions[l * d + 1]! + c[2]! * r.directions[l * d + 2]! + c[3]! * r.directions[l * d + 3]!) ** 2;
    expect(Math.abs(r.value ** 2 - want / 40)).toBeLessThan(1e-11);
    const big = slicedWasserstein(X, Y, { dim: d, projections: 4000, seed: 1 });
    const c2 = c.reduce((s, v) => s + v * v, 0);
    expect(Math.abs(big ** 2 / (c2 / d) - 1)).toBeLessThan(0.06); // Monte-Carlo error ~ √(2/L)·… ≈ 3 %
  });

  it('deterministic for a seed, different for another; symmetric; zero for identical clouds', () => {
    const X = { data: cloud(4, 25 * 2, 1), rows: 25, cols: 2 };
    const Y = { data: cloud(5, 18 * 2, 1, 0.3), rows: 18, cols: 2 };
    const a = slicedWasserstein(X, Y, { seed: 42 });
    expect(slicedWasserstein(X, Y, { seed: 42 })).toBe(a);
    expect(slicedWasserstein(X, Y, { seed: 43 })).not.toBe(a);
    expect(Math.abs(slicedWasserstein(Y, X, { seed: 42 }) - a)).toBeLessThan(1e-14 * a);
    expect(slicedWasserstein(X, X, { seed: 42 })).toBe(0);
    expect(slicedWasserstein(X, X, { seed: 42, p: 1 })).toBe(0);
  });

  it('homogeneous: SW(tX, tY) = |t|·SW(X, Y) for t = 3, −0.5; translation-invariant for a common shift', () => {
    const d = 2;
    const X = cloud(6, 22 * d, 1);
    const Y = cloud(7, 13 * d, 1, 0.7);
    for (const p of [1, 2]) {
      const base = slicedWasserstein(X, Y, { dim: d, p, seed: 3 });
      for (const t of [3, -0.5]) {
        const scaled = slicedWasserstein(X.map((v) => t * v), Y.map((v) => t * v), { dim: d, p, seed: 3 });
        expect(Math.abs(scaled - Math.abs(t) * base)).toBeLessThan(1e-12 * base);
      }
      const shifted = slicedWasserstein(X.map((v) => v + 5), Y.map((v) => v + 5), { dim: d, p, seed: 3 });
      expect(Math.abs(shifted - base)).toBeLessThan(1e-11);
    }
  });

  it('SW_p ≤ W_p from the exact emd (p = 1 with the Euclidean cost, p = 2 with the squared one), random clouds and weights', () => {
    for (let seed = 1; seed <= 5; seed++) {
      const d = 1 + seed;
      const n = 8 + seed;
      const m = 6 + 2 * seed;
      const X = cloud(seed, n * d, 1);
      const Y = cloud(seed + 20, m * d, 1, 0.4);
      const a = weights(seed, n);
      const b = weights(seed + 3, m);
      const W1 = emd2(a, b, costMatrix(X, Y, { dim: d, metric: 'euclidean' }));
      const W2 = Math.sqrt(emd2(a, b, costMatrix(X, Y, { dim: d })));
      const o = { dim: d, seed, weightsX: a, weightsY: b, projections: 200 };
      const s1 = slicedWasserstein(X, Y, { ...o, p: 1 });
      const s2 = slicedWasserstein(X, Y, { ...o, p: 2 });
      expect(s1).toBeGreaterThan(0);
      expect(s1).toBeLessThanOrEqual(W1 * (1 + 1e-12));
      expect(s2).toBeLessThanOrEqual(W2 * (1 + 1e-12));
    }
  });

  it('single points: SW between two Diracs is |⟨θ, x − y⟩| averaged (p = 1)', () => {
    const r = slicedWassersteinDetails([0, 0], [3, 4], { dim: 2, p: 1, projections: 5, seed: 9 });
    let want = 0;
    for (let l = 0; l < 5; l++) want += Math.abs(3 * r.directions[2 * l]! + 4 * r.directions[2 * l + 1]!);
    expect(Math.abs(r.value - want / 5)).toBeLessThan(1e-14);
    expect(r.value).toBeLessThanOrEqual(5);
  });

  it('typed errors with messages; memory returns to its level', () => {
    const before = memoryStats().allocatedBytes;
    const fn = 'slicedWasserstein';
    const cases: [() => unknown, new (...a: never[]) => Error, string][] = [
      [() => slicedWasserstein([1, 2, 3], [1, 2], { dim: 2 }), ShapeError, `${fn}: X must have a length divisible by dim = 2 (got 3)`],
      [() => slicedWasserstein({ data: [1, 2], rows: 1, cols: 2 }, { data: [1, 2, 3], rows: 1, cols: 3 }), ShapeError, `${fn}: X and Y must have the same point dimension (got 2 and 3)`],
      [() => slicedWasserstein([], [1]), ShapeError, `${fn}: X must have at least one point (got 0)`],
      [() => slicedWasserstein([1], [1], { projections: 0 }), ParameterError, `${fn}: options.projections must be a positive integer (got 0)`],
      [() => slicedWasserstein([1], [1], { p: -1 }), ParameterError, `${fn}: options.p must be finite and >= 1 (a convex cost |x − y|^p) (got -1)`],
      [() => slicedWasserstein([1], [1], { seed: -1 }), ParameterError, `${fn}: options.seed must be an integer in [0, 2^53) or a bigint in [0, 2^64) (got -1)`],
      [() => slicedWasserstein([1], [1], { dim: 0 }), ParameterError, `${fn}: options.dim must be a positive integer (got 0)`],
      [() => slicedWasserstein([1, NaN], [1]), NonFiniteError, `${fn}: X must be finite (got NaN at index 1)`],
      [() => slicedWasserstein([1], [1, -Infinity]), NonFiniteError, `${fn}: Y must be finite (got -Infinity at index 1)`],
      [() => slicedWasserstein([1, 2], [1], { weightsX: [1] }), ShapeError, `${fn}: options.weightsX must have the length of X, 2 (got 1)`],
      [() => slicedWasserstein([1, 2], [1], { weightsX: [1, -1] }), ParameterError, `${fn}: options.weightsX must be >= 0 entrywise (got -1 at index 1)`],
      [() => slicedWasserstein([1, 2], [1], { weightsY: [0] }), ParameterError, `${fn}: options.weightsY must be of positive sum (got 0)`],
      [() => slicedWassersteinDetails([1], [1], null as never), ParameterError, `slicedWassersteinDetails: options must be an object (got null)`],
    ];
    for (const [f, cls, msg] of cases) {
      let err: unknown;
      try { f(); } catch (e) { err = e; }
      expect(err, msg).toBeInstanceOf(cls);
      expect((err as Error).message).toBe(msg);
    }
    for (let k = 0; k < 20; k++) slicedWasserstein(cloud(k, 10, 1), cloud(k + 1, 10, 1), { dim: 2, projections: 10 });
    expect(memoryStats().allocatedBytes).toBe(before);
  });
});
