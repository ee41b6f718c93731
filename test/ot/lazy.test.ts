import { beforeAll, describe, expect, it } from 'vitest';
import { NonFiniteError, ParameterError, ShapeError, costMatrix, init, sinkhorn } from '../../bindings/index.js';
import { sinkhornLazy } from '../../bindings/ot/lazy.js';
import { uniforms } from '../helpers.js';

beforeAll(() => init());

function cloud(seed: number, n: number, d: number, shift = 0): Float64Array {
  const u = uniforms(seed);
  return Float64Array.from({ length: n * d }, () => u() * 2 - 1 + shift);
}

describe('sinkhornLazy', () => {
  it('gives the plan of the dense log-domain sinkhorn on the stored cost (odd and even sizes, 1-D to 3-D, both metrics)', () => {
    for (const [n, m, d, metric, reg] of [[17, 12, 2, 'sqeuclidean', 0.1], [8, 9, 3, 'euclidean', 0.05], [30, 31, 1, 'sqeuclidean', 0.01]] as const) {
      const X = cloud(n, n, d), Y = cloud(m + 100, m, d, 0.3);
      const u = uniforms(n + m);
      const a = Float64Array.from({ length: n }, () => u() + 0.1);
      const b = Float64Array.from({ length: m }, () => u() + 0.1);
      const sa = a.reduce((x, y) => x + y), sb = b.reduce((x, y) => x + y);
      a.forEach((x, i) => (a[i] = x / sa));
      b.forEach((x, j) => (b[j] = x / sb));
      const Xm = { data: X, rows: n, cols: d }, Ym = { data: Y, rows: m, cols: d };
      const r = sinkhornLazy(Xm, Ym, { reg, a, b, metric, tol: 1e-12, maxIter: 100000 });
      expect(r.converged).toBe(true);
      const C = costMatrix(Xm, Ym, { metric });
      const dense = sinkhorn(a, b, C, { reg, method: 'log', tol: 1e-12, maxIter: 100000 });
      // the plan from the lazy potentials, entry by entry
      for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) {
        const p = a[i]! * b[j]! * Math.exp((r.f[i]! + r.g[j]! - C[i * m + j]!) / reg);
        expect(Math.abs(p - dense.plan[i * m + j]!)).toBeLessThan(1e-11);
      }
    }
  });

  it('rejects bad input with typed errors', () => {
    const X = [[0, 0], [1, 1]];
    expect(() => sinkhornLazy(X, [[0, 0, 0]], { reg: 1 })).toThrow(ShapeError);
    expect(() => sinkhornLazy(X, X, { reg: -1 })).toThrow(ParameterError);
    expect(() => sinkhornLazy(X, X, { reg: 1, metric: 'cityblock' as 'euclidean' })).toThrow(/options.metric/);
    expect(() => sinkhornLazy(X, X, { reg: 1, a: [1, 2] })).toThrow(/equal sums/);
    expect(() => sinkhornLazy(X, [[0, Infinity], [1, 1]], { reg: 1 })).toThrow(NonFiniteError);
    expect(() => sinkhornLazy(X, X, { reg: 1, tolerance: 1 } as object as { reg: number })).toThrow(/tol/);
  });
});
