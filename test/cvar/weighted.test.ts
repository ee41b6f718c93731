/**
 * CVaR with scenario probabilities, the WASM kernels (bindings/cvar/weighted.ts) against references
 * that share no code with them: `cvar` / `valueAtRisk` of the sample with each loss repeated by its
 * integer weight; the plain-TS sort (CVaR) and nested bisection (projection) of weighted-reference.ts;
 * a brute force over every assignment of the entries to the three pieces of the projection (3^m
 * candidates, each solved as a 2×2 linear system); the weighted lifted QP by the interior-point
 * reference; and `projectCvarSet` for equal weights.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { cvar, init, projectCvarSet, projectCvarSetInfo, valueAtRisk } from '../../bindings/index.js';
import { normalizeWeights, projectWeightedCvar, readWeights, weightedCvarAndVar } from '../../bindings/cvar/weighted.js';
import { randomVector, uniforms } from '../helpers.js';
import { liftedQpReference } from './qp-reference.js';
import { projectWeightedCvarSet as projectBisectionRef, weightedCvar as weightedCvarSortRef } from './weighted-reference.js';

beforeAll(() => init());

/** Integer weights 1…4 and the sample with each loss repeated that often. */
function duplicated(seed: number, m: number): { losses: Float64Array; counts: number[]; expanded: number[] } {
  const losses = randomVector(seed, m);
  const u = uniforms(seed + 50);
  const counts = Array.from({ length: m }, () => 1 + Math.floor(4 * u()));
  const expanded: number[] = [];
  losses.forEach((l, i) => { for (let c = 0; c < counts[i]!; c++) expanded.push(l); });
  return { losses, counts, expanded };
}

/**
 * The projection by brute force: every assignment of the entries to T (xᵢ = vᵢ − μcᵢ), F (xᵢ = τ) or
 * the rest (xᵢ = vᵢ) fixes a 2×2 linear system in (τ, μ) (Σ clip = μ and CVaR(x) = κ); among the
 * solutions consistent with their assignment and feasible, the one closest to v.
 */
function projectBrute(v: ArrayLike<number>, p: ArrayLike<number>, beta: number, kappa: number): Float64Array {
  const m = v.length;
  const alpha = 1 - beta;
  if (weightedCvarSortRef(v, p, beta) <= kappa) return Float64Array.from(v);
  const c = Array.from(p, (q) => q / alpha);
  let best: Float64Array | null = null;
  let bestDist = Infinity;
  const code = new Array<number>(m).fill(0);
  for (let a = 0; a < 3 ** m; a++) {
    for (let i = 0, r = a; i < m; i++, r = Math.floor(r / 3)) code[i] = r % 3;
    let nF = 0, sF = 0, cT = 0, vT = 0, qT = 0;
    for (let i = 0; i < m; i++) {
      if (code[i] === 1) { cT += c[i]!; vT += c[i]! * v[i]!; qT += c[i]! * c[i]!; }
      if (code[i] === 2) { nF++; sF += v[i]!; }
    }
    // E1: sF − nF·τ + μ·cT = μ;  E2: τ(1 − cT) + vT − μ·qT = κ
    const [a11, a12, b1] = [nF, 1 - cT, sF];
    const [a21, a22, b2] = [1 - cT, -qT, kappa - vT];
    const det = a11 * a22 - a12 * a21;
    if (Math.abs(det) < 1e-14) continue;
    const tau = (b1 * a22 - a12 * b2) / det;
    const mu = (a11 * b2 - a21 * b1) / det;
    if (!(mu >= 0)) continue;
    const tol = 1e-10;
    let ok = true;
    const x = new Float64Array(m);
    for (let i = 0; i < m && ok; i++) {
      const d = v[i]! - tau;
      if (code[i] === 0) { ok = d <= tol; x[i] = v[i]!; }
      if (code[i] === 1) { ok = d >= mu * c[i]! - tol; x[i] = v[i]! - mu * c[i]!; }
      if (code[i] === 2) { ok = d >= -tol && d <= mu * c[i]! + tol; x[i] = tau; }
    }
    if (!ok || weightedCvarSortRef(x, p, beta) > kappa + 1e-9) continue;
    let dist = 0;
    for (let i = 0; i < m; i++) dist += (x[i]! - v[i]!) ** 2;
    if (dist < bestDist) { bestDist = dist; best = x; }
  }
  if (!best) throw new Error('projectBrute: no consistent assignment');
  return best;
}

describe('weighted CVaR (WASM)', () => {
  it.each([0, 0.5, 0.8, 0.9, 0.95, 0.37])('equals cvar and valueAtRisk of the sample with duplicates at β = %f', (beta) => {
    for (const seed of [1, 2, 3]) {
      const { losses, counts, expanded } = duplicated(seed, 15);
      const r = weightedCvarAndVar('test', losses, normalizeWeights(counts), beta);
      expect(Math.abs(r.cvar - cvar(expanded, beta))).toBeLessThan(1e-12);
      expect(r.valueAtRisk).toBe(valueAtRisk(expanded, beta));
      expect(Math.abs(r.cvar - weightedCvarSortRef(losses, normalizeWeights(counts), beta))).toBeLessThan(1e-12);
    }
  });

  it('equals the sort-based reference on ties, zero weights and one scenario', () => {
    const u = uniforms(77);
    for (const m of [1, 2, 7, 40]) {
      for (const beta of [0, 0.3, 0.9, 0.99]) {
        // losses on a coarse grid (many ties), some weights exactly 0
        const v = Float64Array.from({ length: m }, () => Math.round(4 * u()) / 4);
        const w = Array.from({ length: m }, (_, i) => (i > 0 && u() < 0.2 ? 0 : u()));
        const p = normalizeWeights(w);
        const r = weightedCvarAndVar('test', v, p, beta);
        expect(Math.abs(r.cvar - weightedCvarSortRef(v, p, beta))).toBeLessThan(1e-12);
      }
    }
  });

  it('is what cvar, valueAtRisk and projectCvarSet compute with options.weights', () => {
    const { losses, counts, expanded } = duplicated(21, 30);
    expect(Math.abs(cvar(losses, 0.85, { weights: counts }) - cvar(expanded, 0.85))).toBeLessThan(1e-12);
    expect(valueAtRisk(losses, 0.85, { weights: counts })).toBe(valueAtRisk(expanded, 0.85));
    const p = normalizeWeights(counts);
    const kappa = cvar(expanded, 0.85) - 0.3;
    const direct = projectWeightedCvar('test', losses, p, 0.85, kappa).x;
    const viaApi = projectCvarSet(losses, 0.85, kappa, undefined, { weights: counts });
    expect(Array.from(viaApi)).toEqual(Array.from(direct));
    // equal weights through the weighted path: the same projection and a as without weights
    const eq = projectCvarSetInfo(losses, 0.85, kappa, undefined, { weights: new Array(30).fill(2) });
    const plain = projectCvarSetInfo(losses, 0.85, kappa);
    for (let i = 0; i < 30; i++) expect(Math.abs(eq.x[i]! - plain.x[i]!)).toBeLessThan(1e-9);
    expect(Math.abs(eq.a - plain.a)).toBeLessThan(1e-9);
    expect(() => cvar(losses, 0.85, { weights: [1, 2] })).toThrow(/cvar: options\.weights must have length 30/);
    expect(() => projectCvarSet(losses, 0.85, 0, undefined, { weights: new Array(30).fill(-1) })).toThrow(/projectCvarSet: options\.weights\[0\] must be ≥ 0/);
  });

  it('reads weights with named errors', () => {
    expect(() => readWeights('f', 'weights', [1, 2], 3)).toThrow(/f: weights must have length 3/);
    expect(() => readWeights('f', 'weights', [1, -2, 1], 3)).toThrow(/f: weights\[1\] must be ≥ 0/);
    expect(() => readWeights('f', 'weights', [1, NaN, 1], 3)).toThrow(/f: weights\[1\] must be a finite number/);
    expect(() => readWeights('f', 'weights', [0, 0, 0], 3)).toThrow(/f: weights must have a positive sum/);
    expect(Array.from(readWeights('f', 'weights', [1, 3], 2))).toEqual([0.25, 0.75]);
  });
});

describe('weighted CVaR projection (WASM)', () => {
  it('equals the brute force over all piece assignments on small cases', () => {
    let cases = 0;
    for (let seed = 1; seed <= 24; seed++) {
      const u = uniforms(seed + 300);
      const m = 2 + (seed % 6); // 2 … 7 scenarios
      const beta = [0, 0.3, 0.5, 0.7, 0.85, 0.95][seed % 6]!;
      const v = randomVector(seed, m);
      const p = normalizeWeights(Array.from({ length: m }, () => 0.05 + u()));
      const kappa = weightedCvarSortRef(v, p, beta) - 0.1 - u();
      const ref = projectBrute(v, p, beta, kappa);
      const got = projectWeightedCvar('test', v, p, beta, kappa);
      for (let i = 0; i < m; i++) expect(Math.abs(got.x[i]! - ref[i]!)).toBeLessThan(1e-9);
      expect(Math.abs(weightedCvarSortRef(got.x, p, beta) - kappa)).toBeLessThan(1e-10);
      cases++;
    }
    expect(cases).toBe(24);
  });

  it('equals projectCvarSet for uniform weights', () => {
    for (const [seed, beta] of [[1, 0.8], [2, 0.9], [3, 0.75], [4, 0.93], [5, 0.999]] as const) {
      const m = 400;
      const v = randomVector(seed, m);
      const kappa = cvar(v, beta) - 0.7;
      const p = new Float64Array(m).fill(1 / m);
      const { x, mu } = projectWeightedCvar('test', v, p, beta, kappa);
      const ref = projectCvarSet(v, beta, kappa);
      for (let i = 0; i < m; i++) expect(Math.abs(x[i]! - ref[i]!)).toBeLessThan(1e-9);
      expect(mu).toBeGreaterThan(0);
    }
  });

  it('equals the nested-bisection reference and the weighted lifted QP for unequal weights', () => {
    for (const [seed, beta, m] of [[5, 0.8, 10], [6, 0.7, 10], [7, 0.9, 10], [8, 0.95, 300], [9, 0.5, 200]] as const) {
      const v = randomVector(seed, m);
      const u = uniforms(seed + 7);
      // weights spread over two orders of magnitude (over a factor 6 where the interior-point reference runs)
      const p = normalizeWeights(Array.from({ length: m }, () => (m <= 12 ? 0.2 + u() : 10 ** (2 * u()))));
      const kappa = weightedCvarSortRef(v, p, beta) - 0.5;
      const got = projectWeightedCvar('test', v, p, beta, kappa);
      const ref = projectBisectionRef(v, p, beta, kappa);
      for (let i = 0; i < m; i++) expect(Math.abs(got.x[i]! - ref.x[i]!)).toBeLessThan(1e-8);
      expect(Math.abs(got.mu - ref.mu)).toBeLessThan(1e-7 * Math.max(1, ref.mu));
      if (m <= 12) {
        const I = new Float64Array(m * m);
        for (let i = 0; i < m; i++) I[i * m + i] = 1;
        const qp = liftedQpReference({ n: m, m, P: I, q: v.map((t) => -t), A: I, beta, kappa, weights: p });
        expect(qp.residual).toBeLessThan(1e-9);
        for (let i = 0; i < m; i++) expect(Math.abs(got.x[i]! - qp.x[i]!)).toBeLessThan(1e-7);
      }
    }
  });

  it('reaches the exact projection in few O(m) passes from a cold start', () => {
    const m = 5000;
    const v = randomVector(11, m);
    const u = uniforms(12);
    const p = normalizeWeights(Array.from({ length: m }, () => 0.1 + u()));
    const kappa = weightedCvarSortRef(v, p, 0.9) - 0.4;
    const cold = projectWeightedCvar('test', v, p, 0.9, kappa);
    expect(cold.passes).toBeLessThan(100);
    expect(Math.abs(weightedCvarSortRef(cold.x, p, 0.9) - kappa)).toBeLessThan(1e-10);
  });

  it('leaves a feasible point where it is', () => {
    const v = randomVector(9, 12);
    const p = normalizeWeights(new Array(12).fill(1));
    const { x, mu } = projectWeightedCvar('test', v, p, 0.8, weightedCvarSortRef(v, p, 0.8) + 0.1);
    expect(Array.from(x)).toEqual(Array.from(v));
    expect(mu).toBe(0);
  });
});
