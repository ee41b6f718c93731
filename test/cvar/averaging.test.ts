/**
 * minimizeCvar with iterate averaging reaches the optimum on the diabetes regression (β = 0.9), for
 * every step size in a range, against certified references it does not share code with:
 * - absolute loss: cvarReference's LP (cvarQp on the 2n scenarios ±rᵢ) with its weak-duality lower
 *   bound, itself checked here against the lifted LP solved by the interior-point reference;
 * - squared loss: cvarReference (Newton on the smoothed form, a dual lower bound).
 * Plus: the averaged model of the WASM epoch loop equals that of the plain-TS loop of a user loss.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { cvar, cvarReference, init, minimizeCvar } from '../../bindings/index.js';
import { liftedQpReference } from './qp-reference.js';
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

describe("cvarReference with loss 'absolute'", () => {
  it('brackets the LP optimum of the lifted problem solved by the interior-point reference', () => {
    for (const [rowsUsed, cols, beta, fitIntercept] of [[40, 3, 0.9, true], [36, 4, 0.75, false], [50, 2, 0.5, true]] as const) {
      const Xs = new Float64Array(rowsUsed * cols);
      for (let i = 0; i < rowsUsed; i++) for (let j = 0; j < cols; j++) Xs[i * cols + j] = X.data[i * d + j]!;
      const ys = problem.y.subarray(0, rowsUsed);
      const ref = cvarReference({ X: { data: Xs, rows: rowsUsed, cols }, y: ys, loss: 'absolute', beta, fitIntercept });
      // the lifted LP: variables (w, b, t, s), min t + Σsᵢ/k s.t. sᵢ ≥ ±rᵢ − t, s ≥ 0 — as min c s.t.
      // CVaR_β(|r| − c) ≤ 0 with |r| split into its two signed copies, over (w, b, e, c) with e = 1
      const N = cols + (fitIntercept ? 1 : 0) + 2;
      const m = 2 * rowsUsed;
      const A = new Float64Array(m * N);
      for (let i = 0; i < rowsUsed; i++) for (const [r, sg] of [[i, 1], [rowsUsed + i, -1]] as const) {
        for (let j = 0; j < cols; j++) A[r * N + j] = sg * Xs[i * cols + j]!;
        if (fitIntercept) A[r * N + cols] = sg;
        A[r * N + N - 2] = -sg * ys[i]!;
        A[r * N + N - 1] = -1;
      }
      const q = new Float64Array(N);
      q[N - 1] = 1;
      const E = new Float64Array(N);
      E[N - 2] = 1;
      const ip = liftedQpReference({ n: N, m, P: null, q, A, beta: 1 - ((1 - beta) * rowsUsed) / m, kappa: 0, B: E, p: 1, l: Float64Array.of(1), u: Float64Array.of(1) });
      expect(ip.residual).toBeLessThan(1e-8);
      expect(ref.lowerBound).toBeLessThanOrEqual(ip.objective + 1e-9);
      expect(ref.objective).toBeGreaterThanOrEqual(ip.objective - 1e-9);
      expect(ref.gap).toBeLessThan(1e-4 * ip.objective);
    }
  });
});

describe("minimizeCvar's defaults reach the optimum (diabetes, β = 0.9)", () => {
  const SEEDS = [0, 1, 2];

  it('the defaults are SPL+, γ = 0.1, γ/√(t + 1), 300 epochs and the mean of the second half of the iterates', () => {
    const small = { X: { data: X.data.subarray(0, 50 * d), rows: 50, cols: d }, y: problem.y.subarray(0, 50) };
    const byDefault = minimizeCvar(small);
    const spelledOut = minimizeCvar({ ...small, loss: 'squared', beta: 0.9, method: 'spl+', stepSize: 0.1, schedule: 'sqrt', epochs: 300, averaging: 'tail', batchSize: 1, seed: 0 });
    expect(Array.from(byDefault.weights)).toEqual(Array.from(spelledOut.weights));
    expect([byDefault.intercept, byDefault.eta, byDefault.objective, byDefault.history.length]).toEqual([spelledOut.intercept, spelledOut.eta, spelledOut.objective, 300]);
  });

  it('absolute loss: within 0.5 % of the certified LP optimum for every γ in [0.003, 1] (3 seeds)', () => {
    const ref = cvarReference({ X, y: problem.y, loss: 'absolute', beta: BETA });
    expect(ref.lowerBound).toBeLessThanOrEqual(ref.objective);
    expect((ref.objective - ref.lowerBound) / ref.lowerBound).toBeLessThan(1e-4);
    for (const stepSize of [0.003, 0.01, 0.03, 0.1, 0.3, 1]) {
      for (const seed of SEEDS) {
        const r = minimizeCvar({ X, y: problem.y, loss: 'absolute', beta: BETA, stepSize, seed });
        // the reported objective is the CVaR of the returned (averaged) model
        expect(Math.abs(r.objective - absoluteCvar(r.weights, r.intercept))).toBeLessThan(1e-12);
        expect((r.objective - ref.lowerBound) / ref.lowerBound, `γ = ${stepSize}, seed ${seed}`).toBeLessThan(0.005);
      }
    }
  });

  it('squared loss: within 0.5 % of the certified optimum for every γ in [0.003, 0.3] (3 seeds)', () => {
    const ref = cvarReference({ X, y: problem.y, loss: 'squared', beta: BETA });
    expect(ref.gap / ref.lowerBound).toBeLessThan(1e-6);
    for (const stepSize of [0.003, 0.01, 0.03, 0.1, 0.3]) {
      for (const seed of SEEDS) {
        const r = minimizeCvar({ X, y: problem.y, loss: 'squared', beta: BETA, stepSize, seed });
        expect((r.objective - ref.lowerBound) / ref.lowerBound, `γ = ${stepSize}, seed ${seed}`).toBeLessThan(0.005);
      }
    }
  });

  it('what each default adds: the last iterate, or a constant step, is not within 0.5 % at the same γ', () => {
    const ref = cvarReference({ X, y: problem.y, loss: 'squared', beta: BETA });
    const sub = (o: object) => (minimizeCvar({ X, y: problem.y, loss: 'squared', beta: BETA, stepSize: 0.3, ...o }).objective - ref.lowerBound) / ref.lowerBound;
    expect(sub({ averaging: 'none' })).toBeGreaterThan(0.005);
    expect(sub({ schedule: 'constant' })).toBeGreaterThan(0.005);
    expect(sub({})).toBeLessThan(0.005);
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

  it('stopAt ends the run at the first epoch whose objective is certified within tol of the optimum', () => {
    const ref = cvarReference({ X, y: problem.y, loss: 'squared', beta: BETA });
    const opts = { X, y: problem.y, loss: 'squared' as const, beta: BETA, stepSize: 0.1, schedule: 'sqrt' as const, averaging: 'all' as const, epochs: 400 };
    const full = minimizeCvar(opts);
    const r = minimizeCvar({ ...opts, stopAt: { lowerBound: ref.lowerBound, tol: 0.01 } });
    expect(r.converged).toBe(true);
    expect(r.stopped).toBe('converged');
    expect(r.objective - ref.lowerBound).toBeLessThanOrEqual(0.01 * ref.lowerBound);
    // the first such epoch of the full run, and the same iterates up to it
    const first = full.history.findIndex((h) => h.objective - ref.lowerBound <= 0.01 * ref.lowerBound);
    expect(first).toBeGreaterThan(0);
    expect(r.history.length).toBe(first + 1);
    expect(r.objective).toBe(full.history[first]!.objective);
    // tol 0 asks for the optimum exactly: all epochs run, not converged
    const never = minimizeCvar({ ...opts, epochs: 3, stopAt: { lowerBound: ref.lowerBound, tol: 0 } });
    expect([never.converged, never.stopped, never.history.length]).toEqual([false, 'maxIter', 3]);
    expect(() => minimizeCvar({ ...small, stopAt: { lowerBound: 1, tol: -1 } })).toThrow('minimizeCvar: stopAt.tol must be finite and ≥ 0 (got -1)');
    expect(() => minimizeCvar({ ...small, stopAt: { lowerBound: 1, tolerance: 1 } as never })).toThrow(/stopAt\.tolerance is not a known option/);
  });

  it('refuses an unknown averaging', () => {
    expect(() => minimizeCvar({ ...small, averaging: 'last' as never })).toThrow("minimizeCvar: averaging must be 'none', 'all' or 'tail' (got \"last\")");
  });
});
