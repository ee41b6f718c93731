/**
 * lpd, alpd and inexactAlpd against closed-form saddle points (a linear solve) and, for a nonlinear
 * coupling, against plain gradient descent on the primal function P(x) = max_y L(x, y).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { init, indNonnegative, matrixOperator, sqrNormL2, translated, ParameterError, ShapeError } from '../../bindings/index.js';
import { alpd, bilinearCoupling, inexactAlpd, lpd, type SaddleCoupling } from '../../bindings/saddle/primal-dual.js';
import { randomVector } from '../helpers.js';
import { mv, quadraticSaddle } from './reference.js';

beforeAll(() => init());

function problemOf(P: ReturnType<typeof quadraticSaddle>) {
  const { n, m } = P;
  const f = {
    dimension: n,
    lipschitz: P.Lf,
    value: (x: Float64Array) => {
      const q = mv(P.Q, n, n, x);
      let s = 0;
      for (let i = 0; i < n; i++) s += 0.5 * x[i]! * q[i]! + P.c[i]! * x[i]!;
      return s;
    },
    gradient: (x: Float64Array, out: Float64Array) => {
      const q = mv(P.Q, n, n, x);
      for (let i = 0; i < n; i++) out[i] = q[i]! + P.c[i]!;
    },
  };
  return { f, coupling: matrixOperator(P.K, m, n), g: translated(sqrNormL2(P.mu), P.d), mu: P.mu };
}

const err = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.hypot(...Array.from(a, (v, i) => v - b[i]!));

describe('alpd on random convex–strongly-concave quadratic saddle problems', () => {
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: primal error < 1e-8 against the linear solve, with fewer ∇f calls than lpd`, () => {
      const P = quadraticSaddle(seed * 10, 12, 16, 20, 0.5);
      const pr = problemOf(P);
      const a = alpd(pr, { tol: 1e-11, maxIter: 100000 });
      expect(a.converged).toBe(true);
      expect(err(a.x, P.xStar)).toBeLessThan(1e-8);
      expect(err(a.y, P.yStar)).toBeLessThan(1e-8);
      // Both to the same KKT residual 1e-7 (lpd needs ~10⁴–10⁵ steps here, so not to 1e-11).
      const a7 = alpd(pr, { tol: 1e-7, maxIter: 100000 });
      const l7 = lpd(pr, { tol: 1e-7, maxIter: 200000 });
      expect(l7.converged).toBe(true);
      expect(err(l7.x, P.xStar)).toBeLessThan(1e-5);
      expect(a7.gradientCalls.f).toBeLessThan(l7.gradientCalls.f / 5);
      // The objective at the solution is the saddle value L(x*, y*).
      expect(a.objective).toBeCloseTo(pr.f.value(Float64Array.from(P.xStar)) + mv(P.K, P.m, P.n, P.xStar).reduce((s, v, i) => s + v * P.yStar[i]!, 0) - pr.g.value(P.yStar), 8);
    });
  }

  it('without restart, alpd still reaches 1e-6 and its ∇f count grows slower with L_f than lpd (ratio of counts at L_f = 1000 and 10)', () => {
    const counts = (Lf: number) => {
      const pr = problemOf(quadraticSaddle(5, 10, 14, Lf, 1));
      return [alpd(pr, { tol: 1e-6, restart: false, maxIter: 100000 }).gradientCalls.f, lpd(pr, { tol: 1e-6, maxIter: 400000 }).gradientCalls.f] as const;
    };
    const [a10, l10] = counts(10);
    const [a1000, l1000] = counts(1000);
    expect(a1000 / a10).toBeLessThan(l1000 / l10);
    expect(a1000).toBeLessThan(l1000);
  });

  it('a nonnegativity constraint h on x: the KKT residual certifies the projected solution', () => {
    const P = quadraticSaddle(41, 8, 10, 5, 1);
    const pr = { ...problemOf(P), h: indNonnegative() };
    const r = alpd(pr, { tol: 1e-10, maxIter: 50000 });
    expect(r.converged).toBe(true);
    // Independent check: projected-gradient fixed point of P(x) = f(x) + g*(Kx) on x ≥ 0, y = d + Kx/μ.
    const x = r.x;
    const y = mv(P.K, P.m, P.n, x).map((t, i) => P.d[i]! + t / P.mu);
    expect(err(y, r.y)).toBeLessThan(1e-8);
    const grad = new Float64Array(P.n);
    pr.f.gradient(x, grad);
    const kty = new Float64Array(P.n);
    for (let i = 0; i < P.m; i++) for (let j = 0; j < P.n; j++) kty[j] = kty[j]! + P.K[i * P.n + j]! * y[i]!;
    for (let j = 0; j < P.n; j++) {
      const gj = grad[j]! + kty[j]!;
      expect(x[j]).toBeGreaterThanOrEqual(0);
      expect(Math.abs(Math.max(0, x[j]! - gj) - x[j]!)).toBeLessThan(1e-8);
    }
  });
});

describe('inexactAlpd with a nonlinear coupling', () => {
  // G_j(x) = ½(b_jᵀx)² + e_jᵀx (convex), y ≥ 0 through g = (μ/2)‖y − d‖² + ι(y ≥ 0).
  const n = 6;
  const m = 4;
  const B = randomVector(91, m * n, 0.5);
  const E = randomVector(92, m * n, 1);
  const d = randomVector(93, m).map(Math.abs);
  const mu = 1;
  const Gx = (x: ArrayLike<number>) => Float64Array.from({ length: m }, (_, j) => {
    let b = 0;
    let e = 0;
    for (let i = 0; i < n; i++) {
      b += B[j * n + i]! * x[i]!;
      e += E[j * n + i]! * x[i]!;
    }
    return 0.5 * b * b + e;
  });
  const coupling: SaddleCoupling = {
    rows: m,
    cols: n,
    map: (x, out) => out.set(Gx(x)),
    gradX: (x, y, out) => {
      out.fill(0);
      for (let j = 0; j < m; j++) {
        let b = 0;
        for (let i = 0; i < n; i++) b += B[j * n + i]! * x[i]!;
        for (let i = 0; i < n; i++) out[i] = out[i]! + y[j]! * (b * B[j * n + i]! + E[j * n + i]!);
      }
    },
    lipschitzYX: 6,
    lipschitzXX: 20,
  };
  const f = { dimension: n, lipschitz: 30, value: (x: Float64Array) => 15 * x.reduce((s, v) => s + v * v, 0) + x[0]!, gradient: (x: Float64Array, out: Float64Array) => { for (let i = 0; i < n; i++) out[i] = 30 * x[i]! + (i === 0 ? 1 : 0); } };
  // g(y) = (μ/2)‖y − d‖² + ι(y ≥ 0): prox_{tg}(v) = max(0, (v + tμd)/(1 + tμ)).
  const g = {
    name: 'g', properties: { convex: true, separable: true, prox: 'closed-form' as const, indicator: false },
    value: (y: ArrayLike<number>) => Array.from(y).some((v) => v < 0) ? Infinity : 0.5 * mu * Array.from(y).reduce((s, v, j) => s + (v - d[j]!) ** 2, 0),
    prox: ((v: ArrayLike<number>, t = 1, out?: Float64Array) => {
      const o = out ?? new Float64Array(m);
      for (let j = 0; j < m; j++) o[j] = Math.max(0, (Number(v[j]) + t * mu * d[j]!) / (1 + t * mu));
      return o;
    }) as never,
  };

  it('matches gradient descent on P(x) = f(x) + Σ ψ(G_j(x)) (ψ the conjugate of g) to 1e-6, with fewer ∇f calls than alpd', () => {
    // P's gradient: ∇f(x) + J_G(x)ᵀ y(x), y(x) = max(0, d + G(x)/μ).
    let x = new Float64Array(n);
    const gr = new Float64Array(n);
    for (let k = 0; k < 200000; k++) {
      const y = Gx(x).map((v, j) => Math.max(0, d[j]! + v / mu));
      f.gradient(x, gr);
      const gx = new Float64Array(n);
      coupling.gradX(x, y, gx);
      let s = 0;
      for (let i = 0; i < n; i++) {
        gr[i] = gr[i]! + gx[i]!;
        s += gr[i]! ** 2;
      }
      x = x.map((v, i) => v - gr[i]! / 200);
      if (Math.sqrt(s) < 1e-13) break;
    }
    const problem = { f, coupling, g, mu };
    const ri = inexactAlpd(problem, { tol: 1e-9, maxIter: 100000 });
    const ra = alpd(problem, { tol: 1e-9, maxIter: 100000 });
    expect(ri.converged).toBe(true);
    expect(ra.converged).toBe(true);
    expect(err(ri.x, x)).toBeLessThan(1e-6);
    expect(err(ra.x, x)).toBeLessThan(1e-6);
    expect(ri.gradientCalls.f).toBeLessThanOrEqual(ra.gradientCalls.f);
  });
});

describe('argument checks', () => {
  const P = quadraticSaddle(3, 3, 4, 1, 1);
  const pr = problemOf(P);
  it('typed errors name the function and argument', () => {
    expect(() => alpd({ ...pr, mu: 0 })).toThrow(ParameterError);
    expect(() => alpd({ ...pr, mu: 0 })).toThrow(/alpd: problem\.mu/);
    expect(() => lpd({ ...pr, f: { ...pr.f, lipschitz: undefined } })).toThrow(/lpd: options\.lipschitz/);
    expect(() => alpd(pr, { x0: [1, 2] })).toThrow(ShapeError);
    expect(() => alpd(pr, { restrat: true } as never)).toThrow(/restart/);
    expect(() => inexactAlpd(pr, { inner: { maxIterr: 3 } } as never)).toThrow(/inexactAlpd: options\.inner\.maxIterr is not a known option/);
    expect(() => bilinearCoupling({} as never)).toThrow(/bilinearCoupling: K/);
  });
  it('a NaN from a callback is a ParameterError naming it', () => {
    const bad = { ...pr, f: { ...pr.f, gradient: (_x: Float64Array, out: Float64Array) => void out.fill(NaN) } };
    expect(() => alpd(bad, { maxIter: 3 })).toThrow(/alpd: problem\.f\.gradient must write finite values/);
  });
  it('maxIter 0 returns the start with stopped maxIter; onProgress false stops', () => {
    expect(alpd(pr, { maxIter: 0 }).stopped).toBe('maxIter');
    const r = alpd(pr, { onProgress: (i) => i.iteration < 3 });
    expect(r.stopped).toBe('callback');
    expect(r.iterations).toBe(3);
  });
});
