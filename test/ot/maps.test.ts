import { beforeAll, describe, expect, it } from 'vitest';
import { NonFiniteError, ParameterError, ShapeError, init } from '../../bindings/index.js';
import { barycentricProjection, otMapping } from '../../bindings/ot/maps.js';
import { uniforms } from '../helpers.js';

beforeAll(() => init());

function cloud(seed: number, n: number, d: number): Float64Array {
  const u = uniforms(seed);
  return Float64Array.from({ length: n * d }, () => u() * 2 - 1);
}

describe('otMapping and barycentricProjection', () => {
  it('recovers a translation exactly (exact plan) and extends it to new points', () => {
    const n = 20, d = 2;
    const Xs = cloud(1, n, d);
    const shift = [0.3, -0.2];
    // the target is the translated cloud in another order: the optimal squared-Euclidean plan is the translation
    const perm = Array.from({ length: n }, (_, i) => (i * 7) % n);
    const Xt = new Float64Array(n * d);
    perm.forEach((src, i) => { for (let k = 0; k < d; k++) Xt[i * d + k] = Xs[src * d + k]! + shift[k]!; });
    const map = otMapping({ data: Xs, rows: n, cols: d }, { data: Xt, rows: n, cols: d });
    for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) expect(map.mapped[i * d + k]).toBeCloseTo(Xs[i * d + k]! + shift[k]!, 12);
    const fresh = cloud(2, 5, d);
    const out = map.transform({ data: fresh, rows: 5, cols: d });
    for (let q = 0; q < 5; q++) for (let k = 0; k < d; k++) expect(out[q * d + k]).toBeCloseTo(fresh[q * d + k]! + shift[k]!, 12);
  });

  it('barycentric projection is the row-normalised plan times Y (entropic plan)', () => {
    const n = 6, m = 4, d = 3;
    const Xs = cloud(3, n, d), Xt = cloud(4, m, d);
    const map = otMapping({ data: Xs, rows: n, cols: d }, { data: Xt, rows: m, cols: d }, { reg: 0.5 });
    const T = barycentricProjection({ data: map.plan, rows: n, cols: m }, { data: Xt, rows: m, cols: d });
    for (let i = 0; i < n; i++) {
      let mass = 0;
      for (let j = 0; j < m; j++) mass += map.plan[i * m + j]!;
      for (let k = 0; k < d; k++) {
        let s = 0;
        for (let j = 0; j < m; j++) s += map.plan[i * m + j]! * Xt[j * d + k]!;
        expect(T[i * d + k]).toBeCloseTo(s / mass, 14);
        expect(map.mapped[i * d + k]).toBeCloseTo(s / mass, 14);
      }
    }
    expect(Array.from(barycentricProjection([[0, 0], [1, 0]], [[5], [7]]))).toEqual([NaN, 5]);
  });

  it('reports the transport cost ⟨P, C⟩ and the solver\'s iterations and marginal error', () => {
    const n = 6, m = 5, d = 2;
    const Xs = cloud(5, n, d), Xt = cloud(6, m, d);
    for (const reg of [0, 0.2]) {
      const map = otMapping({ data: Xs, rows: n, cols: d }, { data: Xt, rows: m, cols: d }, { reg, tol: 1e-12, maxIter: 5000 });
      let cost = 0;
      for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) cost += map.plan[i * m + j]! * ((Xs[i * d]! - Xt[j * d]!) ** 2 + (Xs[i * d + 1]! - Xt[j * d + 1]!) ** 2);
      expect(map.cost).toBeCloseTo(cost, 14);
      expect(map.iterations).toBeGreaterThan(0);
      expect(map.marginalError).toBeLessThanOrEqual(reg === 0 ? 0 : 1e-12);
    }
    // the iteration cap is passed to Sinkhorn
    const capped = otMapping({ data: Xs, rows: n, cols: d }, { data: Xt, rows: m, cols: d }, { reg: 0.01, tol: 0, maxIter: 7 });
    expect(capped.iterations).toBe(7);
    expect(capped.marginalError).toBeGreaterThan(0);
    // the scaling iteration gives the same plan as the log-domain one where it is finite
    const scaled = otMapping({ data: Xs, rows: n, cols: d }, { data: Xt, rows: m, cols: d }, { reg: 0.2, tol: 1e-13, maxIter: 5000, method: 'sinkhorn' });
    const logd = otMapping({ data: Xs, rows: n, cols: d }, { data: Xt, rows: m, cols: d }, { reg: 0.2, tol: 1e-13, maxIter: 5000 });
    scaled.plan.forEach((x, k) => expect(Math.abs(x - logd.plan[k]!)).toBeLessThan(1e-13));
  });

  it('rejects bad input with typed errors', () => {
    expect(() => otMapping([[0, 0]], [[0, 0, 0]])).toThrow(ShapeError);
    expect(() => otMapping([[0, 0]], [[1, 1]], { reg: -1 })).toThrow(ParameterError);
    expect(() => otMapping([[0, 0]], [[1, 1]], { regularisation: 1 } as object)).toThrow(/reg/);
    expect(() => otMapping([[0, 0]], [[1, 1]], { reg: 1, maxIter: 0 })).toThrow(/otMapping: options.maxIter/);
    expect(() => otMapping([[0, 0]], [[1, 1]], { reg: 1, tol: -1 })).toThrow(/otMapping: options.tol/);
    expect(() => otMapping([[0, 0]], [[1, 1]], { reg: 1, method: 'stabilized' as 'log' })).toThrow(/otMapping: options.method must be 'log' or 'sinkhorn'/);
    expect(() => otMapping([[0, 0], [1, 1]], [[1, 1]], { a: [1, -1] })).toThrow(/otMapping: options.a/);
    expect(() => otMapping([[0, NaN]], [[1, 1]])).toThrow(NonFiniteError);
    expect(() => otMapping([[0, 0]], [[1, 1]]).transform([[1, 2, 3]])).toThrow(ShapeError);
    expect(() => barycentricProjection([1, 2, 3], [[1], [2]])).toThrow(ShapeError);
  });
});
