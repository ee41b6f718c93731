import { beforeAll, describe, expect, it } from 'vitest';
import { NonFiniteError, ParameterError, ShapeError, cvarStep, init, memoryStats, minimizeCvar } from '../../bindings/index.js';
import { cvarReference } from '../../bindings/cvar/reference.js';
import { uniforms } from '../helpers.js';
import { cvarSortRef, golden } from './reference.js';

beforeAll(() => init());

type Loss = 'squared' | 'absolute' | 'logistic';

function lossOf(loss: Loss, p: number, y: number): number {
  if (loss === 'squared') return 0.5 * (p - y) ** 2;
  if (loss === 'absolute') return Math.abs(p - y);
  return Math.log1p(Math.exp(-y * p));
}

/** Full-batch CVaR of a 1-feature linear model, from the definition (sort). */
function cvarAt(loss: Loss, x: number[], y: number[], beta: number, w: number, b: number): number {
  return cvarSortRef(x.map((xi, i) => lossOf(loss, w * xi + b, y[i]!)), beta);
}

/** Exact-to-1e-9 optimum of the convex function CVaR(w, b) (d = 1) by nested golden-section search. */
function bruteOptimum(loss: Loss, x: number[], y: number[], beta: number): number {
  const inner = (w: number) => {
    const b = golden((bb) => cvarAt(loss, x, y, beta, w, bb), -20, 20, 90);
    return cvarAt(loss, x, y, beta, w, b);
  };
  const w = golden(inner, -20, 20, 90);
  return inner(w);
}

function smallData(seed: number, n: number, classification: boolean): { x: number[]; y: number[] } {
  const u = uniforms(seed);
  const x = Array.from({ length: n }, () => (u() - 0.5) * 4);
  const y = x.map((xi) => (classification ? (xi + (u() - 0.5) * 3 > 0 ? 1 : -1) : 1.5 * xi - 0.5 + (u() - 0.5) * 2 * (1 + Math.abs(xi))));
  return { x, y };
}

describe('minimizeCvar reaches the brute-force optimum on small data', () => {
  for (const loss of ['absolute', 'squared', 'logistic'] as const) {
    it(`${loss} loss, β = 0.8, n = 40: SPL+, SPL and SGM (1/√t schedule) within 2 % of the nested-search optimum`, () => {
      const { x, y } = smallData(loss.length, 40, loss === 'logistic');
      const beta = 0.8;
      const opt = bruteOptimum(loss, x, y, beta);
      for (const method of ['spl+', 'spl', 'sgm'] as const) {
        const r = minimizeCvar({ X: x.map((v) => [v]), y, loss, beta, method, stepSize: 0.5, schedule: 'sqrt', epochs: 300, seed: 3 });
        expect(r.objective).toBeCloseTo(cvarAt(loss, x, y, beta, r.weights[0]!, r.intercept), 12); // objective = full-data CVaR at the model
        expect(r.objective).toBeGreaterThanOrEqual(opt - 1e-9);
        expect(r.objective / opt - 1).toBeLessThan(0.02);
        expect(r.history.length).toBe(300);
        expect(r.iterations).toBe(300 * 40);
      }
      if (loss !== 'absolute') {
        const ref = cvarReference({ X: x.map((v) => [v]), y, loss, beta });
        expect(ref.lowerBound).toBeLessThanOrEqual(opt + 1e-9);
        expect(ref.objective).toBeGreaterThanOrEqual(opt - 1e-9);
        expect(ref.gap).toBeLessThan(1e-7 * opt);
      }
    });
  }
});

describe('cvarReference is invariant to the scale of a feature', () => {
  it('a column multiplied by 1e8 gives the same objective and certificate, and weights divided by 1e8', () => {
    const u = uniforms(91);
    const n = 40;
    const x = Array.from({ length: n }, () => [2 * u() - 1, 2 * u() - 1]);
    const y = x.map(([a, b]) => 1.5 * a! - 0.7 * b! + 0.3 * (2 * u() - 1));
    // every fifth label flipped: separable data would have no logistic minimiser
    const labels = y.map((v, i) => (v > 0 ? 1 : -1) * (i % 5 === 0 ? -1 : 1));
    for (const loss of ['squared', 'logistic'] as const) {
      const t = loss === 'squared' ? y : labels;
      const plain = cvarReference({ X: x, y: t, loss, beta: 0.8 });
      const big = cvarReference({ X: x.map(([a, b]) => [1e8 * a!, b!]), y: t, loss, beta: 0.8 });
      expect(big.gap).toBeLessThan(1e-7 * big.objective);
      expect(Math.abs(big.objective - plain.objective)).toBeLessThan(1e-9 * plain.objective);
      expect(big.weights[0]! * 1e8).toBeCloseTo(plain.weights[0]!, 5);
      expect(big.weights[1]!).toBeCloseTo(plain.weights[1]!, 5);
    }
  });
});

describe('minimizeCvar API', () => {
  const { x, y } = smallData(9, 30, false);
  const rows = x.map((v, i) => [v, (i % 3) - 1]);
  const matrix = { data: Float64Array.from(rows.flat()), rows: 30, cols: 2 };

  it('is deterministic for a seed, and rows / row-major matrix inputs agree; the user-loss path matches the built-in loss', () => {
    const a = minimizeCvar({ X: rows, y, method: 'spl+', stepSize: 0.3, epochs: 5, seed: 7 });
    const b = minimizeCvar({ X: matrix, y, method: 'spl+', stepSize: 0.3, epochs: 5, seed: 7 });
    expect(Array.from(a.weights)).toEqual(Array.from(b.weights));
    expect(a.eta).toBe(b.eta);
    const c = minimizeCvar({ X: rows, y, method: 'spl+', stepSize: 0.3, epochs: 5, seed: 8 });
    expect(c.weights[0]).not.toBe(a.weights[0]);
    for (const method of ['spl+', 'spl', 'sgm'] as const) {
      for (const batchSize of [1, 4]) {
        const builtIn = minimizeCvar({ X: rows, y, method, stepSize: 0.02, epochs: 5, seed: 7, batchSize });
        const user = minimizeCvar({
          X: rows, y, method, stepSize: 0.02, epochs: 5, seed: 7, batchSize,
          loss: { value: (p, t) => 0.5 * (p - t) ** 2, derivative: (p, t) => p - t },
        });
        const near = (p: number, q: number) => expect(Math.abs(p - q)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(q)));
        for (let j = 0; j < 2; j++) near(user.weights[j]!, builtIn.weights[j]!);
        near(user.eta, builtIn.eta);
        near(user.objective, builtIn.objective);
        expect(Number.isFinite(builtIn.objective)).toBe(true);
      }
    }
  });

  it('a full-batch step (batchSize = n, one epoch) is the closed form at the batch-mean loss and gradient (SPL, SPL+) or the mean subgradient (SGM)', () => {
    const n = rows.length;
    const eta0 = 0.3;
    // losses and gradients at w = 0, b = 0: ℓᵢ = yᵢ²/2, ∇ℓᵢ = −yᵢ·(xᵢ, 1)
    const ell = y.map((t) => 0.5 * t * t);
    const grads = rows.map((r, i) => [...r, 1].map((v) => -y[i]! * v));
    const mean = (f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i)).reduce((a, b) => a + b, 0) / n;
    const gMean = [0, 1, 2].map((j) => mean((i) => grads[i]![j]!));
    for (const method of ['spl+', 'spl'] as const) {
      const r = minimizeCvar({ X: rows, y, method, stepSize: 0.07, epochs: 1, batchSize: n, eta0, beta: 0.8 });
      const want = cvarStep({ theta: [0, 0, 0], eta: eta0, loss: mean((i) => ell[i]!), grad: gMean, beta: 0.8, stepSize: 0.07, method });
      for (let j = 0; j < 2; j++) expect(r.weights[j]!).toBeCloseTo(want.theta[j]!, 12);
      expect(r.intercept).toBeCloseTo(want.theta[2]!, 12);
      expect(r.eta).toBeCloseTo(want.eta, 12);
    }
    const r = minimizeCvar({ X: rows, y, method: 'sgm', stepSize: 0.07, epochs: 1, batchSize: n, eta0, beta: 0.8 });
    const alpha = 1 / (1 - 0.8);
    const active = ell.map((l) => (l > eta0 ? 1 : 0));
    const sub = [0, 1, 2].map((j) => alpha * mean((i) => active[i]! * grads[i]![j]!));
    expect(r.weights[0]!).toBeCloseTo(-0.07 * sub[0]!, 12);
    expect(r.intercept).toBeCloseTo(-0.07 * sub[2]!, 12);
    expect(r.eta).toBeCloseTo(eta0 - 0.07 * (1 - alpha * mean((i) => active[i]!)), 12);
  });

  it('onProgress can stop the run, an aborted signal stops it, and a diverging SGM is reported', () => {
    const seen: number[] = [];
    const r = minimizeCvar({ X: rows, y, epochs: 10, onProgress: (i) => (seen.push(i.epoch), i.epoch < 3) });
    expect(seen).toEqual([1, 2, 3]);
    expect(r.stopped).toBe('callback');
    const ac = new AbortController();
    ac.abort();
    expect(minimizeCvar({ X: rows, y, epochs: 10, signal: ac.signal }).stopped).toBe('aborted');
    const d = minimizeCvar({ X: rows.map((r) => r.map((v) => v * 1e3)), y, method: 'sgm', stepSize: 100, schedule: 'constant', epochs: 50 });
    expect(d.stopped).toBe('diverged');
    expect(d.objective).toBe(Infinity);
    const fitNoB = minimizeCvar({ X: rows, y, epochs: 2, fitIntercept: false });
    expect(fitNoB.intercept).toBe(0);
    // every epoch ran: the budget, not a test, ended the run
    expect([fitNoB.stopped, fitNoB.converged, fitNoB.history.length]).toEqual(['maxIter', false, 2]);
  });

  it('typed errors for bad shapes, empty data, non-finite data and bad options; memory is released', () => {
    const before = memoryStats().allocatedBytes;
    expect(() => minimizeCvar({ X: rows, y: y.slice(1) })).toThrow(ShapeError);
    expect(() => minimizeCvar({ X: rows, y: y.slice(1) })).toThrow('minimizeCvar: y must have length 30 (the rows of X) (got 29)');
    expect(() => minimizeCvar({ X: [], y: [] })).toThrow('minimizeCvar: X must have at least one row (got 0)');
    expect(() => minimizeCvar({ X: [[1, 2], [3]], y: [1, 2] })).toThrow('minimizeCvar: X rows must all have length 2 (got 1 at row 1)');
    expect(() => minimizeCvar({ X: { data: [1, 2, 3], rows: 2, cols: 2 }, y: [1, 2] })).toThrow('minimizeCvar: X.data must have rows × cols = 2 × 2 = 4 entries (got 3)');
    expect(() => minimizeCvar({ X: [[1], [NaN]], y: [1, 2] })).toThrow(NonFiniteError);
    expect(() => minimizeCvar({ X: [[1], [2]], y: [1, Infinity] })).toThrow('minimizeCvar: y must be finite (got Infinity at index 1)');
    expect(() => minimizeCvar({ X: rows, y, beta: 1 })).toThrow(ParameterError);
    expect(() => minimizeCvar({ X: rows, y, beta: -0.1 })).toThrow('minimizeCvar: beta must be in [0, 1) (got -0.1)');
    expect(() => minimizeCvar({ X: rows, y, method: 'adam' as never })).toThrow(`minimizeCvar: method must be 'spl+', 'spl' or 'sgm' (got "adam")`);
    expect(() => minimizeCvar({ X: rows, y, stepSize: -1 })).toThrow('minimizeCvar: stepSize must be finite and > 0 (got -1)');
    expect(() => minimizeCvar({ X: rows, y, batchSize: 31 })).toThrow('minimizeCvar: batchSize must be an integer in [1, 30] (got 31)');
    expect(() => minimizeCvar({ X: rows, y, loss: 'hinge' as never })).toThrow(ParameterError);
    expect(() => minimizeCvar({ X: [[1], [2]], y: [1, 2], loss: 'logistic' })).toThrow('minimizeCvar: y[1] must be a label −1, 0 or 1 for the logistic loss (got 2)');
    expect(() => minimizeCvar({ X: rows, y, loss: { value: () => NaN, derivative: () => 0 } })).toThrow(NonFiniteError);
    expect(() => cvarReference({ X: rows, y, loss: 'hinge' as never })).toThrow(`cvarReference: loss must be 'squared', 'logistic' or 'absolute' (got "hinge")`);
    expect(() => cvarReference({ X: rows, y, beta: 2 })).toThrow('cvarReference: beta must be in [0, 1) (got 2)');
    expect(memoryStats().allocatedBytes).toBe(before);
  });
});
