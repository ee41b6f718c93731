/**
 * Done-when check of issue 6: on seeded tensors with planted multilinear rank plus noise, the shapes
 * chosen without HOOI in the loop are compared with the brute-force optimum of the true (HOOI) loss.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { frobeniusNorm, init, memoryStats, modeProduct, rng, selectCoreShape, tuckerParameterCount, uniformCoreShape, type Tensor } from '../../bindings/index.js';

beforeAll(() => init());

/** G ×ₙ Aₙ with Gaussian core G (ranks) and Gaussian factors Aₙ, plus Gaussian noise of relative size `noise`. */
function planted(seed: number, dims: number[], ranks: number[], noise: number): Tensor {
  const g = rng(seed);
  let T: Tensor = { data: g.normal(ranks.reduce((a, b) => a * b, 1)), shape: ranks.slice() };
  for (let n = 0; n < dims.length; n++) T = modeProduct(T, g.normal(dims[n]! * ranks[n]!), n);
  const E = g.normal(T.data.length);
  let e2 = 0;
  for (const v of E) e2 += v * v;
  const scale = (noise * frobeniusNorm(T)) / Math.sqrt(e2);
  return { data: T.data.map((v, i) => v + scale * E[i]!), shape: dims.slice() };
}

const HOOI = { hooi: { maxIter: 20, tol: 1e-6 } };
// dims, planted ranks, seed, noise; budgets are fractions of the full size ∏Iₙ.
const CASES: [number[], number[], number, number][] = [
  [[8, 10, 12], [2, 3, 4], 100, 0.1],
  [[10, 12, 15], [3, 4, 2], 101, 0.02],
  [[12, 12, 12], [3, 3, 3], 103, 0.1],
  [[6, 8, 10], [2, 2, 5], 104, 0.02],
  [[20, 30, 40], [4, 5, 6], 102, 0.1],
];
const FRACTIONS = [0.05, 0.1, 0.2, 0.4];

describe('selectCoreShape against brute force on planted-rank tensors', () => {
  it("'hosvd' is within 2 % of the brute-force HOOI optimum in every case and equal in most; 'dp' too while the budget is signal-limited", () => {
    const before = memoryStats().allocatedBytes;
    let total = 0;
    let equalHosvd = 0;
    let equalDp = 0;
    let dpSignal = 0;
    for (const [dims, ranks, seed, noise] of CASES) {
      const X = planted(seed, dims, ranks, noise);
      const full = dims.reduce((a, b) => a * b, 1);
      const plantedCost = tuckerParameterCount(dims, ranks);
      const fractions = full > 10000 ? FRACTIONS.slice(0, 2) : FRACTIONS; // keeps the file under ~10 s
      for (const f of fractions) {
        const B = Math.max(2 + dims.reduce((a, b) => a + b, 0), Math.round(f * full));
        const bf = selectCoreShape(X, B, { method: 'bruteForce', ...HOOI });
        const hs = selectCoreShape(X, B, { method: 'hosvd', ...HOOI });
        const dp = selectCoreShape(X, B, { method: 'dp', ...HOOI });
        for (const r of [bf, hs, dp]) expect(r.parameters).toBeLessThanOrEqual(B);
        total++;
        expect(hs.relativeError).toBeLessThanOrEqual(1.02 * bf.relativeError);
        if (hs.shape.join() === bf.shape.join()) equalHosvd++;
        if (dp.shape.join() === bf.shape.join()) equalDp++;
        // The spectral surrogate of the paper ranks shapes by Σₙ tail energies; past the planted rank
        // only noise is left and it spends the budget on one mode (see the report): checked where
        // the budget is at most 1.5× the planted shape's size.
        if (B <= 1.5 * plantedCost) {
          dpSignal++;
          expect(dp.relativeError).toBeLessThanOrEqual(1.02 * bf.relativeError);
        }
        // nothing beats the exhaustive search by more than HOOI's own tolerance
        expect(hs.relativeError).toBeGreaterThanOrEqual(bf.relativeError - 1e-6);
      }
    }
    expect(total).toBe(18);
    expect(equalHosvd).toBeGreaterThan(total / 2);
    expect(dpSignal).toBeGreaterThanOrEqual(5);
    expect(equalDp).toBeGreaterThan(dpSignal / 2);
    expect(memoryStats().allocatedBytes).toBe(before);
  });

  it("'greedy' returns a feasible shape no better than brute force and grows from (1, …, 1)", () => {
    const X = planted(7, [6, 7, 8], [2, 2, 3], 0.05);
    const B = 150;
    const gr = selectCoreShape(X, B, { method: 'greedy', ...HOOI });
    const bf = selectCoreShape(X, B, { method: 'bruteForce', ...HOOI });
    expect(gr.parameters).toBeLessThanOrEqual(B);
    expect(gr.evaluations).toBeGreaterThan(0);
    expect(gr.relativeError).toBeGreaterThanOrEqual(bf.relativeError - 1e-6);
    // maximal: no single increment fits
    gr.shape.forEach((r, n) => {
      if (r < X.shape[n]!) {
        const s = gr.shape.slice();
        s[n]!++;
        expect(tuckerParameterCount(X.shape, s)).toBeGreaterThan(B);
      }
    });
  });
});

describe('uniformCoreShape (TensorLy rule)', () => {
  it('scales all modes by one factor and is the largest such shape within the budget', () => {
    const dims = [10, 20, 40];
    for (const B of [71, 200, 1000, 5000, 9000, 100000]) {
      const r = uniformCoreShape(dims, B);
      expect(tuckerParameterCount(dims, r)).toBeLessThanOrEqual(B);
      // every mode uses the same α up to rounding: |rₙ/Iₙ − rₘ/Iₘ| ≤ 1/(2·min I) + …
      const alphas = r.map((rn, n) => rn / dims[n]!);
      if (r.every((rn) => rn > 1) && r.every((rn, n) => rn < dims[n]!)) {
        expect(Math.max(...alphas) - Math.min(...alphas)).toBeLessThanOrEqual(0.5 / 10 + 0.5 / 40 + 1e-12);
      }
    }
    expect(uniformCoreShape(dims, 1e9)).toEqual(dims);
    expect(uniformCoreShape(dims, 71)).toEqual([1, 1, 1]);
    expect(() => uniformCoreShape(dims, 70)).toThrow('uniformCoreShape: budget must be >= 71 = 1 + ΣIₙ, the size of the smallest core shape (1, …, 1) (got 70)');
  });
});
