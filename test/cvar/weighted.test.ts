/**
 * CVaR with scenario probabilities (bindings/cvar/weighted.ts): equal to the package's `cvar` on the
 * sample with each loss repeated by its integer weight; its projection equal to `projectCvarSet` for
 * uniform weights and to the weighted Rockafellar–Uryasev QP solved by the interior-point reference.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { cvar, init, projectCvarSet } from '../../bindings/index.js';
import { normalizeWeights, projectWeightedCvarSet, weightedCvar } from '../../bindings/cvar/weighted.js';
import { randomVector, uniforms } from '../helpers.js';
import { liftedQpReference } from './qp-reference.js';

beforeAll(() => init());

describe('weighted CVaR', () => {
  it.each([0, 0.5, 0.8, 0.9, 0.95, 0.37])('equals cvar of the sample with duplicates at β = %f', (beta) => {
    for (const seed of [1, 2, 3]) {
      const m = 15;
      const losses = randomVector(seed, m);
      const u = uniforms(seed + 50);
      const counts = Array.from({ length: m }, () => 1 + Math.floor(4 * u()));
      const expanded: number[] = [];
      losses.forEach((l, i) => { for (let c = 0; c < counts[i]!; c++) expanded.push(l); });
      const w = weightedCvar(losses, normalizeWeights(counts), beta);
      expect(Math.abs(w - cvar(expanded, beta))).toBeLessThan(1e-12);
    }
  });

  it('its projection equals projectCvarSet for uniform weights', () => {
    for (const [seed, beta] of [[1, 0.8], [2, 0.9], [3, 0.75], [4, 0.93]] as const) {
      const m = 40;
      const v = randomVector(seed, m);
      const kappa = cvar(v, beta) - 0.7;
      const p = new Float64Array(m).fill(1 / m);
      const { x, mu } = projectWeightedCvarSet(v, p, beta, kappa);
      const ref = projectCvarSet(v, beta, kappa);
      for (let i = 0; i < m; i++) expect(Math.abs(x[i]! - ref[i]!)).toBeLessThan(1e-9);
      expect(mu).toBeGreaterThan(0);
      expect(Math.abs(weightedCvar(x, p, beta) - kappa)).toBeLessThan(1e-9);
    }
  });

  it('its projection with unequal weights equals the weighted lifted QP solved by the interior-point reference', () => {
    for (const [seed, beta] of [[5, 0.8], [6, 0.7], [7, 0.9]] as const) {
      const m = 10;
      const v = randomVector(seed, m);
      const u = uniforms(seed + 7);
      const p = normalizeWeights(Array.from({ length: m }, () => 0.2 + u()));
      const kappa = weightedCvar(v, p, beta) - 0.5;
      const { x } = projectWeightedCvarSet(v, p, beta, kappa);
      // min ½‖x − v‖² as ½xᵀIx − vᵀx over x with A = I (each scenario's loss is its own coordinate)
      const I = new Float64Array(m * m);
      for (let i = 0; i < m; i++) I[i * m + i] = 1;
      const ref = liftedQpReference({ n: m, m, P: I, q: v.map((t) => -t), A: I, beta, kappa, weights: p });
      expect(ref.residual).toBeLessThan(1e-9);
      for (let i = 0; i < m; i++) expect(Math.abs(x[i]! - ref.x[i]!)).toBeLessThan(1e-7);
      expect(Math.abs(weightedCvar(x, p, beta) - kappa)).toBeLessThan(1e-9);
    }
  });

  it('leaves a feasible point where it is', () => {
    const v = randomVector(9, 12);
    const p = normalizeWeights(new Array(12).fill(1));
    const { x, mu } = projectWeightedCvarSet(v, p, 0.8, weightedCvar(v, p, 0.8) + 0.1);
    expect(Array.from(x)).toEqual(Array.from(v));
    expect(mu).toBe(0);
  });
});
