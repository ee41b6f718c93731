/**
 * nonNegativeTucker and partialTucker: signs and monotone objective of the multiplicative updates, the
 * error reported against a reconstruction written out entry by entry here, recovery of planted
 * tensors, and partial Tucker's untouched modes against HOOI and the exact full-rank case.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ParameterError, ShapeError, hooi, init, nonNegativeTucker, partialTucker, rng } from '../../bindings/index.js';

beforeAll(() => init());

/** core ×₀ A₀ ×₁ A₁ ⋯ over the listed modes (others: identity), entry by entry. */
function tuckerTensor(core: Float64Array, cdims: number[], factors: (Float64Array | null)[], dims: number[]): Float64Array {
  const size = dims.reduce((a, b) => a * b, 1);
  const csize = cdims.reduce((a, b) => a * b, 1);
  const out = new Float64Array(size);
  const idx = dims.map(() => 0);
  const cidx = cdims.map(() => 0);
  for (let p = 0; p < size; p++) {
    let q = p;
    for (let n = dims.length - 1; n >= 0; n--) { idx[n] = q % dims[n]!; q = Math.floor(q / dims[n]!); }
    let v = 0;
    for (let c = 0; c < csize; c++) {
      let u = c;
      for (let n = cdims.length - 1; n >= 0; n--) { cidx[n] = u % cdims[n]!; u = Math.floor(u / cdims[n]!); }
      let t = core[c]!;
      for (let n = 0; n < dims.length && t !== 0; n++) {
        const A = factors[n];
        t *= A ? A[idx[n]! * cdims[n]! + cidx[n]!]! : idx[n] === cidx[n] ? 1 : 0;
      }
      v += t;
    }
    out[p] = v;
  }
  return out;
}

function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) { num += (a[i]! - b[i]!) ** 2; den += b[i]! ** 2; }
  return Math.sqrt(num / den);
}

function plantedNonNegative(dims: number[], ranks: number[], seed: number, noise: number): { data: Float64Array; shape: number[] } {
  const g = rng(seed);
  const core = g.uniform(ranks.reduce((a, b) => a * b, 1));
  const factors = dims.map((I, n) => g.uniform(I * ranks[n]!));
  const clean = tuckerTensor(core, ranks, factors, dims);
  const u = g.uniform(clean.length);
  return { data: clean.map((v, i) => v * (1 + noise * (u[i]! - 0.5))), shape: dims };
}

describe('nonNegativeTucker', () => {
  for (const [initKind, method] of [['svd', 'hals'], ['random', 'hals'], ['svd', 'mu'], ['random', 'mu']] as const) {
    it(`(${initKind} start, ${method}) core and factors ≥ 0, error non-increasing and equal to the written-out reconstruction's`, () => {
      const X = plantedNonNegative([12, 10, 8], [3, 2, 2], 3, 0.05);
      const res = nonNegativeTucker(X, [3, 2, 2], { init: initKind, seed: 4, maxIter: 150, tol: 0, method });
      expect(res.core.shape).toEqual([3, 2, 2]);
      expect(res.core.data.every((v) => v >= 0)).toBe(true);
      for (const A of res.factors) expect(A.every((v) => v >= 0)).toBe(true);
      expect(res.history.length).toBe(150);
      for (let k = 1; k < res.history.length; k++) expect(res.history[k]!).toBeLessThanOrEqual(res.history[k - 1]! * (1 + 1e-12));
      const Xhat = tuckerTensor(res.core.data, [3, 2, 2], res.factors, X.shape);
      expect(relDiff(Xhat, X.data)).toBeCloseTo(res.relativeError, 12);
      expect(res.relativeError).toBeLessThan(res.history[0]!);
    });
  }
  it('fits a planted non-negative tensor at least as well as the planted model (given enough sweeps)', () => {
    const dims = [12, 10, 8];
    const ranks = [3, 2, 2];
    const g = rng(3);
    const core = g.uniform(12);
    const factors = dims.map((I, n) => g.uniform(I * ranks[n]!));
    const clean = tuckerTensor(core, ranks, factors, dims);
    const u = g.uniform(clean.length);
    const X = { data: clean.map((v, i) => v * (1 + 0.05 * (u[i]! - 0.5))), shape: dims };
    // the core's multiplicative update is slow (HALS factors: 0.016 after 150 sweeps, 0.0135 after 1000)
    const res = nonNegativeTucker(X, ranks, { maxIter: 1500, tol: 0 });
    expect(res.relativeError).toBeLessThanOrEqual(relDiff(clean, X.data));
    // the multiplicative factor updates get there too, more slowly
    expect(nonNegativeTucker(X, ranks, { maxIter: 4000, tol: 0, method: 'mu' }).relativeError).toBeLessThanOrEqual(relDiff(clean, X.data));
  });
  it('a 4-way tensor, monotone over the whole run, stops on tol', () => {
    const X = plantedNonNegative([6, 5, 4, 3], [2, 2, 2, 2], 8, 0.1);
    const res = nonNegativeTucker(X, [2, 2, 2, 2], { maxIter: 5000, tol: 1e-7 });
    expect(res.stopped).toBe('converged');
    for (let k = 1; k < res.history.length; k++) expect(res.history[k]!).toBeLessThanOrEqual(res.history[k - 1]! * (1 + 1e-12));
  });
  it('refuses negative data and bad options', () => {
    expect(() => nonNegativeTucker({ data: [1, -1, 2, 3], shape: [2, 2] }, [1, 1])).toThrow(/nonNegativeTucker: X.data must be >= 0 everywhere \(got -1 at index 1\)/);
    expect(() => nonNegativeTucker({ data: [1, 1, 2, 3], shape: [2, 2] }, [3, 1])).toThrow(ShapeError);
    expect(() => nonNegativeTucker({ data: [1, 1, 2, 3], shape: [2, 2] }, [1, 1], { init: 'hosvd' as never })).toThrow(ParameterError);
  });
});

describe('partialTucker', () => {
  // created lazily: the module is initialised in beforeAll
  let X: { data: Float64Array; shape: number[] };
  beforeAll(() => void (X = { data: rng(12).normal(10 * 9 * 3), shape: [10, 9, 3] }));
  it('leaves the unlisted mode at full size; error equals the written-out reconstruction and is non-increasing', () => {
    const res = partialTucker(X, [4, 3], { modes: [0, 1], tol: 0, maxIter: 20 });
    expect(res.core.shape).toEqual([4, 3, 3]);
    expect(res.modes).toEqual([0, 1]);
    const Xhat = tuckerTensor(res.core.data, [4, 3, 3], [res.factors[0]!, res.factors[1]!, null], X.shape);
    expect(relDiff(Xhat, X.data)).toBeCloseTo(res.relativeError, 10);
    for (let k = 1; k < res.history.length; k++) expect(res.history[k]!).toBeLessThanOrEqual(res.history[k - 1]! + 1e-13);
    // orthonormal columns
    for (const [k, A] of res.factors.entries()) {
      const r = [4, 3][k]!;
      const I = X.shape[k]!;
      for (let a = 0; a < r; a++) for (let b = 0; b < r; b++) {
        let t = 0;
        for (let i = 0; i < I; i++) t += A[i * r + a]! * A[i * r + b]!;
        expect(t).toBeCloseTo(a === b ? 1 : 0, 12);
      }
    }
  });
  it('at least as good as full Tucker with the same ranks on the listed modes; equal to hooi with every mode listed', () => {
    const part = partialTucker(X, [4, 3], { modes: [0, 1] });
    const fullShape = hooi(X, [4, 3, 3]);
    expect(part.relativeError).toBeLessThanOrEqual(fullShape.relativeError + 1e-12);
    // Every mode listed is hooi itself: same sweeps, same products, same bits.
    const allModes = partialTucker(X, [4, 3, 2], { tol: 0, maxIter: 7 });
    const h = hooi(X, [4, 3, 2], { tol: 0, maxIter: 7 });
    expect(allModes.core.data).toEqual(h.core.data);
    expect(allModes.factors).toEqual(h.factors);
    expect(allModes.history).toEqual(h.history);
  });
  it('modes in any order, full ranks are exact, bad modes are refused', () => {
    const res = partialTucker(X, [3, 10], { modes: [2, 0] });
    expect(res.core.shape).toEqual([10, 9, 3]);
    expect(res.relativeError).toBeLessThan(1e-7);
    expect(() => partialTucker(X, [2, 2], { modes: [1, 1] })).toThrow(/partialTucker: options.modes must be distinct/);
    expect(() => partialTucker(X, [2], { modes: [3] })).toThrow(ParameterError);
    expect(() => partialTucker(X, [4], { modes: [2] })).toThrow(/ranks\[0\] must be <= 3/);
  });
});
