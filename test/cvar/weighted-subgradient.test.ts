/**
 * cvarWeights with scenario weights: the subgradient of the weighted CVaR with respect to the losses,
 * checked against the definition min_t t + Σ pᵢ(ℓᵢ − t)₊/(1 − β) evaluated here by brute force over
 * the breakpoints t ∈ {ℓᵢ} (no package code): central finite differences where the CVaR is
 * differentiable, the subgradient inequality everywhere, dual feasibility and ⟨w, ℓ⟩ = CVaR; against
 * the unweighted cvarWeights on duplicated samples and for equal weights; and its errors.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { NonFiniteError, ParameterError, ShapeError, cvarWeights, init } from '../../bindings/index.js';
import { uniforms as seededUniform } from '../helpers.js';

beforeAll(() => init());

/** The weighted CVaR by its definition: the convex piecewise-linear min over t is at a breakpoint ℓᵢ. */
function cvarByDefinition(l: ArrayLike<number>, w: ArrayLike<number>, beta: number): number {
  let total = 0;
  for (let i = 0; i < w.length; i++) total += w[i]!;
  let best = Infinity;
  for (let j = 0; j < l.length; j++) {
    const t = l[j]!;
    let s = 0;
    for (let i = 0; i < l.length; i++) s += (w[i]! / total) * Math.max(0, l[i]! - t);
    best = Math.min(best, t + s / (1 - beta));
  }
  return best;
}

const BETAS = [0, 0.3, 0.5, 0.75, 0.9, 0.97];

describe('cvarWeights with scenario weights', () => {
  it('is dual feasible with ⟨w, ℓ⟩ = CVaR_β(ℓ; p), and a subgradient (inequality for random directions)', () => {
    const u = seededUniform(5);
    for (let trial = 0; trial < 300; trial++) {
      const n = 1 + (trial % 13);
      // every third case has ties (losses on a coarse grid) and zero weights
      const ties = trial % 3 === 0;
      const l = Array.from({ length: n }, () => (ties ? Math.floor(u() * 4) : u() * 10 - 3));
      const w: number[] = Array.from({ length: n }, (_, i) => (ties && i % 4 === 1 ? 0 : 0.1 + u() * 3));
      if (!w.some((v) => v > 0)) w[0] = 1;
      const beta = BETAS[trial % BETAS.length]!;
      const total = w.reduce((a, b) => a + b, 0);
      const g = cvarWeights(l, beta, undefined, { weights: w });
      const c = cvarByDefinition(l, w, beta);
      expect(Math.abs(g.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
      g.forEach((gi, i) => {
        expect(gi).toBeGreaterThanOrEqual(0);
        expect(gi).toBeLessThanOrEqual(w[i]! / total / (1 - beta) * (1 + 1e-12));
      });
      expect(Math.abs(g.reduce((s, gi, i) => s + gi * l[i]!, 0) - c)).toBeLessThan(1e-12 * Math.max(1, Math.abs(c)) * n);
      for (let r = 0; r < 5; r++) {
        const y = l.map((v) => v + (u() - 0.5) * 3);
        expect(cvarByDefinition(y, w, beta)).toBeGreaterThanOrEqual(c + g.reduce((s, gi, i) => s + gi * (y[i]! - l[i]!), 0) - 1e-9);
      }
    }
  });

  it('equals central finite differences of the definition where the CVaR is differentiable (distinct losses)', () => {
    const u = seededUniform(11);
    const h = 1e-6;
    let checked = 0;
    for (let trial = 0; trial < 120; trial++) {
      const n = 2 + (trial % 9);
      const l = Array.from({ length: n }, () => u() * 10);
      const w = Array.from({ length: n }, () => 0.2 + u());
      const beta = BETAS[trial % BETAS.length]!;
      const total = w.reduce((a, b) => a + b, 0);
      // differentiable unless a partial sum of the sorted probabilities (short of all of them) hits 1 − β
      const order = l.map((_, i) => i).sort((a, b) => l[b]! - l[a]!);
      let mass = 0;
      const kink = order.slice(0, -1).some((i) => Math.abs((mass += w[i]! / total) - (1 - beta)) < 1e-6);
      if (kink) continue;
      const g = cvarWeights(l, beta, undefined, { weights: w });
      for (let i = 0; i < n; i++) {
        const up = l.slice();
        const down = l.slice();
        up[i]! += h;
        down[i]! -= h;
        const fd = (cvarByDefinition(up, w, beta) - cvarByDefinition(down, w, beta)) / (2 * h);
        expect(Math.abs(fd - g[i]!), `trial ${trial}, i = ${i}`).toBeLessThan(1e-7);
      }
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(110);
  });

  it('integer weights: each loss gets the sum of the unweighted weights of its copies (ties at VaR included)', () => {
    const u = seededUniform(3);
    for (let trial = 0; trial < 100; trial++) {
      const n = 1 + (trial % 8);
      const l = Array.from({ length: n }, () => Math.floor(u() * 5));
      const m = Array.from({ length: n }, (_, i) => (i === 0 ? 1 + Math.floor(u() * 3) : Math.floor(u() * 4)));
      const beta = BETAS[trial % BETAS.length]!;
      const copies = l.flatMap((v, i) => Array.from({ length: m[i]! }, () => ({ v, i })));
      const flat = cvarWeights(copies.map((c) => c.v), beta);
      const want = new Float64Array(n);
      copies.forEach((c, k) => (want[c.i]! += flat[k]!));
      const got = cvarWeights(l, beta, undefined, { weights: m });
      for (let i = 0; i < n; i++) expect(Math.abs(got[i]! - want[i]!), `trial ${trial}, i = ${i}`).toBeLessThan(1e-12);
    }
  });

  it('equal weights give the unweighted subgradient; out is filled and returned', () => {
    const l = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5];
    for (const beta of BETAS) {
      const plain = cvarWeights(l, beta);
      const out = new Float64Array(l.length);
      const weighted = cvarWeights(l, beta, out, { weights: l.map(() => 2.5) });
      expect(weighted).toBe(out);
      plain.forEach((v, i) => expect(Math.abs(weighted[i]! - v)).toBeLessThan(1e-14));
    }
    // an empty options object is the unweighted call
    expect(Array.from(cvarWeights(l, 0.8, undefined, {}))).toEqual(Array.from(cvarWeights(l, 0.8)));
  });

  it('typed errors naming the function, the argument and what was received', () => {
    expect(() => cvarWeights([1, 2, 3], 0.5, undefined, { weight: [1, 1, 1] } as never)).toThrow(ParameterError);
    expect(() => cvarWeights([1, 2, 3], 0.5, undefined, { weight: [1, 1, 1] } as never)).toThrow(/cvarWeights: options\.weight is not a known option/);
    expect(() => cvarWeights([1, 2, 3], 0.5, undefined, { weights: [1, 1] })).toThrow(ShapeError);
    expect(() => cvarWeights([1, 2, 3], 0.5, undefined, { weights: [1, 1] })).toThrow('cvarWeights: options.weights must have length 3 (one weight per scenario) (got 2)');
    expect(() => cvarWeights([1, 2, 3], 0.5, undefined, { weights: [1, -1, 1] })).toThrow('cvarWeights: options.weights[1] must be ≥ 0 (got -1)');
    expect(() => cvarWeights([1, 2, 3], 0.5, undefined, { weights: [0, 0, 0] })).toThrow('cvarWeights: options.weights must have a positive sum (got 0)');
    expect(() => cvarWeights([1, NaN, 3], 0.5, undefined, { weights: [1, 1, 1] })).toThrow(NonFiniteError);
    expect(() => cvarWeights([1, 2, 3], 0.5, new Float64Array(2), { weights: [1, 1, 1] })).toThrow('cvarWeights: out must have length 3 (got 2)');
    expect(() => cvarWeights([1, 2, 3], 1, undefined, { weights: [1, 1, 1] })).toThrow('cvarWeights: beta must be in [0, 1) (got 1)');
  });
});
