/**
 * tensorTrain (TT-SVD): reconstruction within the requested tolerance (the error measured here from a
 * contraction of the cores written out entry by entry, not from ttReconstruct), exact recovery of a
 * planted tensor train with its ranks, rank caps, and the error bound.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ParameterError, ShapeError, init, rng, tensorTrain, ttReconstruct } from '../../bindings/index.js';

beforeAll(() => init());

/** X̂[i] = G₀[0, i₀, :] G₁[:, i₁, :] ⋯ written out as a product of small matrices per entry. */
function contract(cores: { data: Float64Array; shape: number[] }[]): Float64Array {
  const dims = cores.map((c) => c.shape[1]!);
  const size = dims.reduce((a, b) => a * b, 1);
  const out = new Float64Array(size);
  const idx = dims.map(() => 0);
  for (let p = 0; p < size; p++) {
    let q = p;
    for (let n = dims.length - 1; n >= 0; n--) { idx[n] = q % dims[n]!; q = Math.floor(q / dims[n]!); }
    let v = [1];
    cores.forEach((c, k) => {
      const [r, I, r2] = c.shape as [number, number, number];
      const next = new Array<number>(r2).fill(0);
      for (let a = 0; a < r; a++) for (let b = 0; b < r2; b++) next[b]! += v[a]! * c.data[(a * I + idx[k]!) * r2 + b]!;
      v = next;
    });
    out[p] = v[0]!;
  }
  return out;
}

function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) { num += (a[i]! - b[i]!) ** 2; den += b[i]! ** 2; }
  return Math.sqrt(num / den);
}

/** A random tensor train with ranks `ranks` (length N + 1, ends 1). */
function plantedTT(dims: number[], ranks: number[], seed: number): { data: Float64Array; shape: number[] } {
  const g = rng(seed);
  const cores = dims.map((I, k) => ({ data: g.normal(ranks[k]! * I * ranks[k + 1]!), shape: [ranks[k]!, I, ranks[k + 1]!] }));
  return { data: contract(cores), shape: dims };
}

describe('tensorTrain', () => {
  it('reconstructs within its tolerance, for every tolerance, on a random (full-rank) tensor', () => {
    const X = { data: rng(3).normal(6 * 7 * 5 * 4), shape: [6, 7, 5, 4] };
    let prevParams = 0;
    for (const tol of [0.5, 0.3, 0.1, 0.01, 0]) {
      const res = tensorTrain(X, { tol });
      const err = relDiff(contract(res.cores), X.data);
      expect(err).toBeCloseTo(res.relativeError, 12);
      expect(err).toBeLessThanOrEqual(tol + 1e-12);
      expect(err).toBeLessThanOrEqual(res.errorBound + 1e-12);
      expect(res.errorBound).toBeLessThanOrEqual(tol + 1e-15);
      expect(res.ranks[0]).toBe(1);
      expect(res.ranks[4]).toBe(1);
      expect(res.parameters).toBe(res.cores.reduce((t, c) => t + c.data.length, 0));
      // a smaller tolerance never stores fewer numbers
      expect(res.parameters).toBeGreaterThanOrEqual(prevParams);
      prevParams = res.parameters;
    }
    expect(tensorTrain(X).relativeError).toBeLessThan(1e-13);
  });
  it('recovers a planted tensor train exactly, with its ranks, at a tiny tolerance', () => {
    const ranks = [1, 3, 4, 2, 1];
    const X = plantedTT([8, 6, 7, 5], ranks, 7);
    const res = tensorTrain(X, { tol: 1e-10 });
    expect(res.ranks).toEqual(ranks);
    expect(relDiff(contract(res.cores), X.data)).toBeLessThan(1e-12);
  });
  it('rank caps: one number or one per bond; the bound then reports the truncation actually made', () => {
    const X = { data: rng(4).normal(5 * 6 * 7), shape: [5, 6, 7] };
    const a = tensorTrain(X, { rank: 2 });
    expect(a.ranks).toEqual([1, 2, 2, 1]);
    const b = tensorTrain(X, { rank: [3, 1] });
    expect(b.ranks).toEqual([1, 3, 1, 1]);
    for (const r of [a, b]) {
      const err = relDiff(contract(r.cores), X.data);
      expect(err).toBeCloseTo(r.relativeError, 12);
      expect(err).toBeLessThanOrEqual(r.errorBound + 1e-12);
    }
    // a matrix: TT-SVD is the truncated SVD, whose error is the norm of the dropped singular values
    const M = { data: rng(5).normal(6 * 4), shape: [6, 4] };
    expect(tensorTrain(M, { rank: 4 }).relativeError).toBeLessThan(1e-13);
  });
  it('ttReconstruct equals the written-out contraction; malformed trains and options are refused', () => {
    const X = plantedTT([4, 3, 5], [1, 2, 3, 1], 9);
    const res = tensorTrain(X, { tol: 1e-12 });
    expect(relDiff(ttReconstruct(res).data, contract(res.cores))).toBeLessThan(1e-14);
    expect(() => ttReconstruct({ cores: [res.cores[0]!, res.cores[2]!] })).toThrow(/ttReconstruct: cores\[1\] must have first rank 2/);
    expect(() => tensorTrain(X, { rank: [1] })).toThrow(ShapeError);
    expect(() => tensorTrain(X, { tol: -1 })).toThrow(ParameterError);
    expect(() => tensorTrain(X, { ranks: 2 } as never)).toThrow(/not a known option/);
  });
});
