/** proxyProxPoint against a linear solve (ridge regression) and against gradient descent's true-gradient count. */
import { beforeAll, describe, expect, it } from 'vitest';
import { init, ParameterError } from '../../bindings/index.js';
import { proxyProxPoint } from '../../bindings/saddle/proxy.js';
import { proxyExperiment } from '../../bindings/saddle/experiments.js';
import { randomVector } from '../helpers.js';
import { mtv, mv, solve } from './reference.js';

beforeAll(() => init());

function ridge(A: Float64Array, b: Float64Array, m: number, n: number, lambda: number) {
  return {
    dimension: n,
    lipschitz: undefined as number | undefined,
    value: (w: Float64Array) => 0.5 * mv(A, m, n, w).reduce((s, v, i) => s + (v - b[i]!) ** 2, 0) / m + (lambda / 2) * w.reduce((s, v) => s + v * v, 0),
    gradient: (w: Float64Array, out: Float64Array) => {
      const g = mtv(A, m, n, mv(A, m, n, w).map((v, i) => (v - b[i]!) / m));
      for (let j = 0; j < n; j++) out[j] = g[j]! + lambda * w[j]!;
    },
  };
}

describe('proxyProxPoint', () => {
  const m = 200;
  const n = 8;
  const A = randomVector(1, m * n);
  for (let j = 0; j < n; j++) A[j] = A[j]! * 5; // some spread in the curvature
  const b = randomVector(2, m);
  const lambda = 0.01;
  const f = ridge(A, b, m, n, lambda);
  // proxy: the first 40 rows, slightly perturbed
  const noise = randomVector(3, 40 * n, 0.1);
  const As = A.slice(0, 40 * n).map((v, i) => v + noise[i]!);
  const h = { ...ridge(As, b.slice(0, 40), 40, n, lambda), lipschitz: 50 };
  // w* = (AᵀA/m + λI)⁻¹ Aᵀb/m
  const H = new Float64Array(n * n);
  for (let i = 0; i < m; i++) for (let a = 0; a < n; a++) for (let c = 0; c < n; c++) H[a * n + c] = H[a * n + c]! + (A[i * n + a]! * A[i * n + c]!) / m;
  for (let a = 0; a < n; a++) H[a * n + a] = H[a * n + a]! + lambda;
  const wStar = solve(H, mtv(A, m, n, b).map((v) => v / m), n);

  it('reaches the ridge solution (linear solve) to 1e-7 with the gradient-norm certificate', () => {
    const r = proxyProxPoint(f, h, { step: 1, tol: 1e-9, maxIter: 5000 });
    expect(r.converged).toBe(true);
    expect(r.certificate.name).toBe('gradient norm');
    expect(Math.hypot(...Array.from(r.x, (v, i) => v - wStar[i]!))).toBeLessThan(1e-7);
    expect(r.trueGradientCalls).toBe(r.iterations + 1);
    expect(r.proxyGradientCalls).toBeGreaterThan(r.trueGradientCalls);
  });

  it('the diabetes experiment: fewer true gradients than gradient descent with both proxies', () => {
    const r = proxyExperiment({ tol: 1e-6 });
    expect(r.gradientDescent.converged).toBe(true);
    for (const p of r.proxies) {
      const run = p.runs[0]!;
      expect(run.converged).toBe(true);
      expect(run.error).toBeLessThan(1e-3);
      expect(run.trueGradientCalls).toBeLessThan(r.gradientDescent.trueGradientCalls);
      expect(p.delta).toBeLessThan(r.lipschitz);
    }
  });

  it('typed errors', () => {
    expect(() => proxyProxPoint(f, h)).toThrow(/proxyProxPoint: options\.step/);
    expect(() => proxyProxPoint(f, { ...h, lipschitz: undefined }, { step: 1 })).toThrow(/options\.proxyLipschitz/);
    expect(() => proxyProxPoint(f, h, { step: 1, innerTol: 1 })).toThrow(ParameterError);
    expect(() => proxyProxPoint(f, { ...h, dimension: 3 }, { step: 1 })).toThrow(/h\.dimension must equal f\.dimension/);
    expect(() => proxyProxPoint(f, h, { stpe: 1 } as never)).toThrow(/did you mean options\.step/);
  });
});
