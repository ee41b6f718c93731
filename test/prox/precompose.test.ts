/**
 * precomposed(f, A) and tilted(f, c) against a derivative-free minimiser of the prox objective and
 * against the optimality condition of prox_{t f∘A} for f = λ‖·‖₁: v − x = t·Aᵀw with w ∈ λ∂‖·‖₁(Ax).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ParameterError, indBallL2, init, normL1, precomposed, tilted } from '../../bindings/index.js';
import { randomVector } from '../helpers.js';
import { expectErrors, maxDiff } from './check.js';
import { patternSearch, proxObjective } from './minimize.js';

beforeAll(() => init());

/** A 2 × 3 map with A·Aᵀ = 2I: two orthogonal rows of length √2. */
const A = [[1, 1, 0], [1, -1, 0]];
const applyA = (x: ArrayLike<number>) => A.map((r) => r[0]! * x[0]! + r[1]! * x[1]! + r[2]! * x[2]!);

describe('precomposed', () => {
  it('meets the optimality condition of λ‖Ax‖₁ and matches a pattern search', () => {
    const lambda = 0.7;
    const g = precomposed(normL1(lambda), A);
    for (const seed of [1, 2, 3, 4, 5]) {
      const v = randomVector(seed, 3, 2);
      const t = 0.5 + seed / 4;
      const x = g.prox(v, t);
      // w = A(v − x)/(tμ), μ = 2; v − x must equal t·Aᵀw (in the range of Aᵀ) and w ∈ λ∂‖·‖₁(Ax).
      const d = v.map((vi, i) => vi - x[i]!);
      const w = applyA(d).map((z) => z / (2 * t));
      const back = [0, 1, 2].map((k) => t * (A[0]![k]! * w[0]! + A[1]![k]! * w[1]!));
      expect(maxDiff(back, d)).toBeLessThan(1e-12);
      const ax = applyA(x);
      for (let i = 0; i < 2; i++) {
        if (Math.abs(ax[i]!) > 1e-12) expect(Math.abs(w[i]! - lambda * Math.sign(ax[i]!))).toBeLessThan(1e-12);
        else expect(Math.abs(w[i]!)).toBeLessThanOrEqual(lambda + 1e-12);
      }
      const F = proxObjective((y) => lambda * applyA(y).reduce((s, z) => s + Math.abs(z), 0), v, t);
      const best = patternSearch(F, v, 1, 400, [[1, 1, 0], [1, -1, 0]]);
      expect(F(x)).toBeLessThanOrEqual(best.value + 1e-12);
      expect(g.value(x)).toBeCloseTo(lambda * ax.reduce((s, z) => s + Math.abs(z), 0), 14);
    }
  });

  it('of an indicator is the projection onto its preimage, and refuses a map that is not tight', () => {
    // {x : ‖Ax‖ ≤ 1} with A = 2·I₃: the ball of radius ½.
    const g = precomposed(indBallL2(1), { data: [2, 0, 0, 0, 2, 0, 0, 0, 2], rows: 3, cols: 3 });
    expect(maxDiff(g.prox([3, 0, 4]), [0.3, 0, 0.4])).toBeLessThan(1e-15);
    expect(g.properties.indicator).toBe(true);
    expect(() => precomposed(normL1(1), [[1, 1, 0], [1, 0, 0]])).toThrow(ParameterError);
  });
});

describe('tilted', () => {
  it('matches a pattern search on λ‖x‖₁ + ⟨c, x⟩ + ‖x − v‖²/(2t)', () => {
    for (const seed of [11, 12, 13]) {
      const v = randomVector(seed, 3, 2);
      const c = randomVector(seed + 100, 3);
      const t = 0.8;
      const g = tilted(normL1(0.5), c);
      const x = g.prox(v, t);
      const F = proxObjective((y) => 0.5 * y.reduce((s, z) => s + Math.abs(z), 0) + y.reduce((s, z, i) => s + c[i]! * z, 0), v, t);
      const best = patternSearch(F, v);
      expect(F(x)).toBeLessThanOrEqual(best.value + 1e-12);
      expect(maxDiff(x, best.x)).toBeLessThan(1e-6);
    }
    expectErrors([[() => tilted(normL1(1), [1, NaN]), ParameterError, 'tilted: c[1] must be finite (got NaN)']]);
  });
});
