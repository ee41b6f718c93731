import { beforeAll, describe, expect, it } from 'vitest';
import {
  ParameterError,
  ShapeError,
  allocF64,
  conjugate,
  huberLoss,
  indBallL2,
  indBallLinf,
  init,
  moreauEnvelope,
  nmSparsity,
  normL1,
  normL2,
  normLinf,
  indBallL1,
  scaled,
  separableSum,
  sqrNormL2,
  translated,
} from '../../bindings/index.js';
import { maxDiff } from './check.js';
import { randomVector } from '../helpers.js';
import { patternSearch, proxObjective } from './minimize.js';

beforeAll(() => init());

const dist = maxDiff;

describe('prox calculus', () => {
  it('scaled(f, α) is the operator α·f (against normL1(αλ) and brute force)', () => {
    const v = randomVector(1, 50, 2);
    expect(Array.from(scaled(normL1(0.5), 3).prox(v, 0.4))).toEqual(Array.from(normL1(1.5).prox(v, 0.4)));
    expect(scaled(normL2(1), 2).value([3, 4])).toBe(10);
    const g = scaled(normLinf(0.7), 1.8);
    const w = randomVector(2, 3, 1);
    const F = proxObjective((x) => g.value(x), w, 1.3);
    expect(F(g.prox(w, 1.3))).toBeLessThanOrEqual(patternSearch(F, w, 2).value + 1e-13);
  });

  it('translated(f, z) minimises f(x − z) + ‖x − v‖²/(2t) (brute force) and shifts the set of an indicator', () => {
    for (let k = 0; k < 6; k++) {
      const z = randomVector(10 + k, 3, 1);
      const v = randomVector(20 + k, 3, 2);
      const g = translated(normL2(0.8), z);
      const F = proxObjective((x) => g.value(x), v, 1.1);
      const p = g.prox(v, 1.1);
      const brute = patternSearch(F, v, 2);
      expect(F(p)).toBeLessThanOrEqual(brute.value + 1e-13);
      expect(dist(p, brute.x)).toBeLessThan(2e-6);
    }
    // The ball centred at z: the projection of a far point lies at distance r from z.
    const z = [1, 2];
    const p = translated(indBallL2(1), z).prox([4, 6]);
    expect(Math.hypot(p[0]! - 1, p[1]! - 2)).toBeCloseTo(1, 15);
  });

  it('separableSum acts slice by slice; value is the sum; F64Buffer out works', () => {
    const g = separableSum([[normL1(1), 3], [indBallL2(1), 2], [nmSparsity(2, 4), 4]]);
    const v = Float64Array.of(2, -0.5, -3, 3, 4, 1, -5, 2, 0.5);
    const p = g.prox(v, 1);
    expect(dist(p, [1, 0, -2, 0.6, 0.8, 0, -5, 2, 0])).toBeLessThan(1e-15);
    expect(g.value([1, 0, -2, 0.6, 0.8, 0, -5, 2, 0])).toBe(3);
    expect(g.properties.convex).toBe(false);
    const out = allocF64(9);
    expect(Array.from(g.prox(v, 1, out).view())).toEqual(Array.from(p));
    out.free();
    expect(() => g.prox([1, 2])).toThrow(new ShapeError('separableSum(normL1(1)×3, indBallL2(1)×2, nmSparsity(2, 4)×4).prox: v must have length 9 (got 2)'));
  });

  it('conjugate(f) satisfies the Moreau decomposition: conjugates of norms are their dual balls', () => {
    for (let k = 0; k < 10; k++) {
      const v = randomVector(30 + k, 7, 1 + k);
      const t = [0.3, 1, 4][k % 3]!;
      expect(dist(conjugate(normL1(0.6)).prox(v, t), indBallLinf(0.6).prox(v))).toBeLessThan(1e-14 * (1 + k));
      expect(dist(conjugate(normL2(0.6)).prox(v, t), indBallL2(0.6).prox(v))).toBeLessThan(1e-14 * (1 + k));
      expect(dist(conjugate(normLinf(0.6)).prox(v, t), indBallL1(0.6).prox(v))).toBeLessThan(1e-13 * (1 + k));
      expect(dist(conjugate(sqrNormL2(2)).prox(v, t), sqrNormL2(0.5).prox(v, t))).toBeLessThan(1e-14 * (1 + k));
      // f** = f.
      expect(dist(conjugate(conjugate(normL1(0.6))).prox(v, t), normL1(0.6).prox(v, t))).toBeLessThan(1e-13 * (1 + k));
    }
    expect(() => conjugate(normL1(1)).value([1])).toThrow(ParameterError);
    expect(() => conjugate(nmSparsity())).toThrow('conjugate: f must be convex (got nmSparsity(2, 4), declared nonconvex)');
  });

  it('moreauEnvelope: of |·| is the Huber function h_t/t, of an indicator is dist²/(2t); gradient (x − p)/t', () => {
    const x = randomVector(5, 40, 2);
    for (const t of [0.5, 1, 3]) {
      const e = moreauEnvelope(normL1(1), t);
      expect(e.value(x)).toBeCloseTo(huberLoss(t).value(x) / t, 12);
      expect(dist(e.gradient(x), x.map((xi) => Math.max(-1, Math.min(1, xi / t))))).toBeLessThan(1e-15);
      const d = Math.max(0, Math.hypot(...x) - 2);
      expect(moreauEnvelope(indBallL2(2), t).value(x)).toBeCloseTo((d * d) / (2 * t), 10);
    }
  });

  it('typed errors', () => {
    expect(() => scaled(normL1(1), 0)).toThrow(new ParameterError('scaled: alpha must be > 0 (got 0)'));
    expect(() => scaled({} as never, 1)).toThrow(new ParameterError('scaled: f must be a ProxOperator (got Object)'));
    expect(() => translated(normL1(1), [1, NaN])).toThrow(new ParameterError('translated: z[1] must be finite (got NaN)'));
    expect(() => separableSum([])).toThrow(new ParameterError('separableSum: parts must be a non-empty array of [operator, length] pairs (got array of length 0)'));
    expect(() => separableSum([[normL1(1), -1]])).toThrow(new ParameterError('separableSum: parts[0][1] must be a slice length, an integer >= 0 (got -1)'));
    expect(() => moreauEnvelope(normL1(1), -1)).toThrow(new ParameterError('moreauEnvelope: t must be > 0 (got -1)'));
    expect(() => translated(normL1(1), [1, 2]).prox([1, 2, 3])).toThrow(ShapeError);
  });
});
