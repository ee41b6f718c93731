import { beforeAll, describe, expect, it } from 'vitest';
import {
  NonFiniteError,
  ParameterError,
  ShapeError,
  allocF64,
  init,
  memoryStats,
  totalVariation1D,
  totalVariation1DStrided,
} from '../../bindings/index.js';
import { maxDiff, expectErrors, type ErrorCase } from './check.js';
import { randomVector, uniforms } from '../helpers.js';
import { patternSearch, proxObjective } from './minimize.js';
import { tv1dCertificate, tv1dExhaustive, tv1dTautStringRef, tvObjective } from './reference-tv.js';

beforeAll(() => init());

const dist = maxDiff;

/** Piecewise-constant signal plus noise: the regime where TV fuses long runs. */
function blocky(seed: number, n: number, noise: number): Float64Array {
  const u = uniforms(seed);
  const e = randomVector(seed + 1, n, noise);
  const y = new Float64Array(n);
  let level = 0;
  for (let i = 0; i < n; i++) {
    if (u() < 0.02) level = (u() - 0.5) * 10;
    y[i] = level + e[i]!;
  }
  return y;
}

describe('totalVariation1D: exact prox', () => {
  it('equals the exhaustive solution (every fusion pattern and jump sign) on small random cases', () => {
    const u = uniforms(5);
    for (let k = 0; k < 150; k++) {
      const n = 1 + (k % 8);
      const y = randomVector(40 + k, n, 1 + (k % 3));
      const t = [0.5, 1, 2][k % 3]!;
      const weighted = k % 2 === 1;
      const w = Float64Array.from({ length: Math.max(n - 1, 0) }, () => (u() < 0.15 ? 0 : u() * 2));
      const lambda = 0.1 + u();
      const op = weighted ? totalVariation1D(lambda, w) : totalVariation1D(lambda);
      const lam = weighted ? w.map((x) => t * lambda * x) : new Float64Array(Math.max(n - 1, 0)).fill(t * lambda);
      const x = op.prox(y, t);
      expect(dist(x, tv1dExhaustive(y, lam))).toBeLessThan(1e-12);
    }
  });

  it('the plain-TS taut string (an independent algorithm) is exact too, and agrees with the kernel on long weighted signals', () => {
    const u = uniforms(6);
    for (let k = 0; k < 150; k++) {
      const n = 1 + (k % 8);
      const y = randomVector(600 + k, n, 1 + (k % 3));
      const lam = Float64Array.from({ length: n - 1 }, () => (u() < 0.2 ? 0 : u() * 2));
      expect(dist(tv1dTautStringRef(y, lam), tv1dExhaustive(y, lam))).toBeLessThan(1e-12);
    }
    for (const [seed, n] of [[1, 20_000], [2, 50_000]] as const) {
      const y = seed === 1 ? randomVector(seed, n, 2) : blocky(seed, n, 0.3);
      const w = Float64Array.from({ length: n - 1 }, (_, k) => (k % 11 === 0 ? 0 : 0.5 + (k % 4)));
      const x = totalVariation1D(0.8, w).prox(y, 1);
      const ref = tv1dTautStringRef(y, w.map((wk) => 0.8 * wk));
      expect(dist(x, ref)).toBeLessThan(1e-9);
    }
  });

  it('agrees with brute-force minimisation of f(x) + ‖x − v‖²/(2t)', () => {
    for (let k = 0; k < 12; k++) {
      const n = 2 + (k % 3);
      const v = randomVector(70 + k, n, 1.5);
      const op = totalVariation1D(0.4);
      const t = 1.5;
      const p = op.prox(v, t);
      const F = proxObjective((x) => op.value(x), v, t);
      const brute = patternSearch(F, v, 2);
      expect(F(p)).toBeLessThanOrEqual(brute.value + 1e-13 * (1 + brute.value));
      expect(dist(p, brute.x)).toBeLessThan(2e-6);
    }
  });

  it('satisfies the optimality conditions on long signals (n up to 2e5, noisy and blocky, weighted with zeros)', () => {
    for (const [seed, n, lambda] of [
      [1, 1000, 0.5],
      [2, 200_000, 1],
      [3, 50_001, 1e-3],
      [4, 10_000, 100],
    ] as const) {
      const y = seed % 2 ? randomVector(seed, n, 2) : blocky(seed, n, 0.5);
      const x = totalVariation1D(lambda).prox(y, 1);
      const lam = new Float64Array(n - 1).fill(lambda);
      expect(tv1dCertificate(x, y, lam)).toBeLessThan(1e-9 * (1 + lambda) * Math.sqrt(n));
      const w = Float64Array.from({ length: n - 1 }, (_, k) => (k % 7 === 0 ? 0 : 1 + (k % 3)));
      const xw = totalVariation1D(lambda, w).prox(y, 0.5);
      expect(tv1dCertificate(xw, y, w.map((x) => 0.5 * lambda * x))).toBeLessThan(1e-9 * (1 + lambda) * Math.sqrt(n));
    }
  });

  it('edge cases: λ = 0 is the identity, a huge λ gives the mean, n = 0 and 1, constant input, firm nonexpansiveness', () => {
    const y = randomVector(8, 100, 1);
    expect(dist(totalVariation1D(0).prox(y), y)).toBeLessThan(1e-15);
    const mean = y.reduce((s, x) => s + x, 0) / y.length;
    expect(dist(totalVariation1D(1e6).prox(y), new Float64Array(100).fill(mean))).toBeLessThan(1e-12);
    expect(totalVariation1D(1).prox([]).length).toBe(0);
    expect(Array.from(totalVariation1D(1).prox([3.5]))).toEqual([3.5]);
    expect(Array.from(totalVariation1D(1).prox([2, 2, 2]))).toEqual([2, 2, 2]);
    const op = totalVariation1D(0.7);
    for (let k = 0; k < 30; k++) {
      const a = randomVector(200 + k, 20, 2);
      const b = randomVector(300 + k, 20, 2);
      const p = op.prox(a, 1.3);
      const q = op.prox(b, 1.3);
      let pq = 0;
      let ab = 0;
      for (let i = 0; i < 20; i++) {
        pq += (p[i]! - q[i]!) ** 2;
        ab += (p[i]! - q[i]!) * (a[i]! - b[i]!);
      }
      expect(pq).toBeLessThanOrEqual(ab + 1e-12);
    }
    expect(op.value([0, 1, -1])).toBeCloseTo(0.7 * 3, 15);
    expect(totalVariation1D(2, [1, 0.5]).value([0, 1, -1])).toBe(2 * (1 + 1));
    expect(tvObjective([0, 0], [0, 0], [1])).toBe(0);
  });

  it('in place on an F64Buffer (both algorithms: uniform λ and weighted) equals the copying path', () => {
    const v = blocky(12, 3001, 0.4);
    const w = Float64Array.from({ length: 3000 }, (_, k) => 1 + (k % 3));
    for (const op of [totalVariation1D(0.6), totalVariation1D(0.6, w)]) {
      const want = op.prox(v, 1.5);
      const buf = allocF64(v);
      op.prox(buf, 1.5, buf);
      expect(dist(buf.view(), want)).toBe(0);
      buf.free();
    }
  });

  it('the strided entry denoises rows and columns of an image in WASM memory, in place or into out', () => {
    const rows = 7;
    const cols = 9;
    const img = randomVector(99, rows * cols, 1);
    const before = memoryStats().allocatedBytes;
    const buf = allocF64(img);
    const out = allocF64(rows * cols);
    for (let c = 0; c < cols; c++) totalVariation1DStrided(buf, { offset: c, length: rows, stride: cols, lambda: 0.3, out });
    const colsDone = out.toArray();
    for (let c = 0; c < cols; c++) {
      const col = Array.from({ length: rows }, (_, r) => img[r * cols + c]!);
      const want = totalVariation1D(0.3).prox(col);
      expect(dist(Array.from({ length: rows }, (_, r) => colsDone[r * cols + c]!), want)).toBe(0);
    }
    const w = Float64Array.from({ length: cols - 1 }, (_, k) => 0.1 * k);
    for (let r = 0; r < rows; r++) totalVariation1DStrided(buf, { offset: r * cols, length: cols, lambda: w });
    const rowsDone = buf.toArray();
    for (let r = 0; r < rows; r++) {
      const want = totalVariation1D(1, w).prox(img.subarray(r * cols, (r + 1) * cols));
      expect(dist(rowsDone.subarray(r * cols, (r + 1) * cols), want)).toBe(0);
    }
    buf.free();
    out.free();
    expect(memoryStats().allocatedBytes).toBe(before);
  });

  it('typed errors', () => {
    const buf = allocF64([1, 2, NaN, 4]);
    const cases: ErrorCase[] = [
      [() => totalVariation1D(-1), ParameterError, 'totalVariation1D: lambda must be >= 0 (got -1)'],
      [() => totalVariation1D(1, [1, -1]), ParameterError, 'totalVariation1D: weights[1] must be finite and >= 0 (got -1)'],
      [() => totalVariation1D(1, [1, 1]).prox([1, 2]), ShapeError, 'totalVariation1D(1, [2]).prox: v must have length 3 like weights + 1 (got 2)'],
      [() => totalVariation1D(1).prox([1, NaN]), NonFiniteError, 'totalVariation1D(1).prox: v must be finite (got NaN at index 1)'],
      [() => totalVariation1D(1).prox([1, 2], -1), ParameterError, 'totalVariation1D(1).prox: t must be > 0 (got -1)'],
      [() => totalVariation1DStrided(buf, { length: 3, stride: 2, lambda: 1 }), ShapeError, 'totalVariation1DStrided: the line (offset 0, length 3, stride 2) must fit in data of length 4'],
      [() => totalVariation1DStrided(buf, { length: 2, stride: 0, lambda: 1 }), ParameterError, 'totalVariation1DStrided: stride must be an integer >= 1 (got 0)'],
      [() => totalVariation1DStrided(buf, { length: 2, stride: 2, lambda: 1 }), NonFiniteError, 'totalVariation1DStrided: data must be finite (got NaN at index 1)'],
      [() => totalVariation1DStrided(buf, { length: 3, lambda: [1] }), ShapeError, 'totalVariation1DStrided: lambda must have length 2 (got 1)'],
    ];
    expectErrors(cases);
    buf.free();
  });
});
