import { beforeAll, describe, expect, it } from 'vitest';
import {
  NonFiniteError,
  ParameterError,
  ShapeError,
  allocF64,
  cvar,
  cvarAndVar,
  cvarWeights,
  init,
  memoryStats,
  projectCvarSet,
  projectCvarSetInfo,
  valueAtRisk,
} from '../../bindings/index.js';
import { randomVector, sum, uniforms } from '../helpers.js';
import { cvarRuBrute, cvarSortRef, projectCvarQp, projectCvarSortRef, varRef } from './reference.js';

beforeAll(() => init());

const BETAS = [0.5, 0.75, 0.9, 0.95, 0.99, 0.3, 0.123, 1e-6, 1 - 1e-6];

/** Small vectors with many ties (quarter-integers in [−3, 3]) or continuous values. */
function smallCase(u: () => number, n: number, ties: boolean): number[] {
  return Array.from({ length: n }, () => (ties ? Math.round((u() - 0.5) * 24) / 4 : (u() - 0.5) * 10));
}

describe('cvar and valueAtRisk against their definitions', () => {
  it('equal the Rockafellar–Uryasev minimum (brute force over η) and the sort formula on random inputs', () => {
    const u = uniforms(11);
    for (let trial = 0; trial < 400; trial++) {
      const n = 1 + (trial % 23);
      const x = smallCase(u, n, trial % 2 === 0);
      const beta = BETAS[trial % BETAS.length]!;
      const { cvar: c, valueAtRisk: v } = cvarAndVar(x, beta);
      const ru = cvarRuBrute(x, beta);
      const scale = Math.max(1, ...x.map(Math.abs));
      expect(Math.abs(c - ru.value)).toBeLessThanOrEqual(1e-12 * scale);
      expect(Math.abs(c - cvarSortRef(x, beta))).toBeLessThanOrEqual(1e-12 * scale);
      expect(v).toBe(varRef(x, beta));
      expect(ru.argmins).toContain(v); // VaR minimises the RU form
    }
  });

  it('handles the fractional atom exactly: n = 8, β = 0.7 → k = 2.4', () => {
    const x = [3, 1, 4, 1, 5, 9, 2, 6];
    // top 2 = 9 + 6, then 0.4 × 5: (15 + 2)/2.4
    expect(cvar(x, 0.7)).toBeCloseTo(17 / 2.4, 14);
    expect(valueAtRisk(x, 0.7)).toBe(5);
    // β = 0.75 → k = 2 exactly; VaR is the lower end of the argmin interval [5, 6]
    expect(cvar(x, 0.75)).toBe(7.5);
    expect(valueAtRisk(x, 0.75)).toBe(5);
    // (1 − 0.9)·10 = 0.9999999999999998 in floating point: snapped to k = 1 (not a 0.99999… tail)
    const ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(cvarAndVar(ten, 0.9)).toEqual({ cvar: 10, valueAtRisk: 9, tail: 1 });
  });

  it('adversarial inputs: all equal, n = 1, β near 0 and 1, sorted and reversed runs, huge n', () => {
    expect(cvar([2.5, 2.5, 2.5, 2.5], 0.9)).toBe(2.5);
    expect(valueAtRisk([2.5, 2.5, 2.5], 0.5)).toBe(2.5);
    expect(cvar([-7], 0.3)).toBe(-7);
    expect(valueAtRisk([-7], 0.99)).toBe(-7);
    const x = randomVector(3, 1000);
    expect(cvar(x, 1 - 1e-9)).toBe(Math.max(...x)); // k < 1: the maximum
    expect(Math.abs(cvar(x, 1e-12) - sum(x) / 1000)).toBeLessThan(1e-12); // k snaps to n: the mean
    for (const n of [100_000, 100_001]) {
      const inc = Float64Array.from({ length: n }, (_, i) => i);
      const dec = inc.slice().reverse();
      const zig = Float64Array.from({ length: n }, (_, i) => (i % 2 ? i : -i) % 97);
      for (const v of [inc, dec, zig]) {
        for (const beta of [0.9, 0.99, 0.5]) expect(Math.abs(cvar(v, beta) - cvarSortRef(v, beta))).toBeLessThanOrEqual(1e-9 * n);
      }
    }
    const big = randomVector(4, 300_000, 100);
    expect(Math.abs(cvar(big, 0.95) - cvarSortRef(big, 0.95))).toBeLessThan(1e-9);
  });

  it('reads an F64Buffer in place without changing it', () => {
    const v = randomVector(5, 1001);
    const b = allocF64(v);
    try {
      expect(cvar(b, 0.9)).toBeCloseTo(cvarSortRef(v, 0.9), 12);
      expect(Array.from(b.view())).toEqual(Array.from(v));
    } finally {
      b.free();
    }
  });
});

describe('cvarWeights', () => {
  it('is a dual maximiser: 0 ≤ w ≤ 1/k, Σw = 1, ⟨w, x⟩ = CVaR; and a subgradient (finite differences)', () => {
    const u = uniforms(21);
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + (trial % 17);
      const x = smallCase(u, n, trial % 3 === 0);
      const beta = BETAS[trial % BETAS.length]!;
      const w = cvarWeights(x, beta);
      const k = Math.min(n, (1 - beta) * n);
      const c = cvarSortRef(x, beta);
      expect(Math.abs(sum(w) - 1)).toBeLessThan(1e-12);
      for (const wi of w) {
        expect(wi).toBeGreaterThanOrEqual(0);
        expect(wi).toBeLessThanOrEqual(1 / Math.max(k, 1e-300) + 1e-9);
      }
      expect(Math.abs(w.reduce((s, wi, i) => s + wi * x[i]!, 0) - c)).toBeLessThanOrEqual(1e-12 * Math.max(1, ...x.map(Math.abs)));
      // subgradient inequality: CVaR(y) ≥ CVaR(x) + ⟨w, y − x⟩ for random y
      for (let r = 0; r < 5; r++) {
        const y = x.map((xi) => xi + (u() - 0.5) * 2);
        expect(cvarSortRef(y, beta)).toBeGreaterThanOrEqual(c + w.reduce((s, wi, i) => s + wi * (y[i]! - x[i]!), 0) - 1e-9);
      }
    }
  });
});

describe('projectCvarSet', () => {
  it('the known case: v = [3,1,4,1,5,9,2,6], β = 0.75, κ = 5 → [3,1,4,1,4,6,2,4]', () => {
    const x = projectCvarSet([3, 1, 4, 1, 5, 9, 2, 6], 0.75, 5);
    expect(Array.from(x)).toEqual([3, 1, 4, 1, 4, 6, 2, 4]);
    const info = projectCvarSetInfo([3, 1, 4, 1, 5, 9, 2, 6], 0.75, 5);
    expect([info.tau, info.a]).toEqual([4, 3]);
  });

  it('matches an independent QP solver (Hildreth on the explicit polyhedron) on small random cases', () => {
    const u = uniforms(31);
    for (let trial = 0; trial < 150; trial++) {
      const n = 1 + (trial % 7);
      const v = smallCase(u, n, trial % 2 === 0);
      const beta = [0.5, 0.75, 0.6, 0.9, 0.3, 0.05][trial % 6]!;
      const c = cvarSortRef(v, beta);
      const kappa = c - [0.5, 2, 0.01, 5, -1][trial % 5]!; // mostly infeasible v; sometimes already feasible
      const x = projectCvarSet(v, beta, kappa);
      const want = projectCvarQp(v, beta, kappa);
      for (let i = 0; i < n; i++) expect(Math.abs(x[i]! - want[i]!)).toBeLessThanOrEqual(1e-7);
      expect(cvarSortRef(x, beta)).toBeLessThanOrEqual(kappa + 1e-10 * Math.max(1, Math.abs(kappa)));
    }
  });

  it('KKT on larger inputs: CVaR(x) = κ, v − x = μ·w with w a CVaR weight vector at x; agrees with the sort-based plain-TS walk', () => {
    for (const [seed, n, beta, drop] of [
      [41, 1000, 0.9, 1],
      [42, 50_000, 0.99, 3],
      [43, 1001, 0.37, 0.2],
      [44, 20_000, 0.5, 10],
      [45, 777, 0.999, 0.5],
    ] as const) {
      const v = randomVector(seed, n);
      const kappa = cvarSortRef(v, beta) - drop;
      const { x, a, tau } = projectCvarSetInfo(v, beta, kappa);
      expect(Math.abs(cvarSortRef(x, beta) - kappa)).toBeLessThan(1e-9);
      const ref = projectCvarSortRef(v, beta, kappa);
      let diff = 0;
      for (let i = 0; i < n; i++) diff = Math.max(diff, Math.abs(x[i]! - ref[i]!));
      expect(diff).toBeLessThan(1e-9);
      // v − x = clip(v − τ, 0, a) must be μ·w with w ∈ ∂CVaR(x): supported on {x ≥ VaR(x)}, mass μ = k·a, ⟨w, x⟩ = CVaR(x)
      const k = (1 - beta) * n;
      const d = v.map((vi, i) => vi - x[i]!);
      expect(Math.abs(sum(d) - k * a)).toBeLessThan(1e-7 * Math.max(1, k * a));
      const w = d.map((di) => di / (k * a));
      expect(Math.max(...w)).toBeLessThanOrEqual(1 / k + 1e-9);
      expect(Math.abs(w.reduce((s, wi, i) => s + wi * x[i]!, 0) - kappa)).toBeLessThan(1e-8);
      expect(tau).toBeLessThanOrEqual(Math.max(...x) + 1e-12);
    }
  });

  it('heavy ties across the lazily sorted chunks (n = 20000, 7 distinct values) agree with the full-sort walk and satisfy CVaR(x) = κ', () => {
    for (const [beta, drop] of [[0.9, 1], [0.995, 0.3], [0.6, 2], [0.99, 4]] as const) {
      const v = Float64Array.from({ length: 20_000 }, (_, i) => (i * 7919) % 7);
      const kappa = cvarSortRef(v, beta) - drop;
      const x = projectCvarSet(v, beta, kappa);
      const ref = projectCvarSortRef(v, beta, kappa);
      let diff = 0;
      for (let i = 0; i < v.length; i++) diff = Math.max(diff, Math.abs(x[i]! - ref[i]!));
      expect(diff).toBeLessThan(1e-9);
      expect(Math.abs(cvarSortRef(x, beta) - kappa)).toBeLessThan(1e-9);
    }
  });

  it('returns v unchanged when it is feasible, and handles ties, n = 1 and all-equal inputs', () => {
    expect(Array.from(projectCvarSet([1, 2, 3], 0.5, 10))).toEqual([1, 2, 3]);
    expect(Array.from(projectCvarSet([5], 0.9, 2))).toEqual([2]);
    const eq = projectCvarSet([3, 3, 3, 3], 0.5, 1);
    for (const xi of eq) expect(xi).toBeCloseTo(1, 14);
    const tied = [4, 4, 4, 1, 0, 4];
    const x = projectCvarSet(tied, 0.5, 2);
    const want = projectCvarQp(tied, 0.5, 2);
    for (let i = 0; i < tied.length; i++) expect(x[i]!).toBeCloseTo(want[i]!, 8);
  });
});

describe('errors and memory', () => {
  it('rejects β ∉ [0, 1), empty data, non-finite values, bad κ and bad out with typed errors', () => {
    const before = memoryStats().allocatedBytes;
    for (const beta of [1, -0.5, -Number.MIN_VALUE, 1.5, NaN]) {
      expect(() => cvar([1, 2], beta)).toThrow(ParameterError);
      expect(() => cvar([1, 2], beta)).toThrow(`cvar: beta must be in [0, 1) (got ${beta})`);
    }
    expect(() => valueAtRisk([], 0.9)).toThrow(ShapeError);
    expect(() => valueAtRisk([], 0.9)).toThrow('valueAtRisk: losses must have length >= 1 (got 0)');
    expect(() => cvar([1, Infinity, 2], 0.9)).toThrow(NonFiniteError);
    expect(() => cvar([1, 2, -Infinity], 0.9)).toThrow('cvar: losses must be finite (got -Infinity at index 2)');
    expect(() => cvar([1, NaN], 0.5)).toThrow('cvar: losses must be finite (got NaN at index 1)');
    expect(() => projectCvarSet([1, Infinity], 0.5, 1)).toThrow('projectCvarSet: v must be finite (got Infinity at index 1)');
    expect(() => projectCvarSet([1, 2], 0.5, Infinity)).toThrow(ParameterError);
    expect(() => projectCvarSet([1, 2], 0.5, Infinity)).toThrow('projectCvarSet: kappa must be a finite number (got Infinity)');
    expect(() => cvarWeights([1, 2], 0.5, new Float64Array(3))).toThrow(ShapeError);
    expect(() => cvarWeights([1, 2], 0.5, new Float64Array(3))).toThrow('cvarWeights: out must have length 2 (got 3)');
    expect(() => cvar('abc' as never, 0.5)).toThrow(ParameterError);
    expect(memoryStats().allocatedBytes).toBe(before);
    expect(cvar([1, 2, 3, 4], 0.5)).toBe(3.5); // still usable
  });
});
