/**
 * hooi with a mask (EM): a low-multilinear-rank tensor with hidden entries is completed (the hidden
 * entries judged against the truth), the observed-entry error is non-increasing and equals the one
 * measured here from the returned core and factors, and without missing entries it is plain hooi.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ShapeError, hooi, init, rng, tuckerReconstruct } from '../../bindings/index.js';

beforeAll(() => init());

/** core ×₀ A₀ ×₁ A₁ ×₂ A₂ entry by entry (3-way). */
function tucker3(core: Float64Array, r: number[], A: Float64Array[], dims: number[]): Float64Array {
  const [I0, I1, I2] = dims as [number, number, number];
  const [r0, r1, r2] = r as [number, number, number];
  const out = new Float64Array(I0 * I1 * I2);
  for (let a = 0; a < I0; a++) for (let b = 0; b < I1; b++) for (let c = 0; c < I2; c++) {
    let v = 0;
    for (let p = 0; p < r0; p++) for (let q = 0; q < r1; q++) for (let t = 0; t < r2; t++) {
      v += core[(p * r1 + q) * r2 + t]! * A[0]![a * r0 + p]! * A[1]![b * r1 + q]! * A[2]![c * r2 + t]!;
    }
    out[(a * I1 + b) * I2 + c] = v;
  }
  return out;
}

function relDiff(a: ArrayLike<number>, b: ArrayLike<number>, only: (i: number) => boolean): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) if (only(i)) { num += (a[i]! - b[i]!) ** 2; den += b[i]! ** 2; }
  return Math.sqrt(num / den);
}

describe('hooi with missing entries (mask)', () => {
  it('completes a multilinear-rank (3, 2, 2) tensor with 25 % of its entries hidden', () => {
    const dims = [15, 12, 10];
    const r = [3, 2, 2];
    const g = rng(41);
    const truth = tucker3(g.normal(12), r, dims.map((I, n) => g.normal(I * r[n]!)), dims);
    const mask = Float64Array.from(g.uniform(truth.length), (u) => (u < 0.25 ? 0 : 1));
    const X = { data: truth.map((v, i) => (mask[i] ? v : -50)), shape: dims }; // garbage where hidden
    const res = hooi(X, r, { mask, maxIter: 300, tol: 1e-13 });
    const hat = tucker3(res.core.data, r, res.factors, dims);
    expect(relDiff(hat, truth, (i) => mask[i] === 1)).toBeCloseTo(res.relativeError, 10);
    expect(res.relativeError).toBeLessThan(1e-6);
    expect(relDiff(hat, truth, (i) => mask[i] === 0)).toBeLessThan(1e-5);
    for (let k = 1; k < res.history.length; k++) expect(res.history[k]!).toBeLessThanOrEqual(res.history[k - 1]! * (1 + 1e-12));
  });
  it('a noisy tensor: monotone observed error; an all-ones mask gives plain hooi', () => {
    const dims = [8, 9, 7];
    const X = { data: rng(42).normal(8 * 9 * 7), shape: dims };
    const mask = Float64Array.from(rng(43).uniform(X.data.length), (u) => (u < 0.3 ? 0 : 1));
    const res = hooi(X, [3, 3, 2], { mask, maxIter: 40, tol: 0 });
    for (let k = 1; k < res.history.length; k++) expect(res.history[k]!).toBeLessThanOrEqual(res.history[k - 1]! * (1 + 1e-12));
    const plain = hooi(X, [3, 3, 2], { maxIter: 10, tol: 0 });
    const full = hooi(X, [3, 3, 2], { mask: new Float64Array(X.data.length).fill(1), maxIter: 10, tol: 0 });
    expect(full.relativeError).toBeCloseTo(plain.relativeError, 10);
    const rec = tuckerReconstruct(full).data;
    expect(relDiff(rec, X.data, () => true)).toBeCloseTo(full.relativeError, 10);
  });
  it('rejects a mask of the wrong length or with values other than 0 and 1', () => {
    const X = { data: rng(44).normal(12), shape: [3, 4] };
    expect(() => hooi(X, [1, 1], { mask: new Float64Array(11).fill(1) })).toThrow(ShapeError);
    expect(() => hooi(X, [1, 1], { mask: new Float64Array(12).fill(2) })).toThrow(/hooi: options.mask\[0\] must be 0 or 1 \(got 2\)/);
  });
});
