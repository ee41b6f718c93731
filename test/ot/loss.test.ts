import { beforeAll, describe, expect, it } from 'vitest';
import { NonFiniteError, ParameterError, ShapeError, init } from '../../bindings/index.js';
import { otLoss } from '../../bindings/ot/loss.js';
import { uniforms } from '../helpers.js';

beforeAll(() => init());

function cloud(seed: number, n: number, d: number, shift = 0): Float64Array {
  const u = uniforms(seed);
  return Float64Array.from({ length: n * d }, () => u() * 2 - 1 + shift);
}

function probability(seed: number, n: number): Float64Array {
  const u = uniforms(seed);
  const w = Float64Array.from({ length: n }, () => 0.2 + u());
  const s = w.reduce((x, y) => x + y, 0);
  return w.map((x) => x / s);
}

const metrics = ['sqeuclidean', 'euclidean', 'cityblock'] as const;
/** c(x, y) from its definition, for the checks below. */
function c(metric: (typeof metrics)[number], x: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < x.length; k++) {
    const t = x[k]! - y[k]!;
    s += metric === 'cityblock' ? Math.abs(t) : t * t;
  }
  return metric === 'euclidean' ? Math.sqrt(s) : s;
}

/** Checks grad.X, grad.Y and grad.a, grad.b (along e_i − e_k) against central finite differences. */
function checkGradients(reg: number | undefined, metric: (typeof metrics)[number], seed: number): void {
  const n = 6, m = 5, d = 2;
  const X = cloud(seed, n, d), Y = cloud(seed + 1, m, d, 0.3);
  const a = probability(seed + 2, n), b = probability(seed + 3, m);
  const L = (Xv: Float64Array, Yv: Float64Array, av: Float64Array, bv: Float64Array): number =>
    otLoss({ data: Xv, rows: n, cols: d }, { data: Yv, rows: m, cols: d }, { reg, metric, a: av, b: bv, tol: 1e-14 }).value;
  const r = otLoss({ data: X, rows: n, cols: d }, { data: Y, rows: m, cols: d }, { reg, metric, a, b, tol: 1e-14 });
  const h = 1e-6;
  const fd = (f: (s: number) => number): number => (f(h) - f(-h)) / (2 * h);
  for (let k = 0; k < n * d; k++) {
    const got = fd((s) => { const Z = X.slice(); Z[k] = Z[k]! + s; return L(Z, Y, a, b); });
    expect(Math.abs(got - r.grad.X[k]!)).toBeLessThan(1e-6);
  }
  for (let k = 0; k < m * d; k++) {
    const got = fd((s) => { const Z = Y.slice(); Z[k] = Z[k]! + s; return L(X, Z, a, b); });
    expect(Math.abs(got - r.grad.Y[k]!)).toBeLessThan(1e-6);
  }
  for (let i = 1; i < n; i++) {
    const got = fd((s) => { const w = a.slice(); w[i] = w[i]! + s; w[0] = w[0]! - s; return L(X, Y, w, b); });
    expect(Math.abs(got - (r.grad.a[i]! - r.grad.a[0]!))).toBeLessThan(1e-6);
  }
  for (let j = 1; j < m; j++) {
    const got = fd((s) => { const w = b.slice(); w[j] = w[j]! + s; w[0] = w[0]! - s; return L(X, Y, a, w); });
    expect(Math.abs(got - (r.grad.b[j]! - r.grad.b[0]!))).toBeLessThan(1e-6);
  }
  expect(Math.abs(r.grad.a.reduce((x, y) => x + y, 0))).toBeLessThan(1e-13);
}

describe('otLoss (exact, emd2)', () => {
  it('is the best permutation cost for uniform weights and n = m (enumeration, n = 6)', () => {
    const n = 6, d = 2;
    for (const metric of metrics) {
      const X = cloud(11, n, d), Y = cloud(12, n, d);
      let best = Infinity;
      const perm = Array.from({ length: n }, (_, i) => i);
      const rec = (k: number): void => {
        if (k === n) { best = Math.min(best, perm.reduce((s, j, i) => s + c(metric, X.subarray(i * d, i * d + d), Y.subarray(j * d, j * d + d)) / n, 0)); return; }
        for (let q = k; q < n; q++) { [perm[k], perm[q]] = [perm[q]!, perm[k]!]; rec(k + 1); [perm[k], perm[q]] = [perm[q]!, perm[k]!]; }
      };
      rec(0);
      const r = otLoss({ data: X, rows: n, cols: d }, { data: Y, rows: n, cols: d }, { metric });
      expect(r.value).toBeCloseTo(best, 13);
      expect(r.converged).toBe(true);
    }
  });

  it('has gradients in positions and weights that match central finite differences to 1e-6 (three metrics)', () => {
    for (const metric of metrics) for (const seed of [21, 31]) checkGradients(undefined, metric, seed);
  });
});

describe('otLoss (entropic, reg = ε)', () => {
  it('is ⟨P, C⟩ + ε KL(P | a⊗b) at its plan, whose marginals are a and b', () => {
    const n = 7, m = 4, d = 3, reg = 0.3;
    const X = cloud(41, n, d), Y = cloud(42, m, d);
    const a = probability(43, n), b = probability(44, m);
    const r = otLoss({ data: X, rows: n, cols: d }, { data: Y, rows: m, cols: d }, { reg, a, b, tol: 1e-14 });
    let primal = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) {
      const p = r.plan[i * m + j]!;
      primal += p * c('sqeuclidean', X.subarray(i * d, i * d + d), Y.subarray(j * d, j * d + d)) + reg * (p * Math.log(p / (a[i]! * b[j]!)) - p + a[i]! * b[j]!);
    }
    expect(r.value).toBeCloseTo(primal, 12);
    for (let i = 0; i < n; i++) expect(r.plan.subarray(i * m, i * m + m).reduce((s, x) => s + x, 0)).toBeCloseTo(a[i]!, 12);
    expect(r.converged).toBe(true);
  });

  it('has gradients in positions and weights that match central finite differences to 1e-6', () => {
    for (const metric of ['sqeuclidean', 'euclidean'] as const) for (const reg of [0.1, 1]) checkGradients(reg, metric, 51);
  });
});

describe('otLoss input checks', () => {
  it('rejects bad input with typed errors', () => {
    const X = cloud(1, 4, 2), Y = cloud(2, 3, 2);
    const P = { data: X, rows: 4, cols: 2 }, Q = { data: Y, rows: 3, cols: 2 };
    expect(() => otLoss(P, { data: Y, rows: 2, cols: 3 })).toThrow(ShapeError);
    expect(() => otLoss(P, Q, { reg: 0 })).toThrow(/otLoss: options.reg/);
    expect(() => otLoss(P, Q, { metric: 'cosine' as 'euclidean' })).toThrow(ParameterError);
    expect(() => otLoss(P, Q, { a: [0.5, 0.5, 0, 0] })).toThrow(/options.a must be > 0/);
    expect(() => otLoss(P, Q, { b: [1, 1] })).toThrow(ShapeError);
    expect(() => otLoss(P, Q, { regularization: 1 } as object)).toThrow(/regularization/);
    expect(() => otLoss({ data: X.map((x, k) => (k === 3 ? NaN : x)), rows: 4, cols: 2 }, Q)).toThrow(NonFiniteError);
  });
});
