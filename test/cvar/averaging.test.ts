/**
 * minimizeCvar with iterate averaging reaches the optimum on the diabetes regression (β = 0.9), for
 * every step size in a range, against certified references it does not share code with:
 * - absolute loss: the LP min_θ CVaR_β(|Xw + b − y|), solved by cvarQp on the 2n scenarios ±rᵢ, with a
 *   lower bound from weak duality built here from cvarQp's multipliers (see absoluteReference);
 * - squared loss: cvarReference (Newton on the smoothed form, a dual lower bound).
 * Plus: the averaged model of the WASM epoch loop equals that of the plain-TS loop of a user loss.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { cvar, cvarQp, cvarReference, init, minimizeCvar } from '../../bindings/index.js';
import { diabetesProblem } from '../../bindings/cvar/data.js';

beforeAll(() => init());

const BETA = 0.9;
const problem = diabetesProblem(1);
const X = problem.X as { data: Float64Array; rows: number; cols: number };
const [n, d] = [X.rows, X.cols];

/** CVaR_β of the absolute residuals of (w, b), by the package's cvar (checked elsewhere against sorting). */
function absoluteCvar(w: ArrayLike<number>, b: number): number {
  const r = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let v = b - problem.y[i]!;
    for (let j = 0; j < d; j++) v += X.data[i * d + j]! * w[j]!;
    r[i] = Math.abs(v);
  }
  return cvar(r, BETA);
}

/**
 * min_{w,b} CVaR_β(|rᵢ|), rᵢ = xᵢw + b − yᵢ, as an LP: with k = (1 − β)n of the worst |rᵢ| positive,
 * CVaR_β(|r|) over n samples equals the CVaR over the 2n values ±rᵢ at tail count k (the top k of ±rᵢ are
 * the k largest |rᵢ|), so: minimise c over (w, b, e, c) s.t. CVaR_{β'}(rows (xᵢ, 1, −yᵢ, −1), (−xᵢ, −1, yᵢ, −1)) ≤ 0,
 * e = 1, β' = 1 − k/(2n) — a cvarQp with P = 0.
 * Lower bound: for u with Xᵀu = 0, 1ᵀu = 0 and |u|/s in {0 ≤ w ≤ 1/k, Σw ≤ 1},
 *   −Σuᵢyᵢ = Σuᵢrᵢ(θ) ≤ s·CVaR_β(|r(θ)|) for every θ,
 * with u = λ₊ − λ₋ from the multipliers of the two copies of each row, projected onto {Xᵀu = 0, 1ᵀu = 0}.
 */
function absoluteReference(): { objective: number; lowerBound: number } {
  const N = d + 3;
  const m = 2 * n;
  const A = new Float64Array(m * N);
  for (let i = 0; i < n; i++) {
    for (const [r, sg] of [[i, 1], [n + i, -1]] as const) {
      for (let j = 0; j < d; j++) A[r * N + j] = sg * X.data[i * d + j]!;
      A[r * N + d] = sg;
      A[r * N + d + 1] = -sg * problem.y[i]!;
      A[r * N + d + 2] = -1;
    }
  }
  const q = new Float64Array(N);
  q[d + 2] = 1;
  const B = new Float64Array(N);
  B[d + 1] = 1;
  const lp = cvarQp({ q, A: { data: A, rows: m, cols: N }, beta: 1 - (1 - BETA) / 2, kappa: 0, B: { data: B, rows: 1, cols: N }, l: [1], u: [1] }, { maxIter: 50000 });
  const objective = absoluteCvar(lp.x.subarray(0, d), lp.x[d]!);
  const u = new Float64Array(n);
  for (let i = 0; i < n; i++) u[i] = lp.dualCvar[i]! - lp.dualCvar[n + i]!;
  // u ← u − Z(ZᵀZ)⁻¹Zᵀu, Z = [X, 1], by Gaussian elimination on the (d + 1)×(d + 1) normal equations
  const D = d + 1;
  const z = (i: number, j: number): number => (j < d ? X.data[i * d + j]! : 1);
  const G = new Float64Array(D * D);
  const c = new Float64Array(D);
  for (let i = 0; i < n; i++) for (let a = 0; a < D; a++) {
    c[a]! += z(i, a) * u[i]!;
    for (let b = 0; b < D; b++) G[a * D + b]! += z(i, a) * z(i, b);
  }
  for (let col = 0; col < D; col++) for (let row = col + 1; row < D; row++) {
    const f = G[row * D + col]! / G[col * D + col]!;
    for (let j = col; j < D; j++) G[row * D + j]! -= f * G[col * D + j]!;
    c[row]! -= f * c[col]!;
  }
  for (let row = D - 1; row >= 0; row--) {
    for (let j = row + 1; j < D; j++) c[row]! -= G[row * D + j]! * c[j]!;
    c[row]! /= G[row * D + row]!;
  }
  for (let i = 0; i < n; i++) { let v = 0; for (let a = 0; a < D; a++) v += z(i, a) * c[a]!; u[i]! -= v; }
  let l1 = 0, top = 0, uy = 0;
  for (let i = 0; i < n; i++) { l1 += Math.abs(u[i]!); top = Math.max(top, Math.abs(u[i]!)); uy += u[i]! * problem.y[i]!; }
  const s = Math.max(l1, (1 - BETA) * n * top);
  // −u is as valid as u: the bound is |Σuᵢyᵢ|/s
  return { objective, lowerBound: Math.abs(uy) / s };
}

describe('minimizeCvar with averaging reaches the optimum (diabetes, β = 0.9)', () => {
  // 300 epochs, SPL+ (the default method), step γ/√(t + 1), the mean of the second half of the iterates
  const settings = { epochs: 300, schedule: 'sqrt', averaging: 'tail' } as const;

  it('absolute loss: within 0.5 % of the certified LP optimum for every γ in [0.003, 1]', () => {
    const ref = absoluteReference();
    expect(ref.lowerBound).toBeLessThanOrEqual(ref.objective);
    expect((ref.objective - ref.lowerBound) / ref.lowerBound).toBeLessThan(1e-4);
    for (const stepSize of [0.003, 0.01, 0.03, 0.1, 0.3, 1]) {
      const r = minimizeCvar({ X, y: problem.y, loss: 'absolute', beta: BETA, stepSize, ...settings });
      // the reported objective is the CVaR of the returned (averaged) model
      expect(Math.abs(r.objective - absoluteCvar(r.weights, r.intercept))).toBeLessThan(1e-12);
      expect((r.objective - ref.lowerBound) / ref.lowerBound, `γ = ${stepSize}`).toBeLessThan(0.005);
    }
  });

  it('squared loss: within 0.5 % of the certified optimum for every γ in [0.003, 0.3]', () => {
    const ref = cvarReference({ X, y: problem.y, loss: 'squared', beta: BETA });
    expect(ref.gap / ref.lowerBound).toBeLessThan(1e-6);
    for (const stepSize of [0.003, 0.01, 0.03, 0.1, 0.3]) {
      const r = minimizeCvar({ X, y: problem.y, loss: 'squared', beta: BETA, stepSize, ...settings });
      expect((r.objective - ref.lowerBound) / ref.lowerBound, `γ = ${stepSize}`).toBeLessThan(0.005);
    }
  });

  it('the last iterate of the same runs is not within 0.5 % over that range (what averaging adds)', () => {
    const ref = cvarReference({ X, y: problem.y, loss: 'squared', beta: BETA });
    const last = minimizeCvar({ X, y: problem.y, loss: 'squared', beta: BETA, stepSize: 0.3, epochs: 300, schedule: 'sqrt' });
    expect((last.objective - ref.lowerBound) / ref.lowerBound).toBeGreaterThan(0.005);
  });
});

describe('minimizeCvar averaging', () => {
  const absolute = { value: (p: number, y: number) => Math.abs(p - y), derivative: (p: number, y: number) => Math.sign(p - y) };
  const small = { X: { data: X.data.subarray(0, 60 * d), rows: 60, cols: d }, y: problem.y.subarray(0, 60) };

  it.each(['all', 'tail'] as const)("'%s': the WASM epoch loop and the plain-TS loop of a user loss return the same mean", (averaging) => {
    for (const method of ['spl+', 'spl', 'sgm'] as const) {
      const opts = { ...small, beta: 0.8, method, stepSize: 0.05, epochs: 7, batchSize: 3, seed: 4, averaging };
      const wasm = minimizeCvar({ ...opts, loss: 'absolute' });
      const js = minimizeCvar({ ...opts, loss: absolute });
      for (let j = 0; j < d; j++) expect(Math.abs(wasm.weights[j]! - js.weights[j]!)).toBeLessThan(1e-12);
      expect(Math.abs(wasm.intercept - js.intercept)).toBeLessThan(1e-12);
      expect(Math.abs(wasm.eta - js.eta)).toBeLessThan(1e-12);
      expect(Math.abs(wasm.objective - js.objective)).toBeLessThan(1e-12);
    }
  });

  it("'all' over a single step is that step's iterate; 'none' is the last iterate", () => {
    const one = { ...small, loss: 'squared' as const, epochs: 1, batchSize: 60, stepSize: 0.1 };
    const a = minimizeCvar({ ...one, averaging: 'all' });
    const b = minimizeCvar({ ...one, averaging: 'none' });
    expect(Array.from(a.weights)).toEqual(Array.from(b.weights));
    expect(a.eta).toBe(b.eta);
    // several steps: the mean differs from the last iterate
    const c = minimizeCvar({ ...small, loss: 'squared', epochs: 3, stepSize: 0.1, averaging: 'all' });
    const e = minimizeCvar({ ...small, loss: 'squared', epochs: 3, stepSize: 0.1 });
    expect(Array.from(c.weights)).not.toEqual(Array.from(e.weights));
  });

  it('refuses an unknown averaging', () => {
    expect(() => minimizeCvar({ ...small, averaging: 'last' as never })).toThrow("minimizeCvar: averaging must be 'none', 'all' or 'tail' (got \"last\")");
  });
});
