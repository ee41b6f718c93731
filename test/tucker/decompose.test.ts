import { beforeAll, describe, expect, it } from 'vitest';
import { NonFiniteError, ParameterError, ShapeError, hooi, hosvd, init, memoryStats, modeProduct, modeSpectra, rng, tuckerReconstruct, type Tensor } from '../../bindings/index.js';
import { randomVector } from '../helpers.js';
import { jacobiEigenRef } from '../linalg/reference.js';
import { modeGramRef, sqDiff } from './reference.js';

beforeAll(() => init());

const norm2 = (a: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! ** 2;
  return s;
};

/** max |UᵀU − I| for an I×r row-major U. */
function orthoDefect(U: Float64Array, I: number, r: number): number {
  let m = 0;
  for (let a = 0; a < r; a++) for (let b = 0; b < r; b++) {
    let s = 0;
    for (let i = 0; i < I; i++) s += U[i * r + a]! * U[i * r + b]!;
    m = Math.max(m, Math.abs(s - (a === b ? 1 : 0)));
  }
  return m;
}

function lowRank(seed: number, dims: number[], ranks: number[]): Tensor {
  const g = rng(seed);
  let T: Tensor = { data: g.normal(ranks.reduce((a, b) => a * b, 1)), shape: ranks.slice() };
  for (let n = 0; n < dims.length; n++) T = modeProduct(T, g.normal(dims[n]! * ranks[n]!), n);
  return T;
}

describe('hosvd', () => {
  it('is exact at full rank (orders 2–4, wide and tall modes): X = G ×₀ U₀ ⋯ to 1e-13 relative', () => {
    for (const [t, dims] of [[2, 3], [5, 4, 3], [3, 30, 2], [40, 2, 3], [2, 3, 2, 4], [1, 6, 5]].entries()) {
      const data = randomVector(40 + t, dims.reduce((a, b) => a * b, 1));
      const d = hosvd({ data, shape: dims }, dims);
      d.factors.forEach((U, n) => expect(orthoDefect(U, dims[n]!, dims[n]!)).toBeLessThanOrEqual(1e-13));
      const R = tuckerReconstruct(d);
      expect(R.shape).toEqual(dims);
      expect(Math.sqrt(sqDiff(R.data, data) / norm2(data))).toBeLessThanOrEqual(1e-13);
      expect(d.relativeError).toBeLessThanOrEqual(1e-7); // from ‖X‖² − ‖G‖² (cancellation)
      expect(Math.abs(norm2(d.core.data) - norm2(data))).toBeLessThanOrEqual(1e-12 * norm2(data));
    }
  });

  it('recovers an exactly low-rank tensor at its multilinear rank; the error formula matches the reconstruction', () => {
    const X = lowRank(3, [9, 11, 13], [2, 3, 4]);
    const d = hosvd(X, [2, 3, 4]);
    expect(Math.sqrt(sqDiff(tuckerReconstruct(d).data, X.data) / norm2(X.data))).toBeLessThanOrEqual(1e-12);
    const d2 = hosvd(X, [1, 2, 2]);
    const direct = Math.sqrt(sqDiff(tuckerReconstruct(d2).data, X.data) / norm2(X.data));
    expect(Math.abs(d2.relativeError - direct)).toBeLessThanOrEqual(1e-10);
  });

  it('factors span the leading eigenvectors of each mode Gram (checked against a plain-TS Jacobi)', () => {
    const dims = [6, 7, 5];
    const data = randomVector(8, 6 * 7 * 5);
    const d = hosvd({ data, shape: dims }, [2, 3, 2]);
    dims.forEach((I, n) => {
      const r = [2, 3, 2][n]!;
      const ref = jacobiEigenRef(modeGramRef(data, dims, n), I);
      // projector equality: U Uᵀ = V_r V_rᵀ (spectra are distinct for random data)
      for (let i = 0; i < I; i++) for (let j = 0; j < I; j++) {
        let a = 0;
        let b = 0;
        for (let k = 0; k < r; k++) {
          a += d.factors[n]![i * r + k]! * d.factors[n]![j * r + k]!;
          b += ref.vectors[i * I + k]! * ref.vectors[j * I + k]!;
        }
        expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-10);
      }
      const sp = modeSpectra({ data, shape: dims })[n]!;
      for (let k = 0; k < I; k++) expect(Math.abs(sp[k]! - ref.values[k]!)).toBeLessThanOrEqual(1e-12 * ref.values[0]!);
    });
  });

  it('modeSpectra: every mode sums to ‖X‖², zeros beyond the rank of a tall unfolding', () => {
    const dims = [50, 3, 2];
    const data = randomVector(12, 300);
    const sp = modeSpectra({ data, shape: dims });
    sp.forEach((s) => expect(Math.abs(s.reduce((a, b) => a + b, 0) - norm2(data))).toBeLessThanOrEqual(1e-11 * norm2(data)));
    expect(sp[0]!.length).toBe(50);
    for (let k = 6; k < 50; k++) expect(sp[0]![k]).toBe(0);
  });
});

describe('hooi', () => {
  it('never does worse than the HOSVD it starts from, and its error history is non-increasing', () => {
    const X = { data: randomVector(21, 8 * 9 * 10), shape: [8, 9, 10] };
    const h = hosvd(X, [3, 3, 4]);
    const o = hooi(X, [3, 3, 4], { maxIter: 30, tol: 0 });
    expect(o.relativeError).toBeLessThanOrEqual(h.relativeError + 1e-12);
    for (let k = 1; k < o.history.length; k++) expect(o.history[k]!).toBeLessThanOrEqual(o.history[k - 1]! + 1e-12);
    o.factors.forEach((U, n) => expect(orthoDefect(U, X.shape[n]!, [3, 3, 4][n]!)).toBeLessThanOrEqual(1e-12));
    const direct = Math.sqrt(sqDiff(tuckerReconstruct(o).data, X.data) / norm2(X.data));
    expect(Math.abs(o.relativeError - direct)).toBeLessThanOrEqual(1e-9);
    expect(o.iterations).toBe(30);
    expect(o.stopped).toBe('maxIter');
    expect(o.converged).toBe(false);
  });

  it('converges at once on an exactly low-rank tensor (error ~0), with a tall mode (dual Gram path)', () => {
    const X = lowRank(5, [40, 4, 5], [3, 2, 2]);
    const o = hooi(X, [3, 2, 2], { tol: 1e-12 });
    expect(o.converged).toBe(true);
    expect(o.relativeError).toBeLessThanOrEqual(1e-6);
    expect(Math.sqrt(sqDiff(tuckerReconstruct(o).data, X.data) / norm2(X.data))).toBeLessThanOrEqual(1e-12);
  });

  it('onProgress returning false stops; an aborted signal stops before the first sweep', () => {
    const X = { data: randomVector(2, 5 * 6 * 7), shape: [5, 6, 7] };
    const seen: number[] = [];
    const o = hooi(X, [2, 2, 2], { tol: 0, onProgress: (info) => (seen.push(info.iteration), info.iteration < 3) });
    expect(o.stopped).toBe('callback');
    expect(o.iterations).toBe(3);
    expect(seen).toEqual([1, 2, 3]);
    const ac = new AbortController();
    ac.abort();
    const a = hooi(X, [2, 2, 2], { signal: ac.signal });
    expect(a.stopped).toBe('aborted');
    expect(a.iterations).toBe(0);
    expect(a.relativeError).toBeCloseTo(hosvd(X, [2, 2, 2]).relativeError, 12);
  });

  it('rejects bad shapes, options and data (class and message); memory stays flat', () => {
    const before = memoryStats().allocatedBytes;
    const X = { data: randomVector(1, 24), shape: [2, 3, 4] };
    expect(() => hosvd(X, [1, 2])).toThrow(ShapeError);
    expect(() => hosvd(X, [1, 2])).toThrow('hosvd: shape must have 3 entries, one per mode (got 2)');
    expect(() => hosvd(X, [1, 4, 1])).toThrow('hosvd: shape[1] must be <= 3 (the size of mode 1) (got 4)');
    expect(() => hooi(X, [1, 0, 1])).toThrow('hooi: shape[1] must be a positive integer (got 0)');
    expect(() => hooi(X, [1, 1, 1], { maxIter: -1 })).toThrow(ParameterError);
    expect(() => hooi(X, [1, 1, 1], { maxIter: -1 })).toThrow('hooi: options.maxIter must be a non-negative integer (got -1)');
    expect(() => hooi(X, [1, 1, 1], { tol: NaN })).toThrow('hooi: options.tol must be >= 0 (got NaN)');
    expect(() => hooi(X, [1, 1, 1], { onProgress: 3 as never })).toThrow('hooi: options.onProgress must be a function (got 3)');
    const bad = X.data.slice();
    bad[7] = Infinity;
    expect(() => hooi({ data: bad, shape: [2, 3, 4] }, [1, 1, 1])).toThrow(NonFiniteError);
    expect(() => hosvd({ data: bad, shape: [2, 3, 4] }, [1, 1, 1])).toThrow('hosvd: X.data must be finite (got Infinity at index 7)');
    expect(() => hosvd({ data: [1, 2, 3], shape: [3] }, [1])).toThrow('hosvd: X.shape must have at least 2 entries (got 1)');
    expect(memoryStats().allocatedBytes).toBe(before);
    expect(hosvd(X, [1, 1, 1]).core.data.length).toBe(1);
  });

  it('handles the zero tensor (error 0) and rank-deficient modes (orthonormal completion)', () => {
    const Z = { data: new Float64Array(2 * 3 * 4), shape: [2, 3, 4] };
    expect(hosvd(Z, [2, 2, 2]).relativeError).toBe(0);
    const o = hooi(Z, [2, 3, 4]);
    o.factors.forEach((U, n) => expect(orthoDefect(U, Z.shape[n]!, [2, 3, 4][n]!)).toBeLessThanOrEqual(1e-12));
    // tall mode with more requested columns than the other modes' product: 30 × 2 × 1, r₀ = 3 > 2
    const T = { data: randomVector(4, 60), shape: [30, 2, 1] };
    const h = hosvd(T, [3, 2, 1]);
    expect(orthoDefect(h.factors[0]!, 30, 3)).toBeLessThanOrEqual(1e-12);
    expect(Math.sqrt(sqDiff(tuckerReconstruct(h).data, T.data) / norm2(T.data))).toBeLessThanOrEqual(1e-12);
  });
});
