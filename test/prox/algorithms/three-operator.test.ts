/**
 * davisYin and vuCondat against references they do not compute: brute-force KKT enumeration (least
 * squares over the simplex), the exact 1-D TV prox (taut string DP), coordinate descent for the LASSO,
 * and Douglas–Rachford / Chambolle–Pock, which they must reproduce bit for bit when the smooth term is 0.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ParameterError,
  ShapeError,
  chambollePock,
  davisYin,
  douglasRachford,
  indBox,
  indHyperplane,
  indNonnegative,
  init,
  leastSquares,
  matrixOperator,
  normL1,
  totalVariation1D,
  vuCondat,
  type SmoothFunction,
} from '../../../bindings/index.js';
import { randomVector } from '../../helpers.js';
import { expectErrors, maxDiff } from '../check.js';
import { diabetesProblem, differences, lassoCoordinateDescentRef, simplexLeastSquaresBrute } from './reference.js';

beforeAll(() => init());

/** ½‖x − a‖² as a SmoothFunction written here (L = 1). */
function halfSquared(a: Float64Array): SmoothFunction {
  return {
    dimension: a.length,
    lipschitz: 1,
    value: (x) => x.reduce((s, xi, i) => s + (xi - a[i]!) ** 2, 0) / 2,
    gradient: (x, out) => {
      for (let i = 0; i < a.length; i++) out[i] = x[i]! - a[i]!;
    },
  };
}

/** The zero function as a SmoothFunction (L = 0 is allowed; davisYin then needs a step). */
const zero = (n: number): SmoothFunction => ({ dimension: n, lipschitz: 0, value: () => 0, gradient: (_x, out) => void out.fill(0) });

describe('davisYin', () => {
  it('least squares over the simplex (f = x ≥ 0, g = Σx = 1, h = ½‖Ax − b‖²) equals the brute-force KKT enumeration', () => {
    for (let seed = 1; seed <= 3; seed++) {
      const A = randomVector(seed, 30 * 6);
      const b = randomVector(seed + 50, 30);
      const want = simplexLeastSquaresBrute(A, b, 30, 6);
      for (const relaxation of [1, 1.4]) {
        const r = davisYin(indNonnegative(), indHyperplane(new Float64Array(6).fill(1), 1), leastSquares(A, b), { tol: 1e-12, relaxation, maxIter: 200000 });
        expect(r.converged).toBe(true);
        expect(maxDiff(r.x, want)).toBeLessThan(1e-8);
        expect(maxDiff(r.y, want)).toBeLessThan(1e-8);
      }
    }
  });

  it('LASSO on diabetes (f = λ‖·‖₁, g = 0 box, h = least squares) matches coordinate descent', () => {
    const P = diabetesProblem();
    const lambda = P.lambdaMax / 20;
    const want = lassoCoordinateDescentRef(P.X, P.y, P.n, lambda);
    const r = davisYin(normL1(lambda), indBox(-1e6, 1e6), leastSquares(P.X, P.y), { tol: 1e-10, maxIter: 500000 });
    expect(r.converged).toBe(true);
    expect(maxDiff(r.y, want)).toBeLessThan(1e-6 * Math.max(...want.map(Math.abs)));
  });

  it('with h = 0 it is Douglas–Rachford with the roles of f and g swapped, bit for bit', () => {
    const n = 8;
    const a = randomVector(7, n, 2);
    const f = indBox(-0.5, 0.5);
    const g = normL1(0.3);
    const z0 = randomVector(8, n);
    const dy = davisYin(f, g, zero(n), { gamma: 0.7, z0, maxIter: 25, tol: 0 });
    const dr = douglasRachford(g, f, { gamma: 0.7, z0, maxIter: 25, tol: 0 });
    expect(Array.from(dy.z)).toEqual(Array.from(dr.z));
    expect(Array.from(dy.x)).toEqual(Array.from(dr.x));
    expect(a.length).toBe(n);
  });

  it('rejects bad options with typed errors naming them', () => {
    const n = 3;
    expectErrors([
      [() => davisYin(normL1(1), normL1(1), { value: () => 0, gradient: () => undefined }, { dimension: n }), ParameterError, 'davisYin: options.gamma must be given when neither options.lipschitz nor h.lipschitz (> 0) is (got undefined)'],
      [() => davisYin(normL1(1), normL1(1), halfSquared(new Float64Array(n)), { gamma: 2 }), ParameterError, 'davisYin: options.gamma must be in (0, 2) (got 2)'],
      [() => davisYin(normL1(1), normL1(1), halfSquared(new Float64Array(n)), { relaxation: 1.6 }), ParameterError, 'davisYin: options.relaxation must be in (0, 1.5) (got 1.6)'],
      [() => davisYin(normL1(1), normL1(1), null as never), ParameterError, 'davisYin: h must be a smooth function { value(x), gradient(x, out) } (got null)'],
      [() => davisYin(normL1(1), normL1(1), halfSquared(new Float64Array(n)), { dimension: 4 }), ShapeError, 'davisYin: h.dimension must equal options.dimension = 4 (got 3)'],
      [() => davisYin(normL1(1), normL1(1), halfSquared(new Float64Array(n)), { step: 1 } as never), ParameterError, 'davisYin: options.step is not a known option; known: maxIter, tol, onProgress, signal, historyLength, gamma, lipschitz, relaxation, z0, dimension'],
    ]);
    const bad: SmoothFunction = { dimension: n, lipschitz: 1, value: () => 0, gradient: (_x, out) => void out.fill(NaN) };
    expect(() => davisYin(normL1(1), normL1(1), bad)).toThrow('davisYin: h.gradient must write finite values (got NaN at index 0)');
  });
});

describe('vuCondat', () => {
  it('min ½‖x − a‖² + λ‖Dx‖₁ (g = 0) equals the exact 1-D TV prox', () => {
    for (const [seed, n, lambda] of [[1, 20, 0.3], [2, 60, 1.5]] as const) {
      const a = randomVector(seed, n, 2);
      const want = totalVariation1D(lambda).prox(a);
      const K = matrixOperator(differences(n), n - 1, n);
      for (const relaxation of [1, 1.3]) {
        const r = vuCondat(normL1(lambda), normL1(0), halfSquared(a), K, { tol: 1e-11, maxIter: 200000, relaxation });
        expect(r.converged).toBe(true);
        expect(maxDiff(r.x, want)).toBeLessThan(1e-8);
      }
    }
  });

  it('with a box on x it agrees with chambollePock on the same problem with the quadratic folded into g', () => {
    const n = 30;
    const a = randomVector(3, n, 2);
    const K = matrixOperator(differences(n), n - 1, n);
    const r = vuCondat(normL1(0.4), indBox(-1, 1), halfSquared(a), K, { tol: 1e-11, maxIter: 200000 });
    // prox of ½‖x − a‖² + ι_[−1,1] is clamp((v + t·a)/(1 + t)): a separable closed form written here.
    const folded = {
      name: 'halfSquaredBox',
      properties: { convex: true, separable: true, prox: 'closed-form', indicator: false },
      value: (x: Float64Array | { view(): Float64Array }) => {
        const v = Array.from('view' in x ? x.view() : x);
        return v.some((xi) => Math.abs(xi) > 1 + 1e-9) ? Infinity : v.reduce((s, xi, i) => s + (xi - a[i]!) ** 2, 0) / 2;
      },
      prox: (v: Float64Array | { view(): Float64Array }, t = 1, out?: Float64Array | { view(): Float64Array; set(x: Float64Array): unknown }) => {
        const src = 'view' in v ? v.view().slice() : Float64Array.from(v);
        const res = src.map((vi, i) => Math.min(1, Math.max(-1, (vi + t * a[i]!) / (1 + t))));
        if (out && 'view' in out) {
          out.view().set(res);
          return out;
        }
        if (out) {
          (out as Float64Array).set(res);
          return out;
        }
        return res;
      },
    } as never;
    const cp = chambollePock(normL1(0.4), folded, K, { tol: 1e-11, maxIter: 200000 });
    expect(r.converged && cp.converged).toBe(true);
    expect(maxDiff(r.x, cp.x)).toBeLessThan(1e-8);
    expect(r.objective).toBeCloseTo(cp.objective, 9);
  });

  it('with h = 0 (L = 0) it is chambollePock bit for bit', () => {
    const n = 12;
    const a = randomVector(4, n);
    const K = matrixOperator(differences(n), n - 1, n);
    const vc = vuCondat(normL1(0.2), indBox(-0.3, 0.3), zero(n), K, { maxIter: 40, tol: 0, x0: a });
    const cp = chambollePock(normL1(0.2), indBox(-0.3, 0.3), K, { maxIter: 40, tol: 0, x0: a });
    expect(Array.from(vc.x)).toEqual(Array.from(cp.x));
    expect(Array.from(vc.y)).toEqual(Array.from(cp.y));
    expect([vc.tau, vc.sigma]).toEqual([cp.tau, cp.sigma]);
  });

  it('default steps satisfy Condat’s condition 1/τ − σ‖K‖² > L/2; bad options are typed errors', () => {
    const n = 10;
    const K = matrixOperator(differences(n), n - 1, n);
    const h = halfSquared(randomVector(5, n));
    const r = vuCondat(normL1(1), normL1(0), h, K, { maxIter: 1, opNorm: 2 });
    expect(1 / r.tau - r.sigma * 4).toBeGreaterThan(0.5);
    const withTau = vuCondat(normL1(1), normL1(0), h, K, { maxIter: 1, opNorm: 2, tau: 0.5 });
    expect(1 / withTau.tau - withTau.sigma * 4).toBeGreaterThan(0.5);
    expectErrors([
      [() => vuCondat(normL1(1), normL1(0), { value: () => 0, gradient: () => undefined }, K), ParameterError, 'vuCondat: h.lipschitz must be a finite number >= 0 (give options.lipschitz when h has none) (got undefined)'],
      [() => vuCondat(normL1(1), normL1(0), h, K, { tau: 2, opNorm: 2 }), ParameterError, "vuCondat: options.tau must be < 1.9/L = 1.9 (Condat's step condition with a 5 % margin) (got 2)"],
      [() => vuCondat(normL1(1), normL1(0), halfSquared(new Float64Array(3)), K), ShapeError, 'vuCondat: h.dimension must equal K.cols = 10 (got 3)'],
      [() => vuCondat(normL1(1), normL1(0), h, K, { memory: 1 } as never), ParameterError, 'vuCondat: options.memory is not a known option; known: maxIter, tol, onProgress, signal, historyLength, tau, sigma, opNorm, relaxation, x0, y0, gap, lipschitz'],
    ]);
  });
});
