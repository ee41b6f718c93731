import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { NonFiniteError, ParameterError, ShapeError, init, sinkhorn } from '../../bindings/index.js';
import { sinkhornDivergence } from '../../bindings/ot/divergence.js';
import { uniforms } from '../helpers.js';

beforeAll(() => init());

/** POT 0.9.7 `empirical_sinkhorn_divergence` values (test/ot/pot-gromov.py). */
interface DivCase { X: number[]; Y: number[]; d: number; a: number[]; b: number[]; reg: number; value: number }
const pot = JSON.parse(readFileSync(new URL('./pot-gromov.json', import.meta.url), 'utf8')) as { divergence: DivCase[] };

function cloud(seed: number, n: number, d: number, shift = 0): Float64Array {
  const u = uniforms(seed);
  return Float64Array.from({ length: n * d }, () => u() * 2 - 1 + shift);
}

function simplex(seed: number, n: number): Float64Array {
  const u = uniforms(seed);
  const w = Float64Array.from({ length: n }, () => u() + 0.2);
  const s = w.reduce((x, y) => x + y);
  return w.map((x) => x / s);
}

describe('sinkhornDivergence', () => {
  it("matches POT's empirical_sinkhorn_divergence to 1e-8 relative (objective 'transport', 8 fixtures)", () => {
    for (const c of pot.divergence) {
      const n = c.a.length, m = c.b.length;
      const r = sinkhornDivergence({ data: c.X, rows: n, cols: c.d }, { data: c.Y, rows: m, cols: c.d }, { reg: c.reg, a: c.a, b: c.b, objective: 'transport', tol: 1e-10, maxIter: 100000 });
      expect(Math.abs(r.value - c.value)).toBeLessThanOrEqual(1e-8 * Math.abs(c.value));
    }
  });

  it('is >= 0, and 0 for identical measures (entropic objective)', () => {
    for (let seed = 1; seed <= 4; seed++) {
      const d = 1 + (seed % 3);
      const X = { data: cloud(seed, 15, d), rows: 15, cols: d };
      const Y = { data: cloud(seed + 50, 11, d, 0.3 * seed), rows: 11, cols: d };
      for (const metric of ['sqeuclidean', 'euclidean'] as const) {
        for (const reg of [0.05, 0.5, 5]) {
          const r = sinkhornDivergence(X, Y, { reg, metric, a: simplex(seed, 15), b: simplex(seed + 9, 11) });
          expect(r.value).toBeGreaterThan(0);
          const same = sinkhornDivergence(X, X, { reg, metric, a: simplex(seed, 15), b: simplex(seed, 15) });
          expect(Math.abs(same.value)).toBeLessThan(1e-12 * Math.max(1, Math.abs(same.terms.xy)));
        }
      }
    }
  });

  it('has terms equal to the regularised OT value computed from the plan (primal ⟨P, C⟩ + ε KL(P | a⊗b))', () => {
    const n = 9, m = 7, d = 2, reg = 0.3;
    const X = cloud(3, n, d), Y = cloud(4, m, d, 0.5);
    const a = simplex(5, n), b = simplex(6, m);
    const r = sinkhornDivergence({ data: X, rows: n, cols: d }, { data: Y, rows: m, cols: d }, { reg, a, b, tol: 1e-13 });
    const C = new Float64Array(n * m);
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) C[i * m + j] = (X[2 * i]! - Y[2 * j]!) ** 2 + (X[2 * i + 1]! - Y[2 * j + 1]!) ** 2;
    const P = sinkhorn(a, b, C, { reg, method: 'log', tol: 1e-13, maxIter: 10000 }).plan;
    let primal = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) {
      const p = P[i * m + j]!;
      primal += p * C[i * m + j]! + reg * (p * Math.log(p / (a[i]! * b[j]!)) - p + a[i]! * b[j]!);
    }
    expect(r.terms.xy).toBeCloseTo(primal, 11);
  });

  it('gradients match central finite differences to 1e-6 (weights along the simplex, all point coordinates)', () => {
    const n = 5, m = 4, d = 2;
    for (const metric of ['sqeuclidean', 'euclidean'] as const) {
      const X = cloud(11, n, d), Y = cloud(12, m, d, 0.4);
      const a = simplex(13, n), b = simplex(14, m);
      const opts = { reg: 0.2, metric, tol: 1e-12, maxIter: 100000 };
      const S = (Xv: Float64Array, Yv: Float64Array, av: Float64Array, bv: Float64Array): number =>
        sinkhornDivergence({ data: Xv, rows: n, cols: d }, { data: Yv, rows: m, cols: d }, { ...opts, a: av, b: bv }).value;
      const g = sinkhornDivergence({ data: X, rows: n, cols: d }, { data: Y, rows: m, cols: d }, { ...opts, a, b, gradient: true }).grad!;
      const h = 1e-5;
      const check = (fd: number, an: number): void => expect(Math.abs(fd - an)).toBeLessThan(1e-6 * Math.max(1, Math.abs(an)));
      for (let k = 0; k < n * d; k++) {
        const Xp = X.slice(), Xm = X.slice();
        Xp[k] = X[k]! + h; Xm[k] = X[k]! - h;
        check((S(Xp, Y, a, b) - S(Xm, Y, a, b)) / (2 * h), g.X[k]!);
      }
      for (let k = 0; k < m * d; k++) {
        const Yp = Y.slice(), Ym = Y.slice();
        Yp[k] = Y[k]! + h; Ym[k] = Y[k]! - h;
        check((S(X, Yp, a, b) - S(X, Ym, a, b)) / (2 * h), g.Y[k]!);
      }
      // weights: move mass from entry 0 to entry i (stays a probability vector)
      for (let i = 1; i < n; i++) {
        const ap = a.slice(), am = a.slice();
        ap[i] = a[i]! + h; ap[0] = a[0]! - h; am[i] = a[i]! - h; am[0] = a[0]! + h;
        check((S(X, Y, ap, b) - S(X, Y, am, b)) / (2 * h), g.a[i]! - g.a[0]!);
      }
      for (let j = 1; j < m; j++) {
        const bp = b.slice(), bm = b.slice();
        bp[j] = b[j]! + h; bp[0] = b[0]! - h; bm[j] = b[j]! - h; bm[0] = b[0]! + h;
        check((S(X, Y, a, bp) - S(X, Y, a, bm)) / (2 * h), g.b[j]! - g.b[0]!);
      }
    }
  });

  it('rejects bad input with typed errors', () => {
    const X = [[0, 0], [1, 1]];
    expect(() => sinkhornDivergence(X, [[0, 0, 0]], { reg: 1 })).toThrow(ShapeError);
    expect(() => sinkhornDivergence(X, X, { reg: 0 })).toThrow(/options.reg/);
    expect(() => sinkhornDivergence(X, X, { reg: 1, a: [0.5, 0.6] })).toThrow(/options.a must sum to 1/);
    expect(() => sinkhornDivergence(X, X, { reg: 1, a: [1, 0] })).toThrow(/options.a must be > 0/);
    expect(() => sinkhornDivergence(X, X, { reg: 1, b: [1] })).toThrow(ShapeError);
    expect(() => sinkhornDivergence(X, X, { reg: 1, objective: 'transport', gradient: true })).toThrow(ParameterError);
    expect(() => sinkhornDivergence(X, [[0, NaN], [1, 1]], { reg: 1 })).toThrow(NonFiniteError);
    expect(() => sinkhornDivergence(X, [[0, NaN], [1, 1]], { reg: 1 })).toThrow(/sinkhornDivergence: Y/);
    expect(() => sinkhornDivergence(X, X, { reg: 1, gradients: true } as object as { reg: number })).toThrow(/gradient/);
  });
});
