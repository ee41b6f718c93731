/**
 * The ends of the prox family's parameter ranges, each accepted or refused as the math says, and
 * where accepted checked against the closed form written here:
 * - softThreshold's t ∈ [0, ∞]: t = 0 is the identity, t = ∞ maps everything to 0.
 * - an operator's step t ∈ (0, ∞): the prox of tf needs t > 0 (t = 0 is no step), and ∞ has no prox in general.
 * - weights λ ≥ 0 (λ = 0 is the zero function: prox = identity).
 * - radii ≥ 0: radius 0 is the set {0}, non-empty and convex, so its projection is 0.
 * - indBox: lo ∈ [−∞, ∞), hi ∈ (−∞, ∞], lo ≤ hi (lo = hi pins x).
 * - N:M sparsity: 1 ≤ n ≤ m (n = m keeps everything).
 * - solver relaxations in (0, 2) (over-relaxation of ADMM/DR/PDHG), the backtracking factor in (0, 1).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ParameterError, admm, douglasRachford, elasticNet, fista, huberLoss, indBallL1, indBallL2, indBallLinf, indBox, indSimplex, init, leastSquares,
  nmSparsity, normL1, normL2, normLinf, projectSimplex, softThreshold, totalVariation1D,
} from '../../bindings/index.js';

beforeAll(() => init());

const v = [3, -0.25, 1.5, -2, 0];

describe('softThreshold: t ∈ [0, ∞]', () => {
  it('t = 0 is the identity, t = ∞ gives zeros, a negative t is refused', () => {
    expect(Array.from(softThreshold(v, 0))).toEqual(v);
    expect(Array.from(softThreshold(v, Infinity)).every((x) => x === 0)).toBe(true);
    expect(() => softThreshold(v, -Number.MIN_VALUE)).toThrow(ParameterError);
  });
});

describe('an operator prox step t ∈ (0, ∞)', () => {
  it('the smallest positive t barely moves v; 0 and ∞ are refused', () => {
    const x = normL1(1).prox(v, Number.MIN_VALUE);
    v.forEach((vi, i) => expect(x[i]).toBeCloseTo(vi, 300));
    for (const bad of [0, -0, Infinity]) expect(() => normL1(1).prox(v, bad)).toThrow(ParameterError);
  });
});

describe('weights λ ≥ 0', () => {
  it('λ = 0 makes the prox the identity', () => {
    for (const op of [normL1(0), normL2(0), normLinf(0), elasticNet(0, 0), totalVariation1D(0)]) {
      expect(Array.from(op.prox(v, 2), (x) => x + 0), op.name).toEqual(v); // + 0: −0 and 0 are the same point
    }
    for (const make of [normL1, normL2, normLinf, totalVariation1D]) expect(() => make(-1e-300)).toThrow(ParameterError);
  });

  it('huberLoss: δ > 0 (the quadratic zone |v| ≤ δ(1 + t) shrinks to v/(1 + t), beyond it v − tδ·sign(v))', () => {
    const x = huberLoss(1e-300).prox([3, -3], 0.5);
    expect(Array.from(x)).toEqual([3, -3]); // tδ = 5e-301 vanishes against 3
    const y = huberLoss(1).prox([1, 3], 0.5);
    expect(y[0]).toBeCloseTo(1 / 1.5, 15);
    expect(y[1]).toBeCloseTo(2.5, 15);
    expect(() => huberLoss(0)).toThrow(ParameterError);
  });
});

describe('radius ≥ 0: radius 0 is the set {0}', () => {
  it('the projection onto {0} is 0; the indicator is 0 at 0 and ∞ away from it; a negative radius is refused', () => {
    for (const op of [indSimplex(0), indBallL1(0), indBallL2(0), indBallLinf(0)]) {
      expect(Array.from(op.prox(v, 1)).every((x) => x === 0), op.name).toBe(true);
      expect(op.value([0, 0, 0])).toBe(0);
      // (indicators accept an excess up to 1e-9·(1 + radius), as rounding allowance)
      expect(op.value([0, 1e-3, 0])).toBe(Infinity);
    }
    expect(Array.from(projectSimplex(v, 0)).every((x) => x === 0)).toBe(true);
    for (const make of [indSimplex, indBallL1, indBallL2, indBallLinf]) expect(() => make(-Number.MIN_VALUE)).toThrow(ParameterError);
    expect(() => projectSimplex(v, -Number.MIN_VALUE)).toThrow(ParameterError);
  });

  it('a tiny positive radius scales the projection down (the L2 ball: v·r/‖v‖)', () => {
    const norm = Math.hypot(...v);
    const x = indBallL2(1e-200).prox(v, 1);
    v.forEach((vi, i) => expect(x[i]! / 1e-200).toBeCloseTo(vi / norm, 12));
  });
});

describe('indBox: lo ∈ [−∞, ∞), hi ∈ (−∞, ∞], lo ≤ hi', () => {
  it('(−∞, ∞) is the identity, lo = hi pins x, lo = +∞ or hi = −∞ (an empty box) is refused', () => {
    expect(Array.from(indBox(-Infinity, Infinity).prox(v))).toEqual(v);
    expect(Array.from(indBox(0.5, 0.5).prox(v))).toEqual(v.map(() => 0.5));
    expect(Array.from(indBox([-Infinity, 0], [0, Infinity]).prox([1, -1]))).toEqual([0, 0]);
    expect(() => indBox(Infinity, Infinity)).toThrow(new ParameterError('indBox: lo must be a number < Infinity (−Infinity allowed) or a vector of them (got Infinity)'));
    expect(() => indBox(-Infinity, -Infinity)).toThrow(new ParameterError('indBox: hi must be a number > −Infinity (Infinity allowed) or a vector of them (got -Infinity)'));
    expect(() => indBox([0, Infinity], [1, Infinity])).toThrow(new ParameterError('indBox: lo[1] must be a number < Infinity (−Infinity allowed) (got Infinity)'));
    expect(() => indBox(1, 1 - 2 ** -52)).toThrow(ParameterError);
  });
});

describe('nmSparsity: 1 ≤ n ≤ m', () => {
  it('n = m keeps every entry, n = 1 keeps the largest |v| of each group; n = 0 and n = m + 1 are refused', () => {
    const w = [1, -4, 2, 3, 0.5, 0.25, -0.75, 0.1];
    expect(Array.from(nmSparsity(4, 4).prox(w))).toEqual(w);
    expect(Array.from(nmSparsity(1, 4).prox(w))).toEqual([0, -4, 0, 0, 0, 0, -0.75, 0]);
    expect(() => nmSparsity(0, 4)).toThrow(ParameterError);
    expect(() => nmSparsity(5, 4)).toThrow(ParameterError);
  });
});

describe('solver parameters in open intervals', () => {
  const A = [2, 0.5, 0.5, 1];
  const b = [1, -1];
  it('relaxation ∈ (0, 2): 0 and 2 are refused, values just inside converge to the same point', () => {
    const ls = leastSquares(A, b);
    for (const solve of [admm, douglasRachford]) {
      for (const bad of [0, 2]) expect(() => solve(ls, indBox(-0.5, 0.5), { relaxation: bad, maxIter: 5 })).toThrow(ParameterError);
      const near0 = solve(ls, indBox(-0.5, 0.5), { relaxation: 0.5, maxIter: 5000, tol: 1e-12 });
      const near2 = solve(ls, indBox(-0.5, 0.5), { relaxation: 1.9, maxIter: 5000, tol: 1e-12 });
      near0.x.forEach((x, i) => expect(x).toBeCloseTo(near2.x[i]!, 6));
    }
  });

  it('maxIter ≥ 0 and tol ≥ 0: 0 iterations return the starting point, tol = 0 runs every iteration', () => {
    const f = leastSquares(A, b);
    const none = fista(f, normL1(0.1), { maxIter: 0, x0: [0.25, -0.5] });
    expect([Array.from(none.x), none.iterations]).toEqual([[0.25, -0.5], 0]);
    expect(fista(f, normL1(0.1), { maxIter: 7, tol: 0 }).iterations).toBe(7);
    expect(() => fista(f, normL1(0.1), { maxIter: -1 })).toThrow(ParameterError);
    expect(() => fista(f, normL1(0.1), { tol: -1e-300 })).toThrow(ParameterError);
  });

  it('the backtracking factor β ∈ (0, 1): 0 and 1 are refused', () => {
    for (const bad of [0, 1]) expect(() => fista(leastSquares(A, b), normL1(0.1), { backtrack: bad, maxIter: 5 })).toThrow(ParameterError);
    expect(() => fista(leastSquares(A, b), normL1(0.1), { backtrack: 0.999, maxIter: 5 })).not.toThrow();
  });
});
