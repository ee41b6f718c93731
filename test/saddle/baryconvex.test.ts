/**
 * bregmanBaryconvexProx: the classical prox for one loss (against leastSquares' own prox), the saddle
 * inequalities of its defining min–max problem at random competitors, and Bregman firm
 * nonexpansiveness on 10⁴ seeded random pairs in each geometry.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { init, leastSquares, ParameterError, ShapeError } from '../../bindings/index.js';
import { bregmanBaryconvexProx, bregmanFirmGap } from '../../bindings/saddle/baryconvex.js';
import { randomVector, uniforms } from '../helpers.js';

beforeAll(() => init());

/** fᵢ(x) = ½‖Bᵢx − cᵢ‖² (n = 4, Bᵢ 3 × 4), as SmoothFunctions. */
function quadratics(seed: number, m: number, n = 4) {
  return Array.from({ length: m }, (_, i) => {
    const B = randomVector(seed + 2 * i, 3 * n, 0.6);
    const c = randomVector(seed + 2 * i + 1, 3);
    const r = (x: ArrayLike<number>) => Float64Array.from({ length: 3 }, (_, k) => {
      let s = -c[k]!;
      for (let j = 0; j < n; j++) s += B[k * n + j]! * x[j]!;
      return s;
    });
    return {
      dimension: n,
      value: (x: Float64Array) => 0.5 * r(x).reduce((s, v) => s + v * v, 0),
      gradient: (x: Float64Array, out: Float64Array) => {
        const rr = r(x);
        out.fill(0);
        for (let k = 0; k < 3; k++) for (let j = 0; j < n; j++) out[j] = out[j]! + B[k * n + j]! * rr[k]!;
      },
    };
  });
}

function randomSimplex(u: () => number, m: number): Float64Array {
  const e = Float64Array.from({ length: m }, () => -Math.log(1 - u()) + 1e-3);
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

describe('single loss: the classical prox', () => {
  it('equals leastSquares(A, b).prox(x, t) to 1e-12', () => {
    const A = randomVector(3, 5 * 4);
    const b = randomVector(4, 5);
    const ls = leastSquares({ data: A, rows: 5, cols: 4 }, b);
    for (const [seed, t] of [[1, 0.1], [2, 1], [3, 7.5]] as const) {
      const x = randomVector(seed + 10, 4, 2);
      const r = bregmanBaryconvexProx([ls], x, [1], t);
      expect(r.converged).toBe(true);
      expect(Array.from(r.w)).toEqual([1]);
      const ref = ls.prox(x, t);
      for (let j = 0; j < 4; j++) expect(Math.abs(r.x[j]! - ref[j]!)).toBeLessThan(1e-12);
    }
  });
});

describe('the defining saddle problem', () => {
  it('L(x⁺, w′) ≤ L(x⁺, w⁺) ≤ L(x′, w⁺) for random competitors x′, w′ (L with the proximal terms)', () => {
    const fs = quadratics(50, 3);
    const u = uniforms(7);
    const t = 0.8;
    for (let trial = 0; trial < 20; trial++) {
      const x = randomVector(100 + trial, 4);
      const w = randomSimplex(u, 3);
      const { x: xp, w: wp } = bregmanBaryconvexProx(fs, x, w, t);
      const L = (a: Float64Array, c: ArrayLike<number>) => {
        let s = 0;
        for (let i = 0; i < 3; i++) s += c[i]! * fs[i]!.value(a) - (c[i]! * Math.log(c[i]! / w[i]!)) / t;
        return s + a.reduce((q, v, j) => q + (v - x[j]!) ** 2, 0) / (2 * t);
      };
      const mid = L(xp, wp);
      for (let k = 0; k < 20; k++) {
        const xc = xp.map((v) => v + 0.3 * (u() - 0.5));
        expect(L(xc, wp)).toBeGreaterThanOrEqual(mid - 1e-12);
        expect(L(xp, randomSimplex(u, 3))).toBeLessThanOrEqual(mid + 1e-12);
      }
    }
  });
});

describe('Bregman firm nonexpansiveness on 10⁴ seeded random pairs', () => {
  for (const geometry of ['euclidean', 'kl'] as const) {
    it(`${geometry}: the gap ⟨Tu − Tv, ∇h(u) − ∇h(v) − ∇h(Tu) + ∇h(Tv)⟩ ≥ 0`, () => {
      const fs = quadratics(70, 3);
      const u = uniforms(geometry === 'euclidean' ? 1 : 2);
      let worst = Infinity;
      let unconverged = 0;
      for (let k = 0; k < 10000; k++) {
        const t = 0.05 + 2 * u();
        const pick = () => ({ x: geometry === 'euclidean' ? Float64Array.from({ length: 4 }, () => 4 * (u() - 0.5)) : randomSimplex(u, 4), w: randomSimplex(u, 3) });
        const a = pick();
        const b = pick();
        const Ta = bregmanBaryconvexProx(fs, a.x, a.w, t, { geometry });
        const Tb = bregmanBaryconvexProx(fs, b.x, b.w, t, { geometry });
        if (!Ta.converged || !Tb.converged) unconverged++;
        const gap = bregmanFirmGap(a, b, Ta, Tb, geometry);
        worst = Math.min(worst, gap);
      }
      expect(unconverged).toBe(0);
      expect(worst).toBeGreaterThan(-1e-10);
    }, 120000);
  }
});

describe('argument checks', () => {
  const fs = quadratics(1, 2);
  it('typed errors', () => {
    expect(() => bregmanBaryconvexProx([], [0, 0, 0, 0], [], 1)).toThrow(/bregmanBaryconvexProx: losses/);
    expect(() => bregmanBaryconvexProx(fs, [0, 0, 0, 0], [0.5, 0.6], 1)).toThrow(/w must sum to 1/);
    expect(() => bregmanBaryconvexProx(fs, [0, 0, 0, 0], [1, 0], 1)).toThrow(ParameterError);
    expect(() => bregmanBaryconvexProx(fs, [0, 0, 0], [0.5, 0.5], 1)).toThrow(ShapeError);
    expect(() => bregmanBaryconvexProx(fs, [0.5, 0.5, 0, 0], [0.5, 0.5], 1, { geometry: 'kl' })).toThrow(/x must be positive/);
    expect(() => bregmanBaryconvexProx(fs, [0, 0, 0, 0], [0.5, 0.5], 0)).toThrow(/bregmanBaryconvexProx: t/);
    expect(() => bregmanBaryconvexProx(fs, [0, 0, 0, 0], [0.5, 0.5], 1, { geometri: 'kl' } as never)).toThrow(/did you mean options\.geometry/);
  });
});
