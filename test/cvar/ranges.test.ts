/**
 * The ends of every cvar parameter range, each accepted or refused as the math says and, where
 * accepted, checked against a value computed here without the library:
 * - β ∈ [0, 1): β = 0 puts every sample in the tail (k = n), so CVaR_0 is the mean; β = 1 leaves no
 *   tail (the Rockafellar–Uryasev form divides by 1 − β) and is refused; β just below 1 gives the max.
 * - κ (projectCvarSet): any finite real; γ (step sizes) > 0 and finite; the SPL+ loss ≥ 0.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ParameterError, cvar, cvarAndVar, cvarReference, cvarStep, cvarWeights, init, minimizeCvar, projectCvarSet, tailCount, valueAtRisk,
} from '../../bindings/index.js';

beforeAll(() => init());

const losses = [1, 5, 2, 8, 3, 3];
const mean = (v: number[]): number => v.reduce((s, x) => s + x, 0) / v.length;

describe('β = 0 is the mean', () => {
  it('cvar, valueAtRisk, cvarAndVar, tailCount', () => {
    expect(cvar(losses, 0)).toBeCloseTo(mean(losses), 14);
    // every η ≤ min ℓ minimises η + Σ(ℓᵢ − η)₊/n; the largest of them is reported
    expect(valueAtRisk(losses, 0)).toBe(Math.min(...losses));
    expect(cvarAndVar(losses, 0).tail).toBe(losses.length);
    expect(tailCount(7, 0)).toBe(7);
  });

  it('cvarWeights: the uniform weights 1/n (the gradient of the mean)', () => {
    const w = cvarWeights(losses, 0);
    for (const wi of w) expect(wi).toBeCloseTo(1 / losses.length, 15);
  });

  it('projectCvarSet: the projection onto the half-space {x : mean(x) ≤ κ}, v − (mean(v) − κ)₊·1', () => {
    for (const kappa of [2, 3.5, 10]) {
      const shift = Math.max(0, mean(losses) - kappa);
      const x = projectCvarSet(losses, 0, kappa);
      losses.forEach((v, i) => expect(x[i]!).toBeCloseTo(v - shift, 12));
    }
  });

  it('cvarStep: with α = 1/(1 − β) = 1, the SGM step is (θ, η) − γ·(∇ℓ, 0) when ℓ > η', () => {
    const r = cvarStep({ theta: [1, 2], eta: 0.5, loss: 1, grad: [0.5, -1], beta: 0, stepSize: 0.1, method: 'sgm' });
    expect(Array.from(r.theta)).toEqual([1 - 0.1 * 0.5, 2 + 0.1 * 1]);
    expect(r.eta).toBeCloseTo(0.5 - 0.1 + 0.1 * 1, 15);
  });

  it('cvarReference and minimizeCvar: least squares (the mean of the squared losses), checked against the normal equations', () => {
    const X = [[1, 0.5], [-0.3, 1], [0.2, -0.7], [1.1, 0.1], [-1, -0.4], [0.6, 0.9], [-0.5, 0.3], [0.4, -1.2]];
    const y = [1.2, 0.3, -0.8, 1.5, -1.1, 0.9, -0.2, -0.6];
    // normal equations for [w1, w2, b], solved by Cramer's rule
    const F = X.map(([a, b]) => [a!, b!, 1]);
    const A = [0, 1, 2].map((i) => [0, 1, 2].map((j) => F.reduce((s, f) => s + f[i]! * f[j]!, 0)));
    const r = [0, 1, 2].map((i) => F.reduce((s, f, k) => s + f[i]! * y[k]!, 0));
    const det = (m: number[][]): number =>
      m[0]![0]! * (m[1]![1]! * m[2]![2]! - m[1]![2]! * m[2]![1]!) - m[0]![1]! * (m[1]![0]! * m[2]![2]! - m[1]![2]! * m[2]![0]!) + m[0]![2]! * (m[1]![0]! * m[2]![1]! - m[1]![1]! * m[2]![0]!);
    const z = [0, 1, 2].map((c) => det(A.map((row, i) => row.map((v, j) => (j === c ? r[i]! : v)))) / det(A));
    const best = mean(F.map((f, k) => 0.5 * (f[0]! * z[0]! + f[1]! * z[1]! + f[2]! * z[2]! - y[k]!) ** 2));
    const ref = cvarReference({ X, y, loss: 'squared', beta: 0 });
    expect(ref.objective).toBeCloseTo(best, 10);
    expect(ref.lowerBound).toBeLessThanOrEqual(best + 1e-12);
    expect(ref.weights[0]!).toBeCloseTo(z[0]!, 4);
    expect(ref.weights[1]!).toBeCloseTo(z[1]!, 4);
    expect(ref.intercept).toBeCloseTo(z[2]!, 4);
    const run = minimizeCvar({ X, y, loss: 'squared', beta: 0, epochs: 200, stepSize: 0.05, schedule: 'constant', averaging: 'none' });
    expect(run.objective).toBeGreaterThanOrEqual(best - 1e-12);
    expect(run.objective).toBeLessThan(best * 1.01);
  });
});

describe('β → 1', () => {
  it('β = 1 is refused everywhere β is read', () => {
    const calls: [string, () => unknown][] = [
      ['cvar', () => cvar(losses, 1)],
      ['valueAtRisk', () => valueAtRisk(losses, 1)],
      ['cvarWeights', () => cvarWeights(losses, 1)],
      ['projectCvarSet', () => projectCvarSet(losses, 1, 2)],
      ['tailCount', () => tailCount(4, 1)],
      ['cvarStep', () => cvarStep({ theta: [0], eta: 0, loss: 1, grad: [1], beta: 1, stepSize: 0.1, method: 'sgm' })],
      ['minimizeCvar', () => minimizeCvar({ X: [[1], [2]], y: [1, 2], beta: 1 })],
      ['cvarReference', () => cvarReference({ X: [[1], [2]], y: [1, 2], beta: 1 })],
    ];
    for (const [fn, call] of calls) expect(call).toThrow(new ParameterError(`${fn}: beta must be in [0, 1) (got 1)`));
  });

  it('β just below 1 (a tail of less than one sample) gives the maximum', () => {
    expect(cvar(losses, 1 - 1e-12)).toBe(Math.max(...losses));
    expect(valueAtRisk(losses, 1 - 1e-12)).toBe(Math.max(...losses));
  });

  it('a negative β, however small, is refused', () => {
    expect(() => cvar(losses, -Number.MIN_VALUE)).toThrow(new ParameterError('cvar: beta must be in [0, 1) (got -5e-324)'));
  });
});

describe('the other scalar parameters', () => {
  it('κ: any finite real (a κ above CVaR(v) leaves v unchanged, a very negative κ shifts everything)', () => {
    expect(Array.from(projectCvarSet(losses, 0.5, 1e300))).toEqual(losses);
    const x = projectCvarSet(losses, 0, -1e6);
    losses.forEach((v, i) => expect(x[i]!).toBeCloseTo(v - (mean(losses) + 1e6), 6));
    for (const bad of [Infinity, -Infinity, NaN]) expect(() => projectCvarSet(losses, 0.5, bad)).toThrow(ParameterError);
  });

  it('step sizes: > 0 and finite (0 and Infinity refused, the smallest positive double accepted)', () => {
    const base = { theta: [1], eta: 0, loss: 1, grad: [1], beta: 0.5, method: 'sgm' as const };
    for (const bad of [0, -0, Infinity]) expect(() => cvarStep({ ...base, stepSize: bad })).toThrow(ParameterError);
    const tiny = cvarStep({ ...base, stepSize: Number.MIN_VALUE });
    expect(tiny.theta[0]).toBe(1);
  });

  it("SPL+ reads ℓ ≥ 0 (its model truncates at 0): ℓ = 0 accepted, ℓ < 0 refused; 'spl' and 'sgm' take any finite ℓ", () => {
    const base = { theta: [1], eta: 0.5, grad: [1], beta: 0.5, stepSize: 0.1 };
    // ℓ = 0 ≤ η: the truncated model is flat at the current point, so only η moves (by −γ)
    const r = cvarStep({ ...base, loss: 0, method: 'spl+' });
    expect(r.theta[0]).toBe(1);
    expect(r.eta).toBeCloseTo(0.4, 15);
    expect(() => cvarStep({ ...base, loss: -1e-300, method: 'spl+' })).toThrow(new ParameterError("cvarStep: loss must be >= 0 for method 'spl+' (got -1e-300)"));
    expect(() => cvarStep({ ...base, loss: -1, method: 'spl' })).not.toThrow();
    expect(() => cvarStep({ ...base, loss: -1, method: 'sgm' })).not.toThrow();
  });
});
