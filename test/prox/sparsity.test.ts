import { beforeAll, describe, expect, it } from 'vitest';
import { NonFiniteError, ParameterError, ShapeError, init, nmSparsity, proxSparse } from '../../bindings/index.js';
import { patternSearch, proxObjective } from './minimize.js';
import { expectErrors, type ErrorCase } from './check.js';
import { randomVector, uniforms } from '../helpers.js';

beforeAll(() => init());

/**
 * The projection onto N:M patterns by enumeration: for each group, every subset of n kept indices in
 * lexicographic order, the first one of greatest kept energy Σvᵢ² (the lowest-index tie-break).
 */
function nmBrute(v: ArrayLike<number>, n: number, m: number): Float64Array {
  const out = new Float64Array(v.length);
  const subsets: number[][] = [];
  const rec = (start: number, cur: number[]) => {
    if (cur.length === n) subsets.push([...cur]);
    else for (let i = start; i < m; i++) rec(i + 1, [...cur, i]);
  };
  rec(0, []);
  for (let g = 0; g < v.length; g += m) {
    let best: number[] = [];
    let bestE = -1;
    for (const s of subsets) {
      const e = s.reduce((acc, i) => acc + v[g + i]! ** 2, 0);
      if (e > bestE) {
        bestE = e;
        best = s;
      }
    }
    for (const i of best) out[g + i] = v[g + i]!;
  }
  return out;
}

describe('nmSparsity: exact projection onto N:M patterns', () => {
  it('equals the enumeration of every kept subset (ties to the lowest indices), for several N:M', () => {
    const u = uniforms(3);
    for (const [n, m] of [[2, 4], [1, 4], [3, 4], [2, 8], [4, 8], [1, 1], [5, 6]] as const) {
      for (let k = 0; k < 30; k++) {
        const len = m * (1 + (k % 5));
        // Small integers make ties (equal |v|, opposite signs) frequent.
        const v = Float64Array.from({ length: len }, () => (k % 2 ? Math.round((u() - 0.5) * 6) : (u() - 0.5) * 10));
        const p = nmSparsity(n, m).prox(v, 1 + k);
        expect(Array.from(p)).toEqual(Array.from(nmBrute(v, n, m)));
        expect(nmSparsity(n, m).value(p)).toBe(0);
      }
    }
  });

  it('2:4 by default; keeps at most 2 per group; idempotent; value is +Infinity on a dense group', () => {
    const op = nmSparsity();
    expect(op.name).toBe('nmSparsity(2, 4)');
    expect(Array.from(op.prox([1, -4, 3, 2, 0, 0, 0, 0]))).toEqual([0, -4, 3, 0, 0, 0, 0, 0]);
    expect(Array.from(op.prox([2, -2, 2, -2]))).toEqual([2, -2, 0, 0]);
    const v = randomVector(5, 4000, 1);
    const p = op.prox(v);
    expect(Array.from(op.prox(p))).toEqual(Array.from(p));
    for (let g = 0; g < 4000; g += 4) expect(p.subarray(g, g + 4).filter((x) => x !== 0).length).toBeLessThanOrEqual(2);
    expect(op.value([1, 1, 1, 0])).toBe(Infinity);
    expect(op.value([1, 1e-12, 1, 0])).toBe(0);
    expect(op.properties.convex).toBe(false);
  });

  it('typed errors', () => {
    const cases: ErrorCase[] = [
      [() => nmSparsity(3, 2), ParameterError, 'nmSparsity: n must be an integer in [1, m = 2] (got 3)'],
      [() => nmSparsity(1, 65), ParameterError, 'nmSparsity: m must be an integer in [1, 64] (got 65)'],
      [() => nmSparsity(0, 4), ParameterError, 'nmSparsity: n must be an integer in [1, m = 4] (got 0)'],
      [() => nmSparsity().prox([1, 2, 3]), ShapeError, 'nmSparsity(2, 4).prox: v must have a length that is a multiple of m = 4 (got 3)'],
      [() => nmSparsity().prox([1, 2, 3, 4, 5, 6, 7, NaN]), NonFiniteError, 'nmSparsity(2, 4).prox: v must be finite (got NaN at index 7)'],
    ];
    expectErrors(cases);
  });
});

describe('proxSparse: the triple-product 2:4 regularizer', () => {
  const reg = (x: ArrayLike<number>) => {
    let s = 0;
    for (let i = 0; i < 4; i++) for (let j = i + 1; j < 4; j++) for (let k = j + 1; k < 4; k++) s += Math.abs(x[i]! * x[j]! * x[k]!);
    return s;
  };

  it('is at least as good as a brute-force grid search plus pattern search on random groups of 4', () => {
    const u = uniforms(17);
    for (let k = 0; k < 40; k++) {
      const v = Float64Array.from({ length: 4 }, () => (u() - 0.5) * 4);
      const lambda = [0.05, 0.3, 1, 3][k % 4]!;
      const t = k % 3 === 0 ? 0.5 : 1;
      const F = proxObjective((x) => lambda * reg(x), v, t);
      const p = proxSparse(lambda).prox(v, t);
      // Grid over the box between 0 and v (the minimiser lies there), 21 points per axis.
      let best = new Float64Array(4);
      let bestF = Infinity;
      const y = new Float64Array(4);
      const G = 20;
      for (let a = 0; a <= G; a++)
        for (let b = 0; b <= G; b++)
          for (let c = 0; c <= G; c++)
            for (let d = 0; d <= G; d++) {
              y[0] = (v[0]! * a) / G;
              y[1] = (v[1]! * b) / G;
              y[2] = (v[2]! * c) / G;
              y[3] = (v[3]! * d) / G;
              const f = F(y);
              if (f < bestF) {
                bestF = f;
                best = Float64Array.from(y);
              }
            }
      const refined = patternSearch(F, best, Math.max(...v.map(Math.abs)) / G, 200);
      expect(F(p)).toBeLessThanOrEqual(refined.value + 1e-12);
      expect(F(p)).toBeLessThanOrEqual(F(v)); // never worse than v itself
      for (let i = 0; i < 4; i++) expect(p[i]! * v[i]!).toBeGreaterThanOrEqual(0);
    }
  });

  it('λ = 0 is the identity; 2:4-sparse input is a fixed point; a huge λ gives the 2:4 projection', () => {
    const v = randomVector(3, 16, 1);
    expect(Array.from(proxSparse(0).prox(v))).toEqual(Array.from(v));
    const p24 = nmSparsity().prox(v);
    expect(Array.from(proxSparse(0.7).prox(p24))).toEqual(Array.from(p24));
    expect(Array.from(proxSparse(1e6).prox(v))).toEqual(Array.from(p24));
    expect(proxSparse(2).value([1, 2, 3, 0])).toBe(12);
    expect(() => proxSparse(1).prox([1, 2, 3])).toThrow(ShapeError);
    expect(() => proxSparse(-1)).toThrow('proxSparse: lambda must be >= 0 (got -1)');
  });
});
