/**
 * The ends of the tucker family's parameter ranges, accepted or refused as the math says, and the
 * default core-shape method. Where a value is accepted its result is checked against something the
 * call did not compute itself (the full-rank reconstruction, an HOSVD, the explicit method).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  InfeasibleBudgetError, ParameterError, ProxkitError, frobeniusNorm, hooi, hosvd, init, rng, selectCoreShape, solveTuckerPacking, tuckerParameterCount,
  tuckerReconstruct, uniformCoreShape, type Tensor,
} from '../../bindings/index.js';

beforeAll(() => init());

const dims = [3, 4, 5];
const X = (): Tensor => ({ data: rng(11).normal(60), shape: dims.slice() });
const smallest = 1 + dims.reduce((a, b) => a + b, 0); // shape (1, 1, 1)
const largest = tuckerParameterCount(dims, dims); // the full shape

describe('core shapes: 1 ≤ rₙ ≤ Iₙ', () => {
  it('rₙ = Iₙ is exact (the reconstruction equals X), rₙ = 0 and rₙ = Iₙ + 1 are refused', () => {
    const x = X();
    const d = hosvd(x, dims);
    const back = tuckerReconstruct(d);
    const diff = Float64Array.from(back.data, (v, i) => v - x.data[i]!);
    expect(frobeniusNorm({ data: diff, shape: dims })).toBeLessThan(1e-12 * frobeniusNorm(x));
    expect(() => hosvd(x, [0, 4, 5])).toThrow(ProxkitError);
    expect(() => hosvd(x, [3, 5, 5])).toThrow(ProxkitError);
    expect(hosvd(x, [1, 1, 1]).core.shape).toEqual([1, 1, 1]);
  });
});

describe('hooi: maxIter ≥ 0, tol ≥ 0', () => {
  it('maxIter = 0 is the HOSVD (no sweep); tol = 0 runs every sweep; tol = Infinity stops at the first check', () => {
    const x = X();
    const r = [2, 2, 3];
    expect(hooi(x, r, { maxIter: 0 }).relativeError).toBeCloseTo(hosvd(x, r).relativeError, 14);
    expect(hooi(x, r, { maxIter: 7, tol: 0 }).iterations).toBe(7);
    const loose = hooi(x, r, { maxIter: 7, tol: Infinity });
    expect(loose.iterations).toBe(1);
    // one sweep never increases HOSVD's error
    expect(loose.relativeError).toBeLessThanOrEqual(hosvd(x, r).relativeError + 1e-12);
    for (const bad of [-1, 0.5, NaN]) expect(() => hooi(x, r, { maxIter: bad })).toThrow(ParameterError);
    for (const bad of [-1e-300, NaN]) expect(() => hooi(x, r, { tol: bad })).toThrow(ParameterError);
  });
});

describe('budgets: B ≥ 1 + ΣIₙ', () => {
  it('B = 1 + ΣIₙ gives (1, …, 1) for every method; one less is an InfeasibleBudgetError', () => {
    const x = X();
    for (const method of ['dp', 'hosvd', 'greedy', 'bruteForce'] as const) {
      expect(selectCoreShape(x, smallest, { method }).shape).toEqual([1, 1, 1]);
      expect(() => selectCoreShape(x, smallest - 1, { method })).toThrow(InfeasibleBudgetError);
    }
    expect(uniformCoreShape(dims, smallest)).toEqual([1, 1, 1]);
    expect(() => uniformCoreShape(dims, smallest - 1)).toThrow(InfeasibleBudgetError);
  });

  it('B = the full shape’s cost, or Infinity, gives the full shape and zero error', () => {
    const x = X();
    for (const B of [largest, Infinity]) {
      const r = selectCoreShape(x, B);
      expect(r.shape).toEqual(dims);
      expect(r.relativeError).toBeLessThan(1e-12);
      expect(uniformCoreShape(dims, B)).toEqual(dims);
    }
    expect(() => selectCoreShape(x, NaN)).toThrow(ParameterError);
  });
});

describe('the packing DP: ε ≥ 0 finite, 1 ≤ maxLabels ≤ 2^26', () => {
  const spectra = [[5, 1, 0.1], [4, 2, 0.5, 0.1], [3, 1, 1, 0.2, 0.1]];
  it('ε = 0 is the exact DP (equal to the brute-force best packing); ε < 0 or Infinity is refused', () => {
    const exact = solveTuckerPacking(spectra, 40, { epsilon: 0 });
    expect(exact.exact).toBe(true);
    // brute force over every feasible shape: the kept energy Σₙ Σ_{i<rₙ} σ²ₙ,ᵢ is what the DP maximises
    let best = -Infinity;
    for (let a = 1; a <= 3; a++) for (let b = 1; b <= 4; b++) for (let c = 1; c <= 5; c++) {
      if (tuckerParameterCount(dims, [a, b, c]) > 40) continue;
      const kept = [a, b, c].reduce((s, r, n) => s + spectra[n]!.slice(0, r).reduce((u, v) => u + v, 0), 0);
      best = Math.max(best, kept);
    }
    const got = exact.shape.reduce((s, r, n) => s + spectra[n]!.slice(0, r).reduce((u, v) => u + v, 0), 0);
    expect(got).toBeCloseTo(best, 12);
    for (const bad of [-1e-9, Infinity, NaN]) expect(() => solveTuckerPacking(spectra, 40, { epsilon: bad })).toThrow(ParameterError);
  });

  it('maxLabels: 1 and 2^26 are valid caps, 0 and 2^26 + 1 refused', () => {
    expect(solveTuckerPacking(spectra, 40, { maxLabels: 2 ** 26 }).exact).toBe(true);
    // one label cannot hold the exact DP: the error says so rather than returning a wrong shape
    expect(() => solveTuckerPacking(spectra, 40, { maxLabels: 1, epsilon: 0 })).toThrow('needs more than maxLabels = 1 states');
    for (const bad of [0, 2 ** 26 + 1]) expect(() => solveTuckerPacking(spectra, 40, { maxLabels: bad })).toThrow(ParameterError);
  });
});

describe("selectCoreShape's default method", () => {
  it("is 'hosvd': the same shape as the explicit method", () => {
    const x = X();
    for (const B of [30, 45, 60]) {
      const byDefault = selectCoreShape(x, B);
      expect(byDefault.method).toBe('hosvd');
      expect(byDefault.shape).toEqual(selectCoreShape(x, B, { method: 'hosvd' }).shape);
    }
  });
});
