/**
 * The ends of the OT family's parameter ranges, accepted or refused as the math says, each accepted
 * end checked against another solver:
 * - the exponent p of the sorting solvers (wasserstein1d, slicedWasserstein) is ≥ 1: sorting is the
 *   optimal coupling only for a convex cost |x − y|^p;
 * - the entropic regularisation reg > 0 (reg = 0 is exact OT, which emd solves);
 * - classBasedOt's group weight η ≥ 0 (η = 0 is plain entropic OT);
 * - epsilonScaling > 1 (a factor of 1 never reaches reg); the unbalanced relaxation regM > 0.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ParameterError, classBasedOt, emd, emd2, init, sinkhorn, sinkhornUnbalanced, slicedWasserstein, wasserstein1d } from '../../bindings/index.js';

beforeAll(() => init());

/** |xᵢ − yⱼ|^p, row-major. */
const cost = (x: number[], y: number[], p: number): number[] => x.flatMap((xi) => y.map((yj) => Math.abs(xi - yj) ** p));

describe('the sorting solvers: p ≥ 1', () => {
  const xa = [0, 1, 3.5, -2];
  const xb = [1, 2, 0.25];
  const wa = [0.1, 0.4, 0.3, 0.2];
  const wb = [0.5, 0.25, 0.25];

  it('p = 1 (the end) equals the network simplex on the cost |x − y|; so does p = 2 on |x − y|²', () => {
    for (const p of [1, 2]) expect(wasserstein1d(xa, xb, wa, wb, p)).toBeCloseTo(emd2(wa, wb, cost(xa, xb, p)), 12);
  });

  it('p < 1 is refused: sorting would pay 2 where crossing pays 2^p (points {0, 1} to {1, 2})', () => {
    const half = [0.5, 0.5];
    expect(emd2(half, half, cost([0, 1], [1, 2], 0.5))).toBeCloseTo(0.5 * Math.SQRT2, 12); // not 1, the sorted plan's cost
    for (const p of [0.5, 1 - 2 ** -52, 0]) {
      expect(() => wasserstein1d([0, 1], [1, 2], undefined, undefined, p)).toThrow(ParameterError);
      expect(() => slicedWasserstein([0, 1], [1, 2], { p })).toThrow(ParameterError);
    }
  });

  it('slicedWasserstein at p = 1 in one dimension is W₁ itself (every direction is ±1)', () => {
    expect(slicedWasserstein(xa, xb, { p: 1, weightsX: wa, weightsY: wb, projections: 3 })).toBeCloseTo(wasserstein1d(xa, xb, wa, wb, 1), 12);
  });
});

describe('marginals: entries ≥ 0, equal sums', () => {
  it('a zero-mass point (the closed end) gets an empty row or column, as in the exact plan; unequal sums are refused', () => {
    const M = [0, 1, 2, 1, 0, 1];
    for (const [a, b] of [[[0, 1], [0.5, 0.25, 0.25]], [[0.5, 0.5], [0.5, 0.5, 0]]]) {
      const exact = emd(a!, b!, M).plan;
      for (const method of ['sinkhorn', 'log'] as const) {
        const plan = sinkhorn(a!, b!, M, { reg: 0.05, method, tol: 1e-12, maxIter: 100000 }).plan;
        a!.forEach((ai, i) => ai === 0 && [0, 1, 2].forEach((j) => expect(plan[i * 3 + j]).toBe(0)));
        b!.forEach((bj, j) => bj === 0 && [0, 1].forEach((i) => expect(plan[i * 3 + j]).toBe(0)));
        plan.forEach((v, k) => expect(v).toBeCloseTo(exact[k]!, 6));
      }
    }
    expect(() => sinkhorn([0.5, 0.6], [0.5, 0.25, 0.25], M, { reg: 0.1 })).toThrow(ParameterError);
    expect(() => sinkhorn([-0.1, 1.1], [0.5, 0.25, 0.25], M, { reg: 0.1 })).toThrow(ParameterError);
  });
});

describe('entropic OT: reg > 0', () => {
  const a = [0.2, 0.5, 0.3];
  const b = [0.4, 0.6];
  const M = cost([0, 1, 2.5], [0.5, 2], 2);

  it('a small reg approaches the exact cost from above; reg = 0 is refused (use emd)', () => {
    const exact = emd2(a, b, M);
    const entropic = sinkhorn(a, b, M, { reg: 1e-3, method: 'log', maxIter: 100000, tol: 1e-12 }).cost;
    expect(entropic).toBeGreaterThanOrEqual(exact - 1e-12);
    expect(entropic - exact).toBeLessThan(1e-2);
    for (const bad of [0, -0, -1e-300]) expect(() => sinkhorn(a, b, M, { reg: bad })).toThrow(ParameterError);
  });

  it('epsilonScaling > 1: just above 1 gives the plan of the unscaled run; 1 is refused', () => {
    const plain = sinkhorn(a, b, M, { reg: 0.05, method: 'log', tol: 1e-12, maxIter: 100000 });
    const scaled = sinkhorn(a, b, M, { reg: 0.05, method: 'log', tol: 1e-12, maxIter: 100000, epsilonScaling: 1.5 });
    plain.plan.forEach((v, i) => expect(scaled.plan[i]!).toBeCloseTo(v, 9));
    expect(() => sinkhorn(a, b, M, { reg: 0.05, method: 'log', epsilonScaling: 1 })).toThrow(ParameterError);
  });

  it("classBasedOt: η = 0 with 'entropic' smoothing is plain entropic OT (the same plan as sinkhorn); η < 0 is refused", () => {
    const labels = [0, 1, 1];
    const r = classBasedOt(a, b, M, labels, { reg: 0.5, eta: 0, smoothing: 'entropic', maxIter: 20000, tol: 1e-12 });
    const s = sinkhorn(a, b, M, { reg: 0.5, tol: 1e-13, maxIter: 100000 });
    s.plan.forEach((v, i) => expect(r.plan[i]!).toBeCloseTo(v, 6));
    expect(() => classBasedOt(a, b, M, labels, { reg: 0.5, eta: -1e-300 })).toThrow(ParameterError);
  });

  it('sinkhornUnbalanced: regM > 0; a huge regM enforces the marginals (balanced masses give sinkhorn’s plan)', () => {
    const u = sinkhornUnbalanced(a, b, M, { reg: 0.5, regM: 1e6, tol: 1e-13, maxIter: 100000 });
    const s = sinkhorn(a, b, M, { reg: 0.5, tol: 1e-13, maxIter: 100000 });
    s.plan.forEach((v, i) => expect(u.plan[i]!).toBeCloseTo(v, 5));
    expect(() => sinkhornUnbalanced(a, b, M, { reg: 0.5, regM: 0 })).toThrow(ParameterError);
  });
});
