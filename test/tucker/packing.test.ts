import { beforeAll, describe, expect, it } from 'vitest';
import { InfeasibleBudgetError, ParameterError, ShapeError, init, memoryStats, selectCoreShape, solveTuckerPacking, tuckerParameterCount } from '../../bindings/index.js';
import { uniforms } from '../helpers.js';
import { packingBruteForce } from './reference.js';

beforeAll(() => init());

/** Random spectra: N modes of sizes in [1, maxI], values decaying with random noise (and some ties/zeros). */
function randomSpectra(u: () => number, N: number, maxI: number): number[][] {
  return Array.from({ length: N }, () => {
    const I = 1 + Math.floor(u() * maxI);
    return Array.from({ length: I }, (_, i) => (u() < 0.15 ? 0 : u() < 0.15 ? 1 : u() * 10 / (1 + i)));
  });
}

const energy = (sp: number[][], shape: number[]): number =>
  sp.reduce((t, s, n) => t + [...s].sort((a, b) => b - a).slice(0, shape[n]).reduce((a, b) => a + b, 0), 0);

describe('solveTuckerPacking: exact DP against exhaustive enumeration', () => {
  it('finds the optimum on 400 random tiny instances (N = 2..4, Iₙ ≤ 6, every budget range)', () => {
    const u = uniforms(2023);
    let cases = 0;
    for (let t = 0; t < 400; t++) {
      const N = 2 + (t % 3);
      const sp = randomSpectra(u, N, 6);
      const dims = sp.map((s) => s.length);
      const minB = 1 + dims.reduce((a, b) => a + b, 0);
      const maxB = tuckerParameterCount(dims, dims);
      const B = Math.floor(minB + u() * (maxB - minB + 3));
      const ref = packingBruteForce(sp, B)!;
      const got = solveTuckerPacking(sp, B);
      expect(got.exact).toBe(true);
      expect(got.parameters).toBeLessThanOrEqual(B);
      expect(got.parameters).toBe(tuckerParameterCount(dims, got.shape));
      got.shape.forEach((r, n) => {
        expect(r).toBeGreaterThanOrEqual(1);
        expect(r).toBeLessThanOrEqual(dims[n]!);
      });
      // same optimum value (shapes may differ on ties)
      expect(Math.abs(energy(sp, got.shape) - ref.captured)).toBeLessThanOrEqual(1e-12 * Math.max(1, ref.captured));
      expect(got.capturedEnergy).toBeCloseTo(ref.captured, 10);
      const total = sp.flat().reduce((a, b) => a + b, 0);
      expect(got.predictedError).toBeCloseTo(total - ref.captured, 10);
      cases++;
    }
    expect(cases).toBe(400);
  });

  it('the budget boundary: B = 1 + ΣIₙ gives (1, …, 1); B = full size gives the full shape', () => {
    const sp = [[3, 2, 1], [5, 1], [4, 4, 4, 4]];
    expect(solveTuckerPacking(sp, 1 + 9).shape).toEqual([1, 1, 1]);
    expect(solveTuckerPacking(sp, tuckerParameterCount([3, 2, 4], [3, 2, 4])).shape).toEqual([3, 2, 4]);
    expect(solveTuckerPacking(sp, 1e15).shape).toEqual([3, 2, 4]);
  });
});

describe('solveTuckerPacking: the (1 + ε) scheme', () => {
  it('is feasible for B and captures at least the optimum for B/(1 + ε) (random instances, ε ∈ {0.05, 0.3, 1})', () => {
    const u = uniforms(99);
    for (let t = 0; t < 150; t++) {
      const sp = randomSpectra(u, 2 + (t % 3), 7);
      const dims = sp.map((s) => s.length);
      const minB = 1 + dims.reduce((a, b) => a + b, 0);
      const B = Math.floor(minB + u() * (tuckerParameterCount(dims, dims) - minB));
      for (const eps of [0.05, 0.3, 1]) {
        const got = solveTuckerPacking(sp, B, { epsilon: eps });
        // Below B = (1+ε)(1 + ΣIₙ) the rounded DP may find nothing; the exact DP answers instead.
        if (B / (1 + eps) >= minB) {
          expect(got.exact).toBe(false);
          expect(got.epsilon).toBe(eps);
        }
        expect(got.parameters).toBeLessThanOrEqual(B);
        const shrunk = packingBruteForce(sp, B / (1 + eps));
        if (shrunk) expect(got.capturedEnergy).toBeGreaterThanOrEqual(shrunk.captured - 1e-9);
        expect(got.capturedEnergy).toBeLessThanOrEqual(packingBruteForce(sp, B)!.captured + 1e-9);
      }
    }
  });

  it('falls back from the exact DP to ε = 0.1 when the states exceed maxLabels, and says so', () => {
    const sp = [Array.from({ length: 60 }, (_, i) => 1 / (1 + i)), Array.from({ length: 60 }, (_, i) => 2 / (1 + i)), Array.from({ length: 80 }, (_, i) => 3 / (1 + i))];
    const exact = solveTuckerPacking(sp, 20000);
    expect(exact.exact).toBe(true);
    expect(exact.labels).toBeGreaterThan(1000);
    const capped = solveTuckerPacking(sp, 20000, { maxLabels: 1000 });
    expect(capped.exact).toBe(false);
    expect(capped.epsilon).toBe(0.1);
    expect(capped.labels).toBeLessThanOrEqual(1000);
    expect(capped.parameters).toBeLessThanOrEqual(20000);
    expect(capped.capturedEnergy).toBeGreaterThanOrEqual(solveTuckerPacking(sp, 20000 / 1.1).capturedEnergy - 1e-12);
    expect(capped.capturedEnergy).toBeLessThanOrEqual(exact.capturedEnergy);
    expect(() => solveTuckerPacking(sp, 20000, { maxLabels: 50, epsilon: 0 })).toThrow(ParameterError);
    expect(() => solveTuckerPacking(sp, 20000, { maxLabels: 50, epsilon: 0 })).toThrow(
      'solveTuckerPacking: the exact DP needs more than maxLabels = 50 states for dims 60 × 60 × 80 and budget 20000 (pass options.epsilon > 0 for the (1+ε) scheme)',
    );
  });
});

describe('solveTuckerPacking / selectCoreShape: errors (class and message)', () => {
  it('a budget that admits no shape throws InfeasibleBudgetError (a ParameterError)', () => {
    const before = memoryStats().allocatedBytes;
    const sp = [[1, 1], [1, 1, 1]];
    expect(() => solveTuckerPacking(sp, 5)).toThrow(InfeasibleBudgetError);
    expect(() => solveTuckerPacking(sp, 5)).toThrow(ParameterError);
    expect(() => solveTuckerPacking(sp, 5)).toThrow('solveTuckerPacking: budget must be >= 6 = 1 + ΣIₙ, the size of the smallest core shape (1, …, 1) (got 5)');
    try {
      solveTuckerPacking(sp, 0);
    } catch (e) {
      expect((e as InfeasibleBudgetError).minimumBudget).toBe(6);
    }
    const X = { data: new Float64Array(24).fill(1), shape: [2, 3, 4] };
    for (const method of ['dp', 'greedy', 'bruteForce'] as const) {
      expect(() => selectCoreShape(X, 9, { method })).toThrow(InfeasibleBudgetError);
      expect(() => selectCoreShape(X, 9, { method })).toThrow('selectCoreShape: budget must be >= 10 = 1 + ΣIₙ, the size of the smallest core shape (1, …, 1) (got 9)');
    }
    expect(memoryStats().allocatedBytes).toBe(before);
  });

  it('rejects bad spectra, budgets and options', () => {
    expect(() => solveTuckerPacking([], 10)).toThrow(ShapeError);
    expect(() => solveTuckerPacking([[1], []], 10)).toThrow('solveTuckerPacking: spectra[1] must be a non-empty array (got 0)');
    expect(() => solveTuckerPacking([[1, -1]], 10)).toThrow('solveTuckerPacking: spectra[0][1] must be finite and >= 0 (got -1)');
    expect(() => solveTuckerPacking([[1, NaN]], 10)).toThrow('solveTuckerPacking: spectra[0][1] must be finite and >= 0 (got NaN)');
    expect(() => solveTuckerPacking([[1]], NaN)).toThrow('solveTuckerPacking: budget must be a number (got NaN)');
    expect(() => solveTuckerPacking([[1]], Infinity)).toThrow('solveTuckerPacking: budget must be finite and <= 2^52 (got Infinity)');
    expect(() => solveTuckerPacking([[1]], 10, { epsilon: -1 })).toThrow('solveTuckerPacking: options.epsilon must be a finite number >= 0 (got -1)');
    expect(() => solveTuckerPacking([[1]], 10, { maxLabels: 0 })).toThrow('solveTuckerPacking: options.maxLabels must be an integer in [1, 2^26] (got 0)');
    const X = { data: new Float64Array(24).fill(1), shape: [2, 3, 4] };
    expect(() => selectCoreShape(X, 20, { method: 'ilp' as never })).toThrow("selectCoreShape: options.method must be 'dp', 'hosvd', 'greedy' or 'bruteForce' (got \"ilp\")");
    const big = { data: new Float64Array(30 * 30 * 30).fill(1), shape: [30, 30, 30] };
    expect(() => selectCoreShape(big, 5000, { method: 'bruteForce', maxShapes: 10 })).toThrow(ParameterError);
    expect(() => selectCoreShape(big, 5000, { method: 'bruteForce', maxShapes: 10 })).toThrow(
      "selectCoreShape: bruteForce must face at most maxShapes = 10 maximal feasible shapes (got more for dims 30 × 30 × 30 and budget 5000; use method 'dp')",
    );
  });
});
