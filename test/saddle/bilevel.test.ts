/**
 * penaltyBilevel and lvhba on bilevel quadratics with known solutions: unconstrained (closed form by a
 * linear solve) and with lower-level constraints y ≤ u (hyper-objective minimized by brute force: a
 * grid, then pattern search).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { init, indBox, ParameterError } from '../../bindings/index.js';
import { lvhba, penaltyBilevel, type BilevelFunction } from '../../bindings/saddle/bilevel.js';
import { randomVector } from '../helpers.js';
import { mtv, mv, solve } from './reference.js';

beforeAll(() => init());

/** F(x, y) = ½‖x − a‖² + ½‖y − b‖², f(x, y) = ½‖y − Ax‖². */
function quadraticBilevel(seed: number, n: number, m: number) {
  const A = randomVector(seed, m * n, 0.8);
  const a = randomVector(seed + 1, n);
  const b = randomVector(seed + 2, m);
  const upper: BilevelFunction = {
    lipschitz: 1,
    value: (x, y) => 0.5 * (x.reduce((s, v, i) => s + (v - a[i]!) ** 2, 0) + y.reduce((s, v, j) => s + (v - b[j]!) ** 2, 0)),
    gradX: (x, _y, o) => { for (let i = 0; i < n; i++) o[i] = x[i]! - a[i]!; },
    gradY: (_x, y, o) => { for (let j = 0; j < m; j++) o[j] = y[j]! - b[j]!; },
  };
  // ‖A‖₂² by power iteration on AᵀA (f's joint Hessian [[AᵀA, −Aᵀ], [−A, I]] has norm ≤ 1 + ‖A‖₂²)
  let v: Float64Array = new Float64Array(n).fill(1);
  let LA = 0;
  for (let it = 0; it < 500; it++) {
    const w = mtv(A, m, n, mv(A, m, n, v));
    LA = Math.hypot(...w) / Math.hypot(...v);
    v = w;
  }
  const lower: BilevelFunction = {
    lipschitz: 1 + LA,
    value: (x, y) => { const r = mv(A, m, n, x); return 0.5 * y.reduce((s, v, j) => s + (v - r[j]!) ** 2, 0); },
    gradY: (x, y, o) => { const r = mv(A, m, n, x); for (let j = 0; j < m; j++) o[j] = y[j]! - r[j]!; },
    gradX: (x, y, o) => { const r = mv(A, m, n, x); o.set(mtv(A, m, n, r.map((v, j) => v - y[j]!))); },
  };
  return { A, a, b, upper, lower, n, m };
}

const dist = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.hypot(...Array.from(a, (v, i) => v - b[i]!));

describe('unconstrained lower level: x* = (I + AᵀA)⁻¹(a + Aᵀb), y* = Ax*', () => {
  const P = quadraticBilevel(5, 3, 4);
  const H = new Float64Array(9);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
    let s = i === j ? 1 : 0;
    for (let k = 0; k < 4; k++) s += P.A[k * 3 + i]! * P.A[k * 3 + j]!;
    H[i * 3 + j] = s;
  }
  const xStar = solve(H, mtv(P.A, 4, 3, P.b).map((v, i) => v + P.a[i]!), 3);
  const yStar = mv(P.A, 4, 3, xStar);
  const problem = { upper: P.upper, lower: P.lower, dimX: 3, dimY: 4 };

  it('penaltyBilevel: error O(σ) (< 1e-4 at σ = 5e-5), value gap ≥ 0 and small, one F and f value per iteration', () => {
    const errs = [5e-3, 5e-5].map((sigma) => {
      const r = penaltyBilevel(problem, { sigma, tol: 1e-10, maxIter: 20000 });
      expect(r.converged).toBe(true);
      expect(r.upperValues.length).toBe(r.iterations);
      expect(r.lowerValues.length).toBe(r.iterations);
      expect(r.valueGap.at(-1)!).toBeGreaterThanOrEqual(-1e-12);
      expect(r.valueGap.at(-1)!).toBeLessThan(10 * sigma * sigma);
      return [dist(r.x, xStar), dist(r.y, yStar)];
    });
    expect(errs[1]![0]).toBeLessThan(1e-4);
    expect(errs[1]![1]).toBeLessThan(1e-4);
    // O(σ): a 100× smaller σ gives a ~100× smaller error
    expect(errs[0]![0]! / errs[1]![0]!).toBeGreaterThan(30);
  });

  it('lvhba: error < 1e-4 after 10⁶ single-loop steps (c_k = 25·k^0.49), and shrinks as c_k grows', () => {
    const r1 = lvhba(problem, { c0: 10, p: 0.49, tol: 0, maxIter: 10000 });
    const r2 = lvhba(problem, { c0: 25, p: 0.49, tol: 0, maxIter: 1000000 });
    expect(dist(r2.x, xStar)).toBeLessThan(1e-4);
    expect(dist(r2.y, yStar)).toBeLessThan(1e-4);
    expect(dist(r2.x, xStar)).toBeLessThan(dist(r1.x, xStar) / 3);
    expect(r2.certificate.name).toBe('max(fixed-point residual, 1/c_k)');
    expect(r2.certificate.value).toBeCloseTo(1 / (25 * 1e6 ** 0.49), 8);
  }, 60000);
});

describe('lower level with constraints y ≤ u (a coupled, non-smooth hyper-objective)', () => {
  const P = quadraticBilevel(15, 2, 3);
  const u = Float64Array.of(0.1, -0.2, 0.3);
  // Brute force: φ(x) = F(x, min(Ax, u)) on a grid of step 0.01 over [−3, 3]², then pattern search.
  const phi = (x: number[]) => P.upper.value(Float64Array.from(x), mv(P.A, 3, 2, x).map((v, j) => Math.min(v, u[j]!)));
  let best = [0, 0];
  let bv = Infinity;
  for (let i = -300; i <= 300; i++) for (let j = -300; j <= 300; j++) {
    const v = phi([i / 100, j / 100]);
    if (v < bv) [bv, best] = [v, [i / 100, j / 100]];
  }
  for (let h = 0.01; h > 1e-12; h /= 2) for (let rep = 0; rep < 50; rep++) {
    let moved = false;
    for (const [di, dj] of [[1, 0], [-1, 0], [0, 1], [0, -1], [1, 1], [-1, -1], [1, -1], [-1, 1]] as const) {
      const x = [best[0]! + di * h, best[1]! + dj * h];
      const v = phi(x);
      if (v < bv) [bv, best, moved] = [v, x, true];
    }
    if (!moved) break;
  }
  const constraints = {
    count: 3,
    value: (_x: Float64Array, y: Float64Array, o: Float64Array) => { for (let j = 0; j < 3; j++) o[j] = y[j]! - u[j]!; },
    gradXT: (_x: Float64Array, _y: Float64Array, _l: Float64Array, o: Float64Array) => void o.fill(0),
    gradYT: (_x: Float64Array, _y: Float64Array, l: Float64Array, o: Float64Array) => void o.set(l),
  };
  it('brute force finds an active constraint (the test is not the unconstrained case)', () => {
    const y = mv(P.A, 3, 2, best);
    expect(Array.from(y).some((v, j) => v > u[j]! + 1e-3)).toBe(true);
  });
  it('lvhba with the constraints (and y projected onto y ≤ u) reaches the brute-force x to 1e-4', () => {
    const r = lvhba({ upper: P.upper, lower: P.lower, dimX: 2, dimY: 3, constraints, Y: indBox(-Infinity, u) }, { c0: 10, p: 0.49, tol: 0, maxIter: 300000 });
    expect(dist(r.x, best)).toBeLessThan(1e-4);
    expect(dist(r.y, mv(P.A, 3, 2, r.x).map((v, j) => Math.min(v, u[j]!)))).toBeLessThan(1e-4);
  }, 60000);
  it('penaltyBilevel with Y = {y ≤ u} (a simple set, no constraint callbacks) reaches it too', () => {
    const r = penaltyBilevel({ upper: P.upper, lower: P.lower, dimX: 2, dimY: 3, Y: indBox(-Infinity, u) }, { sigma: 1e-4, tol: 1e-10 });
    expect(r.converged).toBe(true);
    expect(dist(r.x, best)).toBeLessThan(1e-4);
  });
});

describe('argument checks', () => {
  const P = quadraticBilevel(1, 2, 2);
  const pr = { upper: P.upper, lower: P.lower, dimX: 2, dimY: 2 };
  it('typed errors name the function and the argument', () => {
    expect(() => penaltyBilevel({ ...pr, constraints: { count: 1 } as never })).toThrow(/penaltyBilevel: problem\.constraints/);
    expect(() => lvhba({ ...pr, upper: { ...P.upper, lipschitz: -1 } })).toThrow(/lvhba: problem\.upper\.lipschitz/);
    expect(() => lvhba(pr, { p: 0.7 })).toThrow(/lvhba: options\.p/);
    expect(() => penaltyBilevel(pr, { sigma: 0 })).toThrow(ParameterError);
    expect(() => lvhba(pr, { x0: [1] })).toThrow(/lvhba: options\.x0 must have length 2/);
    expect(() => penaltyBilevel(pr, { sigmaa: 1 } as never)).toThrow(/did you mean options\.sigma/);
  });
});
