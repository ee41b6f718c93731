/**
 * cp / parafac: exact recovery of planted rank-R tensors (checked entry by entry from the returned
 * factors, not with the library's own reconstruction), the MTTKRP kernel against the unfolding times
 * the Khatri–Rao product written out here, monotone non-negative (HALS) runs, and completion of
 * missing entries judged on the held-out entries.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ParameterError, ShapeError, cp, cpReconstruct, init, parafac, rng } from '../../bindings/index.js';
import { mttkrpIn } from '../../bindings/tucker/cp.js';
import { f64View, withScope } from '../../bindings/runtime/memory.js';

beforeAll(() => init());

/** The CP model's tensor, entry by entry: Σ_r w_r ∏ₙ Aₙ[iₙ, r]. */
function modelTensor(factors: Float64Array[], weights: ArrayLike<number>, dims: number[]): Float64Array {
  const R = weights.length;
  const size = dims.reduce((a, b) => a * b, 1);
  const out = new Float64Array(size);
  const idx = dims.map(() => 0);
  for (let p = 0; p < size; p++) {
    let q = p;
    for (let n = dims.length - 1; n >= 0; n--) { idx[n] = q % dims[n]!; q = Math.floor(q / dims[n]!); }
    let v = 0;
    for (let r = 0; r < R; r++) {
      let t = weights[r]!;
      for (let n = 0; n < dims.length; n++) t *= factors[n]![idx[n]! * R + r]!;
      v += t;
    }
    out[p] = v;
  }
  return out;
}

function relDiff(a: ArrayLike<number>, b: ArrayLike<number>, only?: (i: number) => boolean): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    if (only && !only(i)) continue;
    num += (a[i]! - b[i]!) ** 2;
    den += b[i]! ** 2;
  }
  return Math.sqrt(num / den);
}

/** A planted rank-R tensor with standard normal factors (seeded). */
function planted(dims: number[], R: number, seed: number, positive = false): { data: Float64Array; shape: number[] } {
  const g = rng(seed);
  const A = dims.map((I) => (positive ? g.uniform(I * R) : g.normal(I * R)));
  return { data: modelTensor(A, new Float64Array(R).fill(1), dims), shape: dims };
}

describe('cp: the MTTKRP kernel', () => {
  it('M = X₍ₙ₎ (⊙_{m≠n} Aₘ) for every mode, short and long rows, ranks below and above 8, orders 2–4', () => {
    for (const [dims, R] of [[[4, 5, 6], 3], [[3, 2, 7, 2], 3], [[5, 3], 3], [[2, 9, 1, 3], 3], [[4, 5, 6], 9], [[3, 2, 7, 2], 11], [[6, 2], 8]] as [number[], number][]) {
      const g = rng(dims.length * 10 + dims[0]!);
      const size = dims.reduce((a, b) => a * b, 1);
      const X = g.normal(size);
      const A = dims.map((I) => g.normal(I * R));
      for (let n = 0; n < dims.length; n++) {
        const M = withScope('test', (s) => {
          const x = s.f64(size);
          f64View(s.x, x, size).set(X);
          const placed = A.map((a, k) => {
            const p = s.f64(a.length);
            f64View(s.x, p, a.length).set(a);
            return { ptr: p, rows: dims[k]! };
          });
          return mttkrpIn(s, x, dims, placed, n, R);
        });
        // definition: M[i, r] = Σ over all entries with iₙ = i of X[idx] ∏_{m≠n} Aₘ[iₘ, r]
        const want = new Float64Array(dims[n]! * R);
        const idx = dims.map(() => 0);
        for (let p = 0; p < size; p++) {
          let q = p;
          for (let m = dims.length - 1; m >= 0; m--) { idx[m] = q % dims[m]!; q = Math.floor(q / dims[m]!); }
          for (let r = 0; r < R; r++) {
            let t = X[p]!;
            for (let m = 0; m < dims.length; m++) if (m !== n) t *= A[m]![idx[m]! * R + r]!;
            want[idx[n]! * R + r]! += t;
          }
        }
        for (let i = 0; i < want.length; i++) expect(M[i]).toBeCloseTo(want[i]!, 12);
      }
    }
  });
});

describe('cp: exact recovery of planted low-rank tensors', () => {
  const cases: [number[], number, number][] = [
    [[50, 50, 50], 10, 1],
    [[30, 40, 20], 5, 2],
    [[12, 10, 9, 8], 4, 3],
    [[40, 25], 6, 4],
  ];
  for (const [dims, R, seed] of cases) {
    it(`${dims.join('×')}, rank ${R}: relative error < 1e-10, checked from the returned factors`, () => {
      const X = planted(dims, R, seed);
      const res = cp(X, R, { maxIter: 500, tol: 1e-14 });
      expect(res.relativeError).toBeLessThan(1e-10);
      expect(relDiff(modelTensor(res.factors, res.weights, dims), X.data)).toBeLessThan(1e-10);
      expect(res.rank).toBe(R);
      expect(res.shape).toEqual(dims);
      expect(res.weights.every((w, r) => r === 0 || w <= res.weights[r - 1]!)).toBe(true);
      for (let n = 0; n < dims.length; n++) {
        for (let r = 0; r < R; r++) {
          let t = 0;
          for (let i = 0; i < dims[n]!; i++) t += res.factors[n]![i * R + r]! ** 2;
          expect(t).toBeCloseTo(1, 12);
        }
      }
      expect(relDiff(cpReconstruct(res).data, X.data)).toBeLessThan(1e-10);
    });
  }
  it('from random starts too (most seeds), and parafac is cp', () => {
    const X = planted([20, 20, 20], 5, 9);
    const ok = [0, 1, 2, 3, 4].filter((seed) => cp(X, 5, { init: 'random', seed, maxIter: 500, tol: 1e-14 }).relativeError < 1e-10).length;
    expect(ok).toBeGreaterThanOrEqual(3);
    expect(parafac).toBe(cp);
  });
  it('without line search the error never increases (ALS is a block minimisation)', () => {
    const X = planted([15, 12, 10], 4, 5);
    const noisy = { data: X.data.map((v, i) => v + 0.05 * Math.sin(7 * i)), shape: X.shape };
    const res = cp(noisy, 3, { lineSearch: false, init: 'random', maxIter: 60, tol: 0 });
    for (let k = 1; k < res.history.length; k++) expect(res.history[k]!).toBeLessThanOrEqual(res.history[k - 1]! * (1 + 1e-12));
    expect(res.lineSearch).toEqual({ tried: 0, accepted: 0 });
  });
});

describe('cp: non-negative factors (HALS)', () => {
  it('every factor entry ≥ 0, the error non-increasing, and a positive planted tensor fitted closely', () => {
    const X = planted([20, 15, 10], 3, 11, true);
    const noisy = { data: X.data.map((v, i) => Math.max(0, v + 0.01 * Math.cos(3 * i))), shape: X.shape };
    for (const initKind of ['svd', 'random'] as const) {
      const res = cp(noisy, 3, { nonNegative: true, init: initKind, seed: 2, maxIter: 300, tol: 1e-12 });
      for (const A of res.factors) expect(A.every((v) => v >= 0)).toBe(true);
      expect(res.weights.every((v) => v >= 0)).toBe(true);
      for (let k = 1; k < res.history.length; k++) expect(res.history[k]!).toBeLessThanOrEqual(res.history[k - 1]! * (1 + 1e-12));
      expect(relDiff(modelTensor(res.factors, res.weights, X.shape), noisy.data)).toBeCloseTo(res.relativeError, 10);
      // the planted (noise-free) tensor fits the noisy one this well: the fit is at least as good
      expect(res.relativeError).toBeLessThanOrEqual(relDiff(X.data, noisy.data) * (1 + 1e-6));
    }
  });
  it('refuses line search with non-negativity', () => {
    expect(() => cp(planted([3, 3], 1, 1), 1, { nonNegative: true, lineSearch: true })).toThrow(/cp: options.lineSearch must be false with options.nonNegative/);
  });
});

describe('cp: missing entries (mask, EM)', () => {
  it('a rank-3 tensor with 30 % of its entries hidden: the hidden entries are recovered', () => {
    const dims = [20, 18, 16];
    const X = planted(dims, 3, 21);
    const u = rng(5).uniform(X.data.length);
    const mask = Float64Array.from(u, (v) => (v < 0.3 ? 0 : 1));
    const hidden = { data: X.data.map((v, i) => (mask[i] ? v : 1e3)), shape: dims }; // garbage where hidden
    const res = cp(hidden, 3, { mask, maxIter: 500, tol: 1e-13 });
    const Xhat = modelTensor(res.factors, res.weights, dims);
    expect(relDiff(Xhat, X.data, (i) => mask[i] === 1)).toBeCloseTo(res.relativeError, 8);
    expect(res.relativeError).toBeLessThan(1e-6);
    expect(relDiff(Xhat, X.data, (i) => mask[i] === 0)).toBeLessThan(1e-6);
  });
  it('the masked error never increases with HALS (EM + block minimisation)', () => {
    const dims = [10, 9, 8];
    const X = planted(dims, 2, 23, true);
    const mask = Float64Array.from(rng(6).uniform(X.data.length), (v) => (v < 0.2 ? 0 : 1));
    const res = cp(X, 3, { mask, nonNegative: true, maxIter: 80, tol: 0 });
    for (let k = 1; k < res.history.length; k++) expect(res.history[k]!).toBeLessThanOrEqual(res.history[k - 1]! * (1 + 1e-12));
  });
  it('rejects masks that are not 0/1, of the wrong length or all 0', () => {
    const X = planted([3, 4], 1, 1);
    expect(() => cp(X, 1, { mask: new Float64Array(12).fill(0.5) })).toThrow(/cp: options.mask\[0\] must be 0 or 1 \(got 0.5\)/);
    expect(() => cp(X, 1, { mask: new Float64Array(11).fill(1) })).toThrow(ShapeError);
    expect(() => cp(X, 1, { mask: new Float64Array(12) })).toThrow(ParameterError);
  });
});

describe('cp: options and stopping', () => {
  it('user factors as the start, onProgress stop, abort, maxIter 0', () => {
    const X = planted([6, 5, 4], 2, 31);
    const start = [6, 5, 4].map((I) => rng(I).uniform(I * 2));
    const res = cp(X, 2, { init: start, maxIter: 3, tol: 0 });
    expect(res.iterations).toBe(3);
    expect(res.stopped).toBe('maxIter');
    expect(cp(X, 2, { onProgress: () => false }).stopped).toBe('callback');
    const ac = new AbortController();
    ac.abort();
    expect(cp(X, 2, { signal: ac.signal }).stopped).toBe('aborted');
    const zero = cp(X, 2, { maxIter: 0 });
    expect(zero.iterations).toBe(0);
    expect(Number.isFinite(zero.relativeError)).toBe(true);
  });
  it('the zero tensor gives weight 0 and error 0', () => {
    const res = cp({ data: new Float64Array(24), shape: [2, 3, 4] }, 2);
    expect(res.relativeError).toBe(0);
    expect(Array.from(res.weights)).toEqual([0, 0]);
  });
});
