import { beforeAll, describe, expect, it } from 'vitest';
import { NonFiniteError, ParameterError, ShapeError, init, klSimplex, lossProx, type LossKind } from '../../bindings/index.js';
import { maxDiff, dot, expectErrors, type ErrorCase } from './check.js';
import { randomVector, uniforms } from '../helpers.js';
import { patternSearch, proxObjective } from './minimize.js';

beforeAll(() => init());

const dist = maxDiff;

/** An orthonormal basis of a⊥ (Gram–Schmidt on the coordinate axes). */
function orthogonalBasis(a: Float64Array): Float64Array[] {
  const basis: Float64Array[] = [Float64Array.from(a, (x) => x / Math.sqrt(dot(a, a)))];
  for (let j = 0; j < a.length && basis.length < a.length; j++) {
    const e = new Float64Array(a.length);
    e[j] = 1;
    for (const b of basis) {
      const c = dot(e, b);
      for (let i = 0; i < e.length; i++) e[i] = e[i]! - c * b[i]!;
    }
    const nrm = Math.sqrt(dot(e, e));
    if (nrm > 1e-8) basis.push(e.map((x) => x / nrm));
  }
  return basis.slice(1);
}

describe('lossProx: prox of t·φ(⟨a, x⟩) along a data row', () => {
  const KINDS: LossKind[] = ['squared', 'absolute', 'hinge', 'logistic'];
  for (const kind of KINDS) {
    it(`${kind}: agrees with brute-force minimisation and is firmly nonexpansive`, () => {
      const u = uniforms(kind.length);
      for (let k = 0; k < 12; k++) {
        const n = 1 + (k % 3);
        const a = randomVector(10 + k, n, 1);
        const b = kind === 'hinge' || kind === 'logistic' ? (k % 2 ? 1 : -1) : u() * 2 - 1;
        const op = lossProx(kind, a, b);
        const v = randomVector(50 + k, n, 1.5);
        const t = [0.2, 1, 3][k % 3]!;
        const p = op.prox(v, t);
        const F = proxObjective((x) => op.value(x), v, t);
        // The kink of φ(⟨a, x⟩) is a hyperplane with normal a: search along a and a basis of a⊥ too.
        const brute = patternSearch(F, v, 2, 400, [a, ...orthogonalBasis(a)]);
        expect(F(p)).toBeLessThanOrEqual(brute.value + 1e-13 * (1 + brute.value));
        expect(dist(p, brute.x)).toBeLessThan(2e-6);
        // x − v is along a (the prox of a function of ⟨a, x⟩ moves only along the row).
        const d = p.map((x, i) => x - v[i]!);
        const c = dot(d, a) / dot(a, a);
        expect(dist(d, a.map((x) => c * x))).toBeLessThan(1e-14 * (1 + Math.abs(c)));
      }
      const a = randomVector(99, 6, 1);
      const op = lossProx(kind, a, kind === 'hinge' || kind === 'logistic' ? 1 : 0.3);
      for (let k = 0; k < 30; k++) {
        const x = randomVector(200 + k, 6, 2);
        const y = randomVector(300 + k, 6, 2);
        const p = op.prox(x, 0.7);
        const q = op.prox(y, 0.7);
        const pq = p.map((z, i) => z - q[i]!);
        expect(dot(pq, pq)).toBeLessThanOrEqual(dot(pq, x.map((z, i) => z - y[i]!)) + 1e-12);
      }
    });
  }

  it('optimality of the 1-D problem on a long row: v − x = t·φ′(⟨a, x⟩)·a', () => {
    const n = 10_001;
    const a = randomVector(1, n, 0.01);
    const v = randomVector(2, n, 1);
    const t = 0.8;
    const sig = (z: number) => 1 / (1 + Math.exp(-z));
    for (const b of [1, -1]) {
      const x = lossProx('logistic', a, b).prox(v, t);
      const u = dot(a, x);
      const g = -b * sig(-b * u); // φ′(u)
      expect(dist(v.map((vi, i) => vi - x[i]!), a.map((ai) => t * g * ai))).toBeLessThan(1e-13);
    }
    const x = lossProx('squared', a, 0.5).prox(v, t);
    expect(dist(v.map((vi, i) => vi - x[i]!), a.map((ai) => t * (dot(a, x) - 0.5) * ai))).toBeLessThan(1e-13);
    // Extreme margins do not overflow: the logistic step stays finite and tiny where the loss is flat.
    const big = lossProx('logistic', [1, 0], 1).prox([800, 0], 1);
    expect(big[0]).toBeCloseTo(800, 11); // 800 + e^{−800}, to a few ulps
    expect(lossProx('logistic', [1, 0], 1).prox([-800, 0], 1)[0]).toBeCloseTo(-799, 9);
  });

  it('typed errors', () => {
    const cases: ErrorCase[] = [
      [() => lossProx('cubic' as LossKind, [1]), ParameterError, `lossProx: kind must be one of 'squared', 'absolute', 'hinge', 'logistic' (got "cubic")`],
      [() => lossProx('hinge', [1], 0.5), ParameterError, 'lossProx: b must be the label -1 or +1 for the hinge loss (got 0.5)'],
      [() => lossProx('squared', [0, 0]), ParameterError, 'lossProx: a must be a non-zero vector (got all zeros, length 2)'],
      [() => lossProx('squared', [1, 2]).prox([1]), ShapeError, `lossProx('squared', [2], 0).prox: v must have length 2 like a (got 1)`],
      [() => lossProx('absolute', [1, 2], 1).prox([1, NaN]), NonFiniteError, `lossProx('absolute', [2], 1).prox: v must be finite (got NaN at index 1)`],
    ];
    expectErrors(cases);
  });
});

describe('klSimplex: entropic prox on the simplex', () => {
  it('the mirror step is x ∝ x0·exp(−t·g), stable for huge t·g (max-shift)', () => {
    const x0 = [0.2, 0.3, 0.5, 0];
    const g = [1, -2, 0.5, 3];
    const x = klSimplex().step(x0, g, 0.7);
    const w = x0.map((a, i) => a * Math.exp(-0.7 * g[i]!));
    const s = w.reduce((p, q) => p + q, 0);
    expect(dist(x, w.map((z) => z / s))).toBeLessThan(1e-15);
    expect(x[3]).toBe(0);
    const y = klSimplex().step([0.5, 0.5], [-1e5, -1e5 + 1], 1);
    expect(dist(y, [1 / (1 + Math.exp(-1)), Math.exp(-1) / (1 + Math.exp(-1))])).toBeLessThan(1e-15);
    expect(Array.from(klSimplex().step([1, 1], [1e300, 0]))).toEqual([0, 1]);
  });

  it('with a reference: the KKT conditions g + μ(log(x/r) + 1) + (log(x/x0) + 1)/t = const hold', () => {
    const u = uniforms(9);
    for (let k = 0; k < 20; k++) {
      const n = 2 + (k % 6);
      const x0 = Array.from({ length: n }, () => 0.05 + u());
      const r = Array.from({ length: n }, () => 0.05 + u());
      const g = randomVector(k, n, 2);
      const mu = [0.3, 1, 4][k % 3]!;
      const t = [0.5, 2][k % 2]!;
      const x = klSimplex({ reference: r, mu }).step(x0, g, t);
      expect(Math.abs(x.reduce((p, q) => p + q, 0) - 1)).toBeLessThan(1e-15 * n);
      const c = Array.from(x, (xi, i) => g[i]! + mu * (Math.log(xi / r[i]!) + 1) + (Math.log(xi / x0[i]!) + 1) / t);
      expect(Math.max(...c) - Math.min(...c)).toBeLessThan(1e-12);
      // And no point of the simplex found by search does better (brute force on n = 3 via two free coordinates).
      if (n === 3) {
        const obj = (p: Float64Array) => {
          const y = [p[0]!, p[1]!, 1 - p[0]! - p[1]!];
          if (y.some((z) => z <= 0)) return Infinity;
          return y.reduce((s, yi, i) => s + g[i]! * yi + mu * yi * Math.log(yi / r[i]!) + (yi * Math.log(yi / x0[i]!)) / t, 0);
        };
        const best = patternSearch(obj, [1 / 3, 1 / 3], 0.2);
        expect(obj(Float64Array.of(x[0]!, x[1]!))).toBeLessThanOrEqual(best.value + 1e-13);
      }
    }
  });

  it('prox(v, t) is the KL prox of μ·KL(·‖r): x ∝ (v·r^{tμ})^{1/(1+tμ)}, and v normalised without a reference', () => {
    const v = [0.1, 0.6, 0.3, 0.25];
    const r = [0.4, 0.1, 0.2, 0.3];
    const [t, mu] = [0.8, 2];
    const w = v.map((vi, i) => (vi * r[i]! ** (t * mu)) ** (1 / (1 + t * mu)));
    const s = w.reduce((p, q) => p + q, 0);
    expect(dist(klSimplex({ reference: r, mu }).prox(v, t), w.map((z) => z / s))).toBeLessThan(1e-15);
    const total = v.reduce((p, q) => p + q, 0);
    expect(dist(klSimplex().prox(v), v.map((z) => z / total))).toBeLessThan(1e-15);
  });

  it('values and typed errors', () => {
    expect(klSimplex().value([0.5, 0.5])).toBe(0);
    expect(klSimplex().value([0.5, 0.6])).toBe(Infinity);
    expect(klSimplex({ reference: [0.5, 0.5], mu: 2 }).value([1, 0])).toBeCloseTo(2 * Math.log(2), 15);
    const cases: ErrorCase[] = [
      [() => klSimplex({ mu: 1 }), ParameterError, 'klSimplex: mu > 0 needs a reference distribution (got mu = 1 and no reference)'],
      [() => klSimplex({ reference: [1, -1] }), ParameterError, 'klSimplex: reference[1] must be finite and >= 0 (got -1)'],
      [() => klSimplex().step([1, 2], [1]), ShapeError, 'klSimplex().step: g must have length 2 like x0 (got 1)'],
      [() => klSimplex().step([1, -2], [1, 1]), ParameterError, 'klSimplex().step: x0 must have entries >= 0'],
      [() => klSimplex().step([0, 0], [1, 1]), ParameterError, 'klSimplex().step: x0 must have a positive entry'],
      [() => klSimplex().step([1, 1], [1, NaN]), NonFiniteError, 'klSimplex().step: g must be finite (got NaN at index 1)'],
      [() => klSimplex().step([1, 1], [1, 1], 0), ParameterError, 'klSimplex().step: t must be > 0 (got 0)'],
    ];
    expectErrors(cases);
  });
});
