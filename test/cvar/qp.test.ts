/**
 * cvarQp against references it does not share code with: the lifted Rockafellar–Uryasev QP solved by
 * a plain-TS interior-point method (qp-reference.ts), CVaR by sorting, the unconstrained optimum by a
 * linear solve; its KKT certificate recomputed here from the returned multipliers.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ParameterError, ShapeError, init, memoryStats } from '../../bindings/index.js';
import { cvarQp, type CvarQpProblem } from '../../bindings/index.js';
import { randomVector, uniforms } from '../helpers.js';
import { cvarSortRef } from './reference.js';
import { liftedQpReference } from './qp-reference.js';
import { portfolio } from './portfolio.js';
import { weightedCvar } from './weighted-reference.js';

beforeAll(() => init());

const lossesOf = (A: Float64Array, x: ArrayLike<number>, m: number, n: number): Float64Array => {
  const out = new Float64Array(m);
  for (let i = 0; i < m; i++) { let v = 0; for (let j = 0; j < n; j++) v += A[i * n + j]! * x[j]!; out[i] = v; }
  return out;
};

const problemOf = (pf: ReturnType<typeof portfolio>, beta: number, kappa: number): CvarQpProblem => ({
  P: { data: pf.P, rows: pf.n, cols: pf.n }, q: pf.q, A: { data: pf.A, rows: pf.m, cols: pf.n }, beta, kappa,
  B: { data: pf.B, rows: pf.p, cols: pf.n }, l: pf.l, u: pf.u,
});

/** κ halfway between the CVaR of the equal-weight portfolio (feasible) and that of the optimum without the CVaR limit. */
function activeKappa(pf: ReturnType<typeof portfolio>, beta: number): number {
  const free = cvarQp(problemOf(pf, beta, 1e6), { absTol: 1e-10, relTol: 1e-10 });
  const eq = new Float64Array(pf.n).fill(1 / pf.n);
  const cFree = cvarSortRef(lossesOf(pf.A, free.x, pf.m, pf.n), beta);
  const cEq = cvarSortRef(lossesOf(pf.A, eq, pf.m, pf.n), beta);
  expect(cFree).toBeGreaterThan(cEq); // the limit will bind between the two
  return (cFree + cEq) / 2;
}

describe('cvarQp', () => {
  it.each([
    [1, 6, 50, 0.8],  // k = 10
    [2, 8, 60, 0.85], // k = 9
    [3, 5, 45, 0.9],  // k = 4.5: the fractional tail
  ])('seed %i: n = %i, m = %i, β = %f matches the lifted QP solved by an interior-point method', (seed, n, m, beta) => {
    const pf = portfolio(seed, n, m);
    const kappa = activeKappa(pf, beta);
    const r = cvarQp(problemOf(pf, beta, kappa), { absTol: 1e-10, relTol: 1e-10 });
    expect(r.converged).toBe(true);
    const ref = liftedQpReference({ n, m, P: pf.P, q: pf.q, A: pf.A, beta, kappa, B: pf.B, p: pf.p, l: pf.l, u: pf.u });
    expect(ref.residual).toBeLessThan(1e-10);
    expect(Math.abs(r.objective - ref.objective)).toBeLessThan(1e-6 * Math.max(1, Math.abs(ref.objective)));
    for (let j = 0; j < n; j++) expect(Math.abs(r.x[j]! - ref.x[j]!)).toBeLessThan(1e-5);
    // the CVaR limit binds, by sorting the losses
    const c = cvarSortRef(lossesOf(pf.A, r.x, m, n), beta);
    expect(Math.abs(c - kappa)).toBeLessThan(1e-6);
    expect(Math.abs(r.cvar - c)).toBeLessThan(1e-12);
    expect(r.cvarMultiplier).toBeGreaterThan(1e-6);
    // the certificate recomputed here: Px + q + Aᵀλ + Bᵀν = 0, λ in the normal cone (0 ≤ λᵢ ≤ μ/k, Σλ = μ)
    const k = (1 - beta) * m;
    for (let j = 0; j < n; j++) {
      let g = pf.q[j]!;
      for (let i = 0; i < n; i++) g += pf.P[j * n + i]! * r.x[i]!;
      for (let i = 0; i < m; i++) g += pf.A[i * n + j]! * r.dualCvar[i]!;
      for (let i = 0; i < pf.p; i++) g += pf.B[i * n + j]! * r.dualBox[i]!;
      expect(Math.abs(g)).toBeLessThan(1e-6);
    }
    for (const v of r.dualCvar) expect(v).toBeGreaterThanOrEqual(-1e-9), expect(v).toBeLessThanOrEqual(r.cvarMultiplier / k + 1e-9);
    // ν: the budget row is an equality (any sign); x ≥ 0 rows push only where xⱼ = 0 (ν ≤ 0)
    for (let j = 0; j < n; j++) expect(r.dualBox[j + 1]! * Math.max(r.x[j]!, 0)).toBeLessThan(1e-6);
    expect(r.kkt.stationarity).toBeLessThan(1e-6);
    expect(r.kkt.cvarViolation).toBeLessThan(1e-6);
    expect(r.kkt.boxViolation).toBeLessThan(1e-6);
  });

  it('scenario weights: the same solution as the sample with each row repeated by its weight, and as the weighted lifted QP', () => {
    const pf = portfolio(1, 6, 50);
    const beta = 0.8;
    const u = uniforms(81);
    const counts = Array.from({ length: pf.m }, () => 1 + Math.floor(3 * u()));
    const rowsOut: number[] = [];
    counts.forEach((c, i) => { for (let r = 0; r < c; r++) rowsOut.push(...pf.A.subarray(i * pf.n, (i + 1) * pf.n)); });
    const mBig = rowsOut.length / pf.n;
    // κ between the weighted CVaR of the equal-weight portfolio and that of the optimum without the limit
    const free = cvarQp({ ...problemOf(pf, beta, 1e6), weights: counts }, { absTol: 1e-10, relTol: 1e-10 });
    const probs = Float64Array.from(counts, (c) => c / counts.reduce((a, b) => a + b, 0));
    const cEq = weightedCvar(lossesOf(pf.A, new Float64Array(pf.n).fill(1 / pf.n), pf.m, pf.n), probs, beta);
    expect(free.cvar).toBeGreaterThan(cEq);
    const kappa = (free.cvar + cEq) / 2;
    const base = problemOf(pf, beta, kappa);
    const weighted = cvarQp({ ...base, weights: counts }, { absTol: 1e-10, relTol: 1e-10 });
    const repeated = cvarQp({ ...base, A: { data: Float64Array.from(rowsOut), rows: mBig, cols: pf.n } }, { absTol: 1e-10, relTol: 1e-10 });
    expect(weighted.converged && repeated.converged).toBe(true);
    expect(Math.abs(weighted.objective - repeated.objective)).toBeLessThan(1e-8);
    for (let j = 0; j < pf.n; j++) expect(Math.abs(weighted.x[j]! - repeated.x[j]!)).toBeLessThan(1e-6);
    const total = counts.reduce((a, b) => a + b, 0);
    const ref = liftedQpReference({ n: pf.n, m: pf.m, P: pf.P, q: pf.q, A: pf.A, beta, kappa, B: pf.B, p: pf.p, l: pf.l, u: pf.u, weights: Float64Array.from(counts, (c) => c / total) });
    expect(Math.abs(weighted.objective - ref.objective)).toBeLessThan(1e-6 * Math.max(1, Math.abs(ref.objective)));
    expect(Math.abs(weighted.cvar - kappa)).toBeLessThan(1e-6); // the limit binds
    expect(weighted.cvarMultiplier).toBeGreaterThan(1e-6);
    expect(() => cvarQp({ ...base, weights: new Array(pf.m).fill(0) })).toThrow(/cvarQp: problem\.weights must have a positive sum/);
    expect(() => cvarQp({ ...base, weights: [-1, ...new Array(pf.m - 1).fill(1)] })).toThrow(/cvarQp: problem\.weights\[0\] must be ≥ 0/);
  });

  it.each([
    [1, 6, 50, 0.8, false],
    [3, 5, 45, 0.9, false],
    [2, 8, 60, 0.85, true], // with scenario weights
    [7, 60, 800, 0.95, false], // n large enough that CG takes many steps per x-update
  ])("linearSolver 'cg' (seed %i, n = %i, m = %i, β = %f, weights %s) gives Cholesky's solution to 1e-6", (seed, n, m, beta, weighted) => {
    const pf = portfolio(seed, n, m);
    const weights = weighted ? Array.from({ length: m }, (_, i) => 1 + (i % 3)) : undefined;
    const base = { ...problemOf(pf, beta, 1e6), weights };
    const free = cvarQp(base, { absTol: 1e-9, relTol: 1e-9 });
    const eq = cvarQp({ ...base, P: undefined, q: undefined }, { absTol: 1e-9, relTol: 1e-9 }); // the least-CVaR portfolio
    const kappa = (free.cvar + eq.cvar) / 2;
    const opts = { absTol: 1e-10, relTol: 1e-10, maxIter: 20000 };
    const chol = cvarQp({ ...base, kappa }, opts);
    const cg = cvarQp({ ...base, kappa }, { ...opts, linearSolver: 'cg' });
    expect(chol.converged && cg.converged).toBe(true);
    expect(cg.factorizations).toBe(0);
    expect(cg.cgIterations).toBeGreaterThan(0);
    expect(chol.cgIterations).toBe(0);
    for (let j = 0; j < n; j++) expect(Math.abs(cg.x[j]! - chol.x[j]!)).toBeLessThan(1e-6);
    expect(Math.abs(cg.objective - chol.objective)).toBeLessThan(1e-8 * Math.max(1, Math.abs(chol.objective)));
    expect(cg.cvarMultiplier).toBeGreaterThan(1e-6); // the limit binds
    expect(cg.kkt.stationarity).toBeLessThan(1e-8);
    expect(cg.kkt.cvarViolation).toBeLessThan(1e-8);
    expect(() => cvarQp(base, { linearSolver: 'lu' as never })).toThrow(/cvarQp: options\.linearSolver must be 'cholesky' or 'cg'/);
  });

  it('the same problem on every scenario repeated 8 times takes the same iterations to the same solution (the penalty and the stopping test do not grow with m)', () => {
    const pf = portfolio(9, 8, 60);
    const kappa = activeKappa(pf, 0.9);
    const rep = 8;
    const Abig = new Float64Array(rep * pf.m * pf.n);
    for (let r = 0; r < rep; r++) Abig.set(pf.A, r * pf.m * pf.n);
    const one = cvarQp(problemOf(pf, 0.9, kappa));
    const many = cvarQp({ ...problemOf(pf, 0.9, kappa), A: { data: Abig, rows: rep * pf.m, cols: pf.n } });
    expect(one.converged && many.converged).toBe(true);
    expect(Math.abs(many.iterations - one.iterations)).toBeLessThanOrEqual(Math.ceil(0.05 * one.iterations));
    for (let j = 0; j < pf.n; j++) expect(Math.abs(many.x[j]! - one.x[j]!)).toBeLessThan(1e-6);
  });

  it('the primal residual bounds the CVaR violation at every stop: CVaR_β(Ax) − κ ≤ ‖Ax − z‖_β', () => {
    const pf = portfolio(10, 6, 80);
    const kappa = activeKappa(pf, 0.85);
    for (const maxIter of [1, 3, 10, 30, 100]) {
      const r = cvarQp(problemOf(pf, 0.85, kappa), { maxIter });
      expect(r.iterations).toBe(maxIter);
      // ‖r‖_β recomputed here by sorting |Ax − z|
      const d = lossesOf(pf.A, r.x, pf.m, pf.n).map((v, i) => Math.abs(v - r.z[i]!));
      const norm = cvarSortRef(d, 0.85);
      expect(r.primalResidual).toBeGreaterThanOrEqual(norm - 1e-15);
      expect(r.cvar - kappa).toBeLessThanOrEqual(norm + 1e-12);
    }
  });

  it('a linear objective (P = 0) with box bounds: the LP optimum of the lifted problem', () => {
    const n = 5, m = 40, beta = 0.75;
    const A = randomVector(11, m * n);
    const q = randomVector(12, n);
    const B = new Float64Array(n * n);
    for (let j = 0; j < n; j++) B[j * n + j] = 1;
    const l = new Float64Array(n).fill(-1), u = new Float64Array(n).fill(1);
    const kappa = 0.5;
    const r = cvarQp({ q, A: { data: A, rows: m, cols: n }, beta, kappa, B: { data: B, rows: n, cols: n }, l, u }, { absTol: 1e-10, relTol: 1e-10, maxIter: 50000 });
    expect(r.converged).toBe(true);
    const ref = liftedQpReference({ n, m, P: null, q, A, beta, kappa, B, p: n, l, u });
    expect(Math.abs(r.objective - ref.objective)).toBeLessThan(1e-6 * Math.max(1, Math.abs(ref.objective)));
    expect(cvarSortRef(lossesOf(A, r.x, m, n), beta)).toBeLessThan(kappa + 1e-6);
  });

  it('an inactive limit gives the unconstrained optimum x = −P⁻¹q and multiplier 0', () => {
    const n = 4, m = 30;
    const M = randomVector(21, n * n);
    const P = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) { let v = i === j ? 1 : 0; for (let t = 0; t < n; t++) v += M[t * n + i]! * M[t * n + j]!; P[i * n + j] = v; }
    const q = randomVector(22, n);
    const A = randomVector(23, m * n, 0.1);
    const r = cvarQp({ P: { data: P, rows: n, cols: n }, q, A: { data: A, rows: m, cols: n }, beta: 0.9, kappa: 1e3 }, { absTol: 1e-12, relTol: 1e-12 });
    expect(r.converged).toBe(true);
    // x⋆ by Gaussian elimination of P x = −q (Cramer-free, plain TS)
    const aug = Array.from({ length: n }, (_, i) => [...P.subarray(i * n, i * n + n), -q[i]!]);
    for (let c = 0; c < n; c++) for (let rr = c + 1; rr < n; rr++) { const f = aug[rr]![c]! / aug[c]![c]!; for (let j = c; j <= n; j++) aug[rr]![j]! -= f * aug[c]![j]!; }
    const xs = new Array<number>(n).fill(0);
    for (let i = n - 1; i >= 0; i--) { let v = aug[i]![n]!; for (let j = i + 1; j < n; j++) v -= aug[i]![j]! * xs[j]!; xs[i] = v / aug[i]![i]!; }
    for (let j = 0; j < n; j++) expect(Math.abs(r.x[j]! - xs[j]!)).toBeLessThan(1e-8);
    expect(r.cvarMultiplier).toBe(0);
  });

  it('a warm start from the solution stops within a few iterations, with the same answer', () => {
    const pf = portfolio(4, 6, 50);
    const kappa = activeKappa(pf, 0.8);
    const cold = cvarQp(problemOf(pf, 0.8, kappa));
    const warm = cvarQp(problemOf(pf, 0.8, kappa), { warmStart: cold, rho: cold.rho });
    expect(cold.converged && warm.converged).toBe(true);
    expect(warm.iterations).toBeLessThan(Math.max(5, cold.iterations / 5));
    expect(Math.abs(warm.objective - cold.objective)).toBeLessThan(1e-6);
  });

  it('reports progress, stops on the callback and on an aborted signal, and frees its memory', () => {
    const pf = portfolio(5, 5, 40);
    const before = memoryStats().allocatedBytes;
    const seen: number[] = [];
    const r = cvarQp(problemOf(pf, 0.8, 0.01), { onProgress: (i) => { seen.push(i.iteration); return i.iteration < 3; } });
    expect(seen).toEqual([1, 2, 3]);
    expect(r.stopped).toBe('callback');
    const ac = new AbortController();
    ac.abort();
    expect(cvarQp(problemOf(pf, 0.8, 0.01), { signal: ac.signal }).stopped).toBe('aborted');
    expect(memoryStats().allocatedBytes).toBe(before);
  });

  it('names the argument and what it expected', () => {
    const pf = portfolio(6, 3, 10);
    const ok = problemOf(pf, 0.8, 0.1);
    expect(() => cvarQp({ ...ok, beta: 1 })).toThrow(ParameterError);
    expect(() => cvarQp({ ...ok, beta: 1 })).toThrow(/cvarQp: problem\.beta/);
    expect(() => cvarQp({ ...ok, kappa: NaN })).toThrow(/cvarQp: problem\.kappa must be a finite number/);
    expect(() => cvarQp({ ...ok, q: [1, 2] })).toThrow(ShapeError);
    expect(() => cvarQp({ ...ok, P: { data: [1, 2, 3, 4, 5, 6, 7, 8, 9], rows: 3, cols: 3 } })).toThrow(/cvarQp: problem\.P must be symmetric/);
    expect(() => cvarQp({ ...ok, l: new Float64Array(pf.p).fill(2) })).toThrow(/cvarQp: problem\.l\[0\] must be ≤ problem\.u\[0\]/);
    expect(() => cvarQp({ ...ok, B: undefined })).toThrow(/problem\.l and problem\.u bound Bx and need problem\.B/);
    expect(() => cvarQp({ ...ok, A: { data: new Float64Array(30).fill(NaN), rows: 10, cols: 3 } })).toThrow(/problem\.A\.data\[0\] must be a finite number/);
    expect(() => cvarQp(ok, { rho: 0 })).toThrow(/cvarQp: options\.rho must be > 0/);
    expect(() => cvarQp(ok, { alpha: 2 })).toThrow(/cvarQp: options\.alpha must be in \(0, 2\)/);
    expect(() => cvarQp(ok, { tol: 1 } as never)).toThrow(/is not a known option/);
    expect(() => cvarQp({ ...ok, c: 1 } as never)).toThrow(/is not a known option/);
    // P not positive semidefinite: the system does not factor
    expect(() => cvarQp({ ...ok, P: { data: [-100, 0, 0, 0, -100, 0, 0, 0, -100], rows: 3, cols: 3 } })).toThrow(/not positive definite/);
  });
});
